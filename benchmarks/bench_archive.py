"""Archive outputs (issue 14) on the real scans: what --pdf costs, what it writes, and how good its text
layer is beside OCRmyPDF's.

Set: ../shared/realscans (or $PLANOCR_REALSCANS); every document with a scan, --jobs 2, default options (the
load stage decides per page what is a scan; --force-ocr runs the scans with it). The born-digital PDF (no
page is a page-filling scanned image) must get no PDF.

1. Cost: `planocr run` without and with `--pdf --alto`, twice each, interleaved (the faster run of each
   counts): seconds per page, wall and CPU (Tesseract, the workers' page stages, the driver) (target: under
   15% more), and the archive stage alone (its own timings in the manifest).
2. Outputs, per document: pages, input and PDF sizes (target for PDF inputs ≤ 1.5×), PDF/A identification,
   OutputIntent, unembedded fonts, pikepdf's PDF/A-2b validator, bag-of-words F1 of the text layer against
   the record's words (pdftotext and PDFium; for PDF inputs the input's own text, e.g. the visible
   e-signature box, is taken out first; "all" keeps it), and the ALTO: valid against the XSD, F1 of its
   CONTENTs against the record's words.
3. Text layer against the transcription: CER of pdftotext's text of planocr's PDF beside that of OCRmyPDF's
   (`ocrmypdf -l vie --deskew --force-ocr`, one job; signed inputs need --invalidate-digital-signatures, the
   JPEG --image-dpi 200), and the record's own text. The input's own lines (the e-signature box, which the
   transcriptions leave out) are taken out of both PDFs' text. OCRmyPDF's outputs are cached in
   work/bench_cache/ocrmypdf by input SHA-256 and versions.

Usage: python benchmarks/bench_archive.py [--keep DIR] [--no-ocrmypdf] [--force-ocr]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
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
    own_text,
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


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def planocr(scans: list[Path], out: Path, extra: list[str]) -> tuple[float, float]:
    """Run the CLI; (wall seconds, CPU seconds: Tesseract's and the workers' per page as the run's --log-json
    summary sums them, plus the driver's own). The workers fork from planocr's forkserver, so the bench's
    rusage of its children sees only the driver."""
    started, driver = time.monotonic(), children_cpu()
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
    if done.returncode not in (0, 1):
        raise SystemExit(f"planocr failed ({done.returncode}): {done.stderr[-2000:]}")
    wall = time.monotonic() - started
    events = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    timings = next((e.get("timings") or {} for e in events if e.get("event") == "summary"), {})
    return wall, timings.get("tesseract_cpu", 0.0) + timings.get("python_cpu", 0.0) + children_cpu() - driver


def run_mode(born: list[Path], scans: list[Path], out: Path, extra: list[str], force: bool) -> tuple[float, float]:
    """(wall seconds, CPU seconds: Tesseract, the workers' page stages, the driver)."""
    runs = []
    if born:
        runs.append(planocr(born, out, extra))
    if scans:
        runs.append(planocr(scans, out, extra + (["--force-ocr"] if force else [])))
    return sum(w for w, _ in runs), sum(c for _, c in runs)


def ocrmypdf_pdf(scan: Path) -> tuple[Path | None, float, str]:
    """OCRmyPDF's output for one scan, its seconds (0 when cached), and why it failed."""
    import ocrmypdf

    version = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.split()[1]
    sha = hashlib.sha256(scan.read_bytes()).hexdigest()[:16]
    cached = CACHE / f"{sha}-ocrmypdf{ocrmypdf.__version__}-tesseract{version}.pdf"
    if cached.exists():
        return cached, 0.0, ""
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
            return None, seconds, done.stderr.strip().splitlines()[-1] if done.stderr.strip() else str(done.returncode)
        CACHE.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(output, cached)
    return cached, seconds, ""


def layer_text(pdf: Path, scan: Path, mode: list[str]) -> str:
    """pdftotext of a PDF without the input's own lines (a signed portal scan's visible e-signature box, real
    text in the input, which the transcriptions leave out by convention)."""
    text = subprocess.run(["pdftotext", *mode, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    if scan.suffix.lower() != ".pdf":
        return text
    own = {line.strip() for line in own_text(scan).splitlines() if line.strip()}
    return "\n".join(line for line in text.splitlines() if line.strip() not in own)


def cost(born: list[Path], to_ocr: list[Path], work: Path, force: bool) -> Path:
    """Section 1; returns the folder of the last run with --pdf --alto."""
    plain_runs, archive_runs = [], []
    for _ in range(2):
        shutil.rmtree(work / "plain", ignore_errors=True)
        shutil.rmtree(work / "archive", ignore_errors=True)
        plain_runs.append(run_mode(born, to_ocr, work / "plain", [], force))
        archive_runs.append(run_mode(born, to_ocr, work / "archive", ["--pdf", "--alto"], force))
    out = work / "archive"
    records = [Document.model_validate_json(p.read_text(encoding="utf-8")) for p in out.glob("*.json")]
    pages = sum(len(r.pages) for r in records)
    manifest = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    archive_wall = sum((e.get("timings") or {}).get("archive", 0.0) for e in manifest)
    archive_cpu = sum((e.get("timings") or {}).get("archive_cpu", 0.0) for e in manifest)
    wall = min(w for w, _ in plain_runs), min(w for w, _ in archive_runs)
    cpu = min(c for _, c in plain_runs), min(c for _, c in archive_runs)
    print(f"\n1. cost ({pages} pages, --jobs 2, two runs of each interleaved, the faster counts)")
    print(
        f"   runs without --pdf --alto: {', '.join(f'{w:.1f} s ({c:.1f} s CPU)' for w, c in plain_runs)}; "
        f"with: {', '.join(f'{w:.1f} s ({c:.1f} s CPU)' for w, c in archive_runs)}; "
        f"load average now {os.getloadavg()[0]:.1f}"
    )
    print(
        f"   seconds per page, wall: {wall[0] / pages:.2f} without, {wall[1] / pages:.2f} with "
        f"({100 * (wall[1] / wall[0] - 1):+.1f}%); CPU (Tesseract, page stages, driver): {cpu[0] / pages:.2f} without, "
        f"{cpu[1] / pages:.2f} with ({100 * (cpu[1] / cpu[0] - 1):+.1f}%); target under +15%"
    )
    print(
        f"   the archive stage alone (PDF + ALTO, in the driver, last run): {archive_cpu / pages:.3f} s CPU per page "
        f"= {100 * archive_cpu / cpu[0]:.1f}% of the CPU without; {archive_wall / pages:.3f} s wall per page"
    )
    return out


def outputs(scans: list[Path], born: list[Path], out: Path, records: dict[str, Document], schema) -> None:
    """Section 2."""
    from lxml import etree

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
        pdf, alto = out / f"{scan.stem}.pdf", out / f"{scan.stem}.alto.xml"
        if not pdf.exists():
            reason = (
                "born-digital: left as it is"
                if scan in born
                else "; ".join(w for w in record.warnings if w.startswith("pdf")) or "no scan page"
            )
            print(f"   {scan.stem[:5]:<5} {len(record.pages):>2} no PDF ({reason})")
            continue
        facts = pdf_facts(pdf)
        reference = layer_words(record)
        f1_poppler = bag_f1(reference, added_words(pdf, scan, "pdftotext"))[0]
        f1_pdfium = bag_f1(reference, added_words(pdf, scan, "pdfium"))[0]
        f1_all = bag_f1(reference, words_of(extract_text(pdf)))[0]
        ratio = pdf.stat().st_size / scan.stat().st_size
        valid, f1_alto = "-", 0.0
        if alto.exists():
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
        f"   lowest F1 of a text layer {worst['f1']:.4f} (target ≥ 0.98), of an ALTO {worst['alto']:.4f} (≥ 0.98); "
        f"largest PDF/input size for PDF inputs {worst['ratio']:.2f} (≤ 1.5)"
    )


def text_layer_cer(documents, out: Path, records: dict[str, Document], with_ocrmypdf: bool) -> None:
    """Section 3."""
    print("\n3. text layer CER against the transcription (pdftotext of each PDF without the input's own")
    print("   e-signature lines; default reading order, and -raw = content order; whitespace-flattened NFC)")
    print(f"   {'doc':<5} {'planocr PDF':>11} {'-raw':>7} {'record':>7} {'OCRmyPDF':>9} {'-raw':>7} {'OCRmyPDF s':>10}")
    keys = ("pdf", "pdf_raw", "record", "ocrmypdf", "ocrmypdf_raw")
    pooled: dict[str, list[int]] = {k: [0, 0] for k in keys}
    for document in documents:
        scan = document.scan
        pdf = out / f"{scan.stem}.pdf" if scan is not None else None
        if document.truth is None or scan is None or pdf is None or not pdf.exists():
            continue
        texts = {
            "pdf": layer_text(pdf, scan, []),
            "pdf_raw": layer_text(pdf, scan, ["-raw"]),
            "record": records[scan.stem].text,
        }
        seconds = "-"
        if with_ocrmypdf:
            theirs, took, failure = ocrmypdf_pdf(scan)
            seconds = f"{took:.0f}" if took else "cached"
            if theirs is None:
                print(f"   {scan.stem[:5]:<5} OCRmyPDF failed: {failure}")
            else:
                texts["ocrmypdf"] = layer_text(theirs, scan, [])
                texts["ocrmypdf_raw"] = layer_text(theirs, scan, ["-raw"])
        cells = {}
        for key in keys:
            if key not in texts:
                cells[key] = "-"
                continue
            edits, length = char_edits(document.truth, texts[key])
            pooled[key][0] += edits
            pooled[key][1] += length
            cells[key] = f"{100 * edits / length:.2f}%"
        print(
            f"   {scan.stem[:5]:<5} {cells['pdf']:>11} {cells['pdf_raw']:>7} {cells['record']:>7} "
            f"{cells['ocrmypdf']:>9} {cells['ocrmypdf_raw']:>7} {seconds:>10}"
        )
    rates = {k: (f"{100 * e / n:.2f}%" if n else "-") for k, (e, n) in pooled.items()}
    print(
        f"   {'all':<5} {rates['pdf']:>11} {rates['pdf_raw']:>7} {rates['record']:>7} "
        f"{rates['ocrmypdf']:>9} {rates['ocrmypdf_raw']:>7}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--keep", type=Path, help="keep the outputs in this folder")
    parser.add_argument("--no-ocrmypdf", action="store_true", help="leave out the OCRmyPDF side by side")
    parser.add_argument(
        "--force-ocr", action="store_true", help="run the scans (not the born-digital PDFs) with --force-ocr"
    )
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
        print(f"set: {folder} ({len(scans)} documents; born-digital: {', '.join(s.stem[:3] for s in born) or 'none'})")
        out = cost(born, to_ocr, work, args.force_ocr)
        records = {p.stem: Document.model_validate_json(p.read_text(encoding="utf-8")) for p in out.glob("*.json")}
        outputs(scans, born, out, records, schema)
        text_layer_cer(documents, out, records, not args.no_ocrmypdf)
        if args.keep:
            shutil.copytree(out, args.keep, dirs_exist_ok=True)
            print(f"\noutputs kept in {args.keep}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
