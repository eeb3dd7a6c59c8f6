"""Short lines of the page's right-hand column read again, one line at a time.

The signature block (TM./KT. line, position, signer's name) and other short centred lines at the right sit
under a seal's remains and across a handwritten signature. Tesseract's page segmentation (psm 3) reads them
among those marks: a stroke through a name splits its line in two ("—x< Văn „ Minh ," / "Đặng"), and the bold
type's marks get dropped ("Tuân" for "Tuấn", measured on the shared real scans). Read alone as one text line
(psm 7), the same crop comes out right in most cases.

A line's new reading is taken only when two readings of its crop, at two scales, agree with each other and
differ from the page's: one reading of a crop is no better evidence than the page's own. Each change is
returned for the record's corrections (page, line, what the page read, the new reading, its confidence).
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

import cv2
import numpy as np

from ..options import Options
from .layout import TsvWord, group_rows, is_real_word, letter_height, parse_tsv, split_row
from .tesseract import run_tesseract

STACK_PSM = 6  # the stacked crops are one block of lines
PAD_SHARE = 0.5  # white space above and below each stacked crop, as a share of the tallest crop
# A line is re-read when it lies in the page's right part (the signature block is centred in the right
# half: its lines start past ~45% of the width) and is short (a position, a name, "TM. ỦY BAN NHÂN DÂN").
MIN_LEFT_SHARE = 0.45
MIN_WORDS, MAX_WORDS = 2, 5  # words of two letters or more (a position, a name: never one word alone)
SCALES = (0.75, 1.0)  # two readings that must agree: the page at its scale and three quarters of it
DOUBTFUL_CONFIDENCE = 80.0  # a line with a word Tesseract read below this (0–100) is read again on any page
MAX_LINES = 12  # per page: a page of right-hand short lines (a form, a table's column) is not a signature block


@dataclass(frozen=True)
class Reread:
    before: str
    after: str
    confidence: float
    first_word: TsvWord  # the first word of the new reading (its line number is known once lines are ordered)


def letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def candidate_rows(words: list[TsvWord], width: int) -> list[list[TsvWord]]:
    """The short lines of the right-hand column: each visual row cut at its wide gaps (the signature block
    sits beside the "Nơi nhận" list), its right-hand pieces kept, and pieces that overlap in height joined
    (a name that a signature stroke split into two Tesseract lines)."""
    letter = letter_height(words)
    pieces = []
    for row in group_rows(words):
        for piece in split_row(row, 2.5 * letter):
            real = [w for w in piece if is_real_word(w.text)]
            if real and min(w.left for w in real) >= MIN_LEFT_SHARE * width:
                pieces.append(piece)
    pieces.sort(key=lambda p: min(w.top for w in p))
    joined: list[list[TsvWord]] = []
    for piece in pieces:
        if joined and overlap(joined[-1], piece) >= 0.5:
            joined[-1] = joined[-1] + piece
        else:
            joined.append(list(piece))
    chosen = []
    for line in joined:
        named = [w for w in line if is_real_word(w.text) and letters(w.text) >= 2]
        if MIN_WORDS <= len(named) <= MAX_WORDS:
            chosen.append(sorted(line, key=lambda w: w.left))
    return chosen if len(chosen) <= MAX_LINES else []


SUBJECT_MAX_ROWS = 4  # a subject runs over a few lines under the type name (each costs two Tesseract runs)
SUBJECT_MAX_GAP = 3.0  # letter heights between two of its lines (OCR's blank lines are narrower)
VV_LINE = re.compile(r"^\(?\s*[Vv]\s*/\s*[Vv]\b")


def row_key(row: list[TsvWord]) -> str:
    from ..parse.lines import fold, letters_only

    return letters_only(fold(text_of(row)))


def subject_rows(words: list[TsvWord], width: int) -> list[list[TsvWord]]:
    """The subject's lines: those under the type name ('QUYẾT ĐỊNH' / 'Về việc …', also the type name's own
    line when the subject begins on it: 'DANH SÁCH NHÂN SỰ …'), up to the body ('Căn cứ', 'Kính gửi' …); or a
    công văn's 'V/v …' lines in the left column. Tesseract reading the page misplaces marks in this bold type
    that it reads right line by line ('tuyên' for 'tuyến', 'TÍNH' for 'TỈNH', 'chuyên' for 'chuyển' on the real
    scans R18, R31, 13)."""
    from ..parse.header import BODY_START_KEYS, DOC_TYPES

    if not words:
        return []
    letter = letter_height(words)
    rows = sorted((sorted(r, key=lambda w: w.left) for r in group_rows(words)), key=lambda r: min(w.top for w in r))
    chosen: list[list[TsvWord]] = []
    for index, row in enumerate(rows):
        text = text_of(row)
        key = row_key(row)
        typed = next((t for t in DOC_TYPES if key == t or key.startswith(t + " ")), None)
        if typed is None or not text.isupper() or len(key) > 80:
            continue
        if key != typed:
            chosen.append(row)  # the subject begins on the type name's line
        bottom = max(w.bottom for w in row)
        for following in rows[index + 1 : index + 1 + SUBJECT_MAX_ROWS]:
            key = row_key(following)
            if any(key.startswith(k) for k in BODY_START_KEYS) or min(w.top for w in following) - bottom > (
                SUBJECT_MAX_GAP * letter
            ):
                break
            if chosen and text_of(following).isupper() != text_of(chosen[0]).isupper():
                break  # 'CHỦ TỊCH ỦY BAN NHÂN DÂN …' under a subject in lower case; a table's header under one in capitals
            chosen.append(following)
            bottom = max(w.bottom for w in following)
        break
    if chosen:
        return chosen
    for index, row in enumerate(rows):
        left = split_row(row, 2.5 * letter)[0]
        if not VV_LINE.match(text_of(left)) or max(w.right for w in left) > 0.6 * width:
            continue
        chosen.append(left)
        bottom = max(w.bottom for w in left)
        for following in rows[index + 1 : index + 4]:
            piece = split_row(following, 2.5 * letter)[0]
            if (
                max(w.right for w in piece) > 0.6 * width
                or min(w.top for w in piece) - bottom > SUBJECT_MAX_GAP * letter
            ):
                break
            chosen.append(piece)
            bottom = max(w.bottom for w in piece)
        break
    return [row for row in chosen if sum(1 for w in row if letters(w.text) >= 2) >= 2]


def marks_only(new: str, old: str) -> bool:
    """Two readings of a line with the same letters, digits and case, only marks apart ('tuyên' / 'tuyến')."""
    from ..parse.lines import fold

    return new != old and fold(new) == fold(old) and [c.isupper() for c in new] == [c.isupper() for c in old]


def overlap(a: list[TsvWord], b: list[TsvWord]) -> float:
    """The share of the lower of two lines' heights that they have in common (letters only, not stray marks)."""
    a = [w for w in a if is_real_word(w.text)] or a
    b = [w for w in b if is_real_word(w.text)] or b
    top = max(min(w.top for w in a), min(w.top for w in b))
    bottom = min(max(w.bottom for w in a), max(w.bottom for w in b))
    smaller = min(max(w.bottom for w in a) - min(w.top for w in a), max(w.bottom for w in b) - min(w.top for w in b))
    return max(0, bottom - top) / smaller if smaller > 0 else 0.0


