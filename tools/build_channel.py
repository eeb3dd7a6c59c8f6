"""Build the OCR-garble channel: render clean Vietnamese text, OCR it with Tesseract's English model, align the
output with the truth and learn what the English model turns each Vietnamese letter into.

    .venv/bin/python tools/build_channel.py [--seeds ../shared/seeds] [--jobs 2] [--limit-lines N]

Writes (all under diacritics/data/):
  channel_lines.tsv.gz  doc, variant, truth line, OCR line     (every rendered line; the benchmark replays these)
  channel_pairs.tsv.gz  doc, garbled word, true word, count    (word pairs, kept per source document so that an
                                                                evaluation can learn without the tested document)
  channel.json          learned emission costs from all documents (what ``diacritics.channel`` loads)

Sources of clean text (nothing is downloaded): the clean seed documents (000, 002 with its markdown stripped,
004 with its hard line breaks rejoined), the ~2,100 legal/political VLSP2013 sentences bundled in underthesea's
wheel, and lines of random words from underthesea's Viet74K word list (covers rare letters such as ỹ, ẵ, ỵ).
Each line is rendered with PIL in Liberation Serif at 300 DPI (12–14 pt, regular/bold/italic, some lines in
capitals as in headings) and degraded like a scan (blur, low resolution, noise, thin strokes) before OCR.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import random
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diacritics.channel import learn_channel, save_channel  # noqa: E402
from pipeline.testing.samples import wrap_words  # noqa: E402

DATA = ROOT / "diacritics" / "data"
FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
FONTS = {"regular": "LiberationSerif-Regular.ttf", "bold": "LiberationSerif-Bold.ttf",
         "italic": "LiberationSerif-Italic.ttf"}
DPI = 300
TEXT_WIDTH_PX = int(16.5 / 2.54 * DPI)  # A4 with 2 cm / 2.5 cm margins
SEED_DOCS = {"000": "seed000", "002": "seed002", "004": "seed004"}
PUNCT = ",.;:!?\"“”‘’'()[]{}…*_«»"


# ---------------------------------------------------------------- clean text sources

def read_seed_paragraphs(path: Path, doc: str) -> list[str]:
    """Paragraphs of a clean seed: markdown debris removed (002), hard line breaks rejoined (004)."""
    text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
    paragraphs: list[str] = []
    current: list[str] = []
    for raw in text.splitlines():
        line = re.sub(r"^\s*#+\s*", "", raw)  # markdown headings
        line = line.replace("**", "").replace("__", "")
        line = re.sub(r"(?<!\w)\*([^*]+)\*(?!\w)", r"\1", line)  # *italic*
        line = line.strip()
        if doc == "seed004":  # hard-wrapped: a paragraph ends only at a blank line after a sentence end
            if not line:
                if current and re.search(r"[.;:]$", current[-1]):
                    paragraphs.append(" ".join(current))
                    current = []
                continue
            current.append(line)
        elif line:
            paragraphs.append(line)
    if current:
        paragraphs.append(" ".join(current))
    return [re.sub(r"\s+", " ", p) for p in paragraphs if re.search(r"[^\W\d_]", p)]


def read_vlsp_sentences() -> list[str]:
    """Sentences of underthesea's bundled VLSP2013 POS test file (one token per line, blank line between)."""
    import underthesea

    path = next(Path(underthesea.__file__).parent.glob("pipeline/pos_tag/models/*/test_output.txt"))
    sentences, tokens = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if tokens:
                sentences.append(join_tokens(tokens))
                tokens = []
            continue
        tokens.append(line.split("\t")[0])
    if tokens:
        sentences.append(join_tokens(tokens))
    return [unicodedata.normalize("NFC", s) for s in sentences if len(s) > 20]


def join_tokens(tokens: list[str]) -> str:
    text = " ".join(tokens)
    text = re.sub(r" ([,.;:!?)\]…”])", r"\1", text)
    return re.sub(r"([(\[“]) ", r"\1", text)


def random_word_lines(n_lines: int, rng: random.Random) -> list[str]:
    """Lines of random entries from Viet74K: every letter/tone combination shows up, not only frequent ones."""
    import underthesea

    path = Path(underthesea.__file__).parent / "corpus" / "data" / "Viet74K.txt"
    words = [unicodedata.normalize("NFC", w.strip()) for w in path.read_text(encoding="utf-8").splitlines()]
    words = [w for w in words if w and all(part.isalpha() for part in w.split())]
    return [" ".join(rng.choice(words) for _ in range(rng.randint(6, 10))) for _ in range(n_lines)]


def wrap(paragraph: str, font: ImageFont.FreeTypeFont) -> list[str]:
    return wrap_words(paragraph, font, TEXT_WIDTH_PX, TEXT_WIDTH_PX)  # the sample renderer's line breaking


# ---------------------------------------------------------------- rendering

