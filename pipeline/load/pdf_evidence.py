"""Stage 1, load, for PDF pages: what a page paints, read from its content stream, and what it therefore is.

"Has a text layer" is no evidence that a page is born-digital: the portals that publish scanned documents
stamp a visible e-signature box onto page 1 as real PDF text, scanners and archive tools leave invisible
(render mode 3) OCR layers of any quality under the scan, and a blank verso carries nothing at all. So the
page's content stream is walked once (pikepdf; forms followed, inline images and shadings included) and
summed up as evidence (``PageContent``):

- the share of the page covered by images (the union of their placements, on a coarse grid), and whether
  any of them is in colour;
- the text it shows, split by render mode: visible text (modes 0-2, 4-6) and invisible text (3 and 7, the
  mode OCR layers are written in, or text painted over by an image: "text under the image" layers), each
  run with an approximate box (origin, font size and an average glyph width: enough to say *where* text
  sits, not to typeset it);
- the visible text's boxes merged into clusters, and the share of the page they cover;
- vector ink (filled or stroked paths that are not white, shadings).

``decide_page`` turns that evidence, the annotations that are overlays (e-signature boxes, stamps: see
``overlays``) and the user's choice (``--force-ocr``, ``--skip-text``, ``--redo-ocr``) into a decision with
its reason, which goes into the page's ``steps``. The rules and the numbers behind them are in
docs/loading.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ..model import PageKind
from .pdf_image import inherited, multiply

# A page whose images cover at least this share of it is a scanned page (unless visible text spread over
# it says otherwise): one 300-dpi scan covers ~1.0; a born-digital page's logo or seal image ~0.01-0.05.
SCAN_IMAGE_SHARE = 0.5


# Visible text that, merged into boxes, covers at most this share of a scanned page is something placed on
# the scan (a portal's e-signature or copy stamp, a page number), not the page's text. Measured on the grid:
# the e-signature boxes of the real scans (shared 11, 13, 16, S1, S3, S5; R01, R03, R06, R07) cover 1.8-4.9%
# of page 1 (they are annotations there; other portals draw them into the page), the text of a born-digital
# page 68-77% (shared 08).
OVERLAY_TEXT_MAX_SHARE = 0.12


# An invisible OCR layer is kept (default mode) only when it is good Vietnamese text (text_layer_is_usable)
# and its words cover at least this share of the scan's text lines (measured on the page raster).
LAYER_MIN_LINE_COVERAGE = 0.8


# The grid the page is measured on (cells per side): fine enough for shares of a few percent.
GRID = 128


# Walking stops after this many operators (a map or a drawing can hold millions); the page then counts
# as "too complex to read" and is judged by its text layer alone, as before.
MAX_OPERATORS = 400_000


MAX_FORM_DEPTH = 12


# Average advance of a glyph, in em, used to estimate where a run of text ends.
AVERAGE_GLYPH_WIDTH = 0.5


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF user space of the page (points, y up)


@dataclass
class TextRun:
    box: Box
    glyphs: int
    visible: bool
    size: float  # font size in page units (points)


@dataclass
class PlacedImageFacts:
    box: Box
    colour: bool  # the image's colour space has colour (RGB, CMYK, Lab, ICC with N>1, indexed over those)
    mask: bool  # a stencil mask (ImageMask): painted in the current colour


@dataclass
class PageContent:
    """What the page's content stream paints (annotations are not part of it)."""

    box: Box  # MediaBox (normalised)
    images: list[PlacedImageFacts] = field(default_factory=list)
    runs: list[TextRun] = field(default_factory=list)
    ink_paths: int = 0  # painting operators that put non-white ink on the page (paths, shadings)
    operators: int = 0
    complete: bool = True  # False when the walk stopped early (budget, unreadable stream)
    problem: str | None = None
    _image_share: float | None = None

    @property
    def area(self) -> float:
        return max(1e-9, (self.box[2] - self.box[0]) * (self.box[3] - self.box[1]))

    @property
    def image_share(self) -> float:
        if self._image_share is None:
            self._image_share = grid_share([i.box for i in self.images], self.box)
        return self._image_share

    @property
    def colour_images(self) -> bool:
        return any(i.colour for i in self.images)

    @property
    def visible_runs(self) -> list[TextRun]:
        return [r for r in self.runs if r.visible and r.glyphs > 0]

    @property
    def invisible_glyphs(self) -> int:
        return sum(r.glyphs for r in self.runs if not r.visible)

    @property
    def visible_glyphs(self) -> int:
        return sum(r.glyphs for r in self.visible_runs)

    def visible_clusters(self) -> list[Box]:
        """Visible text merged into boxes: runs closer than about a line to each other are one box."""
        boxes = []
        for run in self.visible_runs:
            pad = 0.6 * run.size
            x0, y0, x1, y1 = clip_box(run.box, self.box)
            if x1 > x0 and y1 > y0:
                boxes.append((x0 - pad, y0 - pad, x1 + pad, y1 + pad))
        merged = merge_boxes(boxes)
        return [clip_box(b, self.box) for b in merged]

    def visible_share(self) -> float:
        return grid_share(self.visible_clusters(), self.box)

    @property
    def has_ink(self) -> bool:
        return bool(self.images or self.visible_runs or self.ink_paths)


