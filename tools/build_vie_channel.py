#!/usr/bin/env python3
"""Learn the channel of Tesseract's Vietnamese model as the project runs it: what the OCR writes for each
letter of a Vietnamese word (ấ read â, ổ read ồ, đ read d …) and how its word confidence tells right from wrong.

    .venv/bin/python tools/build_vie_channel.py [--docs 40] [--profiles mild,heavy,photocopy,lowres] [--jobs 2]
    .venv/bin/python tools/build_vie_channel.py --alternatives-only [--alternatives 8]   # hOCR statistics only
    .venv/bin/python tools/build_vie_channel.py --tune 0.5,0.8,0.9,0.95                  # MIN_CHANGE_SHARE

Data (nothing of it is committed but the counts):
- rendered pages: documents of ../shared/corpus (never one the benchmarks measure on: the corpus was checked
  against them by tools/build_lm.py), typeset by ``pipeline.testing.samples`` (Decree 30 layout, Liberation
  Serif) and degraded with its scan profiles; the first ``--pages`` pages of each;
- real scans: ../shared/realscans scans that have a transcription (11, 13, 16, 18), each kept apart so that a
  benchmark can learn without the document it measures (leave-one-document-out).
OCR: the project's own OCR path, ``planocr run --force-ocr --no-restore`` (load → preprocess → Tesseract →
reading order), cached under ``work/vie_ocr_cache/<pipeline key>/`` where the key hashes the source of the
loading/preprocessing/OCR stages and options and Tesseract's version: a change there re-OCRs (``--reuse-ocr``:
records of an earlier pipeline will do for training).
Alignment: OCR words to truth words (difflib on accent-free keys, then a small DP inside differing blocks).
Writes ``diacritics/data/vie_channel.json``: per source (``render:<profile>``, ``scan:<id>``) the letter
confusion counts and the confidence-bin counts that ``diacritics.ocr_channel`` estimates its costs from, and
(source ``hocr:render``) the statistics of Tesseract's per-character alternatives (prototype, see
``hocr_pages``). ``--tune`` compares thresholds on rendered corpus documents with a language model built
without them.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diacritics.ocr_channel import conf_bin, letter_pairs, save_counts  # noqa: E402
from diacritics.phonology import canonical, key_of  # noqa: E402

DATA = ROOT / "diacritics" / "data"
SHARED = ROOT.parent / "shared"
CACHE = ROOT / "work" / "vie_ocr_cache"
PLANOCR = ROOT / ".venv" / "bin" / "planocr"
REALSCANS = SHARED / "realscans"
# scan file prefix → transcription file prefix (documents with both)
REAL_DOCS = ("11", "13", "16", "18")
PUNCT = ",.;:!?\"“”‘’'()[]{}…*_«»<>"
PIPELINE_SOURCES = ("pipeline/load", "pipeline/preprocess.py", "pipeline/preprocess", "pipeline/ocr",
                    "pipeline/options.py", "pipeline/document.py", "pyproject.toml")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# ---------------------------------------------------------------- OCR with the project's pipeline

def pipeline_key() -> str:
    """What the OCR text depends on: planocr's version and stage sources, Tesseract's version."""
    h = hashlib.sha256()
    for name in PIPELINE_SOURCES:
        path = ROOT / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path] if path.exists() else []
        for f in files:
            h.update(str(f.relative_to(ROOT)).encode())
            h.update(f.read_bytes())
    try:
        h.update(subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.encode())
    except OSError:
        pass
    return h.hexdigest()[:12]


@dataclass
class OcrWord:
    line: int  # 1-based line of the page text
    index: int  # 0-based word index in that line
    text: str
    confidence: float  # 0–1
    alternatives: tuple = ()  # per character: ((other reading, confidence 0–1), …) (hOCR prototype only)


@dataclass
class OcrPage:
    text: str  # raw page text as the OCR stage wrote it
    words: list[OcrWord] = field(default_factory=list)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def cached_record(cache: Path, digest: str, reuse: bool) -> Path | None:
    """The cached record of a file: under the current pipeline key, or with ``reuse`` the newest under any key."""
    current = cache / pipeline_key() / f"{digest}.json"
    if current.exists():
        return current
    if reuse:
        found = sorted(cache.glob(f"*/{digest}.json"), key=lambda p: p.stat().st_mtime)
        if found:
            return found[-1]
    return None


def ocr_files(paths: list[Path], cache: Path = CACHE, jobs: int = 2, quiet: bool = False,
              reuse: bool = False) -> dict[Path, list[OcrPage]]:
    """OCR each file with ``planocr run --force-ocr --no-restore``, cached by pipeline key and file content.
    ``reuse``: a record OCR'd by an earlier pipeline will do (training data, not measurement)."""
    folder = cache / pipeline_key()
    folder.mkdir(parents=True, exist_ok=True)
    todo = [p for p in paths if cached_record(cache, file_digest(p), reuse) is None]
    if todo:
        with tempfile.TemporaryDirectory() as tmp:
            links = []
            for k, p in enumerate(todo):  # unique names: planocr names outputs after the input's stem
                link = Path(tmp) / "in" / f"f{k:04d}_{file_digest(p)}{p.suffix}"
                link.parent.mkdir(exist_ok=True)
                os.symlink(p.resolve(), link)
                links.append(link)
            out = Path(tmp) / "out"
            cmd = ["nice", str(PLANOCR), "run", "--force-ocr", "--no-restore", "-j", str(jobs), *map(str, links),
                   "-o", str(out)]
            if not quiet:
                print(f"OCR: {len(todo)} files with the project's pipeline (key {folder.name})", file=sys.stderr)
            subprocess.run(cmd, check=False, capture_output=True, env=dict(os.environ, OMP_THREAD_LIMIT="1"))
            for p, link in zip(todo, links):
                produced = out / f"{link.stem}.json"
                if produced.exists():
                    shutil.copy(produced, folder / f"{file_digest(p)}.json.tmp")
                    tsv = out / f"{link.stem}.tsv"
                    if tsv.exists():
                        shutil.copy(tsv, folder / f"{file_digest(p)}.tsv")
                    os.replace(folder / f"{file_digest(p)}.json.tmp", folder / f"{file_digest(p)}.json")
    result = {}
    for p in paths:
        record = cached_record(cache, file_digest(p), reuse)
        if record is not None:
            tsv = record.with_suffix(".tsv")
            result[p] = read_record(record, tsv if tsv.exists() else None)
    return result


