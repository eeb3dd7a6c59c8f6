"""PDF inputs: open, count and rasterise pages, and read a page's text layer when it is the document's text."""

from __future__ import annotations

import re
import subprocess
import unicodedata
import warnings
from pathlib import Path

import numpy as np

from ..errors import (
    DependencyError,
    EncryptedInputError,
    PageTimeoutError,
    UnreadableInputError,
)
from ..options import Options
from .page import (
    NATIVE_RESOLUTION_BELOW,
    PageInput,
    capped_dpi_for_size,
    first_line,
)
from .pdf_image import NotAPlainScan, decode_page_scan, read_page_facts

# A text layer is trusted when the page has at least this many letters, this share of its alphabetic
# tokens are well-formed Vietnamese syllables (legacy TCVN3/VNI font encodings and "(cid:NN)" debris
# fail this)...
TEXT_LAYER_MIN_LETTERS = 80


TEXT_LAYER_MIN_SYLLABLE_SHARE = 0.75


# ...and this share of them carry a Vietnamese mark (tone or ă â đ ê ô ơ ư): ~0.86 in real plans, ~0.2 in
# the layer an English-model OCR leaves on a Vietnamese scan ("Nghi quyét s6 57-NQ/TW ngay ...").
TEXT_LAYER_MIN_MARKED_SHARE = 0.5


def open_pdf(path: Path):
    """Open with pikepdf, turning its failures into categorised errors with a fix in the message."""
    import pikepdf

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # qpdf's repair chatter; a failed repair still raises
            return pikepdf.open(path)
    except pikepdf.PasswordError:
        raise EncryptedInputError(
            "PDF is encrypted with a password; decrypt it first, e.g. "
            "qpdf --password=PASSWORD --decrypt in.pdf out.pdf",
            path=str(path),
        ) from None
    except (pikepdf.PdfError, ValueError, OSError) as err:
        detail = (str(err).splitlines() or [type(err).__name__])[0].replace(f"{path}: ", "")[:160]
        raise UnreadableInputError(
            f"not a readable PDF, corrupt or truncated ({detail}); "
            "get a fresh copy or try repairing it: qpdf in.pdf out.pdf",
            path=str(path),
        ) from None


def count_pdf_pages(path: Path) -> int:
    with open_pdf(path) as pdf:
        try:
            n = len(pdf.pages)
        except Exception as err:  # a broken page tree surfaces here, not at open
            raise UnreadableInputError(
                f"PDF page tree is damaged ({err}); try qpdf in.pdf out.pdf", path=str(path)
            ) from None
    if n == 0:
        raise UnreadableInputError("PDF has no pages", path=str(path))
    return n


def pdf_page_size_points(path: Path, number: int) -> tuple[float, float] | None:
    with open_pdf(path) as pdf:
        try:
            box = [float(v) for v in pdf.pages[number - 1].mediabox]
        except Exception:
            return None
    return abs(box[2] - box[0]), abs(box[3] - box[1])


def capped_dpi(path: Path, number: int, dpi: int, size: tuple[float, float] | None = None) -> int:
    """Lower the resolution for oversized pages so no raster side exceeds MAX_SIDE_PX."""
    size = size or pdf_page_size_points(path, number)
    if not size:
        return dpi
    return capped_dpi_for_size(size, dpi)


# The image must cover this share of the page to count as the page's scan (not a logo or a photo).
SCAN_MIN_PAGE_SHARE = 0.8


def scan_resolution_for(path: Path, number: int, options: Options, size: tuple[float, float] | None = None) -> int:
    """The DPI to rasterise a page at: the requested one, or the embedded scan's own when it is much
    lower and preprocessing (which upscales small print with a better filter) is on."""
    if not options.preprocess:
        return options.dpi
    native = embedded_scan_dpi(path, number, size)
    if native is None or native >= NATIVE_RESOLUTION_BELOW * options.dpi:
        return options.dpi
    return max(36, int(round(native)))