def grid_share(boxes: list[Box], page: Box) -> float:
    """The share of the page the union of the boxes covers, measured on a GRID x GRID raster."""
    if not boxes:
        return 0.0
    grid = np.zeros((GRID, GRID), bool)
    width, height = page[2] - page[0], page[3] - page[1]
    if width <= 0 or height <= 0:
        return 0.0
    for x0, y0, x1, y1 in boxes:
        c0 = max(0, int(math.floor((x0 - page[0]) / width * GRID)))
        c1 = min(GRID, int(math.ceil((x1 - page[0]) / width * GRID)))
        r0 = max(0, int(math.floor((y0 - page[1]) / height * GRID)))
        r1 = min(GRID, int(math.ceil((y1 - page[1]) / height * GRID)))
        if c1 > c0 and r1 > r0:
            grid[r0:r1, c0:c1] = True
    return float(grid.mean())


def clip_box(box: Box, page: Box) -> Box:
    return (max(box[0], page[0]), max(box[1], page[1]), min(box[2], page[2]), min(box[3], page[3]))


def merge_boxes(boxes: list[Box]) -> list[Box]:
    """Union of overlapping boxes, repeated until none overlap (the few dozen runs of an overlay)."""
    merged = list(boxes)
    changed = True
    while changed and len(merged) > 1:
        changed = False
        out: list[Box] = []
        for box in merged:
            for index, other in enumerate(out):
                if box[0] <= other[2] and other[0] <= box[2] and box[1] <= other[3] and other[1] <= box[3]:
                    out[index] = (
                        min(box[0], other[0]),
                        min(box[1], other[1]),
                        max(box[2], other[2]),
                        max(box[3], other[3]),
                    )
                    changed = True
                    break
            else:
                out.append(box)
        merged = out
    return merged


def transform_box(matrix: tuple[float, ...], x0: float, y0: float, x1: float, y1: float) -> Box:
    a, b, c, d, e, f = matrix
    xs, ys = [], []
    for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
        xs.append(a * x + c * y + e)
        ys.append(b * x + d * y + f)
    return min(xs), min(ys), max(xs), max(ys)


# --- walking the content stream -------------------------------------------------------------------

IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
PATH_CONSTRUCTION = {"m", "l", "c", "v", "y", "h", "re"}
PATH_PAINTING = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}
WHITE = 0.95  # a colour this light is paper, not ink (white backgrounds, knock-out boxes)


@dataclass
class _State:
    ctm: tuple[float, ...] = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    fill_white: bool = False
    stroke_white: bool = False
    render: int = 0
    font_size: float = 0.0
    two_byte: bool = False  # the current font is a Type0 (CID) font: two bytes per glyph
    char_spacing: float = 0.0
    scale: float = 1.0  # Tz / 100
    leading: float = 0.0
    rise: float = 0.0