def read_record(record: Path, tsv: Path | None) -> list[OcrPage]:
    """Pages of a planocr record with every OCR word (line, index, text, confidence) from the record's TSV."""
    data = json.loads(record.read_text(encoding="utf-8"))
    by_page = split_tsv(tsv.read_text(encoding="utf-8")) if tsv else {}
    pages = []
    for page in data.get("pages", []):
        raw = page.get("raw_text") or ""
        pages.append(OcrPage(raw, page_words(raw, by_page.get(page["number"], ""))))
    return pages


def split_tsv(tsv: str) -> dict[int, str]:
    lines = tsv.rstrip("\n").split("\n")
    header, rows = lines[0], lines[1:]
    cols = header.split("\t")
    at = cols.index("page_num")
    out: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        cells = row.split("\t")
        out[int(cells[at])].append(row)
    return {n: "\n".join([header, *r]) + "\n" for n, r in out.items()}


def page_words(raw: str, tsv: str) -> list[OcrWord]:
    """Every word of the page text with its confidence: the OCR stage's own reading order rebuilt from the TSV
    (``pipeline.ocr.result_from_tsv``); checked against the page text, line by line."""
    if not tsv:
        return []
    from pipeline.ocr import result_from_tsv

    result = result_from_tsv(tsv)
    lines = raw.split("\n")
    words, seen = [], Counter()
    for w in result.words:
        if w.line is None or w.confidence is None:
            continue
        index = seen[w.line]
        seen[w.line] += 1
        tokens = lines[w.line - 1].split() if w.line <= len(lines) else []
        if index < len(tokens) and tokens[index] == w.text:
            words.append(OcrWord(w.line, index, w.text, w.confidence))
    return words


# ---------------------------------------------------------------- alignment with the truth

@dataclass
class Token:
    text: str  # whitespace token as written
    core: str  # without surrounding punctuation
    line: int = 0  # 1-based line (OCR side)
    index: int = 0  # word index in the line (OCR side)


def tokens_of(text: str) -> list[Token]:
    out = []
    for ln, line in enumerate(text.split("\n"), 1):
        for i, t in enumerate(line.split()):
            out.append(Token(t, t.strip(PUNCT), ln, i))
    return out


def fold(core: str) -> str:
    return key_of(core) if core else ""