@dataclass
class TesseractTime:
    """Seconds (wall, CPU) the re-reads spent in Tesseract: counted as Tesseract's time, not the stage's."""

    seconds: float = 0.0
    cpu_seconds: float = 0.0


def read_crops(
    crops: list[np.ndarray], scale: float, options: Options, spent: TesseractTime | None = None
) -> list[list[TsvWord]]:
    """Each crop's words (in the crop's pixels), from one Tesseract run over the crops stacked one above
    the other with white space between (one process start per page instead of one per line: ~0.25 s each)."""
    scaled = [
        cv2.resize(c, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC) if scale != 1.0 else c for c in crops
    ]
    pad = max(10, round(PAD_SHARE * max(c.shape[0] for c in scaled)))
    width = max(c.shape[1] for c in scaled) + 2 * pad
    slots: list[tuple[int, int]] = []  # top, bottom of each crop in the stack
    parts = []
    y = 0
    for crop in scaled:
        part = np.full((crop.shape[0] + 2 * pad, width), 255, dtype=np.uint8)
        part[pad : pad + crop.shape[0], pad : pad + crop.shape[1]] = crop
        parts.append(part)
        slots.append((y + pad, y + pad + crop.shape[0]))
        y += part.shape[0]
    run = run_tesseract(np.vstack(parts), options, psm=STACK_PSM)
    if spent is not None:
        spent.seconds += run.seconds
        spent.cpu_seconds += run.cpu_seconds or 0.0
    found = parse_tsv(run.tsv)
    per_crop: list[list[TsvWord]] = [[] for _ in crops]
    for word in found:
        middle = word.top + word.height / 2
        for index, (top, bottom) in enumerate(slots):
            if top - pad / 2 <= middle <= bottom + pad / 2:
                word.left = round((word.left - pad) / scale)
                word.top = round((word.top - top) / scale)
                word.width = round(word.width / scale)
                word.height = round(word.height / scale)
                per_crop[index].append(word)
                break
    return per_crop