def colour_is_white(operator: str, operands: list) -> bool:
    try:
        values = [float(v) for v in operands]
    except (TypeError, ValueError):
        return False
    if operator in ("g", "G") or (operator.lower() in ("sc", "scn") and len(values) == 1):
        return len(values) == 1 and values[0] >= WHITE
    if operator in ("rg", "RG") or (operator.lower() in ("sc", "scn") and len(values) == 3):
        return len(values) == 3 and min(values) >= WHITE
    if operator in ("k", "K") or (operator.lower() in ("sc", "scn") and len(values) == 4):
        return len(values) == 4 and max(values) <= 1 - WHITE
    return False  # a pattern or an unknown space: counted as ink


def read_page_content(page: Any, box: Box) -> PageContent:
    """Walk the page's content stream (and the forms it draws) and sum up what it paints."""
    content = PageContent(box=box)
    resources = inherited(page.obj, "/Resources")
    try:
        walk(page, resources, _State(), content, depth=0, seen=set())
    except _Budget:
        content.complete, content.problem = False, f"more than {MAX_OPERATORS} operators"
    except Exception as err:  # an unreadable stream: judged by the text layer alone, as before
        content.complete, content.problem = False, f"content stream unreadable ({type(err).__name__})"
    return content


class _Budget(Exception):
    pass


def walk(stream: Any, resources: Any, state: _State, content: PageContent, depth: int, seen: set) -> None:
    import pikepdf

    instructions = pikepdf.parse_content_stream(stream)
    stack: list[_State] = []
    text_matrix = line_matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    path_box: list[float] | None = None
    fonts = resources.get("/Font") if isinstance(resources, pikepdf.Dictionary) else None
    xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
    for instruction in instructions:
        content.operators += 1
        if content.operators > MAX_OPERATORS:
            raise _Budget
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            image = instruction.iimage
            colour = str(image.obj.get("/ColorSpace", image.obj.get("/CS", ""))) in (
                "/DeviceRGB",
                "/RGB",
                "/DeviceCMYK",
                "/CMYK",
            )
            content.images.append(PlacedImageFacts(box=transform_box(state.ctm, 0, 0, 1, 1), colour=colour, mask=False))
            continue
        op, operands = str(instruction.operator), list(instruction.operands)
        if op == "q":
            stack.append(_copy(state))
        elif op == "Q":
            if stack:
                state = stack.pop()
        elif op == "cm" and len(operands) == 6:
            state.ctm = multiply([float(v) for v in operands], state.ctm)
        elif op in ("g", "rg", "k", "sc", "scn"):
            state.fill_white = colour_is_white(op, operands)
        elif op in ("G", "RG", "K", "SC", "SCN"):
            state.stroke_white = colour_is_white(op, operands)
        elif op == "cs":
            state.fill_white = False  # a new colour space starts at its initial colour (black, or no ink for patterns)
        elif op == "CS":
            state.stroke_white = False
        elif op == "BT":
            text_matrix = line_matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        elif op == "Tf" and len(operands) == 2:
            state.font_size = abs(float(operands[1]))
            font = fonts.get(str(operands[0])) if isinstance(fonts, pikepdf.Dictionary) else None
            state.two_byte = font is not None and font.get("/Subtype") == "/Type0"
        elif op == "Tr" and operands:
            state.render = int(operands[0])
        elif op == "Tc" and operands:
            state.char_spacing = float(operands[0])
        elif op == "Tz" and operands:
            state.scale = float(operands[0]) / 100.0
        elif op == "TL" and operands:
            state.leading = float(operands[0])
        elif op == "Ts" and operands:
            state.rise = float(operands[0])
        elif op in ("Td", "TD") and len(operands) == 2:
            tx, ty = float(operands[0]), float(operands[1])
            if op == "TD":
                state.leading = -ty
            line_matrix = multiply([1.0, 0.0, 0.0, 1.0, tx, ty], line_matrix)
            text_matrix = line_matrix
        elif op == "Tm" and len(operands) == 6:
            text_matrix = line_matrix = multiply([float(v) for v in operands], IDENTITY)
        elif op == "T*":
            line_matrix = multiply([1.0, 0.0, 0.0, 1.0, 0.0, -state.leading], line_matrix)
            text_matrix = line_matrix
        elif op in ("Tj", "TJ", "'", '"'):
            if op in ("'", '"'):
                line_matrix = multiply([1.0, 0.0, 0.0, 1.0, 0.0, -state.leading], line_matrix)
                text_matrix = line_matrix
                operands = operands[-1:]
            text_matrix = show_text(op, operands, state, text_matrix, content)
        elif op in PATH_CONSTRUCTION:
            path_box = extend_path(path_box, op, operands, state.ctm)
        elif op in PATH_PAINTING:
            stroked = op in ("S", "s", "B", "B*", "b", "b*")
            filled = op not in ("S", "s")
            if path_box is not None and ((filled and not state.fill_white) or (stroked and not state.stroke_white)):
                content.ink_paths += 1
            path_box = None
        elif op == "n":
            path_box = None
        elif op == "sh":
            content.ink_paths += 1
        elif op == "Do" and operands and isinstance(xobjects, pikepdf.Dictionary):
            xobject = xobjects.get(str(operands[0]))
            if not isinstance(xobject, pikepdf.Stream):
                continue
            subtype = xobject.get("/Subtype")
            if subtype == "/Image":
                placed = PlacedImageFacts(
                    box=transform_box(state.ctm, 0, 0, 1, 1),
                    colour=image_has_colour(xobject),
                    mask=bool(xobject.get("/ImageMask", False)),
                )
                content.images.append(placed)
                if not placed.mask:
                    cover_text(content, placed.box)
            elif subtype == "/Form" and depth < MAX_FORM_DEPTH:
                key = xobject.objgen if xobject.is_indirect else None
                if key is not None and key in seen:
                    continue  # a form that draws itself
                matrix = xobject.get("/Matrix")
                inner = _copy(state)
                if matrix is not None and len(matrix) == 6:
                    inner.ctm = multiply([float(v) for v in matrix], state.ctm)
                form_resources = xobject.get("/Resources", resources)
                walk(xobject, form_resources, inner, content, depth + 1, seen | ({key} if key else set()))


