"""What every loader shares: the page handed to the page stages, the file types, and the size limits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model import Overlay, PageKind, TextPath

PDF_SUFFIXES = {".pdf"}


IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}


TEXT_SUFFIXES = {".txt"}


SUPPORTED_SUFFIXES = PDF_SUFFIXES | IMAGE_SUFFIXES | TEXT_SUFFIXES


# Size limits. An A4 page at 600 DPI is 4961 x 7016 px; anything far beyond that is a poster, a
# mis-set resolution tag or a decompression bomb. Big pages are scaled down, absurd ones refused.
MAX_SIDE_PX = 7200


MAX_IMAGE_PIXELS = 178_000_000  # Pillow refuses beyond this too (DecompressionBombError)


@dataclass(frozen=True)
class PageInput:
    """One page ready for the page stages: an image to OCR, text read directly, or a blank page (neither)."""

    number: int
    text_path: TextPath | None  # None for a blank page: nothing to read
    image: np.ndarray | None = None  # grayscale or BGR uint8 (PDF pages: grayscale, as pdftoppm -gray draws them)
    text: str | None = None
    # How the page was obtained, for provenance (Page.steps): e.g. "load:pdf-image:DCTDecode:300dpi"
    # (the scan's own pixels, decoded directly) or "load:pdf-render:300dpi" (rasterised by poppler).
    source: str | None = None
    # What the page is, as the load stage decided it (None: by text_path), and why: the decision comes
    # first in the page's steps, e.g. "page:scan (page-filling image 100%; ...)".
    kind: PageKind | None = None
    steps: tuple[str, ...] = ()
    # E-signature boxes, portal stamps... found on the page: recorded, never part of its text. Boxes in
    # page pixels (the raster's, or for a page read from its text layer, pixels at ``size``).
    overlays: tuple[Overlay, ...] = ()
    # Boxes (left, top, width, height, page pixels) of overlays that are drawn in ``image``: the page stages
    # keep whatever is in them out of the OCR (document.py blanks them before preprocessing).
    mask_boxes: tuple[tuple[int, int, int, int], ...] = ()
    # The same page in colour (BGR, the size of ``image``) when it has colour and preprocessing may use it
    # (separating red and blue seals and stamps from the text); None for gray and 1-bit pages.
    colour: np.ndarray | None = None
    size: tuple[int, int] | None = None  # width, height the overlay boxes refer to when there is no image


def capped_dpi_for_size(size: tuple[float, float], dpi: int) -> int:
    longest_inch = max(size) / 72.0
    if longest_inch * dpi <= MAX_SIDE_PX:
        return dpi
    return max(36, int(MAX_SIDE_PX / longest_inch))


def cap_size(array: np.ndarray) -> np.ndarray:
    import cv2

    longest = max(array.shape[:2])
    if longest <= MAX_SIDE_PX:
        return array
    scale = MAX_SIDE_PX / longest
    return cv2.resize(
        array, (round(array.shape[1] * scale), round(array.shape[0] * scale)), interpolation=cv2.INTER_AREA
    )


def first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0][:160] if lines else ""


# A page that is one embedded scan below this share of the requested resolution is rasterised at the
# scan's own resolution and upscaled by preprocess (Lanczos): poppler's interpolation to 300 DPI lost
# recognition on 72-DPI scans (CER 5.67% vs 3.52% on seed 000; README, "Preprocessing: measured").
NATIVE_RESOLUTION_BELOW = 0.75


def blank_boxes(image: np.ndarray, boxes: tuple[tuple[int, int, int, int], ...]) -> np.ndarray:
    """A copy of the page with the boxes (left, top, width, height) painted in the paper's colour (the
    page's median), so that what an overlay draws over the scan is not OCR'd; the original is untouched.
    A white box on a grey or mottled page would leave edges that binarisation reads as a frame."""
    if not boxes:
        return image
    out = image.copy()
    sample = image[::8, ::8].reshape(-1, image.shape[2]) if image.ndim == 3 else image[::8, ::8].reshape(-1)
    fill = np.median(sample, axis=0).astype(np.uint8)
    for left, top, width, height in boxes:
        out[max(0, top) : top + height, max(0, left) : left + width] = fill
    return out
