"""Syllable trigram language model with interpolated Kneser-Ney smoothing, built from the count tables in
``diacritics/data`` (registry text + clean in-domain documents weighted up).

Syllables are integer ids; an n-gram is packed into one int (``a * M + b``) so that scoring is a dict lookup.
``load_model()`` is cached; ``build_model(exclude=...)`` lets a benchmark leave one seed document out.
"""

from __future__ import annotations

import ast
import gzip
import hashlib
import inspect
import math
import textwrap
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from .lexicon import syllables, words
from .phonology import key_of

BOS, EOS = "<s>", "</s>"
SEED_WEIGHT = 10.0  # in-domain documents count this many times over the registry text
MAX_FORMS = 12  # candidate forms per accent-free key (most frequent first)
# Forms rarer than this share of the key's commonest form are not candidates (speed; they are almost never right).
MIN_FORM_SHARE = 0.002
MIN_TRIGRAM_COUNT = 1  # 2 halves the table but costs 0.16 points of accuracy
WORD_WEIGHT = 1.0  # each dictionary word counts as this many occurrences of its inner n-grams
DOMAIN_WEIGHT = 1.0  # legal/political sentences and place names (ngrams_domain.tsv.gz)
CORPUS_WEIGHT = 1.0  # the legal/administrative corpus (ngrams_corpus.tsv.gz, tools/build_lm.py)
REGISTRY_WEIGHT = 1.0  # the registry's UI, help and manual text (ngrams_registry.tsv.gz)
CORPUS_FILE = "ngrams_corpus.tsv.gz"


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
    digest: str = ""  # source_digest() of what a shipped model was estimated from

    def lattice_column(self, key: str) -> list[tuple[int, float]] | None:
        """The decoder's candidates for an accent-free key: (id, cost 0) per form; None if no syllable has it."""
        cache = self.__dict__.setdefault("_columns", {})
        col = cache.get(key, False)
        if col is False:
            forms = self.forms.get(key)
            col = cache[key] = [(cid, 0.0) for cid in forms] if forms else None
        return col

    def logp2(self, a: int, b: int) -> float:
        v = self.bi.get(a * self.radix + b)
        return v if v is not None else self.bo2[a] + self.uni[b]

    def logp3(self, a: int, b: int, c: int) -> float:
        m = self.radix
        ab = a * m + b
        v = self.tri.get(ab * m + c)
        if v is not None:
            return v
        v = self.bi.get(b * m + c)
        if v is None:
            v = self.bo2[b] + self.uni[c]
        return self.bo3.get(ab, 0.0) + v


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
    return sorted(n[len("ngrams_seed_") : -len(".tsv.gz")] for n in names if n.startswith("ngrams_seed_"))


@lru_cache(maxsize=8)
def _cached_counts(name: str) -> dict[tuple[str, ...], float]:
    return _read_counts(name)


def _discount(counts_of_counts: dict[int, int]) -> float:
    n1, n2 = counts_of_counts.get(1, 0), counts_of_counts.get(2, 0)
    return n1 / (n1 + 2 * n2) if n1 and n2 else 0.5


