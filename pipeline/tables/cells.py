"""The text of every cell of a page's ruled tables: each cell cut out without its rules, the cells stacked
one under the other with white space between them (a mosaic), one Tesseract run on the mosaic, every
word given back to the cell whose band it lies in, and the cells' lines restored like a page's.

One Tesseract run per page instead of one per cell: Tesseract's start and model load (~0.3 s with
vie+Vietnamese) would otherwise be paid for every cell. Each cell is still read on its own, as the
stacked crops share no line with their neighbours.

Every word keeps its box, given back in the pixels of the page image the grid was found on (the crop's
place on the page instead of its place in the mosaic), so the page text can read a table cell by cell and
still say where each word stands (the PDF text layer and ALTO use the boxes)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

import cv2
import numpy as np

from ..model import Word
from ..ocr.layout import TsvWord, parse_tsv
from ..ocr.tesseract import run_tesseract
from ..options import Options
from .grid import Grid

# the mosaic is one column of text blocks of varying sizes: psm 4 (cell CER 2.6% on R06, 4.1% with psm 6,
# 3.2% with psm 11); cells it leaves empty (a lone digit, which psm 4 drops) get a second run with psm 6
TABLE_PSM = 4
RETRY_PSM = 6
# rule remnants and specks Tesseract reads as characters: a lone '|', '_', '.', '“' … token (a lone '-' is a
# list dash and stays)
SPECK = re.compile(r"[|_¦‖.,:;“”\"'`´^~…]+")
INSET = 0.0006  # of the page's width cut off each side of a cell (the rules' centres); the rest of a rule is whited out
BORDER = 0.0012  # of the page's width: whited out along each side of a crop
PAD = 0.012  # of the page's width: white space between stacked cells, about one line of text
MIN_INK = 0.002  # a cell with less ink than this share of its area is empty


@dataclass
class Crop:
    grid: int  # index of the table on the page
    cell: int  # index of the cell in its grid
    image: np.ndarray
    origin: tuple[int, int] = (0, 0)  # the crop's left and top in the page image


@dataclass
class CellWord:
    """One word of a cell: as restored (what the cell's text holds) and as read, its confidence (0–100, as
    Tesseract gives it) and its box (left, top, width, height) in the pixels of the page image."""

    text: str
    raw: str
    conf: float
    box: tuple[int, int, int, int]


@dataclass
class CellReading:
    """A cell's text, its words in reading order (its lines top to bottom, each left to right; a word broken
    at a line's end after '-' or '/' is one word), and restoration's changes to its lines: (original,
    corrected, confidence)."""

    text: str
    words: list[CellWord] = field(default_factory=list)
    corrections: list[tuple[str, str, float]] = field(default_factory=list)


def clean_rules(crop: np.ndarray) -> np.ndarray:
    """White out what is left of the rules in a cell's crop: dark runs along (nearly) its whole width near
    its top or bottom, and along (nearly) its whole height anywhere (a rule stub; no letter is as tall as
    its cell with the cell's margins)."""
    out = crop.copy()
    ink = (out < 140).astype(np.uint8) * 255
    height, width = ink.shape
    if width >= 8:
        rows = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (int(width * 0.6), 1)))
        band = max(2, height // 6)
        rows[band : height - band] = 0
        out[cv2.dilate(rows, np.ones((3, 3), np.uint8)) > 0] = 255
    if height >= 8:
        columns = cv2.morphologyEx(
            ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(3, int(height * 0.92))))
        )
        out[cv2.dilate(columns, np.ones((3, 3), np.uint8)) > 0] = 255
    return out


def whiten(crop: np.ndarray) -> np.ndarray:
    """The crop's paper made white, as the mosaic's: a grey or yellowed paper next to the white space
    between cells makes an edge that Tesseract reads as a '-' or '_'."""
    paper = float(np.percentile(crop, 90))
    if paper >= 250 or paper <= 0:
        return crop
    return np.clip(crop.astype(np.float32) * (255.0 / paper), 0, 255).astype(np.uint8)


