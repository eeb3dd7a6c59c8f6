"""Header of a Decree 30 / Party document: issuing body, national title and motto, number, place and date,
type name and subject line.

The header is two columns (issuer | national title) that OCR may print one under the other in either order,
merge into one line, or leave as stacked lines. So each header line is searched for the *parts* of the form
(title, motto, number, place-date, "V/v") wherever they sit; what is left over and written in capitals is the
issuing body.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from ..model import Issuer
from .lines import (
    Line,
    collapse,
    fold,
    guarded,
    has_marks,
    is_upper_line,
    letters_only,
    look_alike,
    starts_like,
)
from .places import repair_body_name, repair_place

NATIONAL_TITLE = "cong hoa xa hoi chu nghia viet nam"
PARTY_TITLE = "dang cong san viet nam"
YOUTH_TITLE = "doan tncs ho chi minh"  # the Youth Union prints this where others print the national title
MOTTO = "doc lap - tu do - hanh phuc"

# Decree 30/2020/NĐ-CP appendix III (type names and their abbreviations), plus the Party's own types
# (Hướng dẫn 36-HD/VPTW) and normative types that appear in the same archives.
DOC_TYPES: dict[str, str] = {
    "nghi quyet": "NQ",
    "quyet dinh": "QĐ",
    "chi thi": "CT",
    "quy che": "QC",
    "quy dinh": "QyĐ",
    "thong cao": "TC",
    "thong bao": "TB",
    "huong dan": "HD",
    "chuong trinh": "CTr",
    "ke hoach": "KH",
    "phuong an": "PA",
    "de an": "ĐA",
    "du an": "DA",
    "bao cao": "BC",
    "bien ban": "BB",
    "to trinh": "TTr",
    "hop dong": "HĐ",
    "cong dien": "CĐ",
    "ban ghi nho": "GNh",
    "ban thoa thuan": "TTh",
    "giay uy quyen": "GUQ",
    "giay moi": "GM",
    "giay gioi thieu": "GGT",
    "giay nghi phep": "GNP",
    "phieu gui": "PG",
    "phieu chuyen": "PC",
    "phieu bao": "PB",
    "giay xac nhan": "GXN",
    "ket luan": "KL",
    "thong tri": "TT",
    "thong tu": "TT",
    "thong tu lien tich": "TTLT",
    "nghi dinh": "NĐ",
    "luat": "Luật",
    "phap lenh": "PL",
    "dieu le": "ĐL",
    "quy trinh": "QT",
    "de cuong": "ĐC",
    "danh sach": "DS",  # not in Decree 30's list, but issued as a document of its own (lists of members, staff)
}
# Type names as spelt (for a type name OCR read with a wrong mark: "QUYÉT ĐỊNH")
TYPE_NAMES = {
    "nghi quyet": "NGHỊ QUYẾT", "quyet dinh": "QUYẾT ĐỊNH", "chi thi": "CHỈ THỊ", "quy che": "QUY CHẾ",
    "quy dinh": "QUY ĐỊNH", "thong cao": "THÔNG CÁO", "thong bao": "THÔNG BÁO", "huong dan": "HƯỚNG DẪN",
    "chuong trinh": "CHƯƠNG TRÌNH", "ke hoach": "KẾ HOẠCH", "phuong an": "PHƯƠNG ÁN", "de an": "ĐỀ ÁN",
    "du an": "DỰ ÁN", "bao cao": "BÁO CÁO", "bien ban": "BIÊN BẢN", "to trinh": "TỜ TRÌNH", "hop dong": "HỢP ĐỒNG",
    "cong dien": "CÔNG ĐIỆN", "ban ghi nho": "BẢN GHI NHỚ", "ban thoa thuan": "BẢN THỎA THUẬN",
    "giay uy quyen": "GIẤY ỦY QUYỀN", "giay moi": "GIẤY MỜI", "giay gioi thieu": "GIẤY GIỚI THIỆU",
    "giay nghi phep": "GIẤY NGHỈ PHÉP", "phieu gui": "PHIẾU GỬI", "phieu chuyen": "PHIẾU CHUYỂN",
    "phieu bao": "PHIẾU BÁO", "giay xac nhan": "GIẤY XÁC NHẬN", "ket luan": "KẾT LUẬN", "thong tri": "THÔNG TRI",
    "thong tu": "THÔNG TƯ", "thong tu lien tich": "THÔNG TƯ LIÊN TỊCH", "nghi dinh": "NGHỊ ĐỊNH", "luat": "LUẬT",
    "phap lenh": "PHÁP LỆNH", "dieu le": "ĐIỀU LỆ", "quy trinh": "QUY TRÌNH", "de cuong": "ĐỀ CƯƠNG", "danh sach": "DANH SÁCH",
}  # fmt: skip
# Codes the Party writes differently from Decree 30 (accepted when the symbol shows them).
CODE_VARIANTS: dict[str, tuple[str, ...]] = {"QyĐ": ("QĐi",), "Luật": ("QH",)}
CONG_VAN_CODE = "CV"
JOINT_SUFFIXES = ("lt", "ph")
# Scan specks and stray marks OCR leaves at the ends of a line ("-KẾ HOẠCH", "Phú Trung -.")
EDGE_JUNK = " -–—_.,;|~'`^¡!·"
# Marks printed in the header that are not the issuing body: draft, urgency and secrecy stamps
NOT_ISSUER = {
    "du thao",
    "mat",
    "toi mat",
    "tuyet mat",
    "khan",
    "thuong khan",
    "hoa toc",
    "hoa toc hen gio",
    "ban chinh",
    "sao y ban chinh",
    "ban sao",
}
# Real words one OCR edit away from a type name ("HỘI ĐỒNG" ~ "hợp đồng"): never a garbled type name
NOT_TYPES = {"hoi dong", "thong tin", "bao dam", "chi bo", "ke toan", "to chuc", "quy che"}

# First words of a body's name in the header (Decree 30 and Party forms). A capital header line that begins
# with none of them, nor with a place ("XÃ …"), goes on the name above it ("BAN QUẢN LÝ DỰ ÁN" / "ĐẦU TƯ
# XÂY DỰNG"); two names joined by a dash are a joint document's bodies ("HỘI NÔNG DÂN XÃ A - CÔNG AN XÃ A").
BODY_HEADS = (
    "uy ban",
    "ubnd",
    "ubmttq",
    "mttq",
    "mat tran",
    "hoi dong",
    "hdnd",
    "so ",
    "ban ",
    "phong ",
    "bo ",
    "cuc ",
    "tong cuc",
    "vu ",
    "vien ",
    "truong ",
    "trung tam",
    "van phong",
    "cong an",
    "dang ",
    "chi bo",
    "chi cuc",
    "chi doan",
    "doan ",
    "hoi ",
    "hiep hoi",
    "quy ",
    "lien doan",
    "lien hiep",
    "lien minh",
    "tinh uy",
    "huyen uy",
    "thanh uy",
    "thi uy",
    "quan uy",
    "bch ",
    "btv ",
    "bo chi huy",
    "ban chi huy",
    "toa an",
    "kho bac",
    "ngan hang",
    "bao hiem",
    "cong ty",
    "tong cong ty",
    "benh vien",
    "dai hoc",
    "hoc vien",
    "thanh doan",
    "tinh doan",
    "huyen doan",
    "hop tac xa",
    "thanh tra",
    "chinh phu",
    "quoc hoi",
    "bo tu lenh",
    "khoi ",
    "thu vien",
    "xi nghiep",
    "nha xuat ban",
    "dai phat thanh",
    "ky tuc xa",
    "cong doan",
    "chi hoi",
    "chi nhanh",
    "co quan",
    "tap chi",
    "bao ",
    "quy ",
    "doi ",
    "to ",
    "nha van hoa",
    "nha thieu nhi",
    "trung doan",
    "su doan",
    "lu doan",
    "tieu doan",
    "don ",
    "hai doi",
    "cang vu",
    "phan vien",
    "tram ",
    "dai ",
    "khoa ",
    "phan hieu",
    "lien chi",
    "canh sat",
    "cau lac bo",
    "clb",
    "dien luc",
    "buu dien",
    "nha may",
    # abbreviations printed in headers
    "ldld",
    "cdcs",
    "bql",
    "ttyt",
    "tt ",
    "ubkt",
    "hlhpn",
    "hoi lhpn",
    "hnd",
    "hccb",
    "ccb",
    "dtn",
    "bhxh",
    "vks",
    "tand",
    "ca ",
    "bchqs",
    "chqs",
    "pgd",
    "sgd",
    "ubmt",
    # sub-bodies of a committee or council ("ỦY BAN BẦU CỬ XÃ …" / "TIỂU BAN …"), Party groups
    "tieu ban",
    "to giup viec",
    "to cong tac",
    "to bau cu",
    "dang doan",
    "ban can su",
)
JOINT_DASH = re.compile(r"\s+[-–—]\s+")

BODY_START_KEYS = ("can cu", "thuc hien", "theo de nghi", "xet de nghi", "kinh gui")

NUMBER_MARK = re.compile(r"(?:^|(?<=[\s|,]))s[o06qe]\s*[:.;,]?\s*")
# a symbol's parts joined by '-' or '/' (OCR reads a '-' as '~' at times), and the issuing unit's code in
# brackets that some bodies add ("416/TTr-CAT(PC04)")
SYMBOL = r"(?P<symbol>[\w&.]+(?:\s*[-~/]\s*[\w&.]+)*(?:\s*\(\s*[\w&.\-]+\s*\))?)"
NUMBER_BODY = re.compile(r"(?P<serial>\d+[A-Za-z]?)?\s*(?P<sep>[/\-])\s*" + SYMBOL)
# a serial OCR could not read: a handwritten number read as digits mixed with marks ("4‡", "$3", "3|", "2+5")
UNREAD_SERIAL = re.compile(
    r"(?P<serial>[^\s/\-–]{1,4}(?:\s[^\s/\-–]{1,4}){0,2})\s*(?P<sep>[/\-])\s*"
    r"(?P<symbol>[A-ZĐ][\w&.]*(?:\s*[-~/]\s*[\w&.]+)*(?:\s*\(\s*[\w&.\-]+\s*\))?)"
)
DATE_JUNK = r"[\s,.\-_–—~:;'\"|…]*"  # blanks left for the day or month, and scan specks on them
# a day or month as OCR read it: digits, or a handwritten one read as digits and marks ("0]", "3|", "$3")
DATE_PART = r"[^\s,.;:'\"…\-–—_~]{1,3}"
DATE_WORDS = re.compile(
    rf"ng[a4]y{DATE_JUNK}(?P<d>{DATE_PART})?{DATE_JUNK}th[a4]ng{DATE_JUNK}(?P<m>{DATE_PART})?"
    rf"{DATE_JUNK}n[a4i]m{DATE_JUNK}(?P<y>\d{{4}})"
)
DATE_SLASH = re.compile(r"ng[a4]y\s*(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})")
VV_MARK = re.compile(r"(?:^|(?<=\s))(?:v\s*/\s*v|ve\s+viec)\b\s*[:.]?\s*")
ADMIN_UNITS = ("xa ", "phuong ", "thi tran ", "huyen ", "quan ", "thi xa ", "thanh pho ", "tinh ", "dac khu ", "tp")
GENERIC_BODIES = {
    "uy ban nhan dan",
    "ubnd",
    "hoi dong nhan dan",
    "hdnd",
    "dang uy",
    "dang bo",
    "chi bo",
    "uy ban mat tran to quoc viet nam",
    "uy ban mttq viet nam",
    "mat tran to quoc viet nam",
    "ban chap hanh dang bo",
    "ban thuong vu",
    "doan thanh nien cong san ho chi minh",
    "ban chap hanh doan",
    "hoi lien hiep phu nu",
    "hoi nong dan",
    "hoi cuu chien binh",
}


@dataclass
class Header:
    issuer_parts: list[str] = field(default_factory=list)
    national_title: str | None = None
    motto: str | None = None
    number: str | None = None
    serial: str | None = None
    symbol: str | None = None
    place: str | None = None
    date: str | None = None
    subject: str | None = None  # a công văn's "V/v …" line(s)
    warnings: list[str] = field(default_factory=list)
    number_line: int | None = None  # line numbers of the number and the date, for their words' confidences
    date_line: int | None = None
    date_read: DateRead | None = None


@dataclass
class Span:
    start: int
    end: int
    kind: str


# --- small readers ----------------------------------------------------------------------------------------


def iso_date(day: str | None, month: str | None, year: str | None) -> str | None:
    """ISO date; 'YYYY-MM' when the day is blank, 'YYYY' when the month is blank too; None when impossible."""
    if not year:
        return None
    y = int(year)
    if not 1900 <= y <= 2100:
        return None
    if not month:
        return f"{y:04d}"
    m = int(month)
    if not 1 <= m <= 12:
        return None
    if not day:
        return f"{y:04d}-{m:02d}"
    d = int(day)
    if not 1 <= d <= 31:
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


DIGIT_LOOK_ALIKES = "OoIlSZ"
CELL_BORDER = re.compile(r"(?:^|(?<=\s))\|(?=\s|$)")


@dataclass
class NumberRead:
    number: str  # as printed, spaces removed; "/KH-UBND" when the serial is blank or could not be read
    serial: str | None
    symbol: str
    end: int  # offset after the number in the text read
    unread: str | None = None  # what OCR made of a serial it could not read ("4‡"), dropped from the number
    serial_start: int | None = None  # offset of the serial in the text read


def read_number(text: str) -> NumberRead | None:
    """'36  /KH-UBND…' → 36/KH-UBND (serial 36, symbol KH-UBND); Party style '383-QĐ/TW' too. A serial read
    as digits mixed with marks ('4‡ /KH-UBND', handwriting) is not guessed: the number keeps what is printed
    ('/KH-UBND') and ``unread`` says what OCR made of the serial."""
    skipped = NUMBER_JUNK.match(text).end()  # type: ignore[union-attr]  # matches any text (all optional); scan specks between "Số:" and a blank serial ("Số: —_ /KH")
    match = NUMBER_BODY.match(text, skipped)
    unread = None
    if (
        match
        and match.group("serial")
        and (match.group("serial")[-1] in DIGIT_LOOK_ALIKES or match.group("serial")[-1].isupper())
    ):
        # "8O/QĐ-UBND", "0J/NQ-HĐQL": a capital letter OCR read for a (handwritten) digit, the serial's digits
        # not to be trusted; a serial's own letter is small ("12a/QĐ-UBND")
        match = None
    if not match:
        match = UNREAD_SERIAL.match(text, skipped)
        if not match or not unreadable(match.group("serial")):
            return None
        unread = collapse(match.group("serial"))
    serial = match.group("serial") if unread is None else None
    symbol = re.sub(r"\s+", "", match.group("symbol")).rstrip(".").replace("~", "-")
    if not symbol or not re.search(r"[^\W\d_]", symbol):
        return None
    number = f"{serial or ''}{match.group('sep')}{symbol}"
    start = match.start("serial") if match.group("serial") else None
    return NumberRead(number, serial, symbol, match.end(), unread, start)


def unreadable(serial: str) -> bool:
    """Between "Số:" and the symbol, anything but a word ('4‡', '$3', '3|', 'l5', '2+5', 'ZZ Ø') is a serial
    written by hand that OCR could not read."""
    return not (serial.isalpha() and serial.islower() and len(serial) >= 2)


NUMBER_JUNK = re.compile(r"[\s—–_.,·'\"“”:;|~…]*")


def find_number(line: Line) -> tuple[Span, NumberRead] | None:
    for mark in NUMBER_MARK.finditer(line.key):
        if not line.text[mark.start()].isupper() and mark.start() != len(line.text) - len(line.text.lstrip()):
            continue  # "số" in running text is not the header's "Số:"
        if line.key[mark.start() + 2 : mark.start() + 3].isalpha():
            continue  # "SƠN TỊNH": a word beginning with "Sơ", not the mark
        parsed = read_number(line.text[mark.end() :])
        if parsed:
            return Span(mark.start(), mark.end() + parsed.end, "number"), parsed
    return None


@dataclass
class DateRead:
    span: Span
    iso: str | None  # YYYY-MM-DD; YYYY-MM when the day is blank or unread, YYYY when the month is too
    start: int
    unread: dict[str, str] = field(default_factory=dict)  # "day"/"month" → what OCR made of it ("0]")
    day: str | None = None  # the day's digits as printed, when read
    month: str | None = None


def find_date(line: Line, lower_bound: int = 0) -> DateRead | None:
    """'ngày … tháng … năm …' (or 'ngày d/m/yyyy'): the ISO date, its span and where it starts. A day or month
    read as digits mixed with marks, or out of range (a handwritten '04' read as '0]' or '64'), is not
    guessed: it is left out of the date and named in ``unread``."""
    key = look_alike_digits_safe(line.key)
    match = DATE_WORDS.search(key, lower_bound) or DATE_SLASH.search(key, lower_bound)
    if not match:
        return None
    parts: dict[str, str | None] = {"day": match.group("d"), "month": match.group("m")}
    unread = {}
    for name, limit in (("day", 31), ("month", 12)):
        value = parts[name]
        if value is not None and not (value.isdigit() and len(value) <= 2 and 1 <= int(value) <= limit):
            unread[name] = line.text[
                match.start("d" if name == "day" else "m") : match.end("d" if name == "day" else "m")
            ]
            parts[name] = None
    if "month" in unread:
        parts["day"] = None  # a day without its month is no date
    iso = iso_date(parts["day"], parts["month"], match.group("y"))
    return DateRead(Span(match.start(), match.end(), "date"), iso, match.start(), unread, parts["day"], parts["month"])


def look_alike_digits_safe(key: str) -> str:
    """Keys keep digits (dates need them); letters OCR reads for digits next to digits become digits
    ('1O' → '10', '2O25' → '2025'), same length."""
    key = DIGIT_O.sub("0", key.replace("q", "o"))
    return DIGIT_L.sub("1", key)


DIGIT_O = re.compile(r"(?<=\d)o|o(?=\d)")
DIGIT_L = re.compile(r"(?<=\d)[li]|[li](?=\d)")


def find_phrase(line: Line, phrase: str, threshold: float) -> Span | None:
    """Fuzzy span of a fixed phrase (national title, motto) in a line, widened to word boundaries."""
    key = look_alike(line.key)
    if len(letters_only(key)) < 0.6 * len(phrase.replace(" ", "")):
        return None
    alignment = fuzz.partial_ratio_alignment(phrase, key, score_cutoff=threshold)
    if alignment is None:
        return None
    start, end = alignment.dest_start, alignment.dest_end
    # widen to the word boundaries, but by two characters at most: "QUẢNG NAMỘNG HÒA" (OCR glued two
    # columns) keeps "NAM" with the issuer
    for _ in range(2):
        if start > 0 and not line.text[start - 1].isspace():
            start -= 1
        if end < len(line.text) and not line.text[end].isspace():
            end += 1
    if start > 0 and not line.text[start - 1].isspace():
        start = alignment.dest_start
    if end < len(line.text) and not line.text[end].isspace():
        end = alignment.dest_end
    return Span(start, end, "phrase")


# --- the header region ------------------------------------------------------------------------------------


def doc_type_of(line: Line) -> tuple[str, str] | None:
    """(type name as printed, its key) when the line is a type name line ('KẾ HOẠCH', 'KE HOACH', 'QUYẾT ĐỊNH'),
    also after a stamp's text OCR put on the same line ('Ngày: các NGHỊ ĐỊNH')."""
    found = type_line(line)
    if found is None:
        words = line.flat.split()
        capitals = len(words)
        while capitals > 0 and is_upper_line(words[capitals - 1], 0.99):
            capitals -= 1
        prefix = " ".join(words[:capitals])
        if 0 < capitals <= 3 and len(words) > capitals and re.search(r"[:\d]", prefix) and not is_upper_line(prefix):
            tail = " ".join(words[capitals:])
            found = type_line(Line(line.number, tail, fold(tail)))
            if found and letters_only(fold(found[0])) != found[1]:
                found = None  # only a type name printed whole
    return found