def pick_style(rng: random.Random, upper_share: float) -> dict:
    return {
        "weight": rng.choices(["regular", "bold", "italic"], [0.7, 0.15, 0.15])[0],
        "pt": rng.choice([12, 13, 13, 14]),
        "degrade": rng.choices(["clean", "blur", "lowres", "noise", "thin"], [0.2, 0.25, 0.25, 0.15, 0.15])[0],
        "upper": rng.random() < upper_share,
        "seed": rng.randrange(1 << 30),
    }


def style_name(style: dict) -> str:
    return f"{style['weight']}-{style['pt']}pt-{style['degrade']}{'-upper' if style['upper'] else ''}"


def font_for(style: dict) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / FONTS[style["weight"]]), round(style["pt"] * DPI / 72))


def render_line(text: str, style: dict) -> Image.Image:
    font = font_for(style)
    size = font.size
    width = int(font.getlength(text)) + 2 * size
    image = Image.new("L", (width, int(size * 2.0)), 255)
    ImageDraw.Draw(image).text((size, int(size * 0.4)), text, font=font, fill=0)
    return degrade(image, style)


def degrade(image: Image.Image, style: dict) -> Image.Image:
    """Scan-like damage; what the English model does to Vietnamese depends on it (blur merges marks into letters)."""
    rng = np.random.default_rng(style["seed"])
    kind = style["degrade"]
    if kind == "blur":
        image = image.filter(ImageFilter.GaussianBlur(radius=float(rng.uniform(0.8, 1.8))))
    elif kind == "lowres":
        factor = float(rng.uniform(0.3, 0.55))  # 90–165 DPI, upscaled back as a pipeline would
        small = image.resize((max(1, int(image.width * factor)), max(1, int(image.height * factor))), Image.BILINEAR)
        image = small.resize(image.size, Image.BICUBIC)
    elif kind == "thin":
        image = image.filter(ImageFilter.MaxFilter(3))  # photocopy: strokes lose a pixel
    if kind in ("noise", "blur", "lowres"):
        pixels = np.asarray(image, dtype=np.float32)
        pixels = pixels + rng.normal(0, float(rng.uniform(8, 30)), pixels.shape)
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    return image


# ---------------------------------------------------------------- OCR

