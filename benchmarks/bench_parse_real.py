#!/usr/bin/env python3
"""The form parser on real documents (issue 16 item 6/7): header and tail fields of born-digital real documents
against labels written by hand, separately for development and blind documents.

Documents: the texts of /work/realtexts (or $PLANOCR_REALTEXTS): real documents of many issuers taken from public
repositories, converted to text; they stay outside the repository. Labels: benchmarks/data/realtexts_labels.json
(our own annotations, a copy of the set's labels.json; README of the set: labelling rules). A document marked
``"blind": true`` is scored but its failures are never printed: the blind rows are the held-out measure.

Fields (pipeline.testing.parse_eval.score_real): number, doc_type, place, date, title, issuer (printed lines
joined, parent first), signer, signature position, signature authority (TM./KT./TL. lines joined ' / '). A blank
or handwritten serial or day must come out null (or as its printed part alone: '/KH-UBND', '2025-12').

    .venv/bin/python benchmarks/bench_parse_real.py [--texts DIR] [--labels FILE] [--verbose] [--json FILE]
        [--records DIR]

--verbose prints every failed check of the development documents (never of the blind ones); --dev leaves the blind
rows out (while developing); --set T02 scores one collection of the set (the ids' prefix).
--records DIR re-parses the records planocr wrote for real scans (``bench_realscans.py --keep DIR``: their pages'
text and OCR words) with this parser and scores the eight issue 11 fields, so the parser can be measured on real
OCR output without running OCR again.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.parse import parse_text  # noqa: E402
from pipeline.testing.parse_eval import REAL_FIELDS, Check, score_real  # noqa: E402
from pipeline.testing.realscans import FIELDS, RealDocument, score_fields, shared_realscans  # noqa: E402

LABELS = ROOT / "benchmarks" / "data" / "realtexts_labels.json"


def texts_folder(given: Path | None) -> Path | None:
    for folder in (given, Path(os.environ["PLANOCR_REALTEXTS"]) if os.environ.get("PLANOCR_REALTEXTS") else None,
                   Path("/work/realtexts")):
        if folder is not None and (folder / "docs").is_dir():
            return folder
    return None


def table(title: str, results: list[tuple[str, list[Check]]]) -> tuple[int, int]:
    """Print per-field right/total over the documents; returns (right, total)."""
    print(f"\n{title}: {len(results)} documents")
    right_all = total_all = 0
    for name in REAL_FIELDS:
        checks = [c for _, cs in results for c in cs if c.field == name]
        right = sum(c.ok for c in checks)
        right_all += right
        total_all += len(checks)
        print(f"  {name:<10} {right:>3}/{len(checks):<3}")
    share = 100 * right_all / total_all if total_all else 0.0
    print(f"  {'all':<10} {right_all:>3}/{total_all:<3} {share:5.1f}%")
    return right_all, total_all


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=Path, help="the realtexts folder (docs/ inside)")
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--verbose", action="store_true", help="print the development documents' failed checks")
    parser.add_argument("--json", type=Path, help="write per-document results (development documents only)")
    parser.add_argument("--records", type=Path, help="re-parse planocr's records of real scans kept in this folder")
    parser.add_argument("--dev", action="store_true", help="development documents only (no blind rows)")
    parser.add_argument("--set", dest="prefix", help="only documents whose name starts so (T01, T02: one collection)")
    args = parser.parse_args(argv)
    folder = texts_folder(args.texts)
    if folder is None:
        print("skipped: the real texts are absent (set $PLANOCR_REALTEXTS to the realtexts folder, docs/ inside)")
        return 0
    labels = json.loads(args.labels.read_text(encoding="utf-8"))["documents"]
    if args.prefix:
        labels = [label for label in labels if Path(label["file"]).stem.startswith(args.prefix)]
    dev: list[tuple[str, list[Check]]] = []
    blind: list[tuple[str, list[Check]]] = []
    missing = []
    for label in labels:
        path = folder / label["file"]
        if not path.is_file():
            missing.append(label["file"])
            continue
        checks = score_real(parse_text(path.read_text(encoding="utf-8")), label)
        (blind if label.get("blind") else dev).append((Path(label["file"]).stem, checks))
    if missing:
        print(f"missing texts (not scored): {', '.join(missing)}")
    print("Header/tail fields of real documents, right/total")
    table("development documents", dev)
    if not args.dev:
        table("blind documents", blind)
    if args.verbose:
        print("\nfailed checks, development documents:")
        for name, checks in dev:
            for check in checks:
                if not check.ok:
                    print(f"  {name}: {check.field}: expected {check.expected!r}, got {check.got!r}")
    if args.json:
        out = {name: {c.field: {"ok": c.ok, "expected": c.expected, "got": c.got} for c in checks}
               for name, checks in dev}
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    transcriptions(args.verbose)
    if args.records:
        reparse_records(args.records, args.verbose)
    return 0


def reparse_records(folder: Path, verbose: bool) -> None:
    """Records of real scans (kept by bench_realscans) parsed again from their pages, scored on the eight fields."""
    from pipeline.model import Document
    from pipeline.parse import line_confidences
    from pipeline.testing.realscans import load_set

    sets = [shared_realscans(), Path(os.environ.get("PLANOCR_REALDOCS", "/work/realdocs"))]
    documents = {d.name: d for s in sets if s is not None and (s / "fields.json").is_file() for d in load_set(s)}
    right = {name: 0 for name in FIELDS}
    failed, n = [], 0
    for path in sorted(folder.glob("*.json")):
        document = documents.get(path.stem)
        if document is None:
            continue  # a blind document's record, or not a record
        record = Document.model_validate_json(path.read_text(encoding="utf-8"))
        text = "\f".join(page.text for page in record.pages)
        parsed = parse_text(text, confidences=line_confidences(record.pages))
        score = score_fields(document, parsed.model_dump())
        n += 1
        for name in FIELDS:
            right[name] += score.right[name]
            if not score.right[name]:
                failed.append(f"  {document.name}: {name}: expected {score.want[name]!r}, got {score.got[name]!r}")
    if not n:
        print(f"\nrecords in {folder}: none of a development document")
        return
    total = sum(right.values())
    print(f"\nrecords of real scans in {folder}, parsed again: {n} documents")
    for name in FIELDS:
        print(f"  {name:<10} {right[name]:>3}/{n:<3}")
    print(f"  {'all':<10} {total:>3}/{n * len(FIELDS):<3} {100 * total / (n * len(FIELDS)):5.1f}%")
    if verbose and failed:
        print("failed checks:\n" + "\n".join(failed))


def transcribed_documents() -> list[RealDocument]:
    """Development documents of the real-scan sets that have a transcription (blind ones are left out)."""
    import json as _json
    import unicodedata

    documents = []
    for folder in (shared_realscans(), Path(os.environ.get("PLANOCR_REALDOCS", "/work/realdocs"))):
        if folder is None or not (folder / "fields.json").is_file():
            continue
        for entry in _json.loads((folder / "fields.json").read_text(encoding="utf-8"))["documents"]:
            if entry.get("blind") or not entry.get("file"):
                continue
            text = unicodedata.normalize("NFC", (folder / entry["file"]).read_text(encoding="utf-8"))
            name = Path(entry["file"]).stem
            documents.append(RealDocument(name, entry, [], text, False, [str(h) for h in entry.get("handwritten") or []]))
    return documents


def transcriptions(verbose: bool) -> None:
    """The parser on the transcriptions of the real scans (the text OCR should give): the eight issue 11 fields."""
    documents = transcribed_documents()
    if not documents:
        print("\ntranscriptions of real scans: skipped (no real-scan set with transcriptions found)")
        return
    right = {name: 0 for name in FIELDS}
    failed = []
    for document in documents:
        score = score_fields(document, parse_text(document.truth or "").model_dump())
        for name in FIELDS:
            right[name] += score.right[name]
            if not score.right[name]:
                failed.append(f"  {document.name}: {name}: expected {score.want[name]!r}, got {score.got[name]!r}")
    total = sum(right.values())
    print(f"\ntranscriptions of real scans (development documents): {len(documents)} documents")
    for name in FIELDS:
        print(f"  {name:<10} {right[name]:>3}/{len(documents):<3}")
    print(f"  {'all':<10} {total:>3}/{len(documents) * len(FIELDS):<3} {100 * total / (len(documents) * len(FIELDS)):5.1f}%")
    if verbose and failed:
        print("failed checks:\n" + "\n".join(failed))


if __name__ == "__main__":
    raise SystemExit(main())