def type_line(line: Line) -> tuple[str, str] | None:
    flat = line.flat.strip(EDGE_JUNK + ":")
    if not flat or len(flat) > 60 or not is_upper_line(flat, 0.7):
        return None
    words = letters_only(look_alike(fold(flat))).split()
    if not words:
        return None
    if len(words) > 3 and all(len(w) == 1 for w in words):
        words = ["".join(words)]  # "K Ế H O Ạ C H"
        spaced = {name.replace(" ", ""): name for name in DOC_TYPES}
        return (flat, spaced[words[0]]) if words[0] in spaced else None
    plain = letters_only(fold(flat)).split()  # look-alike folding turns "quy" into "ouy": match both
    for n_words in (4, 3, 2, 1):
        head = " ".join(words[:n_words])
        if len(words) - n_words > 3:
            continue
        names = [name for name in DOC_TYPES if len(name.split()) == n_words]
        if head in names:
            return flat, head
        if " ".join(plain[:n_words]) in names and len(plain) == len(words):
            return flat, " ".join(plain[:n_words])
        if len(words) != n_words or head in NOT_TYPES:
            continue
        for name in names:  # OCR-garbled name alone on its line ('KE HOACK'): one edit on longer names
            if len(name) >= 6 and Levenshtein.distance(head, name, score_cutoff=1) <= 1:
                return flat, name
    return None


