"""Ruled tables of scanned pages: found on the page image, read cell by cell, joined across pages.

    page_tables(image, options, page)   the tables of one OCR'd page (grid.py finds them, cells.py reads them)
    join_page_tables(page_tables)       the document's tables: a table going on at the top of the next page
                                        (same columns, the previous one ending at the page's foot) is one table
    attach_tables(doc, tables)          into the record: doc.tables, and task tables' rows into assignments

A table's first row (rows, when cells of the first row span several) is its header; a merged cell's text
stands in each row it spans and in the first column it spans (``Table.spans`` lists the merged cells).

A page table keeps its cells' words with their boxes (page pixels) and restoration's changes: the page
text reads a table the reader is sure of row by row, cells in column order (``confident``; ``doubt`` says
why not otherwise), instead of Tesseract's page reading across its rules (ocr/__init__.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import cv2
import numpy as np

from ..model import Document, Table
from ..options import Options
from .grid import Grid, find_grids

if TYPE_CHECKING:
    from .cells import CellReading, CellWord

__all__ = ["PageTable", "attach_tables", "join_page_tables", "page_tables"]

MIN_CELL_CONFIDENCE = 70  # (0–100) under this mean word confidence the page text keeps the page's reading
EDGE = 0.2  # a table within this share of the page's height from its top (foot) starts (ends) there


@dataclass
class PageTable:
    """One ruled table of one page, before tables going on across pages are joined."""

    page: int
    cells: list[list[str | None]]  # grid rows × columns; a merged cell's text at its top-left position only
    spans: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row, column, rows, columns)
    header_rows: int = 1
    columns: list[float] = field(default_factory=list)  # column boundaries as shares of the table's width
    at_top: bool = False
    at_bottom: bool = False
    box: tuple[int, int, int, int] | None = None  # left, top, right, bottom in the page image's pixels
    # per cell (its top-left grid position): its words, boxes in the page image's pixels, as read and restored
    words: dict[tuple[int, int], list[CellWord]] = field(default_factory=dict)
    # per cell: restoration's changes to its lines, (original, corrected, confidence)
    corrections: dict[tuple[int, int], list[tuple[str, str, float]]] = field(default_factory=dict)
    doubt: str | None = None  # why the page text keeps Tesseract's page reading of the table; None: read by cells

    @property
    def confident(self) -> bool:
        return self.doubt is None and bool(self.words)

    @property
    def n_columns(self) -> int:
        return len(self.columns) - 1


def page_tables(image: np.ndarray, options: Options, page: int) -> list[PageTable]:
    """The ruled tables of one page image, read cell by cell (one Tesseract run for all their cells)."""
    from .cells import read_cells

    grids, gray, turn = find_grids(image)
    if not grids:
        return []
    readings = read_cells(gray, grids, options, page)
    if turn is not None:  # the grid was found on the page turned by its rules' skew: back to the page's pixels
        back = cv2.invertAffineTransform(turn)
        readings = {key: unturned(reading, back) for key, reading in readings.items()}
        grids = [unturned_grid(grid, back) for grid in grids]
    height = gray.shape[0]
    tables = [to_page_table(g, grid, readings, page, height) for g, grid in enumerate(grids)]
    for table, doubt in zip(tables, doubts(grids, tables)):
        table.doubt = doubt
    return tables


def to_page_table(
    index: int, grid: Grid, readings: dict[tuple[int, int], CellReading], page: int, height: int
) -> PageTable:
    cells: list[list[str | None]] = [[None] * grid.n_columns for _ in range(grid.n_rows)]
    words: dict[tuple[int, int], list[CellWord]] = {}
    corrections: dict[tuple[int, int], list[tuple[str, str, float]]] = {}
    spans = []
    for c, cell in enumerate(grid.cells):
        reading = readings.get((index, c))
        if reading is not None:
            cells[cell.row][cell.column] = reading.text
            words[(cell.row, cell.column)] = reading.words
            if reading.corrections:
                corrections[(cell.row, cell.column)] = reading.corrections
        if cell.rows > 1 or cell.columns > 1:
            spans.append((cell.row, cell.column, cell.rows, cell.columns))
    header_rows = max((cell.rows for cell in grid.cells if cell.row == 0), default=1)
    if header_rows >= grid.n_rows:
        header_rows = 1
    left, right = grid.xs[0], grid.xs[-1]
    columns = [round((x - left) / max(right - left, 1), 4) for x in grid.xs]
    return PageTable(
        page=page,
        cells=cells,
        spans=spans,
        header_rows=header_rows,
        columns=columns,
        at_top=grid.box[1] < EDGE * height,
        at_bottom=grid.box[3] > (1 - EDGE) * height,
        box=grid.box,
        words=words,
        corrections=corrections,
    )


def doubts(grids: list[Grid], tables: list[PageTable]) -> list[str | None]:
    """Why the page text should not read each table by its cells (None: it should). A table read by its
    cells replaces what Tesseract read there, so only a grid that looks whole and a reading that looks sure:
    - split: another table of the page just above or below it, over the same width (a rule the scan broke
      cut one table in two; its parts' rows would be read apart);
    - merged: body cells spanning several columns but not the whole row, in more than one row (rules the
      scan lost merged cells that are not merged: their texts would run together);
    - unsure: the cells' words read with a mean confidence under MIN_CELL_CONFIDENCE (a faint or blurred
      table, where the page reading is as good a guess and keeps every line Tesseract saw)."""
    out: list[str | None] = []
    for index, (grid, table) in enumerate(zip(grids, tables)):
        doubt = None
        row_height = float(np.median(np.diff(grid.ys))) if len(grid.ys) > 1 else 0.0
        for other_index, other in enumerate(grids):
            if other_index == index:
                continue
            overlap = min(grid.box[2], other.box[2]) - max(grid.box[0], other.box[0])
            narrower = min(grid.box[2] - grid.box[0], other.box[2] - other.box[0])
            gap = max(other.box[1] - grid.box[3], grid.box[1] - other.box[3])
            if overlap > 0.5 * narrower and gap < 2 * row_height and not opens_alike(table, tables[other_index]):
                doubt = "split: another table just above or below it"
        merged_rows = {
            cell.row for cell in grid.cells if cell.row >= table.header_rows and 1 < cell.columns < grid.n_columns
        }
        if doubt is None and len(merged_rows) > 1:
            doubt = f"merged: {len(merged_rows)} rows with cells across some of the columns"
        confidences = [w.conf for ws in table.words.values() for w in ws if any(ch.isalnum() for ch in w.raw)]
        mean = float(np.mean(confidences)) if confidences else 0.0
        if doubt is None and mean < MIN_CELL_CONFIDENCE:
            doubt = f"unsure: cells read with mean confidence {mean:.0f}"
        out.append(doubt)
    return out


def opens_alike(table: PageTable, other: PageTable) -> bool:
    """Two tables that each open with the same header row are two tables (an appendix's part A and part B under
    their own headings), not one table a lost rule cut in two: the part a rule cut off opens with a body row."""
    mine, theirs = first_row(table), first_row(other)
    return len("".join(mine)) >= 10 and same_header(mine, theirs)


def first_row(table: PageTable) -> list[str]:
    return [cell or "" for cell in table.cells[0]] if table.cells else []


def turn_point(matrix: np.ndarray, x: float, y: float) -> tuple[float, float]:
    return (
        float(matrix[0, 0] * x + matrix[0, 1] * y + matrix[0, 2]),
        float(matrix[1, 0] * x + matrix[1, 1] * y + matrix[1, 2]),
    )


def unturned(reading: CellReading, back: np.ndarray) -> CellReading:
    """A cell's words with their boxes moved back onto the page (their centres turned back; a turn under 1°
    leaves a word's size as it is)."""
    import dataclasses

    moved = []
    for word in reading.words:
        left, top, width, height = word.box
        x, y = turn_point(back, left + width / 2, top + height / 2)
        moved.append(dataclasses.replace(word, box=(round(x - width / 2), round(y - height / 2), width, height)))
    return dataclasses.replace(reading, words=moved)


