"""Sample-scan renderer: Decree-30 style Vietnamese administrative text -> A4 page images with page truth.

Used by tests and benchmarks to make scans whose exact text is known, and by ``tools/make_samples.py``
for the committed samples in ``data/samples``.

Pipeline: ``clean_text`` (markdown debris, hard line breaks) -> ``derive_structure`` (header, type name,
subject, body paragraphs, recipients, signature; derived from the form of the text, not its wording) ->
``compose_pages`` (PIL drawing at 300 DPI, Liberation Serif) -> ``degrade`` (seeded scan profiles) ->
``write_sample`` (PDF, PNG, JPEG, multi-page TIFF) and ``write_truth``.

Ground-truth reading order of a page (one drawn line per truth line, words separated by single spaces):
  1. the page number (pages >= 2, top centre);
  2. header, left column (issuer lines, then "Số: …"), then header, right column (national title, motto,
     "Place, ngày … tháng … năm …");
  3. the centred type name and subject, then body lines top to bottom;
  4. tail, left column ("Nơi nhận:" and the recipients), then tail, right column (signature lines, signer).
Compare OCR output against it with ``pipeline.testing.metrics.cer`` (whitespace-normalised).
``RenderedPage.truth_text_rows`` gives the same lines in row order (header columns side by side), which
is how plain Tesseract reads the header; the difference between the two CERs is reading-order error.
Non-text ink (underline rules, the seal, the pen signature) is listed in ``RenderedPage.marks`` and is not
part of the truth. ``TruthLine.box`` is in clean-page pixels (300 DPI, before skew and scaling).

Run ``python -m pipeline.testing.samples --help`` for the command line.
"""

from __future__ import annotations

import argparse
import functools
import io
import re
import sys
import unicodedata
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
FONT_FILES = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "bolditalic": "LiberationSerif-BoldItalic.ttf",
}
DPI = 300
A4_MM = (210.0, 297.0)
PROFILES = ("clean", "mild", "heavy", "photocopy", "lowres")
FORMATS = ("pdf", "png", "jpg", "tiff")

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

# Document type names of Decree 30/2020/NĐ-CP, Appendix III (the form, not any one document's wording).
DOC_TYPES = (
    "NGHỊ QUYẾT",
    "QUYẾT ĐỊNH",
    "CHỈ THỊ",
    "QUY CHẾ",
    "QUY ĐỊNH",
    "THÔNG CÁO",
    "THÔNG BÁO",
    "HƯỚNG DẪN",
    "CHƯƠNG TRÌNH",
    "KẾ HOẠCH",
    "PHƯƠNG ÁN",
    "ĐỀ ÁN",
    "DỰ ÁN",
    "BÁO CÁO",
    "BIÊN BẢN",
    "TỜ TRÌNH",
    "HỢP ĐỒNG",
    "CÔNG ĐIỆN",
    "BẢN GHI NHỚ",
    "BẢN THỎA THUẬN",
    "GIẤY ỦY QUYỀN",
    "GIẤY MỜI",
    "GIẤY GIỚI THIỆU",
    "GIẤY NGHỈ PHÉP",
    "PHIẾU GỬI",
    "PHIẾU CHUYỂN",
    "PHIẾU BÁO",
    "THƯ CÔNG",
)


class SampleError(ValueError):
    """A text that cannot be rendered as a sample (empty, or not clean Vietnamese)."""


# --------------------------------------------------------------------------------------------------
# 1. Cleaning: markdown debris and hard line breaks
# --------------------------------------------------------------------------------------------------

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_MD_STRONG = re.compile(r"(\*\*|__)(.+?)\1")
_MD_EMPHASIS = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
# A lone italic word on its own line, or after the closing "./.": a handwritten mark or initials
# that a markdown conversion kept; it is not part of the typed text.
_MD_SCRIBBLE_LINE = re.compile(r"^\s*\*[^*\s]{1,12}\*\s*$")
_MD_TRAILING_MARK = re.compile(r"(\./\.)\s*\*[^*\s]{1,12}\*\s*$")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")

_BLOCK_START = re.compile(
    r"^(?:[-–—+•]\s|[IVXLC]+\.\s|\d+(?:\.\d+)*[.)]\s|[a-zđ]\)\s|Nơi nhận|TM\.|KT\.|TL\.|TUQ\.|Q\.\s)"
)
_TERMINAL = re.compile(r"(?:[.;:!?]|\./\.)[”\"')]*$")


def strip_markdown(line: str) -> str:
    """Remove markdown markup from one line, keeping the text it marked up."""
    if _MD_SCRIBBLE_LINE.match(line):
        return ""
    line = _MD_TRAILING_MARK.sub(r"\1", line)
    line = _MD_HEADING.sub("", line)
    line = _MD_STRONG.sub(r"\2", line)
    line = _MD_EMPHASIS.sub(r"\1", line)
    return _MD_ESCAPE.sub(r"\1", line)


