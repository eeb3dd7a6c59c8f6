"""Decoding: the best syllable chain through a lattice of candidate forms under the trigram model (beam
Viterbi), and the confidence of each chosen form. Kept apart from ``engine`` (tokens, candidates, rewriting)
because this is the hot loop: speed work happens here.

Speed (issue #3; each step measured against the one before, see benchmarks/bench_restore.py):
- ``LanguageModel.logp3`` is inlined, and a history that no stored trigram continues (it has no back-off
  weight) skips the trigram table, the costliest lookup;
- back-pointers are one dict per position, not a linked tuple per candidate; the beam is cut with sorted()
  (C) rather than heapq.nlargest (Python), which is documented to give the same list, ties included;
- a chain or a confidence asked again (recurring phrases: "Ủy ban nhân dân", "Căn cứ …", headings) comes
  from a memo kept on the model.
Results are exactly those of the first, plain version (kept in tests/test_diacritics_decode.py as the
reference): the same float operations in the same order, and states and candidates visited in the same order,
because on an exact tie of scores the first path to reach a state keeps it.
"""

from __future__ import annotations

import math
from operator import itemgetter

from .model import LanguageModel

UNK_LOGP = -18.0  # LM log-probability of keeping a token that is not a syllable (foreign word, garble left as is)
BEAM = 8  # states kept per position
BEAM_WIDTH = 13.0  # … and only those within this many nats of the best
MEMO_LIMIT = 20_000  # entries per memo (about 0.5 KB each on the seeds: ~10 MB when full); full → emptied

Column = list[tuple[int, float]]  # one lattice position: (id, channel log-cost) per candidate form
_SCORE = itemgetter(1)


def decode(lm: LanguageModel, lattice: list[Column], end_share: float = 1.0) -> list[int]:
    """Best sequence of ids through ``lattice`` (per position: (id, channel log-cost)) under the trigram
    model, with </s> at the end. Id -1 means 'keep the original token' (scored UNK_LOGP, resets context).
    ``end_share`` < 1: the chain may not end a sentence (a wrapped line); the end then scores
    log(share·P(</s>|h) + (1 − share)), so words that rarely end a sentence are not pushed out."""
    memo = _memo(lm, "_decode_memo")
    key = (end_share, *map(tuple, lattice))
    seq = memo.get(key)
    if seq is None:
        seq = memo[key] = tuple(viterbi(lm, lattice, end_share))
    return list(seq)


