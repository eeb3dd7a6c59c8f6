"""What plans assign, on real documents labelled by hand: assignment bodies (F1), duty counts (within one),
targets (F1), task tables (rows read, lead bodies right), development and blind documents apart; and a
ruled table on a real scanned page read cell by cell.

Texts: $PLANOCR_REALTEXTS or /work/realtexts (docs/*.txt; never in the repository). Labels: the team's,
copied to benchmarks/data/realtexts_labels.json ("blind": true documents were set aside before any code of
the project ran on them). Scans: $PLANOCR_REALDOCS or /work/realdocs (the development scans labelled in
benchmarks/data/realdocs_tables.json: R31, R32; R06 and R07 were lost, their lines say so).
Each part skips with the reason when its data is absent. Scoring: pipeline/testing/plans_eval.py.

Usage: python benchmarks/bench_plans.py [--split dev|blind|both] [--no-scans] [-v]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.parse import parse_text  # noqa: E402
from pipeline.testing.plans_eval import (  # noqa: E402
    BodyScore,
    TableScore,
    TargetScore,
    score_bodies,
    score_tables,
    score_targets,
)

LABELS = ROOT / "benchmarks" / "data" / "realtexts_labels.json"
SCAN_LABELS = ROOT / "benchmarks" / "data" / "realdocs_tables.json"


def texts_dir() -> Path | None:
    for candidate in (os.environ.get("PLANOCR_REALTEXTS"), "/work/realtexts"):
        if candidate and (Path(candidate) / "docs").is_dir():
            return Path(candidate)
    return None


def run_split(split: str, folder: Path, verbose: bool) -> None:
    labels = json.loads(LABELS.read_text(encoding="utf-8"))["documents"]
    chosen = [d for d in labels if d["blind"] == (split == "blind")]
    bodies = BodyScore()
    within = matched = roles = requests = 0
    targets = TargetScore()
    tables = TableScore()
    docs_a = docs_t = docs_tb = 0
    started = time.perf_counter()
    for doc in chosen:
        path = folder / doc["file"]
        if not path.exists():
            print(f"  {doc['file']}: missing, skipped")
            continue
        fields = parse_text(path.read_text(encoding="utf-8"))
        name = Path(doc["file"]).stem
        if doc.get("assignments") is not None:
            docs_a += 1
            s = score_bodies(fields.assignments, doc["assignments"], fields.place)
            bodies.counts.add(s.counts)
            within += s.within_one
            matched += s.matched
            roles += s.role_right
            requests += s.request_right
            if verbose:
                print(
                    f"  {name}: bodies {s.counts.true_positive}/{s.counts.predicted} predicted, "
                    f"{s.counts.labelled} labelled; duties within one {s.within_one}/{s.matched}"
                )
                for label, items in (("missed", s.missed), ("extra", s.extra), ("duties off", s.off_counts)):
                    if items:
                        print(f"      {label}: {'; '.join(items)}")
        if doc.get("targets") is not None:
            docs_t += 1
            t = score_targets(fields.targets, doc["targets"])
            targets.counts.add(t.counts)
            targets.year_right += t.year_right
            if verbose:
                print(
                    f"  {name}: targets {t.counts.true_positive}/{t.counts.predicted} predicted, "
                    f"{t.counts.labelled} labelled, year right {t.year_right}"
                )
                for label, items in (("missed", t.missed), ("extra", t.extra)):
                    for item in items:
                        print(f"      {label}: {item}")
        if doc.get("tables"):
            docs_tb += 1
            tb = score_tables([t for t in fields.tables if t.source == "text"], doc["tables"], fields.place)
            for attr in ("labelled", "found", "rows_right", "lead_rows", "lead_right", "lead_bodies_right"):
                setattr(tables, attr, getattr(tables, attr) + getattr(tb, attr))
            if verbose and tb.notes:
                print(f"  {name}: tables: {'; '.join(tb.notes)}")
    seconds = time.perf_counter() - started
    print(f"{split}: {len(chosen)} documents parsed in {seconds:.1f} s")
    c = bodies.counts
    print(
        f"  assignment bodies ({docs_a} documents): F1 {c.f1:.3f} (precision {c.precision:.3f} = "
        f"{c.true_positive}/{c.predicted}, recall {c.recall:.3f} = {c.true_positive}/{c.labelled})"
    )
    if matched:
        print(
            f"  duty counts within one: {within}/{matched} = {within / matched:.1%} of matched bodies; "
            f"role right {roles}/{matched}, request right {requests}/{matched}"
        )
    c = targets.counts
    print(
        f"  targets ({docs_t} documents): F1 {c.f1:.3f} (precision {c.precision:.3f} = "
        f"{c.true_positive}/{c.predicted}, recall {c.recall:.3f} = {c.true_positive}/{c.labelled}); "
        f"year right {targets.year_right}/{c.true_positive}"
    )
    if tables.labelled:
        lead = (
            f"; lead bodies right {tables.lead_right}/{tables.lead_rows} = {tables.lead_right / tables.lead_rows:.1%} "
            f"(as body sets {tables.lead_bodies_right}/{tables.lead_rows})"
            if tables.lead_rows
            else ""
        )
        print(
            f"  tables ({docs_tb} documents): {tables.found}/{tables.labelled} found, rows read right "
            f"{tables.rows_right}/{tables.labelled}{lead}"
        )


def run_scans(verbose: bool) -> None:
    folder = Path(os.environ.get("PLANOCR_REALDOCS", "/work/realdocs"))
    if not (folder / "scans").is_dir():
        print(f"scanned tables: skipped ({folder}/scans is absent)")
        return
    from pipeline.tables.evaluate import evaluate_scans

    labels = json.loads(SCAN_LABELS.read_text(encoding="utf-8"))
    for line in evaluate_scans(folder, labels, verbose=verbose):
        print(line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "blind", "both"), default="both")
    parser.add_argument("--no-scans", action="store_true", help="leave out the scanned table pages (OCR)")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    folder = texts_dir()
    if folder is None:
        print("plans: skipped (no real texts: set PLANOCR_REALTEXTS or provide /work/realtexts/docs)")
    else:
        for split in ("dev", "blind") if args.split == "both" else (args.split,):
            run_split(split, folder, args.verbose)
    if not args.no_scans:
        run_scans(args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
