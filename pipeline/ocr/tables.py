"""Ruled tables in the page's lines: a table the table reader is sure of (pipeline.tables, ``confident``)
is read row by row, each row one line (a paragraph of its own) with its cells in column order and a cell's
wrapped lines joined, in place of what Tesseract's page reading made of it (rows read across its rules, a
wrapped cell's lines interleaved with its neighbours'). Lines above the table come before it, lines below
after it.

The rows' words are the cells' words, boxes in the page image's pixels; each line's text as restored cell by
cell goes with it (restoration of the cells, with their own context, is the table's; the page's restoration
leaves those lines alone: document.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .layout import Line, TsvWord

if TYPE_CHECKING:
    from ..tables import PageTable

MIN_KEPT = 0.8  # a table read by its cells holds at least this share of the page reading's letters there


@dataclass
class TableRow:
    line: Line
    restored: str  # the row's text with the cells' words as restored (same words, one for one)
    corrections: list[tuple[str, str, float]] = field(default_factory=list)  # (original, corrected, confidence)


def table_rows(table: PageTable) -> list[TableRow]:
    """The table's rows as lines: a row's cells left to right (a merged cell in the first row it spans), its
    words as the table reader read them. Rows without a word are left out."""
    rows = []
    for r in range(len(table.cells)):
        words: list[TsvWord] = []
        restored: list[str] = []
        corrections: list[tuple[str, str, float]] = []
        for c in range(table.n_columns):
            for w in table.words.get((r, c), []):
                left, top, width, height = w.box
                words.append(TsvWord(w.raw, w.conf, left, top, width, height, block=0, par=0, line=0))
                restored.append(w.text)
            corrections += table.corrections.get((r, c), [])
        if words:
            rows.append(TableRow(Line(words=words), " ".join(restored), corrections))
    return rows


def inside(word: TsvWord, box: tuple[int, int, int, int]) -> bool:
    left, top, right, bottom = box
    middle_x = word.left + word.width / 2
    return left <= middle_x <= right and top <= word.middle <= bottom


def outside_tables(words: list[TsvWord], tables: list[PageTable]) -> list[TsvWord]:
    """The page's words but those inside a table read by its cells."""
    boxes = [t.box for t in tables if t.box]
    return [w for w in words if not any(inside(w, box) for box in boxes)]


def with_table_rows(lines: list[Line], tables: list[PageTable]) -> tuple[list[Line], list[TableRow]]:
    """The page's lines with each table's rows put after the last line above the table (top to bottom)."""
    placed: list[TableRow] = []
    out = list(lines)
    for table in sorted(tables, key=lambda t: t.box[1] if t.box else 0):
        rows = table_rows(table)
        if not rows or table.box is None:
            continue
        top = table.box[1]
        above = [i for i, line in enumerate(out) if (line.top + line.bottom) / 2 < top]
        at = above[-1] + 1 if above else 0
        for row in rows:
            row.line.starts_paragraph = True  # a row is no wrapped line of the row above: the parser keeps it apart
        if at < len(out):
            out[at].starts_paragraph = True  # what follows a table starts a paragraph
        out[at:at] = [row.line for row in rows]
        placed += rows
    return out, placed


def letters(texts) -> int:
    return sum(ch.isalnum() for text in texts for ch in text)


def lost_text(table: PageTable, words: list[TsvWord]) -> str | None:
    """Why the cells' reading lost text the page's reading of the table's region has (None when it did not):
    its cells hold fewer than MIN_KEPT of the letters and digits the page's words inside the table hold (a
    cell the table reader left empty or read in part)."""
    if table.box is None:
        return None
    page = letters(w.text for w in words if inside(w, table.box))
    cells = letters(w.raw for ws in table.words.values() for w in ws)
    if page and cells < MIN_KEPT * page:
        return f"lost: cells hold {cells} letters and digits, the page's reading {page}"
    return None
