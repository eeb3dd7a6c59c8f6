"""Signers' names and titles that OCR garbled under seals and signatures, repaired against tables.

A name is repaired word by word against Vietnamese family names and given-name syllables
(``data/names.tsv``, built by ``tools/build_name_table.py``): the first word against family names ("Kguyễn",
"Âguyên" → "Nguyễn"; "rần" → "Trần"; "Trân" → "Trần"), the others against given names ("Viêt" → "Việt",
"Hiên" → "Hiền"). Only on strong evidence: the word read is not a name syllable and is misspelt, lost its first
letter, or differs from one name only by its marks, and one candidate is clearly the likeliest (fewest letters
changed, then the commoner name). A name syllable read as another name syllable ("Tuân" for "Tuấn") is left as
read: nothing in the text says which is right.

A title (the position line) is repaired against the titles officials sign with: marks lost ("PHO CHANH VAN
PHONG"), one or two letters garbled ("1Ó CHỦ TỊCH"), or a stray word before it ("GẦN CHỦ TỊCH").
Every repair is returned with a note for the record's warnings.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from rapidfuzz.distance import Levenshtein

from diacritics.lexicon import is_syllable
from diacritics.phonology import canonical

from .lines import collapse, fold


@lru_cache(maxsize=1)
def name_table() -> tuple[dict[str, int], dict[str, int]]:
    """(family names, given-name syllables): canonical lowercase syllable → tier (1 commonest)."""
    family: dict[str, int] = {}
    given: dict[str, int] = {}
    text = resources.files("pipeline.parse").joinpath("data", "names.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        syllable, kind, tier = line.split("\t")
        (family if kind == "family" else given)[syllable] = int(tier)
    return family, given


def candidate(word: str, table: dict[str, int], max_fold: int, max_tier: int = 3) -> str | None:
    """The name in ``table`` the word most likely is: fewest letters apart on the accent-free key (at most
    ``max_fold``), then the commonest, then the fewest marks apart; None when two are equally likely. A word
    that begins in lower case lost its first letters ("rần", "guyen"): only names ending with it count."""
    key = fold(word.lower())
    lower = canonical(word.lower())
    truncated = word[:1].islower()
    scored = []
    for name, tier in table.items():
        if tier > max_tier:
            continue
        name_key = fold(name)
        if truncated:
            distance = len(name_key) - len(key) if name_key.endswith(key) and name_key != key else 9
        else:
            distance = Levenshtein.distance(key, name_key, score_cutoff=max_fold)
        if distance <= max_fold:
            scored.append((distance, tier, Levenshtein.distance(lower, name), name))
    if not scored:
        return None
    scored.sort()
    best = scored[0]
    if len(scored) > 1 and scored[1][:2] == best[:2]:
        return None
    return best[3]


def with_case(name: str, like: str) -> str:
    """``name`` written in the case of ``like`` (all capitals, or a capital first letter)."""
    if like.isupper() and len(like) > 1:
        return name.upper()
    return name[:1].upper() + name[1:]


def repair_word(word: str, first: bool) -> str | None:
    """The repaired spelling of one word of a name, or None when it stays as read. The first word is a family
    name: one of a small closed set, so a word of the same letters with other marks is taken for the common
    family name it resembles ("Trân" → "Trần", "Hỗ" → "Hồ"). Other words only when misspelt ("Viêt" → "Việt"):
    given names are too many for a table to rule out one it lacks ("Luận")."""
    family, given = name_table()
    lower = canonical(word.lower())
    known = family if first else {**family, **given}  # a middle name may be a family name ("Hà Thị Lê Vân")
    if lower in known or len(fold(word)) < 2:
        return None
    if word[:1].islower():
        # its first letters lost: "rần" → "Trần", "guyen" → "Nguyễn"; two letters left ("an") fit too many names
        found = candidate(word, known, 2) if len(fold(word)) >= 3 else None
    elif not is_syllable(word):
        found = candidate(word, known, 1)  # a letter misread: "Kguyễn", "Âguyên", "Viêt"
    elif first:
        found = candidate(word, family, 0, max_tier=2)  # the same letters, other marks: "Trân" → "Trần"
    else:
        found = None
    return with_case(found, word) if found else None


# Military and police ranks printed before a signer's name ("Trung tá Đỗ Minh Khang")
RANKS = {f"{grade} {rank}" for grade in ("thieu", "trung", "thuong", "dai") for rank in ("uy", "ta", "tuong")}


def repair_name(name: str) -> tuple[str, str | None]:
    """(the name, a note) with its words repaired against the name tables; the note is None when unchanged."""
    words = collapse(name).split()
    # the first word may have lost its first letter to a digit or mark ("2ê Văn Lợi"): the table repairs it
    letters = (
        [words[0][1:] if len(words[0]) > 1 and not words[0][0].isalpha() else words[0], *words[1:]] if words else []
    )
    if not 2 <= len(words) <= 5 or not all(w.replace("'", "").replace("’", "").isalpha() for w in letters):
        return name, None
    rank: list[str] = []
    if len(words) > 3 and fold(" ".join(words[:2]).lower()) in RANKS:
        rank, words = words[:2], words[2:]
    family, _ = name_table()
    first = repair_word(words[0], True) or words[0]
    if canonical(first.lower()) not in family:
        return name, None  # not a family name of the table ("Ksor Y Moan"): the given-name table does not apply
    out = rank + [first] + [repair_word(word, False) or word for word in words[1:]]
    repaired = " ".join(out)
    if repaired == collapse(name):
        return name, None
    return repaired, f"signer: OCR read {name!r}, repaired to {repaired!r} (family and given names table)"


# Titles officials sign with (Decree 30 and the Party's forms), in capitals as printed.
TITLES = [
    f"{modifier}{title}"
    for title in (
        "CHỦ TỊCH",
        "BÍ THƯ",
        "GIÁM ĐỐC",
        "TỔNG GIÁM ĐỐC",
        "CHÁNH VĂN PHÒNG",
        "TRƯỞNG BAN",
        "TRƯỞNG PHÒNG",
        "TRƯỞNG TIỂU BAN",
        "BỘ TRƯỞNG",
        "THỦ TƯỚNG",
        "CỤC TRƯỞNG",
        "VỤ TRƯỞNG",
        "VIỆN TRƯỞNG",
        "HIỆU TRƯỞNG",
        "CHÁNH ÁN",
        "CHÁNH THANH TRA",
        "TỔNG CỤC TRƯỞNG",
        "CHI CỤC TRƯỞNG",
        "CHỦ NHIỆM",
        "TRƯỞNG ĐOÀN",
        "TỔ TRƯỞNG",
        "ĐỘI TRƯỞNG",
        "CHỈ HUY TRƯỞNG",
        "TRƯỞNG CÔNG AN",
        "CHÍNH ỦY",
        "TƯ LỆNH",
        "GIÁM ĐỐC SỞ",
        "THỨ TRƯỞNG",
        "THƯ KÝ",
        "CHỦ TRÌ",
        "ỦY VIÊN",
    )
    for modifier in ("", "PHÓ ")
    if not (modifier and title in ("THỨ TRƯỞNG", "THƯ KÝ", "CHỦ TRÌ", "ỦY VIÊN"))
]
TITLE_KEYS = {fold(title): title for title in TITLES}
MAX_TITLE_EDITS = 0.2  # share of a title's letters OCR may have garbled for it to be repaired


def repair_position(position: str) -> tuple[str, str | None]:
    """(the title, a note) repaired against the titles officials sign with; the note is None when unchanged."""
    flat = collapse(position)
    key = fold(flat)
    # a signature's or seal's marks before the title ("_s% „¿GIÁM ĐỐC"): capital words alone, edges trimmed
    capitals = [t.strip("".join(ch for ch in t if not ch.isalpha())) for t in flat.split()]
    capitals = [t for t in capitals if t and t.isupper()]
    found: str | None
    if capitals and len(capitals) < len(flat.split()) and fold(" ".join(capitals)) in TITLE_KEYS:
        found = TITLE_KEYS[fold(" ".join(capitals))]
    elif key in TITLE_KEYS:
        found = TITLE_KEYS[key]  # only marks lost: "PHO CHANH VAN PHONG"
    else:
        # a garbled title after a seal's marks ("<1 GHỦ TỊCH"): its capital words are compared, not the marks
        if capitals and len(capitals) < len(flat.split()) and len(capitals) >= 2:
            key = fold(" ".join(capitals))
        scored = sorted(
            (Levenshtein.distance(key, title_key), title)
            for title_key, title in TITLE_KEYS.items()
            if Levenshtein.distance(key, title_key) <= MAX_TITLE_EDITS * len(title_key)
        )
        unique = scored and (len(scored) == 1 or scored[1][0] > scored[0][0])
        found = scored[0][1] if unique else None  # "1Ó CHỦ TỊCH" → "PHÓ CHỦ TỊCH"
        words = flat.split()
        if found is None and len(words) >= 3:
            rest = fold(" ".join(words[1:]))
            if rest in TITLE_KEYS and fold(words[0]) not in ("pho", "quyen"):
                found = TITLE_KEYS[rest]  # "GẦN CHỦ TỊCH": a stray word (seal, signature) before the title
    if found is None or found == flat:
        return position, None
    return found, f"position: OCR read {position!r}, repaired to {found!r} (titles table)"
