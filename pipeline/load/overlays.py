"""Stage 1, load, for PDF pages: what is placed *on* a page rather than written in it.

Portals and signing tools put their marks on a page as annotations (a signature field's widget whose
appearance is the e-signature box: "TRUNG TÂM CÔNG BÁO VÀ TIN HỌC / e-mail / Ký bởi: … / Thời gian ký: …",
or a "SAO Y" copy line), or draw them into the content over the scan. They are data, not the document's
text: each one becomes an ``Overlay`` (kind, text, box) and is kept out of the page text.

Each annotation's text is read by poppler from its own appearance: the appearances are copied, one per
page, into a small PDF built in memory (each page the size of the original, the appearance as a stamp at
the annotation's place) and ``pdftotext -bbox-layout`` reads that from stdin. So the text and the boxes are
the annotation's own, whatever the page beneath holds (a born-digital page's text may lie under a
signature widget's rectangle).

Not every signature widget is an overlay: signing systems also stamp the document's number and day into
the page as signature appearances ("565", "15" on the shared scan 08). A widget whose text is short and
has none of the e-signature box's words stays part of the page.
"""

from __future__ import annotations

import html
import io
import math
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from typing import Any

from ..model import OverlayKind
from .pdf_evidence import Box

# Annotation subtypes whose appearance may be an overlay with text. Markup (highlights, lines, shapes),
# links and pop-ups carry no text of the page and are left alone.
TEXT_ANNOTATIONS = {"/Widget", "/Stamp", "/FreeText", "/Ink"}


# A signature widget's text this short with none of the box's words is a field of the document (a number
# or a day stamped at signing), not an overlay.
FIELD_TEXT_MAX_CHARS = 20


# Words of an e-signature box (Vietnamese portals and the usual signing tools); NFC, compared in lower case.
E_SIGNATURE_WORDS = re.compile(
    r"ký bởi|người ký|thời gian ký|ngày ký|ký số|ký điện tử|chữ ký số|chứng thư|cơ quan:|email:|e-mail"
    r"|signed by|digitally signed|signature valid|signing time|reason:|location:"
    r"|trung tâm công báo|công báo",
)


PORTAL_STAMP_WORDS = re.compile(r"\bsao y\b|bản sao|sao lục|trích sao|đã ký|văn bản điện tử|cổng thông tin")


E_MAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


TIMESTAMP = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{4}[ ,;T]+\d{1,2}:\d{2}(:\d{2})?|[+-]\d{2}:\d{2}\b")


@dataclass
class AnnotationFacts:
    index: int  # position in the page's /Annots
    obj: Any  # the annotation dictionary (pikepdf)
    subtype: str
    signature: bool  # a signature field's widget
    rect: Box  # PDF user space of the page


@dataclass
class OverlayFacts:
    """An overlay found on a page, in the page's displayed coordinates (points, origin top left)."""

    kind: OverlayKind
    text: str | None
    box: Box  # left, top, right, bottom in points (displayed page, origin top left)
    annotation: int | None = None  # its index in /Annots when it is an annotation
    why: str = ""


@dataclass
class AnnotationText:
    text: str
    lines: list[tuple[str, Box]]  # each line's text and box (displayed points)


def read_annotations(page_obj: Any) -> list[AnnotationFacts]:
    """The annotations that may show text: a normal appearance, a rectangle with area, not hidden."""
    import pikepdf

    annots = page_obj.get("/Annots")
    if not isinstance(annots, pikepdf.Array):
        return []
    found = []
    for index, annot in enumerate(annots):
        try:
            if not isinstance(annot, pikepdf.Dictionary):
                continue
            subtype = str(annot.get("/Subtype", ""))
            if subtype not in TEXT_ANNOTATIONS:
                continue
            flags = int(annot.get("/F", 0))
            if flags & (2 | 32):  # Hidden, NoView
                continue
            if normal_appearance(annot) is None:
                continue
            rect = [float(v) for v in annot.get("/Rect", [])]
            if len(rect) != 4:
                continue
            box = (min(rect[0], rect[2]), min(rect[1], rect[3]), max(rect[0], rect[2]), max(rect[1], rect[3]))
            if box[2] - box[0] < 1 or box[3] - box[1] < 1:
                continue  # an invisible signature (Rect [0 0 0 0])
            found.append(
                AnnotationFacts(
                    index=index, obj=annot, subtype=subtype, signature=field_type(annot) == "/Sig", rect=box
                )
            )
        except Exception:  # a damaged annotation is not worth failing the page for
            continue
    return found


def field_type(annot: Any) -> str | None:
    node = annot
    for _ in range(16):
        if node is None:
            return None
        value = node.get("/FT")
        if value is not None:
            return str(value)
        node = node.get("/Parent")
    return None


