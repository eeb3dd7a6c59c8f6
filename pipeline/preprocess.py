"""Stage 2, preprocess: clean a page image before OCR.

Every step here was kept because it lowered the character error rate on rendered scans (see README,
"Preprocessing: measured", and benchmarks/bench_ocr.py); steps that did not help are available by name
for experiments (``apply_steps``) but are not in ``DEFAULT_STEPS``.

Order matters: resolution first (everything else assumes ~300 DPI letter sizes), then orientation and
skew (on the gray image), then light (background flattening), then noise, then binarisation.
"""

from __future__ import annotations

import functools
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field

import cv2
import numpy as np

from .options import Options

ALL_STEPS = (
    "grayscale",
    "seals",
    "upscale",
    "orientation",
    "deskew",
    "flatten",
    "denoise",
    "despeckle",
    "binarize-otsu",
    "binarize-sauvola",
    "remove-borders",
)
DEFAULT_STEPS = ("grayscale", "seals", "upscale", "deskew", "flatten", "denoise", "despeckle")

# Median height of letter-sized blobs on a 300-DPI page set in 13–14 pt type (measured on rendered
# pages: 27–33 px). Pages whose letters are much smaller than this are upscaled towards it.
TARGET_LETTER_HEIGHT = 30.0
MAX_UPSCALE = 4.0
MAX_SKEW_DEGREES = 5.0
# Smaller skews are left to Tesseract, which copes with them; rotating resamples the page and costs
# recognition on blurred scans.
MIN_DESKEW_DEGREES = 1.0
# Flattening only pays when the light is uneven (shadows, gradients: measured background spread ~0.25 on
# the heavy profile); on evenly lit pages (spread <= 0.13: clean, mild, photocopy, lowres) it cost CER.
FLATTEN_MIN_SPREAD = 0.18
# Speckle (photocopier toner dots, dirty glass): ink blobs far smaller than a letter, standing apart from
# any text. Removing them lowered photocopy CER 15.27 -> 13.39 % (3 documents); a dot of 'i' or a
# Vietnamese dot below sits next to its letter and is kept.
SPECK_MAX_AREA_OF_LETTER = 0.05  # share of letter height squared (~45 px at 300 DPI)
SPECK_MIN_DISTANCE_OF_LETTER = 0.6  # distance from the nearest larger blob, in letter heights
SPECK_MIN_PER_MEGAPIXEL = 20  # fewer isolated specks than this: leave the page as it is


@dataclass(frozen=True)
class Preprocessed:
    image: np.ndarray  # uint8, grayscale or binary, ready for Tesseract
    steps: list[str] = field(default_factory=list)
    scale: float = 1.0  # factor applied to the input's size (boxes are in the preprocessed image's pixels)
    seals: list[tuple[int, int, int, int]] = field(default_factory=list)  # seals lightened, in the input's pixels


def preprocess_page(
    image: np.ndarray, options: Options, steps: Iterable[str] = DEFAULT_STEPS, colour: np.ndarray | None = None
) -> Preprocessed:
    return apply_steps(image, tuple(steps), lang=options.lang, colour=colour)


