#!/usr/bin/env python3
"""Build the corpus n-gram table of the restoration language model from ../shared/corpus, then the model.

    .venv/bin/python tools/build_lm.py [--corpus ../shared/corpus] [--no-model]

1. Reads every text of the corpus (``texts/vbpl``, ``texts/wordrec``; the sources in its SOURCES.tsv), refusing
   any text whose source repository is one the project holds out.
2. Decontamination: drops every corpus document that overlaps a document the benchmarks measure on
   (``measured_documents``: benchmarks/data/*.txt, the shared seeds, the shared real-scan transcriptions and
   any extra folder given with ``--measured``). Word 10-grams of the NFC, lowercased text (tokens ``\\w+``);
   a corpus document is dropped when
     (a) more than 2 % of its 10-grams occur in one measured document, or
     (b) more than 10 % of one measured document's 10-grams occur in it, or
     (c) it names a measured document's number ("28/2021/NĐ-CP") together with that document's date.
   The script prints what it dropped and, per measured document, the share of its 10-grams still found
   anywhere in the kept corpus (standard citations and recipient lists: boilerplate of the genre).
3. Counts syllable 1-, 2-, 3-grams of the kept texts, line by line, exactly as the registry text is counted
   (``build_diacritics_data.count_ngrams``: runs of valid syllables, broken at punctuation, digits, codes) and
   writes them to ``diacritics/data/ngrams_corpus.tsv.gz`` (trigrams seen once are left out: see the README).
4. Re-estimates ``diacritics/data/model.npz`` from every count table (``diacritics.model.build_model``).

Nothing of the texts themselves is written: only n-gram counts.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from build_diacritics_data import count_ngrams, write_counts  # noqa: E402

DATA = ROOT / "diacritics" / "data"
SHARED = ROOT.parent / "shared"
CORPUS_FILE = "ngrams_corpus.tsv.gz"
# Never used as language-model text (see ../shared/realscans/README.md and the project's notes).
HELD_OUT_REPOS = frozenset({"QuangDuyxyz/OCR_LOCAL_VBHC", "tuyendb/OCR_VBPL", "tnt305/tai_lieu_noi_bo",
                            "LaHieu11/baucu-luongminh", "ailabteam/VietAdmin-OCR-LLM-RAG"})
GRAM = 10
SHARE_OF_CORPUS_DOC = 0.02  # rule (a)
SHARE_OF_MEASURED_DOC = 0.10  # rule (b)
MIN_TRIGRAM_COUNT = 1  # trigrams seen fewer times in the corpus are not written (size; see the README)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def grams(text: str, n: int = GRAM) -> set[tuple[str, ...]]:
    toks = re.findall(r"\w+", nfc(text).lower())
    return {tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)}


def measured_documents(extra: list[Path]) -> dict[str, str]:
    """Every text a benchmark measures on: the held-out admin text, the seeds, the real-scan transcriptions."""
    paths = sorted((ROOT / "benchmarks" / "data").glob("*.txt"))
    paths += sorted((SHARED / "seeds").glob("*.txt")) + sorted((SHARED / "realscans" / "truth").glob("*.txt"))
    for folder in extra:
        paths += sorted(folder.glob("*.txt"))
    return {str(p): nfc(p.read_text(encoding="utf-8")) for p in paths}


NUMBER_RE = re.compile(r"Số\s*:?\s*(\d+\s*/[\w/\-–.]+)")
DATE_RE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")


def number_and_date(text: str) -> tuple[str, list[str]] | None:
    """A document's own number ('28/2021/NĐ-CP', spaces dropped) and its date written the usual ways."""
    head = text[:1500]
    number, date = NUMBER_RE.search(head), DATE_RE.search(head)
    if number is None or date is None:
        return None
    d, m, y = (int(x) for x in date.groups())
    dates = [f"ngày {d} tháng {m} năm {y}", f"ngày {d:02d} tháng {m:02d} năm {y}", f"{d}/{m}/{y}",
             f"{d:02d}/{m:02d}/{y}", f"ngày {d:02d} tháng {m} năm {y}", f"ngày {d} tháng {m:02d} năm {y}"]
    return re.sub(r"\s+", "", number.group(1)), dates


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def corpus_documents(corpus: Path) -> dict[str, str]:
    """path (relative to the corpus) → text, after checking every source against the held-out list."""
    sources = {}
    for line in (corpus / "SOURCES.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) >= 2:
            sources[cols[0]] = cols[1]
    docs = {}
    for path in sorted((corpus / "texts").rglob("*.txt")):
        rel = str(path.relative_to(corpus))
        repo = sources.get(rel)
        if repo is None or repo in HELD_OUT_REPOS:
            raise SystemExit(f"build_lm: {rel}: source {repo!r} unknown or held out; not used")
        docs[rel] = nfc(path.read_text(encoding="utf-8"))
    return docs


def decontaminate(docs: dict[str, str], measured: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The corpus documents kept, and one line per dropped document with the rule and the measured document."""
    measured_grams = {name: grams(text) for name, text in measured.items()}
    ids = {name: number_and_date(text) for name, text in measured.items()}
    kept, dropped = {}, []
    for rel, text in docs.items():
        g = grams(text)
        reasons = []
        for name, mg in measured_grams.items():
            shared = len(g & mg)
            if g and shared / len(g) > SHARE_OF_CORPUS_DOC:
                reasons.append(f"(a) {shared / len(g):.1%} of its 10-grams in {Path(name).name}")
            if mg and shared / len(mg) > SHARE_OF_MEASURED_DOC:
                reasons.append(f"(b) {shared / len(mg):.1%} of {Path(name).name}'s 10-grams")
            ident = ids[name]
            if ident is not None:
                flat = squash(text)
                number, dates = ident
                if number in flat and any(squash(d) in flat for d in dates):
                    reasons.append(f"(c) names {number} with its date ({Path(name).name})")
        if reasons:
            dropped.append(f"{rel}: " + "; ".join(reasons))
        else:
            kept[rel] = text
    return kept, dropped


def residual_coverage(kept: dict[str, str], measured: dict[str, str]) -> list[str]:
    union: set[tuple[str, ...]] = set()
    measured_grams = {name: grams(text) for name, text in measured.items()}
    wanted = set().union(*measured_grams.values()) if measured_grams else set()
    for text in kept.values():
        union |= grams(text) & wanted
    return [f"{Path(name).name}: {len(mg & union)}/{len(mg)} 10-grams ({len(mg & union) / max(len(mg), 1):.1%}) "
            "also in the kept corpus" for name, mg in measured_grams.items()]


def count_corpus(kept: dict[str, str], inventory) -> collections.Counter:
    counts: collections.Counter = collections.Counter()
    for text in kept.values():
        counts.update(count_ngrams(text.split("\n"), inventory))
    return counts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    ap.add_argument("--measured", type=Path, action="append", default=[],
                    help="another folder of .txt documents a benchmark measures on (checked like the others)")
    ap.add_argument("--no-model", action="store_true", help="write the count table only")
    args = ap.parse_args()
    if not (args.corpus / "SOURCES.tsv").exists():
        print(f"build_lm: no corpus at {args.corpus}; nothing built")
        return 1
    from diacritics.lexicon import syllables

    started = time.perf_counter()
    docs = corpus_documents(args.corpus)
    measured = measured_documents(args.measured)
    kept, dropped = decontaminate(docs, measured)
    print(f"corpus: {len(docs)} documents, {sum(map(len, docs.values())):,} characters; measured documents "
          f"checked: {len(measured)}")
    print(f"dropped {len(dropped)}:")
    for line in dropped:
        print("  " + line)
    for line in residual_coverage(kept, measured):
        print("  residual: " + line)
    counts = count_corpus(kept, syllables())
    n_syl = sum(v for k, v in counts.items() if len(k) == 1 and k[0] != "</s>")
    table = collections.Counter({k: v for k, v in counts.items() if len(k) < 3 or v >= MIN_TRIGRAM_COUNT})
    by_order = [sum(1 for k in table if len(k) == n) for n in (1, 2, 3)]
    write_counts(DATA / CORPUS_FILE, table,
                 f"corpus ../shared/corpus: {len(kept)} documents kept of {len(docs)}, "
                 f"{sum(map(len, kept.values())):,} characters, {n_syl} syllables; trigrams seen once left out")
    print(f"kept {len(kept)} documents, {sum(map(len, kept.values())):,} characters, {n_syl:,} syllables; "
          f"n-grams written (1/2/3): {by_order[0]:,} / {by_order[1]:,} / {by_order[2]:,} of "
          f"{sum(1 for k in counts if len(k) == 3):,} trigrams; {(DATA / CORPUS_FILE).stat().st_size / 1e6:.1f} MB")
    if not args.no_model:
        from diacritics.model import MODEL_FILE, build_model, save_model

        save_model(build_model(), DATA / MODEL_FILE)
        print(f"model: {(DATA / MODEL_FILE).stat().st_size / 1e6:.1f} MB")
    print(f"{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