def normal_appearance(annot: Any) -> Any:
    """The annotation's normal appearance stream (the state /AS picks, when it has several)."""
    import pikepdf

    ap = annot.get("/AP")
    if not isinstance(ap, pikepdf.Dictionary):
        return None
    normal = ap.get("/N")
    if isinstance(normal, pikepdf.Dictionary) and not isinstance(normal, pikepdf.Stream):
        state = annot.get("/AS")
        normal = normal.get(state) if state is not None else None
    return normal if isinstance(normal, pikepdf.Stream) else None


def appearance_pdf(page: Any, annotations: list[AnnotationFacts]) -> bytes:
    """A PDF with one page per annotation: the original page's boxes and rotation, no content, and the
    annotation's appearance as a stamp at its rectangle."""
    import pikepdf

    from .pdf_image import inherited

    out = pikepdf.new()
    for annotation in annotations:
        appearance = out.copy_foreign(normal_appearance(annotation.obj))
        stamp = out.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Stamp,
                Rect=pikepdf.Array(list(annotation.rect)),
                F=4,
                AP=pikepdf.Dictionary(N=appearance),
            )
        )
        new_page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=pikepdf.Array([float(v) for v in inherited(page.obj, "/MediaBox")]),
            Resources=pikepdf.Dictionary(),
            Contents=out.make_stream(b""),
            Annots=pikepdf.Array([stamp]),
        )
        crop = inherited(page.obj, "/CropBox")
        if crop is not None:
            new_page.CropBox = pikepdf.Array([float(v) for v in crop])
        rotate = inherited(page.obj, "/Rotate")
        if rotate is not None:
            new_page.Rotate = int(rotate)
        out.pages.append(pikepdf.Page(new_page))
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def read_annotation_texts(page: Any, annotations: list[AnnotationFacts], timeout: float = 60) -> list[AnnotationText]:
    """Each annotation's own text, in order (empty when it has none or poppler cannot read it)."""
    if not annotations:
        return []
    try:
        data = appearance_pdf(page, annotations)
    except Exception:  # a broken appearance: nothing read, the annotations count as textless
        return [AnnotationText("", []) for _ in annotations]
    pages = run_pdftotext_bbox(data, timeout)
    texts = []
    for number in range(len(annotations)):
        lines = pages[number] if number < len(pages) else []
        texts.append(AnnotationText("\n".join(t for t, _ in lines), lines))
    return texts


