"""Restoration engine: tokenise each line, give every token its candidate forms, decode the syllable chains
with the trigram model (beam Viterbi), and write the chosen forms back in the input's case and tone style.

Damage kinds (see ``restore``):
- stripped: most words carry no marks → every toneless syllable is re-decoded from its accent-free key;
- garbled: a line has tokens that are not syllables (English-model OCR: "ciia", "s6", "Pang") → those tokens get
  candidates from the OCR channel and the key's forms; in a heavily garbled line valid-but-unlikely words too;
- correct text: left alone.
Around the decoder (``repairs``): section labels and acronyms repaired first, acronyms read as their expansion,
chains carried across wrapped lines, English lines left alone, a name's form voted per document, the signer's
line read as a name.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

from .channel import written_by_english_ocr
from .lexicon import syllables
from .decode import decode, local_confidence
from .model import LanguageModel, load_model
from .phonology import apply_case, canonical, key_of, placement_style, to_style
from .repairs import (ACRONYM_CONFIDENCE, FAMILY_NAME_BONUS, FAMILY_NAMES, LABEL_CONFIDENCE, NAME_SYLLABLE_BONUS,
                      SHORT_ACRONYM_CONFIDENCE, acronym_expansion, acronym_like, barred_acronym, barred_spelling,
                      horn_forms, horn_reading, known_acronym, name_key, name_like, roman_label, upper_word, vote_forms)

WORD_RE = re.compile(r"[^\W\d_]+")
MARKED_RE = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE)
ROMAN_RE = re.compile(r"^[IVXLC]+$")
_CONS = "bcdghklmnpqrstvx"
FOREIGN_CLUSTER_RE = re.compile(
    f"(?!ch|gh|kh|ng|nh|ph|qu|th|tr)[{_CONS}][{_CONS}]")
ROMANISH_RE = re.compile(r"[IVXl1|]*[IVX][IVXl1|]*")
SPLIT_RE = re.compile(r"^(\W*?)(\w(?:.*\w)?|)(\W*)$", re.S)
# English-model OCR reads marked letters as look-alike symbols ('x&' xử, 'k¥' kỹ, '@t' đột, '$0' số): in a text
# judged garbled these stay in the token's core when attached to letters/digits (see ``tokenize_line``).
LOOKALIKE_SYMBOLS = "$@&¥§¢"
_WORDISH = rf"[\w{re.escape(LOOKALIKE_SYMBOLS)}]"
_NOT_WORDISH = rf"[^\w{re.escape(LOOKALIKE_SYMBOLS)}]"
SPLIT_GARBLED_RE = re.compile(rf"^({_NOT_WORDISH}*?)({_WORDISH}(?:.*{_WORDISH})?|)({_NOT_WORDISH}*)$", re.S)
NUMBER_FIELD_RE = re.compile(r"\s*[^\W\d_][^\W_]{1,3}:(?=\d)")  # 'So:36', 'S6:36' opening a line: 'Số:' + number
BREAK_AFTER = set(".,;:!?)]}\"”…»")
BREAK_BEFORE = set("([{\"“«")
STRIPPED_SHARE = 0.12  # below this share of marked words, the text is taken as stripped of diacritics
STRIPPED_KEY_SHARE = 0.6  # … and at least this share of words are Vietnamese syllables (with or without marks)
FOREIGN_SHARE = 0.5  # under this share of possibly-Vietnamese words a text is foreign and left alone
GARBLED_SHARE = 0.08  # share of invalid word-like tokens from which a text is taken as OCR garble
MAX_CHANNEL_COST = 9.0  # channel proposals costlier than this are not considered (foreign words stay)
MAX_CHANNEL_COST_GARBLED = 12.0  # … in a text judged garbled, where most odd tokens are OCR damage
CHANNEL_LIMIT = 16  # candidates asked of the channel per token
KEY_FORM_COST = 1.0  # cost of reading a word as another tone/mark form of the same letters
STRAY_SYMBOL_COST = 2.0  # cost of reading a look-alike symbol at a word's edge as a speck ('nghé¢' → 'nghệ')
# A line that ends without punctuation is usually wrapped mid-sentence (scans, hard line breaks), not the end of
# a sentence: the decoder then takes </s> as only this likely, else the sentence goes on (see ``decode``).
LINE_END_SENTENCE_SHARE = 0.5
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


@dataclass(frozen=True)
class Change:
    line: int
    column: int
    original: str
    corrected: str
    confidence: float


def tokenize_line(line: str, lineno: int, garbled: bool = False) -> list[Token]:
    """Whitespace tokens split into lead punctuation, core and trailing punctuation. With ``garbled`` the
    look-alike symbols ($ @ & ¥ § ¢) attached to letters or digits belong to the core ('x&,' → 'x&' + ',');
    a symbol standing alone ('&', '$$') is still punctuation. A short word glued by ':' to a number at the
    line's start ('So:36', 'S6:36': the number field) is two tokens, the word ending in ':'."""
    spans = [(m.start(), m.group(0)) for m in re.finditer(r"\S+", line)]
    field = NUMBER_FIELD_RE.match(line)
    if field is not None:
        at, raw = spans[0]
        cut = field.end() - at
        spans[:1] = [(at, raw[:cut]), (at + cut, raw[cut:])]
    tokens = []
    for at, raw in spans:
        lead, core, trail = SPLIT_RE.match(raw).groups()  # type: ignore[union-attr]
        if garbled:
            wide = SPLIT_GARBLED_RE.match(raw).groups()  # type: ignore[union-attr]
            if re.search(r"\w", wide[1]):
                lead, core, trail = wide
        tokens.append(Token(lineno, at + len(lead), core, lead, trail, bool(core) and bool(WORD_RE.fullmatch(core))))
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