def cover_text(content: PageContent, box: Box) -> None:
    """Text painted before an opaque image that covers it is hidden under the image: the "text under the
    image" OCR layers some scanners write in render mode 0 are as invisible as mode 3 ones."""
    tolerance = 2.0
    for run in content.runs:
        if (
            run.visible
            and run.box[0] >= box[0] - tolerance
            and run.box[1] >= box[1] - tolerance
            and run.box[2] <= box[2] + tolerance
            and run.box[3] <= box[3] + tolerance
        ):
            run.visible = False


def _copy(state: _State) -> _State:
    return _State(**vars(state))


def show_text(op: str, operands: list, state: _State, text_matrix: tuple[float, ...], content: PageContent):
    """Record one text-showing operator as a run with an estimated box; returns the advanced text matrix."""
    import pikepdf

    per_glyph = 2 if state.two_byte else 1
    glyphs = 0
    adjust = 0.0
    items = operands[0] if op == "TJ" and operands and isinstance(operands[0], pikepdf.Array) else operands
    for item in items:
        if isinstance(item, pikepdf.String):
            glyphs += len(bytes(item)) // per_glyph
        else:
            try:
                adjust += float(item)
            except (TypeError, ValueError):
                pass
    size = state.font_size
    width = (glyphs * AVERAGE_GLYPH_WIDTH * size - adjust / 1000.0 * size + glyphs * state.char_spacing) * state.scale
    matrix = multiply(list(text_matrix), state.ctm)
    box = transform_box(matrix, 0.0, state.rise - 0.2 * size, max(width, 0.0), state.rise + 0.8 * size)
    page_size = size * math.sqrt(abs(matrix[0] * matrix[3] - matrix[1] * matrix[2]))
    content.runs.append(TextRun(box=box, glyphs=glyphs, visible=state.render not in (3, 7), size=page_size))
    return multiply([1.0, 0.0, 0.0, 1.0, width, 0.0], text_matrix)


