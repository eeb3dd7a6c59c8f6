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
from .geometry import ocr_to_page, word_box_on_page

Box = tuple[float, float, float, float]  # left, top, width, height in page pixels


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


def without_overlaps(run: list[tuple[Word, Box]], gap: float = 0.2) -> list[tuple[Word, Box]]:
    """A run's words with each box ended at least ``gap`` × the run's height before the next word begins.
    OCR boxes of neighbours sometimes touch or overlap ("2021" and "-"), and text extractors join words whose
    glyphs touch; a box is never cut below half its width."""
    result = list(run)
    heights = sorted(box[3] for _, box in run)
    space = max(1.0, gap * heights[len(heights) // 2])
    for index in range(len(result) - 1):
        (word, this), (_, following) = result[index], result[index + 1]
        if following[0] <= this[0]:
            continue
        end = following[0] - space
        if this[0] + this[2] > end:
            result[index] = (word, (this[0], this[1], max(this[2] / 2, end - this[0], 1.0), this[3]))
    return result


def upright_runs(page: Page, drift: float = 0.3) -> list[list[list[tuple[Word, Box]]]]:
    """Blocks of upright runs of words, in page pixels, for a text layer: each line's words moved back from
    the deskewed frame the OCR read, and the line cut where its words drift off their run's height by more
    than ``drift`` × their height (a line of a page scanned 2° askew climbs ~70 px over 2,000). Text is then
    drawn level at each word's place: rotated glyphs, which a layer drawn along the skew would have, are split
    apart by text extractors (pdftotext read 66% of such a page's words against 100% level)."""
    to_page = ocr_to_page(page)
    blocks = []
    for block in page_blocks(page):
        runs: list[list[tuple[Word, Box]]] = []
        for line in block.lines:
            start: Box | None = None
            for word in line.words:
                box = word_box_on_page(to_page, word.box)  # type: ignore[arg-type]  # placed words have boxes
                centre = box[1] + box[3] / 2
                if start is None or abs(centre - (start[1] + start[3] / 2)) > drift * max(start[3], box[3]):
                    runs.append([])
                    start = box
                runs[-1].append((word, box))
        blocks.append([without_overlaps(run) for run in runs])
    return blocks


def has_text_layer_words(page: Page) -> bool:
    """Whether the page gets an invisible text layer: an OCR'd scan with placeable words and a known size.
    Born-digital pages keep their own text (no second layer); text inputs and failed pages have no image."""
    return page.kind == "scan" and page.size is not None and bool(placed_words(page))