def header_candidates(lines: list[Line], limit: int = 45):
    """(index, line) of the first ``limit`` non-blank lines, stopping at the first body marker: where a
    type name can stand."""
    seen = 0
    for index, line in enumerate(lines):
        if line.blank:
            continue
        seen += 1
        if seen > limit or is_body_start(line):
            return
        yield index, line


def find_doc_type(lines: list[Line], limit: int = 45) -> int | None:
    """Index of the type name line among the first ``limit`` non-blank lines (first body marker stops it)."""
    return next((index for index, line in header_candidates(lines, limit) if doc_type_of(line)), None)


def find_type_with_title(lines: list[Line], limit: int = 45) -> tuple[int, str, str, str] | None:
    """A type name and its subject printed as one capital line ('BÁO CÁO TÌNH HÌNH KINH TẾ - XÃ HỘI
    THÁNG 6'), after the number or the date: (index, type name as printed, its key, the rest)."""
    after_header = False
    for index, line in header_candidates(lines, limit):
        if NUMBER_MARK.match(line.key.lstrip()) or DATE_WORDS.search(line.key):
            after_header = True
            continue
        flat = line.flat.strip(EDGE_JUNK)
        if not after_header or not is_upper_line(flat, 0.8):
            continue
        words = flat.split()
        for n_words in (4, 3, 2, 1):
            head = letters_only(fold(" ".join(words[:n_words])))
            if head in DOC_TYPES and len(head.split()) == n_words and len(words) > n_words:
                return index, " ".join(words[:n_words]), head, " ".join(words[n_words:])
    return None