# ---------------------------------------------------------------- candidates
def channel_candidates(word: str) -> list[tuple[str, float]]:
    """OCR look-alike candidates from ``diacritics.channel`` (helper module; optional)."""
    try:
        from .channel import garble_candidates
    except ImportError:
        return []
    out = []
    for c in garble_candidates(word, CHANNEL_LIMIT):
        if isinstance(c, tuple):
            out.append((c[0], float(c[1])))
        else:
            out.append((c, 0.0))
    return out


def restore_text(text: str, only_suspicious: bool = False, low_confidence: Iterable[tuple[int, str]] = (),
                 model: LanguageModel | None = None) -> tuple[str, list[Change]]:
    lm = model or load_model()
    inventory = syllables()
    lines = text.split("\n")
    tokens_by_line = [tokenize_line(line, i) for i, line in enumerate(lines)]
    all_tokens = [t for toks in tokens_by_line for t in toks]
    style = placement_style([t.core for t in all_tokens if t.is_word and is_marked(t.core)]) or "classic"
    low = {(ln, w) for ln, w in low_confidence}
    mode = "suspicious" if only_suspicious else damage_kind(lm, all_tokens, inventory)
    if mode == "foreign":
        return text, []
    if mode == "garbled":  # look-alike symbols attached to letters are OCR'd marks, not punctuation
        tokens_by_line = [tokenize_line(line, i, garbled=True) for i, line in enumerate(lines)]
        # The English model can copy a modern 'hoá' (á is in its alphabet) but never a classic 'hóa' or 'thủy'
        # (it writes 'héa', 'thuy'): the marks it left are one-sided evidence, so garble gets the classic style.
        style = "classic"

    changes: list[Change] = []
    headings = [heading_line(lm, toks) for toks in tokens_by_line]
    english = [english_line(lm, toks) for toks in tokens_by_line]
    for toks, foreign in zip(tokens_by_line, english):
        if not foreign:
            changes += repair_form(lm, toks)
    name_line = signer_line(tokens_by_line) if mode == "garbled" else None
    targets_by_line = [None if not toks or english[i] else
                       line_targets(lm, toks, mode, headings[i], inventory, low, i == name_line)
                       for i, toks in enumerate(tokens_by_line)]
    decoded = decode_text(lm, tokens_by_line, targets_by_line, headings, style)
    if name_line is not None:
        decoded = [title_case(c) if c.line == name_line else c for c in decoded]
    if mode in ("garbled", "stripped"):
        decoded = vote_names(tokens_by_line, headings, decoded, inventory, style)
    changes += decoded
    new_lines = list(lines)
    by_line: dict[int, list[Change]] = {}
    for c in changes:
        by_line.setdefault(c.line, []).append(c)
    for i, line_changes in by_line.items():
        new_lines[i] = rewrite_line(lines[i], line_changes)
    return "\n".join(new_lines), sorted(changes, key=lambda c: (c.line, c.column))


