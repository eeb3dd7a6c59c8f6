"""Ruled tables of scanned pages: found on the page image, read cell by cell, joined across pages.

    page_tables(image, options, page)   the tables of one OCR'd page (grid.py finds them, cells.py reads them)
    join_page_tables(page_tables)       the document's tables: a table going on at the top of the next page
                                        (same columns, the previous one ending at the page's foot) is one table
    attach_tables(doc, tables)          into the record: doc.tables, and task tables' rows into assignments

A table's first row (rows, when cells of the first row span several) is its header; a merged cell's text
stands in each row it spans and in the first column it spans (``Table.spans`` lists the merged cells).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..model import Document, Table
from ..options import Options
from .grid import Grid, find_grids

__all__ = ["PageTable", "attach_tables", "join_page_tables", "page_tables"]

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

    @property
    def n_columns(self) -> int:
        return len(self.columns) - 1


def page_tables(image: np.ndarray, options: Options, page: int) -> list[PageTable]:
    """The ruled tables of one page image, read cell by cell (one Tesseract run for all their cells)."""
    from .cells import read_cells

    grids, gray = find_grids(image)
    if not grids:
        return []
    texts = read_cells(gray, grids, options, page)
    height = gray.shape[0]
    return [to_page_table(g, grid, texts, page, height) for g, grid in enumerate(grids)]


def to_page_table(index: int, grid: Grid, texts: dict[tuple[int, int], str], page: int, height: int) -> PageTable:
    cells: list[list[str | None]] = [[None] * grid.n_columns for _ in range(grid.n_rows)]
    spans = []
    for c, cell in enumerate(grid.cells):
        cells[cell.row][cell.column] = texts.get((index, c))
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
    )


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
