"""What a plan makes each body do: one Assignment per body, with its duty items, role, deadlines.

A duty is read where the text gives it a subject that is a body (``bodies.find_subject``):
- a section whose heading or numbered opening names bodies ("1. Sở Nội vụ:", "8.1. Sở Tài chính chủ trì,
  phối hợp …", "4.4. Đề nghị Viện Kiểm sát nhân dân tỉnh, Tòa án nhân dân tỉnh"): its items (dash items with
  their '+' sub-items, paragraphs, lettered children) are the bodies' duties; the heading itself is the duty
  when every item names a body of its own;
- any item or paragraph that opens with bodies ("- Sở Tư pháp tham mưu …", "Giao Công an tỉnh …", "Căn cứ
  …, các sở, ban, ngành … xây dựng …"): one duty for each body it names.
Bodies named together each get the duty. ``role`` is "chủ trì" when a duty says the body leads (chủ trì,
cơ quan thường trực), "phối hợp" when every duty is a supporting one; ``request`` when every duty is asked
("Đề nghị …", a KIẾN NGHỊ section). Deadlines are the time limits printed in the duties ("chậm nhất là ngày
15/01/2026", "trong tháng 12/2025"), with an ISO date where they name one.
Task tables ("STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian") add one Assignment per body
and table with ``section`` "table".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Assignment, Deadline, Section, Table
from .bodies import Body, Subject, canonical, find_subject, split_bodies
from .lines import fold
from .outline import Node, items, section_text, walk

# ---------------------------------------------------------------- deadlines

DAY_MONTH_YEAR = r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}"
WORDY_DATE = r"\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}"
MONTH_YEAR = r"\d{1,2}\s*[/-]\s*\d{4}|\d{1,2}\s+năm\s+\d{4}"
QUARTER = r"(?:I{1,3}|IV|[1-4])\s*(?:[/-]\s*|\s+năm\s+)\d{4}"
DATE_EXPR = (
    rf"(?:(?:ngày\s+)?(?:{DAY_MONTH_YEAR}|{WORDY_DATE})"
    rf"|tháng\s+(?:{MONTH_YEAR})"
    rf"|qu[ýí]\s+(?:{QUARTER})"
    rf"|(?:6|sáu)\s+tháng\s+(?:đầu|cuối)\s+năm\s+\d{{4}}"
    rf"|năm\s+\d{{4}})"
)
DEADLINE = re.compile(
    rf"(?:(?:hoàn\s+thành|xong)\s+)?"
    rf"(?:chậm\s+nhất(?:\s+là)?(?:\s+(?:vào|trong|trước))?|trước|trong|đến\s+hết|hạn\s+chót(?:\s+là)?|"
    rf"muộn\s+nhất(?:\s+là)?|bắt\s+đầu(?:\s+thực\s+hiện)?\s+từ|không\s+quá)\s+{DATE_EXPR}",
    re.IGNORECASE,
)
WEEKLY = re.compile(
    r"trước\s+\d{1,2}\s*(?:giờ|h)(?:\s*\d{1,2}\s*(?:phút)?)?(?:\s+(?:ngày\s+)?thứ\s+\w+)?\s+(?:hằng|hàng)\s+(?:tuần|tháng|ngày)",
    re.IGNORECASE,
)
ROMAN_QUARTERS = {"i": 3, "ii": 6, "iii": 9, "iv": 12, "1": 3, "2": 6, "3": 9, "4": 12}


def deadline_date(text: str) -> str | None:
    """ISO date of a deadline when it names one: a day (YYYY-MM-DD), a month (YYYY-MM), a quarter (its last
    month, YYYY-MM), a half year (YYYY-06 / YYYY-12) or a year (YYYY). None otherwise ('hằng tuần')."""
    low = text.lower()
    match = re.search(rf"({DAY_MONTH_YEAR})", low)
    if match:
        day, month, year = (int(x) for x in re.findall(r"\d+", match.group(1)))
        return iso(year, month, day)
    match = re.search(r"(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", low)
    if match:
        day, month, year = (int(x) for x in match.groups())
        return iso(year, month, day)
    match = re.search(r"tháng\s+(\d{1,2})\s*(?:[/-]\s*|\s+năm\s+)(\d{4})", low)
    if match:
        return iso(int(match.group(2)), int(match.group(1)))
    match = re.search(r"qu[ýí]\s+(i{1,3}|iv|[1-4])\s*(?:[/-]\s*|\s+năm\s+)(\d{4})", low)
    if match:
        return iso(int(match.group(2)), ROMAN_QUARTERS[match.group(1)])
    match = re.search(r"(?:6|sáu)\s+tháng\s+(đầu|cuối)\s+năm\s+(\d{4})", low)
    if match:
        return iso(int(match.group(2)), 6 if match.group(1) == "đầu" else 12)
    match = re.search(r"năm\s+(\d{4})", low)
    if match:
        return iso(int(match.group(1)))
    return None


def iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    if not 1900 <= year <= 2200:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    if not 1 <= day <= 31:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def read_deadlines(text: str) -> list[Deadline]:
    """Time limits printed in a duty, in order: 'chậm nhất là ngày 15/01/2026' (2026-01-15), 'trong tháng
    12/2025' (2025-12), 'trước 16 giờ ngày thứ Sáu hằng tuần' (no date)."""
    found: list[tuple[int, str]] = []
    for match in DEADLINE.finditer(text):
        phrase = " ".join(match.group().split())
        if re.fullmatch(r"(?i)trong\s+năm\s+\d{4}", phrase):
            continue  # 'trong năm 2026' sets the plan's year, not a time limit
        found.append((match.start(), phrase))
    for match in WEEKLY.finditer(text):
        if not any(start <= match.start() < start + len(p) for start, p in found):
            found.append((match.start(), " ".join(match.group().split())))
    return [Deadline(text=phrase, date=deadline_date(phrase)) for _, phrase in sorted(found)]


