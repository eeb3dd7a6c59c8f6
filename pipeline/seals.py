"""Red seals and stamps out of the text: the part of the preprocess stage that needs the page in colour.

A Decree 30 document is signed under a round red seal that covers the signature block's position line and
the signer's name, and received stamps ("CV ĐẾN", red or violet) sit over the first body lines. In gray the
seal's red is as dark as ink (0.299·R: red 220 → 66 + ...), so Tesseract reads its ring text
("ỦY BAN NHÂN DÂN TỈNH ...") into the name and loses the printed lines under it. In the red channel the same
seal is nearly paper (R ≈ 200–240) while black print stays black, including print over the seal, and blue
ink (signatures, handwritten serials) stays dark.

Only large, compact clusters of red ink are changed (a seal ~35–45 mm across, a stamp box), never red print
(a red title or a "KHẨN" line is a row of letter-sized marks, not a compact cluster): the page's own text is
never whitened.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# A pixel is red ink when its red exceeds both other channels by this much (paper and gray print have
# R ≈ G ≈ B; seal ink measured on the shared real scans: R-max(G,B) 80–180, faded edges 40–80).
RED_MARGIN = 40
RED_MIN = 110  # and is not dark: black print over the seal has R < 100 and must stay ink
# Clusters of red are looked for on the page shrunk to about this width (a seal is then 80–120 px).
WORK_WIDTH = 600
# A seal or stamp spans at least this share of the page's width (seal 35 mm / 210 mm = 0.17; a small
# received stamp 30 mm = 0.14) and at most this share (two seals side by side are two clusters).
MIN_SPAN = 0.08
MAX_SPAN = 0.5
MAX_ASPECT = 3.0  # a stamp box is at most 3:1; a line of red print is much longer than high
MIN_RED_SHARE = 0.08  # of its bounding box: a ring or a stamp's frame and text, not a few red specks
# Inside a seal's or stamp's box, any coloured ink is not print: the blue or violet handwriting on a received
# stamp ("Số: 17026", "Ngày: 23-10-2025") and a signature across the seal. A pixel is coloured when its
# channels differ by this much; black print over the seal (R ≈ G ≈ B, dark) stays.
COLOUR_MARGIN = 60
STAMP_MIN_ASPECT = 1.25  # a received stamp is a box wider than high; a seal is round (aspect ~1)
STAMP_KEEP_BELOW = 150  # in a stamp's box, ink lighter than this (its brightest channel) is not black print


@dataclass(frozen=True)
class SealResult:
    gray: np.ndarray
    boxes: list[tuple[int, int, int, int]]  # left, top, width, height in page pixels: what was whitened


def red_ink(colour: np.ndarray) -> np.ndarray:
    """Mask (bool) of the red-ink pixels of a BGR page."""
    b = colour[..., 0].astype(np.int16)
    g = colour[..., 1].astype(np.int16)
    r = colour[..., 2].astype(np.int16)
    return (r - np.maximum(g, b) > RED_MARGIN) & (r > RED_MIN)


def seal_boxes(colour: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Boxes (page pixels) of compact clusters of red ink large enough to be seals or stamps."""
    height, width = colour.shape[:2]
    factor = max(1, width // WORK_WIDTH)
    small = cv2.resize(colour, (width // factor, height // factor), interpolation=cv2.INTER_AREA)
    mask = red_ink(small).astype(np.uint8)
    if not mask.any():
        return []
    # join a ring's letters and the emblem into one cluster (gaps of a few mm)
    joined = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9)))
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    small_width = small.shape[1]
    boxes = []
    for label in range(1, count):
        x, y, w, h, _area = (int(v) for v in stats[label])
        longer, shorter = max(w, h), min(w, h)
        if shorter < MIN_SPAN * small_width or longer > MAX_SPAN * small_width or longer > MAX_ASPECT * shorter:
            continue
        if mask[y : y + h, x : x + w].mean() < MIN_RED_SHARE:
            continue
        margin = max(2, shorter // 20)
        left, top = max(0, x - margin), max(0, y - margin)
        right, bottom = min(small_width, x + w + margin), min(small.shape[0], y + h + margin)
        boxes.append((left * factor, top * factor, (right - left) * factor, (bottom - top) * factor))
    return boxes


def is_stamp_shaped(box: tuple[int, int, int, int]) -> bool:
    """A box wider than high: a received stamp's frame rather than a round seal."""
    return box[2] >= STAMP_MIN_ASPECT * box[3]


def remove_seals(gray: np.ndarray, colour: np.ndarray | None) -> SealResult:
    """The gray page with its red seals and stamps lightened to paper, where the page has them in colour.

    Inside each seal's box, a red pixel takes the red channel's value (near paper for red ink, unchanged for
    black print, which has no red to speak of); everything outside the boxes is left as it was."""
    if colour is None or colour.ndim != 3 or colour.shape[:2] != gray.shape[:2]:
        return SealResult(gray=gray, boxes=[])
    colour = colour[..., :3]
    boxes = seal_boxes(colour)
    if not boxes:
        return SealResult(gray=gray, boxes=[])
    out = gray.copy()
    for left, top, w, h in boxes:
        part = colour[top : top + h, left : left + w]
        region = out[top : top + h, left : left + w]
        spread = part.max(axis=2).astype(np.int16) - part.min(axis=2).astype(np.int16)
        coloured = spread > COLOUR_MARGIN
        if is_stamp_shaped((left, top, w, h)):
            # a stamp's thin print blurs into pale, nearly gray pink on a low-resolution scan: in its box
            # only dark, neutral ink (black print the stamp was put over) stays
            coloured |= part.max(axis=2) > STAMP_KEEP_BELOW
        if coloured.any():
            region[coloured] = np.uint8(np.percentile(region, 90))  # the paper's level in the box
        red = red_ink(part)
        # the seal's faint edges (anti-aliasing, pale ink) too: a looser margin next to red ink
        b, g, r = (part[..., i].astype(np.int16) for i in range(3))
        pale = (r - np.maximum(g, b) > RED_MARGIN // 2) & (r > RED_MIN)
        near = cv2.dilate(red.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        lighten = red | (pale & near)
        region[lighten] = np.maximum(region[lighten], part[..., 2][lighten])
    return SealResult(gray=out, boxes=boxes)