def viterbi(lm: LanguageModel, lattice: list[Column], end_share: float = 1.0) -> list[int]:
    """``decode`` without the memo. Beam Viterbi: a state is the last two ids packed as p2*M + p1; the BEAM
    best states survive each step. A step from (p2, p1) to id c lands in state p1*M + c (0 after a kept
    unknown token, which resets the context)."""
    m = lm.radix
    tri_get, bi_get, bo3_get, bo2, uni, logp3 = lm.tri.get, lm.bi.get, lm.bo3.get, lm.bo2, lm.uni, lm.logp3
    states: dict[int, float] = {0: 0.0}  # state → best score; <s> <s> to start
    steps: list[tuple[dict[int, int], int]] = []  # per position: (state → state it came from, id kept at state 0)
    for column in lattice:
        nxt: dict[int, float] = {}
        back: dict[int, int] = {}
        unk_id = -1
        for state, score in states.items():
            p1 = state % m
            # Every stored trigram's history has a back-off weight: without one the trigram table is skipped
            # (logp3 would add a weight of 0.0 to the bigram, which changes no float).
            g3 = bo3_get(state)
            tri_base = state * m
            bi_base = p1 * m
            g2 = bo2[p1]
            for cid, cost in column:
                if cid < 0:  # an unknown word ends the run: pay </s> after the history, then UNK
                    s = score + UNK_LOGP + cost + logp3(state // m, p1, 1)
                    old = nxt.get(0)
                    if old is None or s > old:
                        nxt[0], back[0], unk_id = s, state, cid
                    continue
                v = tri_get(tri_base + cid) if g3 is not None else None  # logp3(p2, p1, cid), inlined
                if v is None:
                    v = bi_get(bi_base + cid)
                    if v is None:
                        v = g2 + uni[cid]
                    if g3 is not None:
                        v = g3 + v
                s = score + v + cost
                key = bi_base + cid
                old = nxt.get(key)
                if old is None or s > old:
                    nxt[key] = s
                    back[key] = state
        if len(nxt) > 1:
            floor = max(nxt.values()) - BEAM_WIDTH
            kept = {k: s for k, s in nxt.items() if s >= floor}
            # sorted(…)[:BEAM] is what heapq.nlargest is documented to equal (ties keep their order), in C
            states = dict(sorted(kept.items(), key=_SCORE, reverse=True)[:BEAM]) if len(kept) > BEAM else kept
        else:
            states = nxt
        steps.append((back, unk_id))
    best_score, best_state = -math.inf, None
    for state, score in states.items():
        s = score + end_logp(logp3(state // m, state % m, 1), end_share)
        if s > best_score:
            best_score, best_state = s, state
    if best_state is None:  # an empty column left no path
        return []
    out: list[int] = []
    state = best_state
    for back, unk_id in reversed(steps):
        out.append(state % m if state else unk_id)
        state = back[state]
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


def local_confidence(lm: LanguageModel, seq: list[int], lattice: list[Column], i: int, end_share: float = 1.0) -> float:
    """Share of probability the chosen form at ``i`` gets among its alternatives, the neighbours held fixed
    (the two trigrams that end at ``i`` and right after it; at the chain's end </s> as ``decode`` scores it)."""
    column = lattice[i]
    if len(column) == 1:
        return 1.0
    p2 = seq[i - 2] if i >= 2 else 0
    p1 = seq[i - 1] if i >= 1 else 0
    if p1 < 0:  # after a kept unknown token the context starts afresh, as in ``decode``
        p2 = p1 = 0
    p2 = max(p2, 0)
    n1 = seq[i + 1] if i + 1 < len(seq) else 1
    memo = _memo(lm, "_confidence_memo")
    key = (p2, p1, seq[i], n1, end_share, tuple(column))
    conf = memo.get(key)
    if conf is None:
        conf = memo[key] = choice_share(lm, p2, p1, seq[i], n1, column, end_share)
    return conf


def choice_share(
    lm: LanguageModel, p2: int, p1: int, chosen_id: int, n1: int, column: Column, end_share: float
) -> float:
    """``local_confidence`` without the memo: the share of ``chosen_id`` among the candidates of ``column``
    between the history (p2, p1) and the next id ``n1`` (1: the chain's end; negative: a kept unknown token,
    before which </s> is paid)."""
    after = 1 if n1 < 0 else n1
    m, tri_get, bi_get, bo3_get, bo2, uni = lm.radix, lm.tri.get, lm.bi.get, lm.bo3.get, lm.bo2, lm.uni
    h = p2 * m + p1
    g3 = bo3_get(h)  # None: no trigram continues this history (see ``viterbi``)
    tri_base, bi_base, g2 = h * m, p1 * m, bo2[p1]
    scores = []
    chosen = 0
    for k, (cid, cost) in enumerate(column):
        if cid == chosen_id:
            chosen = k
        if cid < 0:  # scored as ``decode`` does: </s> after the history, UNK, then the next word afresh
            scores.append(cost + UNK_LOGP + lm.logp3(p2, p1, 1) + next_logp(lm, 0, 0, n1, end_share))
            continue
        v = tri_get(tri_base + cid) if g3 is not None else None  # logp3(p2, p1, cid), inlined
        if v is None:
            v = bi_get(bi_base + cid)
            if v is None:
                v = g2 + uni[cid]
            if g3 is not None:
                v = g3 + v
        ab = p1 * m + cid  # logp3(p1, cid, after), inlined
        g3_ab = bo3_get(ab)
        w = tri_get(ab * m + after) if g3_ab is not None else None
        if w is None:
            w = bi_get(cid * m + after)
            if w is None:
                w = bo2[cid] + uni[after]
            if g3_ab is not None:
                w = g3_ab + w
        if n1 == 1:
            w = end_logp(w, end_share)
        scores.append(cost + v + w)
    top = max(scores)
    z = sum([math.exp(s - top) for s in scores])
    return math.exp(scores[chosen] - top) / z


def _memo(lm: LanguageModel, name: str) -> dict:
    """A memo kept on the model (decoding depends on nothing else); emptied once it holds MEMO_LIMIT entries."""
    memo = lm.__dict__.get(name)
    if memo is None or len(memo) >= MEMO_LIMIT:
        memo = lm.__dict__[name] = {}
    return memo
