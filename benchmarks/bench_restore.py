#!/usr/bin/env python3
"""Diacritic restoration benchmark (issue #3): one table, every number measured on this run.

Columns:
- stripped syl acc: syllable accuracy on diacritic-stripped text, leave-one-document-out: each clean seed is
  restored with a model built WITHOUT that seed (registry text + the other seeds); the extra hand-written
  administrative text (benchmarks/data/restore_heldout_admin.txt) is in no model at all.
- damage: share of syllables restore() changed in the already-correct text (same held-out models).
- syl/s: syllables per second of stripped text restored on one core (model already loaded).
- load s: time to load the shipped model from diacritics/data (cold, in a fresh process).
Rows: no change, most frequent form per key (unigram dictionary baseline), trigram LM + beam Viterbi.
Garble word accuracy is measured by benchmarks/bench_garble.py.

    .venv/bin/python benchmarks/bench_restore.py [--seeds DIR]
"""

from __future__ import annotations

import argparse
import re
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


def load_time() -> tuple[float, float]:
    """Wall and CPU seconds to import diacritics and load the shipped model in a fresh process (best of 3)."""
    code = ("import time; t=time.perf_counter(); c=time.process_time(); import diacritics; diacritics.load_model(); "
            "print(time.perf_counter()-t, time.process_time()-c)")
    runs = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
        runs.append(tuple(float(x) for x in out.stdout.split()))
    return min(runs)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=Path, default=Path("/work/shared/seeds"))
    args = ap.parse_args()
    docs: dict[str, str] = {}
    for sid in seed_ids():
        found = sorted(args.seeds.glob(f"{sid}_*.txt"))
        if found:
            docs[sid] = unicodedata.normalize("NFC", found[0].read_text(encoding="utf-8"))
    extra = unicodedata.normalize("NFC", EXTRA.read_text(encoding="utf-8"))
    # Every document is restored with a model that never saw it: the extra text with the full model.
    cases = [(sid, text, (sid,)) for sid, text in docs.items()] + [("extra", extra, ())]

    methods = {"no change": lambda t, lm: t, "unigram dictionary": unigram_restore, "trigram LM + Viterbi": lm_restore}
    rows = {name: {"ok": 0, "n": 0, "changed": 0, "total": 0, "syl": 0, "sec": 0.0} for name in methods}
    per_doc: list[str] = []
    for name_doc, truth, exclude in cases:
        lm = build_model(exclude=exclude)
        stripped = strip_diacritics(truth)
        for name, fn in methods.items():
            t0 = time.process_time()
            out = fn(stripped, lm)
            dt = time.process_time() - t0
            ok, n = accuracy(truth, out)
            kept = fn(truth, lm)
            same, total = accuracy(truth, kept)
            r = rows[name]
            r["ok"] += ok
            r["n"] += n
            r["changed"] += total - same
            r["total"] += total
            r["syl"] += n
            r["sec"] += dt
            if name == "trigram LM + Viterbi":
                per_doc.append(f"{name_doc}: {ok / n:.2%} ({n} syllables), damage {(total - same) / total:.2%}")
    load_s = load_time()
    print("Diacritic restoration, leave-one-document-out (seeds " + ", ".join(docs) + " + 1 unseen text)")
    print("| method | stripped syl acc | damage on correct text | syl/s (1 core, CPU time) | model load s |")
    print("| --- | --- | --- | --- | --- |")
    for name, r in rows.items():
        speed = f"{r['syl'] / r['sec']:,.0f}" if r["sec"] > 0 and name != "no change" else "—"
        load = f"{load_s[0]:.2f} (CPU {load_s[1]:.2f})" if name == "trigram LM + Viterbi" else "—"
        print(f"| {name} | {r['ok'] / r['n']:.2%} | {r['changed'] / r['total']:.3%} | {speed} | {load} |")
    print("per document (trigram LM): " + "; ".join(per_doc))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
