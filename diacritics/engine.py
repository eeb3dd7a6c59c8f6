"""Restoration engine: tokenise each line, give every token its candidate forms, decode the syllable chains
with the trigram model (beam Viterbi), and write the chosen forms back in the input's case and tone style.

Damage kinds (see ``restore``):
- stripped: most words carry no marks → every toneless syllable is re-decoded from its accent-free key;
- garbled: a line has tokens that are not syllables (English-model OCR: "ciia", "s6", "Pang") → those tokens get
  candidates from the OCR channel and the key's forms; in a heavily garbled line valid-but-unlikely words too;
- correct text: left alone.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .lexicon import syllables
from .decode import decode, local_confidence
from .model import LanguageModel, load_model
from .phonology import apply_case, canonical, key_of, placement_style, to_style

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


@dataclass
class Token:
    line: int  # 0-based
    start: int  # offset of the core in the line
    core: str  # the token without surrounding punctuation
    lead: str
    trail: str
    is_word: bool  # letters only


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
    a symbol standing alone ('&', '$$') is still punctuation."""
    tokens = []
    for m in re.finditer(r"\S+", line):
        lead, core, trail = SPLIT_RE.match(m.group(0)).groups()  # type: ignore[union-attr]
        if garbled:
            wide = SPLIT_GARBLED_RE.match(m.group(0)).groups()  # type: ignore[union-attr]
            if re.search(r"\w", wide[1]):
                lead, core, trail = wide
        tokens.append(Token(lineno, m.start() + len(lead), core, lead, trail, bool(core) and bool(WORD_RE.fullmatch(core))))
    return tokens


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
    if not tok.is_word:
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
    if mode == "garbled":  # look-alike symbols attached to letters are OCR'd marks, not punctuation
        tokens_by_line = [tokenize_line(line, i, garbled=True) for i, line in enumerate(lines)]

    changes: list[Change] = []
    new_lines = list(lines)
    for i, toks in enumerate(tokens_by_line):
        if not toks:
            continue
        if mode == "foreign":
            break
        heading = heading_line(lm, toks)
        if mode == "stripped":
            targets = [stripped_candidates(lm, t, heading, pos == 0) for pos, t in enumerate(toks)]
        else:
            targets = suspicious_candidates(lm, toks, heading, inventory, low, garbled=mode == "garbled")
            if targets is None:
                continue
        line_changes = decode_line(lm, toks, targets, style, heading)
        if line_changes:
            new_lines[i] = rewrite_line(lines[i], line_changes)
            changes += line_changes
    return "\n".join(new_lines), changes


def is_garble_like(tok: Token, symbols: bool = False) -> bool:
    """Letters mixed with look-alike digits ('s6', 'd6i', '1ap'), short enough to be one syllable;
    pure numbers and codes with '/', '-', '.' are not. With ``symbols`` (a text judged garbled) also
    look-alike symbols attached to a letter or digit ('x&', 'k¥', '@t', '$0') when the channel takes the
    token for a possible syllable; e-mail addresses and amounts with other punctuation are not."""
    core = tok.core
    if tok.is_word or len(core) > 8:
        return False
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
        if valid and not flagged and not garbled:
            targets.append([(lm.ids[form], 0.0)] if form in lm.ids else None)
            continue
        if not garbled and not valid and not flagged and looks_foreign(tok.core):
            targets.append(None)  # 'clip', 'Facebook', 'startup' in otherwise good text: not OCR damage
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
    proposals = channel_candidates(word)
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


def decode_line(lm: LanguageModel, toks: list[Token], targets: list[Target], style: str, heading: bool) -> list[Change]:
    """Decode each chain of consecutive targets; return the tokens whose form changed."""
    changes: list[Change] = []
    chain: list[int] = []

    def flush() -> None:
        if not chain:
            return
        lattice = [targets[j] for j in chain]  # type: ignore[misc]
        if any(len(c) > 1 or c[0][0] != lm.ids.get(canonical(toks[j].core)) for c, j in zip(lattice, chain)):
            end_share = chain_end_share(toks, chain[-1], heading)
            seq = decode(lm, lattice, end_share)
            for pos, j in enumerate(chain):
                cid = seq[pos]
                if cid < 0:
                    continue
                tok = toks[j]
                template = tok.core
                if not heading and len(template) > 1 and template.isupper():
                    template = template[0] + template[1:].lower()  # OCR's 'BO' for 'Bộ' outside a heading
                new = apply_case(to_style(lm.vocab[cid], style), template)
                if new != tok.core and canonical(new) != canonical(tok.core):
                    conf = local_confidence(lm, seq, lattice, pos, end_share)
                    changes.append(Change(tok.line, tok.start, tok.core, new, conf))
        chain.clear()

    for j, (tok, target) in enumerate(zip(toks, targets)):
        if target is None:
            flush()
            continue
        if tok.lead and tok.lead[-1] in BREAK_BEFORE:
            flush()
        chain.append(j)
        if tok.trail and tok.trail[0] in BREAK_AFTER:
            flush()
    flush()
    return changes


def chain_end_share(toks: list[Token], last: int, heading: bool) -> float:
    """How surely a chain ending at token ``last`` ends a sentence: at the end of a line with no punctuation
    after it the line may be wrapped (LINE_END_SENTENCE_SHARE), unless the line is an uppercase heading;
    elsewhere (punctuation, numbers, codes end a run, as in the model's training counts) it does."""
    tok = toks[last]
    if not heading and last == len(toks) - 1 and not tok.trail:
        return LINE_END_SENTENCE_SHARE
    return 1.0


def rewrite_line(line: str, changes: list[Change]) -> str:
    out, pos = [], 0
    for ch in sorted(changes, key=lambda c: c.column):
        out.append(line[pos:ch.column])
        out.append(ch.corrected)
        pos = ch.column + len(ch.original)
    out.append(line[pos:])
    return "".join(out)
