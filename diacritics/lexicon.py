"""The Vietnamese syllable inventory and word dictionary shipped in ``diacritics/data``.

``syllables()`` is the set of valid lowercase NFC syllables in classic tone placement (hòa, thủy);
``forms_for_key("hoa")`` lists the toned forms sharing an accent-free key. Both are loaded lazily and cached.
Built by ``tools/build_diacritics_data.py`` (see ``diacritics/data/README.md``).
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources

from .phonology import canonical, key_of


def _data_text(name: str) -> str:
    raw = resources.files("diacritics").joinpath("data", name).read_bytes()
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    return raw.decode("utf-8")


@lru_cache(maxsize=1)
def syllables() -> frozenset[str]:
    """Every valid Vietnamese syllable, lowercase NFC, classic tone placement."""
    return frozenset(
        line.split("\t", 1)[0] for line in _data_text("syllables.tsv").splitlines() if line and not line.startswith("#")
    )


@lru_cache(maxsize=1)
def _forms_by_key() -> dict[str, tuple[str, ...]]:
    groups: dict[str, list[str]] = {}
    for syl in sorted(syllables()):
        groups.setdefault(key_of(syl), []).append(syl)
    return {k: tuple(v) for k, v in groups.items()}


def forms_for_key(key: str) -> tuple[str, ...]:
    """Toned syllables whose accent-free lowercase key is ``key`` ('ban' → bán, bàn, bản, bạn, ban, …)."""
    return _forms_by_key().get(key.lower(), ())


def is_syllable(token: str) -> bool:
    """True when ``token`` (any case, either tone placement) is a Vietnamese syllable."""
    return bool(token) and canonical(token) in syllables()


@lru_cache(maxsize=1)
def words() -> frozenset[str]:
    """Multi-syllable dictionary words, lowercase, syllables separated by one space ('quyết định')."""
    return frozenset(line for line in _data_text("words.txt.gz").splitlines() if line and not line.startswith("#"))


@lru_cache(maxsize=1)
def acronyms() -> dict[str, str]:
    """Known acronyms and codes as written ('UBND', 'HĐND', 'QĐ', 'TTg') → the syllables they stand for
    ('ủy ban nhân dân'; '' when not known). Built by tools/build_diacritics_data.py (acronyms.tsv)."""
    out = {}
    for line in _data_text("acronyms.tsv").splitlines():
        if line and not line.startswith("#"):
            acronym, expansion, _ = line.split("\t")
            out[acronym] = expansion
    return out
