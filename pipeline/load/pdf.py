"""PDF inputs: open, count and rasterise pages; decide from evidence what each page is (pdf_evidence) and
read its text layer when that is the page's text, its raster otherwise, with its overlays (overlays)."""

from __future__ import annotations

import math
import subprocess
import unicodedata
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import (
    DependencyError,
    EncryptedInputError,
    PageTimeoutError,
    UnreadableInputError,
)
from ..model import Overlay
from ..options import Options
from .overlays import (
    AnnotationFacts,
    OverlayFacts,
    PageView,
    classify_annotation,
    classify_content_box,
    lines_in,
    page_without_annotations,
    parse_bbox_layout,
    read_annotation_texts,
    read_annotations,
)
from .page import (
    NATIVE_RESOLUTION_BELOW,
    PageInput,
    capped_dpi_for_size,
    first_line,
)
from .pdf_evidence import (
    LAYER_MIN_LINE_COVERAGE,
    Mode,
    decide_page,
    line_coverage,
    percent,
    read_page_content,
)
from .pdf_image import NotAPlainScan, decode_page_colour, decode_page_scan, inherited, read_page_facts
from .text_layer import is_vietnamese_syllable, text_layer_is_usable  # noqa: F401  (re-exported: load.pdf's API)


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
    path: Path,
    number: int,
    dpi: int,
    timeout: float,
    size: tuple[float, float] | None = None,
    *,
    hide_annotations: bool = False,
) -> np.ndarray:
    """One page to an 8-bit grayscale array with poppler's pdftoppm (PGM on stdout, no temp files),
    never the whole file at once; ``hide_annotations`` leaves the annotations (overlays) out."""
    import cv2

    data = run_pdftoppm(path, number, dpi, timeout, size, ["-gray"], hide_annotations)
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE) if data else None
    if image is None:
        raise UnreadableInputError(f"page {number} could not be rasterised (poppler produced no image)", path=str(path))
    return image


def rasterise_pdf_page_colour(
    path: Path, number: int, dpi: int, timeout: float, size: tuple[float, float] | None, hide_annotations: bool
) -> np.ndarray | None:
    """The page in colour (BGR), rendered like rasterise_pdf_page's gray one (same size), or None when it
    has no colour to speak of (image.is_grey) or poppler cannot draw it: colour is a help, never a failure."""
    import cv2

    from .image import is_grey

    try:
        data = run_pdftoppm(path, number, dpi, timeout, size, [], hide_annotations)
    except Exception:
        return None
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR) if data else None
    if image is None or is_grey(image):
        return None
    return image


def page_colour(
    path: Path, number: int, facts: Any, dpi: int, shape: tuple[int, ...], timeout: float, hide: bool
) -> np.ndarray | None:
    """The colour beside a rendered page: its one image decoded in colour when the page is one, else
    poppler's rendering in colour."""
    try:
        with open_pdf(path) as pdf:
            facts = read_page_facts(pdf, path, number)
            return decode_page_colour(facts, capped_dpi_for_size(facts.size, dpi), shape)
    except NotAPlainScan:
        pass
    except Exception:  # a damaged image: poppler may still draw it
        pass
    return rasterise_pdf_page_colour(path, number, dpi, timeout, facts.size, hide)


def run_pdftoppm(
    path: Path, number: int, dpi: int, timeout: float, size: tuple[float, float] | None, mode: list[str], hide: bool
) -> bytes:
    dpi = capped_dpi(path, number, dpi, size)
    limit = max(30, int(timeout))
    command = ["pdftoppm", "-r", str(dpi), *mode, "-f", str(number), "-l", str(number)]
    if hide:
        command.append("-hide-annotations")
    try:
        proc = subprocess.run([*command, str(path)], capture_output=True, timeout=limit)
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
    return proc.stdout