def line_targets(lm: LanguageModel, toks: list[Token], mode: str, heading: bool, inventory: frozenset[str],
                 low: set[tuple[int, str]], name_line: bool) -> list[Target] | None:
    """Each token's target for the damage ``mode``; known acronyms stand for their expansion; the signer's
    name line favours family names. None when nothing in the line is open to change."""
    if mode == "stripped":
        targets: list[Target] | None = [stripped_candidates(lm, t, heading, pos == 0) for pos, t in enumerate(toks)]
    else:
        targets = suspicious_candidates(lm, toks, heading, inventory, low, garbled=mode == "garbled")
    if targets is None:
        return None
    targets = [acronym_context(lm, t) if target is None else target for t, target in zip(toks, targets)]
    return name_line_targets(lm, toks, targets) if name_line else targets


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
ENGLISH_FUNCTION_WORDS = frozenset("""
the of and to in for from with by is was are were be been has have had will would should can could this that
these those it its we you your our their they he she his her which who what when where as at on or not but if
than then there here please about into after before over under between during through all any each more most
other some such only also just us me my dear regards
""".split())
ENGLISH_LINE_WORDS = 2  # a line with at least this many of them …
ENGLISH_LINE_SHARE = 0.2  # … making up at least this share of its words is English: left alone


def english_line(lm: LanguageModel, toks: list[Token]) -> bool:
    """An English sentence inside a Vietnamese document ('The delegation was led by Mr. Vuong'): its words
    are not OCR damage and stay as written."""
    words = [t.core.lower() for t in toks if t.is_word]
    hits = sum(1 for w in words if w in ENGLISH_FUNCTION_WORDS and w not in lm.forms)
    return hits >= ENGLISH_LINE_WORDS and hits >= ENGLISH_LINE_SHARE * len(words)


def damage_kind(lm: LanguageModel, tokens: list[Token], inventory: frozenset[str]) -> str:
    """'stripped' (few marks), 'garbled' (many words are not syllables or mix in look-alike digits),
    'scattered' (mostly valid text: only invalid words are candidates for repair) or 'foreign' (most words
    could not be Vietnamese at all, e.g. English: left alone)."""
    if text_is_stripped(lm, tokens, inventory):
        return "stripped"
    words = [t for t in tokens if (t.is_word and len(t.core) > 1) or is_garble_like(t)]
    vietnamese = [t for t in words if not t.is_word or is_marked(t.core) or key_of(t.core) in lm.forms]
    if words and len(vietnamese) < FOREIGN_SHARE * len(words):
        return "foreign"
    wordlike = [t for t in tokens if (t.is_word and not (len(t.core) > 1 and t.core.isupper())) or is_garble_like(t)]
    if not wordlike:
        return "scattered"
    invalid = [t for t in wordlike if not t.is_word or canonical(t.core) not in inventory]
    if len(invalid) < GARBLED_SHARE * len(wordlike):
        return "scattered"
    # Partly stripped text (some lines or words typed without marks): the invalid words are accent-free keys
    # and nothing mixes in look-alike digits, so decode the toneless words and keep the marked ones.
    toneless_keys = sum(1 for t in invalid if t.is_word and not is_marked(t.core) and t.core.lower() in lm.forms)
    if toneless_keys >= 0.9 * len(invalid):
        return "stripped"
    return "garbled"


# A target per token: None = chain break (not a syllable, protected); list of (id, cost) = decode over these.
Target = list[tuple[int, float]] | None