def apply_steps(
    image: np.ndarray, steps: tuple[str, ...], lang: str = "vie", colour: np.ndarray | None = None
) -> Preprocessed:
    """Run the named steps in the fixed order of ALL_STEPS; each records what it did (or that it was skipped).

    ``colour`` is the same page in colour (BGR, the size of ``image``) when ``image`` is its gray rendering;
    a colour ``image`` is its own colour."""
    unknown = set(steps) - set(ALL_STEPS)
    if unknown:
        raise ValueError(f"unknown preprocessing steps: {sorted(unknown)}")
    gray = to_gray(image)
    done: list[str] = ["grayscale"] if image.ndim == 3 else []
    seals: list[tuple[int, int, int, int]] = []
    if "seals" in steps:
        from .seals import remove_seals

        sealed = remove_seals(gray, colour if colour is not None else (image if image.ndim == 3 else None))
        if sealed.boxes:
            gray, seals = sealed.gray, sealed.boxes
            done.append(f"seals:{len(sealed.boxes)}")
    scale = 1.0
    if "upscale" in steps:
        gray, scale = upscale_small_print(gray)
        if scale != 1.0:
            done.append(f"upscale:x{scale:.2f}")
    if "orientation" in steps:
        gray, quarter_turns = fix_orientation(gray)
        if quarter_turns:
            done.append(f"orientation:{quarter_turns}")
    if "deskew" in steps:
        gray, angle = deskew(gray)
        if angle:
            done.append(f"deskew:{angle:+.2f}")
    components = None  # the ink's connected components: one full-page pass shared by light and noise steps
    if "flatten" in steps:
        components = ink_components(gray)
        letter = letter_height_of(components, gray.shape) or 30.0
        background = paper_background(gray, letter)  # measured once: to decide, and to flatten with
        if background_spread(gray, background=background) > FLATTEN_MIN_SPREAD:
            gray = flatten_background(gray, background=background)
            components = None  # the page changed: its ink is measured again
            done.append("flatten")
    if "denoise" in steps or "despeckle" in steps:
        components = components or ink_components(gray)
        if "denoise" in steps and has_salt_and_pepper(gray, components):
            gray = cv2.medianBlur(gray, 3)
            done.append("denoise:median3")
        elif "despeckle" in steps:
            gray, removed = remove_specks(gray, components)
            if removed:
                done.append(f"despeckle:{removed}")
    if "binarize-otsu" in steps:
        _, gray = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        done.append("binarize:otsu")
    elif "binarize-sauvola" in steps:
        gray = binarize_sauvola(gray)
        done.append("binarize:sauvola")
    if "remove-borders" in steps:
        gray, removed = remove_borders(gray)
        if removed:
            done.append("remove-borders")
    return Preprocessed(image=gray, steps=done, scale=scale, seals=seals)


def to_gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


# --- resolution -----------------------------------------------------------------------------------


def letter_blob_height(gray: np.ndarray) -> float | None:
    """Median height of letter-like connected components of the (Otsu) ink, or None if there is no text."""
    return letter_height_of(ink_components(gray), gray.shape)


def letter_height_of(components: tuple[np.ndarray, np.ndarray], shape: tuple[int, ...]) -> float | None:
    """``letter_blob_height`` from components already computed (``ink_components`` of the same page)."""
    _, stats = components
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    areas = stats[1:, cv2.CC_STAT_AREA]
    letters = (heights >= 3) & (heights <= shape[0] / 20) & (widths <= 8 * heights) & (areas >= 4)
    if letters.sum() < 30:
        return None
    return float(np.median(heights[letters]))


def estimated_dpi(gray: np.ndarray) -> float | None:
    """Resolution of a full page from its width (A4 / Letter proportions: 8.27–8.5 in wide), or from
    its letters' height for anything else (crops, odd paper). None when there is nothing to go by."""
    h, w = gray.shape
    if 1.25 <= h / w <= 1.5:
        return w / 8.27
    height = letter_blob_height(cv2.medianBlur(gray, 3))  # median first: specks are not letters
    if height is None:
        return None
    return 300.0 * height / TARGET_LETTER_HEIGHT


def upscale_small_print(gray: np.ndarray, target_dpi: float = 300.0) -> tuple[np.ndarray, float]:
    """Phone and web scans are often ~70–150 DPI; Tesseract wants ~300 DPI letter sizes."""
    dpi = estimated_dpi(gray)
    if dpi is None or dpi >= 0.75 * target_dpi:
        return gray, 1.0
    scale = min(MAX_UPSCALE, target_dpi / dpi)
    # Lanczos, not cubic: on 72-DPI pages CER 3.52% vs 3.80% (seed 000) and 13.3% vs 15.1% (held out).
    resized = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_LANCZOS4)
    return resized, scale


# --- geometry -------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _osd_available() -> bool:
    try:
        out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return False
    return "osd" in out.split()


