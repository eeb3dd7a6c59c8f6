"""Stage 3, OCR: Tesseract words with boxes and confidences, rebuilt into lines in reading order.

Tesseract's page segmentation (psm 3) reads the two header columns of a Decree 30 page (issuer left,
national title right) as single lines, and runs the "Nơi nhận" list into the signature block. So the
page text is rebuilt here from word boxes: words are grouped into visual rows, and where consecutive
rows share a wide empty vertical band (a gutter) and form exactly two columns, the left column's lines
are emitted before the right column's. Paragraphs are separated by a blank line.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import functools
import io
import os
import re
import resource
import statistics
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import DependencyError, PageTimeoutError, PlanocrError
from .model import Word
from .options import Options

LOW_CONFIDENCE = 0.6
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-vie"
DEFAULT_PSM = 3


@dataclass(frozen=True)
class OcrResult:
    text: str
    confidence: float | None  # mean word confidence 0–1 over real words; None when the page has none
    words: list[Word] = field(default_factory=list)
    low_confidence_words: list[Word] = field(default_factory=list)
    tsv: str = ""
    steps: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # tesseract, tesseract_cpu, ocr_encode, ocr_read


@dataclass
class TsvWord:
    text: str
    conf: float  # 0–100 as Tesseract reports it
    left: int
    top: int
    width: int
    height: int
    block: int
    par: int
    line: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    @property
    def middle(self) -> float:
        return self.top + self.height / 2


# --- running Tesseract ----------------------------------------------------------------------------

def limit_tesseract_threads() -> None:
    """One OpenMP thread per Tesseract: measured 3.7 s/page vs 7.2 s with default threading on 2 cores,
    and parallelism comes from running pages in separate processes instead."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@functools.lru_cache(maxsize=8)
def check_tesseract(lang: str = "vie") -> str:
    """Tesseract's version, after checking that it runs and has every language in ``lang``."""
    try:
        proc = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, timeout=30)
        langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        raise DependencyError(f"tesseract is not installed; {INSTALL_HINT}") from None
    except subprocess.TimeoutExpired:
        raise DependencyError("tesseract does not answer (--version timed out)") from None
    output = (proc.stdout or proc.stderr).strip()
    if proc.returncode != 0 or not output.startswith("tesseract"):
        raise DependencyError(f"tesseract does not run ({output[:120]!r}); {INSTALL_HINT}")
    version = output.splitlines()[0].split()[-1]
    available = {line.strip() for line in langs.stdout.splitlines()[1:] if line.strip()}
    missing = [code for code in lang.split("+") if code and code not in available]
    if missing:
        hint = INSTALL_HINT if missing != ["Vietnamese"] else "apt-get install tesseract-ocr-script-viet"
        raise DependencyError(f"Tesseract language data missing: {', '.join(missing)}; {hint}")
    return version


@functools.lru_cache(maxsize=4)
def tessdata_dir() -> Path | None:
    """The folder Tesseract loads its language data from (it names it in ``--list-langs``; it follows
    TESSDATA_PREFIX when that is set)."""
    try:
        out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'"([^"]+)"', out.splitlines()[0] if out else "")
    return Path(match.group(1)) if match else None


@dataclass(frozen=True)
class TesseractRun:
    """Tesseract's TSV for one page and where the time went: ``seconds`` is the Tesseract process alone
    (start to exit: model load, recognition, layout), ``cpu_seconds`` the CPU it used, ``encode_seconds``
    the Python side of handing it the image."""

    tsv: str
    seconds: float
    cpu_seconds: float | None
    encode_seconds: float