_PAGE = re.compile(r"<page\b")
_LINE = re.compile(r"<line\b[^>]*>(.*?)</line>", re.DOTALL)
_WORD = re.compile(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>', re.DOTALL)


def run_pdftotext_bbox(data: bytes, timeout: float = 60) -> list[list[tuple[str, Box]]]:
    """``pdftotext -bbox-layout`` of a PDF given as bytes: per page, its lines (text, box)."""
    try:
        proc = subprocess.run(
            ["pdftotext", "-q", "-enc", "UTF-8", "-bbox-layout", "-", "-"],
            input=data,
            capture_output=True,
            timeout=timeout,
        )
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return []
    if proc.returncode != 0:
        return []
    return parse_bbox_layout(proc.stdout.decode("utf-8", errors="replace"))


def parse_bbox_layout(xhtml: str) -> list[list[tuple[str, Box]]]:
    pages: list[list[tuple[str, Box]]] = []
    for chunk in _PAGE.split(xhtml)[1:]:
        lines = []
        for line in _LINE.findall(chunk):
            words = [(html.unescape(w[4]), tuple(float(v) for v in w[:4])) for w in _WORD.findall(line)]
            if not words:
                continue
            text = unicodedata.normalize("NFC", " ".join(t for t, _ in words))
            box = (
                min(b[0] for _, b in words),
                min(b[1] for _, b in words),
                max(b[2] for _, b in words),
                max(b[3] for _, b in words),
            )
            lines.append((text, box))
        pages.append(lines)
    return pages


def signature_marks(text: str) -> list[str]:
    """The e-signature box's tell-tale parts found in a text (for the reason in the page's steps)."""
    folded = unicodedata.normalize("NFC", text).lower()
    marks = []
    if E_SIGNATURE_WORDS.search(folded):
        marks.append("signature words")
    if E_MAIL.search(folded):
        marks.append("e-mail")
    if TIMESTAMP.search(folded):
        marks.append("timestamp")
    return marks


def classify_annotation(annotation: AnnotationFacts, text: str) -> tuple[OverlayKind | None, str]:
    """(overlay kind, why), or (None, why) when the annotation is part of the page (a field it fills)."""
    marks = signature_marks(text)
    folded = unicodedata.normalize("NFC", text).lower()
    stripped = text.strip()
    if annotation.signature:
        if not stripped:
            return "e-signature", "signature widget without text (a seal or signature image)"
        if marks:
            return "e-signature", "signature widget: " + ", ".join(marks)
        if PORTAL_STAMP_WORDS.search(folded):
            return "e-signature", "signature widget: copy stamp"
        if len(stripped) <= FIELD_TEXT_MAX_CHARS:
            return None, f"signature widget filling a field of the page ({stripped!r})"
        return "e-signature", "signature widget"
    if annotation.subtype == "/Widget":
        return None, "form field"  # a filled-in form field is the document's content
    if marks and E_SIGNATURE_WORDS.search(folded):
        return "e-signature", f"{annotation.subtype[1:].lower()} annotation: " + ", ".join(marks)
    if annotation.subtype == "/Stamp":
        return "portal-stamp", "stamp annotation"
    return "other", f"{annotation.subtype[1:].lower()} annotation"


def classify_content_box(text: str) -> OverlayKind:
    """Visible text drawn over a scan in a small box: an e-signature box or some other stamp."""
    folded = unicodedata.normalize("NFC", text).lower()
    return "e-signature" if E_SIGNATURE_WORDS.search(folded) else "portal-stamp"


def lines_in(lines: list[tuple[str, Box]], box: Box) -> list[tuple[str, Box]]:
    """The lines whose centre lies in the box (displayed coordinates)."""
    inside = []
    for text, (x0, y0, x1, y1) in lines:
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if box[0] <= cx <= box[2] and box[1] <= cy <= box[3]:
            inside.append((text, (x0, y0, x1, y1)))
    return inside


def page_without_annotations(page: Any, drop: set[int]) -> bytes:
    """A one-page PDF of the page with the annotations at the given /Annots positions left out (the
    page's content, resources and boxes as they are), for pdftotext to read the page's own text."""
    import pikepdf

    out = pikepdf.new()
    out.pages.append(page)  # qpdf copies the page with what it references
    copied = out.pages[0].obj
    annots = copied.get("/Annots")
    if isinstance(annots, pikepdf.Array):
        kept = [a for i, a in enumerate(annots) if i not in drop]
        if kept:
            copied.Annots = pikepdf.Array(kept)
        else:
            del copied["/Annots"]
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


@dataclass
class PageView:
    """The page as displayed (its CropBox within the MediaBox, turned by /Rotate): PDF user-space boxes
    to displayed points (origin top left, as pdftotext reports them), and those to raster pixels."""

    box: Box  # the visible box in user space
    rotate: int  # 0, 90, 180, 270 (clockwise)

    @classmethod
    def of(cls, page_obj: Any, media: Box, rotate: int) -> PageView:
        from .pdf_image import inherited

        box = media
        try:
            crop = inherited(page_obj, "/CropBox")
            if crop is not None:
                c = [float(v) for v in crop]
                c = [min(c[0], c[2]), min(c[1], c[3]), max(c[0], c[2]), max(c[1], c[3])]
                inter = (max(c[0], media[0]), max(c[1], media[1]), min(c[2], media[2]), min(c[3], media[3]))
                if inter[2] > inter[0] and inter[3] > inter[1]:
                    box = inter
        except Exception:
            pass
        return cls(box=box, rotate=rotate % 360 if rotate % 90 == 0 else 0)

    @property
    def size(self) -> tuple[float, float]:
        """Displayed width and height in points."""
        width, height = self.box[2] - self.box[0], self.box[3] - self.box[1]
        return (height, width) if self.rotate in (90, 270) else (width, height)

    def to_display(self, box: Box) -> Box:
        width, height = self.box[2] - self.box[0], self.box[3] - self.box[1]
        u0, u1 = box[0] - self.box[0], box[2] - self.box[0]
        v0, v1 = self.box[3] - box[3], self.box[3] - box[1]  # y down
        if self.rotate == 90:
            return (height - v1, u0, height - v0, u1)
        if self.rotate == 180:
            return (width - u1, height - v1, width - u0, height - v0)
        if self.rotate == 270:
            return (v0, width - u1, v1, width - u0)
        return (u0, v0, u1, v1)

    def to_pixels(self, box: Box, pixels: tuple[int, int]) -> tuple[int, int, int, int]:
        """A displayed box (points) as left, top, width, height in a raster of ``pixels`` (width, height)
        of the displayed page, clipped to it."""
        width, height = self.size
        sx, sy = pixels[0] / width, pixels[1] / height
        left = max(0, min(pixels[0], math.floor(box[0] * sx)))
        top = max(0, min(pixels[1], math.floor(box[1] * sy)))
        right = max(0, min(pixels[0], math.ceil(box[2] * sx)))
        bottom = max(0, min(pixels[1], math.ceil(box[3] * sy)))
        return left, top, right - left, bottom - top
