"""Ruled tables on a page image: the rules found by morphology (OpenCV), the grid they draw, and its cells,
merged cells included.

1. Ink: the page darker than its local background (adaptive threshold), on the page shrunk to ~150 DPI.
2. Rules: long thin horizontal and vertical runs of ink (opening with a line-shaped kernel, a little
   closing to bridge breaks a scan leaves).
3. Tables: connected groups of rules with at least 3 horizontal and 3 vertical ones (two rows, two columns).
4. Grid: the rules' positions (clustered), rows between consecutive horizontal rules, columns between
   vertical ones. Two neighbouring grid cells are one merged cell when no rule separates them over most of
   their common edge.
Coordinates are in the pixels of the image given.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

WORK_DPI_WIDTH = 1300  # the page is shrunk to about this width (A4 portrait at ~150 DPI) to find rules
MIN_TABLE_SIDE = 0.08  # a table spans at least this share of the page's width and of its height
EDGE_COVERAGE = 0.55
RULE_SHARE = 0.1  # a rule runs along at least this share of its table's width (height): a sub-header's rule is short
BORDER = 0.015  # ink this close to the image's edge is the scanner's, not a rule  # a rule separates two cells when it covers this share of their common edge


@dataclass
class Cell:
    row: int
    column: int
    rows: int
    columns: int
    box: tuple[int, int, int, int]  # left, top, right, bottom in page pixels


@dataclass
class Grid:
    box: tuple[int, int, int, int]  # the table's left, top, right, bottom in page pixels
    xs: list[int]  # column boundaries (page pixels), left to right
    ys: list[int]  # row boundaries, top to bottom
    cells: list[Cell] = field(default_factory=list)

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_columns(self) -> int:
        return len(self.xs) - 1


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """255 where the page has ink."""
    block = max(15, (min(gray.shape) // 60) | 1)
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15)


def rule_masks(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(horizontal rules, vertical rules) of an ink mask."""
    height, width = ink.shape
    h_len = max(20, width // 25)
    v_len = max(20, width // 40)  # longer than a letter with its accents, shorter than a one-line row
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len)))
    # bridge the small breaks a scan leaves in a rule, thicken by one pixel for the junctions
    horizontal = cv2.dilate(horizontal, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 3)))
    vertical = cv2.dilate(vertical, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 9)))
    return horizontal, vertical


