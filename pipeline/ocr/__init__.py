"""Stage 3, OCR: Tesseract words with boxes and confidences, rebuilt into lines in reading order.

Tesseract's page segmentation (psm 3) reads the two header columns of a Decree 30 page (issuer left,
national title right) as single lines, and runs the "Nơi nhận" list into the signature block. So the
page text is rebuilt here from word boxes: words are grouped into visual rows, and where consecutive
rows share a wide empty vertical band (a gutter) and form exactly two columns, the left column's lines
are emitted before the right column's. Paragraphs are separated by a blank line.

Ruled tables the table reader is sure of are read by their cells instead, row by row (``tables``).

The parts: ``tesseract`` (running it), ``layout`` (reading order from word boxes), ``tables`` (tables'
rows among the page's lines).
"""

from __future__ import annotations

import dataclasses
import statistics
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..model import Word
from ..options import Options
from .layout import TsvWord, is_real_word, order_lines, parse_tsv, render_lines
from .marks import find_marks
from .reread import Reread, TesseractTime, reread_short_lines
from .tables import lost_text, outside_tables, with_table_rows
from .tesseract import (
    DEFAULT_PSM,
    check_tesseract,
    limit_tesseract_threads,
    run_tesseract,
    tessdata_dir,
)

if TYPE_CHECKING:
    from ..tables import PageTable

__all__ = [
    "LOW_CONFIDENCE",
    "OcrResult",
    "TsvWord",
    "check_tesseract",
    "limit_tesseract_threads",
    "ocr_page",
    "result_from_tsv",
    "tessdata_dir",
]

LOW_CONFIDENCE = 0.6


@dataclass(frozen=True)
class OcrResult:
    text: str
    confidence: float | None  # mean word confidence 0–1 over real words; None when the page has none
    words: list[Word] = field(default_factory=list)
    low_confidence_words: list[Word] = field(default_factory=list)
    tsv: str = ""
    steps: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # tesseract, tesseract_cpu, ocr_encode, ocr_read
    # lines read again alone (reread.py): (1-based line, what the page read, the new reading, confidence)
    rereads: list[tuple[int, str, str, float]] = field(default_factory=list)
    # graphics read as symbols, taken out of the text (marks.py): (what OCR read, box in page pixels)
    marks: list[tuple[str, tuple[int, int, int, int]]] = field(default_factory=list)
    # lines that are rows of a table read by its cells: 1-based line → the row as the cells were restored
    table_lines: dict[int, str] = field(default_factory=dict)
    # restoration's changes to those rows' cells: (1-based line, original, corrected, confidence)
    table_corrections: list[tuple[int, str, str, float]] = field(default_factory=list)


# --- running Tesseract ----------------------------------------------------------------------------


def ocr_page(
    image: np.ndarray,
    options: Options,
    *,
    scale: float = 1.0,
    sealed: bool = False,
    tables: list[PageTable] | None = None,
) -> OcrResult:
    """OCR one page. ``scale`` is the factor preprocessing applied; word boxes are mapped back to the
    input page's pixels with it. ``timings`` splits the stage: the Tesseract process, the image handed
    to it, and the reading of its TSV into lines. With preprocessing on, the short lines of the page's
    right-hand column (the signature block) are read again alone (reread.py). ``tables``: the page's ruled
    tables (pipeline.tables, found on ``image``): those the reader is sure of are read by their cells, the
    others' rows across (layout.order_lines)."""
    run = run_tesseract(image, options)
    started = time.perf_counter()
    words = parse_tsv(run.tsv)
    steps = [f"tesseract:{options.lang}:psm{DEFAULT_PSM}"]
    changes: list[Reread] = []
    marks: list[list[TsvWord]] = []
    reread_seconds = 0.0
    spent = TesseractTime()  # the re-reads' Tesseract runs: Tesseract's time
    if options.preprocess:
        before = time.perf_counter()
        words, changes = reread_short_lines(image, words, options, sealed=sealed, spent=spent)
        reread_seconds = time.perf_counter() - before - spent.seconds
        if changes:
            steps.append(f"reread-lines:{len(changes)}")
        marks = find_marks(words)
        if marks:
            steps.append(f"marks-out-of-text:{len(marks)}")
    dropped = {id(w) for piece in marks for w in piece}
    result = result_from_words(
        words, run.tsv, scale=scale, steps=steps + ["reading-order"], changes=changes, dropped=dropped, tables=tables
    )
    result = dataclasses.replace(result, marks=[mark_of(piece, scale) for piece in marks])
    read_seconds = time.perf_counter() - started - reread_seconds
    read_seconds -= spent.seconds  # the re-reads' Tesseract runs are Tesseract's
    timings = {"tesseract": run.seconds + spent.seconds, "ocr_encode": run.encode_seconds, "ocr_read": read_seconds}
    if reread_seconds:
        timings["ocr_reread"] = reread_seconds  # the re-read's own work, its Tesseract runs apart
    if run.cpu_seconds is not None:
        timings["tesseract_cpu"] = run.cpu_seconds + spent.cpu_seconds
    return dataclasses.replace(result, timings=timings)


