"""`--pdf`: a searchable PDF/A-2b of the scan, with the record's corrected words as an invisible text layer.

How (no PDF syntax is written here; every object comes from a library):
- The pages: a PDF input is opened read-only with pikepdf and its pages are kept as they are (their image
  streams are not decoded or re-encoded); image inputs become pages through img2pdf, which passes JPEG, PNG
  and CCITT TIFF data through unchanged (an image it cannot take as it is — transparency, a mirrored EXIF
  orientation — is converted losslessly by Pillow first).
- The text layer: the record's words (``Page.words``, restored text, NFC) as OCRmyPDF's engine-neutral
  ``OcrElement`` tree, drawn invisibly by OCRmyPDF's fpdf2 renderer (its embedded NotoSans subset, with a
  ToUnicode map) and placed on the page as a form XObject whose matrix maps the page image's pixels onto the
  page box (with /Rotate). Each word sits at its place on the page image, moved back from the deskewed frame
  the OCR read, drawn level (``layer.upright_runs``); lines go in the record's reading order. Only OCR'd scan
  pages get a layer: born-digital pages keep their own text, and a document without a scan page gets no PDF
  at all (it is searchable as it is).
- Signed inputs: the original file is never written to. The derivative cannot carry the signatures (any
  change breaks them), so their widgets' appearances (the visible e-signature boxes) are flattened into the
  page and the signature fields removed; the XMP metadata says which file it derives from (its SHA-256) and
  that the signatures are in the original.
- PDF/A: ``pikepdf.pdfa.save`` adds the sRGB OutputIntent and the PDF/A-2B identification, writes, reopens
  and validates the written bytes; when pikepdf's validator cannot approve the file (fonts the input does
  not embed, constructs it does not check), OCRmyPDF converts it with Ghostscript instead
  (``output_type='pdfa-2'``, no OCR: ``ocr_engine='none'``).
"""

from __future__ import annotations

import functools
import importlib.resources
import io
import logging
import tempfile
import unicodedata
import warnings
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from .. import __version__
from ..model import Document, Page
from .geometry import affine
from .layer import has_text_layer_words, upright_runs

PDFA_FLAVOUR = "2b"

# A4 in points: an image without a believable resolution is laid out as an A4 page (Decree 30 documents are A4).
A4_LONG_SIDE_PT = 841.89
# An image's own resolution is believed when it makes a page between these sizes (long side, inches); phone
# photos often claim 72 dpi for 3000 pixels, which would make a 42-inch page.
PLAUSIBLE_LONG_SIDE_INCHES = (4.0, 20.0)


class ArchiveOutputError(Exception):
    """An archive output could not be written; the message says why (it becomes a warning on the record)."""


@dataclass
class PdfWritten:
    pages: int
    text_pages: int
    backend: str  # "pikepdf" (validated by pikepdf.pdfa) or "ghostscript" (through OCRmyPDF)
    signatures_removed: int = 0
    notes: list[str] = field(default_factory=list)


def needs_pdf(document: Document) -> bool:
    """A PDF is written for a document with at least one OCR'd scan page; born-digital and text inputs are
    left as they are."""
    return document.source.kind in ("pdf", "image") and any(has_text_layer_words(p) for p in document.pages)


def write_pdf(document: Document, sources: list[Path], stream: BinaryIO) -> PdfWritten:
    """Write the PDF/A of ``document`` (whose input files are ``sources``: one PDF, one image, or a folder's
    page images in page order) to ``stream``. Raises ArchiveOutputError when it cannot be made."""
    import pikepdf

    with ExitStack() as stack:
        pdf, signatures = base_pdf(document, sources, stack)
        text_pages = add_text_layer(pdf, document)
        set_metadata(pdf, document, signatures)
        written = PdfWritten(
            pages=len(pdf.pages), text_pages=text_pages, backend="pikepdf", signatures_removed=signatures
        )
        try:
            save_pdfa(pdf, stream)
        except PdfaNotApproved as refusal:
            with tempfile.TemporaryDirectory(prefix="planocr-pdfa-") as work:
                draft = Path(work) / "draft.pdf"
                pdf.save(draft)
                pdfa_with_ghostscript(draft, Path(work) / "pdfa.pdf")
                with pikepdf.open(Path(work) / "pdfa.pdf") as converted:
                    set_metadata(converted, document, signatures)
                    converted.save(stream)
            written.backend = "ghostscript"
            written.notes.append(f"pikepdf could not approve PDF/A ({refusal}); converted with Ghostscript")
    return written


