"""Where a record's word boxes lie on the page.

A word's box (``Word.box``) is in the pixels of the image Tesseract read, scaled back to the loaded page's
size (``Page.size``) but still turned as preprocessing turned the page: a quarter turn when ``orientation``
ran (step ``orientation:90``) and the deskew rotation about the page centre (step ``deskew:+1.23``,
``cv2.getRotationMatrix2D``, positive = counter-clockwise on screen). ``ocr_to_page`` is the affine map from
that frame back to the loaded page's pixels, which are the page as displayed (a PDF page as poppler renders
its MediaBox with /Rotate applied; an image after its EXIF orientation).
"""

from __future__ import annotations

import math
import re

import numpy as np

from ..model import Page

_DESKEW = re.compile(r"^deskew:([+-]?\d+(?:\.\d+)?)$")
_ORIENTATION = re.compile(r"^orientation:(90|180|270)$")


def affine(a: float, b: float, c: float, d: float, e: float, f: float) -> np.ndarray:
    """The 3×3 matrix of x' = a·x + c·y + e, y' = b·x + d·y + f (PDF's [a b c d e f] convention)."""
    return np.array([[a, c, e], [b, d, f], [0.0, 0.0, 1.0]])


def quarter_turn(turn: int, width: float, height: float) -> tuple[np.ndarray, float, float]:
    """Pixel map of an image turned clockwise by ``turn`` degrees (as cv2.rotate does), and the new size."""
    if turn == 90:
        return affine(0, 1, -1, 0, height, 0), height, width
    if turn == 180:
        return affine(-1, 0, 0, -1, width, height), width, height
    if turn == 270:
        return affine(0, -1, 1, 0, 0, width), height, width
    return np.eye(3), width, height


def deskew_matrix(angle: float, width: float, height: float) -> np.ndarray:
    """``cv2.getRotationMatrix2D((w/2, h/2), angle, 1)`` as a 3×3 matrix: original → deskewed pixels."""
    radians = math.radians(angle)
    alpha, beta = math.cos(radians), math.sin(radians)
    cx, cy = width / 2, height / 2
    return affine(alpha, -beta, beta, alpha, (1 - alpha) * cx - beta * cy, beta * cx + (1 - alpha) * cy)


def ocr_frame(page: Page) -> tuple[np.ndarray, tuple[float, float]]:
    """(map from the frame the word boxes are in to the page's pixels, that frame's size)."""
    if page.size is None:
        raise ValueError(f"page {page.number} has no size")
    width, height = float(page.size[0]), float(page.size[1])
    forward = np.eye(3)  # page pixels → OCR frame
    for step in page.steps:
        turned = _ORIENTATION.match(step)
        if turned:
            turn, width, height = quarter_turn(int(turned.group(1)), width, height)
            forward = turn @ forward
            continue
        skewed = _DESKEW.match(step)
        if skewed:
            forward = deskew_matrix(float(skewed.group(1)), width, height) @ forward
    return np.linalg.inv(forward), (width, height)


def ocr_to_page(page: Page) -> np.ndarray:
    return ocr_frame(page)[0]


def word_box_on_page(matrix: np.ndarray, box: tuple[int, int, int, int]) -> tuple[float, float, float, float]:
    """A word's box moved to the page: its centre mapped, its size kept (ALTO boxes are upright)."""
    left, top, width, height = box
    x, y, _ = matrix @ np.array([left + width / 2, top + height / 2, 1.0])
    return float(x - width / 2), float(y - height / 2), float(width), float(height)
