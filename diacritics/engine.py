"""Restoration engine: tokenise each line, let the channel that fits the damage give every token its candidate
forms, decode the syllable chains with the trigram model (beam Viterbi), and write the chosen forms back in the
input's case and tone style.

Channels (``channels``; one decoder, one language model):
- stripped: most words carry no marks → every toneless syllable is re-decoded from its accent-free key;
- garbled (English-model OCR: "ciia", "s6", "Pang") → invalid and look-alike tokens get the garble channel's
  candidates and the key's forms; valid words the English model could have written too;
- Vietnamese-model OCR (the caller says so, with or without word confidences) → every word may be another form
  of its key at the cost the OCR channel gives its marks; only sure changes of valid words are kept;
- text of unknown origin with marks: only invalid (or low-confidence) words are candidates; correct text passes.
Around the decoder (``repairs``): section labels and acronyms repaired first, acronyms read as their expansion,
chains carried across wrapped lines, English lines left alone, a name's form voted per document, the signer's
line read as a name, look-alike letters in numbers repaired in OCR text ('I4' → '14').
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from .channels import MAX_CHANNEL_COST_GARBLED, Channel, EnglishOcr, StrippedText, Target, VietnameseOcr
from .decode import decode, local_confidence
from .lexicon import syllables
from .model import LanguageModel, load_model
from .ocr_channel import OcrChannel
from .phonology import apply_case, canonical, key_of, placement_style, to_style
from .repairs import (
    ACRONYM_CONFIDENCE,
    FAMILY_NAME_BONUS,
    FAMILY_NAMES,
    LABEL_CONFIDENCE,
    NAME_SYLLABLE_BONUS,
    SHORT_ACRONYM_CONFIDENCE,
    acronym_expansion,
    acronym_like,
    barred_acronym,
    barred_spelling,
    known_acronym,
    name_key,
    name_like,
    number_lookalikes,
    roman_label,
    upper_word,
    vote_forms,
)
from .tokens import (  # noqa: F401
    CODE_PART_RE,
    STRIPPED_KEY_SHARE,
    STRIPPED_SHARE,
    Change,
    Token,
    english_line,
    heading_line,
    is_garble_like,
    is_marked,
    text_is_stripped,
    tokenize_line,
)

BREAK_AFTER = set('.,;:!?)]}"”…»')
BREAK_BEFORE = set('([{"“«')
FOREIGN_SHARE = 0.5  # under this share of possibly-Vietnamese words a text is foreign and left alone
GARBLED_SHARE = 0.08  # share of invalid word-like tokens from which a text is taken as OCR garble
ENGLISH_OCR_SHARE = 0.97  # OCR text whose words are nearly all in the English model's alphabet is its garble
# A line that ends without punctuation is usually wrapped mid-sentence (scans, hard line breaks), not the end of
# a sentence: the decoder then takes </s> as only this likely, else the sentence goes on (see ``decode``).
LINE_END_SENTENCE_SHARE = 0.5
NUMBER_CONFIDENCE = 0.9  # 'I4' → '14': letters that look like digits inside a number


def restore_text(
    text: str,
    only_suspicious: bool = False,
    low_confidence: Iterable[tuple[int, str]] = (),
    model: LanguageModel | None = None,
    *,
    words: Iterable | None = None,
    from_ocr: bool | None = None,
    ocr_model: OcrChannel | None = None,
    channel: str | None = None,
) -> tuple[str, list[Change]]:
    """See ``diacritics.restore``. ``channel`` forces one ('stripped', 'garbled', 'ocr', 'text') instead of
    judging the damage; ``ocr_model`` replaces the shipped OCR channel (a benchmark leaving a document out)."""
    lm = model or load_model()
    inventory = syllables()
    lines = text.split("\n")
    if from_ocr is None:
        from_ocr = only_suspicious or words is not None
    tokens_by_line = [tokenize_line(line, i) for i, line in enumerate(lines)]
    all_tokens = [t for toks in tokens_by_line for t in toks]
    kind = channel or damage_kind(lm, all_tokens, inventory, from_ocr)
    if kind == "foreign":
        return text, []
    chosen: Channel
    if kind == "stripped":
        chosen = StrippedText()
    elif kind == "garbled":
        chosen = EnglishOcr()
    else:
        chosen = VietnameseOcr(ocr_model, from_ocr=kind == "ocr")
    if chosen.symbols_in_words or chosen.word_symbols:
        tokens_by_line = [
            tokenize_line(line, i, garbled=chosen.symbols_in_words, symbols=chosen.word_symbols)
            for i, line in enumerate(lines)
        ]
        all_tokens = [t for toks in tokens_by_line for t in toks]
    set_confidences(tokens_by_line, lines, words, low_confidence)
    style = (
        chosen.style or placement_style([t.core for t in all_tokens if t.is_word and is_marked(t.core)]) or "classic"
    )

    changes: list[Change] = []
    headings = [heading_line(lm, toks) for toks in tokens_by_line]
    english = [english_line(lm, toks) for toks in tokens_by_line]
    for toks, foreign in zip(tokens_by_line, english):
        if not foreign:
            changes += repair_form(lm, toks)
            if chosen.name in ("ocr", "garbled"):
                changes += repair_numbers(toks)
    name_line = signer_line(tokens_by_line) if chosen.signer else None
    targets_by_line = [
        None if not toks or english[i] else line_targets(lm, chosen, toks, headings[i], i == name_line)
        for i, toks in enumerate(tokens_by_line)
    ]
    decoded = decode_text(lm, tokens_by_line, targets_by_line, headings, style)
    by_pos = {(t.line, t.start): t for t in all_tokens}
    decoded = [c for c in decoded if chosen.accept(c, by_pos[(c.line, c.column)])]
    if name_line is not None:
        decoded = [title_case(c) if c.line == name_line else c for c in decoded]
    if chosen.vote_names:
        decoded = vote_names(tokens_by_line, headings, decoded, inventory, style)
    changes += decoded
    new_lines = list(lines)
    by_line: dict[int, list[Change]] = {}
    for c in changes:
        by_line.setdefault(c.line, []).append(c)
    for i, line_changes in by_line.items():
        new_lines[i] = rewrite_line(lines[i], line_changes)
    return "\n".join(new_lines), sorted(changes, key=lambda c: (c.line, c.column))


def set_confidences(
    tokens_by_line: list[list[Token]],
    lines: list[str],
    words: Iterable | None,
    low_confidence: Iterable[tuple[int, str]],
) -> None:
    """Give tokens the confidences the caller knows: ``words`` (objects or tuples: line, index, text,
    confidence[, alternatives]; index None → the first word of the line written so not yet given) and the old
    ``low_confidence`` pairs (1-based line, word as read, with or without its punctuation), which count as
    FLAGGED_CONFIDENCE."""
    from .channels import FLAGGED_CONFIDENCE

    given: list[tuple[int, int | None, str, float, tuple]] = []
    for w in words or ():
        if isinstance(w, tuple):
            given.append((int(w[0]), w[1], str(w[2]), float(w[3]), tuple(w[4]) if len(w) > 4 else ()))
        elif getattr(w, "line", None) is not None and getattr(w, "confidence", None) is not None:
            given.append(
                (
                    int(w.line),
                    getattr(w, "index", None),
                    str(w.text),
                    float(w.confidence),
                    tuple(getattr(w, "alternatives", ()) or ()),
                )
            )
    given += [(int(ln), None, str(word), FLAGGED_CONFIDENCE, ()) for ln, word in low_confidence]
    if not given:
        return
    raw_words = {i: line.split() for i, line in enumerate(lines)}
    taken: set[tuple[int, int]] = set()
    by_word: dict[tuple[int, int], list[Token]] = {}
    for toks in tokens_by_line:
        for t in toks:
            by_word.setdefault((t.line, t.word), []).append(t)
    for line, index, word, conf, alternatives in given:
        i = line - 1
        raw = raw_words.get(i, [])
        if index is None or not (0 <= index < len(raw)) or raw[index] != word:
            index = next(
                (
                    k
                    for k, r in enumerate(raw)
                    if (i, k) not in taken and (r == word or r.strip('.,;:!?()[]"“”') == word.strip('.,;:!?()[]"“”'))
                ),
                None,
            )
            if index is None:
                continue
        taken.add((i, index))
        parts = by_word.get((i, index), ())
        for t in parts:
            t.confidence = conf if t.confidence is None else min(t.confidence, conf)
            if alternatives and len(parts) == 1 and len(alternatives) == len(raw[index]) == len(word):
                t.alternatives = alternatives[len(t.lead) : len(t.lead) + len(t.core)]


def line_targets(
    lm: LanguageModel, chosen: Channel, toks: list[Token], heading: bool, name_line: bool
) -> list[Target] | None:
    """Each token's target from the channel; known acronyms stand for their expansion; the signer's name line
    favours family names. None when nothing in the line is open to change."""
    targets = chosen.targets(lm, toks, heading)
    if targets is None:
        return None
    targets = [acronym_context(lm, t) if target is None else target for t, target in zip(toks, targets)]
    return name_line_targets(lm, toks, targets) if name_line else targets


def damage_kind(lm: LanguageModel, tokens: list[Token], inventory: frozenset[str], from_ocr: bool = False) -> str:
    """'stripped' (few marks), 'garbled' (English-model garble: many words are not syllables or mix in look-alike
    digits, and nearly all are in that model's alphabet), 'ocr' (Vietnamese-model OCR, as the caller said),
    'text' (mostly valid text of unknown origin: only invalid words are candidates for repair) or 'foreign'
    (most words could not be Vietnamese at all, e.g. English: left alone)."""
    if text_is_stripped(lm, tokens, inventory):
        return "stripped"
    words = [t for t in tokens if (t.is_word and len(t.core) > 1) or is_garble_like(t)]
    vietnamese = [t for t in words if not t.is_word or is_marked(t.core) or key_of(t.core) in lm.forms]
    if words and len(vietnamese) < FOREIGN_SHARE * len(words):
        return "foreign"
    settled = "ocr" if from_ocr else "text"
    wordlike = [t for t in tokens if (t.is_word and not (len(t.core) > 1 and t.core.isupper())) or is_garble_like(t)]
    if not wordlike:
        return settled
    invalid = [t for t in wordlike if not t.is_word or canonical(t.core) not in inventory]
    if len(invalid) < GARBLED_SHARE * len(wordlike):
        return settled
    # Partly stripped text (some lines or words typed without marks): the invalid words are accent-free keys
    # and nothing mixes in look-alike digits, so decode the toneless words and keep the marked ones.
    toneless_keys = sum(1 for t in invalid if t.is_word and not is_marked(t.core) and t.core.lower() in lm.forms)
    if toneless_keys >= 0.9 * len(invalid):
        return "stripped"
    # Vietnamese-model OCR and typed text have ư, ơ, đ, ạ, ố …, which the English model never writes
    english = sum(1 for t in wordlike if not any(ord(c) >= 0x100 for c in t.core))
    if english < ENGLISH_OCR_SHARE * len(wordlike):
        return settled
    return "garbled"


def decode_text(
    lm: LanguageModel,
    tokens_by_line: list[list[Token]],
    targets_by_line: list[list[Target] | None],
    headings: list[bool],
    style: str,
) -> list[Change]:
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
        if not toks and not lines_text_empty_before(tokens_by_line, i):
            continue  # a blank line: the next line says whether the sentence goes on across it
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


def continues_line(
    tokens_by_line: list[list[Token]], targets_by_line: list[list[Target] | None], headings: list[bool], i: int
) -> bool:
    """Does line ``i`` go on the sentence of line ``i - 1`` (wrapped text, both decoded, no punctuation or
    chain break between them, neither an upper-case heading)?"""
    if i == 0 or headings[i]:
        return False
    toks, targets = tokens_by_line[i], targets_by_line[i]
    before = i - 1
    if not tokens_by_line[before] and before > 0 and toks and toks[0].core[:1].islower():
        # one blank line OCR put inside a paragraph ('… sửa đổi, bồ' / '' / 'sung trong …'): the next line
        # beginning in lower case goes on the sentence; a new paragraph begins in capitals
        before -= 1
    if headings[before]:
        return False
    prev, prev_targets = tokens_by_line[before], targets_by_line[before]
    if not prev or prev_targets is None or targets is None or prev_targets[-1] is None or targets[0] is None:
        return False
    return not prev[-1].trail and not (toks[0].lead and toks[0].lead[-1] in BREAK_BEFORE)


def lines_text_empty_before(tokens_by_line: list[list[Token]], i: int) -> bool:
    """Whether line ``i`` is the second blank line in a row (two blank lines end any sentence)."""
    return i > 0 and not tokens_by_line[i - 1]


def decode_chain(
    lm: LanguageModel,
    tokens_by_line: list[list[Token]],
    chain: list[tuple[int, int | None, list[tuple[int, float]]]],
    headings: list[bool],
    style: str,
) -> list[Change]:
    lattice = [column for _, _, column in chain]
    toks = [tokens_by_line[i][j] if j is not None else None for i, j, _ in chain]
    if not any(
        len(c) > 1 or (t is not None and c[0][0] != lm.ids.get(canonical(t.core))) for c, t in zip(lattice, toks)
    ):
        return []
    end_share = chain_end_share(tokens_by_line, chain, headings)
    seq = decode(lm, lattice, end_share)
    changes = []
    for pos, ((i, _j, _), tok) in enumerate(zip(chain, toks)):
        cid = seq[pos]
        if tok is None or cid < 0:
            continue
        template = tok.core
        if not headings[i] and len(template) > 1 and template.isupper():
            template = template[0] + template[1:].lower()  # OCR's 'BO' for 'Bộ' outside a heading
        new = apply_case(to_style(lm.vocab[cid], style), template)
        if new != tok.core and canonical(new) != canonical(tok.core):
            conf = local_confidence(lm, seq, lattice, pos, end_share)
            context = sum(1 for n in (pos - 1, pos + 1) if 0 <= n < len(seq) and seq[n] >= 0)
            changes.append(Change(tok.line, tok.start, tok.core, new, conf, context))
    return changes


def chain_end_share(
    tokens_by_line: list[list[Token]], chain: list[tuple[int, int | None, list]], headings: list[bool]
) -> float:
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
                    tok.core = tok.core[: m.start()] + new + tok.core[m.end() :]
    return changes


def repair_numbers(toks: list[Token]) -> list[Change]:
    """Letters that look like digits inside a number of OCR text ('I4' → '14', 'COVID-I9' → 'COVID-19',
    '2O25' → '2025'); a section label opening the line ('I1.') is the parser's."""
    changes: list[Change] = []
    for k, tok in enumerate(toks):
        if tok.fixed or tok.is_word or not any(c.isdigit() for c in tok.core):
            continue
        if k == 0 and tok.trail[:1] in (".", ")") and ROMAN_LABEL_RE.fullmatch(tok.core):
            continue
        repairs = number_lookalikes(tok.core)
        for at, old, new in repairs:
            changes.append(Change(tok.line, tok.start + at, old, new, NUMBER_CONFIDENCE))
        for at, old, new in repairs:  # same lengths: offsets stay valid
            tok.core = tok.core[:at] + new + tok.core[at + len(old) :]
    return changes


ROMAN_LABEL_RE = re.compile(r"[IVXl1|]+")


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


def vote_names(
    tokens_by_line: list[list[Token]],
    headings: list[bool],
    decoded: list[Change],
    inventory: frozenset[str],
    style: str,
) -> list[Change]:
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


def name_runs(
    tokens_by_line: list[list[Token]],
    headings: list[bool],
    by_pos: dict[tuple[int, int], Change],
    inventory: frozenset[str],
) -> list[list[tuple[Token, str]]]:
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
            if not (tok.is_word and name_like(form) and not form.isupper() and canonical(form) in inventory) or (
                run and tok.lead
            ):
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
        out.append(line[pos : ch.column])
        out.append(ch.corrected)
        pos = ch.column + len(ch.original)
    out.append(line[pos:])
    return "".join(out)