def encode_pnm(image: np.ndarray) -> bytes:
    """The page as binary PGM (grey) or PPM (colour): a header and the raw pixels, which Tesseract reads
    (see page_file_for_tesseract). Encoding a 300-DPI page as PNG instead (what pytesseract does) cost 1.5 s of CPU per
    page, 40% of Tesseract's own time on the page; this costs ~10 ms and gives Tesseract the same pixels
    (the same TSV, byte for byte)."""
    if image.dtype != np.uint8:
        raise ValueError(f"page image must be uint8, not {image.dtype}")
    if image.ndim == 2:
        height, width = image.shape
        return b"P5\n%d %d\n255\n" % (width, height) + np.ascontiguousarray(image).tobytes()
    if image.ndim == 3 and image.shape[2] in (3, 4):
        rgb = image[:, :, 2::-1]  # BGR(A) -> RGB
        height, width = rgb.shape[:2]
        return b"P6\n%d %d\n255\n" % (width, height) + np.ascontiguousarray(rgb).tobytes()
    raise ValueError(f"page image must be grey or BGR, not shape {image.shape}")


@functools.lru_cache(maxsize=1)
def die_with_caller() -> list[str]:
    """A prefix that makes Tesseract receive SIGKILL when the process that started it dies (util-linux's
    setpriv sets the parent-death signal, which survives the exec): a worker killed from outside (a Ray
    task cancelled at its deadline, a pool worker past its hard limit) takes its Tesseract with it instead
    of leaving it running unsupervised. Empty where setpriv is missing."""
    import shutil

    return ["setpriv", "--pdeathsig", "KILL"] if shutil.which("setpriv") else []


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_tesseract(image: np.ndarray, options: Options, psm: int = DEFAULT_PSM) -> TesseractRun:
    """Tesseract's TSV for one page image (uint8 grayscale/binary or BGR), by running the tesseract
    binary on the image handed over in memory (no temp files, so a killed page leaves nothing behind)."""
    limit_tesseract_threads()
    started = time.perf_counter()
    with page_file_for_tesseract(encode_pnm(image)) as (source, data, pass_fds):
        encode_seconds = time.perf_counter() - started
        command = die_with_caller() + ["tesseract", source, "stdout", "-l", options.lang, "--psm", str(psm), "tsv"]
        cpu_before = children_cpu_seconds()
        started = time.perf_counter()
        try:
            proc = subprocess.Popen(command, stdin=subprocess.PIPE if data is not None else subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=pass_fds)
        except FileNotFoundError:
            raise DependencyError(f"tesseract is not installed; {INSTALL_HINT}") from None
        return finish_tesseract(proc, data, options, started, cpu_before, encode_seconds)


@contextlib.contextmanager
def page_file_for_tesseract(pnm: bytes) -> Iterator[tuple[str, bytes | None, tuple[int, ...]]]:
    """Where Tesseract reads the page from: (its input argument, the bytes to pipe to its stdin or None,
    the file descriptors it inherits). An anonymous in-memory file (memfd) that Tesseract opens as
    /dev/fd/N: one write of the page (~5 ms), gone when the last descriptor closes, even after a kill.
    Where memfd is missing, the page is piped to stdin, which costs the caller ~25 ms of CPU per page in
    communicate()'s 4 KB write loop, and puts that hand-over inside Tesseract's timed window."""
    create = getattr(os, "memfd_create", None)
    if create is None or not Path("/dev/fd").is_dir():
        yield "stdin", pnm, ()
        return
    fd = create("planocr-page.pnm", os.MFD_CLOEXEC)
    try:
        view = memoryview(pnm)
        while view:
            view = view[os.write(fd, view):]
        os.lseek(fd, 0, os.SEEK_SET)
        yield f"/dev/fd/{fd}", None, (fd,)
    finally:
        os.close(fd)