def align(truth: list[Token], ocr: list[Token]) -> list[tuple[Token | None, Token | None]]:
    """1:1 pairs of truth and OCR tokens (None on the side that has no counterpart). Matching blocks of equal
    accent-free keys first (difflib), then inside each differing block a DP allowing substitutions."""
    a, b = [fold(t.core) for t in truth], [fold(t.core) for t in ocr]
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    pairs: list[tuple[Token | None, Token | None]] = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            pairs += list(zip(truth[i1:i2], ocr[j1:j2]))
        else:
            pairs += block_pairs(truth[i1:i2], ocr[j1:j2])
    return pairs


def block_pairs(truth: list[Token], ocr: list[Token]) -> list[tuple[Token | None, Token | None]]:
    from rapidfuzz.distance import Levenshtein

    n, m = len(truth), len(ocr)
    if n * m > 40_000:
        return [(t, None) for t in truth] + [(None, o) for o in ocr]
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            c = cost[i][j]
            if c == inf:
                continue
            if i < n and j < m:
                d = Levenshtein.normalized_distance(fold(truth[i].core), fold(ocr[j].core))
                step = d if d <= 0.5 else 2.0
                if c + step < cost[i + 1][j + 1]:
                    cost[i + 1][j + 1], back[i + 1][j + 1] = c + step, (1, 1)
            if i < n and c + 1 < cost[i + 1][j]:
                cost[i + 1][j], back[i + 1][j] = c + 1, (1, 0)
            if j < m and c + 1 < cost[i][j + 1]:
                cost[i][j + 1], back[i][j + 1] = c + 1, (0, 1)
    out = []
    i, j = n, m
    while i or j:
        di, dj = back[i][j]
        out.append((truth[i - 1] if di else None, ocr[j - 1] if dj else None))
        i, j = i - di, j - dj
    return out[::-1]


def same_word(a: str, b: str) -> bool:
    """Equal, or the same syllable in the other tone placement (hoà / hòa) and the same case."""
    if a == b:
        return True
    return len(a) == len(b) and canonical(a) == canonical(b) and [c.isupper() for c in a] == [c.isupper() for c in b]


def kind_of(truth_core: str, ocr_core: str) -> str:
    """'ok' (the same), 'marks' (the same letters, other marks: wrong diacritics), 'other' (anything else)."""
    if same_word(truth_core, ocr_core):
        return "ok"
    if truth_core.lower() != ocr_core.lower() and key_of(truth_core) == key_of(ocr_core) and \
            any(c.isalpha() for c in truth_core):
        return "marks"
    return "other"


def is_word(core: str) -> bool:
    return bool(core) and any(c.isalpha() for c in core)


# ---------------------------------------------------------------- documents

def real_documents() -> dict[str, tuple[Path, str]]:
    """scan id → (scan file, transcription) for the real scans that have both."""
    out = {}
    for doc in REAL_DOCS:
        scans = sorted((REALSCANS / "scans").glob(f"{doc}_*"))
        truths = sorted((REALSCANS / "truth").glob(f"{doc}_*.txt"))
        if scans and truths:
            out[doc] = (scans[0], nfc(truths[0].read_text(encoding="utf-8")))
    return out


