"""Text clean-up and keyword matching shared by the parser's parts.

The parser reads the document *form*, and OCR garbles the form's keywords ("Noi nhgn", "S6:", "KE HOACH").
So every line carries a ``key``: the same text folded to accent-free lower case, one character for one
character, so a match found on the key slices the original text at the same offsets. Values the parser
emits are always cut from the original text (only whitespace and markdown debris are removed).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from operator import ne
from typing import Any, TypeVar

from rapidfuzz.distance import Levenshtein

T = TypeVar("T")


def guarded(stage: str, warnings: list[str], default: Any, func: Callable[..., T], *args: Any) -> T:
    """Run one part of the parser; a bug in it costs that part's fields and a warning, never the record."""
    try:
        return func(*args)
    except Exception as exc:  # noqa: BLE001 - the archive run must go on; the warning names the failure
        warnings.append(f"parser: {stage} failed ({type(exc).__name__}: {exc})"[:300])
        return default


# Look-alikes OCR produces for letters of the form's keywords (applied to keys only, for matching).
LOOK_ALIKES = str.maketrans(
    {
        "0": "o",
        "6": "o",
        "q": "o",
        "1": "l",
        "|": "l",
        "!": "l",
        "5": "s",
        "$": "s",
        "@": "d",
        "4": "a",
        "&": "a",
        "w": "u",
        "ư": "u",
        "8": "b",
    }
)

TERMINAL_PUNCT = ".;:!?…"
DASH_CHARS = "-–—−•+*"


@lru_cache(maxsize=4096)
def fold_char(char: str) -> str:
    """One character → its accent-free lower-case base (đ → d); never changes the length."""
    if char in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", char)[0]
    lower = base.lower()
    return lower if len(lower) == 1 else base


def fold(text: str) -> str:
    """Accent-free lower-case key of ``text``, same length and offsets as ``text``."""
    return "".join(map(fold_char, text))


def look_alike(key: str) -> str:
    """Fold OCR look-alike characters of a key (only for comparing keywords, never for values)."""
    return key.translate(LOOK_ALIKES)


def letters_only(key: str) -> str:
    return re.sub(r"[^a-z ]+", "", key).strip()


def starts_like(key: str, keyword: str, max_edits: int = 1) -> bool:
    """True when ``key`` begins with ``keyword`` allowing ``max_edits`` OCR edits (look-alikes free)."""
    head = look_alike(key.lstrip(" -*#>"))
    word = look_alike(keyword)
    if head.startswith(word):
        return True
    if max_edits == 0 or len(head) < len(word) - max_edits:
        return False
    for extra in range(-max_edits, max_edits + 1):
        cut = len(word) + extra
        if cut <= 0:
            continue
        if Levenshtein.distance(head[:cut], word, score_cutoff=max_edits) <= max_edits:
            # the keyword must end at a word boundary, or "so" would match "sở"
            if cut >= len(head) or not head[cut].isalnum() or not word[-1].isalnum():
                return True
    return False


def upper_ratio(text: str) -> float:
    """Share of upper-case letters among the letters of ``text`` (0 when it has none)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if c.isupper()) / len(letters)


def is_upper_line(text: str, threshold: float = 0.85) -> bool:
    letters = sum(1 for c in text if c.isalpha())
    return letters >= 2 and upper_ratio(text) >= threshold


def collapse(text: str) -> str:
    """Whitespace runs → one space, ends stripped."""
    return " ".join(text.split())


def has_marks(lines: list[Line]) -> bool:
    """Does the text carry Vietnamese marks (at least 2% of its letters differ from their fold)? A text without
    them was never restored: repairs against spelt tables would mix spellings in it."""
    letters = marked = 0
    for line in lines:
        if letters >= 20000 or marked >= 200:
            break  # enough of the text seen to tell
        lower = line.text.lower()
        if len(lower) == len(line.key):
            letters += sum(map(str.isalpha, lower))
            marked += sum(map(ne, lower, line.key))  # the key folds letters only: differences are marks
    return letters > 0 and marked >= 0.02 * letters


# --- clean-up -------------------------------------------------------------------------------------------

# control characters, zero-width marks, replacement characters and lone surrogates (undecodable bytes
# read with errors="surrogateescape" cannot be written as UTF-8 JSON)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff\ufffd\ud800-\udfff]")
MD_HEADING = re.compile(r"^\s*#{1,6}\s+")
MD_BOLD = re.compile(r"\*\*|__")
MD_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]{1,200}?)(?<=\S)\*(?![\w*])")
MD_QUOTE = re.compile(r"^\s*>\s?")
SEPARATOR = re.compile(r"^\s*([-_=*~—–.·•]\s*){3,}$")
PAGE_NUMBER = re.compile(r"^\s*(?:[-–—]\s*)?(?:(?:trang|page)\s*)?\d{1,3}(?:\s*/\s*\d{1,3})?\s*(?:[-–—]\s*)?$", re.I)
HTML_BREAK = re.compile(r"<br\s*/?>", re.I)
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


@dataclass
class Line:
    """One cleaned line: ``text`` keeps inner spacing (column gaps matter); ``key`` is its fold."""

    number: int  # 1-based line number in the input text
    text: str
    key: str
    separator: bool = False  # a rule line ("-----", "___"), blank for content but a boundary
    emphasis: tuple[str, ...] = ()  # texts that were *emphasised* on this line (OCR debris candidates)

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def flat(self) -> str:
        return collapse(self.text)


def strip_markdown(text: str) -> tuple[str, tuple[str, ...]]:
    """Remove markdown debris (###, **, *x*, > quote); return the text and the emphasised pieces."""
    text = MD_HEADING.sub("", text)
    text = MD_QUOTE.sub("", text)
    text = MD_BOLD.sub("", text)
    emphasised = tuple(m.group(1) for m in MD_EMPHASIS.finditer(text))
    text = MD_EMPHASIS.sub(r"\1", text)
    return text, emphasised


LEADING_SPECKS = re.compile(r"^(?:[.,;:'\"_|~`^¡!‘’·¬]+\s+(?=\S)|[-–]?[_¬`~|]+[-–]?\s*(?=\S))")
LABEL_AHEAD = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*[.)]|[IVX]{1,5}\.|[a-zđ]\))\s")


