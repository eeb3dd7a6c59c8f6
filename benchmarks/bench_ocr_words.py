#!/usr/bin/env python3
"""Issue 12 in one run: does restoration repair the wrong-mark words Tesseract's Vietnamese model leaves, without
damaging correct words, and do the other targets hold?

1. Real scans (../shared/realscans: the scans that have a transcription: 11, 13, 16, 18; S1, S3, S5 have none
   and are skipped): OCR'd with the project's own OCR path (``planocr run --force-ocr --no-restore``: load →
   preprocess → Tesseract → reading order), cached by pipeline key in work/vie_ocr_cache (a change to the
   loading, preprocessing or OCR stages OCRs again). The OCR channel used for a scan is learned WITHOUT that scan
   (leave-one-document-out); the language model has none of them (tools/build_lm.py checks).
2. Rendered pages of documents not in the language model: the seeds 000, 002, 004 (each restored with a model
   built without it), the shared transcriptions 01, 03, 05, 08 (provincial plans and notices, not in the corpus)
   and benchmarks/data/restore_heldout_admin.txt, typeset by pipeline.testing.samples and degraded with the
   profiles mild, photocopy and lowres (first pages), OCR'd the same way.
   OCR words are aligned to the truth (difflib on accent-free keys); each truth word is right, has wrong marks
   (same letters, other diacritics) or another error, as read and after restoration; restoration is given every
   OCR word's confidence ("all conf.") or, as the pipeline does today, only the words below 0.6 ("low only").
3. Prototype for the OCR stage: the real scans read by plain Tesseract with its per-character alternatives
   (``lstm_choice_mode=2`` in hOCR), restored with the word confidences only and with the alternatives too.
4. The rest of issue 12's targets, for the closing table: stripped-text syllable accuracy (seeds leave-one-out,
   documents of issuers absent from the corpus), real English-model garble of seed 001 (hand truth), syllables
   per second per core, model load time.

    .venv/bin/python benchmarks/bench_ocr_words.py [--profiles mild,photocopy,lowres] [--pages 3] [--errors N]
"""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import build_vie_channel as vc  # noqa: E402

from diacritics import OcrWord  # noqa: E402
from diacritics.engine import restore_text  # noqa: E402
from diacritics.model import build_model, load_model  # noqa: E402
from diacritics.ocr_channel import OcrChannel, shipped_counts  # noqa: E402

SHARED = ROOT.parent / "shared"
RENDER_DIR = ROOT / "work" / "bench_ocr_words"
SEEDS = ("000", "002", "004")
TEXT_DOCS = ("01", "03", "05", "08")
LOW = 0.6


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# ---------------------------------------------------------------- scoring

class Tally:
    def __init__(self) -> None:
        self.seconds = 0.0  # CPU seconds restoring (every word's confidence given)
        self.words = 0  # OCR words restored in that time
        self.before: Counter = Counter()
        self.after: dict[str, Counter] = {}
        self.repaired: Counter = Counter()
        self.damaged: Counter = Counter()
        self.examples: dict[str, list[str]] = {}

    def add(self, other: Tally) -> None:
        self.seconds += other.seconds
        self.words += other.words
        self.before.update(other.before)
        for k, v in other.after.items():
            self.after.setdefault(k, Counter()).update(v)
        self.repaired.update(other.repaired)
        self.damaged.update(other.damaged)
        for k, v in other.examples.items():
            self.examples.setdefault(k, []).extend(v)


def score(truth: str, ocr_text: str, outputs: dict[str, str], tally: Tally) -> None:
    """Classify every truth word against the OCR word aligned to it, as read and in each output (restoration
    keeps the OCR text's words in place, so the same alignment holds)."""
    ocr_tokens = vc.tokens_of(ocr_text)
    out_tokens = {name: vc.tokens_of(text) for name, text in outputs.items()}
    position = {(t.line, t.index): k for k, t in enumerate(ocr_tokens)}
    for t, o in vc.align(vc.tokens_of(truth), ocr_tokens):
        if t is None or not vc.is_word(t.core):
            continue
        before = vc.kind_of(t.core, o.core) if o is not None else "other"
        tally.before[before] += 1
        for name, toks in out_tokens.items():
            if o is None:
                after = "other"
                new = None
            else:
                k = position[(o.line, o.index)]
                new = toks[k].core if k < len(toks) else ""
                after = vc.kind_of(t.core, new)
            tally.after.setdefault(name, Counter())[after] += 1
            if before == "marks" and after == "ok":
                tally.repaired[name] += 1
            if before == "ok" and after != "ok":
                tally.damaged[name] += 1
                tally.examples.setdefault(f"{name}:damaged", []).append(f"{t.core}→{new}")
            if before == "marks" and after != "ok":
                tally.examples.setdefault(f"{name}:missed", []).append(f"{t.core}: {o.core}→{new}")


