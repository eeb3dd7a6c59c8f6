"""One document through the declared stages: load → (preprocess → ocr → restore) per page → parse.

``process_document`` is the per-document function every executor runs (in process, or as a Ray
task). It is split in three so the local executor can spread one document's pages over several
processes while documents stream through:

    plan_document(path)            kind, sha256, page count; raises when the input as a whole is bad
    process_page(PageTask)         one page, loaded by whoever runs it (the parent never holds images)
    assemble_document(plan, pages) pages reduced in page order, parsed into the record

Pages go through ``page_map`` — the executor seam — and are reduced in page order, so the record
is the same whatever the parallelism.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .errors import DOCUMENT_LEVEL_CATEGORIES, FailureCategory, PlanocrError, UnsupportedInputError, error_for
from .load import PageInput, count_pages, detect_kind, load_page
from .load.page import blank_boxes
from .load.text import decode_text
from .model import Correction, Document, InputKind, Overlay, Page, PageKind, Provenance, Received, Source, Word
from .options import Options

PageMap = Callable[[Callable, Iterable], Iterator]


@dataclass(frozen=True)
class DocumentPlan:
    path: Path
    kind: InputKind
    sha256: str
    pages: int


@dataclass(frozen=True)
class PageTask:
    path: Path
    kind: InputKind
    number: int
    options: Options


@dataclass(frozen=True)
class PageResult:
    page: Page
    corrections: list[Correction]
    tsv: str | None = None  # Tesseract's per-word TSV, kept as a provenance file
    warnings: tuple[str, ...] = ()
    error_category: FailureCategory | None = None  # set when the page failed
    tables: tuple = ()  # ruled tables found on the page image (pipeline.tables.PageTable), joined per document
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage; never written to the record
    received: Received | None = None  # a received stamp read on the page (ocr/stamps.py)


# The stages a page goes through, in order (documentation for newcomers; see process_page).
PAGE_STAGES = ("load.load_page", "preprocess.preprocess_page", "ocr.ocr_page", "restore.restore_page")
DOCUMENT_STAGES = ("load.detect_kind", "load.count_pages", "PAGE_STAGES per page", "parse.parse_text")


def sha256_file(path: Path) -> str:
    if path.is_dir():  # a folder of page images (--group folder): one hash over its files' names and hashes
        from .load.folder import folder_sha256

        return folder_sha256(path)
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def plan_document(path: Path, options: Options, *, sha256: str | None = None) -> DocumentPlan:
    """Kind, content hash and page count. Corrupt, encrypted, empty and unsupported inputs fail here,
    before any page is OCR'd."""
    kind = detect_kind(path)
    if kind == "text":
        check_text_size(path.stat().st_size, options, str(path))
    sha = sha256 or sha256_file(path)
    return DocumentPlan(path=path, kind=kind, sha256=sha, pages=count_pages(path, kind, options))


def check_text_size(size: int, options: Options, where: str) -> None:
    """A text input over --max-text-mb is refused before it is read: its record would be ~5 times its size and
    parsing it would take ~35 times its size in memory (a 20 MB .txt: a 99 MB record, 738 MB)."""
    if size > options.max_text_mb * 1_000_000:
        raise UnsupportedInputError(
            f"text file of {size / 1e6:.1f} MB is over the {options.max_text_mb:g} MB limit for text inputs "
            "(--max-text-mb)",
            path=where,
        )


def display_name(name: str) -> str:
    """A file name as valid UTF-8 text for the record (bytes that are not UTF-8 become U+FFFD)."""
    return os.fsencode(name).decode("utf-8", "replace")


def page_tasks(plan: DocumentPlan, options: Options) -> list[PageTask]:
    return [PageTask(path=plan.path, kind=plan.kind, number=n, options=options) for n in range(1, plan.pages + 1)]


def process_page(task: PageTask) -> PageResult:
    """Load, OCR and restore one page. A page-level failure becomes a page with ``error`` set;
    failures that condemn the whole input (encrypted, missing tool…) are raised."""
    timings: dict[str, float] = {}
    try:
        return _process_page(task, timings)
    except PlanocrError as err:
        if err.category in DOCUMENT_LEVEL_CATEGORIES:
            raise
        return failed_page(task.number, err.category, err.reason, timings)
    except Exception as err:  # a bug or a library crash on one page must not cost the document
        return failed_page(task.number, FailureCategory.INTERNAL, f"{type(err).__name__}: {err}", timings)