def load_pdf_page(path: Path, number: int, options: Options) -> PageInput:
    """One PDF page, decided from evidence (pdf_evidence): a scan is OCR'd from its raster, a born-digital
    page keeps its text layer, a blank page is neither; overlays (e-signature boxes, stamps) are recorded
    and kept out of the text. The decision and its reason come first in the page's steps.

    A page that is exactly one page-filling image (what scanners and archive tools write) is drawn from
    the decoded image the way pdftoppm draws it, byte for byte for upright images; anything else is
    rendered by pdftoppm. Either way the file is opened once."""
    with open_pdf(path) as pdf:
        facts = read_page_facts(pdf, path, number)
        content = read_page_content(facts.page, facts.box)
        view = PageView.of(facts.page.obj, facts.box, facts.rotate)
        try:
            overlays, kept, note = annotation_overlays(facts.page)
        except Exception as err:  # damaged annotations never cost the page: it is judged without them
            overlays, kept, note = [], [], f"annotations unreadable ({type(err).__name__})"
        drop = {o.annotation for o in overlays if o.annotation is not None and o.text}
        drop_lines = {line for o in overlays if o.text for line in o.text.split("\n")}

        def text_layer() -> str | None:
            if content.complete and not content.runs and not kept:
                return None  # nothing on the page can be read as text (no text operators, no field text)
            if not content.complete and not facts.may_have_text:
                return None
            return read_page_text(path, number, facts.page, drop, drop_lines, options.page_timeout)

        decision = decide_page(content, page_mode(options), text_layer, overlay_note=note, kept_annotations=len(kept))
        steps = [decision.step]
        if decision.read in ("blank", "text"):
            dpi = capped_dpi_for_size(facts.size, options.dpi)
            size = page_pixels(view, dpi)
            return PageInput(
                number=number,
                text_path="text-layer" if decision.read == "text" else None,
                text=decision.text if decision.read == "text" else None,
                source="load:pdf-text-layer" if decision.read == "text" else None,
                kind=decision.kind,
                steps=tuple(steps),
                overlays=tuple(as_overlay(o, view, size) for o in overlays),
                size=size,
            )
        colour_wanted = options.preprocess and content.colour_images
        fallback_reason = None
        image = colour = None
        source = ""
        if kept:
            fallback_reason = f"{len(kept)} annotation(s) with the page's own text"
        elif decision.content_overlays:
            fallback_reason = "visible text"
        else:
            try:
                image, source, colour = decode_page_scan(facts, options, colour=colour_wanted)
            except NotAPlainScan as refusal:
                fallback_reason = str(refusal)
            except Exception as err:  # anything unexpected in a damaged image: the renderer decides
                fallback_reason = f"direct decode failed ({type(err).__name__})"
        content_boxes = [view.to_display(b) for b in decision.content_overlays]
        content_texts = content_overlay_texts(path, number, content_boxes, overlays) if content_boxes else []
    # the annotations are drawn on a rendered page unless they are all overlays (then poppler hides them)
    hide = bool(overlays) and not kept
    if image is None:
        dpi = scan_resolution_for(path, number, options, facts.size)
        image = rasterise_pdf_page(path, number, dpi, options.page_timeout, facts.size, hide_annotations=hide)
        if colour_wanted:
            colour = page_colour(path, number, facts, dpi, image.shape, options.page_timeout, hide)
        source = f"load:pdf-render:{capped_dpi_for_size(facts.size, dpi)}dpi ({fallback_reason})"
    pixels = (int(image.shape[1]), int(image.shape[0]))
    found = [as_overlay(o, view, pixels) for o in overlays]
    masks = [view.to_pixels(o.box, pixels) for o in overlays if image_shows(o, hide, direct=fallback_reason is None)]
    for box, text in zip(content_boxes, content_texts):
        masks.append(view.to_pixels(box, pixels))
        found.append(Overlay(kind=classify_content_box(text), text=text or None, box=masks[-1]))
    masks = [b for b in masks if b[2] > 0 and b[3] > 0]
    if decision.read == "layer?":
        boxes = [pixel_corners(view.to_pixels(view.to_display(r.box), pixels)) for r in content.runs if not r.visible]
        coverage = line_coverage(image, boxes)
        verdict = "kept" if coverage >= LAYER_MIN_LINE_COVERAGE else "not used"
        decision.reason += f" {verdict}: its words cover {percent(coverage)} of the scan's text lines"
        steps = [decision.step]
        if coverage >= LAYER_MIN_LINE_COVERAGE:
            return PageInput(
                number=number,
                text_path="text-layer",
                text=decision.text,
                source="load:pdf-text-layer",
                kind="scan",
                steps=tuple(steps),
                overlays=tuple(found),
                size=pixels,
            )
    if masks:
        steps.append(f"load:overlays-masked:{len(masks)}")
    return PageInput(
        number=number,
        text_path="ocr",
        image=image,
        source=source,
        kind="scan",
        steps=tuple(steps),
        overlays=tuple(found),
        mask_boxes=tuple(masks),
        colour=colour,
    )


def page_mode(options: Options) -> Mode:
    if options.force_ocr:
        return "force-ocr"
    if options.skip_text:
        return "skip-text"
    if options.redo_ocr:
        return "redo-ocr"
    return "auto"


def page_pixels(view: PageView, dpi: int) -> tuple[int, int]:
    width, height = view.size
    return max(1, math.ceil(width * dpi / 72.0)), max(1, math.ceil(height * dpi / 72.0))


