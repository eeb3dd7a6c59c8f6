"""A page's words as blocks of lines of words, in the record's reading order: what the PDF text layer, the
ALTO file and the OCRmyPDF plugin are made from.

The page text's line N holds the words whose ``line`` is N; a blank line in the page text (a skipped line
number) starts a new block (paragraph). Words keep the record's corrected text, NFC; boxes stay in the frame
the OCR read (see ``geometry``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from ..model import Page, Word


@dataclass
class Line:
    number: int
    words: list[Word] = field(default_factory=list)

    @property
    def box(self) -> tuple[int, int, int, int]:
        return union([w.box for w in self.words if w.box is not None])


@dataclass
class Block:
    lines: list[Line] = field(default_factory=list)

    @property
    def box(self) -> tuple[int, int, int, int]:
        return union([line.box for line in self.lines])


def union(boxes: list[tuple[int, int, int, int]]) -> tuple[int, int, int, int]:
    left = min(b[0] for b in boxes)
    top = min(b[1] for b in boxes)
    right = max(b[0] + b[2] for b in boxes)
    bottom = max(b[1] + b[3] for b in boxes)
    return left, top, right - left, bottom - top


def placed_words(page: Page) -> list[Word]:
    """The page's words that can be placed: a box with area and some text (NFC)."""
    kept = []
    for word in page.words:
        text = unicodedata.normalize("NFC", word.text).strip()
        if not text or word.box is None or word.box[2] <= 0 or word.box[3] <= 0:
            continue
        kept.append(word if text == word.text else word.model_copy(update={"text": text}))
    return kept


def page_blocks(page: Page) -> list[Block]:
    """Blocks of lines in reading order (line-number order; words in their record order within a line)."""
    lines: dict[int, Line] = {}
    order: list[int] = []
    loose = 0  # words without a line number each get a line of their own, after the numbered ones
    for word in placed_words(page):
        number = word.line if word.line is not None else 1_000_000 + loose
        if word.line is None:
            loose += 1
        if number not in lines:
            lines[number] = Line(number=number)
            order.append(number)
        lines[number].words.append(word)
    blocks: list[Block] = []
    previous: int | None = None
    for number in sorted(order):
        if previous is None or number != previous + 1:
            blocks.append(Block())
        blocks[-1].lines.append(lines[number])
        previous = number
    return blocks


def without_overlaps(words: list[Word], gap: float = 0.2) -> list[Word]:
    """A line's words with each box ended at least ``gap`` × the line's height before the next word begins.
    OCR boxes of neighbours sometimes touch or overlap ("2021" and "-"), and text extractors join words whose
    glyphs touch; a box is never cut below half its width."""
    result = list(words)
    heights = sorted(w.box[3] for w in words if w.box is not None)
    if not heights:
        return result
    space = max(1, round(gap * heights[len(heights) // 2]))
    for index in range(len(result) - 1):
        this, following = result[index].box, result[index + 1].box
        if this is None or following is None or following[0] <= this[0]:
            continue
        end = following[0] - space
        if this[0] + this[2] > end:
            width = max(int(this[2]) // 2, end - this[0], 1)
            result[index] = result[index].model_copy(update={"box": (this[0], this[1], width, this[3])})
    return result


def has_text_layer_words(page: Page) -> bool:
    """Whether the page gets an invisible text layer: an OCR'd scan with placeable words and a known size.
    Born-digital pages keep their own text (no second layer); text inputs and failed pages have no image."""
    return page.kind == "scan" and page.size is not None and bool(placed_words(page))
