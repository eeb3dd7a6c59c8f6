"""Restoration across the blank lines OCR puts inside a paragraph (diacritics/engine.py continues_line)."""

from __future__ import annotations

import diacritics
from diacritics import OcrWord


def restored(text: str, confidence: float = 0.77) -> str:
    words = [
        OcrWord(line=number, index=None, text=word, confidence=confidence)
        for number, line in enumerate(text.split("\n"), start=1)
        for word in line.split()
    ]
    return diacritics.restore(text, from_ocr=True, words=words).text


def test_a_sentence_goes_on_across_one_blank_line_when_the_next_line_begins_in_lower_case():
    # R07 (UBND Điện Biên QĐ 339), its subject: '… được sửa đổi, bồ' / '' / 'sung trong lĩnh vực …'
    assert restored("được sửa đổi, bồ\n\nsung trong lĩnh vực") == "được sửa đổi, bổ\n\nsung trong lĩnh vực"


def test_a_capital_next_line_or_two_blank_lines_end_the_sentence():
    for text in ("được sửa đổi, bồ\n\nSung trong lĩnh vực", "được sửa đổi, bồ\n\n\nsung trong lĩnh vực"):
        assert restored(text) == text
