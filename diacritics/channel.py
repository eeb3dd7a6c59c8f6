"""Noisy channel for English-model OCR garble of Vietnamese ("Nghi quyét s6 ... ciia B6 Chinh trj").

Tesseract's ``eng`` model has no Vietnamese letters, so it writes each one as the nearest thing it knows:
ố → 6/o/é, ủ → ii/u, ư → w/u, Đ → P/D, ị → j, l → 1 … This module scores how likely a garbled token is as the
reading of each candidate syllable: cost = −log P(garbled | syllable) in nats, from a table learned by
``tools/build_channel.py`` on rendered clean text read back with ``-l eng``.

The model: every letter of the (cased) syllable emits a string of 0–3 characters and the garbled token is their
concatenation (ủ → "ii", m → "rn", ộ → "", Đ → "P"). Emission costs are estimated by Viterbi EM over aligned
(garbled, true) word pairs; unseen emissions get a back-off cost. A small identity share keeps a token that is
already a correct syllable the cheapest reading of itself (the English model cannot write ủ, so a token that
contains it was not garbled).

``garble_candidates(token)`` → [(syllable, cost), …]: candidate syllables (lowercase NFC, classic tone
placement, as in ``diacritics.lexicon``) sharing a coarse "skeleton" with the token after look-alike folding
(6→o, 1→l, ii→u, w→u …) or lying within a small edit distance of it, ranked by channel cost.
Nothing is loaded at import time; tables and the index load on first use and are cached.
"""

from __future__ import annotations

import json
import math
import os
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .phonology import apply_case, canonical, key_of, nfc

MAX_EMIT = 3  # a letter becomes at most three characters ("ư" → "ir"/"tr"… ; "m" → "rn")
MAX_TOKEN_LEN = 10  # the longest syllable is 7 letters; garble adds a few
IDENTITY_WEIGHT = 0.05  # share of tokens in garbled lines that are already right as written
UNSEEN_ALPHA = 1.0  # Dirichlet mass kept for emissions never seen in training
UNSEEN_PER_CHAR = 3.0  # per character of an emission never seen for that letter
UNSEEN_CAP = 6.0  # at most this (+ UNSEEN_PER_CHAR × length) for an unseen emission: ≈ 1 in 400 per letter
FORMAT = 1
TIE_MARGIN = 1.0  # candidates within this many nats of the last one kept are kept too (see _candidates)

# Look-alikes named in the issue and seen in real scans (seed 001 type garble), as a share of each letter's
# emissions added to the learned counts. They matter where the rendered training data rarely produced the
# confusion: a real scan degrades differently from a rendered one (capital Đ read as P needs a broken crossbar).
PRIOR_LOOKALIKES: dict[str, dict[str, float]] = {
    "ôồốổỗộơờớởỡợ": {"6": 0.05, "0": 0.01, "b": 0.01},
    "ÔỒỐỔỖỘƠỜỚỞỠỢ": {"6": 0.02, "0": 0.02},
    "l": {"1": 0.03},
    "sS": {"$": 0.005},
    "Đ": {"P": 0.08, "B": 0.02},
    "đ": {"@": 0.01},
    "ưừứửữự": {"w": 0.05},
    "ƯỪỨỬỮỰ": {"W": 0.03},
    "uùúủũụ": {"ii": 0.05, "iu": 0.02, "ti": 0.01},
    "iìíỉĩị": {"j": 0.02},
    "m": {"rn": 0.01},
    "yỳýỷỹỵ": {"¥": 0.02},
}
# Real scans also swap one vowel for another now and then (mới read "mai"): a weak floor below the unseen cost.
VOWEL_SWAP_SHARE = 0.002
VOWEL_LETTERS = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
BACKOFF_MASS = 3.0  # pseudo-counts a letter borrows from its family (ố → ô → o) for emissions it rarely showed

# Single characters of garble folded to the ASCII letter they usually stand for (prefilter only: the learned
# costs decide). Learned folds from the table are added to these.
BASE_FOLD = {
    "6": "o",
    "0": "o",
    "1": "l",
    "$": "s",
    "@": "d",
    "¥": "y",
    "§": "o",
    "¢": "e",
    "|": "l",
    "w": "u",
    "j": "i",
    "&": "a",
    "€": "e",
    "£": "e",
    "©": "c",
    "®": "r",
    "°": "o",
    "ø": "o",
}
BASE_MULTI_FOLD = {"ii": "u", "rn": "m", "ir": "u", "tr": "u", "ti": "u", "ci": "c", "cl": "d"}

