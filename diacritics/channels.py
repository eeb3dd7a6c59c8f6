"""The three ways text reaches restoration damaged, as channels over one decoder and one language model.

A channel turns the tokens of a line into the decoder's lattice: for each token either None (a chain break:
punctuation, numbers, codes, acronyms, names it must not touch) or its candidate syllables with log-costs
log P(token as written | syllable). The decoder (``engine.decode_text`` → ``decode.decode``) then picks the
sequence that maximises LM score + channel score, and the channel may refuse a change that is not sure enough
(``accept``: do no harm).

- ``StrippedText``: text typed or exported without marks; every toneless syllable may be any form of its
  accent-free key, all alike (the text says nothing about marks), marked words stay as written.
- ``EnglishOcr``: Tesseract's English model read a Vietnamese page ("Nghi quyét s6 ... ciia"); invalid and
  look-alike tokens get the learned garble channel's proposals (``channel``) and the forms of their key.
- ``VietnameseOcr``: Tesseract's Vietnamese model; its errors are valid syllables with wrong marks (khẩn read
  khân). Every word may be any form of its key, at the cost the learned OCR channel (``ocr_channel``) gives for
  the marks that differ at the word's confidence; invalid words get the garble proposals too. A change of a
  valid word is kept only when the decoder's share for it (neighbours fixed) is at least ``min_share``.
  Without OCR confidences and not known to be OCR (text of unknown origin) valid syllables stay.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .channel import written_by_english_ocr
from .lexicon import syllables
from .model import LanguageModel
from .ocr_channel import OcrChannel, shipped_channel
from .phonology import canonical, key_of
from .repairs import FAMILY_NAMES, horn_forms, horn_reading
from .tokens import LOOKALIKE_SYMBOLS, ROMANISH_RE, Change, Token, is_garble_like, is_marked, looks_foreign, protected

# A target per token: None = chain break (not a syllable, protected); list of (id, log-cost) = decode over these;
# a tuple of ids = a known acronym's expansion (fixed context, see ``engine.acronym_context``).
Target = list[tuple[int, float]] | tuple[int, ...] | None

MAX_CHANNEL_COST = 9.0  # channel proposals costlier than this are not considered (foreign words stay)
MAX_CHANNEL_COST_GARBLED = 12.0  # … in a text judged garbled, where most odd tokens are OCR damage
CHANNEL_LIMIT = 16  # candidates asked of the channel per token
KEY_FORM_COST = 1.0  # cost of reading a word as another tone/mark form of the same letters
STRAY_SYMBOL_COST = 2.0  # cost of reading a look-alike symbol at a word's edge as a speck ('nghé¢' → 'nghệ')
LOW_CONFIDENCE = 0.6  # an OCR word below this confidence is open to change even where it would be protected
FLAGGED_CONFIDENCE = 0.5  # the confidence given to a word named only as low-confidence (old API)
VIE_LOOKALIKES = "€"  # what Tesseract's Vietnamese model writes for a marked e or i now and then ('Ngh€ định')
LOOKALIKE_LETTERS = "ei"  # … the letters it stands for
VIE_LOOKALIKE_COST = 2.0
# A change of a valid syllable read by the Vietnamese model is kept only when the decoder gives the new form at
# least this share against the other forms, the neighbours fixed (tools/tune: renders of corpus documents).
MIN_CHANGE_SHARE = 0.9


def channel_candidates(word: str) -> list[tuple[str, float]]:
    """Look-alike candidates from the English-model garble channel (``diacritics.channel``)."""
    from .channel import garble_candidates

    return [(c[0], float(c[1])) for c in garble_candidates(word, CHANNEL_LIMIT)]


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


def list_marker(tok: Token) -> bool:
    """'b)', '.c)', 'd.': a lone letter closed by ')' or '.' numbers a list item."""
    return len(tok.core) == 1 and tok.trail[:1] in (")", ".")


NAME_LEADS = frozenset({"ông", "bà", "anh", "chị", "đồng chí", "đ/c"})


def name_positions(toks: list[Token]) -> set[int]:
    """Positions of the words of a person's name: a run of capitalised words (no punctuation inside) that starts
    with a common family name ('Trần Thị Diệu Thúy') or follows ông / bà / đồng chí ('ông Nguyễn …'). OCR
    text keeps them as read: the model knows names too little to judge their marks."""
    out: set[int] = set()
    pos = 0
    while pos < len(toks):
        tok = toks[pos]
        lead_word = (
            pos > 0
            and canonical(toks[pos - 1].core) in NAME_LEADS
            and not toks[pos - 1].trail
            or pos > 1
            and f"{canonical(toks[pos - 2].core)} {canonical(toks[pos - 1].core)}" in NAME_LEADS
        )
        starts = title_word(tok) and (canonical(tok.core) in FAMILY_NAMES or lead_word)
        if not starts:
            pos += 1
            continue
        run = [pos]
        while (
            not toks[run[-1]].trail
            and run[-1] + 1 < len(toks)
            and title_word(toks[run[-1] + 1])
            and not toks[run[-1] + 1].lead
        ):
            run.append(run[-1] + 1)
        if len(run) >= 2 or lead_word:
            out.update(run)
        pos = run[-1] + 1
    return out


def title_word(tok: Token) -> bool:
    return tok.is_word and tok.core[:1].isupper() and (len(tok.core) == 1 or tok.core[1:].islower())


@dataclass
class Channel:
    """What every channel answers; see the module's docstring."""

    name: str = ""
    symbols_in_words: bool = False  # look-alike symbols attached to letters are part of the word ('x&', 'k¥')
    word_symbols: str = ""  # symbols that belong to a word between letters ('Ngh€')
    style: str | None = None  # tone placement of the output, when the input's own is no evidence
    vote_names: bool = False  # a name restored two ways in one document takes its commonest form
    signer: bool = False  # the signer's name line favours family names

    def targets(self, lm: LanguageModel, toks: list[Token], heading: bool) -> list[Target] | None:
        raise NotImplementedError

    def accept(self, change: Change, tok: Token) -> bool:
        return True