def stripped_candidates(lm: LanguageModel, tok: Token, heading: bool, first: bool) -> Target:
    if protected(tok, heading, first):
        return None
    form = canonical(tok.core)
    if is_marked(tok.core):
        cid = lm.ids.get(form)
        return [(cid, 0.0)] if cid is not None else None
    return lm.lattice_column(tok.core.lower())


def suspicious_candidates(lm: LanguageModel, toks: list[Token], heading: bool, inventory: frozenset[str],
                          low: set[tuple[int, str]], garbled: bool) -> list[Target] | None:
    """Candidates for a line with diacritics. Valid syllables stay fixed (in a garbled text they too get the
    channel's alternatives); invalid, look-alike or low-confidence words get the OCR channel's proposals and
    their key's forms. Returns None when nothing in the line is open to change."""
    targets: list[Target] = []
    open_to_change = False
    for pos, tok in enumerate(toks):
        form = canonical(tok.core) if tok.is_word else None
        valid = form is not None and form in inventory
        flagged = (tok.line + 1, tok.core) in low or (tok.line + 1, tok.lead + tok.core + tok.trail) in low
        caps_word = garbled and tok.is_word and key_of(tok.core) in lm.forms
        if pos == 0 and tok.trail[:1] in (".", ")") and ROMANISH_RE.fullmatch(tok.core):
            targets.append(None)  # a section number, maybe OCR'd with 1/l for I ('I1.', 'Il.'): the parser's
            continue
        if ((tok.is_word and protected(tok, heading, pos == 0, caps_word) and not flagged)
                or (not tok.is_word and not is_garble_like(tok, symbols=garbled))):
            targets.append(None)
            continue
        if valid and not flagged and (not garbled or not written_by_english_ocr(tok.core)):
            # (a syllable with a letter the English model never writes, 'đoàn', is not its garble: it stays)
            targets.append([(lm.ids[form], 0.0)] if form in lm.ids else None)
            continue
        if not garbled and not valid and not flagged and (looks_foreign(tok.core) or tok.core[:1].isupper()):
            # 'clip', 'Facebook', 'startup' in otherwise good text: not OCR damage; nor is a capitalised word the
            # OCR read with confidence that is no Kinh syllable: a name in a minority language ('Krông Pắc',
            # 'Ea Phê', 'KON TUM', 'H'Mông')
            targets.append(None)
            continue
        cands = suspect_forms(lm, tok.core, form if valid else None,
                              MAX_CHANNEL_COST_GARBLED if garbled else MAX_CHANNEL_COST)
        if len(cands) > 1:
            open_to_change = True
        targets.append(cands)
    return targets if open_to_change else None


def suspect_forms(lm: LanguageModel, word: str, valid_form: str | None, max_cost: float) -> list[tuple[int, float]]:
    """Candidate ids with log-costs for a suspicious word: keeping it (a valid syllable at its channel cost;
    anything else as the 'keep' option -1), the channel's proposals up to ``max_cost``, and the forms
    sharing its accent-free key."""
    cands: dict[int, float] = {}
    if valid_form is not None and valid_form in lm.ids:
        cands[lm.ids[valid_form]] = 0.0
    else:
        cands[-1] = 0.0
    horn = horn_reading(word)
    if horn is not None:  # "THU'C": the forms of 'thuc' with ư at the apostrophe, as likely as the word kept
        read, where = horn
        for form in horn_forms(tuple(lm.vocab[cid] for cid in lm.forms.get(key_of(read), ())), where):
            cands[lm.ids[form]] = 0.0
    # the channel learned the curly apostrophe of rendered text ('thi’c' thức); scans give the straight one too
    proposals = channel_candidates(word.replace("'", "’"))
    trimmed = word.strip(LOOKALIKE_SYMBOLS)
    if len(trimmed) >= 2 and trimmed != word:  # the symbol may be a speck by the word, not a garbled letter
        # (not for a lone letter: 's&' is 'sở', not 's' + speck → any s-syllable)
        proposals += [(form, cost + STRAY_SYMBOL_COST) for form, cost in channel_candidates(trimmed)]
    for form, cost in proposals:
        if cost > max_cost:
            continue
        cid = lm.ids.get(canonical(form))
        if cid is not None and -cost > cands.get(cid, -math.inf):
            cands[cid] = -cost
    key = key_of(word)
    for cid in lm.forms.get(key, ()):
        if cid not in cands:
            cands[cid] = -KEY_FORM_COST
    return list(cands.items())