def fix_orientation(gray: np.ndarray, min_confidence: float = 3.0) -> tuple[np.ndarray, int]:
    """Turn pages scanned sideways or upside down, using Tesseract's orientation detection; only
    when it is confident, because OSD guesses on sparse pages."""
    if not _osd_available():
        return gray, 0
    import pytesseract

    small = shrink_to(gray, 1600)
    try:
        osd = pytesseract.image_to_osd(small, config="--psm 0", timeout=60)
    except Exception:  # OSD fails on pages with too few letters: leave the page as it is
        return gray, 0
    rotate_match = re.search(r"Rotate: (\d+)", osd)
    confidence_match = re.search(r"Orientation confidence: ([\d.]+)", osd)
    rotate = int(rotate_match.group(1)) if rotate_match else 0
    confidence = float(confidence_match.group(1)) if confidence_match else 0.0
    if rotate == 0 or confidence < min_confidence:
        return gray, 0
    turns = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(gray, turns[rotate]), rotate


def shrink_to(gray: np.ndarray, longest: int) -> np.ndarray:
    factor = longest / max(gray.shape)
    if factor >= 1:
        return gray
    return cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)


def shrink_by_whole_factor(gray: np.ndarray, about: int) -> np.ndarray:
    """The page shrunk by the whole number that brings its longest side nearest to ``about`` pixels
    (a 300-DPI A4 page: by 3, to 1169 px). OpenCV averages whole blocks of pixels on its fast path:
    13 ms against 17–37 ms for an exact 1200 px on a 300-DPI page."""
    factor = max(1, round(max(gray.shape) / about))
    if factor == 1:
        return gray
    return cv2.resize(gray, None, fx=1 / factor, fy=1 / factor, interpolation=cv2.INTER_AREA)


# How far the refinement passes of skew_angle can still move the angle (±5 × 0.1°, then ±5 × 0.05°).
REFINE_REACH_DEGREES = 0.75


def skew_angle(gray: np.ndarray, below: float = 0.0) -> float:
    """Skew in degrees by projection profiles: the rotation whose row sums of ink are the most peaked
    (text lines aligned with rows). Coarse search over ±5°, then refined to 0.05°. When even the
    refinement could not take the coarse angle to ``below`` degrees, the coarse angle is returned
    unrefined (the caller only needs to know that the skew is smaller than that)."""
    # About 1200 px, by a whole factor (fast). Against an exact 1200 px, on the 75 pages of bench_ocr: the
    # same deskew decisions; 2 of the 17 deskewed pages turned 0.05° more, with CER 0.05 → 0.05% and 2.84 → 2.37%.
    small = shrink_by_whole_factor(gray, 1200)
    ink = cv2.adaptiveThreshold(small, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    if cv2.countNonZero(ink) < 500:
        return 0.0
    h, w = ink.shape
    centre = (w / 2, h / 2)
    x, y, bw, bh = cv2.boundingRect(ink)
    ink_corners = np.array([[x, y, 1], [x + bw, y, 1], [x, y + bh, 1], [x + bw, y + bh, 1]], np.float64).T
    # An angle the refinement grids land on exactly (the same float) is not rotated twice; their ends and
    # centres mostly differ from the coarse grid's in the last bits, so this saves 1-3 of the ~40 rotations.
    scores: dict[float, float] = {}

    def sharpness(angle: float) -> float:
        if angle not in scores:
            scores[angle] = rows_variance(angle)
        return scores[angle]

    def rows_variance(angle: float) -> float:
        # The row sums of the page turned by ``angle``: only the window where the turned ink can land
        # (its bounding box turned, plus a margin for rounding) is rotated; rows outside it sum to 0.
        # 0/1 ink as uint8, sums as float32: exact integers.
        matrix = cv2.getRotationMatrix2D(centre, angle, 1.0)
        landed = matrix @ ink_corners
        x0, y0 = max(0, int(landed[0].min()) - 3), max(0, int(landed[1].min()) - 3)
        x1, y1 = min(w, int(landed[0].max()) + 4), min(h, int(landed[1].max()) + 4)
        if x1 <= x0 or y1 <= y0:
            return 0.0
        window = matrix.copy()
        window[:, 2] -= (x0, y0)
        rotated = cv2.warpAffine(ink, window, (x1 - x0, y1 - y0), flags=cv2.INTER_NEAREST, borderValue=0)
        rows = np.zeros(h, np.float32)
        rows[y0:y1] = cv2.reduce(rotated, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32F).ravel()
        return float(np.var(rows))

    best = max(np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + 1e-6, 0.5), key=sharpness)
    reach = REFINE_REACH_DEGREES
    for step in (0.1, 0.05):
        if abs(best) + reach < below:
            return float(best)  # refining could not bring the skew to ``below``: the caller's decision is made
        candidates = np.arange(best - 5 * step, best + 5 * step + 1e-6, step)
        best = max(candidates, key=sharpness)
        reach -= 5 * step
    return float(best)