def is_body_start(line: Line) -> bool:
    """'Căn cứ …', 'Thực hiện …', 'Kính gửi: …' — also as a dash item ('- Căn cứ Điều lệ Đảng;')."""
    key = line.key.lstrip(" -–*")
    return any(starts_like(key, word, 1) for word in BODY_START_KEYS) and line.flat.lstrip(" -–*")[:1].isupper()


def strong_body_start(line: Line) -> bool:
    """'Căn cứ' and 'Kính gửi' never begin a subject line; 'Thực hiện …' may ('Thực hiện nhiệm vụ năm học')."""
    key = line.key.lstrip(" -–*")
    return starts_like(key, "can cu", 1) or starts_like(key, "kinh gui", 1)


def header_end(lines: list[Line], type_index: int | None) -> int:
    """The header region ends at the type line, else at 'Kính gửi'/the first body line (công văn)."""
    if type_index is not None:
        return type_index
    for index, line in enumerate(lines[:80]):
        if is_body_start(line) or re.match(r"^\s*(?:[IVX]+|\d+)\s*[.)]\s+\S", line.text):
            return index
    return min(len(lines), 25)


# --- reading the header ------------------------------------------------------------------------------------


def read_header(lines: list[Line]) -> Header:
    """Read the header parts from the lines before the type name line (or before the body of a công văn)."""
    header = Header()
    subject_parts: list[str] = []
    in_subject = False
    # the right column's lines (motto, date) came after the subject began: what follows them in the left column
    # may be the subject going on, or a signature's or stamp's remains OCR read as letters (" cu", "4c ly")
    interrupted = False
    title_cut = False  # the national title was found without its last words
    for line in join_split_numbers(lines):
        if line.blank:
            in_subject = in_subject and bool(subject_parts)
            continue
        if "|" in line.text:  # a header laid out as a table: its cell borders are column gaps ("3|" is a mark)
            line = Line(line.number, CELL_BORDER.sub(" ", line.text), CELL_BORDER.sub(" ", line.key))
        if motto_fragment(line):
            header.motto = join_motto(header.motto, line.flat)  # "Tự do - Hạnh phúc" / "Độc lập -" (OCR order)
            interrupted = interrupted or bool(subject_parts)
            continue
        if title_cut and title_rest(line):
            # "CỘNG HÒA XÃ HỘI CHỦ NGHĨA" / "VIỆT NAM": the national title OCR broke over two lines
            header.national_title = f"{header.national_title} {collapse(line.flat)}"
            title_cut = False
            continue
        spans: list[Span] = []
        # every title or motto found is cut out of the line (a page may print both the Party's and the
        # State's title); the first one found is the record's
        span = (
            find_phrase(line, NATIONAL_TITLE, 85)
            or find_phrase(line, PARTY_TITLE, 88)
            or find_phrase(line, YOUTH_TITLE, 90)
        )
        if span:
            spans.append(span)
            if header.national_title is None:
                header.national_title = collapse(line.text[span.start : span.end])
                title_key = letters_only(fold(header.national_title))
                title_cut = title_key.startswith("cong hoa") and not title_key.endswith("viet nam")
        span = find_phrase(line, MOTTO, 78)
        if span and not overlaps(span, spans):
            spans.append(span)
            if header.motto is None:
                header.motto = collapse(line.text[span.start : span.end])
        if header.number is None:
            found = find_number(line)
            if found and not overlaps(found[0], spans):
                spans.append(found[0])
                read = found[1]
                header.number, header.serial, header.symbol = read.number, read.serial, read.symbol
                header.number_line = line.number
                if read.unread is not None:
                    header.warnings.append(
                        f"number: serial not read (handwritten?): OCR read {read.unread!r}; kept {read.number!r}"
                    )
        if header.date is None:
            found_date = find_date(line)
            cited = subject_reach(line, in_subject)
            if found_date and cited and cited[0] <= found_date.start < cited[1]:
                # a date the subject cites ("V/v … thay thế Thông tư số 244/2016/TT-BTC ngày 11/11/2016"), not
                # the document's: its date is the one in the right-hand column, or on a later line
                found_date = find_date(line, cited[1]) if cited[1] < len(line.text) else None
            if found_date and not overlaps(found_date.span, spans):
                date_span = found_date.span
                before = [*spans, Span(cited[0], cited[1], "subject")] if cited else spans
                place_span = place_before(line, found_date.start, before)
                if place_span:
                    header.place = collapse(line.text[place_span.start : place_span.end]).strip(" ,.*\"'“”‘’")
                    date_span = Span(place_span.start, date_span.end, "date")
                spans.append(date_span)
                header.date = found_date.iso
                header.date_read = found_date
                header.date_line = line.number
                for part, seen in found_date.unread.items():
                    header.warnings.append(f"date: {part} not read (handwritten?): OCR read {seen!r}")
                if found_date.iso is None:
                    header.warnings.append(f"line {line.number}: date not understood")
        vv = VV_MARK.search(line.key)
        if vv and re.match(r"[Vv]\s*/\s*[Vv]|Về việc", line.text[vv.start() :]):
            # the subject ends at a column gap when another header part (the date) stands across it
            reach = subject_reach(line, False)
            end = reach[1] if reach and overlaps(Span(reach[1], len(line.text), "rest"), spans) else len(line.text)
            spans.append(Span(vv.start(), end, "subject"))
            subject_parts = [line.text[vv.start() : end]]
            in_subject = True
            interrupted = False
            continue
        interrupts = bool(spans) and bool(subject_parts)  # a piece on the date's own line is judged as before
        for piece, printed in leftovers(line.text, spans):
            if letters_only(fold(piece)) in NOT_ISSUER:
                continue
            if is_upper_line(piece, 0.75) and len(letters_only(fold(piece))) >= 2 and reads_as_words(piece):
                header.issuer_parts.append(piece)
                in_subject = False
            elif in_subject and not is_upper_line(piece, 0.75) and (not interrupted or all_words(piece)):
                # the subject goes on in the left column, its commas kept ("… hộ nghèo," / "hộ cận nghèo …")
                subject_parts.append(printed.lstrip(EDGE_JUNK).rstrip(" -–—_|~"))
        interrupted = interrupted or interrupts
    if subject_parts:
        header.subject = collapse(" ".join(subject_parts))
    return header


