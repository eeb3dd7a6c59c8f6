"""An OCRmyPDF plugin: `ocrmypdf --plugin planocr -l vie in.pdf out.pdf` gives OCRmyPDF users planocr's
preprocessing (upscaling, deskew, background flattening, despeckling), OCR (Tesseract with planocr's reading
order) and Vietnamese diacritic restoration, in OCRmyPDF's own output (its PDF/A, optimisation, sidecar).

It is an OCR engine plugin (OCRmyPDF ≥ 17's ``OcrEngine.generate_ocr``): for each page image OCRmyPDF hands
over, planocr's page stages run and the restored words come back as an ``OcrElement`` tree, which OCRmyPDF's
own fpdf2 renderer turns into the invisible text layer. Word boxes are moved back from planocr's deskewed
frame to the image OCRmyPDF gave and drawn level (``layer.upright_runs``). Orientation and
OCRmyPDF's own ``--deskew`` stay Tesseract's (delegated to OCRmyPDF's Tesseract engine).

The module ``planocr`` (top level) re-exports these hooks, so ``--plugin planocr`` works; OCRmyPDF loads a
plugin only when asked (no entry point: one would replace Tesseract in every OCRmyPDF run of the environment).
``--ocr-engine tesseract`` (or ``none``) still selects OCRmyPDF's own engines.
"""

from __future__ import annotations

import logging
import statistics
from pathlib import Path

from ocrmypdf import hookimpl
from ocrmypdf.models.ocr_element import BoundingBox, OcrClass, OcrElement
from ocrmypdf.pluginspec import OcrEngine, OrientationConfidence

from .. import __version__
from ..model import Page

log = logging.getLogger(__name__)


def planocr_options(options):
    """planocr's options for one page: OCRmyPDF's languages (``-l vie`` or ``-l vie+Vietnamese``), one
    Tesseract thread, restoration on."""
    from ..options import Options

    languages = "+".join(getattr(options, "languages", None) or []) or "vie"
    timeout = float(getattr(options, "tesseract_timeout", None) or 180.0) or 180.0
    return Options(jobs=1, lang=languages, page_timeout=timeout)


def read_page(input_file: Path, page_number: int, options) -> tuple[Page, float]:
    """planocr's page stages on one page image; the record's page and the image's resolution."""
    from PIL import Image

    from ..document import process_loaded_page
    from ..load import PageInput
    from ..load.image import load_image_frame

    with Image.open(input_file) as image:
        dpi = float((image.info.get("dpi") or (300.0, 300.0))[0]) or 300.0
    pixels = load_image_frame(Path(input_file), 1)
    page_input = PageInput(number=page_number + 1, text_path="ocr", image=pixels, source="load:ocrmypdf-page")
    result = process_loaded_page(page_input, planocr_options(options), {})
    return result.page, dpi


def page_tree(page: Page, dpi: float) -> OcrElement:
    """The restored words as an OcrElement tree in the image's pixels: blocks of level runs of words, in
    planocr's reading order, each word at its place on the image OCRmyPDF gave (``layer.upright_runs``)."""
    from .pdf import layer_tree

    tree = layer_tree(page)
    tree.dpi = dpi
    return tree


class PlanocrEngine(OcrEngine):
    """Tesseract behind planocr's preprocessing, reading order and diacritic restoration."""

    @staticmethod
    def version() -> str:
        return __version__

    @staticmethod
    def creator_tag(options) -> str:
        from ocrmypdf.builtin_plugins.tesseract_ocr import TesseractOcrEngine

        return f"planocr {__version__} (Tesseract OCR {TesseractOcrEngine.version()}, Vietnamese diacritic restoration)"

    def __str__(self) -> str:
        return f"planocr {__version__}"

    @staticmethod
    def languages(options):
        from ocrmypdf.builtin_plugins.tesseract_ocr import TesseractOcrEngine

        return TesseractOcrEngine.languages(options)

    @staticmethod
    def get_orientation(input_file: Path, options) -> OrientationConfidence:
        from ocrmypdf.builtin_plugins.tesseract_ocr import TesseractOcrEngine

        return TesseractOcrEngine.get_orientation(input_file, options)

    @staticmethod
    def get_deskew(input_file: Path, options) -> float:
        from ocrmypdf.builtin_plugins.tesseract_ocr import TesseractOcrEngine

        return TesseractOcrEngine.get_deskew(input_file, options)

    @staticmethod
    def supports_generate_ocr() -> bool:
        return True

    @staticmethod
    def generate_ocr(input_file: Path, options, page_number: int = 0) -> tuple[OcrElement, str]:
        page, dpi = read_page(Path(input_file), page_number, options)
        if page.error:
            log.warning("planocr: page %d: %s", page_number + 1, page.error)
        if not page.words or page.size is None:
            from PIL import Image

            with Image.open(input_file) as image:
                width, height = image.size
            empty = OcrElement(
                ocr_class=OcrClass.PAGE, bbox=BoundingBox(0, 0, width, height), dpi=dpi, page_number=page_number
            )
            return empty, page.text
        confidences = [w.confidence for w in page.words if w.confidence is not None]
        if confidences:
            log.debug("planocr: page %d: mean confidence %.2f", page_number + 1, statistics.fmean(confidences))
        return page_tree(page, dpi), page.text

    @staticmethod
    def generate_hocr(input_file: Path, output_hocr: Path, output_text: Path, options) -> None:
        raise NotImplementedError("planocr returns OcrElement trees (generate_ocr); OCRmyPDF ≥ 17 uses them")

    @staticmethod
    def generate_pdf(input_file: Path, output_pdf: Path, output_text: Path, options) -> None:
        raise NotImplementedError("planocr does not make sandwich PDFs; use --pdf-renderer fpdf2 (the default)")


@hookimpl
def get_ocr_engine(options):
    """planocr, unless OCRmyPDF's own engine is asked for by name (--ocr-engine tesseract / none)."""
    if options is not None and getattr(options, "ocr_engine", "auto") not in ("auto", "planocr"):
        return None
    return PlanocrEngine()