def restore_page(page: vc.OcrPage, lm, channel: OcrChannel, low_only: bool) -> str:
    words = [OcrWord(w.line, w.index, w.text, w.confidence) for w in page.words
             if not low_only or w.confidence < LOW]
    return restore_text(page.text, model=lm, words=words, from_ocr=True, ocr_model=channel)[0]


def run_document(truth: str, pages: list[vc.OcrPage], lm, channel: OcrChannel, tally: Tally) -> float:
    """Score one document; returns the seconds restoration took (all-confidence variant)."""
    ocr_text = "\n".join(p.text for p in pages)
    started = time.process_time()
    restored = [restore_page(p, lm, channel, low_only=False) for p in pages]
    seconds = time.process_time() - started
    tally.seconds += seconds
    tally.words += sum(len(p.text.split()) for p in pages)
    low_only = [restore_page(p, lm, channel, low_only=True) for p in pages]
    score(truth, ocr_text, {"all conf.": "\n".join(restored), "low only": "\n".join(low_only)}, tally)
    return seconds


# ---------------------------------------------------------------- documents

def real_scans(counts: dict, tally: Tally, per_doc: list[str]) -> None:
    docs = vc.real_documents()
    if not docs:
        print(f"real scans: {vc.REALSCANS} not found; skipped")
        return
    ocr = vc.ocr_files([scan for scan, _ in docs.values()], quiet=True)
    lm = load_model()
    for doc, (scan, truth) in docs.items():
        pages = ocr.get(scan)
        if not pages:
            print(f"real scan {doc}: OCR failed; skipped")
            continue
        channel = OcrChannel.from_counts(counts, exclude=frozenset({f"scan:{doc}"}))
        one = Tally()
        run_document(truth, pages, lm, channel, one)
        tally.add(one)
        per_doc.append(line_of(f"scan {doc} ({len(pages)} p)", one))


def rendered(profiles: list[str], pages: int, counts: dict, tally: Tally, per_doc: list[str]) -> None:
    docs: list[tuple[str, str, tuple[str, ...]]] = []
    for sid in SEEDS:
        found = sorted((SHARED / "seeds").glob(f"{sid}_*.txt"))
        if found:
            docs.append((f"seed{sid}", nfc(found[0].read_text(encoding="utf-8")), (sid,)))
    for doc in TEXT_DOCS:
        found = sorted((SHARED / "realscans" / "truth").glob(f"{doc}_*.txt"))
        if found:
            docs.append((f"text{doc}", nfc(found[0].read_text(encoding="utf-8")), ()))
    extra = ROOT / "benchmarks" / "data" / "restore_heldout_admin.txt"
    docs.append(("admin", nfc(extra.read_text(encoding="utf-8")), ()))
    rendered_docs = vc.render_pdfs([(name, text) for name, text, _ in docs], profiles, RENDER_DIR, pages)
    ocr = vc.ocr_files([pdf for _, _, pdf, _ in rendered_docs], quiet=True)
    channel = OcrChannel.from_counts(counts)  # no rendered page of these documents is in the channel's data
    models = {(): load_model()}
    by_name = {name: exclude for name, _, exclude in docs}
    for name, profile, pdf, truths in rendered_docs:
        got = ocr.get(pdf)
        if not got:
            print(f"rendered {name} {profile}: OCR failed; skipped")
            continue
        exclude = by_name[name]
        if exclude not in models:
            models[exclude] = build_model(exclude=exclude)
        one = Tally()
        for page, truth in zip(got, truths):
            run_document(truth, [page], models[exclude], channel, one)
        tally.add(one)
        per_doc.append(line_of(f"{name} {profile} ({len(got)} p)", one))