COLUMN_GAP = re.compile(r"\S(\s{3,})\S")


def subject_reach(line: Line, in_subject: bool) -> tuple[int, int] | None:
    """Where a công văn's subject runs on this line: from its "V/v" (or the line's start, when the subject goes
    on from the line before) to a column gap or the line's end; None when the line holds no subject."""
    vv = VV_MARK.search(line.key)
    if vv and re.match(r"[Vv]\s*/\s*[Vv]|Về việc", line.text[vv.start() :]):
        start = vv.start()
    elif in_subject and not is_upper_line(line.text, 0.75) and not PLACE_DATE_LINE.match(line.flat):
        start = len(line.text) - len(line.text.lstrip())
    else:
        return None
    gap = COLUMN_GAP.search(line.text, start)
    return start, gap.start(1) if gap else len(line.text)


def without_brackets(title: str | None) -> str | None:
    """A subject printed in parentheses under the type name ("(V/v Phê duyệt …)"): the title is what is inside."""
    if title and title.startswith("(") and title.endswith(")") and title.count("(") == 1 and title.count(")") == 1:
        return title[1:-1].strip() or None
    return title


def reads_as_words(piece: str) -> bool:
    """Whether a capital line is words, not OCR's marks of a cut or smudged header band ("NT ` NI"): most of
    its letters are in Vietnamese syllables or known acronyms (UBND, TP, HĐND, BCĐ138)."""
    from diacritics.lexicon import acronyms, is_syllable

    known = acronyms()
    total = good = 0
    for token in piece.split():
        word = token.strip(".,;:()\"'-–")
        count = sum(ch.isalpha() for ch in token)
        total += count
        if not word or not count:
            continue
        stem = word.rstrip("0123456789")
        joined = [part for part in re.split(r"[&/-]", stem) if part]  # "GD&ĐT", "LĐ-TB&XH", "TC-KH"
        if (
            is_syllable(word.lower())
            or known.get(stem)
            or (stem.isupper() and len(stem) >= 3 and stem.isalpha())
            or (len(joined) > 1 and all(part.replace("-", "").isalpha() and part.isupper() for part in joined))
        ):
            good += count
    return total > 0 and good >= 0.6 * total


def all_words(piece: str) -> bool:
    """Whether a piece is words from end to end: two tokens or more, and at least 4 in 5 of them Vietnamese
    syllables, known acronyms or numbers ('đến năm 2030', 'giai đoạn 2021-2025'; not '4c ly' or '" cu')."""
    from diacritics.lexicon import acronyms, is_syllable

    known = acronyms()
    tokens = [token.strip(".,;:()\"'“”‘’-–") for token in piece.split()]
    tokens = [token for token in tokens if token]
    if len(tokens) < 2:
        return False
    good = sum(
        1
        for token in tokens
        if is_syllable(token.lower()) or known.get(token) or re.fullmatch(r"\d+(?:[/.-]\d+)*", token)
    )
    return good >= 0.8 * len(tokens)


SERIAL_ONLY = re.compile(r"^\s*s[o06qe]\s*[:.;,]?\s*(?:\S{1,6})?\s*$")
SYMBOL_ONLY = re.compile(r"^\s*[/\-]\s*[A-ZĐ]")


def join_split_numbers(lines: list[Line]) -> list[Line]:
    """'Số: 565' / '/TB-UBND': a number whose serial and symbol a text layer or OCR put on two lines is one."""
    out: list[Line] = []
    for line in lines:
        previous = next((i for i in range(len(out) - 1, -1, -1) if not out[i].blank), None)
        if (
            previous is not None
            and SYMBOL_ONLY.match(line.text)
            and SERIAL_ONLY.match(out[previous].key)
            and out[previous].text[:1] == "S"
        ):
            joined = f"{out[previous].text.rstrip()} {line.text.strip()}"
            out[previous] = Line(out[previous].number, joined, fold(joined))
            continue
        out.append(line)
    return out


def motto_key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z\s-]", "", fold(text)).replace("-", " ").split())


def title_rest(line: Line) -> bool:
    """A line holding only the national title's last words ('VIỆT NAM', read 'VIỆT TN NAM' on a photo): its
    words of two letters or more are 'VIỆT NAM' within a letter."""
    words = [w for w in letters_only(fold(line.flat)).split() if len(w) >= 3]
    return line.flat.isupper() and Levenshtein.distance(" ".join(words), "viet nam") <= 1


def motto_fragment(line: Line) -> bool:
    """A line holding only a piece of the motto ('Độc lập -'), when OCR broke the motto over two lines."""
    key = motto_key(line.flat)
    return len(key) >= 6 and key != motto_key(MOTTO) and key in motto_key(MOTTO) and line.flat[:1].isupper()


def join_motto(found: str | None, piece: str) -> str:
    """Put a motto piece where it belongs in the motto, whatever order OCR read the pieces in."""
    piece = collapse(piece).strip(" -–")
    if not found:
        return piece
    if motto_key(piece) in motto_key(found):
        return found
    full = motto_key(MOTTO)
    first, second = (piece, found) if full.find(motto_key(piece)) < full.find(motto_key(found)) else (found, piece)
    return f"{first.strip(' -–')} - {second.strip(' -–')}"


def overlaps(span: Span, spans: list[Span]) -> bool:
    return any(span.start < other.end and other.start < span.end for other in spans)


def place_before(line: Line, date_start: int, spans: list[Span]) -> Span | None:
    """The place name printed before ', ngày': mixed-case words after any capitals (issuer) to its left."""
    left_bound = max([s.end for s in spans if s.end <= date_start], default=0)
    segment = line.text[left_bound:date_start]
    stripped = segment.rstrip(" ,.")
    if not stripped.strip():
        return None
    words = list(re.finditer(r"\S+", stripped))
    # leading capitals belong to the issuer column when OCR merged both columns
    first = 0
    while first < len(words) - 1 and is_upper_line(words[first].group(), 0.99) and not is_upper_line(stripped, 0.99):
        first += 1
    if first < 2:
        first = 0  # "TP. Hồ Chí Minh": a capital abbreviation is part of the place
    if len(words) - first > 6:
        first = len(words) - 6
    start = left_bound + words[first].start()
    return Span(start, left_bound + len(stripped), "place")


def leftovers(text: str, spans: list[Span]) -> list[tuple[str, str]]:
    """Pieces of a line outside the found spans, whitespace-collapsed and punctuation-trimmed, each with
    the piece as printed (collapsed only)."""
    pieces, cursor = [], 0
    for span in sorted(spans, key=lambda s: s.start):
        pieces.append(text[cursor : span.start])
        cursor = max(cursor, span.end)
    pieces.append(text[cursor:])
    out = []
    for piece in pieces:
        # wide gaps separate columns that were merged into one line
        for part in re.split(r"\s{3,}", piece):
            flat = collapse(part)
            part = flat.strip(EDGE_JUNK + ':*"“”')
            if part and re.search(r"\s[-–—]$", flat) and is_upper_line(part):
                part += " -"  # "LIÊN ĐOÀN LAO ĐỘNG … -" above the other body of a joint document
            if part:
                out.append((part, flat))
    return out


