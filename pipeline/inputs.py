"""Stage 1, load: what kind of input a path is, how many pages it has, and each page's raster or text.

Pages are produced one at a time (a PDF page is rasterised only when asked for), so memory stays
bounded on long documents. Every failure raises a PlanocrError with a category.

PDF pages that carry a usable text layer (born-digital documents, or scans that already went through
a good Vietnamese OCR) are read from that layer instead of being OCR'd, unless ``force_ocr`` is set.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import (
    DependencyError,
    EncryptedInputError,
    MissingInputError,
    PageTimeoutError,
    UnreadableInputError,
    UnsupportedInputError,
)
from .model import InputKind, TextPath
from .options import Options

PDF_SUFFIXES = {".pdf"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
TEXT_SUFFIXES = {".txt"}
SUPPORTED_SUFFIXES = PDF_SUFFIXES | IMAGE_SUFFIXES | TEXT_SUFFIXES

# Size limits. An A4 page at 600 DPI is 4961 x 7016 px; anything far beyond that is a poster, a
# mis-set resolution tag or a decompression bomb. Big pages are scaled down, absurd ones refused.
MAX_SIDE_PX = 7200
MAX_IMAGE_PIXELS = 178_000_000  # Pillow refuses beyond this too (DecompressionBombError)

# A text layer is trusted when the page has at least this many letters, this share of its alphabetic
# tokens are well-formed Vietnamese syllables (legacy TCVN3/VNI font encodings and "(cid:NN)" debris
# fail this)...
TEXT_LAYER_MIN_LETTERS = 80
TEXT_LAYER_MIN_SYLLABLE_SHARE = 0.75
# ...and this share of them carry a Vietnamese mark (tone or ă â đ ê ô ơ ư): ~0.86 in real plans, ~0.2 in
# the layer an English-model OCR leaves on a Vietnamese scan ("Nghi quyét s6 57-NQ/TW ngay ...").
TEXT_LAYER_MIN_MARKED_SHARE = 0.5


@dataclass(frozen=True)
class PageInput:
    """One page ready for the page stages: either an image to OCR or text read directly."""

    number: int
    text_path: TextPath
    image: np.ndarray | None = None  # grayscale or BGR uint8
    text: str | None = None
    # How the page was obtained, for provenance (Page.steps): e.g. "load:pdf-image:DCTDecode:300dpi"
    # (the scan's own pixels, decoded directly) or "load:pdf-render:300dpi" (rasterised by poppler).
    source: str | None = None


def detect_kind(path: Path) -> InputKind:
    if not path.exists():
        raise MissingInputError("no such file", path=str(path))
    if path.is_dir():
        raise UnsupportedInputError("is a folder, not a file", path=str(path))
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedInputError(f"unsupported file type '{suffix or '(none)'}'; expected PDF, PNG, JPEG, TIFF or .txt", path=str(path))
    if path.stat().st_size == 0:
        raise UnreadableInputError("file is empty (0 bytes)", path=str(path))
    if suffix in PDF_SUFFIXES:
        return "pdf"
    if suffix in IMAGE_SUFFIXES:
        return "image"
    return "text"


def count_pages(path: Path, kind: InputKind, options: Options) -> int:
    """Number of pages; also the place where a corrupt or encrypted file is found, before any OCR."""
    if kind == "text":
        read_text_file(path)  # fail early on a non-UTF-8 file
        return 1
    if kind == "pdf":
        return count_pdf_pages(path)
    if kind == "image":
        return count_image_frames(path)
    raise UnsupportedInputError(f"unknown input kind {kind!r}", path=str(path))


def load_page(path: Path, kind: InputKind, number: int, options: Options) -> PageInput:
    if kind == "text":
        return PageInput(number=number, text_path="text", text=read_text_file(path))
    if kind == "pdf":
        return load_pdf_page(path, number, options)
    if kind == "image":
        return PageInput(number=number, text_path="ocr", image=load_image_frame(path, number))
    raise UnsupportedInputError(f"unknown input kind {kind!r}", path=str(path))


# --- text -----------------------------------------------------------------------------------------

def read_text_file(path: Path) -> str:
    """UTF-8 (with or without BOM) or BOM-marked UTF-16; NFC-normalised. Anything else is refused
    rather than guessed, because a wrong guess would silently damage every Vietnamese letter."""
    data = path.read_bytes()
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise UnreadableInputError(f"text file is not UTF-8 (bad byte at offset {err.start}); re-save it as UTF-8", path=str(path)) from None
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n"))


# --- PDF ------------------------------------------------------------------------------------------

def open_pdf(path: Path):
    """Open with pikepdf, turning its failures into categorised errors with a fix in the message."""
    import pikepdf

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # qpdf's repair chatter; a failed repair still raises
            return pikepdf.open(path)
    except pikepdf.PasswordError:
        raise EncryptedInputError("PDF is encrypted with a password; decrypt it first, e.g. "
                                  "qpdf --password=PASSWORD --decrypt in.pdf out.pdf", path=str(path)) from None
    except (pikepdf.PdfError, ValueError, OSError) as err:
        detail = (str(err).splitlines() or [type(err).__name__])[0].replace(f"{path}: ", "")[:160]
        raise UnreadableInputError(f"not a readable PDF, corrupt or truncated ({detail}); "
                                   "get a fresh copy or try repairing it: qpdf in.pdf out.pdf", path=str(path)) from None


def count_pdf_pages(path: Path) -> int:
    with open_pdf(path) as pdf:
        try:
            n = len(pdf.pages)
        except Exception as err:  # a broken page tree surfaces here, not at open
            raise UnreadableInputError(f"PDF page tree is damaged ({err}); try qpdf in.pdf out.pdf", path=str(path)) from None
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


def capped_dpi_for_size(size: tuple[float, float], dpi: int) -> int:
    longest_inch = max(size) / 72.0
    if longest_inch * dpi <= MAX_SIDE_PX:
        return dpi
    return max(36, int(MAX_SIDE_PX / longest_inch))


# A page that is one embedded scan below this share of the requested resolution is rasterised at the
# scan's own resolution and upscaled by preprocess (Lanczos): poppler's interpolation to 300 DPI lost
# recognition on 72-DPI scans (CER 5.67% vs 3.52% on seed 000; README, "Preprocessing: measured").
NATIVE_RESOLUTION_BELOW = 0.75
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
        proc = subprocess.run(["pdfimages", "-list", "-f", str(number), "-l", str(number), str(path)],
                              capture_output=True, text=True, timeout=60)
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return None
    size = size or pdf_page_size_points(path, number)
    if proc.returncode != 0 or not size:
        return None
    page_area = size[0] * size[1] / 72.0 ** 2
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


def rasterise_pdf_page(path: Path, number: int, dpi: int, timeout: float, size: tuple[float, float] | None = None) -> np.ndarray:
    """One page to an 8-bit grayscale array with poppler's pdftoppm (PGM on stdout, no temp files),
    never the whole file at once."""
    import cv2

    dpi = capped_dpi(path, number, dpi, size)
    limit = max(30, int(timeout))
    try:
        proc = subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-f", str(number), "-l", str(number), str(path)],
                              capture_output=True, timeout=limit)
    except FileNotFoundError:
        raise DependencyError("poppler (pdftoppm) is not installed; apt-get install poppler-utils", path=str(path)) from None
    except subprocess.TimeoutExpired:  # the page, not the file, is at fault: it fails as a timeout, the others go on
        raise PageTimeoutError(f"page {number} could not be rasterised within {limit} s (pdftoppm stopped)", path=str(path)) from None
    if proc.returncode != 0:
        detail = first_line(proc.stderr.decode("utf-8", errors="replace")) or f"exit status {proc.returncode}"
        raise UnreadableInputError(f"page {number} could not be rasterised (pdftoppm: {detail})", path=str(path))
    image = cv2.imdecode(np.frombuffer(proc.stdout, np.uint8), cv2.IMREAD_GRAYSCALE) if proc.stdout else None
    if image is None:
        raise UnreadableInputError(f"page {number} could not be rasterised (poppler produced no image)", path=str(path))
    return image


def first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0][:160] if lines else ""


# --- PDF pages: load ------------------------------------------------------------------------------

def load_pdf_page(path: Path, number: int, options: Options) -> PageInput:
    """A PDF page's usable text layer, else its raster. A page that is exactly one page-filling image
    (what scanners and archive tools write) is drawn from the decoded image the way pdftoppm draws it,
    byte for byte for upright images; anything else is rendered by pdftoppm. Either way the file is
    opened once, and pdftotext runs only when the page can hold text (~0.18 s instead of ~0.37 s for
    an A4 300-DPI JPEG page)."""
    from .pdf_scan import NotAPlainScan, decode_page_scan, read_page_facts

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
    return PageInput(number=number, text_path="ocr", image=image,
                     source=f"load:pdf-render:{capped_dpi_for_size(facts.size, dpi)}dpi ({fallback_reason})")


def read_pdf_text_layer(path: Path, number: int) -> str | None:
    """The page's own text when it is good Vietnamese text, else None (the page is then OCR'd)."""
    try:
        proc = subprocess.run(["pdftotext", "-q", "-enc", "UTF-8", "-f", str(number), "-l", str(number), str(path), "-"],
                              capture_output=True, timeout=60)
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
    tokens = [t for t in tokens if not t.isupper() or len(t) <= 4 or is_vietnamese_syllable(t)]  # drop acronyms like UBND
    if not tokens:
        return False
    well_formed = sum(1 for t in tokens if is_vietnamese_syllable(t)) / len(tokens)
    marked = sum(1 for t in tokens if any(ord(ch) > 127 for ch in t)) / len(tokens)
    return well_formed >= TEXT_LAYER_MIN_SYLLABLE_SHARE and marked >= TEXT_LAYER_MIN_MARKED_SHARE


# --- images ---------------------------------------------------------------------------------------

def open_image(path: Path):
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            image = Image.open(path)
            width, height = image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as err:
        raise UnreadableInputError(f"not a valid image ({type(err).__name__}); is the file damaged or misnamed?", path=str(path)) from None
    except Image.DecompressionBombError:
        raise UnreadableInputError("image is absurdly large (possible decompression bomb)", path=str(path)) from None
    if width * height > MAX_IMAGE_PIXELS:
        image.close()
        raise UnreadableInputError(f"image is absurdly large ({width}x{height} px; limit {MAX_IMAGE_PIXELS // 1_000_000} Mpx)", path=str(path))
    return image


def count_image_frames(path: Path) -> int:
    image = open_image(path)
    with image:
        frames = getattr(image, "n_frames", 1)
        try:  # check the first frame now so garbage after a valid header fails here, not mid-batch
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if image.format == "PNG" and frames == 1:
                    # chunk structure and checksums, without inflating: a cut or garbled file fails here
                    # at ~3 ms instead of a full decode (~150 ms for a 300-DPI page) in the parent,
                    # which the worker repeats anyway
                    image.verify()
                else:
                    image.load()
        except Exception as err:
            raise UnreadableInputError(f"not a valid image (decoding failed: {type(err).__name__}: {str(err)[:120]})", path=str(path)) from None
    return max(1, frames)


def load_image_frame(path: Path, number: int) -> np.ndarray:
    image = open_image(path)
    with image:
        fast = decode_plain_image(path, image) if number == 1 else None
        if fast is not None:
            return cap_size(fast)
    return load_image_frame_with_pillow(path, number)


def decode_plain_image(path: Path, image) -> np.ndarray | None:
    """A single-frame 8-bit gray or RGB PNG/JPEG without orientation tag or transparency, decoded by
    OpenCV (~20% faster than Pillow on a 300-DPI PNG page) to exactly what Pillow gives; None for
    anything else (palette, alpha, 16-bit, CMYK, EXIF rotation, several frames), which Pillow decodes."""
    import cv2

    if image.format not in ("PNG", "JPEG") or image.mode not in ("L", "RGB") or getattr(image, "n_frames", 1) != 1:
        return None
    if "transparency" in image.info:
        return None
    data = np.fromfile(path, np.uint8)
    if image.format == "PNG":
        if not png_is_plain(data.tobytes()):
            return None
    elif image.getexif().get(0x0112, 1) != 1:  # EXIF (or XMP) Orientation; read from the header for JPEG
        return None
    decoded = cv2.imdecode(data, cv2.IMREAD_UNCHANGED | cv2.IMREAD_IGNORE_ORIENTATION)
    channels = 1 if image.mode == "L" else 3
    if decoded is None or decoded.dtype != np.uint8 or decoded.shape[:2] != (image.height, image.width) \
            or (decoded.shape[2] if decoded.ndim == 3 else 1) != channels:
        return None  # OpenCV read it differently: leave it to Pillow
    if channels == 1:
        return decoded
    if is_grey(decoded):  # channel order does not matter for the test
        return pillow_luma(decoded)
    return decoded  # already BGR, OpenCV's order, as image_to_uint8 returns colour pages


# PNG chunks after which Pillow and OpenCV could disagree: transparency, EXIF, and text that may
# carry an XMP orientation (Pillow's getexif() would decode the whole image to look for them).
PNG_UNPLAIN_CHUNKS = {b"tRNS", b"eXIf"}
PNG_TEXT_CHUNKS = {b"tEXt", b"zTXt", b"iTXt"}


def png_is_plain(data: bytes) -> bool:
    """Walks the PNG's chunk headers (no decoding): no transparency, no EXIF, no orientation in text."""
    position = 8
    while position + 8 <= len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        kind = data[position + 4:position + 8]
        if kind in PNG_UNPLAIN_CHUNKS:
            return False
        if kind in PNG_TEXT_CHUNKS and (kind != b"tEXt" or b"Orientation" in data[position + 8:position + 8 + length]):
            return False  # zTXt and iTXt (where XMP lives) may be compressed: not worth inflating here
        if kind == b"IEND":
            return True
        position += 12 + length
    return False  # truncated: Pillow gives the error message