def positions(profile: np.ndarray, threshold: float) -> list[int]:
    """Centres of the runs of ``profile`` above ``threshold``."""
    above = profile >= threshold
    out = []
    start = None
    for index, flag in enumerate(np.append(above, False)):
        if flag and start is None:
            start = index
        elif not flag and start is not None:
            out.append((start + index - 1) // 2)
            start = None
    return out


def merge_close(values: list[int], gap: int) -> list[int]:
    out: list[int] = []
    for value in sorted(values):
        if out and value - out[-1] <= gap:
            out[-1] = (out[-1] + value) // 2
        else:
            out.append(value)
    return out


def covered(mask: np.ndarray, fixed: int, start: int, end: int, along: str, band: int) -> float:
    """Share of [start, end) covered by the rule near ``fixed`` (a row for 'x', a column for 'y')."""
    if end <= start:
        return 0.0
    if along == "x":
        strip = mask[max(0, fixed - band) : fixed + band + 1, start:end]
        hits = strip.max(axis=0) if strip.size else np.zeros(0)
    else:
        strip = mask[start:end, max(0, fixed - band) : fixed + band + 1]
        hits = strip.max(axis=1) if strip.size else np.zeros(0)
    return float(np.count_nonzero(hits)) / (end - start)


def grid_of(horizontal: np.ndarray, vertical: np.ndarray, box: tuple[int, int, int, int]) -> Grid | None:
    """The grid of one table region (work pixels)."""
    left, top, right, bottom = box
    h = horizontal[top:bottom, left:right]
    v = vertical[top:bottom, left:right]
    width, height = right - left, bottom - top
    # a rule is a row (column) of the region with ink over a good share of the table's width (height);
    # short rules count too, since a merged cell interrupts them
    ys = positions(np.count_nonzero(h, axis=1).astype(float), RULE_SHARE * width)
    xs = positions(np.count_nonzero(v, axis=0).astype(float), RULE_SHARE * height)
    gap = max(4, min(width, height) // 150)
    ys = merge_close(ys, gap)
    xs = merge_close(xs, gap)
    if len(ys) < 3 or len(xs) < 3:
        return None
    # outer rules the frame may lack: the region's edges
    grid = Grid(box=(left, top, right, bottom), xs=[x + left for x in xs], ys=[y + top for y in ys])
    band = max(2, gap)
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for r in range(n_rows):
        for c in range(n_cols):
            here = r * n_cols + c
            if c + 1 < n_cols:  # the rule between (r, c) and (r, c + 1)
                share = covered(v, xs[c + 1], ys[r] + band, ys[r + 1] - band, "y", band)
                if share < EDGE_COVERAGE:
                    union(here, here + 1)
            if r + 1 < n_rows:  # the rule between (r, c) and (r + 1, c)
                share = covered(h, ys[r + 1], xs[c] + band, xs[c + 1] - band, "x", band)
                if share < EDGE_COVERAGE:
                    union(here, here + n_cols)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            groups.setdefault(find(r * n_cols + c), []).append((r, c))
    for members in groups.values():
        r0 = min(r for r, _ in members)
        r1 = max(r for r, _ in members)
        c0 = min(c for _, c in members)
        c1 = max(c for _, c in members)
        if len(members) != (r1 - r0 + 1) * (c1 - c0 + 1):
            # not a rectangle (a broken rule joined two cells by a corner): keep its grid cells apart
            for r, c in members:
                grid.cells.append(Cell(r, c, 1, 1, (grid.xs[c], grid.ys[r], grid.xs[c + 1], grid.ys[r + 1])))
            continue
        grid.cells.append(
            Cell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, (grid.xs[c0], grid.ys[r0], grid.xs[c1 + 1], grid.ys[r1 + 1]))
        )
    grid.cells.sort(key=lambda cell: (cell.row, cell.column))
    return grid


def work_masks(gray: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(small image, horizontal rules, vertical rules) of a page shrunk by ``scale``."""
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    ink = ink_mask(small)
    height, width = small.shape
    margin_y, margin_x = int(BORDER * height), int(BORDER * width)
    ink[:margin_y] = 0
    ink[height - margin_y :] = 0
    ink[:, :margin_x] = 0
    ink[:, width - margin_x :] = 0
    horizontal, vertical = rule_masks(ink)
    return small, horizontal, vertical


def skew_of(horizontal: np.ndarray) -> float:
    """Angle (degrees, clockwise positive as OpenCV rotates) of the long horizontal rules; 0 without any."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(horizontal, connectivity=8)
    width = horizontal.shape[1]
    angles = []
    for label in range(1, count):
        x, y, w, h, _ = stats[label]
        if w < 0.3 * width:
            continue
        ys, xs = np.nonzero(labels[y : y + h, x : x + w] == label)
        if len(xs) < 50:
            continue
        slope = np.polyfit(xs.astype(float), ys.astype(float), 1)[0]
        angles.append(float(np.degrees(np.arctan(slope))))
    return float(np.median(angles)) if angles else 0.0


def find_grids(gray: np.ndarray) -> tuple[list[Grid], np.ndarray, np.ndarray | None]:
    """The ruled tables of a page (grey uint8 or BGR), top to bottom, the image their coordinates refer
    to: the page itself, or the page turned by the rules' small skew (under the 1° preprocessing leaves),
    and the turn (a 2×3 affine matrix from the page to that image; None when the page was not turned)."""
    if gray.ndim == 3:
        gray = cv2.cvtColor(gray, cv2.COLOR_BGR2GRAY)
    scale = min(1.0, WORK_DPI_WIDTH / gray.shape[1])
    small, horizontal, vertical = work_masks(gray, scale)
    if not candidate_regions(small, horizontal, vertical):
        return [], gray, None
    angle = skew_of(horizontal)
    matrix: np.ndarray | None = None
    if abs(angle) > 0.05:
        height, width = gray.shape
        matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
        gray = cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)
        small, horizontal, vertical = work_masks(gray, scale)
    grids = []
    for box in candidate_regions(small, horizontal, vertical):
        grid = grid_of(horizontal, vertical, box)
        if grid is None or len(grid.cells) < 4:
            continue
        grids.append(rescale(grid, 1 / scale))
    grids.sort(key=lambda g: g.box[1])
    return grids, gray, matrix


def candidate_regions(
    small: np.ndarray, horizontal: np.ndarray, vertical: np.ndarray
) -> list[tuple[int, int, int, int]]:
    """Boxes of connected rules large enough to be a table."""
    both = cv2.bitwise_or(horizontal, vertical)
    count, _, stats, _ = cv2.connectedComponentsWithStats(both, connectivity=8)
    height, width = small.shape
    out = []
    for label in range(1, count):
        x, y, w, h, _ = stats[label]
        if w < MIN_TABLE_SIDE * width or h < MIN_TABLE_SIDE * min(height, width):
            continue
        out.append((int(x), int(y), int(x + w), int(y + h)))
    return out


def rescale(grid: Grid, factor: float) -> Grid:
    def s(value: int) -> int:
        return int(round(value * factor))

    out = Grid(box=tuple(s(v) for v in grid.box), xs=[s(x) for x in grid.xs], ys=[s(y) for y in grid.ys])  # type: ignore[arg-type]
    out.cells = [
        Cell(c.row, c.column, c.rows, c.columns, (s(c.box[0]), s(c.box[1]), s(c.box[2]), s(c.box[3])))
        for c in grid.cells
    ]
    return out