def starts_body(part: str) -> bool:
    return (letters_only(fold(part)) + " ").startswith(BODY_HEADS)


def split_joint(part: str) -> list[str]:
    """'HỘI NÔNG DÂN XÃ A - CÔNG AN XÃ A' → both bodies; a dash inside one name ('PHÒNG VĂN HÓA - THÔNG TIN')
    stays, since what follows it begins no body's name."""
    pieces = JOINT_DASH.split(part)
    if len(pieces) < 2 or not all(starts_body(piece) for piece in pieces):
        return [part]
    return pieces


def compose_issuers(parts: list[str]) -> list[tuple[str, str | None]]:
    """(name, parent) of every issuing body: one for most documents, two or more for a joint document whose
    bodies are joined by a dash ('A - B' on one line, or 'A -' above 'B')."""
    groups: list[list[str]] = [[]]
    for part in parts:
        for position, piece in enumerate(split_joint(part)):
            ends_dash = bool(groups[-1]) and groups[-1][-1].endswith(" -")
            if ends_dash:
                groups[-1][-1] = groups[-1][-1][:-2]  # the dash only ever marks the joint
            if position > 0 or (ends_dash and starts_body(piece)):
                groups.append([])
            groups[-1].append(piece)
    if groups[-1] and groups[-1][-1].endswith(" -"):
        groups[-1][-1] = groups[-1][-1][:-2]
    out = []
    for group in groups:
        name, parent = compose_issuer(group)
        if name:
            out.append((name, parent))
    return out


def compose_issuer(parts: list[str]) -> tuple[str | None, str | None]:
    """(name, parent) from the stacked capital lines: 'UBND TP ĐÀ NẴNG' / 'SỞ GD&ĐT' → parent, name;
    'ỦY BAN NHÂN DÂN' / 'XÃ PHÚ TRUNG' is one name broken over two lines."""
    merged: list[str] = []
    for part in parts:
        if merged and continues(merged[-1], part):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    if not merged:
        return None, None
    if len(merged) == 1:
        return merged[0], None
    return merged[-1], " ".join(merged[:-1])


def continues(previous: str, part: str) -> bool:
    prev_key, key = letters_only(fold(previous)), letters_only(fold(part)) + " "
    if prev_key in GENERIC_BODIES and key.startswith(ADMIN_UNITS):
        return True
    if previous.rstrip().endswith((",", "VÀ", "&", "-")) or key.startswith("va "):
        return True
    # a line that begins neither a body's name nor a place goes on the name above it
    return starts_body(previous) and not starts_body(part) and not key.startswith(ADMIN_UNITS)


PLACE_DATE_LINE = re.compile(r"^[A-ZĐÀ-Ỹ][^,;:.\d]{1,40},\s*ng[aà]y\b")  # "Đà Nẵng, ngày …", never a sentence


def is_header_part(line: Line) -> bool:
    """A whole line that is one of the header's parts: the number, place and date, national title, motto."""
    flat = line.flat
    if NUMBER_MARK.match(line.key) and flat[:1].isupper() and find_number(line):
        return True
    if PLACE_DATE_LINE.match(flat) and DATE_WORDS.search(look_alike_digits_safe(line.key)) and len(flat) < 70:
        return True
    for phrase, threshold in ((NATIONAL_TITLE, 85), (PARTY_TITLE, 88), (MOTTO, 78)):
        span = find_phrase(line, phrase, threshold)
        if span and span.end - span.start >= 0.8 * len(line.text.strip()):
            return True
    return False


def header_parts_after(lines: list[Line], start: int, reach: int = 6) -> int:
    """Index after the header parts printed right after the type name (OCR read the header's columns
    after the centred type name): the subject line starts there."""
    index, seen, end = start, 0, start
    while index < len(lines) and seen < reach:
        line = lines[index]
        index += 1
        if line.blank:
            continue
        seen += 1
        if not is_header_part(line):
            break
        end = index
    return end


# --- type name and subject line ------------------------------------------------------------------------------


def code_for(type_key: str | None, symbol: str | None) -> str | None:
    """The type code: as printed in the symbol when it shows it ('KH' in 'KH-UBND', 'QĐ' in 'QĐ/TW'),
    else the Decree 30 code of the type name; 'CV' for a công văn (no type name, symbol without a code)."""
    parts = [p for p in re.split(r"[-/]", symbol or "") if p and not p.isdigit()]
    if type_key is not None:
        expected = DOC_TYPES[type_key]
        accepted = {fold(c) for c in (expected, *CODE_VARIANTS.get(expected, ()))}
        for part in parts:
            if fold(part) in accepted:
                return part
        # a joint or coordinated document's code: 'KHLT' (liên tịch), 'KHPH' / 'CTrPH' (phối hợp)
        if parts and fold(parts[0]) in {code + suffix for code in accepted for suffix in JOINT_SUFFIXES}:
            return parts[0]
        return expected
    if parts:
        codes = {fold(c): c for c in DOC_TYPES.values()}
        if fold(parts[0]) in codes and fold(parts[0]) != "tt":
            return parts[0]
    return CONG_VAN_CODE if symbol else None


def read_title(lines: list[Line], start: int) -> tuple[str | None, int]:
    """Subject line after the type name: joined lines until the body begins. Returns (title, next index)."""
    parts: list[Line] = []
    index = start
    last_index = start
    while index < len(lines):
        line = lines[index]
        if line.separator and parts:
            index += 1
            break
        if line.blank:
            index += 1
            continue
        text = line.flat
        if starts_section(text) or (is_body_start(line) and (parts or strong_body_start(line))):
            break
        if parts:
            previous = parts[-1].flat
            joined_upper = is_upper_line(" ".join(p.flat for p in parts))
            if is_upper_line(text) and not joined_upper:
                break  # "CHỦ TỊCH ỦY BAN NHÂN DÂN …" under a decision's title
            gap = index - last_index > 1  # blank lines between the previous title line and this one
            if text.startswith("(") and (gap or ATTACHED_NOTE.match(fold(text))):
                break  # "(Ban hành kèm theo Quyết định số …)" under an attached regulation's title
            continuation = (
                text[:1].islower() or text[:1].isdigit() or text[:1] in "(“\"'" or bool(PERIOD_LINE.match(fold(text)))
            )
            if gap and not continuation and not last_line_before_body(lines, index, previous):
                break
            if not continuation and runs_into_body(text):
                break  # the first body paragraph right under the subject, without a blank line
            if not gap and not continuation and previous.endswith((".", ";", ":")):
                break
            if len(parts) >= 8:
                break
        parts.append(line)
        last_index = index
        index += 1
    if not parts:
        return None, start
    title = opening_formula(collapse(" ".join(p.flat for p in parts)).strip(EDGE_JUNK))
    return title or None, index


# a subject's last line that names its term or period ("KHÓA V, NHIỆM KỲ (2025-2030)", "giai đoạn 2021 - 2025",
# "đến năm 2030"): it goes on the subject above it, whatever blank lines OCR put between them
PERIOD_LINE = re.compile(
    r"^(?:khoa\s+[ivxlc\d]+\b|nhiem ky\b|giai doan\s+\d{4}|(?:den|tu)\s+nam\s+\d{4}|nam\s+\d{4}\b)"
)