_CODE_RE = re.compile(r"\d\d|[/\\=+%#<>]|\w-\w")  # numbers, dates, references (57-NQ/TW, 1169/QĐ-TTg)
_VOWELISH = set("aeiouyAEIOUY60w§¥@WjJ") | set("ăâêôơưĂÂÊÔƠƯ")
_CAPS_CONSONANT_RUN = re.compile(r"(?!NGH)[B-DF-HJ-NP-TV-XZĐ]{3}")
_WORDISH_SYMBOLS = set("$@¥§¢&")
_STRIP = ",.;:!?\"“”‘’'()[]{}…*_«»"


# ---------------------------------------------------------------- learning


def _base_letter(ch: str) -> str:
    out = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    return out.replace("đ", "d").replace("Đ", "D").lower()


def _fold(text: str) -> str:
    return "".join(BASE_FOLD.get(c, _base_letter(c)) for c in text)


def _initial_cost(tc: str, e: str) -> float:
    """Costs to start EM from: a letter most likely stays itself or its accent-free base letter."""
    if e == tc:
        return 0.0
    base = _base_letter(tc)
    if len(e) == 1:
        return 0.7 if _fold(e) == base else 4.0
    if not e:
        return 3.0
    return 4.5 if base in _fold(e) else 7.0


def _viterbi_align(g: str, t: str, cost: Callable[[str, str], float]) -> tuple[float, list[tuple[str, str]]]:
    """Cheapest way to read the letters of ``t`` as consecutive pieces (0–3 chars) of ``g``."""
    n, m = len(g), len(t)
    inf = math.inf
    best = [[inf] * (n + 1) for _ in range(m + 1)]
    back = [[0] * (n + 1) for _ in range(m + 1)]
    best[0][0] = 0.0
    for i in range(1, m + 1):
        tc, prev, row, brow = t[i - 1], best[i - 1], best[i], back[i]
        for j in range(n + 1):
            for b in range(min(MAX_EMIT, j) + 1):
                p = prev[j - b]
                if p == inf:
                    continue
                c = p + cost(tc, g[j - b : j])
                if c < row[j]:
                    row[j], brow[j] = c, b
    if best[m][n] == inf:
        return inf, []
    path, j = [], n
    for i in range(m, 0, -1):
        b = back[i][j]
        path.append((t[i - 1], g[j - b : j]))
        j -= b
    return best[m][n], path[::-1]


def _shape(ch: str) -> str:
    """The letter without its tone mark (ố → ô), case kept."""
    return nfc("".join(c for c in unicodedata.normalize("NFD", ch) if c not in "\u0300\u0301\u0309\u0303\u0323"))


def _plain(ch: str) -> str:
    """The bare letter (ố → o, Đ → D), case kept."""
    out = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    return out.replace("đ", "d").replace("Đ", "D")


def _estimate(counts: dict[str, Counter]) -> dict:
    """Emission costs: counts plus look-alike priors, smoothed towards the letter's family (ố ← ô ← o) so that
    a tone variant with few examples borrows what its siblings showed. Negligible emissions are dropped (they
    then get the back-off cost)."""
    # counts become weights here: the look-alike priors add fractional counts
    weights: dict[str, Counter[str]] = {tc: Counter(c) for tc, c in counts.items()}
    for letters, shares in PRIOR_LOOKALIKES.items():
        for tc in letters:
            total = sum(weights.get(tc, Counter()).values())
            for e, share in shares.items():
                weights.setdefault(tc, Counter())[e] += share * (total + 20)  # type: ignore[assignment]
    for tc in VOWEL_LETTERS:
        total = sum(weights.get(tc, Counter()).values())
        for e in "aeiou":
            if e != _plain(tc):
                weights.setdefault(tc, Counter())[e] += VOWEL_SWAP_SHARE * (total + 20)  # type: ignore[assignment]
    plain: dict[str, Counter] = defaultdict(Counter)
    shape: dict[str, Counter] = defaultdict(Counter)
    for tc, c in weights.items():
        plain[_plain(tc)].update(c)
        shape[_shape(tc)].update(c)

    def smoothed(c: Counter, parent: dict[str, float], parent_unseen: float, mass: float) -> tuple[dict, float]:
        total = sum(c.values()) + mass
        probs = {e: n / total for e, n in c.items()}
        for e, p in parent.items():
            probs[e] = probs.get(e, 0.0) + mass * p / total
        return probs, mass * parent_unseen / total

    emit, unseen = {}, {}
    plain_p: dict[str, tuple[dict[str, float], float]] = {}
    for b, c in plain.items():
        plain_total: float = sum(c.values()) + UNSEEN_ALPHA
        plain_p[b] = ({e: n / plain_total for e, n in c.items()}, UNSEEN_ALPHA / plain_total)
    shape_p = {s: smoothed(c, *plain_p[_plain(s)], BACKOFF_MASS) for s, c in shape.items()}
    for tc, c in weights.items():
        probs, rest = smoothed(c, *shape_p[_shape(tc)], BACKOFF_MASS)
        # What the rendered data never showed still happens on real scans (dirt, broken strokes): a flat
        # cost, not the vanishing Dirichlet remainder of a letter seen thousands of times.
        unseen[tc] = round(min(-math.log(rest), UNSEEN_CAP), 3)
        kept = {e: round(-math.log(p), 3) for e, p in probs.items() if -math.log(p) < _unseen_cost(unseen[tc], e)}
        emit[tc] = dict(sorted(kept.items(), key=lambda kv: kv[1]))
    return {"emit": emit, "unseen": unseen}