def pixel_corners(box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    left, top, width, height = box
    return left, top, left + width, top + height


def as_overlay(found: OverlayFacts, view: PageView, pixels: tuple[int, int]) -> Overlay:
    return Overlay(kind=found.kind, text=found.text or None, box=view.to_pixels(found.box, pixels))


def image_shows(found: OverlayFacts, hidden: bool, *, direct: bool) -> bool:
    """Whether the overlay is drawn in the page raster: page content always is; an annotation only when
    the page was rendered with its annotations (the direct path draws the scan alone)."""
    if found.annotation is None:
        return True
    return not direct and not hidden


def annotation_overlays(page: Any) -> tuple[list[OverlayFacts], list[AnnotationFacts], str]:
    """The page's annotations sorted into overlays (with their text) and the ones that are part of the
    page, and a note for the reason ('2 e-signature boxes recorded as overlays')."""
    annotations = read_annotations(page.obj)
    if not annotations:
        return [], [], ""
    view = PageView.of(page.obj, media_box(page), rotation(page))
    texts = read_annotation_texts(page, annotations)
    overlays, kept = [], []
    for annotation, text in zip(annotations, texts):
        kind, why = classify_annotation(annotation, text.text)
        if kind is None:
            if text.text.strip():
                kept.append(annotation)
            continue
        overlays.append(
            OverlayFacts(
                kind=kind, text=text.text, box=view.to_display(annotation.rect), annotation=annotation.index, why=why
            )
        )
    counts: dict[str, int] = {}
    for overlay in overlays:
        counts[overlay.kind] = counts.get(overlay.kind, 0) + 1
    note = ", ".join(f"{n} {kind} {'box' if n == 1 else 'boxes'}" for kind, n in counts.items())
    return overlays, kept, f"{note} recorded as overlays" if note else ""


def media_box(page: Any) -> tuple[float, float, float, float]:
    corners = [float(v) for v in inherited(page.obj, "/MediaBox")]
    return (
        min(corners[0], corners[2]),
        min(corners[1], corners[3]),
        max(corners[0], corners[2]),
        max(corners[1], corners[3]),
    )


def rotation(page: Any) -> int:
    value = inherited(page.obj, "/Rotate")
    return int(value) if value is not None else 0


def content_overlay_texts(
    path: Path, number: int, boxes: list[tuple[float, float, float, float]], annotations: list[OverlayFacts]
) -> list[str]:
    """The text in each box of visible text drawn over a scan (pdftotext's lines there; the lines of the
    overlay annotations, which pdftotext reads as well, are left out)."""
    try:
        proc = subprocess.run(
            ["pdftotext", "-q", "-enc", "UTF-8", "-bbox-layout", "-f", str(number), "-l", str(number), str(path), "-"],
            capture_output=True,
            timeout=60,
        )
        pages = parse_bbox_layout(proc.stdout.decode("utf-8", errors="replace")) if proc.returncode == 0 else []
    except (FileNotFoundError, subprocess.TimeoutExpired):
        pages = []
    lines = pages[0] if pages else []
    taken = {line for o in annotations if o.text for line in o.text.split("\n")}
    return ["\n".join(t for t, _ in lines_in(lines, box) if t not in taken) for box in boxes]


def read_page_text(
    path: Path, number: int, page: Any, drop: set[int], drop_lines: set[str], timeout: float
) -> str | None:
    """The page's text layer as pdftotext reads it (NFC, no form feed), without the annotations at the
    ``drop`` positions (overlays): then poppler reads a copy of the page without them, from stdin (or, when
    the page cannot be copied, the whole page's text without the overlays' lines)."""
    if not drop:
        return read_pdf_text(path, number)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pikepdf's note that copied widgets leave the form behind
            data = page_without_annotations(page, drop)
        proc = subprocess.run(
            ["pdftotext", "-q", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, timeout=max(30, timeout)
        )
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return None
    except Exception:  # a page pikepdf cannot copy: read it whole, then take the overlays' lines out
        text = read_pdf_text(path, number)
        return "\n".join(line for line in text.split("\n") if line not in drop_lines) if text is not None else None
    if proc.returncode != 0:
        return None
    return clean_text_layer(proc.stdout.decode("utf-8", errors="replace"))


def read_pdf_text(path: Path, number: int) -> str | None:
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
    return clean_text_layer(proc.stdout.decode("utf-8", errors="replace"))


def read_pdf_text_layer(path: Path, number: int) -> str | None:
    """The page's own text when it is good Vietnamese text, else None (the page is then OCR'd)."""
    text = read_pdf_text(path, number)
    return text if text is not None and text_layer_is_usable(text) else None


def clean_text_layer(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\f", "").replace("\r\n", "\n"))
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")
