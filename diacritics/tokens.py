"""Tokens of a line and what can be told of them without the model's candidates: words and their punctuation,
acronyms, codes and numbers that are never changed, headings, English lines, look-alike garble.
Shared by every channel (``channels``) and the engine."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .model import LanguageModel
from .phonology import key_of
from .repairs import horn_reading

WORD_RE = re.compile(r"[^\W\d_]+")
MARKED_RE = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE)
ROMAN_RE = re.compile(r"^[IVXLC]+$")
_CONS = "bcdghklmnpqrstvx"
FOREIGN_CLUSTER_RE = re.compile(f"(?!ch|gh|kh|ng|nh|ph|qu|th|tr)[{_CONS}][{_CONS}]")
ROMANISH_RE = re.compile(r"[IVXl1|]*[IVX][IVXl1|]*")
SPLIT_RE = re.compile(r"^(\W*?)(\w(?:.*\w)?|)(\W*)$", re.S)
# English-model OCR reads marked letters as look-alike symbols ('x&' xử, 'k¥' kỹ, '@t' đột, '$0' số): in a text
# judged garbled these stay in the token's core when attached to letters/digits (see ``tokenize_line``).
LOOKALIKE_SYMBOLS = "$@&¥§¢"
_WORDISH = rf"[\w{re.escape(LOOKALIKE_SYMBOLS)}]"
_NOT_WORDISH = rf"[^\w{re.escape(LOOKALIKE_SYMBOLS)}]"
SPLIT_GARBLED_RE = re.compile(rf"^({_NOT_WORDISH}*?)({_WORDISH}(?:.*{_WORDISH})?|)({_NOT_WORDISH}*)$", re.S)
NUMBER_FIELD_RE = re.compile(r"\s*[^\W\d_][^\W_]{1,3}:(?=\d)")  # 'So:36', 'S6:36' opening a line: 'Số:' + number
STRIPPED_SHARE = 0.12  # below this share of marked words, the text is taken as stripped of diacritics
STRIPPED_KEY_SHARE = 0.6  # … and at least this share of words are Vietnamese syllables (with or without marks)
GARBLE_RE = re.compile(r"[^\W_]+")  # letters and digits only: a token the OCR channel may have garbled
APOSTROPHE_WORD_RE = re.compile(r"[^\W\d_]+(?:['’?][^\W\d_]+)+")  # 'thi’c', "THU'C", 'chi?c'
CODE_PART_RE = re.compile(r"[^\W\d_][-/]|[-/][^\W\d_]")  # letters joined to a code by '-' or '/'


@dataclass
class Token:
    line: int  # 0-based
    start: int  # offset of the core in the line
    core: str  # the token without surrounding punctuation
    lead: str
    trail: str
    is_word: bool  # letters only
    fixed: bool = False  # repaired before decoding (a section label, an acronym): the decoder leaves it
    word: int = 0  # index of its whitespace-separated word in the line (OCR word confidences are given so)
    confidence: float | None = None  # the OCR's confidence in the word (0–1), when the caller gave one
    # per character of ``core``: the OCR's other readings with their confidences ((char, 0–1), …), if given
    alternatives: tuple = ()


@dataclass(frozen=True)
class Change:
    line: int  # 0-based
    column: int
    original: str
    corrected: str
    confidence: float
    context: int = 0  # syllables next to it in the decoded chain (0–2): how much the model's choice rests on


def tokenize_line(line: str, lineno: int, garbled: bool = False, symbols: str = "") -> list[Token]:
    """Whitespace tokens split into lead punctuation, core and trailing punctuation. With ``garbled`` the
    look-alike symbols ($ @ & ¥ § ¢) attached to letters or digits belong to the core ('x&,' → 'x&' + ',');
    a symbol standing alone ('&', '$$') is still punctuation; ``symbols`` names others that belong to a word
    between letters (Vietnamese-model OCR's '€' for ệ: 'Ngh€'). A short word glued by ':' to a number at the
    line's start ('So:36', 'S6:36': the number field) is two tokens, the word ending in ':'."""
    spans = [(k, m.start(), m.group(0)) for k, m in enumerate(re.finditer(r"\S+", line))]
    field = NUMBER_FIELD_RE.match(line)
    if field is not None:
        k, at, raw = spans[0]
        cut = field.end() - at
        spans[:1] = [(k, at, raw[:cut]), (k, at + cut, raw[cut:])]
    tokens = []
    for k, at, raw in spans:
        lead, core, trail = SPLIT_RE.match(raw).groups()  # type: ignore[union-attr]
        if garbled:
            wide = SPLIT_GARBLED_RE.match(raw).groups()  # type: ignore[union-attr]
            if re.search(r"\w", wide[1]):
                lead, core, trail = wide
        elif symbols and any(c in symbols for c in raw):
            letter = rf"(?:[^\W\d_]|[{re.escape(symbols)}])"
            inner = re.fullmatch(rf"([^\w{re.escape(symbols)}]*?)([^\W\d_]{letter}*)(\W*?)", raw)
            if inner is not None and any(c in symbols for c in inner.group(2)):
                lead, core, trail = inner.groups()
        tokens.append(
            Token(lineno, at + len(lead), core, lead, trail, bool(core) and bool(WORD_RE.fullmatch(core)), word=k)
        )
    return tokens


@lru_cache(maxsize=1 << 16)  # asked of every word of every line; words repeat
def is_marked(word: str) -> bool:
    return bool(MARKED_RE.search(word))


def text_is_stripped(lm: LanguageModel, tokens: list[Token], inventory: frozenset[str]) -> bool:
    """Few words carry marks and most words are accent-free syllable keys → the diacritics were stripped.
    (English or other foreign text fails the second test and is left alone.)"""
    keys = lm.forms
    words = [t.core for t in tokens if t.is_word and len(t.core) > 1]
    if not words:
        return False
    vietnamese = [w for w in words if is_marked(w) or w.lower() in keys]
    if len(vietnamese) < STRIPPED_KEY_SHARE * len(words):
        return False
    marked = sum(1 for w in vietnamese if is_marked(w))
    return marked / len(vietnamese) < STRIPPED_SHARE


def heading_line(lm: LanguageModel, tokens: list[Token]) -> bool:
    """Two or more all-caps words that are syllable keys: an uppercase heading, not a row of acronyms."""
    keys = lm.forms
    caps = [t for t in tokens if t.is_word and len(t.core) > 1 and t.core.isupper() and key_of(t.core) in keys]
    return len(caps) >= 2


def protected(tok: Token, heading: bool, first: bool = True, garbled: bool = False) -> bool:
    """Tokens never to change: acronyms, roman numerals, list markers (a), b.), anything with digits/codes.
    In an uppercase heading (or a garbled text) capitals that spell a syllable key are words ('BỘ', 'ĐƠN VỊ');
    a roman numeral stays when it opens the line or is followed by '.', ')' or ':' ('VI. TỔ CHỨC')."""
    core = tok.core
    if not tok.is_word or tok.fixed:
        return True
    if ROMAN_RE.match(core) and core.isupper() and (first or tok.trail[:1] in (".", ")", ":") or not heading):
        return True
    if len(core) > 1 and core.isupper() and not heading and not garbled:
        return True
    if len(core) == 1 and tok.trail[:1] in (")", ".") and not tok.lead:
        return True
    return False


def is_garble_like(tok: Token, symbols: bool = False) -> bool:
    """Letters mixed with look-alike digits ('s6', 'd6i', '1ap'), short enough to be one syllable;
    pure numbers and codes with '/', '-', '.' are not. With ``symbols`` (a text judged garbled) also
    look-alike symbols attached to a letter or digit ('x&', 'k¥', '@t', '$0') when the channel takes the
    token for a possible syllable; e-mail addresses and amounts with other punctuation are not."""
    core = tok.core
    if tok.is_word or len(core) > 8:
        return False
    if symbols and APOSTROPHE_WORD_RE.fullmatch(core):  # ư written u' i’ t’ i? ("THU'C", "thi’c", "chi?c")
        return horn_reading(core) is not None or channel_wordlike(core.replace("'", "’"))
    if GARBLE_RE.fullmatch(core):
        return any(c.isalpha() for c in core)
    if not symbols or not any(c in LOOKALIKE_SYMBOLS for c in core):
        return False
    rest = "".join(c for c in core if c not in LOOKALIKE_SYMBOLS)
    return bool(rest) and bool(GARBLE_RE.fullmatch(rest)) and channel_wordlike(core)


def channel_wordlike(token: str) -> bool:
    try:
        from .channel import is_wordlike
    except ImportError:
        return False
    return is_wordlike(token)


def looks_foreign(word: str) -> bool:
    """A word Vietnamese spelling cannot produce: f/j/w/z, or two consonants in a row that are not one of
    the digraphs (ch gh kh ng nh ph qu th tr gi ngh) — 'clip', 'startup', 'Zalo'."""
    low = key_of(word)
    if any(c in "fjwz" for c in low):
        return True
    return bool(FOREIGN_CLUSTER_RE.search(low))


# English words that no Vietnamese syllable spells (those that do, 'to', 'in', 'the', are dropped at run time).
ENGLISH_FUNCTION_WORDS = frozenset(
    """
the of and to in for from with by is was are were be been has have had will would should can could this that
these those it its we you your our their they he she his her which who what when where as at on or not but if
than then there here please about into after before over under between during through all any each more most
other some such only also just us me my dear regards
""".split()
)
ENGLISH_LINE_WORDS = 2  # a line with at least this many of them …
ENGLISH_LINE_SHARE = 0.2  # … making up at least this share of its words is English: left alone


def english_line(lm: LanguageModel, toks: list[Token]) -> bool:
    """An English sentence inside a Vietnamese document ('The delegation was led by Mr. Vuong'): its words
    are not OCR damage and stay as written."""
    words = [t.core.lower() for t in toks if t.is_word]
    hits = sum(1 for w in words if w in ENGLISH_FUNCTION_WORDS and w not in lm.forms)
    return hits >= ENGLISH_LINE_WORDS and hits >= ENGLISH_LINE_SHARE * len(words)