# --- the pages --------------------------------------------------------------------------------------


def base_pdf(document: Document, sources: list[Path], stack: ExitStack) -> tuple[Any, int]:
    """The document's pages as a pikepdf.Pdf (the input is never written to) and how many signatures were
    taken out of the derivative."""
    import pikepdf

    signatures = 0
    if document.source.kind == "pdf":
        try:
            pdf = stack.enter_context(pikepdf.open(sources[0]))
        except (pikepdf.PdfError, OSError, ValueError) as err:
            raise ArchiveOutputError(f"cannot open {sources[0].name}: {err}") from None
        signatures = remove_signatures(pdf)
    else:
        pdf = stack.enter_context(pikepdf.new())
        number = 0
        for file in sources:
            image_pdf = stack.enter_context(pikepdf.open(io.BytesIO(image_to_pdf(file, number + 1))))
            pdf.pages.extend(image_pdf.pages)
            number += len(image_pdf.pages)
    if len(pdf.pages) != len(document.pages):
        raise ArchiveOutputError(f"the input has {len(pdf.pages)} pages, the record {len(document.pages)}")
    return pdf, signatures


def remove_signatures(pdf) -> int:
    """Flatten form widgets (the visible e-signature boxes) into their pages and drop the signature fields,
    the document-level permissions, security store and the signature extension (a derivative cannot carry
    valid signatures), and resources no content uses (flattening copies the form's default fonts, Helvetica
    and ZapfDingbats, unembedded, into every widget). Returns how many signatures the input carried."""
    import pikepdf

    root = pdf.Root
    form = root.get("/AcroForm")
    count = 0
    if form is not None:
        for fld in form.get("/Fields", []):
            if fld.get("/FT") == pikepdf.Name.Sig and "/V" in fld:
                count += 1
        pdf.flatten_annotations("all")
        if "/AcroForm" in root:
            del root["/AcroForm"]
    for key in ("/Perms", "/DSS"):
        if key in root:
            del root[key]
    extensions = root.get("/Extensions")
    if extensions is not None and "/ESIC" in extensions:  # the PAdES extension declared by the signing tool
        del extensions["/ESIC"]
        if not list(extensions.keys()):
            del root["/Extensions"]
    pdf.remove_unreferenced_resources()
    return count


def image_dpi(path: Path) -> tuple[float, float] | None:
    """The resolution an image file states, if any."""
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Image.open(path) as image:
            dpi = image.info.get("dpi")
    if not dpi:
        return None
    try:
        x, y = float(dpi[0]), float(dpi[1])
    except (TypeError, ValueError, IndexError):
        return None
    return (x, y) if x > 1 and y > 1 else None


def page_layout(stated_dpi: tuple[float, float] | None):
    """img2pdf layout: the image's stated resolution when it gives a believable page, else an A4 page."""

    def layout(width_px: float, height_px: float, _ndpi) -> tuple[float, float, float, float]:
        if stated_dpi is not None:
            width_in, height_in = width_px / stated_dpi[0], height_px / stated_dpi[1]
            low, high = PLAUSIBLE_LONG_SIDE_INCHES
            if low <= max(width_in, height_in) <= high:
                return width_in * 72, height_in * 72, width_in * 72, height_in * 72
        scale = A4_LONG_SIDE_PT / max(width_px, height_px)
        return width_px * scale, height_px * scale, width_px * scale, height_px * scale

    return layout


def image_to_pdf(path: Path, first_page: int) -> bytes:
    """One image file as PDF pages; its data passed through where img2pdf can, else converted losslessly."""
    import img2pdf

    try:
        layout = page_layout(image_dpi(path))
    except Exception as err:
        raise ArchiveOutputError(
            f"page {first_page}: {path.name} cannot be read ({type(err).__name__}: {err})"
        ) from None
    try:
        return img2pdf.convert(str(path), layout_fun=layout, rotation=img2pdf.Rotation.ifvalid)
    except Exception as err:  # alpha channel, mirrored orientation, odd modes: Pillow converts losslessly
        reason = f"{type(err).__name__}: {err}"
    try:
        return img2pdf.convert(*lossless_frames(path), layout_fun=layout, rotation=img2pdf.Rotation.none)
    except Exception as err:
        raise ArchiveOutputError(
            f"page {first_page}: {path.name} cannot be embedded ({reason}; converting it failed too: "
            f"{type(err).__name__}: {err})"
        ) from None