def failed_page(
    number: int, category: FailureCategory, reason: str, timings: dict[str, float] | None = None
) -> PageResult:
    reason = reason.replace("\n", " ")
    page = Page(number=number, text="", error=f"{category}: {reason}")
    return PageResult(
        page=page,
        corrections=[],
        warnings=(f"page {number}: {category}: {reason}",),
        error_category=category,
        timings=timings or {},
    )


def _process_page(task: PageTask, timings: dict[str, float]) -> PageResult:
    started = time.perf_counter()
    cpu_started = time.process_time()
    page_input = load_page(task.path, task.kind, task.number, task.options)
    timings["load"] = time.perf_counter() - started
    result = process_loaded_page(page_input, task.options, timings)
    timings["total"] = time.perf_counter() - started
    timings["python_cpu"] = time.process_time() - cpu_started  # this process's CPU on the page (Tesseract's is apart)
    return result


def process_loaded_page(page_input: PageInput, options: Options, timings: dict[str, float]) -> PageResult:
    """The page stages after loading: (preprocess → OCR when the page is an image) → restore. A blank page
    (nothing painted, decided by the load stage) goes through none of them."""
    words: list[Word] = []  # every OCR word, in reading order
    tables: tuple = ()
    table_warnings: tuple[str, ...] = ()
    low_confidence: list[Word] = []
    rereads: list[Correction] = []
    table_lines: dict[int, str] = {}  # page lines that are rows of a table read by its cells: their restored text
    table_corrections: list[tuple[int, str, str, float]] = []
    overlays: list[Overlay] = list(page_input.overlays)
    kind: PageKind | None = page_input.kind
    received: Received | None = None
    page_warnings: list[str] = []
    size: tuple[int, int] | None = page_input.size
    tsv = None
    confidence = None
    steps: list[str] = list(page_input.steps)  # the load stage's decision (what the page is, and why) first
    if page_input.kind == "blank" and page_input.text is None and page_input.image is None:
        page = Page(
            number=page_input.number,
            text="",
            kind="blank",
            size=size,
            overlays=list(page_input.overlays),
            steps=steps,
        )
        return PageResult(page=page, corrections=[], timings=timings)
    if page_input.text is not None:
        raw = page_input.text
    else:
        from .ocr import ocr_page
        from .preprocess import preprocess_page

        image = page_input.image
        assert image is not None  # a page without text is an image to OCR
        # overlays drawn in the raster (an e-signature box rendered over the scan) are painted out first
        # (a copy), so no OCR word comes from them; their text is in the page's overlays
        ocr_input = blank_boxes(image, page_input.mask_boxes)
        t0 = time.perf_counter()
        # the colour page (when there is one) only lightens seals' red in the gray page: a blanked box
        # is paper in gray and stays paper
        pre = preprocess_page(ocr_input, options, colour=page_input.colour) if options.preprocess else None
        timings["preprocess"] = time.perf_counter() - t0
        if options.restore:
            from .restore import start_warm_up

            # the restoration data loads while this process only waits for Tesseract (a thread started
            # earlier would compete for the GIL with loading and preprocessing the page)
            start_warm_up()
        # the ruled tables first: the page's reading order reads their rows across (ocr/layout.py)
        tables, table_warnings = scan_tables(pre.image if pre else ocr_input, options, page_input.number, timings)
        t0 = time.perf_counter()
        result = ocr_page(
            pre.image if pre else ocr_input,
            options,
            scale=pre.scale if pre else 1.0,
            sealed=bool(pre and pre.seals),
            tables=list(tables),
        )
        timings["ocr"] = time.perf_counter() - t0  # the whole stage: Tesseract plus the Python around it
        timings.update(result.timings)  # tesseract (the process alone), tesseract_cpu, ocr_encode, ocr_read
        raw, words, tsv, confidence = result.text, result.words, result.tsv, result.confidence
        rereads = [
            Correction(
                page=page_input.number, line=line, original=before, corrected=after, confidence=conf, by="reread"
            )
            for line, before, after, conf in result.rereads
        ]
        low_confidence = result.low_confidence_words
        size = (int(image.shape[1]), int(image.shape[0]))  # the loaded page's pixels, which the boxes refer to
        load_steps = [page_input.source] if page_input.source else []  # how the raster was obtained (PDF pages)
        steps = steps + load_steps + (pre.steps if pre else []) + list(result.steps)
        steps += [f"tables:{len(tables)}"] if tables else []
        # a table the reader is not sure of keeps the page's reading in the text (pipeline.tables.doubts)
        steps += [f"table-text:page-reading ({t.doubt})" for t in tables if t.doubt and t.words]
        table_lines, table_corrections = result.table_lines, result.table_corrections
        # seals and stamps lightened and graphics taken out of the text are the page's overlays: recorded,
        # not lost; a stamp (a red box wider than high) is read alone, a received stamp's number and date kept
        from .ocr.reread import TesseractTime
        from .ocr.stamps import read_stamp
        from .seals import is_stamp_shaped

        for box in pre.seals if pre else []:
            if not is_stamp_shaped(box):
                overlays.append(Overlay(kind="seal", box=box))
                continue
            t0 = time.perf_counter()
            spent = TesseractTime()
            stamp = read_stamp(ocr_input, box, options, page_input.number, spent)
            # Tesseract's runs count as Tesseract's time; the rest is the stamp reading's own
            timings["stamps"] = timings.get("stamps", 0.0) + time.perf_counter() - t0 - spent.seconds
            timings["tesseract"] = timings.get("tesseract", 0.0) + spent.seconds
            if "tesseract_cpu" in timings:
                timings["tesseract_cpu"] += spent.cpu_seconds
            overlays.append(
                Overlay(kind="received-stamp" if stamp.received else "other", text=stamp.text or None, box=box)
            )
            if stamp.received and received is None:
                received = stamp.received
                page_warnings += [stamp.warning] if stamp.warning else []
        overlays += [Overlay(kind="other", text=text, box=box) for text, box in result.marks]
        if not raw.strip():
            kind = "blank"  # a blank back page, or one whose only marks were graphics: never OCR noise
            steps.append("page:blank (OCR found no text on the page)")
    text, corrections = raw, list(rereads)
    if options.restore:
        from .restore import restore_page

        t0 = time.perf_counter()
        restored = restore_page(
            without_lines(raw, table_lines),
            page_input.number,
            words=[w for w in words if w.line not in table_lines],
            from_ocr=page_input.text_path == "ocr",
        )
        timings["restore"] = time.perf_counter() - t0
        text, corrections = with_lines(restored.text, table_lines), corrections + restored.corrections
        if table_corrections:  # the cells' changes, at their rows' lines, among the page's in line order
            corrections += [
                Correction(
                    page=page_input.number, line=line, original=before, corrected=after, confidence=round(conf, 4)
                )
                for line, before, after, conf in table_corrections
            ]
            corrections.sort(key=lambda c: (c.by != "reread", c.line or 0))
        words = words_as_restored(words, text)
    page = Page(
        number=page_input.number,
        text=text,
        raw_text=raw,
        confidence=confidence,
        text_path=page_input.text_path,
        low_confidence_words=low_confidence,
        kind=kind or (PAGE_KIND_OF_PATH[page_input.text_path] if page_input.text_path else None),
        size=size,
        words=words,
        overlays=overlays,
        steps=steps,
    )
    return PageResult(
        page=page,
        corrections=corrections,
        tsv=tsv,
        timings=timings,
        tables=tables,
        warnings=tuple(table_warnings) + tuple(page_warnings),
        received=received,
    )