def cell_deadline(cell: str) -> Deadline | None:
    """A table's time cell as a deadline: the cell as printed, its date when it names exactly one."""
    text = " ".join(cell.split())
    if not text:
        return None
    dates = {d for d in (deadline_date(part) for part in re.split(r";|\bvà\b", text)) if d}
    return Deadline(text=text, date=dates.pop() if len(dates) == 1 else None)


# ---------------------------------------------------------------- duties

LEAD_WORDS = ("chu tri", "co quan thuong truc", "la co quan chu tri", "don vi chu tri")
SUPPORT_START = re.compile(r"^(?:tích cực\s+|chủ động\s+|tham gia\s+)?phối hợp", re.IGNORECASE)
# the enacting formula of the preamble ('UBND xã … ban hành Kế hoạch … như sau:') gives no duty
ENACTING = re.compile(
    r"(?i)^(?:quyết định\s+)?ban\s+hành\b|^(?:xây\s+dựng|triển\s+khai)\s+kế\s+hoạch\b.*như\s+sau\s*:?\s*$"
)
REQUEST_SECTIONS = ("kien nghi", "de nghi", "de xuat")  # a section headed 'KIẾN NGHỊ' asks, it does not order


@dataclass
class Duty:
    text: str
    path: str
    lead: bool = False
    support: bool = False
    request: bool = False


@dataclass
class Collected:
    printed: str
    canonical: str
    duties: list[Duty] = field(default_factory=list)


def duty_role(head: str, text: str) -> tuple[bool, bool]:
    """(lead, support) of a duty from the words right after its subject (``head``) and its own start:
    'chủ trì' or 'cơ quan thường trực / đầu mối' there makes it a lead duty, a start in 'phối hợp' a
    supporting one."""
    start = text.lstrip(" -–:")
    if SUPPORT_START.match(start) or (not start and SUPPORT_START.match(head.lstrip(" :,"))):
        return False, True
    head_key = fold(head[:30])  # "… chủ trì, phối hợp …" right after the subject, not a later clause
    lead = any(word in head_key for word in LEAD_WORDS)
    start_key = fold(start[:60])
    lead = lead or any(word in start_key for word in LEAD_WORDS + ("co quan dau moi", "dau moi"))
    support = not lead and bool(SUPPORT_START.match(head.lstrip(" :,")))
    return lead, support


