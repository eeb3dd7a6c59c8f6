"""diacritics: repair Vietnamese text whose diacritics were stripped or garbled by OCR.

Standalone library (imports nothing from ``pipeline``). Entry point: ``restore(text) -> Restored``.
Data (syllable inventory, n-gram counts) ships in ``diacritics/data`` and loads lazily on first use.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .phonology import strip_diacritics

__all__ = ["Correction", "Restored", "restore", "strip_diacritics", "is_syllable", "load_model"]


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


def restore(text: str, *, only_suspicious: bool = False, low_confidence: Iterable[tuple[int, str]] = ()) -> Restored:
    """Repair diacritics. Same lines out as in; only words change, never spacing, punctuation, numbers or codes.

    ``only_suspicious`` (for text from Vietnamese-model OCR): touch only tokens that are not valid syllables or
    appear in ``low_confidence`` as (1-based line, word) pairs. Otherwise the damage kind is detected: stripped
    text is re-decoded word by word; lines with invalid or look-alike tokens are corrected; correct text passes.
    """
    if not text.strip():
        return Restored(text=text, corrections=[])
    from .engine import restore_text

    new_text, changes = restore_text(text, only_suspicious=only_suspicious, low_confidence=low_confidence)
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