def alternatives_ab(counts: dict, rendered_files: list[str], pages: int) -> Tally:
    """Prototype for the OCR stage: the same documents read by plain Tesseract with its per-character
    alternatives (``lstm_choice_mode=2``, hOCR; vc.hocr_pages), restored with the word confidences only and with
    the alternatives too. The alternatives' statistics come from rendered corpus pages only (vie_channel.json,
    source hocr:render); the letters' from every source but the measured scan."""
    tally = Tally()
    lm = load_model()
    cases = [(f"scan:{doc}", scan, [truth]) for doc, (scan, truth) in vc.real_documents().items()]
    for name in rendered_files:
        pdf = RENDER_DIR / f"{name}.pdf"
        truths = RENDER_DIR / f"{name}.truth.json"
        if pdf.exists() and truths.exists():
            import json

            cases.append((name, pdf, json.loads(truths.read_text(encoding="utf-8"))[:pages]))
    for source, path, truths in cases:
        channel = OcrChannel.from_counts(counts, exclude=frozenset({source}))
        pages_read = vc.hocr_pages(path, max_pages=pages)
        if source.startswith("scan:"):  # one transcription for the whole document
            pairs = [("\n".join(p.text for p in pages_read), pages_read, truths[0])]
        else:
            pairs = [(p.text, [p], t) for p, t in zip(pages_read, truths)]
        for text, group, truth in pairs:
            outs: dict[str, list[str]] = {"confidences": [], "confidences + alternatives": []}
            for page in group:
                plain = [OcrWord(w.line, w.index, w.text, w.confidence) for w in page.words]
                full = [OcrWord(w.line, w.index, w.text, w.confidence, w.alternatives) for w in page.words]
                for label, words in (("confidences", plain), ("confidences + alternatives", full)):
                    outs[label].append(restore_text(page.text, model=lm, words=words, ocr_model=channel)[0])
            score(truth, text, {k: "\n".join(v) for k, v in outs.items()}, tally)
    return tally


# ---------------------------------------------------------------- report

def line_of(label: str, t: Tally) -> str:
    marks = t.before["marks"]
    ok = t.before["ok"]
    parts = [f"{label}: words {sum(t.before.values())}, wrong marks {marks}, other {t.before['other']}"]
    for name in ("all conf.", "low only"):
        parts.append(f"{name}: repaired {t.repaired[name]}/{marks}, damaged {t.damaged[name]}/{ok}")
    return "; ".join(parts)


def pct(a: float, b: float, digits: int = 1) -> str:
    return f"{100 * a / b:.{digits}f}%" if b else "—"


def print_tally(title: str, t: Tally) -> None:
    words = sum(t.before.values())
    speed = f"; restoration {t.words / t.seconds:,.0f} OCR words per CPU second" if t.seconds else ""
    print(f"\n{title}: {words} truth words{speed}")
    print("| text | right | wrong marks | other errors | wrong-mark words repaired | correct words damaged |")
    print("| --- | --- | --- | --- | --- | --- |")
    b = t.before
    print(f"| OCR as read | {b['ok']} ({pct(b['ok'], words)}) | {b['marks']} ({pct(b['marks'], words)}) | "
          f"{b['other']} ({pct(b['other'], words)}) | — | — |")
    for name, a in t.after.items():
        print(f"| restored, {name} | {a['ok']} ({pct(a['ok'], words)}) | {a['marks']} ({pct(a['marks'], words)}) | "
              f"{a['other']} ({pct(a['other'], words)}) | {t.repaired[name]} ({pct(t.repaired[name], b['marks'])}) | "
              f"{t.damaged[name]} ({pct(t.damaged[name], b['ok'], 2)}) |")