def ocr_batch(paths: list[str]) -> list[str]:
    """One Tesseract process for many single-line images (a list file): pages come back split by form feeds."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(paths) + "\n")
    try:
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        out = subprocess.run(["tesseract", listing.name, "-", "-l", "eng", "--psm", "7"],
                             capture_output=True, text=True, env=env, check=True).stdout
    finally:
        os.unlink(listing.name)
    pages = out.split("\f")
    if len(pages) >= len(paths):
        return [" ".join(p.split()) for p in pages[:len(paths)]]
    return [ocr_batch([p])[0] for p in paths]  # page count lost: fall back to one image per call


# ---------------------------------------------------------------- alignment

_LOOKALIKE = str.maketrans({"6": "o", "0": "o", "1": "l", "$": "s", "@": "d", "¥": "y", "§": "o", "¢": "e",
                            "|": "l", "w": "u", "W": "U"})


def rough_fold(token: str) -> str:
    """Accent-free lowercase with the obvious look-alikes folded: only used to decide which words correspond."""
    out = "".join(c for c in unicodedata.normalize("NFD", token.translate(_LOOKALIKE))
                  if not unicodedata.combining(c))
    return out.replace("đ", "d").replace("Đ", "D").lower()


def align_words(truth: list[str], ocr: list[str]) -> list[tuple[list[str], list[str]]]:
    """Word alignment (1:1, 1:2 split, 2:1 merge, insertions, deletions) minimising normalised edit distance."""
    ft, fo = [rough_fold(t) for t in truth], [rough_fold(o) for o in ocr]
    n, m = len(truth), len(ocr)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0

    def dist(a: str, b: str) -> float:
        return Levenshtein.normalized_distance(a, b)

    for i in range(n + 1):
        for j in range(m + 1):
            c = cost[i][j]
            if c == inf:
                continue
            steps = []
            if i < n and j < m:
                steps.append((1, 1, dist(ft[i], fo[j])))
            if i < n:
                steps.append((1, 0, 0.9))
            if j < m:
                steps.append((0, 1, 0.9))
            if i < n and j + 1 < m:
                steps.append((1, 2, dist(ft[i], fo[j] + fo[j + 1]) + 0.25))
            if i + 1 < n and j < m:
                steps.append((2, 1, dist(ft[i] + ft[i + 1], fo[j]) + 0.25))
            for di, dj, step in steps:
                if c + step < cost[i + di][j + dj]:
                    cost[i + di][j + dj] = c + step
                    back[i + di][j + dj] = (di, dj)
    pieces = []
    i, j = n, m
    while i or j:
        di, dj = back[i][j]
        pieces.append((truth[i - di:i], ocr[j - dj:j]))
        i, j = i - di, j - dj
    return pieces[::-1]


def strip_punct(token: str) -> str:
    return token.strip(PUNCT)


def word_pairs(truth_line: str, ocr_line: str) -> tuple[list[tuple[str, str]], Counter]:
    """(garbled, true) word pairs of one line, plus counts of split/merge/lost events."""
    pairs, events = [], Counter()
    for t, o in align_words(truth_line.split(), ocr_line.split()):
        if len(t) == 1 and len(o) == 1:
            truth, garbled = strip_punct(t[0]), strip_punct(o[0])
            if truth.isalpha() and garbled and rough_fold(truth) and \
                    Levenshtein.normalized_distance(rough_fold(truth), rough_fold(garbled)) <= 0.67:
                pairs.append((garbled, truth))
            else:
                events["unaligned"] += 1
        elif len(t) == 1 and len(o) == 2:
            events["split"] += 1
        elif len(t) == 2 and len(o) == 1:
            events["merge"] += 1
        elif t:
            events["lost"] += 1
        else:
            events["spurious"] += 1
    return pairs, events


# ---------------------------------------------------------------- driver

def build_jobs(seeds: Path, rng: random.Random, limit: int | None) -> list[tuple[str, str, dict]]:
    """(doc, truth line, style) for every line to render."""
    jobs = []
    for prefix, doc in SEED_DOCS.items():
        path = next(seeds.glob(f"{prefix}_*.txt"))
        paragraphs = read_seed_paragraphs(path, doc)
        for variant in range(3):  # each seed line three times: plain, random style, capitals
            for paragraph in paragraphs:
                style = pick_style(rng, upper_share=1.0 if variant == 2 else 0.0)
                if variant == 0:
                    style.update(weight="regular", pt=13, degrade=rng.choice(["clean", "blur", "lowres"]))
                text = paragraph.upper() if style["upper"] else paragraph
                jobs += [(doc, line, style) for line in wrap(text, font_for(style))]
    vlsp = read_vlsp_sentences()
    for k in range(0, len(vlsp), 4):  # four sentences to a paragraph
        style = pick_style(rng, upper_share=0.15)
        text = " ".join(vlsp[k:k + 4])
        text = text.upper() if style["upper"] else text
        jobs += [("vlsp", line, dict(style, seed=rng.randrange(1 << 30))) for line in wrap(text, font_for(style))]
    for line in random_word_lines(600, rng):
        style = pick_style(rng, upper_share=0.2)
        jobs.append(("viet74k", line.upper() if style["upper"] else line, style))
    if limit:
        rng.shuffle(jobs)
        jobs = jobs[:limit]
    return jobs


def run_ocr(jobs: list[tuple[str, str, dict]], workers: int, batch: int = 150) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for k, (_, text, style) in enumerate(jobs):
            path = f"{tmp}/{k:06d}.png"
            render_line(text, style).save(path, dpi=(DPI, DPI))
            paths.append(path)
        chunks = [paths[k:k + batch] for k in range(0, len(paths), batch)]
        with ThreadPoolExecutor(workers) as pool:
            results = list(pool.map(ocr_batch, chunks))
    return [line for chunk in results for line in chunk]


def write_tsv_gz(path: Path, rows) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=9) as f:
        for row in rows:
            f.write("\t".join(str(x).replace("\t", " ") for x in row) + "\n")
    os.replace(tmp, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit-lines", type=int, default=None, help="render only a random subset (for a try)")
    parser.add_argument("--relearn", action="store_true", help="skip rendering/OCR, learn from the stored pairs")
    args = parser.parse_args()

    pairs_path, lines_path = DATA / "channel_pairs.tsv.gz", DATA / "channel_lines.tsv.gz"
    if not args.relearn:
        rng = random.Random(20260321)
        jobs = build_jobs(args.seeds, rng, args.limit_lines)
        print(f"rendering and OCR-ing {len(jobs)} lines", file=sys.stderr)
        ocr_lines = run_ocr(jobs, args.jobs)
        pair_counts: Counter = Counter()
        events: Counter = Counter()
        for (doc, truth, _), ocr in zip(jobs, ocr_lines):
            pairs, ev = word_pairs(truth, ocr)
            events.update(ev)
            pair_counts.update((doc, g, t) for g, t in pairs)
        write_tsv_gz(lines_path, ((doc, style_name(style), truth, ocr)
                                  for (doc, truth, style), ocr in zip(jobs, ocr_lines)))
        write_tsv_gz(pairs_path, sorted((doc, g, t, n) for (doc, g, t), n in pair_counts.items()))
        print(f"word pairs: {sum(pair_counts.values())} ({len(pair_counts)} distinct); events {dict(events)}",
              file=sys.stderr)
    table = learn_channel(load_pairs(pairs_path))
    save_channel(table, DATA / "channel.json")
    print(f"channel.json: {len(table['emit'])} letters, "
          f"{sum(len(v) for v in table['emit'].values())} emissions", file=sys.stderr)


def load_pairs(path: Path, exclude_docs: frozenset[str] = frozenset()) -> list[tuple[str, str, int]]:
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            doc, g, t, n = line.rstrip("\n").split("\t")
            if doc not in exclude_docs:
                rows.append((g, t, int(n)))
    return rows


if __name__ == "__main__":
    main()