class StrippedText(Channel):
    def __init__(self) -> None:
        super().__init__(name="stripped", vote_names=True)

    def targets(self, lm: LanguageModel, toks: list[Token], heading: bool) -> list[Target] | None:
        return [self.column(lm, tok, heading, pos == 0) for pos, tok in enumerate(toks)]

    @staticmethod
    def column(lm: LanguageModel, tok: Token, heading: bool, first: bool) -> Target:
        if protected(tok, heading, first):
            return None
        form = canonical(tok.core)
        if is_marked(tok.core):
            cid = lm.ids.get(form)
            return [(cid, 0.0)] if cid is not None else None
        return lm.lattice_column(tok.core.lower())


class EnglishOcr(Channel):
    def __init__(self) -> None:
        # The English model can copy a modern 'hoá' (á is in its alphabet) but never a classic 'hóa' or 'thủy'
        # (it writes 'héa', 'thuy'): the marks it left are one-sided evidence, so garble gets the classic style.
        super().__init__(name="garbled", symbols_in_words=True, style="classic", vote_names=True, signer=True)

    def targets(self, lm: LanguageModel, toks: list[Token], heading: bool) -> list[Target] | None:
        """Valid syllables the English model could have written get the channel's alternatives too (it writes
        'ban' for bản); invalid and look-alike words get its proposals and their key's forms."""
        inventory = syllables()
        targets: list[Target] = []
        open_to_change = False
        for pos, tok in enumerate(toks):
            form = canonical(tok.core) if tok.is_word else None
            valid = form is not None and form in inventory
            caps_word = tok.is_word and key_of(tok.core) in lm.forms
            if pos == 0 and tok.trail[:1] in (".", ")") and ROMANISH_RE.fullmatch(tok.core):
                targets.append(None)  # a section number, maybe OCR'd with 1/l for I ('I1.', 'Il.'): the parser's
                continue
            if (tok.is_word and protected(tok, heading, pos == 0, caps_word)) or (
                not tok.is_word and not is_garble_like(tok, symbols=True)
            ):
                targets.append(None)
                continue
            if valid and not written_by_english_ocr(tok.core):
                # (a syllable with a letter the English model never writes, 'đoàn', is not its garble: it stays)
                targets.append([(lm.ids[form], 0.0)] if form in lm.ids else None)
                continue
            cands = suspect_forms(lm, tok.core, form if valid else None, MAX_CHANNEL_COST_GARBLED)
            if len(cands) > 1:
                open_to_change = True
            targets.append(cands)
        return targets if open_to_change else None


