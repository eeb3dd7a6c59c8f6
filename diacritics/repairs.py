"""Repairs of English-model OCR damage that the syllable decoder cannot make on its own, each narrow and
checked against a list or the document's form (used by ``engine``; every repair is reported as a correction):

- section labels: 'I1.'/'Il.' at the start of an upper-case heading line is 'II.' (the English model reads the
  Roman numeral's I as 1 or l);
- horn apostrophes: "THU'C" is THỰC — the model writes ư/ơ as u/o followed by an apostrophe;
- barred acronyms: 'HDND' is HĐND, 'QD' in '1169/QD-TTg' is QĐ — only to an acronym of the shipped list
  (``lexicon.acronyms``) that has Đ where the token has a look-alike, never when the token itself is a known
  acronym ('HD' hướng dẫn, 'DA' dự án stay);
- acronyms as context: a known acronym stands in the decoder's chain for the syllables it abbreviates
  ('UBND phuong' is read as after 'nhân dân');
- names: a capitalised run of syllables (a place or person's name) restored two ways in one document takes
  the form most of its occurrences got; the signer's name line prefers family names.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import acronyms
from .phonology import canonical, key_of, remove_tone

# ------------------------------------------------------------------ section labels
ROMAN_NUMERAL_RE = re.compile(r"^(?=[IVX])X{0,3}(IX|IV|V?I{0,3})$")
ROMAN_LOOKALIKES = "1l|"  # what the English model writes for a Roman numeral's I
LABEL_CONFIDENCE = 0.95  # an upper-case heading after 'N.' at a line start is a section: the I is certain


def roman_label(core: str, trail: str, rest: list[str]) -> str | None:
    """'I1' + '.' + ['NOI', 'DUNG', …] → 'II': a garbled Roman numeral opening a line, followed by '.' or ')'
    and an upper-case heading of at least two words. None when the token is not such a label."""
    if trail[:1] not in (".", ")") or not any(c in ROMAN_LOOKALIKES for c in core):
        return None
    fixed = "".join("I" if c in ROMAN_LOOKALIKES else c for c in core)
    if not ROMAN_NUMERAL_RE.match(fixed) or not any(c in "IVX" for c in core):
        return None
    words = [w for w in rest if any(c.isalpha() for c in w)]
    if len(words) < 2 or not all(upper_word(w) for w in words[:4]):
        return None
    return fixed


def upper_word(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= len(letters) - (len(letters) > 3)


# ------------------------------------------------------------------ horn apostrophes
HORN_RE = re.compile(r"(?:[^\W\d_]|(?<=[UuOo])['’])+")
HORN_OF = {"U": "Ư", "u": "ư", "O": "Ơ", "o": "ơ"}


def horn_reading(core: str) -> tuple[str, tuple[int, ...]] | None:
    """ "THU'C" → ('THƯC', (2,)): the token with u'/o' read as ư/ơ and the positions of those letters.
    None unless the token is letters with apostrophes right after u or o."""
    if "'" not in core and "’" not in core or not HORN_RE.fullmatch(core) or core[-1] in "'’" and len(core) < 3:
        return None
    out: list[str] = []
    where: list[int] = []
    for c in core:
        if c in "'’":
            out[-1] = HORN_OF[out[-1]]
            where.append(len(out) - 1)
        else:
            out.append(c)
    return "".join(out), tuple(where)


def horn_forms(forms: tuple[str, ...], where: tuple[int, ...]) -> list[str]:
    """The syllables (same accent-free key) that have ư/ơ at every horn position."""
    return [f for f in forms if len(f) > max(where) and all(remove_tone(f[i]) in "ươ" for i in where)]


# ------------------------------------------------------------------ acronyms
D_LOOKALIKES = "DdPBb"  # what the English model writes for Đ (a D without its bar, or a broken stroke)
ACRONYM_CONFIDENCE = 0.9  # a listed acronym the token spells once its D is barred
SHORT_ACRONYM_CONFIDENCE = 0.8  # … a two-letter one, only next to another acronym or inside a code


@lru_cache(maxsize=1)
def barred_acronyms() -> dict[int, tuple[str, ...]]:
    """Listed acronyms with Đ, by length."""
    out: dict[int, list[str]] = {}
    for a in acronyms():
        if "Đ" in a:
            out.setdefault(len(a), []).append(a)
    return {n: tuple(v) for n, v in out.items()}


def known_acronym(token: str) -> bool:
    return token in acronyms()


def barred_acronym(token: str, beside_acronym: bool, syllable_key: bool) -> str | None:
    """'HDND' → 'HĐND'; 'bU' → 'ĐU' next to another acronym. The token must spell exactly one listed Đ-acronym
    with each Đ read as one of D d P B b, must not be a known acronym itself, and when it is short (two
    letters) or spells a syllable ('DU') it must stand beside an acronym or inside a code."""
    spelled = barred_spelling(token)
    if spelled is None or (len(token) == 2 or syllable_key) and not beside_acronym:
        return None
    return spelled


def barred_spelling(token: str) -> str | None:
    """The one listed Đ-acronym ``token`` spells with each Đ read as one of D d P B b, if it is not a known
    acronym itself; None otherwise. Cheap: callers test it before working out a token's neighbours."""
    if not 2 <= len(token) <= 9 or known_acronym(token) or not any(c in D_LOOKALIKES for c in token):
        return None
    fits = [a for a in barred_acronyms().get(len(token), ()) if spells(token, a)]
    return fits[0] if len(fits) == 1 else None