def lossless_frames(path: Path) -> list[bytes]:
    """Every frame of an image as PNG bytes, upright (EXIF orientation applied), transparency on white."""
    from PIL import Image, ImageOps

    frames = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Image.open(path) as image:
            for index in range(getattr(image, "n_frames", 1)):
                image.seek(index)
                frame = ImageOps.exif_transpose(image)
                if frame.mode in ("RGBA", "LA", "PA", "P") or "transparency" in frame.info:
                    rgba = frame.convert("RGBA")
                    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
                    frame = Image.alpha_composite(white, rgba).convert("RGB")
                elif frame.mode not in ("1", "L", "RGB", "CMYK"):
                    frame = frame.convert("RGB")
                out = io.BytesIO()
                frame.save(out, "PNG")
                frames.append(out.getvalue())
    return frames


# --- the text layer ---------------------------------------------------------------------------------


def add_text_layer(pdf, document: Document) -> int:
    """Draw every scan page's words invisibly onto its page; returns how many pages got a layer."""
    import pikepdf

    pages = [p for p in document.pages if has_text_layer_words(p)]
    if not pages:
        return 0
    with tempfile.TemporaryDirectory(prefix="planocr-layer-") as work:
        layer_path = Path(work) / "layer.pdf"
        render_layer(pages, layer_path)
        with pikepdf.open(layer_path) as layer:
            for index, page in enumerate(pages):
                place_layer(pdf, pdf.pages[page.number - 1], layer.pages[index], page)
    return len(pages)


def layer_tree(page: Page):
    """The page's words as an OcrElement tree in the page image's pixels, drawn at 72 dpi (1 px = 1 pt):
    blocks of level runs of words (``layer.upright_runs``), in reading order."""
    from ocrmypdf.models.ocr_element import BoundingBox, OcrClass, OcrElement

    assert page.size is not None

    def bbox(boxes) -> BoundingBox:
        return BoundingBox(
            left=min(b[0] for b in boxes),
            top=min(b[1] for b in boxes),
            right=max(b[0] + b[2] for b in boxes),
            bottom=max(b[1] + b[3] for b in boxes),
        )

    paragraphs = []
    for block in upright_runs(page):
        lines = []
        for run in block:
            words = [
                OcrElement(
                    ocr_class=OcrClass.WORD,
                    bbox=bbox([box]),
                    text=unicodedata.normalize("NFC", word.text),
                    confidence=word.confidence,
                )
                for word, box in run
            ]
            lines.append(
                OcrElement(ocr_class=OcrClass.LINE, bbox=bbox([b for _, b in run]), children=words, language="vie")
            )
        paragraphs.append(
            OcrElement(ocr_class=OcrClass.PARAGRAPH, bbox=bbox([b for run in block for _, b in run]), children=lines)
        )
    return OcrElement(
        ocr_class=OcrClass.PAGE,
        bbox=BoundingBox(left=0, top=0, right=page.size[0], bottom=page.size[1]),
        dpi=72.0,
        page_number=page.number - 1,
        children=paragraphs,
        language="vie",
    )


@functools.lru_cache(maxsize=1)
def layer_fonts():
    """OCRmyPDF's bundled fonts (NotoSans covers Vietnamese; Occulta, glyphless, anything else), loaded once per
    process: parsing them, and the system font scan of OCRmyPDF's default provider, cost more than drawing a
    page."""
    from ocrmypdf.font import MultiFontManager
    from ocrmypdf.font.font_provider import BuiltinFontProvider

    font_dir = Path(str(importlib.resources.files("ocrmypdf") / "data"))
    return MultiFontManager(font_provider=BuiltinFontProvider(font_dir))


def render_layer(pages: list[Page], path: Path) -> None:
    from ocrmypdf.fpdf_renderer import Fpdf2MultiPageRenderer

    renderer = Fpdf2MultiPageRenderer(
        pages_data=[(p.number - 1, layer_tree(p), 72.0) for p in pages],
        multi_font_manager=layer_fonts(),
        invisible_text=True,
    )
    with quiet_logging("ocrmypdf", "fpdf", "fontTools"):
        renderer.render(path)