def extend_path(path_box: list[float] | None, op: str, operands: list, ctm: tuple[float, ...]) -> list[float]:
    try:
        numbers = [float(v) for v in operands]
    except (TypeError, ValueError):
        return path_box or [math.inf, math.inf, -math.inf, -math.inf]
    points = []
    if op == "re" and len(numbers) == 4:
        x, y, w, h = numbers
        points = [(x, y), (x + w, y + h)]
    else:
        points = [(numbers[i], numbers[i + 1]) for i in range(0, len(numbers) - 1, 2)]
    box = path_box or [math.inf, math.inf, -math.inf, -math.inf]
    a, b, c, d, e, f = ctm
    for x, y in points:
        px, py = a * x + c * y + e, b * x + d * y + f
        box = [min(box[0], px), min(box[1], py), max(box[2], px), max(box[3], py)]
    return box


def image_has_colour(image: Any) -> bool:
    """Whether the image's colour space can hold colour (it may still be grey in practice)."""
    import pikepdf

    space = image.get("/ColorSpace")
    for _ in range(4):
        if isinstance(space, pikepdf.Array) and len(space) >= 2:
            family = space[0]
            if family == "/Indexed":
                space = space[1]
                continue
            if family == "/ICCBased":
                try:
                    return int(space[1].get("/N", 3)) > 1
                except Exception:
                    return True
            return family in ("/CalRGB", "/Lab", "/DeviceN")
        break
    if space is None:
        return image.get("/Filter") == "/JPXDecode" or (
            isinstance(image.get("/Filter"), pikepdf.Array) and "/JPXDecode" in [str(f) for f in image.Filter]
        )
    return str(space) in ("/DeviceRGB", "/DeviceCMYK", "/CalRGB")


# --- the decision ---------------------------------------------------------------------------------

Mode = Literal["auto", "force-ocr", "skip-text", "redo-ocr"]


@dataclass
class Decision:
    """What the page is and how its text is obtained: ``read`` is "text" (the text layer is the page's
    text), "ocr", "layer?" (a scan with an invisible OCR layer: kept only if it covers the scan's text
    lines, checked on the raster) or "blank"."""

    kind: PageKind
    read: Literal["text", "ocr", "layer?", "blank"]
    reason: str
    text: str | None = None  # the text layer, when read is "text" or "layer?"
    content_overlays: list[Box] = field(default_factory=list)  # visible text boxes placed on a scan (PDF space)
    note: str = ""  # the overlays found, for the reason: "2 e-signature boxes recorded as overlays"

    @property
    def step(self) -> str:
        return f"page:{self.kind} ({self.reason}{'; ' + self.note if self.note else ''})"


def percent(share: float) -> str:
    return f"{share * 100:.1f}%" if share < 0.1 else f"{share * 100:.0f}%"


def decide_page(
    content: PageContent,
    mode: Mode,
    text_layer: Callable[[], str | None],
    *,
    overlay_note: str = "",
    kept_annotations: int = 0,
) -> Decision:
    """What the page is, from its content (and the text layer, read only when the decision needs it;
    ``text_layer`` returns the page's text without its overlays, or None when it has none). The annotations
    that are overlays are not the page's content; ``kept_annotations`` counts the others that show
    something (a field the signing system filled in), ``overlay_note`` names the overlays for the reason."""
    decision = _decide(content, mode, text_layer, kept_annotations)
    decision.note = overlay_note
    return decision