def spells(token: str, acronym: str) -> bool:
    changed = False
    for t, a in zip(token, acronym):
        if t == a:
            continue
        if a == "Đ" and t in D_LOOKALIKES:
            changed = True
            continue
        return False
    return changed


def acronym_like(token: str) -> bool:
    """Capitals (two or more letters, maybe one lower-case as in 'TTg'): an acronym's shape."""
    letters = [c for c in token if c.isalpha()]
    return len(letters) >= 2 and len(letters) == len(token) and sum(c.isupper() for c in letters) >= len(letters) - 1


def acronym_expansion(token: str) -> tuple[str, ...]:
    """The syllables a known acronym stands for ('UBND' → ủy ban nhân dân), () if unknown."""
    expansion = acronyms().get(token, "")
    return tuple(expansion.split()) if expansion else ()


# ------------------------------------------------------------------ names
# The commonest Vietnamese family names (together well over 90 % of the population); in a signer's name line
# the first syllable is one of them far more often than the channel alone would guess.
FAMILY_NAMES = frozenset(
    """
nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đào đoàn vương trịnh trương lâm phùng
mai tô hà đinh lưu tạ cao chu lương quách thái kiều lại la hứa triệu mạc diệp thân tăng từ văn
""".split()
)
# Nats added to a family name's score on the signer's line: the language model knows these syllables from
# running text, where 'nguyễn' is ~30 times rarer than 'quyền'; on a name line's first word the odds are reversed.
FAMILY_NAME_BONUS = 6.0
NAME_SYLLABLE_BONUS = 1.5  # … for a later word of the name that is also a family-name syllable (Văn, Vương)
NAME_VOTE_MIN = 2  # a name's form must be given by at least this many occurrences to win the vote


def name_like(core: str) -> bool:
    """A capitalised word (Title or CAPS) of letters only."""
    return core[:1].isupper() and core.isalpha()


def name_key(forms: list[str]) -> tuple[str, ...]:
    return tuple(key_of(f) for f in forms)


def vote_forms(occurrences: list[tuple[str, ...]]) -> tuple[tuple[str, ...], float] | None:
    """The canonical form tuple most occurrences have and its share, if it clearly wins (strictly more than
    any other and at least NAME_VOTE_MIN); None otherwise."""
    counts: dict[tuple[str, ...], int] = {}
    for occ in occurrences:
        c = tuple(canonical(f) for f in occ)
        counts[c] = counts.get(c, 0) + 1
    if len(counts) < 2:
        return None
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    (best, n), (_, second) = ranked[0], ranked[1]
    if n < NAME_VOTE_MIN or n == second:
        return None
    return best, n / len(occurrences)


# ------------------------------------------------------------------ numbers
NUMBER_RUN_RE = re.compile(r"(?<![^\W\d_])[0-9IlO|]+(?![^\W\d_])")
DIGIT_OF = {"I": "1", "l": "1", "|": "1", "O": "0"}


def number_lookalikes(core: str) -> list[tuple[int, str, str]]:
    """(offset, run as read, run as digits) for each run of digits mixed with the letters OCR confuses with them
    (I l | for 1, O for 0) that stands apart from other letters: 'I4' → '14', 'COVID-I9' → 'I9' → '19'.
    Runs of only I, l, | and 1 stay: 'I1' is as likely a Roman II as 11."""
    out = []
    for m in NUMBER_RUN_RE.finditer(core):
        run = m.group(0)
        if (
            len(run) >= 2
            and any(c.isdigit() for c in run)
            and any(c in DIGIT_OF for c in run)
            and not set(run) <= set("Il|1")
        ):  # 'I1', 'Il': a Roman II as likely as 11
            out.append((m.start(), run, "".join(DIGIT_OF.get(c, c) for c in run)))
    return out
