"""Syllable trigram language model with interpolated Kneser-Ney smoothing, built from the count tables in
``diacritics/data`` (registry text + clean in-domain documents weighted up).

Syllables are integer ids; an n-gram is packed into one int (``a * M + b``) so that scoring is a dict lookup.
``load_model()`` is cached; ``build_model(exclude=...)`` lets a benchmark leave one seed document out.
"""

from __future__ import annotations

import gzip
import math
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .lexicon import syllables
from .phonology import key_of

BOS, EOS = "<s>", "</s>"
SEED_WEIGHT = 20.0  # in-domain documents count this many times over the registry text
MAX_FORMS = 12  # candidate forms per accent-free key (most frequent first)


@dataclass
class LanguageModel:
    vocab: list[str]  # id → syllable (0 = <s>, 1 = </s>)
    ids: dict[str, int]
    radix: int  # M: n-gram packing base
    uni: list[float]  # log P1(w)
    bi: dict[int, float]  # a*M+b → log P2(b|a), seen bigrams
    bo2: list[float]  # log γ(a): back-off weight of context a
    tri: dict[int, float]  # (a*M+b)*M+c → log P3(c|a,b), seen trigrams
    bo3: dict[int, float]  # a*M+b → log γ(a,b)
    forms: dict[str, tuple[int, ...]]  # accent-free key → candidate ids, most frequent first
    unigram_count: list[float]

    def logp2(self, a: int, b: int) -> float:
        v = self.bi.get(a * self.radix + b)
        return v if v is not None else self.bo2[a] + self.uni[b]

    def logp3(self, a: int, b: int, c: int) -> float:
        ab = a * self.radix + b
        v = self.tri.get(ab * self.radix + c)
        if v is not None:
            return v
        return self.bo3.get(ab, 0.0) + self.logp2(b, c)


def _read_counts(name: str) -> dict[tuple[str, ...], float]:
    raw = resources.files("diacritics").joinpath("data", name).read_bytes()
    counts: dict[tuple[str, ...], float] = {}
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        gram, _, n = line.rpartition("\t")
        counts[tuple(gram.split(" "))] = float(n)
    return counts


def seed_ids() -> list[str]:
    names = [p.name for p in resources.files("diacritics").joinpath("data").iterdir()]
    return sorted(n[len("ngrams_seed_"):-len(".tsv.gz")] for n in names if n.startswith("ngrams_seed_"))


@lru_cache(maxsize=8)
def _cached_counts(name: str) -> dict[tuple[str, ...], float]:
    return _read_counts(name)


def _discount(counts_of_counts: dict[int, int]) -> float:
    n1, n2 = counts_of_counts.get(1, 0), counts_of_counts.get(2, 0)
    return n1 / (n1 + 2 * n2) if n1 and n2 else 0.5


def build_model(exclude: tuple[str, ...] = (), seed_weight: float = SEED_WEIGHT, include_seeds: bool = True) -> LanguageModel:
    """Combine registry counts with the seed documents' counts (× ``seed_weight``), leaving out ``exclude``."""
    counts: dict[tuple[str, ...], float] = defaultdict(float)
    for gram, n in _cached_counts("ngrams_registry.tsv.gz").items():
        counts[gram] += n
    if include_seeds:
        for sid in seed_ids():
            if sid in exclude:
                continue
            for gram, n in _cached_counts(f"ngrams_seed_{sid}.tsv.gz").items():
                counts[gram] += n * seed_weight
    return _estimate(counts)


def _estimate(counts: dict[tuple[str, ...], float]) -> LanguageModel:
    inventory = syllables()
    vocab = [BOS, EOS, *sorted(inventory)]
    ids = {w: i for i, w in enumerate(vocab)}
    m = 1 << (len(vocab) - 1).bit_length()
    uni_c = [0.0] * len(vocab)
    bi_c: dict[int, float] = {}
    tri_c: dict[int, float] = {}
    coc = {2: defaultdict(int), 3: defaultdict(int)}
    for gram, n in counts.items():
        try:
            g = [ids[w] for w in gram]
        except KeyError:
            continue
        if len(g) == 1:
            uni_c[g[0]] += n
        elif len(g) == 2:
            bi_c[g[0] * m + g[1]] = n
        else:
            tri_c[(g[0] * m + g[1]) * m + g[2]] = n
        if len(g) > 1 and n == int(n) and n <= 2:
            coc[len(g)][int(n)] += 1
    d2, d3 = _discount(coc[2]), _discount(coc[3])

    # Unigram: Kneser-Ney continuation counts (how many distinct left neighbours), add-0.5 for unseen.
    cont = [0.0] * len(vocab)
    for k in bi_c:
        cont[k % m] += 1
    total = sum(cont) + 0.5 * len(vocab)
    uni = [math.log((c + 0.5) / total) for c in cont]

    # Bigram: absolute discounting of (weighted) counts, interpolated with the unigram.
    ctx2_total = [0.0] * len(vocab)
    ctx2_types = [0] * len(vocab)
    for k, n in bi_c.items():
        a = k // m
        ctx2_total[a] += n
        ctx2_types[a] += 1
    gamma2 = [d2 * t / c if c else 1.0 for t, c in zip(ctx2_types, ctx2_total)]
    bo2 = [math.log(g) for g in gamma2]
    bi = {}
    for k, n in bi_c.items():
        a, b = divmod(k, m)
        bi[k] = math.log(max(n - d2, 0.0) / ctx2_total[a] + gamma2[a] * math.exp(uni[b]))

    # Trigram: same scheme over the bigram.
    ctx3_total: dict[int, float] = defaultdict(float)
    ctx3_types: dict[int, int] = defaultdict(int)
    for k, n in tri_c.items():
        ab = k // m
        ctx3_total[ab] += n
        ctx3_types[ab] += 1
    bo3 = {ab: math.log(d3 * ctx3_types[ab] / c) for ab, c in ctx3_total.items()}
    tri = {}
    for k, n in tri_c.items():
        ab, c = divmod(k, m)
        b = ab % m
        p2 = bi.get(b * m + c)
        p2 = math.exp(p2) if p2 is not None else gamma2[b] * math.exp(uni[c])
        tri[k] = math.log(max(n - d3, 0.0) / ctx3_total[ab] + math.exp(bo3[ab]) * p2)

    groups: dict[str, list[int]] = defaultdict(list)
    for w in inventory:
        groups[key_of(w)].append(ids[w])
    forms = {}
    for key, members in groups.items():
        members.sort(key=lambda i: (-uni_c[i], vocab[i]))
        forms[key] = tuple(members[:MAX_FORMS])
    return LanguageModel(vocab, ids, m, uni, bi, bo2, tri, bo3, forms, uni_c)


@lru_cache(maxsize=1)
def load_model() -> LanguageModel:
    """The shipped model: registry text + every clean seed document."""
    return build_model()