def corpus_training_docs(n: int, corpus: Path = SHARED / "corpus") -> list[tuple[str, str]]:
    """``n`` corpus documents spread over the corpus (every k-th by name), each cut to its first ~6,000
    characters (two to three rendered pages)."""
    files = sorted((corpus / "texts").rglob("*.txt"))
    if not files:
        return []
    step = max(1, len(files) // n)
    chosen = files[::step][:n]
    out = []
    for f in chosen:
        text = nfc(f.read_text(encoding="utf-8"))
        out.append((f.stem, cut(text, 6000)))
    return out


def cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    end = text.rfind("\n", 0, limit)
    return text[:end if end > 0 else limit]


def render_pdfs(docs: list[tuple[str, str]], profiles: list[str], folder: Path,
                max_pages: int) -> list[tuple[str, str, Path, list[str]]]:
    """(doc, profile, pdf, truth text per page) for each document and profile (rendered once, then reused)."""
    from pipeline.testing import samples

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for k, (name, text) in enumerate(docs):
        for profile in profiles:
            pdf = folder / f"{name}.{profile}.pdf"
            truth_file = folder / f"{name}.{profile}.truth.json"
            if not pdf.exists() or not truth_file.exists():
                pages = samples.render_document(text, profile, seed=k, max_pages=max_pages)
                truth_file.write_text(json.dumps([p.truth_text for p in pages], ensure_ascii=False), encoding="utf-8")
                tmp = pdf.with_suffix(".tmp")
                tmp.write_bytes(samples.encode_pages(pages, "pdf", profile))
                tmp.replace(pdf)
            out.append((name, profile, pdf, json.loads(truth_file.read_text(encoding="utf-8"))))
    return out


# ---------------------------------------------------------------- counting

def count_pairs(truth_text: str, pages: list[OcrPage], stats: dict) -> None:
    """Add one document's aligned words to ``stats``: the letters of wrong-mark words (true letter → letter read,
    every position) and per confidence bin the counts of right / wrong-mark / other words."""
    ocr_text = "\n".join(p.text for p in pages)
    conf: dict[tuple[int, int], float] = {}
    offset = 0
    for p in pages:
        for w in p.words:
            conf[(w.line + offset, w.index)] = w.confidence
        offset += len(p.text.split("\n"))
    for t, o in align(tokens_of(truth_text), tokens_of(ocr_text)):
        if t is None or o is None or not is_word(t.core) or not is_word(o.core):
            continue
        c = conf.get((o.line, o.index))
        if c is None:
            continue
        kind = kind_of(t.core, o.core)
        bins = stats["conf"].setdefault(str(conf_bin(c)), [0, 0, 0])
        bins[("ok", "marks", "other").index(kind)] += 1
        if kind != "marks":
            continue
        for s, e in letter_pairs(t.core, o.core):
            row = stats["letters"].setdefault(s, {})
            row[e] = row.get(e, 0) + 1


def new_stats() -> dict:
    return {"letters": {}, "conf": {}}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--docs", type=int, default=40, help="corpus documents to render")
    ap.add_argument("--profiles", default="mild,heavy,photocopy,lowres")
    ap.add_argument("--pages", type=int, default=2, help="pages rendered per document")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--reuse-ocr", action="store_true",
                    help="use OCR records cached by an earlier pipeline instead of OCR-ing again")
    ap.add_argument("--work", type=Path, default=ROOT / "work" / "vie_channel_renders")
    ap.add_argument("--alternatives", type=int, default=32,
                    help="rendered training files read again by plain Tesseract for the alternatives' statistics")
    ap.add_argument("--alternatives-only", action="store_true",
                    help="recount only the alternatives' statistics into the existing vie_channel.json")
    ap.add_argument("--tune", default="", help="comma-separated MIN_CHANGE_SHARE values to compare (no build)")
    args = ap.parse_args()
    if args.tune:
        tune(args.docs, args.profiles.split(","), [float(x) for x in args.tune.split(",")], args.work, args.pages)
        return 0
    if args.alternatives_only:
        counts = json.loads((DATA / "vie_channel.json").read_text(encoding="utf-8"))
        rendered = render_pdfs(corpus_training_docs(args.docs), args.profiles.split(","), args.work, args.pages)
        counts["sources"]["hocr:render"] = alternative_counts(rendered, args.alternatives, args.pages)
        save_counts(counts["sources"], DATA / "vie_channel.json")
        return 0
    sources: dict[str, dict] = {}
    rendered = render_pdfs(corpus_training_docs(args.docs), args.profiles.split(","), args.work, args.pages) \
        if args.docs else []
    ocr = ocr_files([pdf for _, _, pdf, _ in rendered] + [scan for scan, _ in real_documents().values()],
                    jobs=args.jobs, reuse=args.reuse_ocr)
    for _name, profile, pdf, truths in rendered:
        pages = ocr.get(pdf)
        if not pages:
            continue
        count_pairs("\n".join(truths), pages, sources.setdefault(f"render:{profile}", new_stats()))
    for doc, (scan, truth) in real_documents().items():
        pages = ocr.get(scan)
        if pages:
            count_pairs(truth, pages, sources.setdefault(f"scan:{doc}", new_stats()))
    if args.alternatives:
        sources["hocr:render"] = alternative_counts(rendered, args.alternatives, args.pages)
    save_counts(sources, DATA / "vie_channel.json")
    for src, st in sorted(sources.items()):
        if not st["conf"]:
            continue
        totals = [sum(v[k] for v in st["conf"].values()) for k in range(3)]
        print(f"{src}: words right {totals[0]}, wrong marks {totals[1]}, other {totals[2]}")
    return 0




