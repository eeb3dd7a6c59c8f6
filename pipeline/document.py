"""One document through the declared stages: load → (preprocess → ocr → restore) per page → parse.

``process_document`` is the per-document function every executor runs (local pool or Ray).
Pages go through ``page_map`` — the executor seam — and are reduced in page order, so the
record is the same whatever the parallelism.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .errors import PlanocrError
from .inputs import count_pages, detect_kind, load_page
from .model import Correction, Document, Page, Provenance, Source
from .options import Options

PageMap = Callable[[Callable, Iterable], Iterator]


@dataclass(frozen=True)
class PageTask:
    path: Path
    kind: str
    number: int
    options: Options


@dataclass(frozen=True)
class PageResult:
    page: Page
    corrections: list[Correction]
    tsv: str | None = None  # Tesseract's per-word TSV, kept as a provenance file
    warnings: tuple[str, ...] = ()


# The stages a page goes through, in order (documentation for newcomers; see process_page).
PAGE_STAGES = ("inputs.load_page", "preprocess.preprocess_page", "ocr.ocr_page", "restore.restore_page")
DOCUMENT_STAGES = ("inputs.detect_kind", "PAGE_STAGES per page", "parse.parse_text")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def process_page(task: PageTask) -> PageResult:
    """Load, OCR and restore one page. A page-level failure becomes a page with ``error`` set."""
    options = task.options
    try:
        page_input = load_page(task.path, task.kind, task.number, options)
        words = []
        tsv = None
        confidence = None
        steps: list[str] = []
        if page_input.text is not None:
            raw = page_input.text
        else:
            from .ocr import ocr_page
            from .preprocess import preprocess_page

            pre = preprocess_page(page_input.image, options) if options.preprocess else None
            result = ocr_page(pre.image if pre else page_input.image, options)
            raw, words, tsv, confidence = result.text, result.low_confidence_words, result.tsv, result.confidence
            steps = (pre.steps if pre else []) + result.steps
        text, corrections = raw, []
        if options.restore:
            from .restore import restore_page

            restored = restore_page(raw, task.number, words=words, from_ocr=page_input.text_path == "ocr")
            text, corrections = restored.text, restored.corrections
        page = Page(number=task.number, text=text, raw_text=raw, confidence=confidence,
                    text_path=page_input.text_path, low_confidence_words=words, steps=steps)
        return PageResult(page=page, corrections=corrections, tsv=tsv)
    except PlanocrError as err:
        if err.category in ("unreadable", "encrypted", "missing", "unsupported", "dependency"):
            raise  # the whole input is bad, not just this page
        page = Page(number=task.number, text="", error=err.one_line())
        return PageResult(page=page, corrections=[], warnings=(f"page {task.number}: {err.category}: {err.reason}",))


def process_document(path: Path, options: Options, *, page_map: PageMap = map) -> tuple[Document, list[PageResult]]:
    """Run every stage on one input; raises PlanocrError when the input as a whole is unusable."""
    from .parse import parse_text

    kind = detect_kind(path)
    sha = sha256_file(path)
    n_pages = count_pages(path, kind, options)
    tasks = [PageTask(path=path, kind=kind, number=n, options=options) for n in range(1, n_pages + 1)]
    results = list(page_map(process_page, tasks))  # page order is kept by map semantics
    pages = [r.page for r in results]
    text = "\n\n".join(p.text for p in pages)
    warnings = [w for r in results for w in r.warnings]
    parsed = parse_text(text)
    doc = Document(
        source=Source(file=path.name, sha256=sha, kind=kind, pages=n_pages),
        **parsed.model_dump(exclude={"warnings"}),
        text=text,
        pages=pages,
        corrections=[c for r in results for c in r.corrections],
        warnings=warnings + parsed.warnings,
        provenance=Provenance(planocr=__version__, lang=options.lang if kind != "text" else None, restore=options.restore),
    )
    doc.needs_review = bool(doc.warnings)
    return doc, results