def _unseen_cost(letter_unseen: float, e: str) -> float:
    return letter_unseen + UNSEEN_PER_CHAR * len(e) + (0.5 if not e else 0.0)


def _cost_function(table: dict) -> Callable[[str, str], float]:
    emit, unseen = table["emit"], table["unseen"]

    def cost(tc: str, e: str) -> float:
        row = emit.get(tc)
        if row is not None:
            c = row.get(e)
            if c is not None:
                return c
            return _unseen_cost(unseen[tc], e)
        return _initial_cost(tc, e) + 3.0

    return cost


def learn_channel(pairs: Iterable[tuple[str, str, int]], iterations: int = 3) -> dict:
    """Learn emission costs from (garbled, true, count) word pairs by Viterbi EM. Returns the table to save."""
    data = [(nfc(g), nfc(t), n) for g, t, n in pairs if g and t and len(t) <= 12 and len(g) <= MAX_EMIT * len(t)]
    cost: Callable[[str, str], float] = _initial_cost
    table: dict = {}
    for _ in range(iterations):
        counts: dict[str, Counter] = defaultdict(Counter)
        for g, t, n in data:
            total, path = _viterbi_align(g, t, cost)
            if total == math.inf or total > 12.0 * len(t):
                continue  # misaligned pair (a word of another line): teaches nothing
            for tc, e in path:
                counts[tc][e] += n
        table = _estimate(counts)
        cost = _cost_function(table)
    table["multi_fold"] = _learned_multi_folds(table)
    table["format"] = FORMAT
    table["identity_weight"] = IDENTITY_WEIGHT
    table["pairs"] = sum(n for _, _, n in data)
    return table