def deskew(gray: np.ndarray, min_angle: float | None = None) -> tuple[np.ndarray, float]:
    min_angle = MIN_DESKEW_DEGREES if min_angle is None else min_angle
    angle = skew_angle(gray, below=min_angle)
    if abs(angle) < min_angle:
        return gray, 0.0
    h, w = gray.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    paper = int(percentiles(gray, [90])[0])
    rotated = cv2.warpAffine(
        gray, matrix, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_CONSTANT, borderValue=paper
    )
    return rotated, angle


# --- light and noise ------------------------------------------------------------------------------


def paper_background(gray: np.ndarray, letter: float | None = None) -> np.ndarray:
    """The paper's brightness at a quarter of the page's size: a morphological close wider than any stroke
    erases the text and keeps shadows and uneven light (computed small: the light varies slowly).
    ``letter``: the page's letter height, when known."""
    h, w = gray.shape
    factor = 4
    small = cv2.resize(gray, (max(1, w // factor), max(1, h // factor)), interpolation=cv2.INTER_AREA)
    letter = letter or letter_blob_height(gray) or 30.0
    size = max(5, int(round(letter * 1.5 / factor)) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    return cv2.medianBlur(cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel), 5)


def flatten_background(
    gray: np.ndarray, letter: float | None = None, background: np.ndarray | None = None
) -> np.ndarray:
    """Divide by the paper's brightness (``paper_background``, or the one already measured for this page),
    so the page becomes evenly white before thresholding."""
    if background is None:
        background = paper_background(gray, letter)
    h, w = gray.shape
    background = cv2.resize(background, (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(gray, np.maximum(background, 1), scale=255)


def background_spread(gray: np.ndarray, letter: float | None = None, background: np.ndarray | None = None) -> float:
    """How uneven the paper is: spread (2nd–98th percentile) of the text-free background brightness,
    relative to its median, away from the page edges."""
    if background is None:
        background = paper_background(gray, letter)
    margin = max(1, min(background.shape) // 20)
    inner = background[margin:-margin, margin:-margin] if min(background.shape) > 4 * margin else background
    low, median, high = percentiles(inner, [2, 50, 98])
    return float((high - low) / max(median, 1.0))


def uneven_background(gray: np.ndarray, threshold: float = FLATTEN_MIN_SPREAD, letter: float | None = None) -> bool:
    return background_spread(gray, letter) > threshold


def ink_components(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Labels and stats of the (Otsu) ink's connected components, shared by the noise steps."""
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    try:
        # 16-bit labels: the same components and stats in a third of the time (measured 23 vs 65 ms on
        # a 300-DPI page); OpenCV raises when a page has more than 65,535 components
        _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8, ltype=cv2.CV_16U)
    except cv2.error:
        _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    return labels, stats


def has_salt_and_pepper(gray: np.ndarray, components: tuple[np.ndarray, np.ndarray] | None = None) -> bool:
    """True when the page is sprinkled with isolated dark dots of 1–2 px, which a 3x3 median removes
    without thinning letters (it is not applied otherwise, because it erodes thin strokes)."""
    _, stats = components or ink_components(gray)
    tiny = int(np.sum(stats[1:, cv2.CC_STAT_AREA] <= 2))
    megapixels = gray.size / 1e6
    return tiny / megapixels > 200


def remove_specks(gray: np.ndarray, components: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, int]:
    """Paint over isolated specks with the paper's grey; returns the page and how many were removed."""
    labels, stats = components or ink_components(gray)
    letter = letter_height_of((labels, stats), gray.shape)
    if letter is None:
        return gray, 0
    areas = stats[1:, cv2.CC_STAT_AREA]
    small = areas <= max(2.0, SPECK_MAX_AREA_OF_LETTER * letter * letter)
    if small.sum() < SPECK_MIN_PER_MEGAPIXEL * gray.size / 1e6:
        return gray, 0  # too few small blobs for enough of them to be specks: skip the distance test
    # Distance to larger ink, measured on a 4x smaller mask (the light-weight way to a wide dilation).
    factor = 4
    h, w = gray.shape
    small_ids = np.flatnonzero(small) + 1
    large = (
        cv2.resize(
            large_ink(labels, stats, small_ids),
            (max(1, w // factor), max(1, h // factor)),
            interpolation=cv2.INTER_AREA,
        )
        > 0
    )
    radius = max(1, int(round(SPECK_MIN_DISTANCE_OF_LETTER * letter / factor)))
    near = cv2.dilate(
        large.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    )
    xs = np.clip(
        (stats[small_ids, cv2.CC_STAT_LEFT] + stats[small_ids, cv2.CC_STAT_WIDTH] // 2) // factor, 0, near.shape[1] - 1
    )
    ys = np.clip(
        (stats[small_ids, cv2.CC_STAT_TOP] + stats[small_ids, cv2.CC_STAT_HEIGHT] // 2) // factor, 0, near.shape[0] - 1
    )
    specks = small_ids[near[ys, xs] == 0]
    if len(specks) < SPECK_MIN_PER_MEGAPIXEL * gray.size / 1e6:
        return gray, 0
    out = gray.copy()
    out.reshape(-1)[component_pixels(labels, stats, specks)] = int(percentiles(gray[::4, ::4], [90])[0])
    return out, len(specks)


def large_ink(labels: np.ndarray, stats: np.ndarray, small_ids: np.ndarray) -> np.ndarray:
    """The ink (255) of every component except ``small_ids``: all ink, less the few pixels of the small ones
    (a full-page label lookup, ``lookup[labels]``, cost ~30 ms a 300-DPI page; this ~4 ms)."""
    ink = cv2.compare(labels, 0, cv2.CMP_NE)  # type: ignore[call-overload]  # a scalar operand is allowed
    ink.reshape(-1)[component_pixels(labels, stats, small_ids)] = 0
    return ink


# Bounding boxes of the components looked up together are rounded up to powers of two from this size, so that
# boxes of one size are read in one vectorised gather and the padding is under 4x the boxes' area.
_BOX_SIZES = (4, 8, 16, 32, 64, 128, 256, 512, 1024)


def component_pixels(labels: np.ndarray, stats: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Flat indices into ``labels`` of the pixels of components ``ids`` (``np.flatnonzero(np.isin(labels, ids))``),
    found inside their bounding boxes (``stats``) instead of by testing every pixel of the page. Meant for
    small components; when their boxes cover much of the page, the page is scanned as a whole instead."""
    ids = np.asarray(ids, dtype=np.int64)
    flat_labels = labels.reshape(-1)
    if len(ids) == 0:
        return np.zeros(0, np.int64)
    h, w = labels.shape
    heights = stats[ids, cv2.CC_STAT_HEIGHT].astype(np.int64)
    widths = stats[ids, cv2.CC_STAT_WIDTH].astype(np.int64)
    # Boxes covering more than 1/32 of the page (~4x that once padded, as int64 indices): scan the page instead.
    if (
        heights.max() > _BOX_SIZES[-1]
        or widths.max() > _BOX_SIZES[-1]
        or int((heights * widths).sum()) > labels.size // 32
    ):
        wanted = np.zeros(len(stats), bool)
        wanted[ids] = True
        return np.flatnonzero(wanted[flat_labels])
    sizes = np.asarray(_BOX_SIZES)
    box_h = np.minimum(sizes[np.searchsorted(sizes, heights)], h)
    box_w = np.minimum(sizes[np.searchsorted(sizes, widths)], w)
    found = []
    for bh, bw in set(zip(box_h.tolist(), box_w.tolist())):
        group = (box_h == bh) & (box_w == bw)
        # A box moved back inside the page still holds its component: the component is no taller (wider) than it.
        tops = np.minimum(stats[ids[group], cv2.CC_STAT_TOP].astype(np.int64), h - bh)
        lefts = np.minimum(stats[ids[group], cv2.CC_STAT_LEFT].astype(np.int64), w - bw)
        pixels = ((tops[:, None] + np.arange(bh)) * w)[:, :, None] + (lefts[:, None] + np.arange(bw))[:, None, :]
        found.append(pixels[flat_labels[pixels] == ids[group][:, None, None]])
    return np.concatenate(found)


# Rows of at most this many pixels are counted at a time: cv2.calcHist counts in float32, exact below 2**24.
_HISTOGRAM_CHUNK_PIXELS = 1 << 23


def byte_histogram(values: np.ndarray) -> np.ndarray:
    """How many of the (uint8) ``values`` take each of the 256 levels, as exact int64 counts."""
    values = values.reshape(values.shape[0], -1) if values.ndim != 2 else values
    rows = max(1, _HISTOGRAM_CHUNK_PIXELS // max(1, values.shape[1]))
    counts = np.zeros(256, np.int64)
    for start in range(0, values.shape[0], rows):
        chunk = np.ascontiguousarray(values[start : start + rows])
        counts += cv2.calcHist([chunk], [0], None, [256], [0, 256]).ravel().astype(np.int64)
    return counts


def percentiles(values: np.ndarray, percents: Iterable[float]) -> list[float]:
    """``np.percentile(values, percents)`` (its default 'linear' method), for uint8 values from their histogram:
    the same floats without sorting the values (a full 300-DPI page: ~5 ms instead of 60-110 ms).
    The order statistics come from the cumulative counts; the interpolation is numpy's, step by step."""
    if values.dtype != np.uint8 or values.size == 0:
        return [float(v) for v in np.percentile(values, list(percents))]
    n = values.size
    ends = np.cumsum(byte_histogram(values))  # sorted values[k] == v for ends[v - 1] <= k < ends[v]

    def kth(k: int) -> float:
        return float(np.searchsorted(ends, k, side="right"))

    results = []
    for percent in percents:
        virtual = (n - 1) * (percent / 100)
        if virtual >= n - 1:
            results.append(kth(n - 1))
            continue
        below = int(np.floor(virtual))
        gamma = virtual - float(np.floor(virtual))
        a, b = kth(below), kth(below + 1)
        diff = b - a
        results.append(a + diff * gamma if gamma < 0.5 else b - diff * (1 - gamma))
    return results


def binarize_sauvola(gray: np.ndarray, window: int = 31, k: float = 0.2) -> np.ndarray:
    """Sauvola thresholding with integral images (local mean and deviation)."""
    img = gray.astype(np.float64)
    mean = cv2.boxFilter(img, -1, (window, window), normalize=True, borderType=cv2.BORDER_REFLECT)
    sq_mean = cv2.boxFilter(img * img, -1, (window, window), normalize=True, borderType=cv2.BORDER_REFLECT)
    std = np.sqrt(np.maximum(sq_mean - mean * mean, 0))
    threshold = mean * (1 + k * (std / 128.0 - 1))
    return np.where(img > threshold, 255, 0).astype(np.uint8)


def remove_borders(binary: np.ndarray) -> tuple[np.ndarray, bool]:
    """Whiten large dark regions touching the page edge (scanner lid, book gutter, page edges)."""
    ink = (binary < 128).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h, w = binary.shape
    limit = max(h, w) / 10
    remove = []
    for label in range(1, count):
        x, y, bw, bh, _area = stats[label]
        touches = x == 0 or y == 0 or x + bw >= w or y + bh >= h
        if touches and max(bw, bh) > limit:
            remove.append(label)
    if not remove:
        return binary, False
    out = binary.copy()
    out[np.isin(labels, remove)] = 255
    return out, True
