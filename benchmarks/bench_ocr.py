"""OCR benchmark: planocr's page text vs a naive Tesseract run, per scan profile.

Naive:   the PDF page rasterised at 300 DPI with pdf2image, `tesseract -l vie` with default settings
         (psm 3, Tesseract's own thresholding and reading order), nothing else.
planocr: inputs.load_page -> preprocess.preprocess_page -> ocr.ocr_page with the default Options (so the
         default language, vie+Vietnamese), restoration off (the OCR stage alone); the "+restore" columns add the diacritics stage (pipeline.restore.restore_page).

Scans are rendered with pipeline.testing.samples from the shared seed texts (first and last page of each
document, so headers and signature blocks are both measured) and cached in work/bench_cache.
Preprocessing was tuned on seed 000 only; seeds 002 and 004 are held out and also reported apart.

Every page runs in a pool of 2 processes with OMP_THREAD_LIMIT=1, so seconds per page are single-
threaded per page; wall time is printed too. CER/WER: pipeline.testing.metrics (NFC, whitespace-normalised).
Usage: python benchmarks/bench_ocr.py [--seeds DIR] [--docs 000,002,004] [--profiles ...] [--pages-per-doc 2]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROFILES = ("clean", "mild", "heavy", "photocopy", "lowres")
DEGRADED = ("mild", "heavy", "photocopy", "lowres")
TUNING_DOCS = ("000",)


@dataclass
class PageJob:
    doc: str
    profile: str
    pdf: Path
    page: int  # 1-based page number in the PDF
    truth: str


@dataclass
class PageScore:
    doc: str
    profile: str
    ref_chars: int
    ref_words: int
    errors: dict[str, tuple[int, int]]  # method -> (char edits, word edits)
    seconds: dict[str, float]


def init_worker() -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    import cv2

    cv2.setNumThreads(1)


# --- scans ------------------------------------------------------------------------------------------

def renderer_fingerprint() -> str:
    source = (ROOT / "pipeline" / "testing" / "samples.py").read_bytes()
    return hashlib.sha256(source).hexdigest()[:10]


def render_scans(seeds: Path, docs: list[str], profiles: list[str], cache: Path, pages_per_doc: int) -> list[PageJob]:
    """Render (or reuse) one PDF per document and profile; pick the first and last pages."""
    from pipeline.testing import samples

    folder = cache / renderer_fingerprint()
    jobs: list[PageJob] = []
    for doc in docs:
        matches = sorted(seeds.glob(f"{doc}_*.txt")) or sorted(seeds.glob(f"{doc}*.txt"))
        if not matches:
            print(f"bench_ocr: no seed text for {doc} in {seeds}; skipped", file=sys.stderr)
            continue
        text = matches[0].read_text(encoding="utf-8-sig")
        for profile in profiles:
            pdf = folder / f"{doc}.{profile}.pdf"
            truth_files = sorted(folder.glob(f"{doc}.{profile}.p*.txt"))
            if not pdf.exists() or not truth_files:
                started = time.perf_counter()
                pages = samples.render_document(text, profile, seed=0)
                folder.mkdir(parents=True, exist_ok=True)
                for page in pages:
                    (folder / f"{doc}.{profile}.p{page.number:04d}.txt").write_text(page.truth_text, encoding="utf-8")
                tmp = pdf.with_suffix(".pdf.tmp")
                tmp.write_bytes(samples.encode_pages(pages, "pdf", profile))
                tmp.replace(pdf)
                truth_files = sorted(folder.glob(f"{doc}.{profile}.p*.txt"))
                print(f"bench_ocr: rendered {pdf.name} ({len(pages)} pages, {time.perf_counter() - started:.0f} s)", file=sys.stderr)
            numbers = sorted({1, len(truth_files)} if pages_per_doc >= 2 else {1})
            numbers += [n for n in range(2, len(truth_files)) if len(numbers) < pages_per_doc and n not in numbers]
            for number in sorted(numbers):
                truth = (folder / f"{doc}.{profile}.p{number:04d}.txt").read_text(encoding="utf-8")
                jobs.append(PageJob(doc, profile, pdf, number, truth))
    return jobs


# --- the two pipelines -------------------------------------------------------------------------------

def naive_text(job: PageJob) -> str:
    import pytesseract
    from pdf2image import convert_from_path

    image = convert_from_path(str(job.pdf), dpi=300, first_page=job.page, last_page=job.page)[0]
    return pytesseract.image_to_string(image, lang="vie")


def planocr_text(job: PageJob):
    from pipeline.load import load_page
    from pipeline.ocr import ocr_page
    from pipeline.options import Options
    from pipeline.preprocess import preprocess_page

    options = Options(jobs=1, restore=False)
    page = load_page(job.pdf, "pdf", job.page, options)
    pre = preprocess_page(page.image, options)
    return ocr_page(pre.image, options, scale=pre.scale)


def restored_text(result, number: int) -> str | None:
    try:
        from pipeline.restore import restore_page

        return restore_page(result.text, number, words=result.low_confidence_words, from_ocr=True).text
    except Exception as err:  # the restoration stage is another helper's; report, do not fail the bench
        print(f"bench_ocr: restoration unavailable ({type(err).__name__}: {err})", file=sys.stderr)
        return None


def score_page(job: PageJob) -> PageScore:
    from pipeline.testing.metrics import char_errors, normalise_for_cer
    from rapidfuzz.distance import Levenshtein

    def word_edits(hyp: str) -> int:
        return Levenshtein.distance(normalise_for_cer(job.truth).split(), normalise_for_cer(hyp).split())

    errors, seconds = {}, {}
    started = time.perf_counter()
    naive = naive_text(job)
    seconds["naive"] = time.perf_counter() - started
    errors["naive"] = (char_errors(job.truth, naive)[0], word_edits(naive))
    started = time.perf_counter()
    result = planocr_text(job)
    seconds["planocr"] = time.perf_counter() - started
    errors["planocr"] = (char_errors(job.truth, result.text)[0], word_edits(result.text))
    started = time.perf_counter()
    restored = restored_text(result, job.page)
    if restored is not None:
        seconds["restore"] = time.perf_counter() - started
        errors["+restore"] = (char_errors(job.truth, restored)[0], word_edits(restored))
    ref = normalise_for_cer(job.truth)
    return PageScore(job.doc, job.profile, len(ref), len(ref.split()), errors, seconds)


# --- report ------------------------------------------------------------------------------------------

def rates(scores: list[PageScore], method: str) -> tuple[float, float] | None:
    have = [s for s in scores if method in s.errors]
    if not have or len(have) != len(scores):
        return None
    chars = sum(s.ref_chars for s in have)
    words = sum(s.ref_words for s in have)
    return (100 * sum(s.errors[method][0] for s in have) / chars, 100 * sum(s.errors[method][1] for s in have) / words)


def mean_seconds(scores: list[PageScore], key: str) -> float | None:
    values = [s.seconds[key] for s in scores if key in s.seconds]
    return sum(values) / len(values) if values else None


def fmt(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def print_table(title: str, scores: list[PageScore], profiles: list[str]) -> None:
    print(f"\n{title}")
    print(f"{'profile':<22}{'pages':>6}{'naive CER':>11}{'WER':>7}{'planocr CER':>13}{'WER':>7}"
          f"{'+restore CER':>14}{'WER':>7}{'ratio':>7}{'naive s/pg':>12}{'planocr s/pg':>14}")
    groups = [(p, [s for s in scores if s.profile == p]) for p in profiles]
    pooled = [s for s in scores if s.profile in DEGRADED]
    groups.append(("pooled " + "+".join(p for p in DEGRADED if p in profiles), pooled))
    for name, group in groups:
        if not group:
            continue
        naive, ours, restored = rates(group, "naive"), rates(group, "planocr"), rates(group, "+restore")
        ratio = ours[0] / naive[0] if naive[0] > 0 else None
        ratio_restored = f" ({restored[0] / naive[0]:.2f})" if restored and naive[0] > 0 else ""
        print(f"{name:<22}{len(group):>6}{naive[0]:>11.2f}{naive[1]:>7.1f}{ours[0]:>13.2f}{ours[1]:>7.1f}"
              f"{fmt(restored[0] if restored else None):>14}{fmt(restored[1] if restored else None, 1):>7}"
              f"{fmt(ratio):>7}{fmt(mean_seconds(group, 'naive')):>12}{fmt(mean_seconds(group, 'planocr')):>14}"
              f"{ratio_restored}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=Path("/work/shared/seeds"))
    parser.add_argument("--docs", default="000,002,004", help="seed documents (name prefixes)")
    parser.add_argument("--profiles", default=",".join(PROFILES))
    parser.add_argument("--pages-per-doc", type=int, default=2, help="first and last page, then more from the middle")
    parser.add_argument("--cache", type=Path, default=ROOT / "work" / "bench_cache")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    profiles = [p for p in args.profiles.split(",") if p]
    docs = [d for d in args.docs.split(",") if d]

    from pipeline.ocr import check_tesseract

    from pipeline.options import Options

    print(f"bench_ocr: tesseract {check_tesseract('vie')}, naive -l vie vs planocr -l {Options(jobs=1).lang}, "
          f"{len(docs)} documents x {len(profiles)} profiles, "
          f"{args.pages_per_doc} pages each, {args.workers} workers (OMP_THREAD_LIMIT=1)")
    jobs = render_scans(args.seeds, docs, profiles, args.cache, args.pages_per_doc)
    started = time.perf_counter()
    # forkserver, not fork: the parent has just rendered the scans with OpenCV, whose thread pool a forked
    # child inherits locked (the workers hung in init_worker's cv2.setNumThreads, 2026-12-02)
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(args.workers, mp_context=context, initializer=init_worker) as pool:
        scores = list(pool.map(score_page, jobs))
    wall = time.perf_counter() - started
    print_table("All documents (CER/WER %, ratio = planocr CER / naive CER; '(x)' = with restoration)", scores, profiles)
    held_out = [s for s in scores if s.doc not in TUNING_DOCS]
    if held_out and len(held_out) != len(scores):
        print_table(f"Held out (not used for tuning: {', '.join(sorted({s.doc for s in held_out}))})", held_out, profiles)
    restore_seconds = mean_seconds(scores, "restore")
    print(f"\nwall {wall:.0f} s for {len(jobs)} pages x 2 pipelines on {args.workers} workers; "
          f"restoration {fmt(restore_seconds)} s/page extra")
    return 0


if __name__ == "__main__":
    sys.exit(main())
