"""Body of a document: preamble bases, the section tree, the closing paragraph.

Lines are first re-flowed into blocks (paragraphs) across hard line breaks and page breaks, then each
block is placed: a base ("Căn cứ…"), a heading (I. / 1. / 1.1. / a) / Phần / Chương / Mục / Điều), a
paragraph of the current section (dash items included), a table row, or the closing ("Trên đây là…").
Headings are kept as printed even when the original numbers them wrongly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Section
from .lines import (
    TERMINAL_PUNCT,
    Line,
    collapse,
    fold,
    is_upper_line,
    look_alike,
    starts_like,
)

CLOSING_BREAKERS = ("annex", "part", "chapter", "mục", "upper", "roman")
BASES_KEYS = (
    "can cu",
    "thuc hien",
    "theo de nghi",
    "xet de nghi",
    "theo de xuat",
    "xet to trinh",
    "theo chi dao",
    "xet tinh hinh",
    "trien khai",
    "theo",
    "xet",
)
CLOSING_KEY = "tren day"

# Label kinds from the outermost to the innermost; a heading nests under the nearest open heading of a
# lower rank, so missing levels ("1." directly under a title) and unusual orders still give a tree.
RANKS = {
    "annex": -1,
    "part": 0,
    "chapter": 1,
    "mục": 2,
    "upper": 3,
    "article": 4,
    "roman": 5,
    "arabic": 6,
    "arabic2": 7,
    "arabic3": 8,
    "arabic4": 9,
    "letter": 10,
}

ROMAN = r"(?:X{0,3})(?:IX|IV|V?I{0,3})"
LABELS: list[tuple[str, re.Pattern[str]]] = [
    (
        "annex",
        re.compile(r"^(?P<label>(?:PHỤ LỤC|Phụ lục)(?:\s+(?:[IVX]+|\d+|số\s*\d+))?)(?=$|\s*[.:\-–]?\s)\s*[.:\-–]?\s*"),
    ),
    (
        "part",
        re.compile(r"^(?P<label>(?:PHẦN|Phần)\s+(?:THỨ|thứ)\s+\S+|(?:PHẦN|Phần)\s+(?:[IVX]+|\d+))\b\s*[.:\-–]?\s*"),
    ),
    ("chapter", re.compile(r"^(?P<label>(?:CHƯƠNG|Chương)\s+(?:[IVX]+|\d+))\b\s*[.:\-–]?\s*")),
    ("mục", re.compile(r"^(?P<label>(?:MỤC|Mục)\s+(?:[IVX]+|\d+))\b\s*[.:\-–]?\s*")),
    ("article", re.compile(r"^(?P<label>(?:Điều|ĐIỀU)\s+\d+[a-z]?)\s*(?:[.:]|[-–](?=\s*[A-ZĐÀ-Ỹ]))?\s*")),
    ("roman", re.compile(rf"^(?P<label>{ROMAN})\s*(?:[.)/:]|[-–](?=\s))\s*(?=\S|$)")),
    # OCR reads "II." as "I1.", "Il." or "HH.": kept as printed, taken as roman only before a capital heading
    ("roman_ocr", re.compile(r"^(?P<label>[IVXH][IVXHl1]{1,4})\s*[.)]\s*(?=\S)")),
    ("arabic4", re.compile(r"^(?P<label>\d{1,2}\.\d{1,2}\.\d{1,2}\.\d{1,2})\.?\s+(?=\S)")),
    ("arabic3", re.compile(r"^(?P<label>\d{1,2}\.\d{1,2}\.\d{1,2})\.?\s+(?=\S)")),
    ("arabic2", re.compile(r"^(?P<label>\d{1,2}\.\d{1,2})\.?\s+(?=\S)")),
    ("arabic", re.compile(r"^(?P<label>\d{1,2})\s*[.)/](?:\s+(?=\S)|$)")),
    # Party style "1- Nội dung": only before a capital, so "20 - 30 người" stays text
    ("arabic_dash", re.compile(r"^(?P<label>\d{1,2})\s?[-–]\s+(?=[A-ZĐÀ-Ỹ])")),
    ("letter", re.compile(r"^(?P<label>[a-zđ])\s*[)/]\s*(?=\S)|^(?P<label2>[a-zđ])\.\s+(?=[A-ZĐÀ-Ỹ])")),
    ("upper", re.compile(r"^(?P<label>[A-HJ-UWYZĐ])\s*[.)]\s+(?=\S)")),
    # "C) Đẩy mạnh …": OCR capitalised a point's letter
    ("letter_ocr", re.compile(r"^(?P<label>[A-ZĐ])\)\s*(?=\S)")),
]
DASH = re.compile(r"^[-–—−•+*·]\s*(?=[^\d\s-])|^[-–—−•+*]\s+")


class Block:
    """One paragraph being re-flowed: its lines are kept as pieces (joined once at the end) and its letter
    case is counted as lines arrive, so a very long paragraph costs linear time."""

    def __init__(
        self, kind: str, text: str, label: str | None = None, label_kind: str | None = None, last_line: str = ""
    ):
        self.kind = kind  # "heading", "text", "dash", "table", "base", "closing", "addressee"
        self.label = label
        self.label_kind = label_kind
        self.last_line = last_line
        self.pieces = [text]
        self.letters = self.uppers = 0
        self.count_case(text)

    def count_case(self, text: str) -> None:
        for char in text:
            if char.isalpha():
                self.letters += 1
                self.uppers += char.isupper()

    @property
    def text(self) -> str:
        if len(self.pieces) > 1:
            self.pieces = ["".join(self.pieces)]
        return self.pieces[0]

    @property
    def upper(self) -> bool:
        """Same test as lines.is_upper_line on the whole block."""
        return self.letters >= 2 and self.uppers / self.letters >= 0.85

    def add(self, line: str) -> None:
        previous = self.last_line
        hyphenated = previous.endswith("-") and not previous.endswith(" -") and line[:1].islower()
        self.pieces.append(line if hyphenated or not (self.pieces[-1] or len(self.pieces) > 1) else " " + line)
        self.count_case(line)
        self.last_line = line


@dataclass
class Body:
    bases: list[str]
    preamble: list[str]
    sections: list[Section]
    closing: str | None
    addressees: list[str] = field(default_factory=list)


def match_label(text: str) -> tuple[str, str, str] | None:
    """(kind, label as printed, rest of the line) when the line starts with a heading label."""
    for kind, pattern in LABELS:
        match = pattern.match(text)
        if not match:
            continue
        label = match.group("label") or (match.groupdict().get("label2") or "")
        if not label:
            continue
        rest = text[match.end() :].strip()
        if kind == "upper" and not is_upper_line(rest):
            continue  # "A. Nguyễn …" is not a part heading; "A. KẾT QUẢ …" is
        if kind == "roman_ocr":
            if not is_upper_line(rest):
                continue
            kind = "roman"
        if kind == "letter_ocr":
            kind = "letter"
        if kind == "arabic_dash":
            kind = "arabic"
        return kind, collapse(label), rest
    return None


def is_table_row(text: str) -> bool:
    return text.count("|") >= 2


def table_row(text: str) -> str:
    cells = [collapse(c) for c in text.strip().strip("|").split("|")]
    return " | ".join(cells)


def starts_base(line_key: str, text: str) -> bool:
    if not text[:1].isupper():
        return False
    return any(starts_like(line_key, key, 1 if len(key) > 6 else 0) for key in BASES_KEYS[:9])


def starts_closing(line_key: str, text: str) -> bool:
    return text[:1].isupper() and starts_like(line_key, CLOSING_KEY, 1)


def wrap_width(lines: list[Line]) -> int:
    """Typical full-line width: hard-wrapped text has most lines near it; a short heading line is below it."""
    lengths = sorted(len(line.flat) for line in lines if not line.blank)
    if not lengths:
        return 80
    return lengths[int(len(lengths) * 0.75)]


def classify(line: Line) -> Block:
    text = line.flat
    if is_table_row(text):
        return Block("table", table_row(text), last_line=text)
    found = match_label(text)
    if found:
        kind, label, rest = found
        return Block("heading", rest, label=label, label_kind=kind, last_line=text)
    if DASH.match(text):
        rest = DASH.sub("", text)
        if starts_base(key_of(rest), rest):
            return Block("base", text, last_line=text)  # Party style "- Căn cứ Điều lệ Đảng;"
        return Block("dash", text, last_line=text)
    if starts_closing(line.key.lstrip(), text):
        return Block("closing", text, last_line=text)
    if text[:1].isupper() and starts_like(line.key.lstrip(), "kinh gui", 1):
        return Block("addressee", text, last_line=text)
    if starts_base(line.key.lstrip(), text):
        return Block("base", text, last_line=text)
    return Block("text", text, last_line=text)


def is_structural(block: Block) -> bool:
    return block.kind != "text"


def should_join(previous: Block, line: Line, gap: bool, width: int) -> bool:
    """Does ``line`` continue ``previous`` across a hard line break (or a blank line / page break)?"""
    if previous.kind == "table":
        return False
    text = line.flat
    first = text[:1]
    tail = previous.last_line.rstrip()
    ends_terminal = tail.endswith(tuple(TERMINAL_PUNCT)) or tail.endswith("./.")
    if first.islower():
        return not (previous.kind == "heading" and ends_terminal and gap)
    if first.isdigit() or first in "(“\"'‘«[":
        return not ends_terminal
    if ends_terminal:
        return False
    if previous.upper and not is_upper_line(text):
        return False  # a capital line (a heading, "QUYẾT ĐỊNH") does not run on into mixed-case text
    if previous.kind == "base" and tail.endswith(","):
        return False  # the last base ends with ',' and the enacting sentence follows ("Ủy ban nhân dân … như sau:")
    if previous.kind == "heading":
        if previous.upper:
            # a capital heading goes on only in capitals ("II. NỘI DUNG" / "TUYÊN TRUYỀN")
            return is_upper_line(text) and not gap and previous.label_kind != "article"
        # a wrapped heading fills the line; a short one is followed by its own text
        return width >= 60 and len(previous.last_line) >= 0.85 * width and not gap
    return True


BARE_ROW = re.compile(r"^(?P<n>\d{1,3})\s+(?=[A-ZĐÀ-Ỹ])")
ROW_HEAD = re.compile(r"^S?TT\s+[A-ZĐÀ-Ỹ]")


def bare_table_rows(lines: list[Line]) -> set[int]:
    """Indexes of table rows as OCR reads a table without rules: a bare number and the cells ('1 Tuyên
    truyền … Tháng 5 Hội Nông dân xã'), numbered in sequence with a neighbouring row, and the 'TT …' /
    'STT …' row of column names above the first. Such rows are not one paragraph run together."""
    content = [i for i, line in enumerate(lines) if not line.blank]
    numbers = {}
    for i in content:
        match = BARE_ROW.match(lines[i].flat)
        if match:
            numbers[i] = int(match.group("n"))
    rows: set[int] = set()
    for position, i in enumerate(content):
        if i not in numbers:
            continue
        before = content[position - 1] if position else None
        after = content[position + 1] if position + 1 < len(content) else None
        if (after in numbers and numbers[after] == numbers[i] + 1) or (
            before in numbers and numbers[before] == numbers[i] - 1
        ):
            rows.add(i)
            if before is not None and before not in numbers and ROW_HEAD.match(lines[before].flat):
                rows.add(before)
    return rows


def reflow(lines: list[Line]) -> list[Block]:
    """Join hard-wrapped lines into blocks; every structural start (label, dash, base…) opens a new block."""
    width = wrap_width(lines)
    rows = bare_table_rows(lines)
    blocks: list[Block] = []
    gap = False
    for index, line in enumerate(lines):
        if line.blank:
            gap = True
            continue
        if index in rows:
            blocks.append(Block("table", line.flat, last_line=line.flat))
            gap = False
            continue
        block = classify(line)
        if blocks and not is_structural(block) and should_join(blocks[-1], line, gap, width):
            blocks[-1].add(line.flat)
        else:
            blocks.append(block)
        gap = False
    return blocks


def split_heading(kind: str, text: str) -> tuple[str | None, list[str]]:
    """A labelled line is a heading ('1. Mục đích'), a heading with its text ('a) Phòng X: chủ trì …'), or
    a numbered paragraph ('1. Tuyên truyền … quốc gia.')."""
    text = text.strip()
    if not text:
        return None, []
    if is_upper_line(text, 0.8):
        return text.rstrip(" .:¡!|~_"), []
    if len(text) <= 150 and not text.endswith((".", ";", "./.")):
        return text.rstrip(" :¡!|~_"), []
    if text.endswith(":") and len(text) <= 400:
        return text.rstrip(" :"), []  # a lead-in to the items below it
    if kind in ("annex", "part", "chapter", "mục"):
        return text, []
    return None, [text]


def promote_headings(section: Section) -> None:
    """A numbered paragraph that has sub-items ('4. Đề nghị … cộng đồng.' then a), b)…) is their heading."""
    if section.heading is None and section.children and len(section.paragraphs) == 1:
        section.heading = section.paragraphs[0].rstrip(" .:")
        section.paragraphs = []
    for child in section.children:
        promote_headings(child)


def drop_empty_tail(sections: list[Section]) -> None:
    """A last section with neither heading, text nor subsections (a stray label after the body: '1.' or 'II.'
    left by OCR at a page foot) is no section."""
    while sections:
        last = sections[-1]
        drop_empty_tail(last.children)
        if last.heading or last.paragraphs or last.children:
            return
        sections.pop()


def trim_closing(text: str) -> str:
    """The body ends at './.': what follows on the line is signature debris ('./. thanh')."""
    end = text.find("./.")
    return text[: end + 3] if end >= 0 else text


def build_body(lines: list[Line]) -> Body:
    blocks = reflow(lines)
    bases: list[str] = []
    preamble: list[str] = []
    roots: list[Section] = []
    stack: list[tuple[int, Section]] = []
    closing_parts: list[str] = []
    in_closing = False
    pending_heading: Section | None = None  # "Chương I" whose heading is on the next line
    pending_kind = ""
    addressees: list[str] = []
    in_addressees = False
    root_kinds: set[str] = set()
    for block in blocks:
        if block.kind == "addressee" and not stack:
            rest = block.text.split(":", 1)[1] if ":" in block.text else block.text[8:]
            addressees.extend(split_addressees(rest))
            in_addressees = True
            continue
        if in_addressees and block.kind == "dash":
            addressees.extend(split_addressees(block.text))
            continue
        in_addressees = False
        if in_closing:
            # a heading of the outer levels after "Trên đây …" means that paragraph closed a part, not the body
            if block.kind == "heading" and (block.label_kind in CLOSING_BREAKERS or block.label_kind in root_kinds):
                in_closing = False
                (stack[-1][1].paragraphs if stack else preamble).extend(closing_parts)
                closing_parts = []
            else:
                closing_parts.append(block.text if block.kind != "heading" else f"{block.label}. {block.text}")
                continue
        if block.kind == "closing":
            in_closing = True
            closing_parts.append(block.text)
            continue
        if pending_heading is not None:
            section, pending_heading = pending_heading, None
            capitals_only = pending_kind in ("annex", "part", "chapter", "mục")
            if block.kind == "text" and (is_upper_line(block.text) or not capitals_only):
                heading, paragraphs = split_heading("", block.text)
                section.heading = heading if heading is not None else None
                section.paragraphs.extend(paragraphs)
                continue
        if block.kind == "heading":
            heading, paragraphs = split_heading(block.label_kind or "", block.text)
            rank = RANKS[block.label_kind or "letter"]
            while stack and stack[-1][0] >= rank:
                stack.pop()
            section = Section(label=block.label, heading=heading, level=len(stack) + 1, paragraphs=paragraphs)
            if stack:
                stack[-1][1].children.append(section)
            else:
                roots.append(section)
                root_kinds.add(block.label_kind or "")
            stack.append((rank, section))
            if heading is None and not paragraphs:
                pending_heading = section  # "Chương I" / "I." alone: the heading is on the next line
                pending_kind = block.label_kind or ""
            continue
        text = block.text
        if not stack:
            if block.kind == "base":
                bases.append(DASH.sub("", text))  # Party style: "- Căn cứ Điều lệ Đảng;" without its dash
            else:
                preamble.append(text)
            continue
        stack[-1][1].paragraphs.append(text)
    for root in roots:
        promote_headings(root)
    drop_empty_tail(roots)
    closing = trim_closing("\n".join(closing_parts)) if closing_parts else None
    return Body(bases=bases, preamble=preamble, sections=roots, closing=closing, addressees=addressees)


def split_addressees(text: str) -> list[str]:
    """'Kính gửi: - A; - B.' → ['A', 'B'] (an addressee list on one line is dash-separated)."""
    items = re.split(r"(?:^|\s)[-–—•+]\s+", " " + text)
    out = []
    for item in items:
        item = re.sub(r"[\s;,.:]+$", "", collapse(item)).strip(" -")
        if item:
            out.append(item)
    return out


def key_of(text: str) -> str:
    return look_alike(fold(text))