def unturned_grid(grid: Grid, back: np.ndarray) -> Grid:
    """The grid with its box around its corners turned back onto the page (rows and columns as found)."""
    left, top, right, bottom = grid.box
    corners = [turn_point(back, x, y) for x in (left, right) for y in (top, bottom)]
    box = (
        round(min(x for x, _ in corners)),
        round(min(y for _, y in corners)),
        round(max(x for x, _ in corners)),
        round(max(y for _, y in corners)),
    )
    return Grid(box=box, xs=grid.xs, ys=grid.ys, cells=grid.cells)


def filled(table: PageTable, first_row: int = 0) -> tuple[list[list[str | None]], list[tuple[int, int, int, int]]]:
    """Rows from ``first_row`` with merged cells' text repeated down the rows they span, and the spans
    that start there (rows renumbered)."""
    rows = [list(row) for row in table.cells]
    for row, column, n_rows, _ in table.spans:
        for r in range(row + 1, min(row + n_rows, len(rows))):
            rows[r][column] = rows[row][column]
    spans = [(r - first_row, c, nr, nc) for r, c, nr, nc in table.spans if r >= first_row]
    return rows[first_row:], spans


def header_of(table: PageTable) -> list[str]:
    """Header cell per column: the texts of the header rows over it, top to bottom, distinct, joined by ' / '
    (a cell spanning columns names each of them: 'Cách thức thực hiện / Trực tiếp')."""
    names: list[list[str]] = [[] for _ in range(table.n_columns)]
    covered: dict[tuple[int, int], str | None] = {}
    for r in range(table.header_rows):
        for c in range(table.n_columns):
            covered[(r, c)] = table.cells[r][c]
    for row, column, n_rows, n_cols in table.spans:
        for r in range(row, min(row + n_rows, table.header_rows)):
            for c in range(column, column + n_cols):
                covered[(r, c)] = table.cells[row][column]
    for c in range(table.n_columns):
        for r in range(table.header_rows):
            text = covered.get((r, c))
            if text and text not in names[c]:
                names[c].append(text)
    return [" / ".join(parts) for parts in names]


