"""Rendered pages with a ruled task table, for testing the scanned-table reader on known cells.

``render_table_pages`` draws a header row and data rows over as many A4 pages (300 DPI, grey) as they
need, with wrapped cell text, merged cells (a group row across all columns, a lead body spanning
several rows), the header printed again at the top of each page, and a small skew as scanners leave.
It returns the page images and what each cell holds, so a test can compare the reader's output cell by
cell. ``render_page_with_table`` draws one table with lines of text above and below it, for the page
text's reading of a table."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from .samples import load_font

DPI = 300
PAGE = (2480, 3508)  # A4 portrait at 300 DPI
MARGIN = 200
LINE = 3  # rule width in pixels


@dataclass
class Row:
    cells: list[str]
    group: bool = False  # one cell across the whole width
    span_next: int = 0  # how many following rows share this row's lead cell (column ``lead_column``)


def wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def row_height(draw: ImageDraw.ImageDraw, cells: list[str], font, xs: list[int], line_height: int) -> int:
    tallest = 1
    for c, text in enumerate(cells):
        tallest = max(tallest, len(wrap(draw, text, font, xs[c + 1] - xs[c] - 24)))
    return tallest * line_height + 30


def render_table_pages(
    header: list[str],
    rows: list[Row],
    widths: list[float],
    *,
    lead_column: int = 2,
    rows_per_page: int = 6,
    skew: float = 0.3,
    size_pt: float = 12,
    caption: str = "",
) -> list[np.ndarray]:
    """Grey page images (uint8) of the table, ``rows_per_page`` rows a page."""
    font = load_font("regular", size_pt)
    bold = load_font("bold", size_pt)
    table_width = PAGE[0] - 2 * MARGIN
    xs = [MARGIN]
    for share in widths:
        xs.append(xs[-1] + int(share * table_width / sum(widths)))
    pages = []
    for start in range(0, len(rows), rows_per_page):
        chunk = rows[start : start + rows_per_page]
        image = Image.new("L", PAGE, 255)
        draw = ImageDraw.Draw(image)
        line_height = int(size_pt * DPI / 72 * 1.3)

        heights = [row_height(draw, header, bold, xs, line_height)] + [
            (line_height + 30) if row.group else row_height(draw, row.cells, font, xs, line_height) for row in chunk
        ]
        # the first page has a caption above the table, which ends at the page's foot: the table goes on
        y = PAGE[1] - MARGIN - sum(heights) if start == 0 and caption else MARGIN
        if start == 0 and caption:
            draw.text((MARGIN, max(MARGIN, y - 3 * line_height)), caption, font=bold, fill=0)
        tops = [y]
        for h in heights:
            tops.append(tops[-1] + h)
        # text
        for c, text in enumerate(header):
            for k, line in enumerate(wrap(draw, text, bold, xs[c + 1] - xs[c] - 24)):
                draw.text((xs[c] + 12, tops[0] + 15 + k * line_height), line, font=bold, fill=0)
        spanned: dict[int, int] = {}  # row index in chunk → rows its lead cell spans
        skip_lead: set[int] = set()
        for i, row in enumerate(chunk):
            if row.span_next and i not in skip_lead:
                span = min(row.span_next, len(chunk) - 1 - i)
                spanned[i] = span
                skip_lead.update(range(i + 1, i + 1 + span))
        for i, row in enumerate(chunk, start=1):
            top = tops[i]
            if row.group:
                draw.text((xs[0] + 12, top + 15), row.cells[0], font=bold, fill=0)
                continue
            for c, text in enumerate(row.cells):
                if c == lead_column and (i - 1) in skip_lead:
                    continue
                for k, line in enumerate(wrap(draw, text, font, xs[c + 1] - xs[c] - 24)):
                    draw.text((xs[c] + 12, top + 15 + k * line_height), line, font=font, fill=0)
        # rules
        bottom = tops[-1]
        for k, top in enumerate(tops):
            row_index = k - 2  # tops[k] is the rule under chunk row k - 2 (tops[0], tops[1]: the header's)
            if 0 <= row_index < len(chunk) and row_index in {j for i, s in spanned.items() for j in range(i, i + s)}:
                # the lead cell spans across this rule: draw it around that column only
                draw.line([(xs[0], top), (xs[lead_column], top)], fill=0, width=LINE)
                draw.line([(xs[lead_column + 1], top), (xs[-1], top)], fill=0, width=LINE)
            else:
                draw.line([(xs[0], top), (xs[-1], top)], fill=0, width=LINE)
        for c, x in enumerate(xs):
            if 0 < c < len(xs) - 1:
                # inner rules stop at group rows
                segments = [(tops[0], tops[1])]
                for i, row in enumerate(chunk, start=1):
                    if not row.group:
                        segments.append((tops[i], tops[i + 1]))
                for a, b in segments:
                    draw.line([(x, a), (x, b)], fill=0, width=LINE)
            else:
                draw.line([(x, tops[0]), (x, bottom)], fill=0, width=LINE)
        if skew:
            image = image.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=255)
        pages.append(np.asarray(image, dtype=np.uint8).copy())
    return pages


@dataclass
class TablePage:
    """A page with text above and below one ruled table (``render_page_with_table``): the image, the rows'
    cells as printed, and where the table's rows (top, bottom) and columns (left, right) are, in page
    pixels before the skew."""

    image: np.ndarray
    rows: list[list[str]]  # the header row first
    row_bands: list[tuple[int, int]]
    column_bands: list[tuple[int, int]]
    above: list[str]
    below: list[str]


def render_page_with_table(
    above: list[str],
    header: list[str],
    rows: list[list[str]],
    widths: list[float],
    below: list[str],
    *,
    skew: float = 0.3,
    size_pt: float = 12,
) -> TablePage:
    """One A4 page (300 DPI, grey): ``above`` lines, a ruled table (bold header, cells wrapped over as many
    lines as they need), ``below`` lines, turned by ``skew`` degrees as a scanner leaves it."""
    font = load_font("regular", size_pt)
    bold = load_font("bold", size_pt)
    image = Image.new("L", PAGE, 255)
    draw = ImageDraw.Draw(image)
    line_height = int(size_pt * DPI / 72 * 1.3)
    table_width = PAGE[0] - 2 * MARGIN
    xs = [MARGIN]
    for share in widths:
        xs.append(xs[-1] + int(share * table_width / sum(widths)))
    y = MARGIN
    for line in above:
        draw.text((MARGIN, y), line, font=bold, fill=0)
        y += line_height
    y += line_height
    tops = [y]
    all_rows = [header, *rows]
    for r, cells in enumerate(all_rows):
        face = bold if r == 0 else font
        height = row_height(draw, cells, face, xs, line_height)
        for c, text in enumerate(cells):
            for k, piece in enumerate(wrap(draw, text, face, xs[c + 1] - xs[c] - 24)):
                draw.text((xs[c] + 12, tops[-1] + 15 + k * line_height), piece, font=face, fill=0)
        tops.append(tops[-1] + height)
    for top in tops:
        draw.line([(xs[0], top), (xs[-1], top)], fill=0, width=LINE)
    for x in xs:
        draw.line([(x, tops[0]), (x, tops[-1])], fill=0, width=LINE)
    y = tops[-1] + 2 * line_height
    for line in below:
        draw.text((MARGIN, y), line, font=font, fill=0)
        y += line_height
    if skew:
        image = image.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=255)
    return TablePage(
        image=np.asarray(image, dtype=np.uint8).copy(),
        rows=[list(cells) for cells in all_rows],
        row_bands=list(zip(tops, tops[1:])),
        column_bands=list(zip(xs, xs[1:])),
        above=list(above),
        below=list(below),
    )