SUBJECT_PSM = 7  # one text line


def read_lines_alone(
    crops: list[np.ndarray], scale: float, options: Options, spent: TesseractTime | None = None
) -> list[list[TsvWord]]:
    """Each crop read alone as one text line (psm 7), with the language model 'vie' alone when the page's
    languages hold it: on the real scans' bold subject lines the script model 'Vietnamese' beside it brought
    back the page's misplaced marks ('chuyên' for 'chuyển' on 13) that 'vie' alone reads right."""
    languages = options.lang.split("+")
    alone = options.model_copy(update={"lang": "vie"}) if "vie" in languages else options
    out = []
    for crop in crops:
        scaled = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale != 1.0 else crop
        pad = max(10, crop.shape[0] // 2)
        framed = cv2.copyMakeBorder(scaled, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
        run = run_tesseract(framed, alone, psm=SUBJECT_PSM)
        if spent is not None:
            spent.seconds += run.seconds
            spent.cpu_seconds += run.cpu_seconds or 0.0
        found = parse_tsv(run.tsv)
        for word in found:
            word.left = round((word.left - pad) / scale)
            word.top = round((word.top - pad) / scale)
            word.width = round(word.width / scale)
            word.height = round(word.height / scale)
        out.append(found)
    return out


def text_of(words: list[TsvWord]) -> str:
    return " ".join(w.text for w in sorted(words, key=lambda w: w.left))


def clean(text: str) -> str:
    """What two readings must share: the words' letters and digits, case and marks included; punctuation and
    stray marks aside (a reading that differs from the page's only in a dot is no reason to change it)."""
    keys = ("".join(ch for ch in token if ch.isalnum()) for token in text.split())
    return " ".join(k for k in keys if k)


def reread_short_lines(
    image: np.ndarray,
    words: list[TsvWord],
    options: Options,
    *,
    sealed: bool = False,
    spent: TesseractTime | None = None,
) -> tuple[list[TsvWord], list[Reread]]:
    """The page's words with its right-hand short lines replaced by their line-alone reading where two
    scales agree on it; and the changes. Only where there is reason to doubt the page's reading: on a page
    with a seal (``sealed``: its remains and the signature across it), or a line with a word read at low
    confidence; a clean page's signature block costs nothing (two Tesseract runs were +12% of a page)."""
    if image.ndim != 2 or not words:
        return words, []
    height_px, width_px = image.shape
    letter = letter_height(words)
    rows = [row for row in candidate_rows(words, width_px) if sealed or min(w.conf for w in row) < DOUBTFUL_CONFIDENCE]
    subjects = subject_rows(words, width_px)
    taken = {id(w) for row in rows for w in row}
    subjects = [row for row in subjects if not any(id(w) in taken for w in row)]
    subject_ids = {id(row[0]) for row in subjects}
    rows = rows + subjects
    if not rows:
        return words, []
    boxes = []
    for row in rows:
        top = max(0, round(min(w.top for w in row) - 0.3 * letter))
        bottom = min(height_px, round(max(w.bottom for w in row) + 0.3 * letter))
        left = max(0, round(min(w.left for w in row) - 1.0 * letter))
        right = min(width_px, round(max(w.right for w in row) + 1.0 * letter))
        boxes.append((left, top, right, bottom))
    crops = [image[top:bottom, left:right] for left, top, right, bottom in boxes]
    short = [i for i, row in enumerate(rows) if id(row[0]) not in subject_ids]
    lines = [i for i, row in enumerate(rows) if id(row[0]) in subject_ids]
    readings_by_scale: list[list[list[TsvWord]]] = [[[] for _ in rows] for _ in SCALES]
    for by_scale, scale in zip(readings_by_scale, SCALES):
        if short:
            for i, found in zip(short, read_crops([crops[i] for i in short], scale, options, spent)):
                by_scale[i] = found
        if lines:
            for i, found in zip(lines, read_lines_alone([crops[i] for i in lines], scale, options, spent)):
                by_scale[i] = found
    replaced: set[int] = set()
    added: list[TsvWord] = []
    changes: list[Reread] = []
    for index, row in enumerate(rows):
        left, top, _right, _bottom = boxes[index]
        readings = [by_scale[index] for by_scale in readings_by_scale]
        texts = [clean(text_of(r)) for r in readings]
        before = text_of(row)
        if not texts[0] or texts[0] != texts[1] or texts[0] == clean(before):
            continue
        if id(row[0]) in subject_ids:
            # a subject line changes only its marks: its letters, digits and case are the page's
            if not marks_only(texts[0], clean(before)):
                continue
        elif any(ch.isdigit() for ch in texts[0]) or any(
            len(token) >= 2 and any(ch.isdigit() for ch in token) for token in before.split()
        ):
            # numbers are never re-read: a handwritten serial or day stays as the page read it (a lone digit
            # beside a name is a signature's stroke, "# Văn M Minh 4")
            continue
        new = sorted(readings[0], key=lambda w: w.left)
        while new and not is_real_word(new[0].text):
            new = new[1:]  # stray marks at the crop's edges (a rule, a stroke's end), not the line's
        while new and not is_real_word(new[-1].text):
            new = new[:-1]
        row_left, row_right = min(w.left for w in row) - left, max(w.right for w in row) - left
        if min(w.left for w in new) < row_left - 0.5 * letter or max(w.right for w in new) > row_right + 0.5 * letter:
            continue  # it read ink beside the line (a neighbour's letters): the crop is not the line alone
        if sum(letters(w.text) for w in new) < 0.6 * sum(letters(w.text) for w in row if is_real_word(w.text)):
            continue  # the crop lost most of the line: keep the page's reading
        anchor = min(row, key=lambda w: w.left)
        row_top = round(statistics.median(w.top for w in row))
        row_height = round(statistics.median(w.height for w in row))
        for word in new:
            # the row's own height and place, so the page's lines are grouped as before
            word.left += left
            word.top, word.height = row_top, row_height
            word.block, word.par, word.line = anchor.block, anchor.par, anchor.line
        replaced.update(id(w) for w in row)
        added.extend(new)
        confidence = min(statistics.fmean(w.conf for w in r) for r in readings) / 100.0
        changes.append(
            Reread(
                before=before,
                after=text_of(new),
                confidence=round(min(max(confidence, 0.0), 1.0), 4),
                first_word=min(new, key=lambda w: w.left),
            )
        )
    if not changes:
        return words, []
    return [w for w in words if id(w) not in replaced] + added, changes
