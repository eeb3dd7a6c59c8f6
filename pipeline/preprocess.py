"""Stage 2, preprocess: clean a page image before OCR (owned by issue #2's work; see README)."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from .options import Options


@dataclass(frozen=True)
class Preprocessed:
    image: np.ndarray  # uint8, grayscale or binary, ready for Tesseract
    steps: list[str] = field(default_factory=list)
    scale: float = 1.0  # factor applied to the input's size (boxes are in the preprocessed image's pixels)


def preprocess_page(image: np.ndarray, options: Options) -> Preprocessed:
    """Grayscale only, for now; the measured steps land with issue #2."""
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    return Preprocessed(image=gray, steps=["grayscale"])