class VietnameseOcr(Channel):
    def __init__(self, model: OcrChannel | None = None, from_ocr: bool = True, min_share: float | None = None) -> None:
        super().__init__(name="ocr" if from_ocr else "text", word_symbols=VIE_LOOKALIKES if from_ocr else "")
        self._model = model
        self.from_ocr = from_ocr
        self.min_share = MIN_CHANGE_SHARE if min_share is None else min_share

    def targets(self, lm: LanguageModel, toks: list[Token], heading: bool) -> list[Target] | None:
        inventory = syllables()
        targets: list[Target] = []
        open_to_change = False
        names = name_positions(toks) if self.from_ocr else set()
        for pos, tok in enumerate(toks):
            conf = tok.confidence
            low = conf is not None and conf < LOW_CONFIDENCE
            if pos == 0 and tok.trail[:1] in (".", ")") and ROMANISH_RE.fullmatch(tok.core):
                targets.append(None)  # a section number, maybe OCR'd with 1/l for I ('I1.', 'Il.'): the parser's
                continue
            lookalike = self.from_ocr and any(c in VIE_LOOKALIKES for c in tok.core)
            if (
                (tok.is_word and protected(tok, heading, pos == 0) and not low)
                or (not tok.is_word and not lookalike and not is_garble_like(tok))
                or list_marker(tok)
            ):
                targets.append(None)
                continue
            form = canonical(tok.core) if tok.is_word else ""
            if form in inventory:
                if (not self.from_ocr or pos in names) and not low:
                    targets.append([(lm.ids[form], 0.0)] if form in lm.ids else None)
                    continue
                column = self.mark_forms(lm, form, conf, tok=tok)
            elif lookalike:
                column = self.lookalike_forms(lm, tok.core, conf)
            elif self.from_ocr and len(tok.core) > 1 and tok.core.isupper() and key_of(tok.core) in lm.forms:
                # 'QUYÉT', 'CHÓNG', 'QUÓC': a heading's capitals read with a mark the language lacks; the forms of
                # its key at the marks' cost, keeping it the last resort (minority names' keys have no forms:
                # 'KON', 'KRÔNG')
                column = [(-1, 0.0), *self.mark_forms(lm, form, conf, own=False, tok=tok)]
            elif self.from_ocr and len(tok.core) == 1 and not low:
                targets.append(None)  # a lone letter that is no syllable ('b', 'd'): a list marker, an initial
                continue
            else:
                if not low and (looks_foreign(tok.core) or tok.core[:1].isupper()):
                    # 'clip', 'Facebook', 'startup' in otherwise good text: not OCR damage; nor is a capitalised
                    # word the OCR read with confidence that is no Kinh syllable: a name in a minority language
                    # ('Krông Pắc', 'Ea Phê', 'KON TUM', 'H'Mông')
                    targets.append(None)
                    continue
                column = suspect_forms(lm, tok.core, None, MAX_CHANNEL_COST)
            if len(column) > 1:
                open_to_change = True
            targets.append(column)
        return targets if open_to_change else None

    @property
    def model(self) -> OcrChannel:
        if self._model is None:
            self._model = shipped_channel()
        return self._model

    def mark_forms(
        self, lm: LanguageModel, form: str, conf: float | None, own: bool = True, tok: Token | None = None
    ) -> list[tuple[int, float]]:
        """The forms of the word's accent-free key, each at −cost of the OCR having written ``form`` for it
        (with ``own``, the word as read among them even when the model keeps it out of its key's forms); with
        the OCR's per-character alternatives, a form whose letters it weighed costs less (``alternative_cost``)."""
        ids = list(lm.forms.get(key_of(form), ()))
        own_id = lm.ids.get(form)
        if own and own_id is not None and own_id not in ids:
            ids.append(own_id)
        cost = self.model.cost
        column = [(cid, -cost(form, lm.vocab[cid], conf)) for cid in ids]
        if tok is not None and tok.alternatives and self.model.has_alternatives:
            read = tok.core.lower()
            column = [
                (cid, c - self.model.alternative_cost(tok.alternatives, read, lm.vocab[cid])) for cid, c in column
            ]
        return column

    def lookalike_forms(self, lm: LanguageModel, core: str, conf: float | None) -> list[tuple[int, float]]:
        """'Ngh€' → the forms of 'nghe' and 'nghi' (€ read for ệ, ị …), at a look-alike cost; keeping it is the
        last resort."""
        cands: dict[int, float] = {-1: 0.0}
        for letter in LOOKALIKE_LETTERS:
            plain = core
            for c in VIE_LOOKALIKES:
                plain = plain.replace(c, letter)
            for cid in lm.forms.get(key_of(plain), ()):
                cands[cid] = -VIE_LOOKALIKE_COST
        return list(cands.items())

    def accept(self, change: Change, tok: Token) -> bool:
        """A valid word changes only when the decoder is sure of the new form and the choice rests on a
        neighbouring syllable (a word alone between punctuation and codes has no context to go by)."""
        if not tok.is_word or canonical(tok.core) not in syllables():
            return True  # an invalid word: any syllable the decoder chose is better than the token
        return change.confidence >= self.min_share and change.context > 0
