"""Vietnamese syllable spelling: tones, accent-free keys, tone placement styles, case patterns.

Pure functions on strings; no data files. A syllable is written onset + vowel cluster + coda, with one tone
mark on one vowel. Two placement conventions exist for open syllables ending in oa/oe/uy:
"classic" (hòa, khỏe, thủy — what most administrative text uses) and "modern" (hoà, khoẻ, thuỷ).
Internally every syllable is kept in classic placement; output is converted to the input's style.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Combining tone marks (NFD) in the order used for tone numbers 1..5.
TONE_MARKS = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # huyền, sắc, hỏi, ngã, nặng
_TONE_OF_MARK = {m: i + 1 for i, m in enumerate(TONE_MARKS)}
# Marks that change the vowel's letter (â ê ô, ă, ơ ư): they stay when only the tone is removed.
SHAPE_MARKS = ("\u0302", "\u0306", "\u031b")

VOWELS = set("aăâeêioôơuưy")
ONSETS = (
    "ngh",
    "ch",
    "gh",
    "gi",
    "kh",
    "ng",
    "nh",
    "ph",
    "qu",
    "th",
    "tr",
    "b",
    "c",
    "d",
    "đ",
    "g",
    "h",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "x",
    "",
)
CODAS = ("ch", "ng", "nh", "c", "m", "n", "p", "t", "")
# Vowel clusters (toneless) that occur in Vietnamese rhymes; the coda (if any) follows.
# Glides i/y/o/u written at the end of a cluster act as codas (ai, ao, au, ay, oi, ui, iu, …).
VOWEL_CLUSTERS = frozenset(
    """