def strip_leading_specks(text: str) -> str:
    """ ". Căn cứ …", "-_2. Mục tiêu", "_- 100% …": scan specks before the first word go; a dash among them
    stays a dash item unless a heading label follows."""
    match = LEADING_SPECKS.match(text)
    if not match:
        return text
    rest = text[match.end() :]
    if "-" in match.group() or "–" in match.group():
        return rest if LABEL_AHEAD.match(rest) else "- " + rest
    return rest


def clean_lines(text: str) -> list[Line]:
    """Split ``text`` into cleaned lines; page numbers, running headers and rules become blank lines,
    nothing is reordered."""
    text = unicodedata.normalize("NFC", text)
    # a form feed (page break) becomes a line of its own, so page tops are known; it reads as a blank line
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\f\n").replace("\t", "   ")
    text = text.replace("\u00a0", " ").replace("\u3000", " ")
    text = HTML_BREAK.sub("   ", text)  # "<br>" inside a markdown table cell separates two printed lines
    lines: list[Line] = []
    page_breaks: list[int] = [0]  # indexes in ``lines`` where a page begins
    for number, raw in enumerate(text.split("\n"), start=1):
        if raw == "\f":
            page_breaks.append(len(lines))
            lines.append(Line(number, "", ""))
            continue
        raw = CONTROL.sub("", raw).rstrip()
        if SEPARATOR.match(raw) or TABLE_RULE.match(raw) and "|" in raw:
            lines.append(Line(number, "", "", separator=True))
            continue
        cleaned, emphasised = strip_markdown(raw)
        if PAGE_NUMBER.match(cleaned):
            if cleaned.strip():
                page_breaks.append(len(lines) + 1)  # a page number stands at a page's foot or head
            cleaned = ""
        cleaned = strip_leading_specks(cleaned.lstrip())
        cleaned = cleaned.rstrip()
        lines.append(Line(number, cleaned, fold(cleaned), emphasis=emphasised))
    blank_running_heads(lines, page_breaks)
    blank_signature_boxes(lines)
    blank_received_stamps(lines)
    return lines


# The visible face of a PDF's digital signature, stamped on page 1 by the publishing portal ("TRUNG TÂM CÔNG BÁO
# VÀ TIN HỌC / ttcbth@… / 07.01.2025 10:44:25 +07:00 / Ký bởi: … / Cơ quan: … / Thời gian ký: …"), and OCR's
# reading of it: not the document's text (pipeline.load records it as an overlay when it can).
BOX_ANCHOR = re.compile(
    r"^(?:(?:ky boi|nguoi ky|thoi gian ky|ngay ky)\s*:|\S+@\S+\.\S+$|\d{2}[./]\d{2}[./]\d{4} \d{2}:\d{2}(?::\d{2})?$"
    r"|\+\d{2}:\d{2}$)"
)
BOX_LINE = re.compile(
    r"^(?:(?:ky boi|nguoi ky|thoi gian ky|ngay ky|co quan|email|dia chi|to chuc)\s*:"
    r"|\S+@\S+\.\S+$"  # the portal's e-mail address
    r"|[\d.:/ +-]{8,}$"  # its signing time ("07.01.2025 10:44:25", "+07:00")
    r"|\+\d{2}:\d{2}$"
    r"|(?:trung tam )?cong(?: bao)?(?: va tin hoc)?$|bao va tin hoc$|trung tam cong bao.*"
    r"|cong thong tin dien tu chinh phu$)"
)
BOX_REACH = 6


