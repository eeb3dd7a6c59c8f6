"""diacritics: repair Vietnamese text whose diacritics were stripped or garbled by OCR.

Standalone library (imports nothing from ``pipeline``). Entry point: ``restore(text) -> Restored``; OCR text
with its word confidences: ``restore(text, words=[OcrWord(line, index, text, confidence), …])``.
Data (syllable inventory, n-gram counts) ships in ``diacritics/data`` and loads lazily on first use.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .phonology import strip_diacritics

__all__ = ["Correction", "OcrWord", "Restored", "restore", "strip_diacritics", "is_syllable", "load_model"]


@dataclass(frozen=True)
class OcrWord:
    """An OCR word and the confidence the OCR gave it: 1-based ``line`` of the text, ``index`` of the word among
    the line's whitespace-separated words (None: the first word of that line written as ``text`` not yet
    given), ``confidence`` 0–1."""

    line: int
    index: int | None
    text: str
    confidence: float
    # optional, per character of ``text``: Tesseract's other readings of it with their confidences 0–1
    # (``lstm_choice_mode=2``), e.g. for 'bồ': ((), (('ổ', 0.79), ('ố', 0.44)))
    alternatives: tuple = ()


@dataclass(frozen=True)
class Correction:
    line: int  # 1-based line in the input text
    column: int  # 0-based character offset of the token in that line
    original: str
    corrected: str
    confidence: float  # 0–1


@dataclass(frozen=True)
class Restored:
    text: str
    corrections: list[Correction] = field(default_factory=list)


def restore(
    text: str,
    *,
    from_ocr: bool | None = None,
    words: Iterable | None = None,
    only_suspicious: bool = False,
    low_confidence: Iterable[tuple[int, str]] = (),
) -> Restored:
    """Repair diacritics. Same lines out as in; only words change, never spacing, punctuation or codes (a digit
    OCR read as a letter inside a number is repaired: 'I4' → '14').

    The damage decides the channel (one decoder, one language model): text stripped of its marks is re-decoded
    word by word; English-model OCR garble ('Nghi quyét s6') is corrected through the garble channel; text from
    Tesseract's Vietnamese model (``from_ocr``, or ``words`` given) is corrected through the OCR channel, where
    a valid word with wrong marks ('khân trương') changes only when the context makes the other form sure;
    other text with marks passes, only its invalid words repaired.

    ``words``: the OCR's words with their confidences, as ``OcrWord`` (or tuples: 1-based line, index of the word
    among the line's whitespace-separated words or None to find it by its text, the word as read, confidence
    0–1). Words not given count as read with ordinary confidence. ``only_suspicious`` is the old name of
    ``from_ocr``; ``low_confidence`` the old way to name low-confidence words: (1-based line, word) pairs.
    """
    if not text.strip():
        return Restored(text=text, corrections=[])
    from .engine import restore_text

    new_text, changes = restore_text(
        text, only_suspicious=only_suspicious, low_confidence=low_confidence, words=words, from_ocr=from_ocr
    )
    corrections = [Correction(c.line + 1, c.column, c.original, c.corrected, c.confidence) for c in changes]
    return Restored(text=new_text, corrections=corrections)


def is_syllable(token: str) -> bool:
    """True when ``token`` (any case, either tone placement) is a valid Vietnamese syllable."""
    from .lexicon import is_syllable as _is_syllable

    return _is_syllable(token)


def load_model():
    """Load (once) and return the language model; call early to keep the first restore() fast."""
    from .model import load_model as _load

    return _load()
