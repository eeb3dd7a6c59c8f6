"""Whether a PDF page's text layer is usable Vietnamese text (the test the page decision and the loader share;
apart from pdf.py so that pdf_evidence.py, which pdf.py imports, needs nothing from it)."""

from __future__ import annotations

import re
import unicodedata

# A text layer is trusted when the page has at least this many letters, this share of its alphabetic
# tokens are well-formed Vietnamese syllables (legacy TCVN3/VNI font encodings and "(cid:NN)" debris
# fail this)...
TEXT_LAYER_MIN_LETTERS = 80


TEXT_LAYER_MIN_SYLLABLE_SHARE = 0.75


# ...and this share of them carry a Vietnamese mark (tone or ă â đ ê ô ơ ư): ~0.86 in real plans, ~0.2 in
# the layer an English-model OCR leaves on a Vietnamese scan ("Nghi quyét s6 57-NQ/TW ngay ...").
TEXT_LAYER_MIN_MARKED_SHARE = 0.5


# Vietnamese syllable shape once tone marks are removed: optional onset, 1–3 vowels, optional coda.
_SYLLABLE = re.compile(
    r"^(b|c|ch|d|đ|g|gh|gi|h|k|kh|l|m|n|ng|ngh|nh|p|ph|q|qu|r|s|t|th|tr|v|x)?"
    r"[aăâeêioôơuưy]{1,3}"
    r"(c|ch|m|n|ng|nh|p|t)?$"
)


_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def is_vietnamese_syllable(token: str) -> bool:
    decomposed = unicodedata.normalize("NFD", token.lower())
    tones = sum(1 for ch in decomposed if ch in _TONE_MARKS)
    if tones > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    return bool(_SYLLABLE.match(base))


def text_layer_is_usable(text: str) -> bool:
    if "(cid:" in text or "\ufffd" in text:
        return False
    letters = sum(1 for ch in text if ch.isalpha())
    if letters < TEXT_LAYER_MIN_LETTERS:
        return False
    tokens = re.findall(r"[^\W\d_]+", text)
    tokens = [
        t for t in tokens if not t.isupper() or len(t) <= 4 or is_vietnamese_syllable(t)
    ]  # drop acronyms like UBND
    if not tokens:
        return False
    well_formed = sum(1 for t in tokens if is_vietnamese_syllable(t)) / len(tokens)
    marked = sum(1 for t in tokens if any(ord(ch) > 127 for ch in t)) / len(tokens)
    return well_formed >= TEXT_LAYER_MIN_SYLLABLE_SHARE and marked >= TEXT_LAYER_MIN_MARKED_SHARE