def other_targets() -> list[tuple[str, str, str, str]]:
    """Stripped accuracy (seeds LOO, other issuers), seed 001 garble, speed, load: (target, figure, goal, docs)."""
    import bench_garble as bg
    import bench_restore as br

    rows = []
    strip = br.measure(repeats=3)
    rows.append(("stripped syllables, seeds leave-one-out", f"{strip['seeds'][0]:.2%}", "—", "seeds 000, 002, 004"))
    rows.append(("stripped syllables, issuers absent from the corpus", f"{strip['other'][0]:.2%}", "≥ 98%",
                 strip["other_docs"]))
    rows.append(("damage to correct text (stripped-text model)", f"{strip['damage']:.3%}", "≤ 0.1%", "all of the above"))
    hand_truth = "\n".join(t for _, t in bg.HAND_TRUTH_001)
    hand = bg.evaluate("001", hand_truth, "\n".join(g for g, _ in bg.HAND_TRUTH_001), bg.channel_without(None), None)
    right, _, total = hand["restore"]
    rows.append(("English-model garble, seed 001 (hand truth) words", f"{right / total:.1%}", "≥ 97%", "seed 001"))
    rows.append(("syllables per second per core (stripped, CPU)", f"{strip['speed']:,.0f}", "≥ 20,000",
                 "seeds + other issuers"))
    load = br.load_time()
    rows.append(("model load (fresh process, wall / CPU)", f"{load[0]:.2f} s / {load[1]:.2f} s", "—", "—"))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profiles", default="mild,photocopy,lowres")
    ap.add_argument("--pages", type=int, default=3, help="first pages rendered per document")
    ap.add_argument("--errors", type=int, default=0, help="print up to N missed repairs and damaged words")
    ap.add_argument("--skip-rendered", action="store_true")
    ap.add_argument("--skip-alternatives", action="store_true", help="no per-character alternatives prototype")
    ap.add_argument("--alternatives-rendered", default="",
                    help="rendered files (e.g. seed000.photocopy,text01.photocopy) to add to the alternatives A/B")
    ap.add_argument("--skip-others", action="store_true", help="only the OCR-word tables")
    args = ap.parse_args()
    try:
        counts = shipped_counts()
    except FileNotFoundError:
        print("bench_ocr_words: diacritics/data/vie_channel.json missing (tools/build_vie_channel.py); nothing measured")
        return 0
    started = time.perf_counter()
    print(f"bench_ocr_words: OCR by the project's pipeline (key {vc.pipeline_key()}); restoration with the OCR "
          "channel learned without the measured document")
    real, per_doc = Tally(), []
    real_scans(counts, real, per_doc)
    print_tally("Real scans 11, 13, 16, 18 (S1, S3, S5: no transcription, skipped)", real)
    if not args.skip_rendered:
        rend = Tally()
        rendered([p for p in args.profiles.split(",") if p], args.pages, counts, rend, per_doc)
        print_tally(f"Rendered pages ({args.profiles}; documents not in the language model)", rend)
    print("\nper document: \n  " + "\n  ".join(per_doc))
    if args.errors:
        for key, values in sorted(real.examples.items()):
            print(f"real scans, {key} ({len(values)}): " + ", ".join(values[:args.errors]))
        if not args.skip_rendered:
            for key, values in sorted(rend.examples.items()):
                print(f"rendered, {key} ({len(values)}): " + ", ".join(values[:args.errors]))
    if not args.skip_alternatives:
        files = [f for f in args.alternatives_rendered.split(",") if f]
        alt = alternatives_ab(counts, files, args.pages)
        print_tally("Prototype: Tesseract's per-character alternatives (plain Tesseract, lstm_choice_mode=2, hOCR) on "
                    "the real scans" + (f" and {', '.join(files)}" if files else ""), alt)
        if args.errors:
            for key, values in sorted(alt.examples.items()):
                print(f"alternatives, {key} ({len(values)}): " + ", ".join(values[:args.errors]))
    print(f"\n(OCR words: {time.perf_counter() - started:.0f} s)")
    if args.skip_others:
        return 0
    rows = [("real scans: wrong-mark words repaired", pct(real.repaired["all conf."], real.before["marks"]),
             "≥ 60%", "scans 11, 13, 16, 18"),
            ("real scans: correct words damaged", pct(real.damaged["all conf."], real.before["ok"], 2), "≤ 0.1%",
             "scans 11, 13, 16, 18")]
    if not args.skip_rendered:
        rows += [("rendered pages: wrong-mark words repaired", pct(rend.repaired["all conf."], rend.before["marks"]),
                  "≥ 60%", args.profiles),
                 ("rendered pages: correct words damaged", pct(rend.damaged["all conf."], rend.before["ok"], 2),
                  "≤ 0.1%", args.profiles)]
    rows += other_targets()
    print("\nIssue 12 targets (this run)")
    print("| target | measured | goal | on |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
