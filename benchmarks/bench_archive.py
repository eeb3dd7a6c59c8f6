"""Archive outputs (issue 14) on the real scans: what --pdf costs, what it writes, and how good its text
layer is beside OCRmyPDF's.

Set: ../shared/realscans (or $PLANOCR_REALSCANS); every document with a scan, one worker pair (--jobs 2).
PDF inputs that are scans run with --force-ocr (the portals' e-signature box is real text on page 1, which
the load stage may take for the page's text layer); born-digital ones (no page is a page-filling scanned
image) run without it and must get no PDF.

1. Cost: `planocr run` without and with `--pdf --alto`, seconds per page of the whole command (target: under
   15% more), and the archive stage alone (its own timing in the manifest, seconds per page).
2. Outputs, per document: pages, input and PDF sizes (target for PDF inputs ≤ 1.5×), PDF/A identification,
   OutputIntent, unembedded fonts, pikepdf's PDF/A-2b validator, bag-of-words F1 of the text layer against
   the record's words (pdftotext and PDFium; for PDF inputs the input's own text, e.g. the visible
   e-signature box, is taken out first; "all" keeps it), and the ALTO: valid against the XSD, F1 of its
   CONTENTs against the record's words.
3. Text layer against the transcription: CER of pdftotext's text of planocr's PDF beside that of OCRmyPDF's
   (`ocrmypdf -l vie --deskew --force-ocr`, one job; signed inputs need --invalidate-digital-signatures, the
   JPEG --image-dpi 200), and the record's own text. OCRmyPDF's outputs are cached in
   work/bench_cache/ocrmypdf by input SHA-256 and versions.

Usage: python benchmarks/bench_archive.py [--keep DIR] [--no-ocrmypdf] [--no-force-ocr]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.archive.alto import alto_schema  # noqa: E402
from pipeline.archive.check import (  # noqa: E402
    added_words,
    alto_contents,
    bag_f1,
    extract_text,
    layer_words,
    pdf_facts,
    words_of,
)
from pipeline.model import Document  # noqa: E402
from pipeline.testing.realscans import char_edits, load_set, shared_realscans  # noqa: E402

CACHE = ROOT / "work" / "bench_cache" / "ocrmypdf"


def born_digital(path: Path) -> bool:
    """No page of the PDF is a page-filling scanned image (pdfimages' view, as the load stage uses it)."""
    if path.suffix.lower() != ".pdf":
        return False
    from pipeline.load.pdf import count_pdf_pages, embedded_scan_dpi

    return all(embedded_scan_dpi(path, n) is None for n in range(1, count_pdf_pages(path) + 1))


def planocr(scans: list[Path], out: Path, extra: list[str]) -> tuple[float, dict]:
    """Run the CLI; (wall seconds, the --log-json summary)."""
    started = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "run",
            *map(str, scans),
            "-o",
            str(out),
            "--jobs",
            "2",
            "--log-json",
            *extra,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    seconds = time.monotonic() - started
    events = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    summary = next((e for e in events if e.get("event") == "summary"), {})
    if done.returncode not in (0, 1):
        raise SystemExit(f"planocr failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds, summary


def run_mode(born: list[Path], scans: list[Path], out: Path, extra: list[str], force: bool) -> float:
    seconds = 0.0
    if born:
        seconds += planocr(born, out, extra)[0]
    if scans:
        seconds += planocr(scans, out, extra + (["--force-ocr"] if force else []))[0]
    return seconds


def ocrmypdf_text(scan: Path) -> tuple[str, float]:
    """pdftotext of OCRmyPDF's output for one scan, and its seconds (0 when cached)."""
    import ocrmypdf

    version = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.split()[1]
    sha = hashlib.sha256(scan.read_bytes()).hexdigest()[:16]
    cached = CACHE / f"{sha}-ocrmypdf{ocrmypdf.__version__}-tesseract{version}.txt"
    if cached.exists():
        return cached.read_text(encoding="utf-8"), 0.0
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "out.pdf"
        command = ["ocrmypdf", "-l", "vie", "--deskew", "--force-ocr", "--jobs", "1", "--output-type", "pdfa-2", "-q"]
        command += ["--invalidate-digital-signatures"]
        if scan.suffix.lower() != ".pdf":
            command += ["--image-dpi", "200"]
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", *command, str(scan), str(output)], capture_output=True, text=True, timeout=1800
        )
        seconds = time.monotonic() - started
        if done.returncode != 0:
            return (
                f"(OCRmyPDF failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode})",
                seconds,
            )
        text = extract_text(output)
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_text(text, encoding="utf-8")
    return text, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="keep the outputs in this folder")
    parser.add_argument("--no-ocrmypdf", action="store_true", help="leave out the OCRmyPDF side by side")
    parser.add_argument("--no-force-ocr", action="store_true", help="scans without --force-ocr")
    args = parser.parse_args()
    folder = shared_realscans()
    if folder is None:
        print("bench_archive: ../shared/realscans is absent; nothing to measure")
        return 0
    documents = load_set(folder)
    schema_path = folder.parent / "schemas" / "alto-4-4.xsd"
    schema = alto_schema(schema_path) if schema_path.is_file() else None
    work = Path(tempfile.mkdtemp(prefix="bench-archive-"))
    try:
        scans = [d.scan for d in documents if d.scan is not None]
        born = [s for s in scans if born_digital(s)]
        to_ocr = [s for s in scans if s not in born]
        force = not args.no_force_ocr
        print(f"set: {folder} ({len(scans)} documents; born-digital: {', '.join(s.stem[:3] for s in born) or 'none'})")

        # 1. cost: without, with, without, with (the VM's speed drifts; each mode's faster run counts)
        plain_runs, archive_runs = [], []
        for _ in range(2):
            shutil.rmtree(work / "plain", ignore_errors=True)
            shutil.rmtree(work / "archive", ignore_errors=True)
            plain_runs.append(run_mode(born, to_ocr, work / "plain", [], force))
            archive_runs.append(run_mode(born, to_ocr, work / "archive", ["--pdf", "--alto"], force))
        out = work / "archive"
        records = {p.stem: Document.model_validate_json(p.read_text(encoding="utf-8")) for p in out.glob("*.json")}
        pages = sum(len(r.pages) for r in records.values())
        manifest = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
        archive_seconds = sum((e.get("timings") or {}).get("archive", 0.0) for e in manifest)
        plain, with_archive = min(plain_runs), min(archive_runs)
        print(f"\n1. cost ({pages} pages, --jobs 2, two runs of each, the faster counts)")
        print(
            f"   runs without --pdf --alto: {', '.join(f'{s:.1f}' for s in plain_runs)} s; with: {', '.join(f'{s:.1f}' for s in archive_runs)} s"
        )
        print(
            f"   seconds per page: {plain / pages:.2f} without, {with_archive / pages:.2f} with  "
            f"({100 * (with_archive / plain - 1):+.1f}%; target under +15%)"
        )
        print(
            f"   archive stage alone (PDF + ALTO, in the driver): {archive_seconds:.2f} s, "
            f"{archive_seconds / pages:.3f} s per page = {100 * archive_seconds / plain:.1f}% of the run without"
        )

        # 2. outputs
        print("\n2. outputs")
        print(
            f"   {'doc':<5} {'pp':>2} {'input':>9} {'pdf':>9} {'ratio':>5} {'PDF/A':>5} {'OI':>2} {'unemb':>5} "
            f"{'valid.':>6} {'F1 pdftotext':>12} {'F1 pdfium':>9} {'F1 all':>6} {'ALTO':>5} {'F1 ALTO':>7}"
        )
        worst = {"f1": 1.0, "alto": 1.0, "ratio": 0.0}
        for scan in scans:
            record = records.get(scan.stem)
            if record is None:
                print(f"   {scan.stem[:5]:<5} no record")
                continue
            pdf = out / f"{scan.stem}.pdf"
            alto = out / f"{scan.stem}.alto.xml"
            if not pdf.exists():
                reason = (
                    "born-digital: left as it is"
                    if scan in born
                    else "; ".join(w for w in record.warnings if w.startswith("pdf"))
                )
                print(f"   {scan.stem[:5]:<5} {len(record.pages):>2} no PDF ({reason or 'no scan page'})")
                continue
            facts = pdf_facts(pdf)
            reference = layer_words(record)
            f1_poppler = bag_f1(reference, added_words(pdf, scan, "pdftotext"))[0]
            f1_pdfium = bag_f1(reference, added_words(pdf, scan, "pdfium"))[0]
            f1_all = bag_f1(reference, words_of(extract_text(pdf)))[0]
            ratio = pdf.stat().st_size / scan.stat().st_size
            valid, f1_alto = "-", 0.0
            if alto.exists():
                from lxml import etree

                data = alto.read_bytes()
                valid = ("yes" if schema.validate(etree.fromstring(data)) else "NO") if schema is not None else "n/a"
                f1_alto = bag_f1(reference, alto_contents(data))[0]
            worst["f1"] = min(worst["f1"], f1_poppler, f1_pdfium)
            worst["alto"] = min(worst["alto"], f1_alto)
            if scan.suffix.lower() == ".pdf":
                worst["ratio"] = max(worst["ratio"], ratio)
            print(
                f"   {scan.stem[:5]:<5} {facts.pages:>2} {scan.stat().st_size:>9,} {pdf.stat().st_size:>9,} {ratio:>5.2f} "
                f"{facts.pdfa or '-':>5} {facts.output_intents:>2} {len(facts.unembedded):>5} {facts.validator or '-':>6} "
                f"{f1_poppler:>12.4f} {f1_pdfium:>9.4f} {f1_all:>6.3f} {valid:>5} {f1_alto:>7.4f}"
            )
        print(
            f"   lowest F1 of a text layer {worst['f1']:.4f} (target ≥ 0.98), of an ALTO {worst['alto']:.4f} "
            f"(≥ 0.98); largest PDF/input size for PDF inputs {worst['ratio']:.2f} (≤ 1.5)"
        )

        # 3. the text layer against the transcription, beside OCRmyPDF
        print("\n3. text layer CER against the transcription (pdftotext of each PDF; whitespace-flattened NFC)")
        print(f"   {'doc':<5} {'planocr PDF':>11} {'record text':>11} {'OCRmyPDF':>9} {'OCRmyPDF s':>10}")
        pooled = {"pdf": [0, 0], "record": [0, 0], "ocrmypdf": [0, 0]}
        for document in documents:
            scan = document.scan
            if document.truth is None or scan is None or scan.stem not in records:
                continue
            pdf = out / f"{scan.stem}.pdf"
            if not pdf.exists():
                continue
            cells = {}
            for key, text in (("pdf", extract_text(pdf)), ("record", records[scan.stem].text)):
                edits, length = char_edits(document.truth, text)
                pooled[key][0] += edits
                pooled[key][1] += length
                cells[key] = f"{100 * edits / length:.2f}%"
            cells["ocrmypdf"], cells["seconds"] = "-", "-"
            if not args.no_ocrmypdf:
                text, seconds = ocrmypdf_text(scan)
                edits, length = char_edits(document.truth, text)
                pooled["ocrmypdf"][0] += edits
                pooled["ocrmypdf"][1] += length
                cells["ocrmypdf"] = f"{100 * edits / length:.2f}%"
                cells["seconds"] = f"{seconds:.0f}" if seconds else "cached"
            print(
                f"   {scan.stem[:5]:<5} {cells['pdf']:>11} {cells['record']:>11} {cells['ocrmypdf']:>9} {cells['seconds']:>10}"
            )
        rates = {k: (f"{100 * e / n:.2f}%" if n else "-") for k, (e, n) in pooled.items()}
        print(f"   {'all':<5} {rates['pdf']:>11} {rates['record']:>11} {rates['ocrmypdf']:>9}")
        if args.keep:
            shutil.copytree(out, args.keep, dirs_exist_ok=True)
            print(f"\noutputs kept in {args.keep}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
