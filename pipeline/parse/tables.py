"""Tables printed in a text: '| a | b |' rows (markdown, converted Word tables, transcriptions) and columns
aligned with spaces (pdftotext -layout). A table is its header (the first row) and its rows, cells as printed
('' → null); a row with fewer cells than the header is padded with nulls (a group row '| I | Cải cách thể chế |'
or '| Lĩnh vực … |' keeps its text in its first cells). A table that goes on after a page break (only blank
lines, a page number or the header repeated between) is one table."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..model import Section, Table
from .lines import Line, collapse, fold
from .outline import walk

MIN_ALIGNED_ROWS = 3
MIN_ALIGNED_COLUMNS = 3
MARKUP = re.compile(r"\*\*|__|<br\s*/?>", re.I)
RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


@dataclass
class Run:
    first: int  # index in lines of the first row
    rows: list[list[str | None]] = field(default_factory=list)
    last: int = 0
    aligned: bool = False


def pipe_cells(text: str) -> list[str | None]:
    body = text.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return [collapse(MARKUP.sub("", cell)) or None for cell in body.split("|")]


def is_pipe_row(raw: str) -> bool:
    return raw.count("|") >= 2 and raw.lstrip().startswith("|") and not RULE.match(raw)


def raw_lines(text: str) -> list[str]:
    """The text's lines as ``Line.number`` counts them (a form feed is a line of its own)."""
    prepared = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\f\n")
    return prepared.split("\n")


def pipe_runs(lines: list[Line], raw: list[str]) -> list[Run]:
    """Runs of consecutive '| a | b |' rows, read from the raw lines (clean-up may take a leading '|' for
    a speck); a markdown rule row inside a run is skipped."""
    runs: list[Run] = []
    current: Run | None = None
    for index, line in enumerate(lines):
        source = raw[line.number - 1] if 0 < line.number <= len(raw) else line.text
        if is_pipe_row(source):
            if current is None:
                current = Run(first=index)
                runs.append(current)
            current.rows.append(pipe_cells(source))
            current.last = index
        elif (line.separator or RULE.match(source)) and current is not None:
            continue
        else:
            current = None
    return runs


def segments(text: str) -> list[tuple[int, str]]:
    """(column, text) of each part of a line separated by two spaces or more."""
    out = []
    for match in re.finditer(r"\S+(?: \S+)*", text):
        out.append((match.start(), match.group()))
    return out


def aligned_runs(lines: list[Line], taken: set[int]) -> list[Run]:
    """Blocks of at least three lines of three or more space-separated columns (pdftotext -layout): each
    such line is a row; cells are cut at the gaps that are blank in most rows. Lines with fewer columns
    inside the block (a cell's wrapped text) are added to the cells above them by position."""
    candidates = [
        i
        for i, line in enumerate(lines)
        if i not in taken and not line.blank and len(segments(line.text)) >= MIN_ALIGNED_COLUMNS
    ]
    runs: list[Run] = []
    block: list[int] = []

    def close() -> None:
        rows = [i for i in block if len(segments(lines[i].text)) >= MIN_ALIGNED_COLUMNS]
        if len(rows) >= MIN_ALIGNED_ROWS:
            run = aligned_table(lines, block)
            if run is not None:
                runs.append(run)

    for index in candidates:
        if block and index - block[-1] > 3:
            close()
            block = []
        if block:
            block.extend(i for i in range(block[-1] + 1, index) if not lines[i].blank)
        block.append(index)
    if block:
        close()
    return runs