def _learned_multi_folds(table: dict) -> dict[str, str]:
    """Multi-character garble pieces that usually stand for one letter ('ii' → u): used by the prefilter."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for tc, row in table["emit"].items():
        for e, c in row.items():
            if len(e) >= 2 and c < 4.0 and e.isalpha() and e.islower() and _fold(e) != _base_letter(tc):
                votes[e.lower()][_base_letter(tc)] += math.exp(-c)  # type: ignore[assignment]  # float weights
    return {e: v.most_common(1)[0][0] for e, v in sorted(votes.items())}


def save_channel(table: dict, path: Path) -> None:
    tmp = Path(str(path) + ".tmp")
    tmp.write_text(
        json.dumps(table, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    os.replace(tmp, path)


# ---------------------------------------------------------------- scoring


class Channel:
    """A learned channel table plus the syllable index used to find candidates."""

    def __init__(self, table: dict, syllables: Iterable[str] | None = None):
        if table.get("format") != FORMAT:
            raise ValueError(f"channel table format {table.get('format')!r}, expected {FORMAT}")
        self.table = table
        self.identity_weight = float(table.get("identity_weight", IDENTITY_WEIGHT))
        self._cost = _cost_function(table)
        self._multi_fold = {**BASE_MULTI_FOLD, **table.get("multi_fold", {})}
        self._syllables = frozenset(syllables) if syllables is not None else None
        self._by_key: dict[str, tuple[str, ...]] | None = None
        self._rows: dict[str, tuple[dict[str, float], float]] = {}
        self._plain_rows: dict[str, tuple[dict[str, float], float]] = {}
        self._family: dict[str, list[str]] = defaultdict(list)
        for letter in table["emit"]:
            self._family[_plain(letter)].append(letter)
        self.candidates = lru_cache(maxsize=200_000)(self._candidates)

    # -- index
    def _index(self) -> dict[str, tuple[str, ...]]:
        if self._by_key is None:
            if self._syllables is None:
                from . import lexicon

                self._syllables = lexicon.syllables()
            groups: dict[str, list[str]] = defaultdict(list)
            for s in sorted(self._syllables):
                groups[key_of(s)].append(s)
            self._by_key = {k: tuple(v) for k, v in groups.items()}
            self._keys = sorted(self._by_key)
        return self._by_key

    def skeletons(self, token: str) -> set[str]:
        """Coarse ASCII spellings of a garbled token after look-alike folding (a few when pieces are ambiguous)."""
        low = token.lower()
        out = {_fold(low)}
        for piece, letter in self._multi_fold.items():
            if piece in low:
                out |= {_fold(s.replace(piece, letter)) for s in list(out) + [low]}
        return {s for s in out if s}

    def _candidate_keys(self, token: str) -> list[str]:
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        by_key = self._index()
        found: dict[str, int] = {}
        for skel in self.skeletons(token):
            cutoff = 1 if len(skel) <= 2 else 2
            for key, dist, _ in process.extract(
                skel, self._keys, scorer=Levenshtein.distance, score_cutoff=cutoff, limit=60
            ):
                if dist < found.get(key, 99):
                    found[key] = dist
        if not found:
            return []
        best = min(found.values())
        keys = sorted((d, abs(len(k) - len(token)), k) for k, d in found.items() if d <= best + 1)
        return [k for _, _, k in keys[:40] if k in by_key]

    # -- costs
    def _row(self, letter: str) -> tuple[dict[str, float], float]:
        """Emission costs of one cased letter and its back-off base (letters never trained: stay or go plain)."""
        row = self._rows.get(letter)
        if row is None:
            emit = self.table["emit"].get(letter)
            if emit is None:
                emit = {letter: 0.0, _plain(letter): 1.0}
            row = self._rows[letter] = (emit, self.table["unseen"].get(letter, UNSEEN_CAP))
        return row

    def _plain_row(self, letter: str) -> tuple[dict[str, float], float]:
        """For a bare letter: per emission the cheapest cost over all letters of its family (a lower bound)."""
        row = self._plain_rows.get(letter)
        if row is None:
            best: dict[str, float] = {}
            unseen = UNSEEN_CAP
            for tc in self._family.get(letter, (letter,)):
                emit, un = self._row(tc)
                unseen = min(unseen, un)
                for e, c in emit.items():
                    if c < best.get(e, math.inf):
                        best[e] = c
            row = self._plain_rows[letter] = (best, unseen)
        return row

    def learned_cost(self, token: str, cased: str) -> float:
        """−log P_learned(token | cased syllable): cheapest split of the token into the letters' emissions."""
        return _dp_cost(token, [self._row(c) for c in cased])

    def cost(self, token: str, syllable: str) -> float:
        """−log P(token | syllable) in nats, ≥ 0. ``syllable`` is lowercase; it is given the token's letter case."""
        token, syllable = nfc(token), nfc(syllable)
        cased = apply_case(syllable, token)
        return self._mix(token, syllable, cased, self.learned_cost(token, cased))

    def _mix(self, token: str, syllable: str, cased: str, learned: float) -> float:
        p = (1.0 - self.identity_weight) * math.exp(-learned) if learned < 700 else 0.0
        if token == cased or canonical(token) == syllable:
            p += self.identity_weight
        return max(0.0, -math.log(p)) if p > 0 else math.inf

    def _candidates(self, token: str, limit: int) -> tuple[tuple[str, float], ...]:
        token = nfc(token).strip(_STRIP)
        if not is_wordlike(token):
            return ()
        by_key = self._index()
        # Branch and bound: a key's bare-letter cost is a lower bound for each of its toned forms, so keys are
        # visited cheapest first and the search stops once no form of the next key can enter the top ``limit``.
        bounds = sorted(
            (_dp_cost(token, [self._plain_row(c) for c in apply_case(k, token)]), k)
            for k in self._candidate_keys(token)
        )
        scored: list[tuple[float, str]] = []
        for bound, key in bounds:
            if len(scored) >= limit and bound > scored[limit - 1][0] + TIE_MARGIN:
                break
            for form in by_key[key]:
                cased = apply_case(form, token)
                scored.append((self._mix(token, form, cased, self.learned_cost(token, cased)), form))
            scored.sort()
        # Forms of one key often cost nearly the same (the English model drops every mark alike: "dan" is as
        # likely dân as dan or đàn); cutting such a tie at ``limit`` would hide the right one from the language
        # model, so near-ties of the last kept candidate come along (up to 3 × limit).
        if len(scored) > limit:
            edge = scored[limit - 1][0] + TIE_MARGIN
            scored = scored[:limit] + [x for x in scored[limit : 3 * limit] if x[0] <= edge]
        identity = canonical(token)
        top = [(f, round(c, 4)) for c, f in scored if c < math.inf]
        if self._syllables is not None and identity in self._syllables and all(f != identity for f, _ in top):
            top.append((identity, round(self.cost(token, identity), 4)))
            top.sort(key=lambda fc: (fc[1], fc[0]))
        return tuple(top)