def finish_tesseract(proc: subprocess.Popen, data: bytes | None, options: Options, started: float, cpu_before: float,
                     encode_seconds: float) -> TesseractRun:
    try:
        out, err = proc.communicate(data, timeout=options.page_timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise PageTimeoutError(f"Tesseract took longer than {options.page_timeout:g} s on this page "
                               "(raise --page-timeout for very dense pages)") from None
    except BaseException:
        proc.kill()  # interrupted: never leave a Tesseract running
        proc.wait()
        raise
    seconds = time.perf_counter() - started
    cpu = children_cpu_seconds() - cpu_before  # only this child ran (a page runs one Tesseract at a time)
    if proc.returncode != 0:
        message = err.decode("utf-8", errors="replace")
        if "Failed loading language" in message or "Error opening data file" in message:
            raise DependencyError(f"Tesseract language data for {options.lang!r} is missing; {INSTALL_HINT}")
        detail = " ".join(message.split())[:200] or f"exit status {proc.returncode}"
        raise PlanocrError(f"Tesseract failed: {detail}")
    return TesseractRun(tsv=out.decode("utf-8", errors="replace"), seconds=seconds,
                        cpu_seconds=cpu if cpu >= 0 else None, encode_seconds=encode_seconds)


def ocr_page(image: np.ndarray, options: Options, *, scale: float = 1.0) -> OcrResult:
    """OCR one page. ``scale`` is the factor preprocessing applied; word boxes are mapped back to the
    input page's pixels with it. ``timings`` splits the stage: the Tesseract process, the image handed
    to it, and the reading of its TSV into lines."""
    run = run_tesseract(image, options)
    started = time.perf_counter()
    result = result_from_tsv(run.tsv, scale=scale, steps=[f"tesseract:{options.lang}:psm{DEFAULT_PSM}", "reading-order"])
    read_seconds = time.perf_counter() - started
    timings = {"tesseract": run.seconds, "ocr_encode": run.encode_seconds, "ocr_read": read_seconds}
    if run.cpu_seconds is not None:
        timings["tesseract_cpu"] = run.cpu_seconds
    return dataclasses.replace(result, timings=timings)


def result_from_tsv(tsv: str, *, scale: float = 1.0, steps: list[str] | None = None) -> OcrResult:
    """Page text in reading order, word records and confidences from Tesseract's TSV."""
    words = parse_tsv(tsv)
    text, numbered = render_lines(order_lines(words))
    record_words = [to_model_word(w, line_no, scale) for line_no, w in numbered]
    real = [w for w in record_words if is_real_word(w.text)]
    confidence = round(statistics.fmean(w.confidence for w in real), 4) if real else None
    low = [w for w in real if w.confidence < LOW_CONFIDENCE]
    return OcrResult(text=text, confidence=confidence, words=record_words, low_confidence_words=low, tsv=tsv,
                     steps=list(steps or []))


# --- TSV -> words ---------------------------------------------------------------------------------

def parse_tsv(tsv: str) -> list[TsvWord]:
    words: list[TsvWord] = []
    reader = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:
        if row.get("level") != "5":
            continue
        text = (row.get("text") or "").strip()
        conf = float(row.get("conf") or -1)
        if not text or conf < 0:
            continue
        words.append(TsvWord(text=text, conf=conf, left=int(row["left"]), top=int(row["top"]),
                             width=int(row["width"]), height=int(row["height"]),
                             block=int(row["block_num"]), par=int(row["par_num"]), line=int(row["line_num"])))
    return words


def is_real_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def to_model_word(word: TsvWord, line_no: int, scale: float) -> Word:
    factor = 1.0 / scale if scale else 1.0
    box = (round(word.left * factor), round(word.top * factor), round(word.width * factor), round(word.height * factor))
    return Word(text=word.text, confidence=round(min(max(word.conf / 100.0, 0.0), 1.0), 4), box=box, line=line_no)


# --- reading order --------------------------------------------------------------------------------

@dataclass
class Line:
    """One output line: words left to right, plus whether a paragraph starts here."""

    words: list[TsvWord]
    starts_paragraph: bool = False

    @property
    def left(self) -> int:
        return min(w.left for w in self.words)

    @property
    def right(self) -> int:
        return max(w.right for w in self.words)

    @property
    def top(self) -> int:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> int:
        return max(w.bottom for w in self.words)


def letter_height(words: list[TsvWord]) -> float:
    """Typical word box height: the scale for every gap threshold, so the rules hold at any DPI."""
    heights = [w.height for w in words if is_real_word(w.text)]
    return float(statistics.median(heights)) if heights else 30.0


def group_rows(words: list[TsvWord]) -> list[list[TsvWord]]:
    """Visual rows: words whose vertical middles fall within the row's band, regardless of which
    Tesseract line (or block) they were put in. Skew is removed by preprocessing; a small residual
    slope is tolerated by comparing with the nearest word of the row."""
    height = letter_height(words)
    rows: list[list[TsvWord]] = []
    for word in sorted(words, key=lambda w: (w.middle, w.left)):
        best, best_distance = None, None
        for row in rows[-6:]:
            nearest = min(row, key=lambda w: abs(w.left - word.left))
            distance = abs(nearest.middle - word.middle)
            if distance <= 0.45 * height and (best_distance is None or distance < best_distance):
                best, best_distance = row, distance
        if best is None:
            rows.append([word])
        else:
            best.append(word)
    for row in rows:
        row.sort(key=lambda w: w.left)
    rows.sort(key=lambda r: statistics.median(w.middle for w in r))
    return rows


def split_row(row: list[TsvWord], gap: float) -> list[list[TsvWord]]:
    """Runs of words separated by more than ``gap`` (boxes may overlap: compare with the run's extent)."""
    segments = [[row[0]]]
    extent = row[0].right
    for word in row[1:]:
        if word.left - extent > gap:
            segments.append([word])
        else:
            segments[-1].append(word)
        extent = max(extent, word.right) if word.left - extent <= gap else word.right
    return segments


def find_gutter(rows: list[list[TsvWord]], min_width: float) -> tuple[int, int] | None:
    """The widest x-interval empty in every row (a vertical band of white), if wide enough and
    with text on both sides."""
    if not rows:
        return None
    lo = min(w.left for r in rows for w in r)
    hi = max(w.right for r in rows for w in r)
    occupied = sorted((w.left, w.right) for r in rows for w in r)
    best, cursor = None, lo
    for left, right in occupied:
        if left > cursor and (best is None or left - cursor > best[1] - best[0]):
            best = (cursor, left)
        cursor = max(cursor, right)
    if best is None or best[1] - best[0] < min_width or best[0] <= lo or best[1] >= hi:
        return None
    return best


def order_lines(words: list[TsvWord]) -> list[Line]:
    """Lines in reading order, with two-column regions (header, recipients/signature) read column by column."""
    if not words:
        return []
    height = letter_height(words)
    rows = group_rows(words)
    gap = 2.5 * height  # justified text stretches spaces to ~1 letter height; gutters are far wider
    split = [len(split_row(r, gap)) >= 2 for r in rows]
    lines: list[Line] = []
    i = 0
    while i < len(rows):
        region_end = grow_region(rows, split, i, height) if split[i] else None
        if region_end is not None:
            region = rows[i:region_end]
            gutter = find_gutter(region, gap)
            if gutter is not None:
                lines.extend(read_columns(region, gutter))
                i = region_end
                continue
        lines.append(Line(words=rows[i]))
        i += 1
    mark_paragraphs(lines, height)
    return lines


def grow_region(rows: list[list[TsvWord]], split: list[bool], start: int, height: float) -> int | None:
    """End index (exclusive) of the two-column region starting at ``start``, or None when there is none.

    The region holds consecutive rows that keep one gutter empty: split rows, and rows lying wholly on
    one side of it (a third issuer line, recipients below the signature block, the signer's name).
    Rows join only when close below the region (ordinary line spacing), except that a right-hand row may
    come after a signature space; once such a far right-hand row has joined, left-hand rows no longer
    may, so nothing from further down is moved ahead of text above it. Each column needs two rows or
    more: one wide gap in a single line is not a column layout."""
    gutter_width = 2.5 * height
    end, split_rows, closed_to_left = start + 1, 1, False
    while end < len(rows):
        candidate = rows[end]
        gutter = find_gutter(rows[start:end + 1], gutter_width)  # the band left if the row joins
        if gutter is None:
            break
        region_bottom = max(w.bottom for row in rows[start:end] for w in row)
        vertical_gap = min(w.top for w in candidate) - region_bottom
        near = vertical_gap <= 1.2 * height
        if split[end] and vertical_gap <= 3 * height and not closed_to_left:
            split_rows += 1  # both sides; "Số: … | Place, ngày …" sits below a rule and a gap
        elif max(w.right for w in candidate) <= gutter[0] and near and not closed_to_left:
            pass  # left-hand row
        elif min(w.left for w in candidate) >= gutter[1] and vertical_gap <= 8 * height:
            closed_to_left = closed_to_left or not near  # right-hand row, after a signature space if far
        else:
            break
        end += 1
    gutter = find_gutter(rows[start:end], gutter_width)
    if gutter is None:
        return None
    left_rows = sum(1 for row in rows[start:end] if row[0].right <= gutter[0])
    right_rows = sum(1 for row in rows[start:end] if row[-1].left >= gutter[1])
    if left_rows < 2 or right_rows < 2:
        return None
    if split_rows < 2 and not centred_column(rows[start:end], gutter, height):
        return None  # one shared row and ragged text on the right: more likely body text than a column
    return end


def centred_column(rows: list[list[TsvWord]], gutter: tuple[int, int], height: float) -> bool:
    """True when the parts of ``rows`` right of the gutter share one centre, as the signature block
    and the national title do (Decree 30 centres them)."""
    centres = []
    for row in rows:
        part = [w for w in row if w.left >= gutter[1]]
        if part:
            centres.append((part[0].left + part[-1].right) / 2)
    return bool(centres) and max(centres) - min(centres) <= 1.5 * height


def read_columns(region: list[list[TsvWord]], gutter: tuple[int, int]) -> list[Line]:
    middle = (gutter[0] + gutter[1]) / 2
    left = [Line(words=[w for w in row if w.right <= middle]) for row in region]
    right = [Line(words=[w for w in row if w.right > middle]) for row in region]
    left = [line for line in left if line.words]
    right = [line for line in right if line.words]
    for column in (left, right):
        if column:
            column[0].starts_paragraph = True
    return left + right


def mark_paragraphs(lines: list[Line], height: float) -> None:
    """A paragraph starts after a vertical gap clearly larger than line spacing, or at a first-line
    indent, or after a line that ends well short of the text's right edge."""
    if not lines:
        return
    margin_left = float(np.percentile([ln.left for ln in lines], 10, method="lower"))
    margin_right = float(np.percentile([ln.right for ln in lines], 90, method="higher"))
    pitches = [b.top - a.top for a, b in zip(lines, lines[1:]) if 0 < b.top - a.top < 3 * height]
    pitch = float(np.percentile(pitches, 25, method="lower")) if pitches else 1.6 * height
    lines[0].starts_paragraph = True
    for previous, line in zip(lines, lines[1:]):
        if line.starts_paragraph:
            continue
        gap = line.top - previous.top
        indented = line.left - margin_left > 1.5 * height and previous.left - margin_left < 1.5 * height
        short_before = margin_right - previous.right > 6 * height
        line.starts_paragraph = gap > 1.35 * pitch or gap < 0 or indented or short_before


def render_lines(lines: list[Line]) -> tuple[str, list[tuple[int, TsvWord]]]:
    """Page text (blank line between paragraphs) and each word with its 1-based line number in it."""
    out: list[str] = []
    numbered: list[tuple[int, TsvWord]] = []
    for line in lines:
        if line.starts_paragraph and out:
            out.append("")
        out.append(" ".join(w.text for w in line.words))
        numbered.extend((len(out), w) for w in line.words)
    return "\n".join(out) + ("\n" if out else ""), numbered
