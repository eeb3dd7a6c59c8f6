"""Stage 1, load: what kind of input a path is, how many pages it has, and each page's raster or text.

Pages are produced one at a time (a PDF page is rasterised only when asked for), so memory stays
bounded on long documents. Every failure raises a PlanocrError with a category.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import MissingInputError, UnreadableInputError, UnsupportedInputError
from .model import InputKind, TextPath
from .options import Options

PDF_SUFFIXES = {".pdf"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
TEXT_SUFFIXES = {".txt"}
SUPPORTED_SUFFIXES = PDF_SUFFIXES | IMAGE_SUFFIXES | TEXT_SUFFIXES


@dataclass(frozen=True)
class PageInput:
    """One page ready for the page stages: either an image to OCR or text read directly."""

    number: int
    text_path: TextPath
    image: np.ndarray | None = None  # grayscale or BGR uint8
    text: str | None = None


def detect_kind(path: Path) -> InputKind:
    if not path.exists():
        raise MissingInputError("no such file", path=str(path))
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


def read_text_file(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableInputError("text file is not UTF-8", path=str(path))


def count_pages(path: Path, kind: InputKind, options: Options) -> int:
    if kind == "text":
        return 1
    raise UnsupportedInputError(f"{kind} input is not implemented yet", path=str(path))


def load_page(path: Path, kind: InputKind, number: int, options: Options) -> PageInput:
    if kind == "text":
        return PageInput(number=number, text_path="text", text=read_text_file(path))
    raise UnsupportedInputError(f"{kind} input is not implemented yet", path=str(path))