def display_to_user(page) -> tuple[np.ndarray, float, float]:
    """Map from the page as displayed (points, origin bottom-left, /Rotate applied) to its user space, and the
    displayed width and height. The box is the MediaBox: what poppler renders and the word boxes refer to."""
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    x0, x1 = min(x0, x1), max(x0, x1)
    y0, y1 = min(y0, y1), max(y0, y1)
    width, height = x1 - x0, y1 - y0
    rotate = int(page.obj.get("/Rotate", 0) or 0) % 360
    if rotate == 90:
        return affine(0, 1, -1, 0, x0 + width, y0), height, width
    if rotate == 180:
        return affine(-1, 0, 0, -1, x1, y1), width, height
    if rotate == 270:
        return affine(0, -1, 1, 0, x0, y0 + height), height, width
    return affine(1, 0, 0, 1, x0, y0), width, height


def layer_matrix(base_page, page: Page) -> np.ndarray:
    """Text layer points (the page image's pixels, y up) → the base page's user space."""
    assert page.size is not None
    to_user, display_w, display_h = display_to_user(base_page)
    page_w, page_h = page.size
    # layer points → page pixels (y down) → displayed page points (y up)
    to_display = affine(display_w / page_w, 0, 0, display_h / page_h, 0, 0)
    return to_user @ to_display


def place_layer(pdf, base_page, layer_page, page: Page) -> None:
    import pikepdf
    from pikepdf.canvas import ContentStreamBuilder

    form = pdf.copy_foreign(layer_page.as_form_xobject())
    name = base_page.add_resource(form, pikepdf.Name.XObject, prefix="PlanocrText")
    m = layer_matrix(base_page, page)
    matrix = pikepdf.Matrix(m[0, 0], m[1, 0], m[0, 1], m[1, 1], m[0, 2], m[1, 2])
    base_page.contents_add(ContentStreamBuilder().push().build(), prepend=True)  # the page's own graphics state
    base_page.contents_add(ContentStreamBuilder().pop().push().cm(matrix).draw_xobject(name).pop().build())


# --- metadata and PDF/A -----------------------------------------------------------------------------


def set_metadata(pdf, document: Document, signatures: int) -> None:
    """XMP (kept in step with the document information dictionary by pikepdf): title, language, the tool,
    and what the file derives from."""
    source = document.source
    note = f"Searchable copy of {source.file} (SHA-256 {source.sha256}) made by planocr {__version__}"
    note += "; the invisible text layer holds the OCR text after diacritic restoration."
    if signatures:
        note += (
            f" The original is digitally signed ({signatures} signature{'s' if signatures != 1 else ''}); the"
            " signatures are in the original file only and are not valid for this copy."
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            title = document.title or " ".join(x for x in (document.doc_type, document.number) if x)
            if title:
                meta["dc:title"] = title
            meta["dc:language"] = ["vi"]
            meta["dc:source"] = f"urn:sha256:{source.sha256}"
            meta["dc:description"] = note
            meta["xmp:CreatorTool"] = f"planocr {__version__}"


class PdfaNotApproved(Exception):
    pass


def save_pdfa(pdf, stream: BinaryIO) -> None:
    from pikepdf.pdfa import PdfaError, save

    try:
        with quiet_logging("pikepdf"):
            save(pdf, stream, PDFA_FLAVOUR)
    except PdfaError as err:
        findings = err.report.summary().splitlines()
        raise PdfaNotApproved("; ".join(line.strip() for line in findings[:6])) from None


def pdfa_with_ghostscript(draft: Path, output: Path) -> None:
    """PDF/A-2B by Ghostscript, through OCRmyPDF (no OCR: the text layer is already there)."""
    import shutil

    if shutil.which("gs") is None:
        raise ArchiveOutputError("PDF/A needs Ghostscript for this file; apt-get install ghostscript")
    import ocrmypdf

    try:
        with quiet_logging("ocrmypdf", "pikepdf", "PIL"):
            code = ocrmypdf.ocr(
                draft,
                output,
                mode="skip",
                ocr_engine="none",
                output_type="pdfa-2",
                pdfa_backend="ghostscript",
                optimize=0,
                invalidate_digital_signatures=True,
                progress_bar=False,
                jobs=1,
            )
    except Exception as err:
        raise ArchiveOutputError(f"PDF/A conversion failed ({type(err).__name__}: {err})") from None
    if int(code) != 0 or not output.exists():
        raise ArchiveOutputError(f"PDF/A conversion failed (OCRmyPDF exit code {int(code)})")


@contextmanager
def quiet_logging(*names: str) -> Iterator[None]:
    """Libraries' info and warning chatter kept off planocr's stderr (errors still show)."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)
