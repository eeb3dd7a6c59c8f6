"""Channel of Tesseract's Vietnamese model: how likely the OCR wrote token ``o`` for the true syllable ``s``,
given the word confidence it reported.

Tesseract's ``vie`` model knows every Vietnamese letter, so its errors are mostly valid syllables with the wrong
marks (khẩn read khân, chống read chông, Đào read Đảo): the same letters, another tone or vowel shape, or d for
đ. The model here:

    P(o | s, c) = (1 − ε(c))                          if o = s
                = ε(c) · Q(o | s)                     otherwise

ε(c) is the share of words the OCR got wrong at confidence ``c`` (learned per confidence bin), Q(o | s) the
letter confusions: each letter of ``s`` is read as a letter of the same base (ấ → â, ơ → o, đ → d) with the
learned rates, normalised over the readings that differ from ``s``. Costs are −log P in nats.

The counts come from ``tools/build_vie_channel.py`` (pages rendered and OCR'd with the project's pipeline, and
real scans with transcriptions), kept per source so that a benchmark can leave a document out
(``OcrChannel.from_counts(counts, exclude=...)``).
"""

from __future__ import annotations

import json
import math
import os
from bisect import bisect_right
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .phonology import canonical, key_of, nfc

# Upper edges of the confidence bins (Tesseract's word confidence as 0–1).
CONF_BINS = (0.3, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.96, 1.01)
FILE = "vie_channel.json"
PRIOR_ERRORS = 1.0  # pseudo-count of wrong-mark words per bin (a bin with few words is not taken as error-free)
PRIOR_WORDS = 50.0  # … over this many words at the overall rate
LETTER_PRIOR = 0.5  # pseudo-count for a letter confusion of the same base never seen in training
ALT_BUCKETS = (0.0, 0.3, 0.6, 1.01)  # an alternative's confidence: absent/0, ≤ 0.3, ≤ 0.6, more
ALT_PRIOR = 1.0


def alt_bucket(conf: float) -> int:
    return 0 if conf <= 0.0 else min(bisect_right(ALT_BUCKETS, conf), len(ALT_BUCKETS) - 1)


def conf_bin(confidence: float) -> int:
    return min(bisect_right(CONF_BINS, confidence), len(CONF_BINS) - 1)


def letter_pairs(truth: str, ocr: str) -> list[tuple[str, str]]:
    """(true letter, OCR letter) per position of two words with the same accent-free key, lowercased."""
    t, o = nfc(truth).lower(), nfc(ocr).lower()
    if len(t) != len(o) or key_of(t) != key_of(o):
        return []
    return list(zip(t, o))


def save_counts(sources: dict, path: Path) -> None:
    tmp = Path(str(path) + ".tmp")
    tmp.write_text(
        json.dumps(
            {"format": 1, "bins": CONF_BINS, "sources": sources},
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )
        + "\n",
        encoding="utf-8",
    )
    os.replace(tmp, path)


@lru_cache(maxsize=1)
def shipped_counts() -> dict:
    raw = resources.files("diacritics").joinpath("data", FILE).read_text(encoding="utf-8")
    return json.loads(raw)