def last_line_before_body(lines: list[Line], index: int, previous: str) -> bool:
    """A subject line OCR set apart by a blank line ('Về việc miễn nhiệm …' / '' / 'Ủy ban nhân dân tỉnh …
    nhiệm kỳ 2021 - 2026' / '' / 'Kính gửi: …'): a short mixed-case line right before 'Kính gửi' or 'Căn cứ',
    after a subject line that did not end a sentence."""
    text = lines[index].flat
    if previous.endswith((".", ";", ":")) or len(text) >= 100 or text.endswith((".", ";", ":")) or is_upper_line(text):
        return False
    following = next((line for line in lines[index + 1 :] if not line.blank), None)
    return following is not None and strong_body_start(following)


OPENING = re.compile(r"^(?P<word>\S{1,3})(?=\s+việc\b)")


def opening_formula(title: str) -> str:
    """'và việc …' → 'về việc …': the subject's opening formula, one letter garbled by OCR."""
    match = OPENING.match(title)
    if match and match.group("word").lower() != "về" and fold(match.group("word")).lower() in ("va", "ve", "vo", "vê"):
        word = match.group("word")
        return ("Về" if word[:1].isupper() else "về") + title[match.end() :]
    return title


DATED_SENTENCE = re.compile(r"^(?:Ngày|Hôm nay|Vào hồi|Sáng|Chiều)\s*(?:ngày\s*)?\d{1,2}\s*[/.-]\s*\d{1,2}")


def runs_into_body(text: str) -> bool:
    """A line that opens the body, not a subject line going on: a dated sentence ('Ngày 12/11/2024, tại …'), or
    a whole paragraph on one line (long, ending as a sentence ends)."""
    return bool(DATED_SENTENCE.match(text)) or (len(text) > 150 and text.endswith((".", ":", ";")))


ATTACHED_NOTE = re.compile(r"\(\s*(?:ban hanh\s+)?kem theo\b")
SECTION_START = re.compile(
    r"^(?:[IVX]{1,5}\s*(?:[.)]|/(?!\s*[vV]\b))|\d{1,2}\s*[.)]|[a-zđ]\)|Điều\s+\d+|Chương\s+[IVX\d]+|Phần\s+)\s*\S"
)


def starts_section(text: str) -> bool:
    return bool(SECTION_START.match(text))


# --- the one entry point -------------------------------------------------------------------------------------


@dataclass
class Head:
    """Everything the head of a document gives the record, and where its body begins."""

    issuers: list[Issuer] = field(default_factory=list)  # the issuing body first, a joint document's others after
    issuer_parts: list[str] = field(default_factory=list)  # the capital lines the issuers were read from
    national_title: str | None = None
    motto: str | None = None
    number: str | None = None
    serial: str | None = None
    symbol: str | None = None
    place: str | None = None
    date: str | None = None
    doc_type: str | None = None
    doc_type_code: str | None = None
    title: str | None = None
    body_start: int = 0

    def fields(self) -> dict:
        """The record's header fields (ParsedFields names)."""
        return {
            "issuer": self.issuers[0] if self.issuers else None,
            "co_issuers": self.issuers[1:],
            "national_title": self.national_title,
            "motto": self.motto,
            "number": self.number,
            "serial": self.serial,
            "symbol": self.symbol,
            "place": self.place,
            "date": self.date,
            "doc_type": self.doc_type,
            "doc_type_code": self.doc_type_code,
            "title": self.title,
        }


def read_head(lines: list[Line], warnings: list[str], confidences: Confidences | None = None) -> Head:
    """Read the header (issuer, national title, motto, number, place and date), the type name and the subject
    line; each part is guarded: a failure costs its fields and adds a warning to ``warnings``. With the OCR
    words' ``confidences`` (text from a scan), a serial or day read with low confidence is dropped."""
    type_index = guarded("type name", warnings, None, find_doc_type, lines)
    joined = None  # the type name and the subject on one capital line
    if type_index is None:
        joined = guarded("type name", warnings, None, find_type_with_title, lines)
    head_end = guarded("header", warnings, 0, header_end, lines, type_index if joined is None else joined[0])
    # header parts OCR read after the type name ("KẾ HOẠCH" / "Số: …" / "Độc lập …" / "X, ngày …")
    title_from = type_index + 1 if type_index is not None else None
    if title_from is not None:
        title_from = guarded("header", warnings, title_from, header_parts_after, lines, title_from)
    late = lines[type_index + 1 : title_from] if type_index is not None else []
    header: Header = guarded("header", warnings, Header(), read_header, lines[:head_end] + late)
    if confidences is not None:
        guarded("header", warnings, None, doubt_handwriting, header, confidences)
    warnings.extend(header.warnings)

    head = Head(
        issuer_parts=header.issuer_parts,
        national_title=header.national_title,
        motto=header.motto,
        number=header.number,
        serial=header.serial,
        symbol=header.symbol,
        place=header.place,
        date=header.date,
        body_start=head_end,
    )
    type_key = None
    if type_index is not None:
        found = doc_type_of(lines[type_index])
        if found:
            head.doc_type, type_key = found
            head.doc_type = spelt_type(head.doc_type, type_key)
        head.title, head.body_start = guarded("title", warnings, (None, title_from), read_title, lines, title_from)
    elif joined is not None:
        index, head.doc_type, type_key, title = joined
        more, after = guarded("title", warnings, (None, index + 1), read_title, lines, index + 1)
        head.body_start = index + 1
        if more and more.isupper():  # the capital subject goes on over the next line
            title, head.body_start = f"{title} {more}", after
        head.title = title
    else:
        head.title = header.subject
    head.title = without_brackets(head.title)
    head.issuers = [Issuer(name=name, parent=parent) for name, parent in compose_issuers(header.issuer_parts)]
    if has_marks(lines):
        guarded("places", warnings, None, repair_places, head, warnings)
    if type_key is not None and head.symbol:
        guarded("number", warnings, None, repair_symbol_code, head, DOC_TYPES[type_key], warnings)
    head.doc_type_code = code_for(type_key, head.symbol) if (type_key or head.symbol) else None
    return head


def repair_symbol_code(head: Head, expected: str, warnings: list[str]) -> None:
    """The symbol's type code one letter off the type name's ("TIr-CAT-PC06" under "TỜ TRÌNH": an OCR slip in
    "TTr"): spelt as the form prescribes, with a warning. Only a code of the same length, one letter apart."""
    assert head.symbol is not None
    first, sep, rest = head.symbol.partition("-") if "-" in head.symbol else head.symbol.partition("/")
    accepted = {fold(c) for c in (expected, *CODE_VARIANTS.get(expected, ()))}
    if fold(first) in accepted or len(first) != len(expected) or len(expected) < 2:
        return
    if Levenshtein.distance(first, expected) != 1 or Levenshtein.distance(fold(first), fold(expected)) != 1:
        return
    repaired = f"{expected}{sep}{rest}"
    warnings.append(f"number: OCR read the type code {first!r}, repaired to {expected!r} (the type name's code)")
    if head.number:
        head.number = head.number.replace(head.symbol, repaired)
    head.symbol = repaired


def repair_places(head: Head, warnings: list[str]) -> None:
    """Place names OCR read with wrong marks in the issuers' names and the place of issue, spelt right from the
    table of Vietnam's places (places.py); each repair a warning."""
    for issuer in head.issuers:
        for part in ("name", "parent"):
            value = getattr(issuer, part)
            if value:
                repaired, note = repair_body_name(value)
                if note:
                    setattr(issuer, part, repaired)
                    warnings.append(note)
    if head.place:
        head.place, note = repair_place(head.place)
        if note:
            warnings.append(note)