def aligned_table(lines: list[Line], block: list[int]) -> Run | None:
    texts = {i: lines[i].text.rstrip() for i in block}
    rows = [i for i in block if len(segments(texts[i])) >= MIN_ALIGNED_COLUMNS]
    width = max(len(texts[i]) for i in rows)
    # a gutter: a column position blank in (nearly) every row line, next to text on both sides
    blank = [sum(1 for i in rows if c >= len(texts[i]) or texts[i][c] == " ") for c in range(width)]
    need = len(rows)  # a gutter is blank in every row (a header spanning columns merges them)
    gutters = [c for c in range(width) if blank[c] >= need]
    bounds: list[tuple[int, int]] = []
    start = None
    for c in range(width + 1):
        inside = c < width and c not in set(gutters)
        if inside and start is None:
            start = c
        elif not inside and start is not None:
            bounds.append((start, c))
            start = None
    merged: list[tuple[int, int]] = []
    for bound in bounds:  # one blank column is a space between words, not a gutter
        if merged and bound[0] - merged[-1][1] < 2:
            merged[-1] = (merged[-1][0], bound[1])
        else:
            merged.append(bound)
    bounds = merged
    if len(bounds) < MIN_ALIGNED_COLUMNS:
        return None
    run = Run(first=block[0], last=block[-1], aligned=True)
    for i in block:
        cells = [collapse(texts[i][a:b]) or None for a, b in bounds]
        if i in rows or not run.rows:
            run.rows.append(cells)
        else:  # wrapped text of a cell: joined to the row above
            previous = run.rows[-1]
            for k, value in enumerate(cells):
                if value:
                    previous[k] = f"{previous[k]} {value}" if previous[k] else value
    return run


def page_of(raw: list[str], lines: list[Line], index: int) -> int:
    """1-based page of ``lines[index]``: form feeds before it in the text the lines were cut from."""
    number = lines[index].number
    return 1 + sum(1 for line in raw[: max(number - 1, 0)] if line == "\f")


def continues(previous: Run, run: Run, lines: list[Line]) -> bool:
    """Does ``run`` go on with ``previous`` (only blank lines between, same number of columns)?"""
    between = lines[previous.last + 1 : run.first]
    if any(not line.blank for line in between):
        return False
    return len(run.rows[0]) == len(previous.rows[0]) and previous.aligned == run.aligned


def to_table(run: Run, page: int | None, section: str | None) -> Table:
    header = [cell or "" for cell in run.rows[0]]
    rows = []
    for row in run.rows[1:]:
        if [collapse(c or "") for c in row] == [collapse(c) for c in header]:
            continue  # the header printed again at the top of a page
        rows.append(list(row) + [None] * (len(header) - len(row)))
    return Table(page=page, section=section, header=header, rows=rows, source="text")


def section_paragraphs(sections: list[Section]) -> list[tuple[str, str]]:
    """(path, folded paragraph) of every paragraph, in document order."""
    out = []
    for node in walk(sections):
        for paragraph in node.section.paragraphs:
            out.append((node.path, re.sub(r"\s+", " ", fold(paragraph).replace("|", " "))))
    return out


def probe_of(run: Run) -> str:
    row = run.rows[1] if len(run.rows) > 1 else run.rows[0]
    return re.sub(r"\s+", " ", fold(" ".join(cell or "" for cell in row if cell)))[:200].strip()


def find_section(run: Run, paragraphs: list[tuple[str, str]], cursor: int) -> tuple[str | None, int]:
    """Path of the first section at or after ``cursor`` whose paragraphs hold the table's first data row,
    and the new cursor."""
    probe = probe_of(run)
    if probe:
        for index in range(cursor, len(paragraphs)):
            if paragraphs[index][1].strip().startswith(probe):
                return paragraphs[index][0], index + 1
    return None, cursor


def read_tables(text: str, lines: list[Line], sections: list[Section]) -> list[Table]:
    """Every table of the text, in order."""
    raw = raw_lines(text)
    runs = pipe_runs(lines, raw)
    taken = {i for run in runs for i in range(run.first, run.last + 1)}
    runs += aligned_runs(lines, taken)
    runs.sort(key=lambda run: run.first)
    merged: list[Run] = []
    for run in runs:
        if merged and continues(merged[-1], run, lines):
            head = [collapse(c or "") for c in merged[-1].rows[0]]
            rows = run.rows[1:] if [collapse(c or "") for c in run.rows[0]] == head else run.rows
            merged[-1].rows.extend(rows)
            merged[-1].last = run.last
        else:
            merged.append(run)
    paragraphs = section_paragraphs(sections)
    tables = []
    cursor = 0
    for run in merged:
        if len(run.rows) < 2:
            continue  # one row: a layout device (signature blocks side by side), not a table
        section, cursor = find_section(run, paragraphs, cursor)
        tables.append(to_table(run, page_of(raw, lines, run.first), section))
    return tables
