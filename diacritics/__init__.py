"""diacritics: repair Vietnamese text whose diacritics were stripped or garbled by OCR.

Standalone library (imports nothing from ``pipeline``). Entry point: ``restore(text) -> Restored``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


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
    """Placeholder until the restoration engine lands (issue #3): returns the text unchanged."""
    return Restored(text=text, corrections=[])