def scan_tables(image, options: Options, number: int, timings: dict[str, float]) -> tuple[tuple, tuple[str, ...]]:
    """The page's ruled tables, read cell by cell (pipeline.tables); a failure costs the tables, with a warning."""
    from .tables import page_tables

    t0 = time.perf_counter()
    try:
        return tuple(page_tables(image, options, number)), ()
    except Exception as err:  # the page's text is already read: never lose it for its tables (a timeout included)
        return (), (f"page {number}: tables not read ({type(err).__name__}: {err})"[:300],)
    finally:
        timings["tables"] = time.perf_counter() - t0


def without_lines(text: str, lines: dict[int, str]) -> str:
    """``text`` with the given 1-based lines emptied: the rows of tables read by their cells, restored cell by
    cell already, are not restored again with the page (line numbers stay)."""
    if not lines:
        return text
    out = text.split("\n")
    for number in lines:
        out[number - 1] = ""
    return "\n".join(out)


def with_lines(text: str, lines: dict[int, str]) -> str:
    """``text`` with the given 1-based lines put back."""
    if not lines:
        return text
    out = text.split("\n")
    for number, line in lines.items():
        out[number - 1] = line
    return "\n".join(out)


# What a page is, by how its text was obtained, when the load stage did not say (text inputs).
PAGE_KIND_OF_PATH: dict[str, PageKind] = {"ocr": "scan", "text-layer": "born-digital", "text": "text"}


