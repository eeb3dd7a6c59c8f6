"""Stage 1, load: what kind of input a path is, how many pages it has, and each page's raster or text.

Pages are produced one at a time (a PDF page is rasterised only when asked for), so memory stays
bounded on long documents. Every failure raises a PlanocrError with a category.

What a PDF page is, is decided per page from evidence (``pdf_evidence``): a scan is OCR'd even when it
carries text (a portal's e-signature box, an invisible OCR layer that is bad or partial), a born-digital
page keeps its text layer, a page with nothing painted is blank. Overlays (e-signature boxes, stamps) are
recorded on the page and kept out of its text (``overlays``). ``--force-ocr``, ``--skip-text`` and
``--redo-ocr`` change the rule (docs/loading.md).

The parts: ``page`` (PageInput, file types, size limits), ``text``, ``pdf`` (text layer, rendering, the
page's decision), ``pdf_evidence`` (what a page paints), ``overlays`` (annotations and boxes placed on a
page), ``pdf_image`` (a scanned page's image decoded and drawn as pdftoppm would), ``image`` (image files),
``signatures`` (the file's digital signatures, read with pyHanko), ``folder`` (a folder of page images as
one document, ``--group folder``).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import MissingInputError, UnreadableInputError, UnsupportedInputError
from ..model import InputKind
from ..options import Options
from .folder import folder_page, folder_pages, is_page_folder, page_source
from .image import count_image_frames, load_image_frame
from .page import (
    IMAGE_SUFFIXES,
    PDF_SUFFIXES,
    SUPPORTED_SUFFIXES,
    TEXT_SUFFIXES,
    PageInput,
)
from .pdf import count_pdf_pages, load_pdf_page
from .text import read_text_file

__all__ = [
    "IMAGE_SUFFIXES",
    "PDF_SUFFIXES",
    "SUPPORTED_SUFFIXES",
    "TEXT_SUFFIXES",
    "PageInput",
    "count_pages",
    "detect_kind",
    "load_page",
]


def detect_kind(path: Path) -> InputKind:
    if not path.exists():
        raise MissingInputError("no such file", path=str(path))
    if path.is_dir():
        if is_page_folder(path):  # --group folder: its page images are one document
            return "image"
        raise UnsupportedInputError("is a folder, not a file", path=str(path))
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedInputError(
            f"unsupported file type '{suffix or '(none)'}'; expected PDF, PNG, JPEG, TIFF or .txt", path=str(path)
        )
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
        return len(folder_pages(path)) if path.is_dir() else count_image_frames(path)
    raise UnsupportedInputError(f"unknown input kind {kind!r}", path=str(path))


def load_page(path: Path, kind: InputKind, number: int, options: Options) -> PageInput:
    if kind == "text":
        return PageInput(number=number, text_path="text", text=read_text_file(path))
    if kind == "pdf":
        return load_pdf_page(path, number, options)
    if kind == "image":
        page = folder_page(path, number) if path.is_dir() else None  # --group folder: the page's own file
        image = load_image_frame(page.file, page.frame) if page else load_image_frame(path, number)  # gray or BGR
        colour = image if image.ndim == 3 and options.preprocess else None  # the same array, no copy
        source = page_source(page) if page else None
        return PageInput(number=number, text_path="ocr", image=image, kind="scan", colour=colour, source=source)
    raise UnsupportedInputError(f"unknown input kind {kind!r}", path=str(path))
