"""Reading order: Tesseract's TSV words grouped into visual rows, two-column regions (the Decree 30
header, Nơi nhận beside the signature) read column by column, paragraphs marked by a blank line."""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass

import numpy as np


@dataclass
class TsvWord:
    text: str
    conf: float  # 0–100 as Tesseract reports it
    left: int
    top: int
    width: int
    height: int
    block: int
    par: int
    line: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    @property
    def middle(self) -> float:
        return self.top + self.height / 2


def parse_tsv(tsv: str) -> list[TsvWord]:
    words: list[TsvWord] = []
    reader = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:
        if row.get("level") != "5":
            continue
        text = (row.get("text") or "").strip()
        conf = float(row.get("conf") or -1)
        if not text or conf < 0:
            continue
        words.append(
            TsvWord(
                text=text,
                conf=conf,
                left=int(row["left"]),
                top=int(row["top"]),
                width=int(row["width"]),
                height=int(row["height"]),
                block=int(row["block_num"]),
                par=int(row["par_num"]),
                line=int(row["line_num"]),
            )
        )
    return words


@dataclass
class Line:
    """One output line: words left to right, plus whether a paragraph starts here."""

    words: list[TsvWord]
    starts_paragraph: bool = False

    @property
    def left(self) -> int:
        return min(w.left for w in self.words)

    @property
    def right(self) -> int:
        return max(w.right for w in self.words)

    @property
    def top(self) -> int:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> int:
        return max(w.bottom for w in self.words)


def is_real_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def letter_height(words: list[TsvWord]) -> float:
    """Typical word box height: the scale for every gap threshold, so the rules hold at any DPI."""
    heights = [w.height for w in words if is_real_word(w.text)]
    return float(statistics.median(heights)) if heights else 30.0


def group_rows(words: list[TsvWord]) -> list[list[TsvWord]]:
    """Visual rows: words whose vertical middles fall within the row's band, regardless of which
    Tesseract line (or block) they were put in. Skew is removed by preprocessing; a small residual
    slope is tolerated by comparing with the nearest word of the row."""
    height = letter_height(words)
    rows: list[list[TsvWord]] = []
    for word in sorted(words, key=lambda w: (w.middle, w.left)):
        best, best_distance = None, None
        for row in rows[-6:]:
            nearest = min(row, key=lambda w: abs(w.left - word.left))
            distance = abs(nearest.middle - word.middle)
            if distance <= 0.45 * height and (best_distance is None or distance < best_distance):
                best, best_distance = row, distance
        if best is None:
            rows.append([word])
        else:
            best.append(word)
    for row in rows:
        row.sort(key=lambda w: w.left)
    rows.sort(key=lambda r: statistics.median(w.middle for w in r))
    return rows


def split_row(row: list[TsvWord], gap: float) -> list[list[TsvWord]]:
    """Runs of words separated by more than ``gap`` (boxes may overlap: compare with the run's extent)."""
    segments = [[row[0]]]
    extent = row[0].right
    for word in row[1:]:
        if word.left - extent > gap:
            segments.append([word])
        else:
            segments[-1].append(word)
        extent = max(extent, word.right) if word.left - extent <= gap else word.right
    return segments


def find_gutter(rows: list[list[TsvWord]], min_width: float) -> tuple[int, int] | None:
    """The widest x-interval empty in every row (a vertical band of white), if wide enough and
    with text on both sides."""
    if not rows:
        return None
    lo = min(w.left for r in rows for w in r)
    hi = max(w.right for r in rows for w in r)
    occupied = sorted((w.left, w.right) for r in rows for w in r)
    best, cursor = None, lo
    for left, right in occupied:
        if left > cursor and (best is None or left - cursor > best[1] - best[0]):
            best = (cursor, left)
        cursor = max(cursor, right)
    if best is None or best[1] - best[0] < min_width or best[0] <= lo or best[1] >= hi:
        return None
    return best


def order_lines(words: list[TsvWord], tables: list[tuple[int, int, int, int]] | None = None) -> list[Line]:
    """Lines in reading order, with two-column regions (header, recipients/signature) read column by column.
    Rows inside a ruled table (``tables``: left, top, right, bottom) are read across, row by row: a table's
    columns are not the page's."""
    if not words:
        return []
    height = letter_height(words)
    rows = group_rows(words)
    gap = 2.5 * height  # justified text stretches spaces to ~1 letter height; gutters are far wider
    split = [len(split_row(r, gap)) >= 2 and not in_table(r, tables or []) for r in rows]
    lines: list[Line] = []
    i = 0
    while i < len(rows):
        region_end = grow_region(rows, split, i, height) if split[i] else None
        if region_end is not None:
            region = rows[i:region_end]
            gutter = find_gutter(region, gap)
            if gutter is not None:
                lines.extend(read_columns(region, gutter))
                i = region_end
                continue
        lines.append(Line(words=rows[i]))
        i += 1
    mark_paragraphs(lines, height)
    return lines