class Reader:
    def __init__(self, place: str | None, issuer: str | None):
        self.place = place
        self.issuer = canonical(issuer, place) if issuer else None
        self.bodies: dict[str, Collected] = {}

    def subject(self, text: str, *, heading: bool = False) -> Subject | None:
        subject = find_subject(text, self.place, heading=heading)
        if subject is None:
            return None
        subject.bodies = [b for b in subject.bodies if b.canonical != self.issuer and b.canonical]
        return subject if subject.bodies else None

    def give(self, bodies: list[Body], duty: Duty) -> None:
        for body in bodies:
            entry = self.bodies.setdefault(body.canonical, Collected(body.printed, body.canonical))
            if not any(d.text == duty.text and d.path == duty.path for d in entry.duties):
                entry.duties.append(Duty(duty.text, duty.path, duty.lead, duty.support, duty.request))

    def item_duty(self, subject: Subject, text: str, path: str, request_context: bool) -> Duty:
        rest = subject.rest if subject.colon else text
        head = subject.text[subject.bodies[-1].end :]
        lead, support = duty_role(head, rest if subject.colon else subject.rest)
        return Duty(rest or text, path, lead, support, subject.request or request_context)

    def node(self, node: Node) -> None:
        section = node.section
        request_context = any(fold(s.heading or "").startswith(REQUEST_SECTIONS) for s in [*node.ancestors, section])
        paragraphs = list(section.paragraphs)
        lead_text = section.heading
        lead_is_heading = lead_text is not None
        if lead_text is None and section.label and paragraphs:
            lead_text = paragraphs.pop(0)
        subject = self.subject(lead_text, heading=lead_is_heading) if lead_text else None
        own_items = []
        for item in items(paragraphs):
            item_subject = self.subject(item)
            if item_subject is not None:
                self.give(item_subject.bodies, self.item_duty(item_subject, item, node.path, request_context))
            else:
                own_items.append(item)
        if subject is None:
            return
        own_children = [child for child in section.children if not self.child_has_subject(child)]
        head = subject.text[subject.bodies[-1].end :]
        ends_lead_in = (lead_text or "").rstrip().endswith(":") or lead_is_heading
        duties: list[Duty] = []
        if ends_lead_in and (own_items or own_children):
            for text in own_items + [section_text(child) for child in own_children]:
                lead, support = duty_role(head, text)
                duties.append(Duty(text, node.path, lead, support, subject.request or request_context))
        else:
            duties.append(self.item_duty(subject, lead_text or "", node.path, request_context))
        for duty in duties:
            self.give(subject.bodies, duty)

    def child_has_subject(self, child: Section) -> bool:
        lead = child.heading
        if lead is None and child.paragraphs:
            lead = child.paragraphs[0]
        return lead is not None and self.subject(lead, heading=child.heading is not None) is not None

    def assignments(self) -> list[Assignment]:
        out = []
        for entry in self.bodies.values():
            out.append(to_assignment(entry.printed, entry.canonical, entry.duties))
        return out


def to_assignment(printed: str, canonical_name: str, duties: list[Duty], section: str | None = None) -> Assignment:
    lead = any(d.lead for d in duties)
    support = bool(duties) and all(d.support for d in duties)
    deadlines: list[Deadline] = []
    for duty in duties:
        for deadline in read_deadlines(duty.text):
            if deadline not in deadlines:
                deadlines.append(deadline)
    paths = list(dict.fromkeys(d.path for d in duties if d.path))
    return Assignment(
        body=printed,
        canonical=canonical_name,
        role="chủ trì" if lead else ("phối hợp" if support else None),
        request=bool(duties) and all(d.request for d in duties),
        duties=[d.text for d in duties],
        deadlines=deadlines,
        section=section if section is not None else (", ".join(paths) or None),
    )