def decode_text(lm: LanguageModel, tokens_by_line: list[list[Token]], targets_by_line: list[list[Target] | None],
                headings: list[bool], style: str) -> list[Change]:
    """Decode each chain of consecutive targets and return the tokens whose form changed. A chain runs on
    into the next line when the line is wrapped (no punctuation at its end, the next line goes straight on,
    neither is a heading): 'kịp' / 'thời' across a line break are read together. A known acronym's target
    is its expansion, fixed syllables that give the words around it their context."""
    changes: list[Change] = []
    chain: list[tuple[int, int | None, list[tuple[int, float]]]] = []  # (line, token or None, column)

    def flush() -> None:
        if chain and any(j is not None for _, j, _ in chain):
            changes.extend(decode_chain(lm, tokens_by_line, chain, headings, style))
        chain.clear()

    for i, (toks, targets) in enumerate(zip(tokens_by_line, targets_by_line)):
        if targets is None:
            flush()
            continue
        if not continues_line(tokens_by_line, targets_by_line, headings, i):
            flush()
        for j, (tok, target) in enumerate(zip(toks, targets)):
            if target is None:
                flush()
                continue
            if tok.lead and tok.lead[-1] in BREAK_BEFORE:
                flush()
            if isinstance(target, tuple):  # an acronym: its expansion's syllables, fixed
                chain.extend((i, None, [(cid, 0.0)]) for cid in target)
            else:
                chain.append((i, j, target))
            if tok.trail and tok.trail[0] in BREAK_AFTER:
                flush()
    flush()
    return changes


def continues_line(tokens_by_line: list[list[Token]], targets_by_line: list[list[Target] | None],
                   headings: list[bool], i: int) -> bool:
    """Does line ``i`` go on the sentence of line ``i - 1`` (wrapped text, both decoded, no punctuation or
    chain break between them, neither an upper-case heading)?"""
    if i == 0 or headings[i] or headings[i - 1]:
        return False
    prev, prev_targets = tokens_by_line[i - 1], targets_by_line[i - 1]
    toks, targets = tokens_by_line[i], targets_by_line[i]
    if not prev or prev_targets is None or targets is None or prev_targets[-1] is None or targets[0] is None:
        return False
    return not prev[-1].trail and not (toks[0].lead and toks[0].lead[-1] in BREAK_BEFORE)


def decode_chain(lm: LanguageModel, tokens_by_line: list[list[Token]],
                 chain: list[tuple[int, int | None, list[tuple[int, float]]]], headings: list[bool],
                 style: str) -> list[Change]:
    lattice = [column for _, _, column in chain]
    toks = [tokens_by_line[i][j] if j is not None else None for i, j, _ in chain]
    if not any(len(c) > 1 or (t is not None and c[0][0] != lm.ids.get(canonical(t.core)))
               for c, t in zip(lattice, toks)):
        return []
    end_share = chain_end_share(tokens_by_line, chain, headings)
    seq = decode(lm, lattice, end_share)
    changes = []
    for pos, ((i, j, _), tok) in enumerate(zip(chain, toks)):
        cid = seq[pos]
        if tok is None or cid < 0:
            continue
        template = tok.core
        if not headings[i] and len(template) > 1 and template.isupper():
            template = template[0] + template[1:].lower()  # OCR's 'BO' for 'Bộ' outside a heading
        new = apply_case(to_style(lm.vocab[cid], style), template)
        if new != tok.core and canonical(new) != canonical(tok.core):
            conf = local_confidence(lm, seq, lattice, pos, end_share)
            changes.append(Change(tok.line, tok.start, tok.core, new, conf))
    return changes