def result_from_tsv(tsv: str, *, scale: float = 1.0, steps: list[str] | None = None) -> OcrResult:
    """Page text in reading order, word records and confidences from Tesseract's TSV."""
    return result_from_words(parse_tsv(tsv), tsv, scale=scale, steps=steps)


def result_from_words(
    words: list[TsvWord],
    tsv: str,
    *,
    scale: float = 1.0,
    steps: list[str] | None = None,
    changes: list[Reread] | None = None,
    dropped: set[int] | None = None,
    tables: list[PageTable] | None = None,
) -> OcrResult:
    """``dropped``: ids of words left out of the text (marks). The reading order is found with them, so that
    taking a mark out never moves the page's lines (a mark at the top belongs to the header's rows).
    ``tables``: words inside a table read by its cells give way to its rows (tables.py); a table whose cells
    hold much less text than the page's words there is put in doubt (its ``doubt`` set) and read across."""
    for table in tables or []:
        if table.confident:  # a table whose cells lost text the page's reading has is in doubt too
            table.doubt = lost_text(table, words)
    read = [t for t in tables or [] if t.confident and t.box]
    others = [t.box for t in tables or [] if not (t.confident and t.box) and t.box]
    lines = order_lines(outside_tables(words, read) if read else words, others)
    if dropped:
        for line in lines:
            line.words = [w for w in line.words if id(w) not in dropped]
        lines = [line for line in lines if line.words]
    lines, rows = with_table_rows(lines, read)
    text, numbered = render_lines(lines)
    record_words = [to_model_word(w, line_no, scale) for line_no, w in numbered]
    real = [w for w in record_words if is_real_word(w.text) and w.confidence is not None]
    confidence = round(statistics.fmean(w.confidence or 0.0 for w in real), 4) if real else None
    low = [w for w in real if (w.confidence or 0.0) < LOW_CONFIDENCE]
    line_of = {id(w): line_no for line_no, w in numbered}
    rereads = [
        (line_of[id(c.first_word)], c.before, c.after, c.confidence)
        for c in changes or []
        if id(c.first_word) in line_of
    ]
    table_lines = {line_of[id(row.line.words[0])]: row.restored for row in rows}
    table_corrections = [(line_of[id(row.line.words[0])], *change) for row in rows for change in row.corrections]
    steps = list(steps or []) + ([f"tables-read-by-cells:{len(read)}"] if read else [])
    return OcrResult(
        text=text,
        confidence=confidence,
        words=record_words,
        low_confidence_words=low,
        tsv=tsv,
        steps=steps,
        rereads=rereads,
        table_lines=table_lines,
        table_corrections=table_corrections,
    )


# --- TSV -> words ---------------------------------------------------------------------------------


def mark_of(piece: list[TsvWord], scale: float) -> tuple[str, tuple[int, int, int, int]]:
    """A mark's text and box (page pixels)."""
    factor = 1.0 / scale if scale else 1.0
    left, top = min(w.left for w in piece), min(w.top for w in piece)
    right, bottom = max(w.right for w in piece), max(w.bottom for w in piece)
    box = (round(left * factor), round(top * factor), round((right - left) * factor), round((bottom - top) * factor))
    return " ".join(w.text for w in piece), box


def to_model_word(word: TsvWord, line_no: int, scale: float) -> Word:
    factor = 1.0 / scale if scale else 1.0
    box = (round(word.left * factor), round(word.top * factor), round(word.width * factor), round(word.height * factor))
    return Word(text=word.text, confidence=round(min(max(word.conf / 100.0, 0.0), 1.0), 4), box=box, line=line_no)


# --- reading order --------------------------------------------------------------------------------
