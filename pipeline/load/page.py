"""What every loader shares: the page handed to the page stages, the file types, and the size limits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model import TextPath

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
    """One page ready for the page stages: either an image to OCR or text read directly."""

    number: int
    text_path: TextPath
    image: np.ndarray | None = None  # grayscale or BGR uint8
    text: str | None = None
    # How the page was obtained, for provenance (Page.steps): e.g. "load:pdf-image:DCTDecode:300dpi"
    # (the scan's own pixels, decoded directly) or "load:pdf-render:300dpi" (rasterised by poppler).
    source: str | None = None


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