def chain_end_share(tokens_by_line: list[list[Token]], chain: list[tuple[int, int | None, list]],
                    headings: list[bool]) -> float:
    """How surely a chain ends a sentence: at the end of a line with no punctuation after it the line may be
    wrapped (LINE_END_SENTENCE_SHARE), unless the line is an uppercase heading; elsewhere (punctuation,
    numbers, codes end a run, as in the model's training counts) it does."""
    i, j, _ = chain[-1]
    toks = tokens_by_line[i]
    if j is None or headings[i] or j != len(toks) - 1 or toks[j].trail:
        return 1.0
    return LINE_END_SENTENCE_SHARE


# ---------------------------------------------------------------- form repairs (see ``repairs``)
def repair_form(lm: LanguageModel, toks: list[Token]) -> list[Change]:
    """Section labels read with 1/l for I ('I1.' → 'II.') and acronyms that lost the bar of their Đ ('HDND',
    'QD' in '1169/QD-TTg'). Repaired tokens are marked fixed: the decoder leaves them alone."""
    changes: list[Change] = []
    if toks:
        first = toks[0]
        label = roman_label(first.core, first.trail, [t.core for t in toks[1:]])
        if label is not None:
            changes.append(Change(first.line, first.start, first.core, label, LABEL_CONFIDENCE))
            first.core, first.fixed = label, True
    for k, tok in enumerate(toks):
        if tok.fixed:
            continue
        if tok.is_word:
            if barred_spelling(tok.core) is None:
                continue  # most words: no Đ-acronym to spell, so no need to look at the neighbours
            beside = any(acronym_neighbour(lm, toks[n]) for n in (k - 1, k + 1) if 0 <= n < len(toks))
            syllable = key_of(tok.core) in lm.forms
            if syllable and k + 1 < len(toks) and toks[k + 1].core.isupper() and key_of(toks[k + 1].core) in lm.forms:
                beside = False  # 'TT DU LỊCH': a word of an upper-case phrase, not an acronym
            new = barred_acronym(tok.core, beside, syllable)
            if new is not None:
                conf = SHORT_ACRONYM_CONFIDENCE if len(new) == 2 else ACRONYM_CONFIDENCE
                changes.append(Change(tok.line, tok.start, tok.core, new, conf))
                tok.core, tok.fixed = new, True
        elif CODE_PART_RE.search(tok.core):  # a code: '1169/QD-TTg', '01/2020/ND-CP'
            core = tok.core
            for m in re.finditer(r"[^\W\d_]+", core):
                new = barred_acronym(m.group(0), True, False)
                if new is not None and len(new) == len(m.group(0)):
                    changes.append(Change(tok.line, tok.start + m.start(), m.group(0), new, ACRONYM_CONFIDENCE))
                    tok.core = tok.core[:m.start()] + new + tok.core[m.end():]
    return changes


def acronym_neighbour(lm: LanguageModel, tok: Token) -> bool:
    """A known acronym written in capitals that is not also a syllable ('TT', 'UBND', not 'BAN')."""
    return tok.is_word and acronym_like(tok.core) and known_acronym(tok.core) and key_of(tok.core) not in lm.forms


def acronym_context(lm: LanguageModel, tok: Token) -> Target:
    """A known acronym's expansion as fixed syllable ids (the chain's context), or None (a chain break)."""
    if not tok.is_word or not acronym_like(tok.core) or key_of(tok.core) in lm.forms and not tok.fixed:
        return None
    ids = tuple(lm.ids.get(w, -1) for w in acronym_expansion(tok.core))
    return ids if ids and min(ids) >= 0 else None


def signer_line(tokens_by_line: list[list[Token]]) -> int | None:
    """The signer's name near the end: a line of two to four capitalised words (the first may have lost its
    capital to a crop), the document's last line or the one right under an upper-case line (the position)."""
    filled = [i for i, toks in enumerate(tokens_by_line) if toks]
    for k in range(len(filled) - 1, max(len(filled) - 8, 0) - 1, -1):
        toks = tokens_by_line[filled[k]]
        if not 2 <= len(toks) <= 4 or any(not t.is_word or t.lead or t.trail for t in toks):
            continue
        if not all(name_like(t.core) for t in toks[1:]) or all(t.core.isupper() for t in toks):
            continue
        above = tokens_by_line[filled[k - 1]] if k else []
        if k == len(filled) - 1 or (above and all(upper_word(t.core) for t in above if t.core)):
            return filled[k]
    return None