def _is_upper_line(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _continues(previous_raw: str, following: str, blank_between: bool) -> bool:
    """Whether ``following`` continues the paragraph whose last source line was ``previous_raw``.

    A lowercase start always continues (a word cannot start a paragraph in lowercase in these documents,
    even across a blank line left by a page break). An uppercase or digit start continues only a line
    that was hard-wrapped: long, ending in whitespace, no blank line between, no sentence end.
    """
    previous = previous_raw.rstrip()
    if _TERMINAL.search(previous) or _BLOCK_START.match(following) or _is_upper_line(previous):
        return False
    if following[0].islower():
        return True
    wrapped = previous_raw != previous and len(previous) >= 40
    return wrapped and not blank_between


def join_wrapped_lines(lines: list[str]) -> list[str]:
    """Rejoin the source lines of each paragraph; returns one paragraph per item."""
    paragraphs: list[str] = []
    previous_raw: str | None = None
    blank_between = False
    for raw in lines:
        text = raw.strip()
        if not text:
            blank_between = True
            continue
        if paragraphs and previous_raw is not None and _continues(previous_raw, text, blank_between):
            paragraphs[-1] = f"{paragraphs[-1]} {text}"
        else:
            paragraphs.append(text)
        previous_raw, blank_between = raw, False
    return [re.sub(r"[ \t]+", " ", p) for p in paragraphs]


_VIETNAMESE_LETTERS = frozenset("ăâđêôơưĂÂĐÊÔƠƯ")


def looks_like_clean_vietnamese(text: str) -> bool:
    """True for typed Vietnamese; False for diacritic-less or English-model OCR garble (e.g. seed 001).

    In running Vietnamese about two thirds of the words carry a letter only Vietnamese uses (ă â đ ê ô ơ ư
    or a precomposed letter of U+1EA0-U+1EF9); an English model never outputs them (seed 001: none).
    """
    words = re.findall(r"[^\W\d_]+", unicodedata.normalize("NFC", text))
    if len(words) < 20:
        return bool(words)
    marked = sum(1 for w in words if any(c in _VIETNAMESE_LETTERS or 0x1EA0 <= ord(c) <= 0x1EF9 for c in w))
    return marked / len(words) >= 0.2


# --------------------------------------------------------------------------------------------------
# 2. Structure: header, type name, subject, body, recipients, signature
# --------------------------------------------------------------------------------------------------

_NATIONAL_RE = re.compile(r"CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM")
_MOTTO_RE = re.compile(r"Độc\s+lập\s*[-–—]\s*Tự\s+do\s*[-–—]\s*Hạnh\s+phúc")
_NUMBER_RE = re.compile(r"^(Số\s*:?\s*[^\s/]*\s*/\s*\S+)\s*(.*)$")
_PLACE_DATE_RE = re.compile(r"\S[^,]*,\s*ngày\b.*\bnăm\b.*$")
_RECIPIENTS_RE = re.compile(r"^Nơi\s+nhận\s*:?")
_LIST_ITEM_RE = re.compile(r"^[-–—+•]\s*")
_ADMIN_UNIT_WORDS = ("XÃ ", "PHƯỜNG ", "THỊ TRẤN ", "HUYỆN ", "QUẬN ", "THỊ XÃ ", "THÀNH PHỐ ", "TỈNH ", "ĐẶC KHU ")
_ISSUER_IN_BODY = re.compile(
    r"^(Ủy ban nhân dân|UBND|Hội đồng nhân dân|Đảng ủy|Ban Chấp hành Đảng bộ)\s+(?:[\wÀ-ỹ ]*?\s)?"
    r"((?:xã|phường|thị trấn|huyện|quận|thị xã|thành phố|tỉnh)\s+(?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*\s?)+?)\s+"
    r"(?:ban hành|xây dựng|triển khai)\b"
)


@dataclass
class Paragraph:
    text: str
    style: str  # "heading" (bold), "subheading" (bold), "body"


@dataclass
class DocumentStructure:
    issuer: list[str] = field(default_factory=list)
    issuer_bold_from: int = 0  # lines before this index are the parent body (regular weight)
    number: str | None = None
    national_title: str = NATIONAL_TITLE
    motto: str = MOTTO
    place_date: str | None = None
    doc_type: str | None = None
    title: str | None = None
    body: list[Paragraph] = field(default_factory=list)
    recipients_heading: str | None = None
    recipients: list[str] = field(default_factory=list)
    signature: list[str] = field(default_factory=list)
    signer: str | None = None
    has_header: bool = False  # False for a bare text: no two-column header is drawn (nothing is invented)
    summary: list[str] = field(default_factory=list)  # "V/v …" under the number (official letters)


def _find_doc_type(lines: list[str]) -> int | None:
    for index, line in enumerate(lines[:40]):
        if re.sub(r"\s+", " ", line.strip()) in DOC_TYPES:
            return index
    return None


def _split_header_line(line: str, structure: DocumentStructure, left: list[str]) -> None:
    """Sort one header line (possibly both columns run together) into the structure."""
    for pattern, attr in ((_NATIONAL_RE, "national_title"), (_MOTTO_RE, "motto")):
        found = pattern.search(line)
        if found:
            setattr(structure, attr, re.sub(r"\s+", " ", found.group(0)))
            if line[: found.start()].strip():
                left.append(line[: found.start()].strip())
            return
    if re.match(r"^V/v\b", line):
        structure.summary.append(line)
        return
    number = _NUMBER_RE.match(line)
    if number and line.startswith("Số"):
        structure.number = re.sub(r"\s+", " ", number.group(1))
        if _PLACE_DATE_RE.match(number.group(2)):
            structure.place_date = number.group(2).strip()
        return
    if _PLACE_DATE_RE.match(line) and not _is_upper_line(line):
        structure.place_date = line
        return
    left.append(line)


def _leading_header_end(lines: list[str]) -> int:
    """For a text without a type name (an official letter): the index after its leading header lines
    (issuer in capitals, "Số:", "V/v", national title, motto, place and date); 0 when it has none."""
    end, anchored = 0, False
    for index, raw in enumerate(lines[:15]):
        line = re.sub(r"\s+", " ", raw).strip()
        if not line:
            continue
        anchor = bool(
            _NATIONAL_RE.search(line) or _MOTTO_RE.search(line) or line.startswith("Số") or _PLACE_DATE_RE.match(line)
        )
        if not (anchor or line.startswith("V/v") or (_is_upper_line(line) and len(line) <= 60)):
            break
        anchored |= anchor
        end = index + 1
    return end if anchored else 0


def _issuer_bold_from(issuer: list[str]) -> int:
    """Lines continuing the issuer's name with an administrative unit ("XÃ PHÚ TRUNG") belong to it;
    otherwise only the last line is the issuing body and the lines above name its parent."""
    start = len(issuer) - 1
    while start > 0 and issuer[start].startswith(_ADMIN_UNIT_WORDS):
        start -= 1
    return max(start, 0)


def _infer_issuer(paragraphs: list[str]) -> list[str]:
    """Issuer named in the promulgation sentence ("Ủy ban nhân dân xã X ban hành Kế hoạch…"), for texts
    whose header lost the issuer block. Uppercased as printed in a header."""
    for text in paragraphs:
        found = _ISSUER_IN_BODY.match(text)
        if found:
            body = "ỦY BAN NHÂN DÂN" if found.group(1) == "UBND" else found.group(1).upper()
            return [body, found.group(2).strip().upper()]
    return []


def _paragraph_style(text: str) -> str:
    if re.match(r"^[IVXLC]+\.\s", text) or (_is_upper_line(text) and len(text) < 120):
        return "heading"
    if re.match(r"^\d+(?:\.\d+)*\.\s", text) and len(text) < 110 and not _TERMINAL.search(text):
        return "subheading"
    return "body"


def _split_tail(paragraphs: list[str], structure: DocumentStructure) -> list[str]:
    """Fill recipients and signature from the paragraphs after "Nơi nhận"; return the body paragraphs."""
    start = next((i for i, p in enumerate(paragraphs) if _RECIPIENTS_RE.match(p)), None)
    if start is None:
        return paragraphs
    head = _RECIPIENTS_RE.match(paragraphs[start])
    assert head is not None  # start was found by this pattern
    structure.recipients_heading = "Nơi nhận:"
    rest = paragraphs[start][head.end() :].strip()
    tail = ([rest] if rest else []) + paragraphs[start + 1 :]
    index = 0
    while index < len(tail) and _LIST_ITEM_RE.match(tail[index]):
        structure.recipients.append(tail[index])
        index += 1
    signature_lines = tail[index:]
    names = [line for line in signature_lines if not _is_upper_line(line)]
    structure.signer = names[-1] if names else None
    structure.signature = [line for line in signature_lines if line != structure.signer]
    return paragraphs[:start]


def clean_text(raw: str) -> list[str]:
    """Markdown stripped, NFC, hard line breaks rejoined: the source lines of the body as paragraphs."""
    lines = [strip_markdown(line) for line in unicodedata.normalize("NFC", raw).splitlines()]
    return join_wrapped_lines(lines)


def derive_structure(raw: str) -> DocumentStructure:
    """Decree-30 layout roles for a text: everything before the type name is header; the paragraph after
    it is the subject; "Nơi nhận" starts the tail. Texts without a type name get no header split."""
    if not raw.strip():
        raise SampleError("text is empty")
    if not looks_like_clean_vietnamese(raw):
        raise SampleError("text is not clean Vietnamese (no ground truth to render)")
    # Trailing whitespace is kept: it tells a hard-wrapped line from a paragraph end (join_wrapped_lines).
    lines = [strip_markdown(line) for line in unicodedata.normalize("NFC", raw).splitlines()]
    structure = DocumentStructure()
    type_index = _find_doc_type(lines)
    header_end = type_index if type_index is not None else _leading_header_end(lines)
    left: list[str] = []
    for line in lines[:header_end]:
        if line.strip():
            _split_header_line(re.sub(r"\s+", " ", line).strip(), structure, left)
    structure.has_header = header_end > 0 or type_index is not None
    if type_index is not None:
        structure.doc_type = re.sub(r"\s+", " ", lines[type_index]).strip()
        header_end += 1
    lines = lines[header_end:]
    paragraphs = join_wrapped_lines(lines)
    paragraphs = _split_tail(paragraphs, structure)
    if structure.doc_type and paragraphs:
        structure.title, paragraphs = paragraphs[0], paragraphs[1:]
    structure.issuer = left or (_infer_issuer(paragraphs) if structure.has_header else [])
    structure.issuer_bold_from = _issuer_bold_from(structure.issuer)
    structure.body = [Paragraph(p, _paragraph_style(p)) for p in paragraphs]
    return structure


def structure_text(structure: DocumentStructure) -> str:
    """The document as clean text, one paragraph per line, in the truth reading order (header left column,
    right column, type name, subject, body, recipients, signature): a ``.txt`` input and document truth."""
    lines = [*structure.issuer, structure.number or "", *structure.summary]
    if structure.has_header:
        lines += [structure.national_title, structure.motto]
    lines += [structure.place_date or "", structure.doc_type or "", structure.title or ""]
    lines += [p.text for p in structure.body]
    lines += [structure.recipients_heading or "", *structure.recipients, *structure.signature, structure.signer or ""]
    return "\n".join(_truth(line) for line in lines if line.strip()) + "\n"


# --------------------------------------------------------------------------------------------------
# 3. Composition: drawing the structure on A4 pages
# --------------------------------------------------------------------------------------------------


def mm_to_px(mm: float) -> int:
    return round(mm / 25.4 * DPI)


def pt_to_px(pt: float) -> int:
    return round(pt / 72 * DPI)


@functools.lru_cache(maxsize=64)
def load_font(style: str, size_pt: float) -> ImageFont.FreeTypeFont:
    path = FONT_DIR / FONT_FILES[style]
    if not path.exists():
        raise SampleError(f"font {path} is missing; install the Debian package fonts-liberation2")
    # BASIC layout: precomposed (NFC) Vietnamese needs no shaping, and it does not depend on libraqm.
    return ImageFont.truetype(str(path), size=pt_to_px(size_pt), layout_engine=ImageFont.Layout.BASIC)


@dataclass(frozen=True)
class TruthLine:
    text: str
    box: tuple[int, int, int, int]  # left, top, right, bottom at 300 DPI, before degradation
    region: str  # page-number, header-left, header-right, body, tail-left, tail-right


REGION_ORDER = ("page-number", "header-left", "header-right", "body", "tail-left", "tail-right")


@dataclass
class RenderedPage:
    image: Image.Image  # mode "L"
    number: int
    lines: list[TruthLine]
    # Ink that is not text, as (kind, box): "rule" (underlines), "seal", "signature".
    marks: list[tuple[str, tuple[int, int, int, int]]] = field(default_factory=list)

    @property
    def dpi(self) -> int:
        return round(self.image.width / (A4_MM[0] / 25.4))

    @property
    def truth_text_rows(self) -> str:
        """The same lines in row order (columns side by side joined left to right), which is how plain
        Tesseract reads a two-column header; for telling reading-order errors from recognition errors."""
        rows: list[list[TruthLine]] = []
        for line in sorted(self.lines, key=lambda truth: (truth.box[1] + truth.box[3]) / 2):
            centre = (line.box[1] + line.box[3]) / 2
            if rows and abs(centre - (rows[-1][0].box[1] + rows[-1][0].box[3]) / 2) < (line.box[3] - line.box[1]) / 2:
                rows[-1].append(line)
            else:
                rows.append([line])
        return "\n".join(" ".join(t.text for t in sorted(row, key=lambda t: t.box[0])) for row in rows) + "\n"

    @property
    def truth_text(self) -> str:
        ordered = sorted(self.lines, key=lambda line: REGION_ORDER.index(line.region))  # stable sort
        return "\n".join(line.text for line in ordered) + "\n"


@dataclass(frozen=True)
class LayoutStyle:
    """Per-document typesetting choices within Decree 30's ranges, drawn from the seed."""

    body_pt: float
    leading: float
    paragraph_gap_pt: float
    justify: bool
    margins_mm: tuple[float, float, float, float]  # top, bottom, left, right
    indent_mm: float
    ink: int
    seal: bool  # the issuer's round seal over the left of the signature (red ink: light grey in a grey scan)
    signed: bool  # a handwritten signature above the signer's name

    @staticmethod
    def draw(rng: np.random.Generator) -> LayoutStyle:
        return LayoutStyle(
            seal=bool(rng.random() < 0.8),
            signed=bool(rng.random() < 0.9),
            body_pt=float(rng.choice([13.0, 14.0])),
            leading=float(rng.uniform(1.12, 1.32)),
            paragraph_gap_pt=float(rng.uniform(4.0, 9.0)),
            justify=bool(rng.random() < 0.8),
            margins_mm=(
                float(rng.uniform(20, 25)),
                float(rng.uniform(20, 25)),
                float(rng.uniform(30, 35)),
                float(rng.uniform(15, 20)),
            ),
            indent_mm=float(rng.uniform(10, 12.7)),
            ink=int(rng.integers(10, 35)),
        )


def _display(text: str) -> str:
    """Text as drawn: blank fields ("Số:      /KH", "ngày    tháng") keep a visible gap."""
    text = re.sub(r"(Số:?)\s*(?=/)", lambda m: m.group(1) + " " * 9, text)
    text = re.sub(r"\b(ngày)\s+(?=tháng)", r"\1" + " " * 9, text)
    return re.sub(r"\b(tháng)\s+(?=năm)", r"\1" + " " * 9, text)


def _truth(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class PageComposer:
    """Lays out lines top to bottom across pages, recording each drawn line as truth."""

    def __init__(self, style: LayoutStyle, max_pages: int | None, rng: np.random.Generator | None = None):
        self.style = style
        self.rng = rng if rng is not None else np.random.default_rng(0)  # shapes of the hand-made marks
        self.max_pages = max_pages
        self.width, self.height = mm_to_px(A4_MM[0]), mm_to_px(A4_MM[1])
        top, bottom, left, right = style.margins_mm
        self.top, self.bottom = mm_to_px(top), self.height - mm_to_px(bottom)
        self.left, self.right = mm_to_px(left), self.width - mm_to_px(right)
        self.pages: list[RenderedPage] = []
        self.full = False
        self.y = 0
        self._new_page()

    @property
    def text_width(self) -> int:
        return self.right - self.left

    def _new_page(self) -> None:
        if self.max_pages is not None and len(self.pages) >= self.max_pages:
            self.full = True
            return
        image = Image.new("L", (self.width, self.height), 255)
        self.pages.append(RenderedPage(image=image, number=len(self.pages) + 1, lines=[]))
        self.draw = ImageDraw.Draw(image)
        self.y = self.top
        if len(self.pages) >= 2:
            font = load_font("regular", self.style.body_pt)
            label = str(len(self.pages))
            baseline = (self.top + font.getmetrics()[0]) // 2
            x = (self.width - font.getlength(label)) / 2
            self._draw_words([(x, label)], baseline, font, "page-number", label)

    def line_pitch(self, font: ImageFont.FreeTypeFont) -> int:
        return round(font.size * self.style.leading)

    def room(self) -> int:
        return self.bottom - self.y

    def ensure_room(self, needed: int) -> None:
        if self.room() < needed:
            self._new_page()

    def _draw_words(self, placed: list[tuple[float, str]], baseline: int, font, region: str, text: str) -> None:
        boxes = []
        for x, word in placed:
            self.draw.text((x, baseline), word, font=font, fill=self.style.ink, anchor="ls")
            boxes.append(self.draw.textbbox((x, baseline), word, font=font, anchor="ls"))
        box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
        self.pages[-1].lines.append(
            TruthLine(text=_truth(text), box=(int(box[0]), int(box[1]), int(box[2]), int(box[3])), region=region)
        )

    def draw_line(
        self, text: str, font, x0: float, width: float, align: str, region: str, baseline: int | None = None
    ) -> int:
        """Draw one line (align: left, centre, justify) at the cursor or at ``baseline``; returns its baseline."""
        if baseline is None:
            baseline = self.y + font.getmetrics()[0]
        words = text.split(" ") if align == "justify" else [text]
        words = [w for w in words if w]
        if not words:
            return baseline
        if align == "justify" and len(words) > 1:
            widths = [font.getlength(w) for w in words]
            gap = (width - sum(widths)) / (len(words) - 1)
            placed, x = [], x0
            for word, w in zip(words, widths):
                placed.append((x, word))
                x += w + gap
        elif align == "centre":
            placed = [(x0 + (width - font.getlength(text)) / 2, text)]
        else:
            placed = [(x0, text)]
        self._draw_words(placed, baseline, font, region, text)
        return baseline

    def underline(self, x_centre: float, baseline: int, length: float, font, gap: int = 6) -> None:
        y = baseline + font.getmetrics()[1] + gap  # below the descenders, as a rule drawn under the line
        x0, x1 = round(x_centre - length / 2), round(x_centre + length / 2)
        self.draw.line([(x0, y), (x1, y)], fill=self.style.ink, width=3)
        self.pages[-1].marks.append(("rule", (x0, y - 2, x1, y + 2)))


def _fitting_pieces(words: list[str], font, width: float) -> list[str]:
    pieces: list[str] = []
    for word in words:
        while font.getlength(word) > width and len(word) > 1:
            cut = max(1, max(n for n in range(1, len(word) + 1) if font.getlength(word[:n]) <= width or n == 1))
            pieces.append(word[:cut])
            word = word[cut:]
        pieces.append(word)
    return pieces


def wrap_words(text: str, font, first_width: float, width: float) -> list[str]:
    """Greedy line breaking on spaces; a word longer than a line is cut into pieces that fit."""
    lines: list[str] = []
    current = ""
    for word in _fitting_pieces(text.split(), font, min(first_width, width)):
        limit = first_width if not lines else width
        candidate = f"{current} {word}" if current else word
        if current and font.getlength(candidate) > limit:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _draw_paragraph(
    page: PageComposer,
    text: str,
    font,
    align_last: str = "left",
    centred: bool = False,
    indent: int | None = None,
    width: int | None = None,
) -> None:
    style = page.style
    indent = mm_to_px(style.indent_mm) if indent is None else indent
    width = page.text_width if width is None else width
    x_left = page.left + (page.text_width - width) / 2 if centred else page.left
    lines = wrap_words(text, font, width - indent, width)
    pitch = page.line_pitch(font)
    for number, line in enumerate(lines):
        # Keep a paragraph's last two lines together rather than leave one alone on the next page.
        needed = pitch * (2 if number == len(lines) - 2 else 1)
        page.ensure_room(needed)
        if page.full:
            return
        is_first, is_last = number == 0, number == len(lines) - 1
        x0 = x_left + (indent if is_first and not centred else 0)
        line_width = width - (indent if is_first and not centred else 0)
        if centred:
            align = "centre"
        elif is_last or not style.justify:
            align = align_last
        else:
            align = "justify"
        page.draw_line(line, font, x0, line_width, align, "body")
        page.y += pitch
    page.y += pt_to_px(style.paragraph_gap_pt)


def _draw_header(page: PageComposer, structure: DocumentStructure) -> None:
    style = page.style
    left_width = round(page.text_width * 0.42)
    left_x, right_x = page.left - mm_to_px(8), page.left + left_width - mm_to_px(4)
    right_width = page.right + mm_to_px(6) - right_x
    issuer_font = load_font("regular", 13)
    issuer_bold = load_font("bold", 13)
    national_font = load_font("bold", 13)
    motto_font = load_font("bold", 14)
    top = page.y
    pitch = page.line_pitch(issuer_font)

    y = top
    issuer_baseline = None
    widest = 0.0
    for index, line in enumerate(structure.issuer):
        font = issuer_bold if index >= structure.issuer_bold_from else issuer_font
        page.y = y
        issuer_baseline = page.draw_line(line, font, left_x, left_width, "centre", "header-left")
        widest = max(widest, font.getlength(line))
        y += pitch
    if issuer_baseline is not None:
        page.underline(left_x + left_width / 2, issuer_baseline, widest * 0.4, issuer_bold, gap=14)
    left_bottom = y

    page.y = top
    page.draw_line(structure.national_title, national_font, right_x, right_width, "centre", "header-right")
    page.y = top + pitch
    motto_baseline = page.draw_line(structure.motto, motto_font, right_x, right_width, "centre", "header-right")
    page.underline(right_x + right_width / 2, motto_baseline, motto_font.getlength(structure.motto), motto_font)
    right_bottom = top + 2 * pitch

    row = max(left_bottom, right_bottom) + pt_to_px(10)
    date_font = load_font("italic", 14)
    if structure.number:
        page.y = row
        page.draw_line(_display(structure.number), issuer_font, left_x, left_width, "centre", "header-left")
    summary_font = load_font("regular", 12)
    for number, line in enumerate(structure.summary):
        page.y = row + page.line_pitch(issuer_font) + number * page.line_pitch(summary_font)
        page.draw_line(line, summary_font, left_x, left_width, "centre", "header-left")
    if structure.place_date:
        page.y = row
        page.draw_line(_display(structure.place_date), date_font, right_x, right_width, "centre", "header-right")
    below = page.line_pitch(issuer_font) + len(structure.summary) * page.line_pitch(summary_font)
    page.y = row + max(page.line_pitch(date_font), below) + pt_to_px(style.body_pt * 1.2)


def _draw_title(page: PageComposer, structure: DocumentStructure) -> None:
    type_font = load_font("bold", 14)
    if structure.doc_type:
        page.draw_line(structure.doc_type, type_font, page.left, page.text_width, "centre", "body")
        page.y += page.line_pitch(type_font)
    if structure.title:
        title_width = round(page.text_width * 0.86)
        lines = wrap_words(structure.title, type_font, title_width, title_width)
        baseline = page.y
        for line in lines:
            baseline = page.draw_line(line, type_font, page.left, page.text_width, "centre", "body")
            page.y += page.line_pitch(type_font)
        page.underline(page.left + page.text_width / 2, baseline, page.text_width * 0.3, type_font, gap=22)
    page.y += pt_to_px(14)


def _draw_body(page: PageComposer, structure: DocumentStructure) -> None:
    style = page.style
    regular = load_font("regular", style.body_pt)
    bold = load_font("bold", style.body_pt)
    for index, paragraph in enumerate(structure.body):
        if page.full:
            return
        if index == len(structure.body) - 1 and _tail_height(page, structure):
            # The closing paragraph stays on the page of the signature (Decree 30: no signature alone).
            lines = wrap_words(paragraph.text, regular, page.text_width - mm_to_px(style.indent_mm), page.text_width)
            needed = len(lines) * page.line_pitch(regular) + _tail_height(page, structure)
            page.ensure_room(min(needed, page.bottom - page.top - page.line_pitch(regular)))
        if paragraph.style in ("heading", "subheading"):
            # A heading never ends a page: ask for room for it and two lines of what follows.
            page.ensure_room(page.line_pitch(bold) * 3)
            _draw_paragraph(page, paragraph.text, bold)
        else:
            _draw_paragraph(page, paragraph.text, regular)


def _tail_lines(structure: DocumentStructure, column_width: int) -> list[tuple[str, str, int]]:
    """Recipients column as (text, font style, indent px) lines, hanging indent for wrapped items."""
    small = load_font("regular", 11)
    lines: list[tuple[str, str, int]] = []
    if structure.recipients_heading:
        lines.append((structure.recipients_heading, "bolditalic", 0))
    hang = round(small.getlength("- "))
    for item in structure.recipients:
        for number, line in enumerate(wrap_words(item, small, column_width, column_width - hang)):
            lines.append((line, "regular", 0 if number == 0 else hang))
    return lines


def _tail_height(page: PageComposer, structure: DocumentStructure) -> int:
    """Height the recipients and signature columns need (0 when the text has no tail)."""
    if not (structure.recipients_heading or structure.signature or structure.signer):
        return 0
    recipient_lines = _tail_lines(structure, round(page.text_width * 0.48))
    sign_pitch = page.line_pitch(load_font("bold", 14))
    small_pitch = page.line_pitch(load_font("regular", 11))
    signature_height = sign_pitch * (len(structure.signature) + 1) + mm_to_px(25)
    return max(len(recipient_lines) * small_pitch, signature_height) + sign_pitch + pt_to_px(6)


def _draw_tail(page: PageComposer, structure: DocumentStructure) -> None:
    needed = _tail_height(page, structure)
    if not needed:
        return
    left_width = round(page.text_width * 0.48)
    right_x = page.left + left_width
    right_width = page.right - right_x + mm_to_px(5)
    recipient_lines = _tail_lines(structure, left_width)
    sign_font = load_font("bold", 14)
    sign_pitch = page.line_pitch(sign_font)
    small_pitch = page.line_pitch(load_font("regular", 11))
    page.y += pt_to_px(6)
    page.ensure_room(needed)
    if page.full:
        return
    top = page.y
    for text, font_style, indent in recipient_lines:
        font = load_font(font_style, 12 if font_style == "bolditalic" else 11)
        page.draw_line(text, font, page.left + indent, left_width - indent, "left", "tail-left")
        page.y += small_pitch
    page.y = top
    for line in structure.signature:
        page.draw_line(line, sign_font, right_x, right_width, "centre", "tail-right")
        page.y += sign_pitch
    if structure.signer:
        blank_top = page.y
        page.y += mm_to_px(25)  # room for the signature and the seal
        page.draw_line(structure.signer, sign_font, right_x, right_width, "centre", "tail-right")
        centre_x, centre_y = right_x + right_width / 2, (blank_top + page.y) / 2
        if page.style.signed:
            _draw_signature(page, centre_x + mm_to_px(4), centre_y)
        if page.style.seal and structure.issuer:
            _draw_seal(page, centre_x - right_width * 0.24, centre_y - mm_to_px(2), " ".join(structure.issuer))


def _draw_signature(page: PageComposer, x_centre: float, y_centre: float) -> None:
    """A pen scribble: a smooth random curve with a loop, in dark ink over the blank signature space."""
    rng = page.rng
    length = mm_to_px(rng.uniform(30, 45))
    t = np.linspace(0, 1, 400)
    x = x_centre - length / 2 + length * t
    y: np.ndarray = y_centre + sum(  # type: ignore[assignment]  # a sum of arrays
        rng.uniform(-1, 1) * mm_to_px(4) * np.sin(2 * np.pi * (k + rng.random()) * t + rng.uniform(0, 6))
        for k in range(1, 4)
    )
    loop = rng.uniform(0.15, 0.4)
    x = x + mm_to_px(3) * np.exp(-(((t - loop) / 0.05) ** 2)) * np.sin(2 * np.pi * t * 12)
    points = [(float(a), float(b)) for a, b in zip(x, y)]
    width = int(rng.integers(3, 6))
    page.draw.line(points, fill=int(rng.integers(30, 80)), width=width, joint="curve")
    box = (int(x.min()) - width, int(y.min()) - width, int(x.max()) + width + 1, int(y.max()) + width + 1)
    page.pages[-1].marks.append(("signature", box))


def _draw_seal(page: PageComposer, x_centre: float, y_centre: float, ring_text: str) -> None:
    """The issuer's round seal: two rings, the issuer's name around, a star inside. Red ink turns light
    grey in a grey scan, so it is drawn light and merged with darker-wins: text under it stays black."""
    rng = page.rng
    radius = mm_to_px(rng.uniform(17, 20))
    layer = Image.new("L", page.pages[-1].image.size, 255)
    draw = ImageDraw.Draw(layer)
    grey = int(rng.integers(150, 185))
    box = lambda r: (x_centre - r, y_centre - r, x_centre + r, y_centre + r)  # noqa: E731
    draw.ellipse(box(radius), outline=grey, width=7)
    draw.ellipse(box(radius * 0.62), outline=grey, width=4)
    star = [
        (
            x_centre + radius * 0.22 * (1 if i % 2 == 0 else 0.4) * np.sin(np.pi * i / 5),
            y_centre - radius * 0.22 * (1 if i % 2 == 0 else 0.4) * np.cos(np.pi * i / 5),
        )
        for i in range(10)
    ]
    draw.polygon(star, fill=grey)
    font = load_font("bold", 9)
    text = ring_text.upper()
    ring = radius * 0.81
    start = rng.uniform(-0.3, 0.3) - np.pi * 0.85
    step = 1.7 * np.pi / max(len(text), 1)
    for index, char in enumerate(text):
        angle = start + index * step
        glyph = Image.new("L", (90, 90), 0)
        ImageDraw.Draw(glyph).text((45, 45), char, font=font, fill=255, anchor="mm")
        glyph = glyph.rotate(-np.degrees(angle + np.pi / 2), resample=Image.Resampling.BILINEAR)
        gx, gy = x_centre + ring * np.cos(angle) - 45, y_centre + ring * np.sin(angle) - 45
        layer.paste(grey, (round(gx), round(gy), round(gx) + 90, round(gy) + 90), glyph)
    # Uneven stamping pressure: fade the seal where a smooth random field is low.
    pressure = _smooth_field((layer.height // 16, layer.width // 16), rng, 6)
    pressure = cv2.resize(pressure, layer.size, interpolation=cv2.INTER_LINEAR)
    faded = 255 - (255 - np.asarray(layer, np.float32)) * (0.55 + 0.45 * pressure)
    page.pages[-1].image.paste(Image.fromarray(np.minimum(np.asarray(page.pages[-1].image), faded.astype(np.uint8))))
    page.draw = ImageDraw.Draw(page.pages[-1].image)
    reach = radius + 8
    left, top, right, bottom = (int(v) for v in box(reach))
    page.pages[-1].marks.append(("seal", (left, top, right, bottom)))


def compose_pages(structure: DocumentStructure, seed: int = 0, max_pages: int | None = None) -> list[RenderedPage]:
    """Clean 300-DPI pages of a document; the layout varies with ``seed`` within Decree 30's ranges."""
    # The document's own text is part of the seed, so documents rendered with one seed still differ.
    document_key = zlib.crc32(structure_text(structure).encode())
    style = LayoutStyle.draw(np.random.default_rng([seed, document_key]))
    page = PageComposer(style, max_pages, np.random.default_rng([seed, document_key, 2]))
    if structure.has_header:
        _draw_header(page, structure)
    _draw_title(page, structure)
    _draw_body(page, structure)
    _draw_tail(page, structure)
    return [p for p in page.pages if p.lines]


# --------------------------------------------------------------------------------------------------
# 4. Degradation profiles
# --------------------------------------------------------------------------------------------------


def _rotate(arr: np.ndarray, degrees: float, fill: float) -> np.ndarray:
    h, w = arr.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(arr, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=fill)


def _jpeg_roundtrip(arr: np.ndarray, quality: int) -> np.ndarray:
    ok, encoded = cv2.imencode(".jpg", np.clip(arr, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    decoded = cv2.imdecode(encoded, cv2.IMREAD_GRAYSCALE)
    assert decoded is not None
    return decoded.astype(np.float32)


def _smooth_field(shape: tuple[int, int], rng: np.random.Generator, cells: int) -> np.ndarray:
    """Low-frequency noise in [0, 1]: random values on a coarse grid, upscaled smoothly."""
    h, w = shape
    coarse = rng.random((cells, max(2, round(cells * w / h)))).astype(np.float32)
    field = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)
    return np.clip(field, 0, 1)


def _lighting(shape: tuple[int, int], rng: np.random.Generator, strength: float) -> np.ndarray:
    """Multiplicative light field: a linear gradient plus a shadow band along one edge (book spine, lid)."""
    h, w = shape
    # Computed on a 1/8 grid and upscaled: the field is smooth, and full resolution costs seconds.
    gh, gw = max(2, h // 8), max(2, w // 8)
    yy, xx = np.mgrid[0:gh, 0:gw].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = np.cos(angle) * xx / gw + np.sin(angle) * yy / gh
    ramp = (ramp - ramp.min()) / (ramp.max() - ramp.min() + 1e-6)
    light = 1.0 - strength * 0.45 * ramp
    edge = int(rng.integers(0, 4))
    distance = [xx, gw - xx, yy, gh - yy][edge] / (gw if edge < 2 else gh)
    light *= 1.0 - strength * 0.55 * np.exp(-distance / rng.uniform(0.04, 0.09))
    return cv2.resize(light, (w, h), interpolation=cv2.INTER_LINEAR)


def _salt_and_pepper(arr: np.ndarray, rng: np.random.Generator, amount: float) -> np.ndarray:
    mask = rng.random(arr.shape)
    arr = arr.copy()
    arr[mask < amount / 2] = 0
    arr[mask > 1 - amount / 2] = 255
    return arr


def _perspective(arr: np.ndarray, rng: np.random.Generator, amount: float, fill: float) -> np.ndarray:
    h, w = arr.shape
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    jitter = rng.uniform(-amount, amount, (4, 2)) * np.array([w, h], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(src, (src + jitter).astype(np.float32))
    return cv2.warpPerspective(arr, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=fill)


MILD_BLUR = (0.5, 0.8)  # Gaussian sigma range, px at 300 DPI


def _degrade_mild(arr: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    paper = rng.uniform(238, 250)
    arr = arr * (paper / 255.0)
    arr = _rotate(arr, rng.uniform(0.3, 1.0) * rng.choice([-1, 1]), paper)
    arr = cv2.GaussianBlur(arr, (0, 0), rng.uniform(MILD_BLUR[0], MILD_BLUR[1]))
    return arr + rng.normal(0, 2.5, arr.shape).astype(np.float32)  # an office scanner's sensor noise


HEAVY_LIGHTING = 0.75  # shadow/gradient depth: calibrated to ~30% CER for plain Tesseract (findings.md: 34%)


def _degrade_heavy(arr: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    paper = rng.uniform(225, 242)
    arr = arr * (paper / 255.0)
    arr = _rotate(arr, rng.uniform(2.6, 3.4) * rng.choice([-1, 1]), paper)
    arr = arr * _lighting(arr.shape, rng, strength=HEAVY_LIGHTING)
    arr = cv2.GaussianBlur(arr, (0, 0), rng.uniform(0.9, 1.2))
    arr = arr + rng.normal(0, 9, arr.shape).astype(np.float32)
    arr = _salt_and_pepper(arr, rng, 0.002)
    return _jpeg_roundtrip(arr, 40)


PHOTOCOPY_TONER = (0.8, 0.34)  # weakest toner share, ink threshold: calibrated to ~13% naive CER


def _degrade_photocopy(arr: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w = arr.shape
    ink = (255.0 - arr) / 255.0
    # Thin strokes: erode the ink, then lose it where the toner field is weak, so strokes break.
    ink = cv2.erode(ink, np.ones((2, 2), np.uint8))  # type: ignore[assignment]
    toner = PHOTOCOPY_TONER[0] + (1 - PHOTOCOPY_TONER[0]) * _smooth_field((h, w), rng, 40)
    ink = (cv2.GaussianBlur(ink * toner, (0, 0), 0.8) > PHOTOCOPY_TONER[1]).astype(np.float32)
    background = rng.uniform(190, 210) + 12 * (_smooth_field((h, w), rng, 8) - 0.5)
    dark = rng.uniform(45, 70)  # contrast loss: black prints as dark grey
    arr = background - (background - dark) * ink
    # Toner speckle: small dark dots all over, a third of them crowded near the edges (dirty glass, lid).
    count = round(rng.uniform(1800, 2800) * h * w / (2480 * 3508))
    xs, ys = rng.random(count), rng.random(count)
    near_edge = rng.random(count) < 0.35
    xs[near_edge] = np.where(rng.random(near_edge.sum()) < 0.5, 1, -1) * rng.beta(1, 12, near_edge.sum()) % 1.0
    radii = rng.choice([1, 1, 2, 2, 3], count)
    for y, x, r in zip(ys * (h - 1), xs * (w - 1), radii):
        cv2.circle(arr, (int(x), int(y)), int(r), float(rng.uniform(40, 120)), -1)
    arr = cv2.GaussianBlur(arr, (0, 0), 0.6)
    arr = _rotate(arr, rng.uniform(-0.6, 0.6), float(background.mean()))
    if rng.random() < 0.5:
        # The copier saw past the sheet: a dark band with a soft inner edge down one side.
        band = mm_to_px(rng.uniform(1.5, 5.0)) * w / 2480
        distance = np.arange(w, dtype=np.float32) if rng.random() < 0.5 else np.arange(w, dtype=np.float32)[::-1]
        shade = 1 / (1 + np.exp(np.clip((distance - band) / 3.0, -50, 50)))
        arr = arr - (arr - rng.uniform(25, 60)) * shade[None, :]
    return arr + rng.normal(0, 3, arr.shape).astype(np.float32)


def _degrade_lowres(arr: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    paper = rng.uniform(228, 245)
    arr = arr * (paper / 255.0)
    arr = arr * (1.0 - 0.12 * _smooth_field(arr.shape, rng, 3))
    arr = _perspective(arr, rng, 0.012, paper * 0.9)
    arr = cv2.GaussianBlur(arr, (0, 0), rng.uniform(2.5, 3.5))
    width = round(arr.shape[1] * rng.uniform(580, 640) / mm_to_px(A4_MM[0]))  # ~72 DPI
    height = round(width * arr.shape[0] / arr.shape[1])
    arr = cv2.resize(arr, (width, height), interpolation=cv2.INTER_AREA)
    arr = arr + rng.normal(0, 3, arr.shape).astype(np.float32)
    return _jpeg_roundtrip(arr, int(rng.integers(40, 56)))


_DEGRADERS = {
    "mild": _degrade_mild,
    "heavy": _degrade_heavy,
    "photocopy": _degrade_photocopy,
    "lowres": _degrade_lowres,
}


def profile_rng(profile: str, seed: int, page_number: int) -> np.random.Generator:
    """Deterministic per (profile, seed, page): crc32 of the name, not hash(), which varies per process."""
    return np.random.default_rng([seed, zlib.crc32(profile.encode()), page_number])


def degrade(image: Image.Image, profile: str, rng: np.random.Generator) -> Image.Image:
    """Apply a scan profile to a clean page (mode L). ``lowres`` also shrinks it to ~72 DPI."""
    if profile not in PROFILES:
        raise SampleError(f"unknown profile '{profile}'; expected one of {', '.join(PROFILES)}")
    if profile == "clean":
        return image.copy()
    arr = np.asarray(image.convert("L"), dtype=np.float32)
    out = _DEGRADERS[profile](arr, rng)
    return Image.fromarray(np.clip(out, 0, 255).round().astype(np.uint8), mode="L")


def render_document(
    text: str, profile: str = "clean", seed: int = 0, max_pages: int | None = None
) -> list[RenderedPage]:
    """Render a Decree-30 style text to degraded A4 pages, each with the exact text drawn on it."""
    pages = compose_pages(derive_structure(text), seed=seed, max_pages=max_pages)
    for page in pages:
        page.image = degrade(page.image, profile, profile_rng(profile, seed, page.number))
    return pages


# --------------------------------------------------------------------------------------------------
# 5. Output
# --------------------------------------------------------------------------------------------------

# Quality when a page is stored as JPEG (also inside PDF and TIFF); heavy and lowres were already
# JPEG-compressed by their profile at about this quality, so storing them adds little loss.
JPEG_QUALITY = {"clean": 90, "mild": 70, "heavy": 40, "photocopy": 60, "lowres": 60}


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def encode_pages(pages: list[RenderedPage], fmt: str, profile: str) -> bytes:
    """Pages as one file's bytes: PDF and TIFF hold every page, PNG and JPEG exactly one."""
    # Copies: Pillow leaves a save's options on appended images, which would leak into the next format.
    images = [p.image.copy() for p in pages]
    dpi = (pages[0].dpi, pages[0].dpi)
    buffer = io.BytesIO()
    quality = JPEG_QUALITY.get(profile, 85)
    if fmt == "pdf":
        # No creation/modification dates: the same pages give byte-identical files.
        images[0].save(
            buffer,
            "PDF",
            save_all=True,
            append_images=images[1:],
            resolution=float(dpi[0]),
            quality=quality,
            creationDate=None,
            modDate=None,
        )
    elif fmt == "tiff":
        # JPEG-in-TIFF, as scanners write greyscale multi-page TIFF; Deflate would be ~10x larger on noise.
        images[0].save(
            buffer, "TIFF", save_all=True, append_images=images[1:], dpi=dpi, compression="jpeg", quality=quality
        )
    elif fmt in ("png", "jpg"):
        if len(images) != 1:
            raise SampleError(f"{fmt} holds one page; got {len(images)}")
        if fmt == "png":
            images[0].save(buffer, "PNG", dpi=dpi)
        else:
            images[0].save(buffer, "JPEG", dpi=dpi, quality=quality)
    else:
        raise SampleError(f"unknown format '{fmt}'; expected one of {', '.join(FORMATS)}")
    return buffer.getvalue()


def write_sample(
    pages: list[RenderedPage], out_dir: Path, name: str, profile: str, fmt: str, truth_dir: Path | None = None
) -> list[Path]:
    """Write ``<name>.<profile>.<fmt>`` (PNG/JPEG: one file per page, ``.p0001`` before the suffix when the
    document has several pages) and ``<truth_dir>/<name>.<profile>.p0001.txt`` per page. Returns the files."""
    written: list[Path] = []
    if fmt in ("pdf", "tiff"):
        path = out_dir / f"{name}.{profile}.{fmt}"
        _atomic_write(path, encode_pages(pages, fmt, profile))
        written.append(path)
    else:
        for page in pages:
            stem = f"{name}.{profile}" + (f".p{page.number:04d}" if len(pages) > 1 else "")
            path = out_dir / f"{stem}.{fmt}"
            _atomic_write(path, encode_pages([page], fmt, profile))
            written.append(path)
    write_truth(pages, truth_dir if truth_dir is not None else out_dir / "truth", name, profile)
    return written


def truth_path(truth_dir: Path, name: str, profile: str, page_number: int) -> Path:
    return truth_dir / f"{name}.{profile}.p{page_number:04d}.txt"


def write_truth(pages: list[RenderedPage], truth_dir: Path, name: str, profile: str) -> None:
    for page in pages:
        _atomic_write(truth_path(truth_dir, name, profile, page.number), page.truth_text.encode("utf-8"))


def render_folder(
    seeds: Path,
    out: Path,
    profiles: list[str],
    formats: list[str],
    max_pages: int | None,
    seed: int,
    truth_dir: Path | None,
) -> int:
    """Render every ``*.txt`` under ``seeds``; texts that are not clean Vietnamese are skipped with a note."""
    count = 0
    for source in sorted(seeds.glob("*.txt")):
        text = source.read_text(encoding="utf-8-sig")
        for profile in profiles:
            try:
                pages = render_document(text, profile, seed=seed, max_pages=max_pages)
            except SampleError as err:
                print(f"{source}: skipped: {err}", file=sys.stderr)
                break
            for fmt in formats:
                for path in write_sample(pages, out, source.stem, profile, fmt, truth_dir):
                    print(path)
                    count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.testing.samples", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, required=True, help="folder of Decree-30 style .txt documents")
    parser.add_argument("--out", type=Path, required=True, help="folder for the rendered scans")
    parser.add_argument("--truth", type=Path, default=None, help="folder for page truth (default OUT/truth)")
    parser.add_argument("--profiles", default="clean,mild,heavy,photocopy", help=f"comma list of {','.join(PROFILES)}")
    parser.add_argument("--formats", default="pdf", help=f"comma list of {','.join(FORMATS)}")
    parser.add_argument("--max-pages", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    profiles = [p for p in args.profiles.split(",") if p]
    formats = [f for f in args.formats.split(",") if f]
    bad = [p for p in profiles if p not in PROFILES] + [f for f in formats if f not in FORMATS]
    if bad:
        parser.error(f"unknown profile or format: {', '.join(bad)}")
    if not args.seeds.is_dir():
        parser.error(f"{args.seeds}: not a folder")
    render_folder(args.seeds, args.out, profiles, formats, args.max_pages, args.seed, args.truth)
    return 0


if __name__ == "__main__":
    sys.exit(main())