def embedded_scan_dpi(path: Path, number: int, size: tuple[float, float] | None = None) -> float | None:
    """Resolution of the image that makes up a scanned page (pdfimages accounts for how the page
    scales it), or None when the page is not one full-page image or poppler cannot say."""
    try:
        proc = subprocess.run(
            ["pdfimages", "-list", "-f", str(number), "-l", str(number), str(path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return None
    size = size or pdf_page_size_points(path, number)
    if proc.returncode != 0 or not size:
        return None
    page_area = size[0] * size[1] / 72.0**2
    best: tuple[float, float] | None = None  # (area in square inches, dpi)
    for line in proc.stdout.splitlines()[2:]:
        fields = line.split()
        if len(fields) < 14 or fields[2] != "image":
            continue  # masks and stencils are not the scan
        try:
            width, height, x_ppi, y_ppi = int(fields[3]), int(fields[4]), float(fields[12]), float(fields[13])
        except ValueError:
            continue
        if x_ppi <= 0 or y_ppi <= 0:
            continue
        area = (width / x_ppi) * (height / y_ppi)
        if best is None or area > best[0]:
            best = (area, min(x_ppi, y_ppi))
    if best is None or best[0] < SCAN_MIN_PAGE_SHARE * page_area:
        return None
    return best[1]


def rasterise_pdf_page(
    path: Path, number: int, dpi: int, timeout: float, size: tuple[float, float] | None = None
) -> np.ndarray:
    """One page to an 8-bit grayscale array with poppler's pdftoppm (PGM on stdout, no temp files),
    never the whole file at once."""
    import cv2

    dpi = capped_dpi(path, number, dpi, size)
    limit = max(30, int(timeout))
    try:
        proc = subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", "-f", str(number), "-l", str(number), str(path)],
            capture_output=True,
            timeout=limit,
        )
    except FileNotFoundError:
        raise DependencyError(
            "poppler (pdftoppm) is not installed; apt-get install poppler-utils", path=str(path)
        ) from None
    except subprocess.TimeoutExpired:  # the page, not the file, is at fault: it fails as a timeout, the others go on
        raise PageTimeoutError(
            f"page {number} could not be rasterised within {limit} s (pdftoppm stopped)", path=str(path)
        ) from None
    if proc.returncode != 0:
        detail = first_line(proc.stderr.decode("utf-8", errors="replace")) or f"exit status {proc.returncode}"
        raise UnreadableInputError(f"page {number} could not be rasterised (pdftoppm: {detail})", path=str(path))
    image = cv2.imdecode(np.frombuffer(proc.stdout, np.uint8), cv2.IMREAD_GRAYSCALE) if proc.stdout else None
    if image is None:
        raise UnreadableInputError(f"page {number} could not be rasterised (poppler produced no image)", path=str(path))
    return image


def load_pdf_page(path: Path, number: int, options: Options) -> PageInput:
    """A PDF page's usable text layer, else its raster. A page that is exactly one page-filling image
    (what scanners and archive tools write) is drawn from the decoded image the way pdftoppm draws it,
    byte for byte for upright images; anything else is rendered by pdftoppm. Either way the file is
    opened once, and pdftotext runs only when the page can hold text (~0.18 s instead of ~0.37 s for
    an A4 300-DPI JPEG page)."""
    with open_pdf(path) as pdf:
        facts = read_page_facts(pdf, path, number)
        if not options.force_ocr and facts.may_have_text:
            text = read_pdf_text_layer(path, number)
            if text is not None:
                return PageInput(number=number, text_path="text-layer", text=text, source="load:pdf-text-layer")
        try:
            image, source = decode_page_scan(facts, options)
        except NotAPlainScan as refusal:
            fallback_reason = str(refusal)
        except Exception as err:  # anything unexpected in a damaged image: the renderer decides
            fallback_reason = f"direct decode failed ({type(err).__name__})"
        else:
            return PageInput(number=number, text_path="ocr", image=image, source=source)
    dpi = scan_resolution_for(path, number, options, facts.size)
    image = rasterise_pdf_page(path, number, dpi, options.page_timeout, facts.size)
    return PageInput(
        number=number,
        text_path="ocr",
        image=image,
        source=f"load:pdf-render:{capped_dpi_for_size(facts.size, dpi)}dpi ({fallback_reason})",
    )


def read_pdf_text_layer(path: Path, number: int) -> str | None:
    """The page's own text when it is good Vietnamese text, else None (the page is then OCR'd)."""
    try:
        proc = subprocess.run(
            ["pdftotext", "-q", "-enc", "UTF-8", "-f", str(number), "-l", str(number), str(path), "-"],
            capture_output=True,
            timeout=60,
        )
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return None  # no poppler text tool, or a pathological page: OCR it instead
    if proc.returncode != 0:
        return None
    text = clean_text_layer(proc.stdout.decode("utf-8", errors="replace"))
    return text if text_layer_is_usable(text) else None


def clean_text_layer(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\f", "").replace("\r\n", "\n"))
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


# Vietnamese syllable shape once tone marks are removed: optional onset, 1–3 vowels, optional coda.
_SYLLABLE = re.compile(
    r"^(b|c|ch|d|đ|g|gh|gi|h|k|kh|l|m|n|ng|ngh|nh|p|ph|q|qu|r|s|t|th|tr|v|x)?"
    r"[aăâeêioôơuưy]{1,3}"
    r"(c|ch|m|n|ng|nh|p|t)?$"
)


_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def is_vietnamese_syllable(token: str) -> bool:
    decomposed = unicodedata.normalize("NFD", token.lower())
    tones = sum(1 for ch in decomposed if ch in _TONE_MARKS)
    if tones > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    return bool(_SYLLABLE.match(base))


def text_layer_is_usable(text: str) -> bool:
    if "(cid:" in text or "\ufffd" in text:
        return False
    letters = sum(1 for ch in text if ch.isalpha())
    if letters < TEXT_LAYER_MIN_LETTERS:
        return False
    tokens = re.findall(r"[^\W\d_]+", text)
    tokens = [
        t for t in tokens if not t.isupper() or len(t) <= 4 or is_vietnamese_syllable(t)
    ]  # drop acronyms like UBND
    if not tokens:
        return False
    well_formed = sum(1 for t in tokens if is_vietnamese_syllable(t)) / len(tokens)
    marked = sum(1 for t in tokens if any(ord(ch) > 127 for ch in t)) / len(tokens)
    return well_formed >= TEXT_LAYER_MIN_SYLLABLE_SHARE and marked >= TEXT_LAYER_MIN_MARKED_SHARE
