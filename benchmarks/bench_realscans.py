"""Real scans: planocr against the naive pipeline, side by side in one run, and record fields against the
fields read by eye (issue 11's targets).

Sets: ../shared/realscans (or $PLANOCR_REALSCANS), the team's set $PLANOCR_REALDOCS (default /work/realdocs,
when present and no --set is given; benchmarks/README.md says how to rebuild it) and every folder given with
--set (same layout: fields.json, scans/, truth/; a set's "blind" documents are scored unless --dev-only). Only
documents with a scan are run; CER only where there is a transcription. Blind documents never get a line of
their own: only their totals are printed (fields right, CER where transcribed, how many lost their text), apart
from the development documents', so that running them shows nothing to tune to.

Naive:   each PDF page rasterised by `pdftoppm -r 300 -gray`, then `tesseract PAGE - -l vie` (psm 3), pages
         joined; an image file goes to tesseract as it is. Cached in work/bench_cache/naive by the file's
         SHA-256 and Tesseract's version.
planocr: `planocr run SCANS... -o TMP --jobs 2` with default options, the record's `text`.

Scoring: pipeline.testing.realscans (CER on whitespace-flattened NFC text; the eight fields with the
handwritten-serial/day rule). "kept" is the share of the transcription's words found in the text
(multiset), the check that no document lost its text.

Usage: python benchmarks/bench_realscans.py [--set DIR ...] [--dev-only] [--no-team-set] [--only NAME,...] [--keep OUT]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.testing.realscans import (  # noqa: E402
    FIELDS,
    RealDocument,
    char_edits,
    flat,
    load_set,
    score_fields,
    shared_realscans,
)

CACHE = ROOT / "work" / "bench_cache" / "naive"


def tesseract_version() -> str:
    out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout
    return out.split()[1] if out else "unknown"


def naive_text(scan: Path, version: str) -> tuple[str, float]:
    """The naive pipeline's text of one scan, and the seconds it took (0 when cached)."""
    sha = hashlib.sha256(scan.read_bytes()).hexdigest()[:16]
    cached = CACHE / f"{sha}-{version}.txt"
    if cached.exists():
        return cached.read_text(encoding="utf-8"), 0.0
    started = time.monotonic()
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        if scan.suffix.lower() == ".pdf":
            subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", str(scan), f"{tmp}/p"], check=True)
            pages = sorted(Path(tmp).glob("p*.png"))
        else:
            pages = [scan]
        texts = [
            subprocess.run(["tesseract", str(p), "-", "-l", "vie"], capture_output=True, text=True, env=env).stdout
            for p in pages
        ]
    text = "\n\f".join(texts)
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_text(text, encoding="utf-8")
    return text, time.monotonic() - started


def words_kept(truth: str, text: str) -> float:
    want, got = Counter(flat(truth).split()), Counter(flat(text).split())
    return sum((want & got).values()) / max(1, sum(want.values()))