def build_model(
    exclude: tuple[str, ...] = (),
    seed_weight: float = SEED_WEIGHT,
    include_seeds: bool = True,
    word_weight: float = WORD_WEIGHT,
    domain_weight: float = DOMAIN_WEIGHT,
    corpus_weight: float = CORPUS_WEIGHT,
    registry_weight: float = REGISTRY_WEIGHT,
) -> LanguageModel:
    """Combine the count tables: registry text (× ``registry_weight``), domain text, the dictionary's
    multi-syllable words (each word's inner n-grams × ``word_weight``), the legal/administrative corpus
    (× ``corpus_weight``; absent table: skipped) and the seed documents' counts (× ``seed_weight``), leaving out
    the seeds in ``exclude``."""
    counts: dict[tuple[str, ...], float] = defaultdict(float)
    tables = [("ngrams_registry.tsv.gz", registry_weight), ("ngrams_domain.tsv.gz", domain_weight)]
    if resources.files("diacritics").joinpath("data", CORPUS_FILE).is_file():
        tables.append((CORPUS_FILE, corpus_weight))
    for name, weight in tables:
        if weight:
            for gram, n in _cached_counts(name).items():
                counts[gram] += n * weight
    if word_weight:
        for word in words():
            parts = tuple(word.split(" "))
            for i in range(1, len(parts)):
                counts[parts[i - 1 : i + 1]] += word_weight
                if i >= 2:
                    counts[parts[i - 2 : i + 1]] += word_weight
    if include_seeds and seed_weight:
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
    coc: dict[int, defaultdict[int, int]] = {2: defaultdict(int), 3: defaultdict(int)}
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

    # Unigram: (weighted) frequency, add-0.5 for unseen. Kneser-Ney continuation counts were worse here: the
    # dictionary words and place names give rare syllables many distinct neighbours (huyền outranked huyện).
    total = sum(uni_c) + 0.5 * len(vocab)
    uni = [math.log((c + 0.5) / total) for c in uni_c]

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
    # Trigrams seen fewer than MIN_TRIGRAM_COUNT times are not stored (half the table, load time); their
    # mass goes to the back-off weight so the distribution still sums to one.
    pruned: dict[int, float] = defaultdict(float)
    for k, n in tri_c.items():
        if n < MIN_TRIGRAM_COUNT:
            pruned[k // m] += n - d3
    bo3 = {ab: math.log((d3 * ctx3_types[ab] + pruned.get(ab, 0.0)) / c) for ab, c in ctx3_total.items()}
    tri = {}
    for k, n in tri_c.items():
        if n < MIN_TRIGRAM_COUNT:
            continue
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
        floor = max(uni_c[members[0]] * MIN_FORM_SHARE, 0.5)
        kept = [i for i in members[:MAX_FORMS] if uni_c[i] >= floor]
        forms[key] = tuple(kept or members[:1])
    return LanguageModel(vocab, ids, m, uni, bi, bo2, tri, bo3, forms, uni_c)


MODEL_FILE = "model.npz"


def source_digest() -> str:
    """Fingerprint of everything the shipped model is estimated from: the count tables, the word list, the
    inventory, the weights and the estimation code. Stored in model.npz; a test checks it is current."""
    h = hashlib.sha256()
    data = resources.files("diacritics").joinpath("data")
    names = ["ngrams_registry.tsv.gz", "ngrams_domain.tsv.gz", CORPUS_FILE, "words.txt.gz", "syllables.tsv"]
    names = [n for n in names if data.joinpath(n).is_file()] + [f"ngrams_seed_{s}.tsv.gz" for s in seed_ids()]
    for name in names:
        h.update(name.encode())
        h.update(data.joinpath(name).read_bytes())
    h.update(
        repr(
            (
                SEED_WEIGHT,
                WORD_WEIGHT,
                DOMAIN_WEIGHT,
                CORPUS_WEIGHT,
                REGISTRY_WEIGHT,
                MAX_FORMS,
                MIN_FORM_SHARE,
                MIN_TRIGRAM_COUNT,
            )
        ).encode()
    )
    for fn in (build_model, _estimate, _discount, key_of):
        # the code's syntax tree, not its text: reformatting or a comment must not make the shipped model stale
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
        for node in ast.walk(tree):  # docstrings are comments too
            body = getattr(node, "body", None)
            if (
                isinstance(body, list)
                and body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
            ):
                body.pop(0)
        h.update(ast.dump(tree).encode())
    return h.hexdigest()


def save_model(lm: LanguageModel, path) -> None:
    """Write the estimated model as numpy arrays (what ``load_model`` reads; no estimation at run time)."""
    keys = sorted(lm.forms)
    flat = [i for k in keys for i in lm.forms[k]]
    offsets = np.cumsum([0] + [len(lm.forms[k]) for k in keys])
    with open(path, "wb") as f:
        np.savez_compressed(
            f,
            vocab=np.array(lm.vocab),
            radix=np.array([lm.radix]),
            uni=np.array(lm.uni),
            bo2=np.array(lm.bo2),
            unigram_count=np.array(lm.unigram_count),
            bi_k=np.fromiter(lm.bi.keys(), np.int64),
            bi_v=np.fromiter(lm.bi.values(), np.float32),
            tri_k=np.fromiter(lm.tri.keys(), np.int64),
            tri_v=np.fromiter(lm.tri.values(), np.float32),
            bo3_k=np.fromiter(lm.bo3.keys(), np.int64),
            bo3_v=np.fromiter(lm.bo3.values(), np.float32),
            form_keys=np.array(keys),
            form_ids=np.array(flat, np.int32),
            form_offsets=offsets.astype(np.int64),
            digest=np.array([source_digest()]),
        )


def read_model(path) -> LanguageModel:
    with np.load(path) as z:
        vocab = z["vocab"].tolist()
        keys, flat, offsets = z["form_keys"].tolist(), z["form_ids"].tolist(), z["form_offsets"].tolist()
        forms = {k: tuple(flat[offsets[i] : offsets[i + 1]]) for i, k in enumerate(keys)}
        return LanguageModel(
            vocab=vocab,
            ids={w: i for i, w in enumerate(vocab)},
            radix=int(z["radix"][0]),
            uni=z["uni"].tolist(),
            bi=dict(zip(z["bi_k"].tolist(), z["bi_v"].tolist())),
            bo2=z["bo2"].tolist(),
            tri=dict(zip(z["tri_k"].tolist(), z["tri_v"].tolist())),
            bo3=dict(zip(z["bo3_k"].tolist(), z["bo3_v"].tolist())),
            forms=forms,
            unigram_count=z["unigram_count"].tolist(),
            digest=str(z["digest"][0]) if "digest" in z else "",
        )


@lru_cache(maxsize=1)
def load_model() -> LanguageModel:
    """The shipped model (registry text + dictionary words + every clean seed document), precomputed by
    tools/build_diacritics_data.py into data/model.npz."""
    with resources.as_file(resources.files("diacritics").joinpath("data", MODEL_FILE)) as path:
        return read_model(path)