def pillow_luma(bgr: np.ndarray) -> np.ndarray:
    """Pillow's RGB -> L conversion (ITU-R 601-2 in 16-bit fixed point, rounded), bit for bit."""
    b, g, r = (bgr[:, :, i].astype(np.uint32) for i in range(3))
    return ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16).astype(np.uint8)


def load_image_frame_with_pillow(path: Path, number: int) -> np.ndarray:
    from PIL import ImageOps

    image = open_image(path)
    with image:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                image.seek(number - 1)
                frame = ImageOps.exif_transpose(image)  # phone photos store rotation in EXIF
                frame.load()
        except EOFError:
            raise UnreadableInputError(f"image has no frame {number}", path=str(path)) from None
        except Exception as err:
            raise UnreadableInputError(f"not a valid image (decoding failed: {type(err).__name__}: {str(err)[:120]})", path=str(path)) from None
        array = image_to_uint8(frame)
    return cap_size(array)


def image_to_uint8(frame) -> np.ndarray:
    """Any PIL mode to uint8 grayscale (or BGR when the page has colour): 16-bit scaled, not clipped;
    transparency composited on white, because scans saved with alpha have the page in the alpha channel's
    opaque part and 'transparent' meaning paper."""
    from PIL import Image

    mode = frame.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        values = np.asarray(frame, dtype=np.float64)
        lo, hi = float(values.min()), float(values.max())
        top = 65535.0 if mode.startswith("I;16") or hi > 255 else 255.0
        if mode == "F" and hi <= 1.0:
            top = 1.0
        return np.clip(values / top * 255.0 + 0.5, 0, 255).astype(np.uint8) if hi > lo or hi > 0 else np.zeros(values.shape, np.uint8)
    if mode == "P":
        frame = frame.convert("RGBA")
        mode = "RGBA"
    if mode in ("RGBA", "LA", "PA", "La", "RGBa"):
        background = Image.new("RGBA", frame.size, (255, 255, 255, 255))
        frame = Image.alpha_composite(background, frame.convert("RGBA")).convert("RGB")
        mode = "RGB"
    if mode in ("1", "L"):
        return np.asarray(frame.convert("L"))
    rgb = np.asarray(frame.convert("RGB"))
    if is_grey(rgb):
        return np.asarray(frame.convert("L"))
    return np.ascontiguousarray(rgb[:, :, ::-1])  # BGR, OpenCV's order


def is_grey(rgb: np.ndarray) -> bool:
    sample = rgb[::8, ::8].astype(np.int16)
    spread = sample.max(axis=2) - sample.min(axis=2)
    return float(np.mean(spread > 24)) < 0.001


def cap_size(array: np.ndarray) -> np.ndarray:
    import cv2

    longest = max(array.shape[:2])
    if longest <= MAX_SIDE_PX:
        return array
    scale = MAX_SIDE_PX / longest
    return cv2.resize(array, (round(array.shape[1] * scale), round(array.shape[0] * scale)), interpolation=cv2.INTER_AREA)