def name_line_targets(lm: LanguageModel, toks: list[Token], targets: list[Target]) -> list[Target]:
    """On the signer's name line the first syllable is most likely a family name (within the channel's reach
    of the token) and the others are often family-name syllables too (Văn, Vương, Lâm)."""
    from .channel import channel_cost

    out: list[Target] = []
    for pos, (tok, target) in enumerate(zip(toks, targets)):
        if not isinstance(target, list):
            out.append(target)
            continue
        cands = dict(target)
        bonus = FAMILY_NAME_BONUS if pos == 0 else NAME_SYLLABLE_BONUS
        for name in FAMILY_NAMES:
            cid = lm.ids.get(name)
            if cid is None:
                continue
            if cid in cands:
                cands[cid] += bonus
            elif pos == 0:
                cost = channel_cost(tok.core, name)
                if cost <= MAX_CHANNEL_COST_GARBLED:
                    cands[cid] = bonus - cost
        out.append(list(cands.items()))
    return out


def title_case(change: Change) -> Change:
    return replace(change, corrected=change.corrected[:1].upper() + change.corrected[1:])


def vote_names(tokens_by_line: list[list[Token]], headings: list[bool], decoded: list[Change],
               inventory: frozenset[str], style: str) -> list[Change]:
    """A name (a run of two or more capitalised syllables, possibly across a wrapped line) restored in
    different forms in one document takes the form most of its occurrences got ('Gia Viễn' once, 'Gia
    Viên' five times → Viên). Only occurrences the restorer worked on are rewritten (one of its words was
    changed or is not a syllable); the confidence is the winning form's share of the occurrences."""
    by_pos = {(c.line, c.column): c for c in decoded}
    runs = name_runs(tokens_by_line, headings, by_pos, inventory)
    groups: dict[tuple[str, ...], list[list[tuple[Token, str]]]] = {}
    for run in runs:
        groups.setdefault(name_key([form for _, form in run]), []).append(run)
    for occurrences in groups.values():
        won = vote_forms([tuple(form for _, form in run) for run in occurrences])
        if won is None:
            continue
        winner, share = won
        for run in occurrences:
            if not any((t.line, t.start) in by_pos or canonical(t.core) not in inventory for t, _ in run):
                continue
            for (tok, form), target in zip(run, winner):
                if canonical(form) == target:
                    continue
                new = apply_case(to_style(target, style), tok.core)
                by_pos[(tok.line, tok.start)] = Change(tok.line, tok.start, tok.core, new, round(share, 4))
    return sorted(by_pos.values(), key=lambda c: (c.line, c.column))


def name_runs(tokens_by_line: list[list[Token]], headings: list[bool], by_pos: dict[tuple[int, int], Change],
              inventory: frozenset[str]) -> list[list[tuple[Token, str]]]:
    """Runs of two or more capitalised (Title-case) syllables, as restored, outside headings; a run goes on
    across a line break when nothing separates the lines."""
    runs: list[list[tuple[Token, str]]] = []
    run: list[tuple[Token, str]] = []

    def close() -> None:
        if len(run) >= 2:
            runs.append(list(run))
        run.clear()

    for i, toks in enumerate(tokens_by_line):
        if headings[i] or not toks or (run and run[-1][0].line != i - 1):
            close()
        for tok in toks if not headings[i] else ():
            change = by_pos.get((tok.line, tok.start))
            form = change.corrected if change else tok.core
            if not (tok.is_word and name_like(form) and not form.isupper() and canonical(form) in inventory) \
                    or (run and tok.lead):
                close()
                continue
            run.append((tok, form))
            if tok.trail:
                close()
    close()
    return runs


def rewrite_line(line: str, changes: list[Change]) -> str:
    out, pos = [], 0
    for ch in sorted(changes, key=lambda c: c.column):
        out.append(line[pos:ch.column])
        out.append(ch.corrected)
        pos = ch.column + len(ch.original)
    out.append(line[pos:])
    return "".join(out)