def read_assignments(
    sections: list[Section], *, place: str | None = None, issuer: str | None = None, preamble: list[str] | None = None
) -> list[Assignment]:
    """One Assignment per body the text gives duties to, in order of first mention."""
    reader = Reader(place, issuer)
    for item in items(preamble or []):
        subject = reader.subject(item)
        if subject is not None and not ENACTING.match(subject.rest):
            reader.give(subject.bodies, reader.item_duty(subject, item, "preamble", False))
    for node in walk(sections):
        reader.node(node)
    return reader.assignments()


# ---------------------------------------------------------------- task tables

TASK_COLUMNS = ("nhiem vu", "noi dung", "cong viec", "ten nhiem vu", "hoat dong", "giai phap")
LEAD_COLUMNS = ("chu tri", "trach nhiem thuc hien", "don vi thuc hien", "co quan thuc hien", "phu trach")
SUPPORT_COLUMNS = ("phoi hop",)
TIME_COLUMNS = ("thoi gian", "thoi han", "tien do", "hoan thanh", "moc thoi gian")


def column(header: list[str], keys: tuple[str, ...], exclude: tuple[str, ...] = ()) -> int | None:
    for index, cell in enumerate(header):
        key = fold(cell or "")
        if any(k in key for k in keys) and not any(k in key for k in exclude):
            return index
    return None


@dataclass(frozen=True)
class TaskColumns:
    task: int
    lead: int
    support: int | None
    time: int | None


def task_columns(table: Table) -> TaskColumns | None:
    """Which columns of a table hold the task, the lead body, the co-operating bodies and the time limit;
    None when it is not a task table (no task and lead columns)."""
    header = table.header
    lead = column(header, LEAD_COLUMNS, exclude=("theo doi",))
    support = column(header, SUPPORT_COLUMNS, exclude=("chu tri",))
    if lead is not None and support == lead:
        support = None
    task = column(header, TASK_COLUMNS, exclude=("chu tri", "phoi hop"))
    if lead is None or task is None or lead == task:
        return None
    time = column(header, TIME_COLUMNS, exclude=("chu tri",))
    return TaskColumns(task, lead, support, time)


def is_group_row(row: list[str | None], columns: TaskColumns) -> bool:
    """A row that heads a group of tasks ('I | Cải cách thể chế'): no body in the lead column and at most
    two cells filled."""
    filled = [cell for cell in row if cell and cell.strip()]
    return len(filled) <= 2 and not (columns.lead < len(row) and row[columns.lead])


def table_assignments(table: Table, *, place: str | None = None) -> list[Assignment]:
    """Assignments from one task table: every lead body gets the row's task as a 'chủ trì' duty, every
    co-operating body as a 'phối hợp' one, with the row's time as its deadline."""
    columns = task_columns(table)
    if columns is None:
        return []
    collected: dict[str, tuple[str, list[Duty], list[Deadline]]] = {}
    for row in table.rows:
        if is_group_row(row, columns):
            continue
        task = cell(row, columns.task)
        if not task:
            continue
        deadline = cell_deadline(cell(row, columns.time)) if columns.time is not None else None
        roles = [(columns.lead, True)] + ([(columns.support, False)] if columns.support is not None else [])
        for index, lead in roles:
            for body in split_bodies(cell(row, index), place):
                printed, duties, deadlines = collected.setdefault(body.canonical, (body.printed, [], []))
                duties.append(Duty(task, "table", lead=lead, support=not lead))
                if deadline is not None and deadline not in deadlines:
                    deadlines.append(deadline)
    out = []
    for canonical_name, (printed, duties, deadlines) in collected.items():
        assignment = to_assignment(printed, canonical_name, duties, section="table")
        assignment.deadlines = deadlines
        out.append(assignment)
    return out


def cell(row: list[str | None], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return " ".join((row[index] or "").split())