class OcrChannel:
    """Costs −log P(o | s, c) estimated from per-source counts (see the module's docstring)."""

    def __init__(self, letters: dict[str, dict[str, float]], bins: list[tuple[float, float]]):
        # letters[s][o]: in wrong-mark words, how often true letter s was read as o (o == s included);
        # bins[k] = (words, wrong-mark words) at confidence bin k
        self.stay: dict[str, float] = {}  # log q(s | s)
        self.swap: dict[str, dict[str, float]] = {}  # log q(o | s), o ≠ s
        self.unseen: dict[str, float] = {}  # log q(o | s) for a same-base o never seen
        for s, row in letters.items():
            total = sum(row.values()) + LETTER_PRIOR
            self.stay[s] = math.log(max(row.get(s, 0.0), LETTER_PRIOR) / total)
            self.swap[s] = {o: math.log(n / total) for o, n in row.items() if o != s and n > 0}
            self.unseen[s] = math.log(LETTER_PRIOR / 4 / total)
        words = sum(w for w, _ in bins)
        errors = sum(e for _, e in bins)
        rate = (errors + PRIOR_ERRORS) / (words + PRIOR_WORDS)
        self.error_rate = [(e + PRIOR_WORDS * rate) / (w + PRIOR_WORDS) for w, e in bins]
        # a word whose confidence is unknown but not low (the pipeline names only the words below 0.6)
        upper = [(w, e) for (w, e), edge in zip(bins, CONF_BINS) if edge > 0.6]
        w_up, e_up = sum(w for w, _ in upper), sum(e for _, e in upper)
        self.unknown_rate = (e_up + PRIOR_WORDS * rate) / (w_up + PRIOR_WORDS)
        self.memo: dict[tuple[str, str, int], float] = {}
        self.alt_ratio: list[float] = []  # log E(b)/C(b) per alternative-confidence bucket b (see alternative_cost)

    @property
    def has_alternatives(self) -> bool:
        return bool(self.alt_ratio)

    def set_alternatives(self, errors: list[float], right: list[float]) -> None:
        """Per bucket of ALT_BUCKETS: how often the true letter of a misread position had that confidence among
        the OCR's alternatives (``errors``), and how often another letter of the same base did at a position
        read right (``right``)."""
        e_total, r_total = sum(errors) + ALT_PRIOR * len(errors), sum(right) + ALT_PRIOR * len(right)
        self.alt_ratio = [
            math.log((e + ALT_PRIOR) / e_total) - math.log((r + ALT_PRIOR) / r_total) for e, r in zip(errors, right)
        ]

    def alternative_cost(self, alternatives: tuple, read: str, syllable: str) -> float:
        """−log of the evidence the OCR's alternatives give for ``syllable`` against the word as read: at each
        letter where they differ, the likelihood ratio of the syllable's letter's confidence among the
        alternatives (0 when the word as read is the syllable, or the letters do not line up)."""
        if len(read) != len(syllable) or len(alternatives) != len(read) or read == syllable:
            return 0.0
        total = 0.0
        for k, (r, s) in enumerate(zip(read, syllable)):
            if r == s:
                continue
            conf = max((c for a, c in alternatives[k] if a.lower() == s), default=0.0)
            total += self.alt_ratio[alt_bucket(conf)]
        return -total

    @classmethod
    def from_counts(
        cls, counts: dict, exclude: frozenset[str] = frozenset(), only: frozenset[str] | None = None
    ) -> OcrChannel:
        letters: dict[str, dict[str, float]] = {}
        bins = [[0.0, 0.0] for _ in CONF_BINS]
        alternatives: dict[str, list[float]] = {}
        for source, stats in counts["sources"].items():
            if source in exclude or (only is not None and source not in only):
                continue
            for s, row in stats["letters"].items():
                for o, n in row.items():
                    letters.setdefault(s, {})
                    letters[s][o] = letters[s].get(o, 0.0) + n
            for k, (ok, marks, other) in stats["conf"].items():
                bins[int(k)][0] += ok + marks + other
                bins[int(k)][1] += marks
            for part, values in stats.get("alternatives", {}).items():
                for b, n in enumerate(values):
                    alternatives.setdefault(part, [0.0] * len(ALT_BUCKETS))[b] += n
        channel = cls(letters, [(w, e) for w, e in bins])
        if alternatives.get("errors") and alternatives.get("right"):
            channel.set_alternatives(alternatives["errors"], alternatives["right"])
        return channel

    def confusion_cost(self, ocr: str, syllable: str) -> float:
        """−log Q(ocr | syllable): the letters' readings (learned in wrong-mark words), normalised over the
        readings that differ from the syllable; inf if the accent-free keys differ."""
        pairs = letter_pairs(syllable, ocr)
        if not pairs:
            return math.inf
        log_q = 0.0
        log_stay = 0.0
        for s, o in pairs:
            stay = self.stay.get(s, 0.0)
            log_stay += stay
            if s == o:
                log_q += stay
            else:
                row = self.swap.get(s)
                log_q += row.get(o, self.unseen[s]) if row is not None else math.log(LETTER_PRIOR / 100)
        rest = 1.0 - math.exp(log_stay)
        return -log_q + math.log(rest) if rest > 1e-9 else math.inf

    def cost(self, ocr: str, syllable: str, confidence: float | None) -> float:
        """−log P(ocr | syllable, confidence) in nats; ``syllable`` lowercase canonical, ``ocr`` as read (its
        canonical form is compared)."""
        k = conf_bin(confidence) if confidence is not None else -1
        key = (ocr, syllable, k)
        got = self.memo.get(key)
        if got is None:
            eps = self.error_rate[k] if k >= 0 else self.unknown_rate
            if canonical(ocr) == syllable:
                got = -math.log(1.0 - eps)
            else:
                got = -math.log(eps) + self.confusion_cost(canonical(ocr), syllable)
            self.memo[key] = got
        return got


@lru_cache(maxsize=1)
def shipped_channel() -> OcrChannel:
    return OcrChannel.from_counts(shipped_counts())