def same_columns(a: PageTable, b: PageTable) -> bool:
    return a.n_columns == b.n_columns and all(abs(x - y) <= 0.03 for x, y in zip(a.columns, b.columns))


def same_header(a: list[str], b: list[str]) -> bool:
    """The same header read twice (OCR may differ by a few characters)."""
    from rapidfuzz import fuzz

    left, right = " | ".join(a).lower(), " | ".join(b).lower()
    return len(a) == len(b) and (left == right or fuzz.ratio(left, right) >= 85)


def join_page_tables(tables: list[PageTable]) -> list[Table]:
    """The document's scanned tables in page order; a table at the top of a page that has the columns of
    the table ending at the foot of the page before goes on with it (a header printed again is dropped)."""
    out: list[Table] = []
    last: PageTable | None = None
    for table in sorted(tables, key=lambda t: t.page):
        if (
            last is not None
            and out
            and table.page == last.page + 1
            and last.at_bottom
            and table.at_top
            and same_columns(last, table)
        ):
            rows, spans = filled(table)
            header = header_of(table)
            previous = out[-1]
            if same_header(header, previous.header):
                rows, spans = filled(table, table.header_rows)  # the header printed again: dropped
            offset = len(previous.rows)
            previous.rows.extend(rows)
            previous.spans.extend((r + offset, c, nr, nc) for r, c, nr, nc in spans)
            last = table
            continue
        rows, spans = filled(table, table.header_rows)
        out.append(Table(page=table.page, header=header_of(table), rows=rows, source="scan", spans=spans))
        last = table
    return out


def attach_tables(doc: Document, tables: list[Table]) -> None:
    """Scanned tables into the record: appended to ``doc.tables``, and the rows of task tables as
    assignments (lead and co-operating bodies, time), as for text tables."""
    if not tables:
        return
    from ..parse.assignments import table_assignments

    doc.tables = [*doc.tables, *tables]
    extra = [a for table in tables for a in table_assignments(table, place=doc.place)]
    if extra:
        doc.assignments = [*doc.assignments, *extra]