def in_table(row: list[TsvWord], tables: list[tuple[int, int, int, int]]) -> bool:
    middle = statistics.median(w.middle for w in row)
    return any(top <= middle <= bottom for _left, top, _right, bottom in tables)


def grow_region(rows: list[list[TsvWord]], split: list[bool], start: int, height: float) -> int | None:
    """End index (exclusive) of the two-column region starting at ``start``, or None when there is none.

    The region holds consecutive rows that keep one gutter empty: split rows, and rows lying wholly on
    one side of it (a third issuer line, recipients below the signature block, the signer's name).
    Rows join only when close below the region (ordinary line spacing), except that a right-hand row may
    come after a signature space; once such a far right-hand row has joined, left-hand rows no longer
    may, so nothing from further down is moved ahead of text above it. Each column needs two rows or
    more: one wide gap in a single line is not a column layout."""
    gutter_width = 2.5 * height
    end, split_rows, closed_to_left = start + 1, 1, False
    while end < len(rows):
        candidate = rows[end]
        gutter = find_gutter(rows[start : end + 1], gutter_width)  # the band left if the row joins
        if gutter is None:
            break
        region_bottom = max(w.bottom for row in rows[start:end] for w in row)
        vertical_gap = min(w.top for w in candidate) - region_bottom
        near = vertical_gap <= 1.2 * height
        if split[end] and vertical_gap <= 3 * height and not closed_to_left:
            split_rows += 1  # both sides; "Số: … | Place, ngày …" sits below a rule and a gap
        elif max(w.right for w in candidate) <= gutter[0] and near and not closed_to_left:
            pass  # left-hand row
        elif min(w.left for w in candidate) >= gutter[1] and vertical_gap <= 8 * height:
            closed_to_left = closed_to_left or not near  # right-hand row, after a signature space if far
        else:
            break
        end += 1
    gutter = find_gutter(rows[start:end], gutter_width)
    if gutter is None:
        return None
    left_rows = sum(1 for row in rows[start:end] if row[0].right <= gutter[0])
    right_rows = sum(1 for row in rows[start:end] if row[-1].left >= gutter[1])
    if left_rows < 2 or right_rows < 2:
        return None
    if split_rows < 2 and not centred_column(rows[start:end], gutter, height):
        return None  # one shared row and ragged text on the right: more likely body text than a column
    return end


def centred_column(rows: list[list[TsvWord]], gutter: tuple[int, int], height: float) -> bool:
    """True when the parts of ``rows`` right of the gutter share one centre, as the signature block
    and the national title do (Decree 30 centres them)."""
    centres = []
    for row in rows:
        part = [w for w in row if w.left >= gutter[1]]
        if part:
            centres.append((part[0].left + part[-1].right) / 2)
    return bool(centres) and max(centres) - min(centres) <= 1.5 * height


def read_columns(region: list[list[TsvWord]], gutter: tuple[int, int]) -> list[Line]:
    middle = (gutter[0] + gutter[1]) / 2
    left = [Line(words=[w for w in row if w.right <= middle]) for row in region]
    right = [Line(words=[w for w in row if w.right > middle]) for row in region]
    left = [line for line in left if line.words]
    right = [line for line in right if line.words]
    for column in (left, right):
        if column:
            column[0].starts_paragraph = True
    return left + right


def mark_paragraphs(lines: list[Line], height: float) -> None:
    """A paragraph starts after a vertical gap clearly larger than line spacing, or at a first-line
    indent, or after a line that ends well short of the text's right edge."""
    if not lines:
        return
    margin_left = float(np.percentile([ln.left for ln in lines], 10, method="lower"))
    margin_right = float(np.percentile([ln.right for ln in lines], 90, method="higher"))
    pitches = [b.top - a.top for a, b in zip(lines, lines[1:]) if 0 < b.top - a.top < 3 * height]
    pitch = float(np.percentile(pitches, 25, method="lower")) if pitches else 1.6 * height
    lines[0].starts_paragraph = True
    for previous, line in zip(lines, lines[1:]):
        if line.starts_paragraph:
            continue
        gap = line.top - previous.top
        indented = line.left - margin_left > 1.5 * height and previous.left - margin_left < 1.5 * height
        short_before = margin_right - previous.right > 6 * height
        line.starts_paragraph = gap > 1.35 * pitch or gap < 0 or indented or short_before


def render_lines(lines: list[Line]) -> tuple[str, list[tuple[int, TsvWord]]]:
    """Page text (blank line between paragraphs) and each word with its 1-based line number in it."""
    out: list[str] = []
    numbered: list[tuple[int, TsvWord]] = []
    for line in lines:
        if line.starts_paragraph and out:
            out.append("")
        out.append(" ".join(w.text for w in line.words))
        numbered.extend((len(out), w) for w in line.words)
    return "\n".join(out) + ("\n" if out else ""), numbered