def words_as_restored(words: list[Word], text: str) -> list[Word]:
    """The OCR words with restoration's changes: the page text's line N holds the words of line N joined by
    single spaces, and restoration changes letters within words, never the spaces, so the i-th word of a
    line becomes the i-th space-separated piece of the restored line. A line whose piece count no longer
    matches keeps its OCR words (never a misplaced change)."""
    lines = text.split("\n")
    by_line: dict[int, list[int]] = {}
    for index, word in enumerate(words):
        if word.line is not None:
            by_line.setdefault(word.line, []).append(index)
    result = list(words)
    for line_no, indices in by_line.items():
        pieces = lines[line_no - 1].split(" ") if 0 < line_no <= len(lines) else []
        if len(pieces) != len(indices):
            continue
        for index, piece in zip(indices, pieces):
            word = words[index]
            if piece != word.text:
                result[index] = word.model_copy(update={"text": piece, "original": word.original or word.text})
    return result


def assemble_document(plan: DocumentPlan, results: list[PageResult], options: Options) -> Document:
    """Reduce page results (in page order) into the record. Raises when no page could be read,
    because a record without text would pass for a processed document."""
    from .parse import line_confidences, parse_text

    results = sorted(results, key=lambda r: r.page.number)
    failed = [r for r in results if r.error_category]
    if results and len(failed) == len(results):
        first = failed[0]
        # the document failed for its first page's reason (e.g. timeout)
        raise error_for(
            first.error_category or FailureCategory.INTERNAL,
            f"every page failed ({len(failed)}); first: {first.page.error}",
            path=str(plan.path),
        )
    pages = [r.page for r in results]
    text = "\n\n".join(p.text for p in pages)
    warnings = [w for r in results for w in r.warnings]
    digital_signatures: list = []
    if plan.kind == "pdf":  # read once per document, here (in a worker), never failing it
        from .load.signatures import read_signatures

        digital_signatures, signature_warnings = read_signatures(plan.path, options.trust_roots)
        warnings += signature_warnings
    # the parser gets the pages joined by form feeds, so it knows where each page begins (running headers,
    # page numbers); a form feed reads as one blank line, so its line numbers are those of ``text``
    # with the OCR words' confidences, so a handwritten serial or day read with low confidence is not emitted
    parsed = parse_text("\f".join(p.text for p in pages), confidences=line_confidences(pages))
    doc = Document(
        source=Source(file=display_name(plan.path.name), sha256=plan.sha256, kind=plan.kind, pages=plan.pages),
        **parsed.model_dump(exclude={"warnings"}),
        text=text,
        pages=pages,
        corrections=[c for r in results for c in r.corrections],
        digital_signatures=digital_signatures,
        received=next((r.received for r in results if r.received), None),
        warnings=warnings + parsed.warnings,
        provenance=Provenance(
            planocr=__version__,
            lang=options.lang if plan.kind != "text" else None,
            tesseract=tesseract_version(options.lang) if any(p.text_path == "ocr" for p in pages) else None,
            restore=options.restore,
        ),
    )
    from .tables import attach_tables, join_page_tables

    attach_tables(doc, join_page_tables([t for r in results for t in r.tables]))  # scanned pages' ruled tables
    doc.needs_review = bool(doc.warnings)
    return doc


def text_document(data: bytes, name: str, options: Options, *, where: str | None = None) -> Document:
    """The record of a text input given as bytes (``planocr parse`` of a file or stdin): the same decoding,
    page stages and record builder as ``planocr run`` on a .txt file, so the two give the same record."""
    check_text_size(len(data), options, where or name)
    text = decode_text(data, where or name)  # where: how errors name the input (a path, "<stdin>")
    plan = DocumentPlan(path=Path(name), kind="text", sha256=hashlib.sha256(data).hexdigest(), pages=1)
    result = process_loaded_page(PageInput(number=1, text_path="text", text=text), options, {})
    return assemble_document(plan, [result], options)


def tesseract_version(lang: str) -> str | None:
    """Tesseract's version for the record's provenance (cached per process by check_tesseract)."""
    try:
        from .ocr import check_tesseract

        return check_tesseract(lang)
    except Exception:  # provenance is best effort; the OCR itself already ran
        return None


def process_document(
    path: Path,
    options: Options,
    *,
    page_map: PageMap = map,
    page_function: Callable[[PageTask], PageResult] = process_page,
) -> tuple[Document, list[PageResult]]:
    """Run every stage on one input; raises PlanocrError when the input as a whole is unusable."""
    plan = plan_document(path, options)
    results = list(page_map(page_function, page_tasks(plan, options)))  # page order is kept by map semantics
    return assemble_document(plan, results, options), results