def spelt_type(printed: str, key: str) -> str:
    """A type name in capitals whose marks OCR garbled ('QUYÉT ĐỊNH', 'KÉ HOẠCH') as it is spelt; one printed
    with more words ('QUYẾT ĐỊNH LIÊN TỊCH'), in lower case or without any mark (a text never restored) as read."""
    name = TYPE_NAMES.get(key)
    if name is None or printed == name or not printed.isupper() or fold(printed) == printed.lower():
        return printed
    return name if letters_only(fold(printed)) == key else printed


def stacked_joint_bodies(head: Head, n_signatures: int) -> list[Issuer] | None:
    """A joint document whose bodies are stacked without a dash ('LIÊN ĐOÀN LAO ĐỘNG TỈNH' / 'SỞ Y TẾ') reads
    like a parent over its unit; it is joint when the form says so (a liên tịch / phối hợp code such as
    KHLT, or 'LIÊN TỊCH' in the type line) and each stacked body signs its own block."""
    parts = head.issuer_parts
    if len(head.issuers) > 1 or n_signatures < 2 or len(parts) != n_signatures:
        return None
    code = fold(head.doc_type_code or "")
    joint = code.endswith(JOINT_SUFFIXES) and len(code) > 2 or "lien tich" in fold(head.doc_type or "")
    if not joint or not all(starts_body(part) for part in parts):
        return None
    return [Issuer(name=part.removesuffix(" -"), parent=None) for part in parts]


# --- serials and days written by hand ------------------------------------------------------------------------

# line number (in the text parsed) → the OCR words of that line in order, with their confidence 0–1
# per line number of the text: its OCR words as (text, confidence) or (text, confidence, box = left, top, width,
# height in page pixels)
Confidences = Mapping[int, Sequence[tuple]]
# A serial or day read below this confidence is not trusted (docs/parsing.md, "Handwritten serials and days":
# on the development scans printed header digits read at 0.96-0.97 as words of their own, handwritten ones at
# 0.34-0.79 and once 0.91). A serial glued to its symbol ("985/QĐ-TTg", typed) is one word whose confidence
# also covers the symbol: a lower bar.
LOW_CONFIDENCE = 0.92
LOW_CONFIDENCE_GLUED = 0.85


def line_words_from(confidences: Confidences, line_number: int | None, after: str) -> tuple[list, list]:
    """(the line's OCR words, those from the word beginning with ``after`` (folded) on): from that word itself,
    OCR may glue the digits to it ("ngày-14", "ngày99"); all of them when no word begins so."""
    words = list(confidences.get(line_number, ())) if line_number is not None else []
    start = next((i for i, word in enumerate(words) if fold(word[0]).startswith(after)), 0)
    return words, words[start:]


def doubtful(
    confidences: Confidences, line_number: int | None, token: str, after: str, bar: float = LOW_CONFIDENCE
) -> float | None:
    """The confidence of the first OCR word holding ``token`` after the word beginning with ``after`` (folded)
    when it is below the bar (LOW_CONFIDENCE, or LOW_CONFIDENCE_GLUED for a word that holds more); else None."""
    for word in line_words_from(confidences, line_number, after)[1]:
        text, confidence = word[0], word[1]
        if token in text and confidence is not None:
            if text.strip(".,;:") != token:
                bar = min(bar, LOW_CONFIDENCE_GLUED)
            return confidence if confidence < bar else None
    return None


def printed_word(confidences: Confidences, line_number: int | None, token: str, after: str) -> bool:
    """Whether the OCR word that is ``token`` after the word beginning with ``after`` looks printed (see
    ``printed_like``) and was read at PRINTED_DIGITS_FLOOR or more."""
    words, following = line_words_from(confidences, line_number, after)
    for word in following:
        if token in word[0]:
            confident = word[1] is not None and word[1] >= PRINTED_DIGITS_FLOOR
            return confident and word[0].strip(".,;:") == token and printed_like(word, words)
    return False


PRINTED_DIGITS_FLOOR = 0.70
PRINTED_SIZE_TOLERANCE = 0.12  # of the year's height: height, top and bottom


def printed_like(word: tuple, words: Sequence[tuple]) -> bool:
    """Whether a day or month read below the bar has the printed year's size and line: the year is always
    printed, and a printed "10" at 100 dpi is read at 0.81 although it is the year's twin, while handwriting
    is taller, set higher or lower, slanted (on the real scans: handwritten days 1.2–1.45 times the year's height
    or set 0.2–0.5 of it higher; printed ones within 0.07). Needs both boxes; without them, no."""
    box = word[2] if len(word) > 2 else None
    years = [w for w in words if len(w) > 2 and w[2] is not None and re.fullmatch(r"\d{4}[.,]?", w[0] or "")]
    if box is None or not years:
        return False
    year = years[-1][2]
    height = year[3]
    if height <= 0:
        return False
    tolerance = PRINTED_SIZE_TOLERANCE * height
    return (
        abs(box[3] - height) <= tolerance
        and abs(box[1] - year[1]) <= tolerance
        and abs(box[1] + box[3] - year[1] - year[3]) <= tolerance
    )


def doubt_handwriting(header: Header, confidences: Confidences) -> None:
    """On a scan, a serial, day or month is kept only when OCR read it with confidence: otherwise it is dropped
    (the number keeps what is printed, '/QĐ-UBND'; the date keeps month and year) with a warning naming it.
    A blank one is named too: handwriting OCR did not see at all leaves a blank."""
    if header.number is not None:
        if header.serial is None:
            if not any("serial not read" in w for w in header.warnings):
                header.warnings.append(f"number: serial blank (handwritten and not read?); kept {header.number!r}")
        else:
            confidence = doubtful(confidences, header.number_line, header.serial, "so")
            if confidence is not None:
                kept = header.number[len(header.serial) :]
                header.warnings.append(
                    f"number: serial not read with confidence (handwritten?): OCR read {header.serial!r} "
                    f"(confidence {confidence:.2f}); kept {kept!r}"
                )
                header.number, header.serial = kept, None
    found = header.date_read
    if found is None or header.date is None:
        return
    parts = {"day": found.day, "month": found.month}
    for name in ("month", "day"):
        value = parts[name]
        if value is None:
            if name not in found.unread and (name == "day" or parts["day"] is None):
                header.warnings.append(f"date: {name} blank (handwritten and not read?)")
            continue
        # a month is printed far more often than written by hand: the lower bar (a printed "01" read at 0.91)
        after, bar = ("ngay", LOW_CONFIDENCE) if name == "day" else ("thang", LOW_CONFIDENCE_GLUED)
        confidence = doubtful(confidences, header.date_line, value, after, bar)
        if confidence is not None and printed_word(confidences, header.date_line, value, after):
            header.warnings.append(
                f"date: {name} read at confidence {confidence:.2f}, kept: its digits have the printed year's size"
                " and line"
            )
            continue
        if confidence is not None:
            header.warnings.append(
                f"date: {name} not read with confidence (handwritten?): OCR read {value!r} (confidence {confidence:.2f})"
            )
            parts[name] = None
            if name == "month":
                parts["day"] = None
    year = header.date[:4]
    header.date = year if parts["month"] is None else iso_date(parts["day"], parts["month"], year)