# A received stamp ("CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ / ĐẾN / Số: … Ngày: … Giờ: …") read into the header
STAMP_ANCHOR = re.compile(r"^\W*den\W*$")
STAMP_LINE = re.compile(
    r"^\W*(?:den|cong thong tin dien tu chinh phu|cv den|cong van den)\W*$|^(?:so|ngay|gio|chuyen)\s*:?[\d\s/.:,-]*$"
)
STAMP_REACH = 6  # lines, blank ones included


def blank_received_stamps(lines: list[Line]) -> None:
    for anchor in [i for i, line in enumerate(lines) if STAMP_ANCHOR.match(line.key.strip())]:
        for index in range(max(0, anchor - STAMP_REACH), min(len(lines), anchor + STAMP_REACH + 1)):
            line = lines[index]
            if not line.blank and STAMP_LINE.match(collapse(line.key)):
                lines[index] = Line(line.number, "", "")


def blank_signature_boxes(lines: list[Line]) -> None:
    """Blank the lines of an e-signature box: the lines around a 'Ký bởi:' / 'Người ký:' / 'Thời gian ký:' line
    that read as such a box does (its other labels, the portal's name, e-mail address and signing time)."""
    anchors = [i for i, line in enumerate(lines) if BOX_ANCHOR.match(collapse(line.key))]
    for anchor in anchors:
        for index in range(max(0, anchor - BOX_REACH), min(len(lines), anchor + BOX_REACH + 1)):
            line = lines[index]
            if not line.blank and BOX_LINE.match(collapse(line.key)):
                lines[index] = Line(line.number, "", "")


RUNNING_HEAD_LINES = 2  # a running header takes at most this many lines at the top of a page


def page_top_lines(lines: list[Line], page_breaks: list[int]) -> list[int]:
    """Indexes of the first non-blank lines after each page break (the start of the text is one)."""
    tops: list[int] = []
    for start in sorted(set(page_breaks)):
        taken = 0
        for index in range(start, len(lines)):
            if taken >= RUNNING_HEAD_LINES:
                break
            if not lines[index].blank:
                tops.append(index)
                taken += 1
    return tops


def running_head_key(text: str) -> str:
    """Same key for the same running header on every page: page and issue numbers may change."""
    return re.sub(r"\d+", "0", fold(collapse(text)))


TRAILING_PAGE = re.compile(r"\s(\d{1,4})$")
RUNNING_HEAD_GAP = 15  # lines between two printings of a running header (a page holds far more)


def blank_numbered_running_heads(lines: list[Line]) -> None:
    """A running header carrying its page number ('CÔNG BÁO/Số 05 + 06/Ngày 20-01-2026   27'), found
    without knowing where pages begin (pages joined by blank lines): the same line printed again at least
    a page further on, its last number grown by one each time."""
    seen: dict[str, list[tuple[int, int]]] = {}
    for index, line in enumerate(lines):
        flat = collapse(line.text)
        match = TRAILING_PAGE.search(flat)
        if not match or len(flat) < 15 or "|" in flat or LABEL_AHEAD.match(flat + " ") or flat[:1] in DASH_CHARS:
            continue
        seen.setdefault(running_head_key(flat), []).append((index, int(match.group(1))))
    for printings in seen.values():
        if len(printings) < 2:
            continue
        steps = zip(printings, printings[1:])
        if all(b[0] - a[0] >= RUNNING_HEAD_GAP and b[1] == a[1] + 1 for a, b in steps):
            for index, _ in printings:
                lines[index] = Line(lines[index].number, "", "")


HEADER_TITLES = re.compile(r"cong hoa xa hoi chu nghia viet nam|doc lap\W+tu do\W+hanh phuc|dang cong san viet nam")


def blank_running_heads(lines: list[Line], page_breaks: list[int]) -> None:
    """A line printed at the top of two or more pages ('Báo cáo … - BQLDA huyện X', 'CÔNG BÁO/Số 45/…')
    is a running header, not text: it becomes a blank line. Only page tops are compared, so a sentence
    that recurs inside the text is never touched."""
    blank_numbered_running_heads(lines)
    if len(page_breaks) < 2:
        return
    seen: dict[str, list[int]] = {}
    for index in set(page_top_lines(lines, page_breaks)):
        text = lines[index].text
        if HEADER_TITLES.search(lines[index].key):
            continue  # a page that opens with the national title begins a document (a file holding several)
        if len(collapse(text)) >= 8 and not LABEL_AHEAD.match(collapse(text) + " "):
            seen.setdefault(running_head_key(text), []).append(index)
    for indexes in seen.values():
        if len(indexes) >= 2:
            for index in indexes:
                lines[index] = Line(lines[index].number, "", "")
