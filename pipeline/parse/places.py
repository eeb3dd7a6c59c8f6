"""Place names in a document's header that OCR read with wrong marks, spelt right from the table of Vietnam's
provinces, districts and wards (``data/places.tsv``, built by ``tools/build_place_table.py`` from underthesea's
address table): "Tiên Giang" → "Tiền Giang", "Cân Thơ" → "Cần Thơ", "TINH QUANG NGAI" → "TỈNH QUẢNG NGÃI".

Only a name with the same letters as exactly one known place (the accent-free keys equal) is repaired, and in
an issuer's name only the words after an administrative unit (TỈNH, THÀNH PHỐ, HUYỆN, XÃ, PHƯỜNG …).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from .lines import collapse, fold

# administrative units as printed in issuers' names, by accent-free key
UNITS = {
    "tinh": "TỈNH",
    "thanh pho": "THÀNH PHỐ",
    "huyen": "HUYỆN",
    "quan": "QUẬN",
    "thi xa": "THỊ XÃ",
    "thi tran": "THỊ TRẤN",
    "xa": "XÃ",
    "phuong": "PHƯỜNG",
    "dac khu": "ĐẶC KHU",
}
MAX_PLACE_WORDS = 4


UNIT_LEVELS = {
    "tinh": (1,),
    "thanh pho": (1, 2),
    "huyen": (2,),
    "quan": (2,),
    "thi xa": (2,),
    "thi tran": (3,),
    "xa": (3,),
    "phuong": (3,),
    "dac khu": (2, 3),
}


@lru_cache(maxsize=1)
def place_spellings() -> dict[str, dict[str, int]]:
    """Accent-free key → {name as spelt: level (1 province, 2 district, 3 ward)}."""
    out: dict[str, dict[str, int]] = {}
    text = resources.files("pipeline.parse").joinpath("data", "places.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, level = line.split("\t")
            out.setdefault(fold(name), {})[name] = int(level)
    return out


def spelt(name: str, levels: tuple[int, ...] = (1, 2, 3)) -> str | None:
    """The place ``name`` is, spelt right: the one place of those ``levels`` whose letters are the same (None when
    there is none or more than one). A name spelt as some place is ("Hải Phong", a ward) stays as it is."""
    flat = collapse(name)
    names = place_spellings().get(fold(flat).lower(), {})
    if any(known.lower() == flat.lower() for known in names):
        return flat
    candidates = [known for known, level in names.items() if level in levels]
    return candidates[0] if len(candidates) == 1 else None


@lru_cache(maxsize=1)
def glued_places() -> dict[str, list[tuple[str, int]]]:
    """Accent-free key without spaces → [(name as spelt, level)]: a place OCR read without its spaces."""
    out: dict[str, list[tuple[str, int]]] = {}
    for key, names in place_spellings().items():
        for name, level in names.items():
            out.setdefault(key.replace(" ", "").lower(), []).append((name, level))
    return out


def without_stray_word(place: str) -> str | None:
    """A place with one stray lower-case word among its capitalised ones ('Hà an Nội', a speck read as letters):
    the one known place left when that word is dropped."""
    words = collapse(place).split()
    if len(words) < 3:
        return None
    found = set()
    for index, word in enumerate(words):
        others = words[:index] + words[index + 1 :]
        if word[:1].islower() and all(w[:1].isupper() for w in others):
            name = spelt(" ".join(others))
            if name is not None:
                found.add(name)
    return found.pop() if len(found) == 1 else None


def repair_place(place: str) -> tuple[str, str | None]:
    """(the place, a note) for the place printed before ', ngày …'."""
    found = spelt(place) or without_stray_word(place)
    if found is None or found == collapse(place):
        return place, None
    return found, f"place: OCR read {place!r}, repaired to {found!r} (places table)"


def unglued(words: list[str]) -> list[str]:
    """Capital words OCR glued together ('TỈNHLÂMĐÒNG'): an administrative unit and the one place of its level
    whose letters follow it, split apart (the place spelt as the table spells it); other words as they are."""
    out: list[str] = []
    for word in words:
        key = fold(word).lower()
        split = None
        if len(key) >= 7 and key.isalpha():
            for unit, unit_word in UNITS.items():
                unit_key = unit.replace(" ", "")
                if key.startswith(unit_key) and len(key) > len(unit_key) + 3:
                    names = [
                        n for n, level in glued_places().get(key[len(unit_key) :], []) if level in UNIT_LEVELS[unit]
                    ]
                    if len(set(names)) == 1:
                        split = [*unit_word.split(), *names[0].upper().split()]
                        break
        out.extend(split or [word])
    return out


def repair_body_name(name: str) -> tuple[str, str | None]:
    """(the name, a note) for an issuing body's name in capitals: each administrative unit and the place after it
    (up to the next unit or the end) spelt right ('ỦY BAN NHÂN DÂN TINH QUANG NGAI' → '… TỈNH QUẢNG NGÃI')."""
    if not collapse(name).isupper():
        return name, None
    words = unglued(collapse(name).split())
    keys = [fold(word).lower() for word in words]
    units: list[tuple[int, int]] = []  # (start, length) of each unit word
    index = 0
    while index < len(words):
        length = next((n for n in (2, 1) if " ".join(keys[index : index + n]) in UNITS), 0)
        if length:
            units.append((index, length))
        index += length or 1
    out = list(words)
    for number, (start, length) in enumerate(units):
        after = start + length
        end = units[number + 1][0] if number + 1 < len(units) else len(words)
        if not 0 < end - after <= MAX_PLACE_WORDS:
            continue
        unit = " ".join(keys[start:after])
        found = spelt(" ".join(words[after:end]), UNIT_LEVELS[unit])
        if found is not None:
            out[start:after] = UNITS[unit].split()
            out[after:end] = found.upper().split()
    repaired = " ".join(out)
    if repaired == collapse(name):
        return name, None
    return repaired, f"issuer: OCR read {name!r}, repaired to {repaired!r} (places table)"
