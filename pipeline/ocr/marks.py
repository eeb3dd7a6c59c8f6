"""Graphics that OCR read as symbols, kept out of the page's text.

A handwritten signature's strokes, a seal's remains and a stamp's frame come out of Tesseract as short runs
of symbols and stray letters ("“\"' quau——D—", "Í|", "v.*", "PP"), most at low confidence. A piece of a row
(the row cut at wide gaps, so such a run beside a recipients line is judged alone) is taken for a mark when
it holds no digit and no word (a Vietnamese syllable of two letters or more, or a known acronym) and Tesseract
read it at low confidence (a word read confidently in title case is a name, "ÊBan"). Marks are returned with their boxes, to be recorded as the page's overlays: they
leave the text, they are not lost. The
reading order is found with them (ocr/__init__.py), so taking them out never moves the page's lines.
"""

from __future__ import annotations

import statistics

from diacritics.lexicon import acronyms, is_syllable

from .layout import TsvWord, group_rows, letter_height, split_row

MAX_MARK_CONFIDENCE = 85.0  # mean word confidence (0–100): text Tesseract read confidently always stays


def is_word(token: str) -> bool:
    letters = "".join(ch for ch in token if ch.isalpha())
    if len(letters) < 2:
        return False
    return is_syllable(letters.lower()) or bool(acronyms().get(letters))


def is_proper_name(word: TsvWord) -> bool:
    """A confidently read word in title case that is no Vietnamese syllable: a name of the ethnic minorities'
    languages in a signature block ("H'Vi ÊBan", read "HˆVi EBan"; "Ksor", "Niê"), not a stroke."""
    letters = "".join(ch for ch in word.text if ch.isalpha())
    return (
        word.conf >= MAX_MARK_CONFIDENCE
        and len(letters) >= 3
        and letters[0].isupper()
        and sum(ch.islower() for ch in letters) >= 2
    )


def is_mark(piece: list[TsvWord]) -> bool:
    text = " ".join(w.text for w in piece)
    if any(ch.isdigit() for ch in text) or any(is_word(w.text) or is_proper_name(w) for w in piece):
        return False
    return statistics.fmean(w.conf for w in piece) < MAX_MARK_CONFIDENCE


def find_marks(words: list[TsvWord]) -> list[list[TsvWord]]:
    """The marks among the page's words: runs of words, left to right."""
    if not words:
        return []
    gap = 2.5 * letter_height(words)
    return [piece for row in group_rows(words) for piece in split_row(row, gap) if is_mark(piece)]