# ---------------------------------------------------------------- Tesseract's per-character alternatives
# Prototype for the OCR stage (issue 12): ``tesseract -c lstm_choice_mode=2 -c hocr_char_boxes=1 … hocr`` gives
# for every character of a word the other readings the LSTM weighed, with their confidences ('ô' 97 → 'ổ' 80,
# 'ố' 68 …). The project's OCR stage writes TSV without them, so the prototype runs plain Tesseract on the page
# rasterised at 300 DPI (pdftoppm), the same words the TSV would have (checked: lstm_choice_mode changes no word
# and ~3 % of CPU).
HOCR_CACHE = ROOT / "work" / "vie_hocr_cache"


def hocr_pages(path: Path, cache: Path = HOCR_CACHE, max_pages: int = 3) -> list[OcrPage]:
    """The pages of a PDF or image read by plain Tesseract with its per-character alternatives (cached)."""
    version = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.split()[1]
    key = f"{file_digest(path)}_{max_pages}_{version}"
    folder = cache / key
    if not (folder / "done").exists():
        folder.mkdir(parents=True, exist_ok=True)
        if path.suffix.lower() == ".pdf":
            subprocess.run(["pdftoppm", "-r", "300", "-png", "-f", "1", "-l", str(max_pages), str(path),
                            str(folder / "p")], check=True)
            images = sorted(folder.glob("p-*.png"))
        else:
            images = [path]
        for k, image in enumerate(images, 1):
            subprocess.run(["nice", "tesseract", str(image), str(folder / f"page{k:03d}"), "-l", "vie", "-c",
                            "lstm_choice_mode=2", "-c", "hocr_char_boxes=1", "hocr"], check=True, capture_output=True,
                           env=dict(os.environ, OMP_THREAD_LIMIT="1"))
            if image.parent == folder:
                image.unlink()
        (folder / "done").touch()
    return [hocr_page(h) for h in sorted(folder.glob("page*.hocr"))]


_WORD_RE = re.compile(r"<span class='ocrx_word'[^>]*?x_wconf (\d+)'>")
_CHAR_RE = re.compile(r"<span class='ocrx_cinfo' title='x_bboxes[^']*; x_conf ([\d.]+)'>([^<]*)</span>\s*"
                      r"(?:<span class='ocrx_cinfo' id='lstm_choices[^']*'>(.*?)</span>\s*</span>)?", re.S)
_CHOICE_RE = re.compile(r"x_confs ([\d.]+)'>([^<]*)</span>")


def hocr_page(path: Path) -> OcrPage:
    """Page text (one line per hOCR line) and every word with its confidence and, per character, the other
    readings with their confidences (0–1)."""
    import html

    raw = path.read_text(encoding="utf-8")
    lines: list[str] = []
    words: list[OcrWord] = []
    for chunk in raw.split("<span class='ocr_line'")[1:]:
        parts = _WORD_RE.split(chunk)
        texts = []
        for k in range(1, len(parts), 2):
            chars = []
            for m in _CHAR_RE.finditer(parts[k + 1]):
                char = html.unescape(m.group(2))
                alts = tuple((html.unescape(a), float(c) / 100) for c, a in _CHOICE_RE.findall(m.group(3) or "")
                             if html.unescape(a) != char)
                chars.append((char, alts))
            text = "".join(c for c, _ in chars)
            if not text.strip() or " " in text:
                continue
            word = OcrWord(len(lines) + 1, len(texts), text, int(parts[k]) / 100)
            word.alternatives = tuple(a for _, a in chars) if all(len(c) == 1 for c, _ in chars) else ()
            words.append(word)
            texts.append(text)
        if texts:
            lines.append(" ".join(texts))
    return OcrPage("\n".join(lines), words)


def alternative_counts(rendered: list[tuple[str, str, Path, list[str]]], files: int, pages: int) -> dict:
    """The alternatives' statistics over every 5th rendered file (by name), at most ``files`` of them."""
    alts: dict = {}
    chosen = sorted(rendered, key=lambda r: r[2].name)[::5][:files]
    for _, _, pdf, truths in chosen:
        for page, truth in zip(hocr_pages(pdf, max_pages=pages), truths):
            count_alternatives(truth, page, alts)
    print(f"alternatives (plain Tesseract hOCR of {len(chosen)} rendered files): {alts}")
    return {"letters": {}, "conf": {}, "alternatives": alts}