def _decide(content: PageContent, mode: Mode, text_layer: Callable[[], str | None], kept_annotations: int) -> Decision:
    from .text_layer import text_layer_is_usable

    def usable() -> tuple[str | None, bool]:
        text = text_layer()
        return text, text is not None and text_layer_is_usable(text)

    if not content.complete:
        text, ok = (None, False) if mode == "force-ocr" else usable()
        if ok:
            return Decision("born-digital", "text", f"content not read ({content.problem}); usable text layer", text)
        return Decision("scan", "ocr", f"content not read ({content.problem}); no usable text layer")
    if mode == "force-ocr":  # every page rasterised, blank ones too (the review page shows each page's image)
        return Decision("scan", "ocr", "--force-ocr")
    if not content.has_ink and not kept_annotations:
        nothing = "no image, no visible text, no ink"
        if content.invisible_glyphs:
            nothing += f"; {content.invisible_glyphs} invisible glyphs over nothing"
        return Decision("blank", "blank", f"nothing painted: {nothing}")
    if mode == "skip-text":
        text, ok = usable()
        if ok:
            return Decision("born-digital", "text", "--skip-text: the page has a usable text layer", text)
    share = content.image_share
    visible = content.visible_glyphs
    if share >= SCAN_IMAGE_SHARE:
        scanned = f"page-filling image {percent(share)}"
        if not visible:
            if content.invisible_glyphs:
                layer = f"invisible OCR layer of {content.invisible_glyphs} glyphs"
                if mode == "redo-ocr":
                    return Decision("scan", "ocr", f"{scanned}; {layer} dropped (--redo-ocr)")
                text, ok = usable()
                if not ok:
                    return Decision("scan", "ocr", f"{scanned}; {layer} is not usable Vietnamese text")
                return Decision("scan", "layer?", f"{scanned}; {layer}", text)
            if kept_annotations:
                return Decision("scan", "ocr", f"{scanned}; {kept_annotations} annotation(s) filling its fields")
            return Decision("scan", "ocr", f"{scanned}; no text of its own")
        clusters = content.visible_clusters()
        visible_share = grid_share(clusters, content.box)
        if visible_share <= OVERLAY_TEXT_MAX_SHARE:
            return Decision(
                "scan",
                "ocr",
                f"{scanned}; visible text only in {len(clusters)} box(es) over {percent(visible_share)}",
                content_overlays=clusters,
            )
        text, ok = usable()
        if ok:
            return Decision(
                "born-digital", "text", f"visible text over {percent(visible_share)} of a {scanned}; usable", text
            )
        return Decision("scan", "ocr", f"{scanned}; its visible text over {percent(visible_share)} is not usable")
    if visible:
        text, ok = usable()
        spread = percent(content.visible_share())
        if ok:
            return Decision("born-digital", "text", f"visible text over {spread} of the page; usable", text)
        return Decision("scan", "ocr", f"visible text over {spread} of the page is not usable Vietnamese text")
    drawn = []
    if content.images:
        drawn.append(f"images over {percent(share)}")
    if content.ink_paths:
        drawn.append(f"{content.ink_paths} painted paths")
    if kept_annotations:
        drawn.append(f"{kept_annotations} annotation(s)")
    return Decision("scan", "ocr", f"no text layer; {', '.join(drawn) or 'ink'} to read")


# --- does an invisible OCR layer cover the scan? ----------------------------------------------------


def line_coverage(raster: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> float:
    """The share of the raster's text lines (ink joined into line-sized blobs at ~85 dpi, by ink area) that
    the boxes (left, top, right, bottom in raster pixels) cover by at least half; 1.0 without text lines."""
    import cv2

    gray = raster if raster.ndim == 2 else cv2.cvtColor(raster, cv2.COLOR_BGR2GRAY)
    height, width = gray.shape
    factor = max(1, round(max(height, width) / 1000))
    small = cv2.resize(gray, (max(1, width // factor), max(1, height // factor)), interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    lines = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 1)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    covered = np.zeros(small.shape, bool)
    for x0, y0, x1, y1 in boxes:
        covered[max(0, y0 // factor - 1) : y1 // factor + 2, max(0, x0 // factor - 1) : x1 // factor + 2] = True
    total = inside = 0
    for index in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[index])
        if not (3 <= h <= 40 and w >= 6):
            continue  # specks, rules, seals and pictures are not text lines
        component = labels[y : y + h, x : x + w] == index
        total += area
        if covered[y : y + h, x : x + w][component].mean() >= 0.5:
            inside += area
    return inside / total if total else 1.0
