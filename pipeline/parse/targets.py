"""Quantified objectives of a plan: 'Tỷ lệ hồ sơ trực tuyến toàn trình đạt tối thiểu 80%', '100% văn bản … được
ký số', 'ít nhất 01 tin, bài … hằng quý', 'nằm trong nhóm 15 tỉnh, thành phố dẫn đầu'.

A value is a percentage (with its qualifier: 'đạt', 'tối thiểu', 'trên', 'từ … đến', '≥', a range '20 - 30%'),
a count after 'ít nhất' / 'tối thiểu' / 'không ít hơn', or a rank ('trong nhóm 15 …'). It is a target
- in a section about objectives (its heading or an ancestor's says 'mục tiêu', 'chỉ tiêu' or 'phấn đấu'), or
- in a clause that says 'phấn đấu', or reaches a value ('đạt', 'tăng', 'giảm' before it) in a plan,
and not a result ('chiếm', 'đã đạt', reports' result sections), an award criterion ('tiêu chuẩn',
'tiêu chí' sections) or a table cell. The indicator is what the value measures: the words after the value
('100% văn bản … được ký số') or, when the value ends its clause, the words before it ('Tỷ lệ … đạt 80%').
``by`` is the year the clause names ('đến năm 2030', 'riêng năm 2025'), 'hằng năm' when it says so, else
the year of the section's heading, else the plan's own year (its title, else its date).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..model import Section, Target
from .lines import fold
from .outline import Node, is_table_text, walk

NUMBER = r"\d{1,3}(?:[.,]\d{1,3})?"
QUALIFIER = (
    r"(?:(?:đạt|tăng|giảm)\s+)?"
    r"(?:(?:từ\s+)?(?:tối\s+thiểu|ít\s+nhất|trên|dưới|hơn|khoảng|gần|không\s+dưới|không\s+quá|tối\s+đa|từ|"
    r"≥|≤|>=|<=|>|<)\s*)?"
)
PERCENT = re.compile(
    rf"(?P<qual>{QUALIFIER})(?P<low>{NUMBER})\s*(?:%\s*)?(?:(?:-|–|đến)\s*(?P<high>{NUMBER})\s*)?%",
    re.IGNORECASE,
)
COUNT = re.compile(
    r"(?P<qual>(?:đạt\s+)?(?:ít\s+nhất|tối\s+thiểu|không\s+ít\s+hơn|không\s+dưới))\s+(?P<low>\d{1,4})"
    r"(?:\s*\([^)]{1,20}\))?\s+(?P<unit>[^\s,.;:()]+(?:,\s*[^\s,.;:()]+)?)",
    re.IGNORECASE,
)
RANK = re.compile(
    r"(?P<qual>(?:nằm\s+)?trong\s+(?:nhóm|top))\s+(?P<low>\d{1,3})\s+(?P<unit>[^\s,.;:()]+)", re.IGNORECASE
)
TARGET_SECTIONS = ("muc tieu", "chi tieu", "phan dau")
NOT_TARGET_SECTIONS = ("tieu chuan", "tieu chi", "ket qua dat duoc", "tinh hinh", "danh gia ket qua", "khen thuong")
RESULT_WORDS = re.compile(
    r"\b(?:chiếm|đã đạt|đạt được|đã có|đã hoàn thành|so với cùng kỳ|tăng so với|giảm so với)\b", re.I
)
AIM_WORDS = re.compile(r"\bphấn\s+đấu\b", re.I)
REACH = re.compile(r"\b(?:đạt|tăng|giảm|tối\s+thiểu|ít\s+nhất)\b", re.I)
YEAR = re.compile(r"(?:năm|giai\s+đoạn\s+\d{4}\s*[-–]\s*|đến\s+(?:hết\s+)?năm)\s*(\d{4})\b", re.I)
RANGE_YEAR = re.compile(r"giai\s+đoạn\s+\d{4}\s*[-–]\s*(\d{4})", re.I)
YEARLY = re.compile(r"\b(?:hằng|hàng)\s+năm\b", re.I)
CLAUSE_BREAK = re.compile(r";|\.\s+(?=[A-ZĐÀ-Ỹ])|\.$|:\s+(?=[A-ZĐÀ-Ỹ])|\n")
LEAD_INS = re.compile(
    r"^(?:\s*(?:[-–+•]|phấn\s+đấu|hằng\s+năm,?|hàng\s+năm,?|trong\s+đó,?|riêng|bảo\s+đảm|đảm\s+bảo|"
    r"(?:đến|trong|vào)\s+(?:hết\s+)?năm\s+\d{4},?|năm\s+\d{4},?|thi\s+đua|có)\s*)+",
    re.I,
)
INDICATOR_END = re.compile(r"\s+(?:và|,)\s*$")
TRAILING_TIME = re.compile(r"\s+(?:ngay\s+)?(?:trong|đến|vào|tới)\s+(?:hết\s+)?năm\s+\d{4}$", re.I)
# where the words after a value stop measuring it: ', riêng năm 2025 …', ', trong đó …', ' và xây dựng …'
AFTER_END = re.compile(
    r",\s*(?:riêng|trong\s+đó|đồng\s+thời|phấn\s+đấu|đảm\s+bảo|bảo\s+đảm)\b|\s+và\s+(?:xây\s+dựng|phấn\s+đấu)\b", re.I
)


@dataclass
class Found:
    start: int
    end: int
    value: str
    number: float
    upper: float | None
    unit: str
    rank: bool = False


def to_number(text: str) -> float:
    return float(text.replace(",", "."))


def values_in(clause: str) -> list[Found]:
    """The values of one clause, in order: percentages, counts with a qualifier, ranks."""
    found: list[Found] = []
    for match in PERCENT.finditer(clause):
        low = match.group("low")
        if match.start("low") > 0 and clause[match.start("low") - 1] in "/.":
            continue  # '6/139', a date or a number's tail
        value = clause[match.start() : match.end()].strip()
        high = match.group("high")
        found.append(Found(match.start(), match.end(), value, to_number(low), to_number(high) if high else None, "%"))
    for pattern in (COUNT, RANK):
        for match in pattern.finditer(clause):
            if any(f.start <= match.start("low") < f.end for f in found):
                continue
            unit = match.group("unit").strip(" ,")
            if unit.endswith("%"):
                continue
            rank = pattern is RANK
            end = len(clause.rstrip(" .;")) if rank else match.end()  # a rank reads to the clause's end
            value = clause[match.start() : end].strip()
            found.append(Found(match.start(), end, value, to_number(match.group("low")), None, unit, rank))
    found.sort(key=lambda f: f.start)
    return found


def clauses(paragraph: str) -> list[tuple[int, str]]:
    """(offset, text) of the clauses of a paragraph: split at ';', sentence ends and line breaks."""
    out = []
    start = 0
    for match in CLAUSE_BREAK.finditer(paragraph):
        if match.start() > start:
            out.append((start, paragraph[start : match.start()]))
        start = match.end()
    if start < len(paragraph):
        out.append((start, paragraph[start:]))
    return out


def clean_indicator(text: str) -> str:
    text = " ".join(text.split())
    text = LEAD_INS.sub("", text)
    text = re.sub(r"^(?:của|cho|tại|ở)\s+", "", text)
    text = INDICATOR_END.sub("", text).strip(" ,;:.-–")
    text = TRAILING_TIME.sub("", text).strip(" ,;:.-–")
    return text


def indicator_of(clause: str, found: list[Found], index: int) -> str:
    """What the value measures: the words after it up to the next value (or the clause's end); when
    nothing follows, the words before it since the previous value or the clause's start."""
    value = found[index]
    following = found[index + 1].start if index + 1 < len(found) else len(clause)
    after_text = AFTER_END.split(clause[value.end : following], maxsplit=1)[0]
    after = clean_indicator(after_text)
    if len(after.split()) >= 2 and not value.rank:
        return after
    previous = found[index - 1].end if index else 0
    before = clause[previous : value.start]
    before = re.sub(r"(?:\s+(?:đạt|tăng|giảm|là|ở mức|lên|xuống))+\s*$", "", before, flags=re.I)
    before = re.sub(r",\s*(?:đạt|tăng|giảm)?\s*$", "", before)
    return clean_indicator(before) or after


def years(text: str) -> list[str]:
    """Years a text names as a time, in order ('năm 2026', 'đến năm 2030', 'giai đoạn 2026 - 2030' → 2030)."""
    found = [(m.start(), m.group(1)) for m in RANGE_YEAR.finditer(text)]
    found += [
        (m.start(), m.group(1)) for m in YEAR.finditer(text) if not any(s <= m.start() < s + 30 for s, _ in found)
    ]
    return [year for _, year in sorted(found)]


def year_in(text: str) -> str | None:
    """The last year a text names as a time."""
    found = years(text)
    return found[-1] if found else None


def plan_year(title: str | None, date: str | None) -> str | None:
    year = year_in(title or "")
    if year:
        return year
    return date[:4] if date else None


@dataclass
class Context:
    doc_type: str | None
    plan_year: str | None


DIGIT = re.compile(r"\d")
TASK_SECTIONS = ("nhiem vu", "giai phap", "to chuc thuc hien", "noi dung", "phan cong", "trach nhiem")


@functools.lru_cache(maxsize=8192)
def heading_facts(heading: str) -> tuple[str, str | None]:
    return fold(heading), year_in(heading)


def node_kind(node: Node) -> tuple[bool, bool, str | None]:
    """(objectives section, excluded section, year of the nearest heading that names one). The nearest
    heading that speaks of objectives or of tasks decides: 'b) Nhiệm vụ' under 'I. MỤC TIÊU, NHIỆM VỤ' is
    a task section."""
    facts = [heading_facts(h) for h in node.headings()]
    keys = [key for key, _ in facts]
    target = False
    for key in reversed(keys):
        if any(k in key for k in TARGET_SECTIONS):
            target = True
            break
        if any(k in key for k in TASK_SECTIONS):
            break
    excluded = any(any(k in key for k in NOT_TARGET_SECTIONS) for key in keys)
    year = next((y for _, y in reversed(facts) if y), None)
    return target, excluded, year


def read_paragraph(
    paragraph: str, section_path: str | None, target_section: bool, heading_year: str | None, context: Context
) -> list[Target]:
    out: list[Target] = []
    is_plan = fold(context.doc_type or "").startswith(("ke hoach", "chuong trinh", "de an", "nghi quyet", "chi thi"))
    if not DIGIT.search(paragraph):
        return out
    for offset, clause in clauses(paragraph):
        found = values_in(clause)
        if not found:
            continue
        if RESULT_WORDS.search(clause):
            continue
        aimed = target_section or bool(AIM_WORDS.search(paragraph[: offset + len(clause)]))
        for index, value in enumerate(found):
            near = clause[max(0, value.start - 30) : value.start] + " " + value.value
            reaching = is_plan and bool(REACH.search(near))
            if not (aimed or reaching):
                continue
            indicator = indicator_of(clause, found, index)
            if not indicator:
                continue
            # a year before the value in its clause, else one in the value's own words after it (not in the
            # next value's: '≥ 30% …, riêng năm 2028 phấn đấu 20% …')
            following = found[index + 1].start if index + 1 < len(found) else len(clause)
            own_words = AFTER_END.split(clause[value.end : following], maxsplit=1)[0]
            earlier, later = years(clause[: value.start]), years(own_words)
            own = earlier[-1] if earlier else (later[0] if later else None)
            if own:
                by: str | None = own
            elif YEARLY.search(paragraph[: offset + len(clause)]):
                by = "hằng năm"
            else:
                by = heading_year or context.plan_year
            out.append(
                Target(
                    indicator=indicator,
                    value=value.value,
                    number=value.number,
                    upper=value.upper,
                    unit=value.unit,
                    by=by,
                    section=section_path,
                )
            )
    return out


def read_targets(
    sections: list[Section], *, title: str | None = None, date: str | None = None, doc_type: str | None = None
) -> list[Target]:
    """Every target of the section tree, in order; the same indicator, value and year once."""
    context = Context(doc_type, plan_year(title, date))
    out: list[Target] = []
    for node in walk(sections):
        target, excluded, heading_year = node_kind(node)
        if excluded:
            continue
        texts = [node.section.heading] if node.section.heading and not target else []
        texts += [p for p in node.section.paragraphs if not is_table_text(p)]
        for paragraph in texts:
            if not paragraph:
                continue
            for item in read_paragraph(paragraph, node.path, target, heading_year, context):
                if not any(same_target(item, other) for other in out):
                    out.append(item)
    return out


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", fold(text)))


def same_target(a: Target, b: Target) -> bool:
    """The same objective printed twice: same number, unit and year, and one indicator's words nearly all
    in the other's, and the other way round."""
    if (a.number, a.upper, a.unit, a.by) != (b.number, b.upper, b.unit, b.by):
        return False
    wa, wb = words(a.indicator), words(b.indicator)
    if not wa or not wb:
        return False
    return len(wa & wb) / max(len(wa), len(wb)) >= 0.9