def _dp_cost(g: str, rows: list[tuple[dict[str, float], float]]) -> float:
    """Cheapest way to write ``g`` as consecutive emissions (0–3 characters) of the letters in ``rows``."""
    n = len(g)
    if n > MAX_EMIT * len(rows):
        return math.inf
    inf = math.inf
    prev = [0.0] + [inf] * n
    for emit, unseen in rows:
        cur = [inf] * (n + 1)
        for j in range(n + 1):
            best = inf
            for b in range(min(MAX_EMIT, j) + 1):
                p = prev[j - b]
                if p >= best:
                    continue
                c = emit.get(g[j - b : j])
                if c is None:
                    c = unseen + UNSEEN_PER_CHAR * b + (0.5 if b == 0 else 0.0)
                if p + c < best:
                    best = p + c
            cur[j] = best
        prev = cur
    return prev[n]


def is_wordlike(token: str) -> bool:
    """Could this token be one (garbled) Vietnamese syllable? Numbers, dates, codes (57-NQ/TW), abbreviations
    without any vowel (UBND, HĐND) and over-long strings are not."""
    if not token or len(token) > MAX_TOKEN_LEN or _CODE_RE.search(token):
        return False
    if not any(c.isalpha() or c in _WORDISH_SYMBOLS for c in token):
        return False
    if sum(c.isdigit() for c in token) > 1:
        return False
    letters = [c for c in token if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        if not any(c in _VOWELISH for c in token) or _CAPS_CONSONANT_RUN.search(token):
            return False  # HĐND, VT, UBND, UBMTTQVN: capitals without a vowel or with BND-like runs

    return True


@lru_cache(maxsize=1)
def _default_table() -> dict:
    raw = resources.files("diacritics").joinpath("data", "channel.json").read_text(encoding="utf-8")
    return json.loads(raw)


_override: list[Channel] = []


def default_channel() -> Channel:
    """The shipped channel (``diacritics/data/channel.json``), or the one installed with ``use_channel``."""
    if _override:
        return _override[-1]
    return _shipped_channel()


@lru_cache(maxsize=1)
def _shipped_channel() -> Channel:
    return Channel(_default_table())


def use_channel(channel: Channel | None) -> None:
    """Install another channel (e.g. learned without the document under test); None restores the shipped one."""
    _override.clear()
    if channel is not None:
        _override.append(channel)


def garble_candidates(token: str, limit: int = 10) -> list[tuple[str, float]]:
    """Candidate syllables for an OCR token, best first, with channel cost −log P(token | syllable) ≥ 0.

    Lowercase NFC syllables in classic tone placement (the caller restores case). The token's own canonical
    form is included whenever it is a valid syllable. Candidates within TIE_MARGIN of the ``limit``-th come along
    (up to 3 × limit), so the list can be longer than ``limit``. Empty for numbers, codes and abbreviations.
    """
    return list(default_channel().candidates(token, limit))


def channel_cost(token: str, syllable: str) -> float:
    """−log P(token | syllable) under the default channel."""
    return default_channel().cost(token, syllable)


@lru_cache(maxsize=1)
def ocr_alphabet() -> frozenset[str]:
    """Every character the English model was seen to write (ASCII letters, é, a few symbols): a word with a
    letter outside it (ạ, đ, ư, ủ …) did not come out of that model and is not its garble."""
    chars = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for row in _default_table()["emit"].values():
        for emission in row:
            chars.update(emission)
    return frozenset(chars)


def written_by_english_ocr(token: str) -> bool:
    alphabet = ocr_alphabet()
    return all(c in alphabet for c in token)
