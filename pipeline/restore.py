"""Stage 4, restore: repair diacritics in a page's text with the standalone ``diacritics`` library,
and turn its corrections into the record's audit trail (page, line, original, corrected, confidence)."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Correction, Word


@dataclass(frozen=True)
class RestoredPage:
    text: str
    corrections: list[Correction]


def restore_page(text: str, page: int | None, *, words: list[Word] | None = None, from_ocr: bool = False) -> RestoredPage:
    """Repair one page. ``from_ocr`` with ``words`` (the low-confidence ones) limits changes to
    invalid or low-confidence tokens, because the Vietnamese OCR model is usually right."""
    import diacritics

    low_conf = [(w.line, w.text) for w in (words or []) if w.line is not None]
    result = diacritics.restore(text, only_suspicious=from_ocr, low_confidence=low_conf)
    corrections = [
        Correction(page=page, line=c.line, original=c.original, corrected=c.corrected, confidence=round(c.confidence, 4))
        for c in result.corrections
    ]
    return RestoredPage(text=result.text, corrections=corrections)