def run_planocr(documents: list[RealDocument], outdir: Path, extra: list[str]) -> tuple[dict[str, dict], float]:
    """planocr on every scan, default options (or ``extra`` ones), two workers: name -> record."""
    scans = [d.scan for d in documents if d.scan]
    started = time.monotonic()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this checkout's planocr (a git worktree has no .venv)
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", *map(str, scans), "-o", str(outdir), "--jobs", "2", *extra],
        capture_output=True,
        text=True,
        env=env,
    )
    seconds = time.monotonic() - started
    if proc.returncode not in (0, 1):
        print(proc.stderr, file=sys.stderr)
        raise SystemExit(f"planocr run failed with exit status {proc.returncode}")
    records = {}
    for line in (outdir / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if entry.get("status") == "ok" and entry.get("output"):
            records[Path(entry["input"]).stem] = json.loads((outdir / entry["output"]).read_text(encoding="utf-8"))
    return records, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", default=[], type=Path, help="another set folder (repeatable)")
    parser.add_argument(
        "--include-blind", action="store_true", help="score blind documents too (totals only; on by default)"
    )
    parser.add_argument("--dev-only", action="store_true", help="leave the blind documents out (while developing)")
    parser.add_argument("--no-team-set", action="store_true", help="leave out the team's set ($PLANOCR_REALDOCS)")
    parser.add_argument("--only", default="", help="comma-separated name prefixes")
    parser.add_argument("--keep", type=Path, help="keep planocr's output folder here")
    parser.add_argument(
        "--planocr-option", action="append", default=[], help="an option for planocr run, e.g. --planocr-option=--lang=vie"
    )
    ns = parser.parse_args(argv)

    sets = ([shared_realscans()] if shared_realscans() else []) + ns.set
    team = Path(os.environ.get("PLANOCR_REALDOCS", "/work/realdocs"))
    if not ns.set and not ns.no_team_set and (team / "fields.json").exists():
        sets.append(team)  # the team's own real scans (benchmarks/README.md: tools/build_realdocs.py rebuilds them)
    include_blind = not ns.dev_only
    if not sets:
        print("bench_realscans: skipped: no real-scan set (../shared/realscans is absent and no --set given)")
        return 0
    documents: list[tuple[str, RealDocument]] = []
    for folder in sets:
        for doc in load_set(folder, include_blind=include_blind):
            if not ns.only or any(doc.name.startswith(p) for p in ns.only.split(",")):
                documents.append((folder.name, doc))
    version = tesseract_version()

    started = time.monotonic()
    with ThreadPoolExecutor(2) as pool:
        naive = dict(
            zip([d.name for _, d in documents], pool.map(lambda sd: naive_text(sd[1].scan, version), documents))
        )
    naive_seconds = time.monotonic() - started
    with tempfile.TemporaryDirectory() as tmp:
        outdir = ns.keep or Path(tmp) / "out"
        if ns.keep and outdir.exists():
            shutil.rmtree(outdir)
        records, planocr_seconds = run_planocr([d for _, d in documents], outdir, ns.planocr_option)

    print(f"Real scans: {len(documents)} documents from {', '.join(str(s) for s in sets)}; Tesseract {version}")
    print(f"{'document':44} {'pages':>5} {'naive CER':>9} {'planocr':>8} {'ratio':>6} {'kept':>5}  fields")
    totals = {"naive": [0, 0], "planocr": [0, 0]}
    by_set: dict[str, dict[str, list[int]]] = {}
    field_right = Counter()
    field_total = 0
    lost = []
    sig_docs = sig_ok = 0
    blind = {"documents": 0, "fields": Counter(), "scored": 0, "lost": 0, "cer": {"naive": [0, 0], "planocr": [0, 0]}}
    for set_name, doc in documents:
        record = records.get(doc.name)
        if doc.blind:  # totals only: no line, no value, no name
            blind["documents"] += 1
            if record is None:
                blind["lost"] += 1
                continue
            if doc.truth is not None:
                for key, text in (("naive", naive[doc.name][0]), ("planocr", record["text"])):
                    edits, chars = char_edits(doc.truth, text)
                    blind["cer"][key][0] += edits
                    blind["cer"][key][1] += chars
                blind["lost"] += words_kept(doc.truth, record["text"]) < 0.8
            score = score_fields(doc, record)
            blind["fields"].update(name for name, ok in score.right.items() if ok)
            blind["scored"] += 1
            continue
        pages = len(record["pages"]) if record else 0
        line = f"{doc.name[:44]:44} {pages:>5} "
        if doc.truth is not None:
            n_edits, n_chars = char_edits(doc.truth, naive[doc.name][0])
            p_edits, _ = char_edits(doc.truth, record["text"] if record else "")
            kept = words_kept(doc.truth, record["text"] if record else "")
            if kept < 0.8:
                lost.append(f"{doc.name} ({kept:.0%} of words kept)")
            for key, edits in (("naive", n_edits), ("planocr", p_edits)):
                totals[key][0] += edits
                totals[key][1] += n_chars
                pooled = by_set.setdefault(set_name, {"naive": [0, 0], "planocr": [0, 0]})[key]
                pooled[0] += edits
                pooled[1] += n_chars
            ratio = p_edits / n_edits if n_edits else float("inf")
            line += f"{n_edits / n_chars:>8.1%} {p_edits / n_chars:>8.1%} {ratio:>6.2f} {kept:>5.0%}  "
        else:
            line += f"{'-':>9} {'-':>8} {'-':>6} {'-':>5}  "
        if record:
            score = score_fields(doc, record)
            field_right.update(name for name, ok in score.right.items() if ok)
            field_total += 1
            wrong = [f"{n}={score.got[n]!r}" for n in FIELDS if not score.right[n]]
            line += f"{sum(score.right.values())}/{len(FIELDS)}" + (f"  wrong: {'; '.join(wrong)}" if wrong else "")
            if doc.scan and doc.scan.suffix.lower() == ".pdf":
                sigs = record.get("digital_signatures") or []
                if sigs:
                    sig_docs += 1
                    sig_ok += all(s.get("signer") and s.get("intact") is not None for s in sigs)
        else:
            line += "no record"
            lost.append(f"{doc.name} (no record)")
        print(line)

    def pooled(pair: list[int]) -> float:
        return pair[0] / pair[1] if pair[1] else float("nan")

    print()
    for set_name, pair in by_set.items():
        n, p = pooled(pair["naive"]), pooled(pair["planocr"])
        print(f"pooled CER, set {set_name}: naive {n:.2%}, planocr {p:.2%}, ratio {p / n:.2f}")
    n, p = pooled(totals["naive"]), pooled(totals["planocr"])
    print(f"pooled CER, all: naive {n:.2%}, planocr {p:.2%}, ratio {p / n:.2f} (target <= 0.35)")
    if field_total:
        right = sum(field_right.values())
        per_field = ", ".join(f"{name} {field_right[name]}/{field_total}" for name in FIELDS)
        print(
            f"record fields right: {right}/{field_total * len(FIELDS)} = {right / (field_total * len(FIELDS)):.1%} "
            f"(target >= 90%): {per_field}"
        )
    print(f"documents that lost their text: {len(lost)}" + (f" ({', '.join(lost)})" if lost else ""))
    if blind["documents"]:
        scored, fields = blind["scored"], blind["fields"]
        right = sum(fields.values())
        per_field = ", ".join(f"{name} {fields[name]}/{scored}" for name in FIELDS)
        print(
            f"BLIND ({blind['documents']} documents, totals only): record fields right: {right}/{scored * len(FIELDS)}"
            f" = {right / max(1, scored * len(FIELDS)):.1%}: {per_field}; documents without a record or that lost"
            f" their text: {blind['lost']}"
        )
        n, p = pooled(blind["cer"]["naive"]), pooled(blind["cer"]["planocr"])
        if blind["cer"]["naive"][1]:
            print(f"BLIND pooled CER: naive {n:.2%}, planocr {p:.2%}, ratio {p / n:.2f}")
    print(f"PDF documents with digital signatures recorded: {sig_docs}, every one with signer and integrity: {sig_ok}")
    print(f"time: naive {naive_seconds:.0f} s (0 when cached), planocr --jobs 2 {planocr_seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
