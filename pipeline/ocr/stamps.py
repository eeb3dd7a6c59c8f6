"""Received stamps read on their own: the receiving office's register number and date.

A received stamp ("UBND TỈNH LÂM ĐỒNG / ĐẾN / Số: 17026 / Ngày: 23-10-2025 / Chuyển: …") is printed in red and
filled in by hand. The seal step (pipeline/seals.py) finds it as a compact red cluster wider than high and
keeps its ink out of the page's text; here its box is read alone from the page as loaded (psm 6), and kept as
what it is: a "received-stamp" overlay with its text, and ``Received`` (number, date) when the stamp says
"ĐẾN" and the number and date were read as digits at good confidence. The number and date are handwriting:
when they are read, the record says so in a warning (to be checked); when not, they are null and the stamp's
text is still recorded.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

import cv2
import numpy as np

from ..model import Received
from ..options import Options
from ..parse.lines import fold
from .layout import TsvWord, group_rows, parse_tsv
from .reread import TesseractTime
from .tesseract import run_tesseract

STAMP_PSM = 6
MIN_CONFIDENCE = 85.0  # Tesseract's word confidence (0–100) a handwritten number or date must reach
MIN_HEIGHT = 200  # px: a smaller crop is enlarged before reading (a 100-dpi scan's stamp is ~110 px high)

RECEIVED_MARK = re.compile(r"\bden\b")  # "ĐẾN", "CV ĐẾN", "CÔNG VĂN ĐẾN", folded
# matched on the folded text ("Số: 17026" → "so: 17026", "Ngày: 23-10-2025" → "ngay: 23-10-2025")
NUMBER = re.compile(r"\bs[o6]\s*[:.]?\s*(\d{1,7})\b")
DATE = re.compile(r"\bngay\s*[:.]?\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{2}|\d{4})\b")


@dataclass(frozen=True)
class StampReading:
    text: str
    received: Received | None  # when the stamp is a received stamp
    warning: str | None = None


def read_stamp(
    image: np.ndarray, box: tuple[int, int, int, int], options: Options, page: int, spent: TesseractTime | None = None
) -> StampReading:
    """The stamp in ``box`` (page pixels of ``image``, the page as loaded, gray or colour) read alone."""
    left, top, width, height = box
    crop = image[max(0, top) : top + height, max(0, left) : left + width]
    if crop.ndim == 3:
        crop = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    if crop.size == 0:
        return StampReading(text="", received=None)
    if crop.shape[0] < MIN_HEIGHT:
        factor = MIN_HEIGHT / crop.shape[0]
        crop = cv2.resize(crop, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    run = run_tesseract(crop, options, psm=STAMP_PSM)
    if spent is not None:
        spent.seconds += run.seconds
        spent.cpu_seconds += run.cpu_seconds or 0.0
    words = parse_tsv(run.tsv)
    text = "\n".join(" ".join(w.text for w in row) for row in group_rows(words)) if words else ""
    return interpret(text, words, page)


def interpret(text: str, words: list[TsvWord], page: int) -> StampReading:
    folded = fold(text)
    if not RECEIVED_MARK.search(folded):
        return StampReading(text=text, received=None)
    number = date = None
    unread = []
    found = NUMBER.search(folded)
    if found and confident(words, found.group(1)):
        number = found.group(1)
    else:
        unread.append("number")
    found_date = DATE.search(folded)
    if found_date and all(confident(words, part) for part in found_date.groups()):
        day, month, year = (int(part) for part in found_date.groups())
        year = year + 2000 if year < 100 else year
        if 1 <= month <= 12 and 1 <= day <= 31 and 1990 <= year <= 2100:
            date = f"{year:04d}-{month:02d}-{day:02d}"
    if date is None:
        unread.append("date")
    received = Received(number=number, date=date, text=text, page=page)
    read = [f"{name} {value}" for name, value in (("number", number), ("date", date)) if value]
    parts = []
    if read:
        parts.append(f"read by OCR from handwriting: {', '.join(read)} (check them)")
    if unread:
        parts.append(f"{' and '.join(unread)} not read")
    return StampReading(text=text, received=received, warning=f"received stamp on page {page}: " + "; ".join(parts))


def confident(words: list[TsvWord], digits: str) -> bool:
    """Whether the OCR words holding ``digits`` were read at good confidence (the lowest of them counts)."""
    holding = [w.conf for w in words if digits in re.sub(r"\D", "", w.text) or w.text.strip(":.-/") == digits]
    return bool(holding) and statistics.fmean(holding) >= MIN_CONFIDENCE and min(holding) >= MIN_CONFIDENCE - 10