def clean_stubs(crop: np.ndarray, grid: Grid, cell, left: int, top: int) -> None:
    """A merged cell still shows the ends of the rules it interrupts: where a row rule meets its left or
    right side, where a column rule meets its top or bottom. White those short stubs out (in place)."""
    height, width = crop.shape
    edge_x = max(4, min(40, width // 10))
    edge_y = max(4, min(40, height // 10))
    for y in grid.ys[cell.row + 1 : cell.row + cell.rows]:
        y -= top
        if 0 <= y < height:
            crop[max(0, y - 6) : y + 7, :edge_x] = 255
            crop[max(0, y - 6) : y + 7, width - edge_x :] = 255
    for x in grid.xs[cell.column + 1 : cell.column + cell.columns]:
        x -= left
        if 0 <= x < width:
            crop[:edge_y, max(0, x - 6) : x + 7] = 255
            crop[height - edge_y :, max(0, x - 6) : x + 7] = 255


def cut_cells(gray: np.ndarray, grids: list[Grid]) -> list[Crop]:
    """Every non-empty cell of the page's tables, cut out without its rules."""
    inset = max(2, int(INSET * gray.shape[1]))
    crops = []
    for g, grid in enumerate(grids):
        for c, cell in enumerate(grid.cells):
            left, top, right, bottom = cell.box
            crop = gray[top + inset : bottom - inset, left + inset : right - inset]
            if crop.size == 0 or min(crop.shape) < 4:
                continue
            crop = whiten(clean_rules(crop))
            border = max(3, int(BORDER * gray.shape[1]))  # the rules' blur along the crop's sides
            crop[:border] = 255
            crop[-border:] = 255
            crop[:, :border] = 255
            crop[:, -border:] = 255
            clean_stubs(crop, grid, cell, left + inset, top + inset)
            if np.count_nonzero(crop < 128) < MIN_INK * crop.size:
                continue
            crops.append(Crop(g, c, crop, (left + inset, top + inset)))
    return crops


def mosaic(crops: list[Crop], page_width: int) -> tuple[np.ndarray, list[tuple[int, int]], list[tuple[int, int]]]:
    """The crops stacked on a white page; returns it, each crop's vertical band (top, bottom) and each crop's
    left and top in it."""
    pad = max(12, int(PAD * page_width))
    width = max(c.image.shape[1] for c in crops) + 2 * pad
    height = sum(c.image.shape[0] for c in crops) + pad * (len(crops) + 1)
    canvas = np.full((height, width), 255, dtype=np.uint8)
    bands = []
    places = []
    y = pad
    for crop in crops:
        h, w = crop.image.shape
        canvas[y : y + h, pad : pad + w] = crop.image
        bands.append((y - pad // 2, y + h + pad // 2))
        places.append((pad, y))
        y += h + pad
    return canvas, bands, places


def ocr_mosaic(
    crops: list[Crop], page_width: int, options: Options, psm: int
) -> list[dict[tuple[int, int, int], list]]:
    """One Tesseract run over the stacked crops: per crop, its words grouped by Tesseract's lines, their
    boxes moved from the mosaic to the crop's place on the page."""
    canvas, bands, places = mosaic(crops, page_width)
    run = run_tesseract(canvas, options, psm=psm)
    per_crop: list[dict[tuple[int, int, int], list]] = [{} for _ in crops]
    for word in parse_tsv(run.tsv):
        middle = word.top + word.height / 2
        for index, (top, bottom) in enumerate(bands):
            if top <= middle < bottom:
                (x, y), (left, top_) = places[index], crops[index].origin
                word = dataclasses.replace(word, left=word.left - x + left, top=word.top - y + top_)
                per_crop[index].setdefault((word.block, word.par, word.line), []).append(word)
                break
    return per_crop


def read_cells(gray: np.ndarray, grids: list[Grid], options: Options, page: int) -> dict[tuple[int, int], CellReading]:
    """{(table index, cell index): reading} for the non-empty cells of the page's tables. Cells the first
    pass (psm 4) leaves empty though they have ink, mostly a lone number ('2' in an STT column, which psm 4
    drops), get a second pass of their own with psm 6."""
    crops = cut_cells(gray, grids)
    if not crops:
        return {}
    per_crop = ocr_mosaic(crops, gray.shape[1], options, TABLE_PSM)
    missing = [i for i, groups in enumerate(per_crop) if not groups]
    if missing:
        again = ocr_mosaic([crops[i] for i in missing], gray.shape[1], options, RETRY_PSM)
        for i, groups in zip(missing, again):
            per_crop[i] = groups
    # the cells' lines as one text, a blank line between cells, for restoration
    line_words: list[list[TsvWord]] = []
    owners: list[int] = []
    words: list[Word] = []
    for index, groups in enumerate(per_crop):
        ordered = sorted(groups.values(), key=lambda ws: min(w.top for w in ws))
        for group in ordered:
            group.sort(key=lambda w: w.left)
            # a dash far left of its line's words is a speck at the cell's edge, not a list dash
            if len(group) > 1 and group[0].text in ("-", "–", "—", "_"):
                if group[1].left - group[0].right > 2.5 * max(group[1].height, 1):
                    group = group[1:]
            # rule remnants and specks read as a word of their own ('|', '.', '“')
            group = [w for w in group if not SPECK.fullmatch(w.text)]
            if not group:
                continue
            line_words.append(group)
            owners.append(index)
            for w in group:  # every word with its confidence: restoration weighs a change against it
                words.append(
                    Word(text=w.text, confidence=round(min(max(w.conf, 0) / 100, 1.0), 4), line=len(line_words))
                )
    raw = [" ".join(w.text for w in group) for group in line_words]
    lines = list(raw)
    changes: dict[int, list[tuple[str, str, float]]] = {}
    if options.restore and lines:
        from ..restore import restore_page

        restored = restore_page("\n".join(lines), page, words=words, from_ocr=True)
        new = restored.text.split("\n")
        if len(new) == len(lines):
            # a mark or a number alone in its cell ('x', 'X', '12') is no syllable to restore ('x' → 'xã');
            # a line whose words restoration did not keep one for one keeps its reading
            lines = [
                old if len(old.strip()) <= 3 or len(line.split(" ")) != len(old.split(" ")) else line
                for old, line in zip(raw, new)
            ]
            for c in restored.corrections:
                if c.line is not None and lines[c.line - 1] != raw[c.line - 1]:
                    changes.setdefault(c.line - 1, []).append((c.original, c.corrected, c.confidence))
    readings: dict[int, CellReading] = {}
    for number, (group, line, owner) in enumerate(zip(line_words, lines, owners)):
        reading = readings.setdefault(owner, CellReading(text=""))
        for w, text in zip(group, line.split(" ")):
            word = CellWord(text=text, raw=w.text, conf=w.conf, box=(w.left, w.top, w.width, w.height))
            last = reading.words[-1] if reading.words and w is group[0] else None
            if last is not None and re.search(r"\S[-/]$", last.text) and not text.startswith("-"):
                # a word broken after '-' or '/' at the line's end ('57/2024/TT-' / 'BYT'): one word
                reading.words[-1] = joined(last, word)
            else:
                reading.words.append(word)
        reading.corrections += changes.get(number, [])
    out = {}
    for i, reading in readings.items():
        reading.text = " ".join(w.text for w in reading.words)
        if reading.text:
            out[(crops[i].grid, crops[i].cell)] = reading
    return out


def joined(first: CellWord, second: CellWord) -> CellWord:
    """Two pieces of a word broken at a line's end as one word, its box around both."""
    left = min(first.box[0], second.box[0])
    top = min(first.box[1], second.box[1])
    right = max(first.box[0] + first.box[2], second.box[0] + second.box[2])
    bottom = max(first.box[1] + first.box[3], second.box[1] + second.box[3])
    return CellWord(
        text=first.text + second.text,
        raw=first.raw + second.raw,
        conf=min(first.conf, second.conf),
        box=(left, top, right - left, bottom - top),
    )
