"""Decoding: the best syllable chain through a lattice of candidate forms under the trigram model (beam
Viterbi), and the confidence of each chosen form. Kept apart from ``engine`` (tokens, candidates, rewriting)
because this is the hot loop: speed work happens here."""

from __future__ import annotations

import heapq
import math

from .model import LanguageModel

UNK_LOGP = -18.0  # LM log-probability of keeping a token that is not a syllable (foreign word, garble left as is)
BEAM = 8  # states kept per position
BEAM_WIDTH = 13.0  # … and only those within this many nats of the best


def decode(lm: LanguageModel, lattice: list[list[tuple[int, float]]], end_share: float = 1.0) -> list[int]:
    """Best sequence of ids through ``lattice`` (per position: (id, channel log-cost)) under the trigram
    model, with </s> at the end. Id -1 means 'keep the original token' (scored UNK_LOGP, resets context).
    ``end_share`` < 1: the chain may not end a sentence (a wrapped line); the end then scores
    log(share·P(</s>|h) + (1 − share)), so words that rarely end a sentence are not pushed out.

    Beam Viterbi: a state is the last two ids packed as p2*M + p1; the BEAM best states survive each step."""
    m, tri, bi, bo3, bo2, uni = lm.radix, lm.tri, lm.bi, lm.bo3, lm.bo2, lm.uni
    states: dict[int, tuple[float, tuple | None]] = {0: (0.0, None)}  # <s> <s>
    for cands in lattice:
        nxt: dict[int, tuple[float, tuple | None]] = {}
        for state, (score, chain) in states.items():
            p1 = state % m
            tri_base = state * m
            g3 = bo3.get(state, 0.0)
            bi_base = p1 * m
            g2 = bo2[p1]
            next_base = p1 * m
            for cid, cost in cands:
                if cid < 0:  # an unknown word ends the run: pay </s> after the history, then UNK
                    s = score + UNK_LOGP + cost + lm.logp3(state // m, p1, 1)
                    key = 0
                else:
                    v = tri.get(tri_base + cid)
                    if v is None:
                        v2 = bi.get(bi_base + cid)
                        v = g3 + (v2 if v2 is not None else g2 + uni[cid])
                    s = score + v + cost
                    key = next_base + cid
                old = nxt.get(key)
                if old is None or s > old[0]:
                    nxt[key] = (s, (cid, chain))
        if len(nxt) > 1:
            floor = max(v[0] for v in nxt.values()) - BEAM_WIDTH
            kept = {k: v for k, v in nxt.items() if v[0] >= floor}
            states = dict(heapq.nlargest(BEAM, kept.items(), key=_score)) if len(kept) > BEAM else kept
        else:
            states = nxt
    best_score, best_chain = -math.inf, None
    for state, (score, chain) in states.items():
        s = score + end_logp(lm.logp3(state // m, state % m, 1), end_share)
        if s > best_score:
            best_score, best_chain = s, chain
    out: list[int] = []
    while best_chain is not None:
        out.append(best_chain[0])
        best_chain = best_chain[1]
    out.reverse()
    return out


def next_logp(lm: LanguageModel, p2: int, p1: int, n1: int, end_share: float) -> float:
    """Log-probability ``decode`` gives the step after (p2, p1): the chain's end (n1 = </s>), a kept unknown
    token (n1 = -1: </s> after the history) or the next syllable."""
    if n1 == 1:
        return end_logp(lm.logp3(p2, p1, 1), end_share)
    return lm.logp3(p2, p1, 1 if n1 < 0 else n1)


def end_logp(eos_logp: float, end_share: float) -> float:
    if end_share >= 1.0:
        return eos_logp
    return float(math.log(end_share * math.exp(eos_logp) + (1.0 - end_share)))


def _score(item: tuple[int, tuple[float, tuple | None]]) -> float:
    return item[1][0]


def local_confidence(lm: LanguageModel, seq: list[int], lattice: list[list[tuple[int, float]]], i: int,
                     end_share: float = 1.0) -> float:
    """Share of probability the chosen form at ``i`` gets among its alternatives, the neighbours held fixed
    (the two trigrams that end at ``i`` and right after it; at the chain's end </s> as ``decode`` scores it)."""
    if len(lattice[i]) == 1:
        return 1.0
    p2 = seq[i - 2] if i >= 2 else 0
    p1 = seq[i - 1] if i >= 1 else 0
    if p1 < 0:  # after a kept unknown token the context starts afresh, as in ``decode``
        p2 = p1 = 0
    p2 = max(p2, 0)
    n1 = seq[i + 1] if i + 1 < len(seq) else 1
    scores = []
    chosen = 0
    for k, (cid, cost) in enumerate(lattice[i]):
        if cid == seq[i]:
            chosen = k
        if cid < 0:  # scored as ``decode`` does: </s> after the history, UNK, then the next word afresh
            s = cost + UNK_LOGP + lm.logp3(p2, p1, 1) + next_logp(lm, 0, 0, n1, end_share)
        else:
            s = cost + lm.logp3(p2, p1, cid) + next_logp(lm, p1, cid, n1, end_share)
        scores.append(s)
    top = max(scores)
    z = sum(math.exp(s - top) for s in scores)
    return math.exp(scores[chosen] - top) / z
