"""One definition of the OCR error rates, shared by tests and benchmarks.

CER and WER are computed on text normalised by :func:`normalise_for_cer`: Unicode NFC and every run of
whitespace (spaces, tabs, line breaks) collapsed to one space. Line structure and justification spacing
therefore do not count as errors; every other character does (case, diacritics, punctuation).
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz.distance import Levenshtein

_WHITESPACE = re.compile(r"\s+")


def normalise_for_cer(text: str) -> str:
    """NFC, whitespace runs collapsed to one space, ends stripped."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def cer(ref: str, hyp: str) -> float:
    """Character error rate: Levenshtein distance / reference length, on normalised text.

    An empty reference gives 0.0 for an empty hypothesis and 1.0 otherwise (so the rate stays finite).
    """
    ref_n, hyp_n = normalise_for_cer(ref), normalise_for_cer(hyp)
    if not ref_n:
        return 0.0 if not hyp_n else 1.0
    return Levenshtein.distance(ref_n, hyp_n) / len(ref_n)


def wer(ref: str, hyp: str) -> float:
    """Word error rate: Levenshtein distance over whitespace-separated tokens / reference token count."""
    ref_words, hyp_words = normalise_for_cer(ref).split(), normalise_for_cer(hyp).split()
    if not ref_words:
        return 0.0 if not hyp_words else 1.0
    return Levenshtein.distance(ref_words, hyp_words) / len(ref_words)


def char_errors(ref: str, hyp: str) -> tuple[int, int]:
    """(edit distance, reference length) on normalised text, for pooling CER over many pages."""
    ref_n, hyp_n = normalise_for_cer(ref), normalise_for_cer(hyp)
    return Levenshtein.distance(ref_n, hyp_n), len(ref_n)