a ă â e ê i o ô ơ u ư y
ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi ua uâ uê ui uô uơ uy ưa ưi ươ ưu yê
oo oai oay oeo uây uôi uya uyê uyu ươi ươu yêu iêu
""".split()
)
# Clusters that cannot take a consonant coda (they already end in a glide or are open-only).
_OPEN_ONLY = frozenset(
    "ai ao au ay âu ây eo êu ia iu oi ôi ơi ui ưi ưu ưa ua oai oay oeo uây uôi uya uyu ươi ươu yêu iêu uơ".split()
)
# Clusters that need a consonant coda (iê/yê/uô/ươ/uyê/ă/â/oă/uâ never end a syllable).
_NEED_CODA = frozenset("ă â iê yê uô ươ uyê oă uâ oo".split())
_STOP_CODAS = ("c", "ch", "p", "t")

_SYLLABLE_RE = re.compile("^(" + "|".join(o for o in ONSETS if o) + ")?([aăâeêioôơuưy]+)(ch|ng|nh|c|m|n|p|t)?$")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def tone_of(syllable: str) -> int:
    """Tone number 0 (ngang) … 5 (nặng) of a syllable (first tone mark found)."""
    for ch in unicodedata.normalize("NFD", syllable):
        t = _TONE_OF_MARK.get(ch)
        if t:
            return t
    return 0


def remove_tone(text: str) -> str:
    """Drop tone marks, keep vowel shapes and đ: 'quyết' → 'quyêt'."""
    return nfc("".join(ch for ch in unicodedata.normalize("NFD", text) if ch not in _TONE_OF_MARK))


def strip_diacritics(text: str) -> str:
    """Drop every Vietnamese mark and turn đ into d: 'Quyết định' → 'Quyet dinh'. Keeps everything else."""
    out = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return nfc(out.replace("đ", "d").replace("Đ", "D"))


@lru_cache(maxsize=1 << 16)
def key_of(syllable: str) -> str:
    """Accent-free lowercase key used to look up candidate forms."""
    return strip_diacritics(syllable).lower()


def split_syllable(base: str) -> tuple[str, str, str] | None:
    """Split a toneless lowercase syllable into (onset, vowel cluster, coda), or None if it is not
    spelled like a Vietnamese syllable."""
    m = _SYLLABLE_RE.match(base)
    if not m:
        return None
    onset, vowels, coda = m.group(1) or "", m.group(2), m.group(3) or ""
    # The regex prefers "gi"/"qu" as onsets ("gia", "quý"); "gì"/"gin" fall back to g + i.
    if vowels not in VOWEL_CLUSTERS:
        return None
    if coda and vowels in _OPEN_ONLY:
        return None
    if not coda and vowels in _NEED_CODA:
        return None
    return onset, vowels, coda


def _tone_index(onset: str, vowels: str, coda: str, style: str) -> int:
    """Index inside ``vowels`` of the letter that carries the tone mark."""
    for i, v in enumerate(vowels):  # a shaped vowel takes the tone (ươ: on ơ)
        if v in "ăâêôơư":
            if vowels[i : i + 2] == "ươ":
                return i + 1
            return i
    if len(vowels) == 1:
        return 0
    if coda:
        return len(vowels) - 1
    if len(vowels) == 3:
        return 1
    if vowels in ("oa", "oe", "uy") and style == "modern":
        return 1
    return 0


def apply_tone(base: str, tone: int, style: str = "classic") -> str:
    """Put ``tone`` on a toneless lowercase syllable following the placement ``style``."""
    parts = split_syllable(base)
    if parts is None or tone == 0:
        return base
    onset, vowels, coda = parts
    i = len(onset) + _tone_index(onset, vowels, coda, style)
    decomposed = unicodedata.normalize("NFD", base[i]) + TONE_MARKS[tone - 1]
    return nfc(base[:i] + nfc(decomposed) + base[i + 1 :])


@lru_cache(maxsize=1 << 16)
def canonical(syllable: str) -> str:
    """Lowercase classic-placement form: 'Hoà' → 'hòa', 'THUỶ' → 'thủy'."""
    low = nfc(syllable.lower())
    tone = tone_of(low)
    if tone == 0:
        return low
    return apply_tone(remove_tone(low), tone, "classic")


def is_well_formed(syllable: str) -> bool:
    """True when a lowercase syllable is spelled by Vietnamese rules (stop codas need sắc or nặng)."""
    low = nfc(syllable.lower())
    base = remove_tone(low)
    parts = split_syllable(base)
    if parts is None:
        return False
    onset, vowels, coda = parts
    if coda in _STOP_CODAS and tone_of(low) not in (2, 5):
        return False
    if onset == "qu" and vowels[0] in "uo":
        return False
    # c/k/q spelling: k/gh/ngh before i e ê (y), c/g/ng elsewhere.
    front = vowels[0] in "ieêy"
    if onset in ("k", "gh", "ngh") and not front:
        return False
    if onset in ("c", "ng") and front and onset != "":
        return False
    if onset == "g" and vowels[0] in "eê":
        return False
    return True


def placement_style(syllables: list[str]) -> str | None:
    """'modern' or 'classic' if the given syllables show a style (oa/oe/uy open syllables), else None."""
    classic = modern = 0
    for s in syllables:
        low = nfc(s.lower())
        tone = tone_of(low)
        if tone == 0:
            continue
        base = remove_tone(low)
        parts = split_syllable(base)
        if parts is None or parts[2] or parts[1] not in ("oa", "oe", "uy"):
            continue
        if low == apply_tone(base, tone, "modern"):
            modern += 1
        elif low == apply_tone(base, tone, "classic"):
            classic += 1
    if modern > classic:
        return "modern"
    if classic > modern:
        return "classic"
    return None


def to_style(syllable: str, style: str) -> str:
    """Re-place the tone of a lowercase classic-form syllable in ``style``."""
    if style == "classic":
        return syllable
    tone = tone_of(syllable)
    if tone == 0:
        return syllable
    return apply_tone(remove_tone(syllable), tone, style)


@lru_cache(maxsize=1 << 16)  # called for every chosen form; tokens repeat
def case_pattern(token: str) -> str:
    """'upper', 'title', 'lower' or 'mixed' (letters only)."""
    letters = [c for c in token if c.isalpha()]
    if not letters:
        return "lower"
    if all(c.isupper() for c in letters):
        return "upper" if len(letters) > 1 else "title"
    if letters[0].isupper() and all(c.islower() for c in letters[1:]):
        return "title"
    if all(c.islower() for c in letters):
        return "lower"
    return "mixed"


def apply_case(form: str, original: str) -> str:
    """Give a lowercase ``form`` the letter case of ``original`` (same number of letters, per position if mixed)."""
    pattern = case_pattern(original)
    if pattern == "lower":
        return form
    if pattern == "upper":
        return form.upper()
    if pattern == "title":
        return form[:1].upper() + form[1:]
    # Mixed case in a word that needed repair is OCR noise ('PiCH' for ĐÍCH, 'cOng' for công: a capital O
    # read for ô): mostly capitals → upper, else the first letter decides.
    upper = sum(1 for c in original if c.isupper())
    if upper > len(original) - upper:
        return form.upper()
    return form[:1].upper() + form[1:] if original[:1].isupper() else form
