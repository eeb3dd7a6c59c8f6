#!/usr/bin/env python3
"""Diacritic restoration of stripped text (issues #3, #12): one table, every number measured on this run.

Columns:
- seeds (LOO) syl acc: syllable accuracy on diacritic-stripped text, leave-one-document-out: each clean seed is
  restored with a model built WITHOUT that seed (corpus, registry text and the other seeds).
- other issuers syl acc: the same on documents of issuers absent from the corpus and from every model: the
  hand-written administrative text (benchmarks/data/restore_heldout_admin.txt) and the shared transcriptions of
  real documents (../shared/realscans/truth: provincial plans, notices, a Quảng Ngãi submission, decision and
  letter, a page of a government decree), restored with the shipped model (tools/build_lm.py drops corpus
  documents that overlap them).
- damage: share of syllables restore() changed in the already-correct text (same models).
- syl/s: syllables of stripped text restored per second of CPU time (one core, model already loaded). Each
  document is restored REPEATS times (--repeats, default 5), every time on a fresh copy of its model (no memo or
  cache left from the run before: each run is a first reading of the document). The target (20,000 syl/s per
  core) is read on "best": per document the least disturbed run, summed — the machine is shared and other work
  only ever slows a run down. The median run and the best wall-clock time are printed beside it, with the load
  average before and after.
- load s: time to load the shipped model from diacritics/data (cold, in a fresh process, best of 3).
Rows: no change, most frequent form per key (unigram dictionary baseline), trigram LM + beam Viterbi.
Garble word accuracy: benchmarks/bench_garble.py; OCR'd Vietnamese: benchmarks/bench_ocr_words.py.

    .venv/bin/python benchmarks/bench_restore.py [--repeats N]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diacritics import strip_diacritics  # noqa: E402
from diacritics.engine import restore_text  # noqa: E402
from diacritics.lexicon import syllables  # noqa: E402
from diacritics.model import build_model, seed_ids  # noqa: E402
from diacritics.phonology import apply_case, canonical  # noqa: E402

WORD = re.compile(r"[^\W\d_]+")
EXTRA = ROOT / "benchmarks" / "data" / "restore_heldout_admin.txt"
SEEDS = ROOT.parent / "shared" / "seeds"
TRUTHS = ROOT.parent / "shared" / "realscans" / "truth"  # transcriptions of real documents: in no model


def syllable_pairs(truth: str, output: str):
    """(truth word, output word) for every truth word that is a Vietnamese syllable, matched line by line and
    word by word (restoration keeps lines and the number of words; a line whose word count changed counts its
    syllables as wrong)."""
    inv = syllables()
    pairs = []
    for t_line, o_line in zip(truth.split("\n"), output.split("\n"), strict=True):
        t_words, o_words = WORD.findall(t_line), WORD.findall(o_line)
        if len(o_words) != len(t_words):
            o_words = [""] * len(t_words)
        pairs += [(t, o) for t, o in zip(t_words, o_words) if canonical(t) in inv]
    return pairs


def accuracy(truth: str, output: str) -> tuple[int, int]:
    pairs = syllable_pairs(truth, output)
    return sum(1 for t, o in pairs if t == o), len(pairs)


def unigram_restore(text: str, lm) -> str:
    def pick(m: re.Match) -> str:
        w = m.group(0)
        if w != strip_diacritics(w):
            return w
        forms = lm.forms.get(w.lower())
        return apply_case(lm.vocab[forms[0]], w) if forms else w
    return WORD.sub(pick, text)


def lm_restore(text: str, lm) -> str:
    return restore_text(text, model=lm)[0]


def timed_runs(fn, text: str, lm, repeats: int) -> tuple[str, list[float], list[float]]:
    """The output of ``fn(text, model)`` and the CPU and wall seconds of each of ``repeats`` runs, each on a
    fresh copy of ``lm`` (same tables, none of the memos or caches a run leaves on the model)."""
    outputs, cpu, wall = [], [], []
    for _ in range(repeats):
        fresh = dataclasses.replace(lm)
        c0, w0 = time.process_time(), time.perf_counter()
        outputs.append(fn(text, fresh))
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    if any(out != outputs[0] for out in outputs):
        raise SystemExit(f"{fn.__name__}: repeated runs gave different output")
    return outputs[0], cpu, wall


def load_time() -> tuple[float, float]:
    """Wall and CPU seconds to import diacritics and load the shipped model in a fresh process (best of 3)."""
    code = ("import time; t=time.perf_counter(); c=time.process_time(); import diacritics; diacritics.load_model(); "
            "print(time.perf_counter()-t, time.process_time()-c)")
    runs = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
        runs.append(tuple(float(x) for x in out.stdout.split()))
    return min(runs)


def documents(seeds: Path = SEEDS, truths: Path = TRUTHS) -> list[tuple[str, str, tuple[str, ...], str]]:
    """(name, clean text, seeds to leave out of the model, group): the clean seeds, each restored with a model
    built without it ('seeds'), and the documents of issuers absent from the corpus and from every model: the
    hand-written admin text and the shared real-scan transcriptions ('other')."""
    docs = []
    for sid in seed_ids():
        found = sorted(seeds.glob(f"{sid}_*.txt"))
        if found:
            docs.append((sid, unicodedata.normalize("NFC", found[0].read_text(encoding="utf-8")), (sid,), "seeds"))
    docs.append(("admin", unicodedata.normalize("NFC", EXTRA.read_text(encoding="utf-8")), (), "other"))
    for path in sorted(truths.glob("*.txt")):
        docs.append((path.name.split("_")[0], unicodedata.normalize("NFC", path.read_text(encoding="utf-8")), (),
                     "other"))
    return docs


METHODS = {"no change": lambda t, lm: t, "unigram dictionary": unigram_restore, "trigram LM + Viterbi": lm_restore}


def measure(repeats: int = 5, methods: dict | None = None) -> dict:
    """Stripped-text accuracy and damage per group, speed (syllables per CPU second, the best of ``repeats`` runs
    per document, summed) and per-document lines, for the trigram LM (and the other ``methods``)."""
    methods = methods or {"trigram LM + Viterbi": lm_restore}
    rows = {name: {g: {"ok": 0, "n": 0, "changed": 0, "total": 0} for g in ("seeds", "other")} | {
        "syl": 0, "best": 0.0, "median": 0.0, "wall": 0.0} for name in methods}
    per_doc: list[str] = []
    models: dict[tuple[str, ...], object] = {}
    docs = documents()
    for name_doc, truth, exclude, group in docs:
        if exclude not in models:
            models[exclude] = build_model(exclude=exclude)
        lm = models[exclude]
        stripped = strip_diacritics(truth)
        for name, fn in methods.items():
            out, cpu, wall = timed_runs(fn, stripped, lm, repeats)
            ok, n = accuracy(truth, out)
            same, total = accuracy(truth, fn(truth, lm))
            r = rows[name]
            g = r[group]
            g["ok"] += ok
            g["n"] += n
            g["changed"] += total - same
            g["total"] += total
            r["syl"] += n
            r["best"] += min(cpu)
            r["median"] += statistics.median(cpu)
            r["wall"] += min(wall)
            if name == "trigram LM + Viterbi":
                per_doc.append(f"{name_doc}: {ok / n:.2%} ({n} syllables), damage {(total - same) / total:.2%}")
    main_row = rows["trigram LM + Viterbi"]
    seeds, other = main_row["seeds"], main_row["other"]
    return {"rows": rows, "per_doc": per_doc,
            "seeds": (seeds["ok"] / max(seeds["n"], 1), seeds["n"]),
            "other": (other["ok"] / max(other["n"], 1), other["n"]),
            "damage": (seeds["changed"] + other["changed"]) / max(seeds["total"] + other["total"], 1),
            "speed": main_row["syl"] / main_row["best"] if main_row["best"] else 0.0,
            "other_docs": ", ".join(d[0] for d in docs if d[3] == "other")}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5, help="timed runs per document and method (best is reported)")
    args = ap.parse_args()
    load_before = os.getloadavg()[0]
    result = measure(args.repeats, METHODS)
    load_s = load_time()
    load_after = os.getloadavg()[0]
    print("Diacritic restoration of stripped text: seeds leave-one-document-out; documents of issuers absent from "
          f"the corpus ({result['other_docs']}) with the shipped model, which has none of them")
    print(f"| method | seeds (LOO) syl acc | other issuers syl acc | damage on correct text | syl/s (1 core, CPU time, "
          f"best of {args.repeats}) | syl/s median run | syl/s wall, best | model load s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, r in result["rows"].items():
        timed = name != "no change" and r["best"] > 0
        speeds = [f"{r['syl'] / r[k]:,.0f}" if timed else "—" for k in ("best", "median", "wall")]
        load = f"{load_s[0]:.2f} (CPU {load_s[1]:.2f})" if name == "trigram LM + Viterbi" else "—"
        s, o = r["seeds"], r["other"]
        damage = (s["changed"] + o["changed"]) / max(s["total"] + o["total"], 1)
        print(f"| {name} | {s['ok'] / max(s['n'], 1):.2%} | {o['ok'] / max(o['n'], 1):.2%} | {damage:.3%} | "
              f"{' | '.join(speeds)} | {load} |")
    print("per document (trigram LM): " + "; ".join(result["per_doc"]))
    print(f"load average (1 min) on this machine: {load_before:.2f} at the start, {load_after:.2f} at the end "
          f"({os.cpu_count()} cores); timings from a loaded machine are slower, never faster")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