def count_alternatives(truth: str, page: OcrPage, stats: dict) -> None:
    """At each position of a right or wrong-mark word: where the OCR misread a letter, the confidence its
    alternatives gave the true letter ('errors'); where it read the letter right, the confidence they gave each
    other letter of the same base, and one absent one ('right'); by ALT_BUCKETS."""
    from diacritics.ocr_channel import alt_bucket

    errors, right = stats.setdefault("errors", [0, 0, 0, 0]), stats.setdefault("right", [0, 0, 0, 0])
    by_pos = {(w.line, w.index): w for w in page.words}
    for t, o in align(tokens_of(truth), tokens_of(page.text)):
        if t is None or o is None or not is_word(t.core) or len(t.core) != len(o.core):
            continue
        w = by_pos.get((o.line, o.index))
        if w is None or not w.alternatives or kind_of(t.core, o.core) not in ("ok", "marks"):
            continue
        lead = o.text.find(o.core)
        alts = w.alternatives[lead:lead + len(o.core)]
        for k, (tc, oc) in enumerate(zip(t.core.lower(), o.core.lower())):
            if tc != oc:
                errors[alt_bucket(max((c for a, c in alts[k] if a.lower() == tc), default=0.0))] += 1
            elif key_of(oc) in "aeiouyd":
                family = {a.lower() for a, _ in alts[k] if key_of(a.lower()) == key_of(oc) and a.lower() != oc}
                for a in family:
                    right[alt_bucket(max(c for x, c in alts[k] if x.lower() == a))] += 1
                right[0] += 1


# ---------------------------------------------------------------- tuning (documents outside every benchmark)

def tune(docs: int, profiles: list[str], shares: list[float], work: Path, pages: int) -> None:
    """Repair and damage at several ``MIN_CHANGE_SHARE`` values on rendered corpus documents: every 7th of the
    training documents, restored with a language model built WITHOUT them (their counts taken out of the
    corpus table). The thresholds are chosen here, never on a document a benchmark measures."""
    import build_lm

    from diacritics import OcrWord
    from diacritics.engine import restore_text
    from diacritics.lexicon import syllables
    from diacritics.model import _cached_counts, _estimate, build_model
    from diacritics.ocr_channel import OcrChannel, shipped_counts

    chosen = corpus_training_docs(docs)[::7]
    full = {name: text for name, text in corpus_training_docs(docs)}
    texts = {}
    corpus = build_lm.corpus_documents(SHARED / "corpus")
    for rel, text in corpus.items():
        if Path(rel).stem in {name for name, _ in chosen}:
            texts[rel] = text
    removed = build_lm.count_corpus(texts, syllables())
    table = dict(_cached_counts("ngrams_corpus.tsv.gz"))
    for gram, n in removed.items():
        if gram in table:
            table[gram] -= n
            if table[gram] <= 0:
                del table[gram]
    import diacritics.model as model

    original = model._cached_counts
    model._cached_counts = lambda name: table if name == "ngrams_corpus.tsv.gz" else original(name)  # type: ignore
    try:
        lm = build_model()
    finally:
        model._cached_counts = original  # type: ignore
    del _estimate
    channel = OcrChannel.from_counts(shipped_counts())
    rendered = render_pdfs([(n, full[n]) for n, _ in chosen], profiles, work, pages)
    ocr = ocr_files([pdf for _, _, pdf, _ in rendered], reuse=True)
    import diacritics.channels as channels

    for share in shares:
        channels.MIN_CHANGE_SHARE = share
        marks = repaired = ok = damaged = 0
        for _, _, pdf, truths in rendered:
            for page, truth in zip(ocr.get(pdf, []), truths):
                words = [OcrWord(w.line, w.index, w.text, w.confidence) for w in page.words]
                out = restore_text(page.text, model=lm, words=words, ocr_model=channel)[0]
                ocr_tokens, out_tokens = tokens_of(page.text), tokens_of(out)
                at = {(t.line, t.index): k for k, t in enumerate(ocr_tokens)}
                for t, o in align(tokens_of(truth), ocr_tokens):
                    if t is None or o is None or not is_word(t.core):
                        continue
                    before = kind_of(t.core, o.core)
                    after = kind_of(t.core, out_tokens[at[(o.line, o.index)]].core)
                    marks += before == "marks"
                    repaired += before == "marks" and after == "ok"
                    ok += before == "ok"
                    damaged += before == "ok" and after != "ok"
        print(f"min share {share}: repaired {repaired}/{marks} ({repaired / max(marks, 1):.1%}), "
              f"damaged {damaged}/{ok} ({damaged / max(ok, 1):.3%})  [{len(chosen)} corpus documents, "
              f"{', '.join(profiles)}]")


if __name__ == "__main__":
    raise SystemExit(main())
