"""Public bodies named in a plan: where a name starts and ends, and its canonical form for comparing documents.

A plan names bodies as subjects of duties ("Sở Tư pháp tham mưu …", "Giao Công an tỉnh …", "Đề nghị Ủy ban
MTTQ Việt Nam tỉnh …"), several at once ("Các sở, ban, ngành và Ủy ban nhân dân các xã, phường, đặc khu căn cứ
…"), abbreviated ("Sở TN&MT", "UBND các xã") and with their place ("Công an tỉnh Lâm Đồng"). Names are read
against the table in ``data/bodies.tsv`` (canonical name, kind, printed forms), matched on folded tokens
(no accents or case; commas and dashes inside a name optional; "&" = "và"; UBND, HĐND, MTTQ, VN, TW … = their
long forms), longest form first. A body the table lacks is read by the form of a name: a head noun
("Sở", "Ban", "Trung tâm", "Hội" …) with a capitalised word after it, up to the first verb or punctuation.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .lines import fold

DATA = Path(__file__).with_name("data") / "bodies.tsv"

# Abbreviations expanded on both sides before matching (folded keys).
EXPANSIONS: dict[str, tuple[str, ...]] = {
    "ubnd": ("uy", "ban", "nhan", "dan"),
    "ub": ("uy", "ban"),
    "hdnd": ("hoi", "dong", "nhan", "dan"),
    "mttq": ("mat", "tran", "to", "quoc"),
    "ubmttq": ("uy", "ban", "mat", "tran", "to", "quoc"),
    "mttqvn": ("mat", "tran", "to", "quoc", "viet", "nam"),
    "ubmttqvn": ("uy", "ban", "mat", "tran", "to", "quoc", "viet", "nam"),
    "vn": ("viet", "nam"),
    "tw": ("trung", "uong"),
    "tp": ("thanh", "pho"),
    "dbqh": ("dai", "bieu", "quoc", "hoi"),
    "bql": ("ban", "quan", "ly"),
    "kcn": ("khu", "cong", "nghiep"),
    "chqs": ("chi", "huy", "quan", "su"),
    "bdbp": ("bo", "doi", "bien", "phong"),
    "vksnd": ("vien", "kiem", "sat", "nhan", "dan"),
    "tand": ("toa", "an", "nhan", "dan"),
    "bhxh": ("bao", "hiem", "xa", "hoi"),
    "lhpn": ("lien", "hiep", "phu", "nu"),
    "ccb": ("cuu", "chien", "binh"),
    "&": ("va",),
}
# Punctuation that may stand inside a printed name ("Sở Văn hóa, Thể thao và Du lịch", "LĐ-TB&XH").
SOFT = {",", "-", "–", "."}
TOKEN = re.compile(r"\w+|[^\w\s]")

# Level words and places after a name: printed, not canonical.
LEVELS = (("tinh",), ("thanh", "pho"), ("huyen",), ("quan",), ("thi", "xa"), ("xa",), ("phuong",), ("thi", "tran"))
# Designators after a name that tell bodies of one kind apart: kept in the canonical name.
DESIGNATOR = re.compile(r"^(?:\d{1,3}|[IVXLC]{1,6})$")

# Bodies every unit of a level has, named for all of them at once: 'UBND các xã, phường, đặc khu'.
LIST_HEADS: dict[tuple[str, ...], tuple[str, str]] = {
    ("chu", "tich", "uy", "ban", "nhan", "dan"): ("UBND", "person"),
    ("uy", "ban", "nhan", "dan"): ("UBND", ""),
    ("hoi", "dong", "nhan", "dan"): ("HĐND", ""),
    ("cong", "an"): ("Công an", ""),
    ("uy", "ban", "mat", "tran", "to", "quoc", "viet", "nam"): ("Ủy ban MTTQ Việt Nam", ""),
    ("uy", "ban", "mat", "tran", "to", "quoc"): ("Ủy ban MTTQ Việt Nam", ""),
    ("dang", "uy"): ("Đảng ủy", ""),
    ("ban", "chi", "huy", "quan", "su"): ("Ban Chỉ huy Quân sự", ""),
}
COMMUNE_LEVELS = {"xa", "phuong", "thi tran", "dac khu"}
DISTRICT_LEVELS = {"huyen", "quan", "thi xa", "thanh pho"}
UNIT_LEVELS = [
    ("thi", "tran"),
    ("dac", "khu"),
    ("thi", "xa"),
    ("thanh", "pho"),
    ("xa",),
    ("phuong",),
    ("huyen",),
    ("quan",),
]

# Head nouns of a body's name (folded): a capitalised word must follow ("Sở Nội vụ", "Hội Nông dân").
HEADS = [
    ("so",),
    ("ban",),
    ("bo",),
    ("uy", "ban"),
    ("van", "phong"),
    ("cong", "an"),
    ("thanh", "tra"),
    ("trung", "tam"),
    ("bao",),
    ("dai",),
    ("lien", "doan"),
    ("hoi",),
    ("hoi", "dong"),
    ("doan",),
    ("vien",),
    ("toa", "an"),
    ("ngan", "hang"),
    ("chi", "cuc"),
    ("cuc",),
    ("tong", "cuc"),
    ("kho", "bac"),
    ("bao", "hiem"),
    ("bo", "chi", "huy"),
    ("ban", "chi", "huy"),
    ("bo", "tu", "lenh"),
    ("phong",),
    ("truong",),
    ("benh", "vien"),
    ("to",),
    ("dang", "uy"),
    ("chi", "bo"),
    ("quy",),
    ("cong", "ty"),
    ("tap", "doan"),
    ("hoc", "vien"),
    ("dai", "hoc"),
    ("chi", "nhanh"),
    ("don",),
    ("tram",),
    ("hat",),
    ("vuon",),
    ("tap", "chi"),
    ("cong",),
    ("ban", "quan", "ly"),
    ("doan", "thanh", "nien"),
]
# Words after a head that make it a verb or a common noun, not a name ("Ban hành", "Tổ chức", "Phòng, chống").
NOT_NAMES = {
    "ban": {"hanh"},
    "to": {"chuc"},
    "hoi": {"nghi", "thao", "dien", "thi", "cho"},
    "phong": {"chong", "ngua", "tranh", "lam"},
    "bao": {"cao", "dam", "ve", "quan", "tri", "hiem"},
    "doan": {"ket", "kiem"},
    "cong": {"tac", "khai", "bo", "nhan", "dan", "chuc", "trinh", "viec", "nghe", "thuong"},
    "dai": {"dien", "hoi"},
    "don": {"doc", "vi"},
    "truong": {"hop"},
    "so": {"hoa", "luong", "lieu"},
    "quy": {"dinh", "che", "trinh"},
    "tram": {"trong"},
}
# A body acting through its head or leaders: printed with the person, compared as the body.
PERSONS = [
    ("chu", "tich"),
    ("pho", "chu", "tich"),
    ("giam", "doc"),
    ("thu", "truong"),
    ("lanh", "dao"),
    ("chanh", "van", "phong"),
    ("chanh", "thanh", "tra"),
    ("truong", "ban"),
    ("truong", "phong"),
    ("bi", "thu"),
    ("chi", "huy", "truong"),
    ("nguoi", "dung", "dau"),
    ("truong", "cong", "an"),
]
# Lower-case words that begin the predicate after a subject ("… chủ trì", "… tham mưu"): they end a name
# read by its form. Any lower-case word ends a name the table knows.
VERBS = {
    "chu",
    "phoi",
    "tham",
    "chi",
    "can",
    "co",
    "chiu",
    "thuc",
    "trien",
    "to",
    "xay",
    "huong",
    "theo",
    "kiem",
    "don",
    "bao",
    "ra",
    "tang",
    "day",
    "tiep",
    "nghien",
    "long",
    "quan",
    "bo",
    "phat",
    "la",
    "truc",
    "dinh",
    "thuong",
    "khan",
    "tich",
    "cung",
    "dam",
    "de",
    "ban",
    "tap",
    "ho",
    "giam",
    "tuyen",
    "van",
    "cap",
    "cong",
    "nang",
    "xu",
    "huy",
    "lap",
    "giao",
    "tong",
    "giai",
    "hoan",
    "sua",
    "sap",
    "dau",
    "mua",
    "bien",
    "dang",
    "duy",
    "ung",
    "chuyen",
    "phai",
    "se",
    "dua",
    "gui",
    "nop",
    "trinh",
    "du",
    "tao",
    "uu",
    "lua",
    "bam",
    "khuyen",
    "vao",
    "nam",
    "danh",
    "khao",
    "thu",
    "cho",
    "dieu",
    "mo",
    "ky",
    "thong",
    "ket",
    "duoc",
}
NOT_PREDICATE = {"cua", "thuoc", "ve", "trong", "tai", "voi", "o", "nay", "do", "tren", "den", "tu", "cac", "va"}


class Tok(NamedTuple):
    text: str
    key: str
    start: int
    end: int

    @property
    def cap(self) -> bool:
        return self.text[:1].isupper()

    @property
    def word(self) -> bool:
        return self.text[:1].isalnum()


@dataclass(frozen=True)
class Body:
    """One body as printed in ``text[start:end]``, with its canonical name and kind ('' when unknown)."""

    printed: str
    canonical: str
    kind: str
    start: int
    end: int


@dataclass
class Subject:
    """The bodies a duty item opens with, and what follows them."""

    bodies: list[Body]
    prefix: str  # folded lead-in: "giao", "de nghi", "doi voi", "can cu" or ""
    end: int  # offset in the text after the subject (after its ':' if it has one)
    colon: bool
    text: str = ""
    request: bool = False
    aliases: list[str] = field(default_factory=list)

    @property
    def rest(self) -> str:
        return self.text[self.end :].strip(" :,-–")


def tokenize(text: str) -> list[Tok]:
    key = fold(text)
    return [Tok(m.group(), key[m.start() : m.end()], m.start(), m.end()) for m in TOKEN.finditer(text)]


def expand(tokens: list[Tok]) -> list[tuple[str, int]]:
    """Folded keys for matching, abbreviations spelled out; each key keeps the index of its token.
    Soft punctuation is dropped (names are matched with or without their inner commas and dashes)."""
    out: list[tuple[str, int]] = []
    for index, tok in enumerate(tokens):
        if tok.key in SOFT:
            continue
        for part in EXPANSIONS.get(tok.key, (tok.key,)):
            out.append((part, index))
    return out


@functools.lru_cache(maxsize=4096)
def form_keys(form: str) -> tuple[str, ...]:
    return tuple(key for key, _ in expand(tokenize(form)))


@dataclass(frozen=True)
class Entry:
    canonical: str
    kind: str


@functools.lru_cache(maxsize=1)
def table() -> tuple[dict, dict[str, Entry]]:
    """The body table as a trie over folded keys (leaf key None → Entry), and canonical name → Entry."""
    trie: dict = {}
    by_name: dict[str, Entry] = {}
    for raw in DATA.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#") or raw.startswith("canonical\t"):
            continue
        canonical, kind, forms = raw.split("\t")
        entry = Entry(canonical, kind)
        by_name[canonical] = entry
        for form in [canonical, *forms.split(" | ")]:
            keys = form_keys(form)
            # 'Sở Kế hoạch - Đầu tư' is printed for 'Sở Kế hoạch và Đầu tư': the form without 'và' too
            for variant in (keys, tuple(k for k in keys if k != "va")):
                node = trie
                for key in variant:
                    node = node.setdefault(key, {})
                node.setdefault(None, entry)  # the first canonical a form is listed under wins
    return trie, by_name


def longest_form(keys: list[tuple[str, int]], at: int) -> tuple[int, Entry] | None:
    """The longest table form starting at ``keys[at]``: (end position in keys, entry). A form must end on a
    token boundary (not inside an expanded 'UBND')."""
    trie, _ = table()
    node = trie
    best = None
    position = at
    while position < len(keys) and keys[position][0] in node:
        node = node[keys[position][0]]
        position += 1
        if None in node and (position == len(keys) or keys[position][1] != keys[position - 1][1]):
            best = (position, node[None])
    return best


def starts_with(keys: list[tuple[str, int]], at: int, words: tuple[str, ...]) -> bool:
    if at + len(words) > len(keys):
        return False
    for offset, word in enumerate(words):
        if keys[at + offset][0] != word:
            return False
    return True


def by_first_word(phrases: list[tuple[str, ...]]) -> dict[str, list[tuple[str, ...]]]:
    """Phrases indexed by their first word, longest first."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for phrase in sorted(phrases, key=len, reverse=True):
        out.setdefault(phrase[0], []).append(phrase)
    return out


HEADS_BY_WORD = by_first_word(HEADS)
PERSONS_BY_WORD = by_first_word(PERSONS)
HEADS_AND_PERSONS_BY_WORD = by_first_word(HEADS + PERSONS)


class Reader:
    """Reads body names from one text, token by token."""

    def __init__(self, text: str, place: str | None = None):
        self.text = text
        self.tokens = tokenize(text)
        self.keys = expand(self.tokens)
        self.place = tuple(form_keys(place)) if place else ()

    # positions: indexes into self.keys; tok(i) is the token behind keys[i]
    def tok(self, position: int) -> Tok:
        return self.tokens[self.keys[position][1]]

    def key(self, position: int) -> str:
        return self.keys[position][0] if position < len(self.keys) else ""

    def position_of(self, offset: int) -> int:
        for position, (_, index) in enumerate(self.keys):
            if self.tokens[index].start >= offset:
                return position
        return len(self.keys)

    def body_at(self, position: int) -> tuple[int, Body] | None:
        """A body name starting at ``position``: (position after it, the body)."""
        if position >= len(self.keys):
            return None
        start_tok = self.tok(position)
        person_end = position
        for words in PERSONS_BY_WORD.get(self.keys[position][0], ()):
            if starts_with(self.keys, position, words):
                person_end = position + len(words)
                break
        found = self.named_at(person_end)
        if found is None:
            return None
        end, canonical, kind = found
        printed = self.text[start_tok.start : self.tok(end - 1).end]
        return end, Body(printed, canonical, kind, start_tok.start, self.tok(end - 1).end)

    def named_at(self, position: int) -> tuple[int, str, str] | None:
        """(position after the name, canonical, kind) of a name at ``position``, table first."""
        if position >= len(self.keys):
            return None
        first = self.tok(position)
        if not first.word:
            return None
        known = longest_form(self.keys, position)
        levels = self.level_list(position)
        if levels is not None and (known is None or levels[0] >= known[0]):
            return levels
        if known is not None:
            end, entry = known
            group = entry.kind == "group"
            if group or first.cap:
                end, designator = self.suffix(end)
                canonical = entry.canonical + (f" {designator}" if designator else "")
                return end, canonical, entry.kind
        if not first.cap:
            return None
        return self.by_form(position)

    def level_list(self, position: int) -> tuple[int, str, str] | None:
        """'UBND các xã, phường, đặc khu', 'Ủy ban nhân dân phường, xã', 'Công an các huyện, thị xã': a body
        of every unit of a level, in any order of the level words → 'UBND cấp xã', 'Công an cấp huyện'."""
        head = next((h for h in LIST_HEADS if starts_with(self.keys, position, h)), None)
        if head is None:
            return None
        at = position + len(head)
        plural = self.key(at) == "cac"
        at += plural
        found: list[str] = []
        while True:
            level = next((lv for lv in UNIT_LEVELS if starts_with(self.keys, at, lv)), None)
            if level is None:
                break
            found.append(" ".join(level))
            at += len(level)
            if self.key(at) == "va" and any(starts_with(self.keys, at + 1, lv) for lv in UNIT_LEVELS):
                at += 1
            elif not (
                self.punctuation_before(at) & {","} and any(starts_with(self.keys, at, lv) for lv in UNIT_LEVELS)
            ):
                break
        if not found or not (plural or len(found) >= 2):
            return None
        if all(level in COMMUNE_LEVELS for level in found):
            tier = "cấp xã"
        elif found[0] in DISTRICT_LEVELS:
            tier = "cấp huyện"
        else:
            return None
        at, _ = self.suffix(at)
        name, kind = LIST_HEADS[head]
        return at, f"{name} {tier}", "commune" if tier == "cấp xã" else "district"

    def suffix(self, position: int) -> tuple[int, str]:
        """After a name: a level word, a place and/or a designator ('tỉnh', 'tỉnh Lâm Đồng', 'khu vực X',
        '3'). Returns the position after them and the designator (kept in the canonical name)."""
        designator = ""
        for owner in (("cua",), ("thuoc",), ("tren", "dia", "ban")):
            after = position + len(owner)
            if starts_with(self.keys, position, owner) and any(starts_with(self.keys, after, lv) for lv in LEVELS[:2]):
                position = after  # 'Các sở, ban, ngành của Thành phố', '… thuộc tỉnh'
                break
        for level in LEVELS:
            if starts_with(self.keys, position, level) and not self.punctuation_before(position):
                position += len(level)
                break
        if self.place and starts_with(self.keys, position, self.place) and not self.punctuation_before(position):
            position += len(self.place)
        else:
            # a capitalised place that is not the start of another body ("… Truyền hình Lâm Đồng")
            taken = 0
            while position < len(self.keys) and taken < 4:
                tok = self.tok(position)
                if not (tok.word and tok.cap) or DESIGNATOR.match(tok.text) or self.is_head(position):
                    break
                if position and self.punctuation_before(position) - {"-", "–"}:
                    break
                position += 1
                taken += 1
        if starts_with(self.keys, position, ("khu", "vuc")) and position + 2 < len(self.keys):
            area = self.tok(position + 2)
            if DESIGNATOR.match(area.text) or area.cap:
                designator = self.text[self.tok(position).start : area.end]
                position += 3
        elif position < len(self.keys) and DESIGNATOR.match(self.tok(position).text):
            designator = self.tok(position).text
            position += 1
        return position, designator

    def punctuation_before(self, position: int) -> set[str]:
        """Punctuation between the token at ``position`` and the one before it."""
        if position <= 0 or position >= len(self.keys):
            return set()
        index, previous = self.keys[position][1], self.keys[position - 1][1]
        return {t.text for t in self.tokens[previous + 1 : index]}

    def is_head(self, position: int) -> bool:
        if longest_form(self.keys, position) is not None:
            return True
        for head in HEADS_AND_PERSONS_BY_WORD.get(self.key(position), ()):
            # a head's words stand together: 'Đảng, Ủy ban' is no 'Đảng ủy'
            if starts_with(self.keys, position, head) and not any(
                self.punctuation_before(position + k) for k in range(1, len(head))
            ):
                return True
        return False

    def by_form(self, position: int) -> tuple[int, str, str] | None:
        """A name the table lacks: a head noun, then a capitalised word, then the name's words up to the
        first predicate verb or punctuation; at most 12 words."""
        head = next((h for h in HEADS_BY_WORD.get(self.key(position), ()) if starts_with(self.keys, position, h)), None)
        if head is None:
            return None
        after = position + len(head)
        if after >= len(self.keys):
            return None
        nxt = self.tok(after)
        if not nxt.word or self.key(after) in NOT_NAMES.get(head[0], ()) and len(head) == 1:
            return None
        if not (nxt.cap or nxt.text[:1].isdigit() or self.key(after) in {k for level in LEVELS for k in level}):
            return None
        end = after
        last_index = self.keys[position][1]
        while end < len(self.keys) and end - position < 12:
            key, index = self.keys[end]
            tok = self.tokens[index]
            between = self.tokens[last_index + 1 : index]
            if any(t.text in {":", ";", "(", ")", "."} for t in between):
                break
            if not tok.word or (not tok.cap and key in VERBS and not tok.text[:1].isdigit()):
                break
            if any(t.text == "," for t in between) and (not tok.cap or self.is_head(end)):
                break  # ", phối hợp …" or ", Sở Y tế": this name is over
            if end > after and self.is_head(end) and tok.cap and key not in ("va",):
                break
            if key == "va" and end + 1 < len(self.keys) and self.is_head(end + 1) and self.tok(end + 1).cap:
                break
            last_index = index
            end += 1
        if end - position >= 12:
            return None
        rest = self.keys[end:]
        if 0 < len(rest) <= 3 and not any(self.punctuation_before(p) for p in range(end, len(self.keys))):
            if all(self.tokens[i].word for _, i in rest) and not self.text[self.tokens[rest[-1][1]].end :].strip():
                end = len(self.keys)  # a heading that is only a name: 'Trung tâm Dịch vụ tổng hợp'
        printed = self.text[self.tok(position).start : self.tok(end - 1).end]
        return end, canonical_printed(printed), ""

    def bodies_at(self, position: int) -> tuple[int, list[Body]]:
        """Bodies named one after another from ``position`` ('A, B và C', 'A; B'): (position after, bodies)."""
        bodies: list[Body] = []
        while True:
            found = self.body_at(position)
            if found is None:
                break
            position, body = found
            # a parenthesis right after a name belongs to it: 'Văn phòng UBND tỉnh (Trung tâm …)'
            position = self.skip_parenthesis(position)
            bodies.append(body)
            nxt = self.separator(position)
            if nxt is None:
                break
            position = nxt
        return position, bodies

    def skip_parenthesis(self, position: int) -> int:
        if position >= len(self.keys):
            return position
        index = self.keys[position][1]
        previous = self.keys[position - 1][1] if position else -1
        between = self.tokens[previous + 1 : index]
        if any(t.text == "(" for t in between) or self.tokens[index].text == "(":
            start = self.tokens[previous].end if previous >= 0 else 0
            close = self.text.find(")", start)
            if 0 <= close - start <= 160:
                return self.position_of(close + 1)
        return position

    def separator(self, position: int) -> int | None:
        """Position of the next body after ',', ';' or 'và' (and an optional 'các'); None when none follows."""
        if position >= len(self.keys):
            return None
        index = self.keys[position][1]
        previous = self.keys[position - 1][1] if position else -1
        between = {t.text for t in self.tokens[previous + 1 : index]}
        candidate = position
        if self.key(candidate) == ";":
            candidate += 1
        elif self.key(candidate) in ("va", "cung"):
            candidate += 1
        elif not between & {",", ";"}:
            return None
        if between & {":", "("}:
            return None
        if self.body_at(candidate) is not None:
            return candidate
        return None


def canonical_printed(printed: str) -> str:
    """A printed name as a canonical one when the table does not know it: parentheses and a leading person
    dropped, UBND/HĐND spelled short, spacing and capitalisation of the first letter normalised."""
    text = re.sub(r"\s*\([^)]*\)", "", printed)
    text = " ".join(text.split()).strip(" ,;:-–.")
    text = re.sub(r"(?i)\bủy ban nhân dân\b|\buỷ ban nhân dân\b", "UBND", text)
    text = re.sub(r"(?i)\bhội đồng nhân dân\b", "HĐND", text)
    return text[:1].upper() + text[1:] if text else text


def read_bodies(text: str, place: str | None = None) -> list[Body]:
    """Every body named at the start of ``text`` and after it, one after another ('A, B và C')."""
    reader = Reader(text, place)
    return reader.bodies_at(0)[1]


def canonical(name: str, place: str | None = None) -> str:
    """Canonical name of one printed body: 'Ủy ban nhân dân các xã, phường' → 'UBND cấp xã',
    'Sở TN&MT' → 'Sở Tài nguyên và Môi trường'; an unknown body gets its printed name tidied."""
    bodies = read_bodies(name, place)
    if len(bodies) == 1 and not name[bodies[0].end :].strip(" .;,:"):
        return bodies[0].canonical
    if bodies:
        return bodies[0].canonical
    return canonical_printed(name)


def split_bodies(text: str, place: str | None = None) -> list[Body]:
    """The bodies of a joint subject or a table cell ('Sở Tư pháp; UBND các xã, phường'): every body named,
    whatever separates them. Text that names no body gives []."""
    reader = Reader(text, place)
    out: list[Body] = []
    position = 0
    while position < len(reader.keys):
        end, bodies = reader.bodies_at(position)
        if bodies:
            out.extend(bodies)
            position = max(end, position + 1)
            continue
        # skip to the next ';' / ',' / 'và' and try again
        position += 1
        while position < len(reader.keys):
            index = reader.keys[position][1]
            previous = reader.keys[position - 1][1]
            between = {t.text for t in reader.tokens[previous + 1 : index]}
            if between & {",", ";"} or reader.key(position - 1) == "va":
                break
            position += 1
    return out


# Lead-ins before the subject of a duty item (folded): 'Giao Sở …', 'Đề nghị Ủy ban MTTQ …'.
SHORT_OPENING = 260
OPENING = 500  # characters of an item read for its subject ('Căn cứ …, các sở … xây dựng' included)
REQUEST_LEADS: tuple[tuple[str, ...], ...] = (
    ("tran", "trong", "de", "nghi"),
    ("kinh", "de", "nghi"),
    ("de", "nghi"),
    ("kien", "nghi"),
)
LEADS: tuple[tuple[str, ...], ...] = (
    ("giao", "cho"),
    ("giao",),
    ("yeu", "cau"),
    ("chi", "dao"),
    ("doi", "voi"),
    ("rieng",),
    ("dong", "thoi"),
)
# after these the bodies are named as objects of the lead ('Giao Sở X, Sở Y theo chức năng …'): any words may follow
OBJECT_LEADS = {"giao", "giao cho", "yeu cau", "chi dao", "de nghi", "kinh de nghi", "tran trong de nghi", "kien nghi"}
# Adverbial openings after which the subject follows a comma: 'Căn cứ …, các sở … xây dựng …'.
CLAUSE_LEADS = (("can", "cu"), ("tren", "co", "so"))


def find_subject(text: str, place: str | None = None, *, heading: bool = False) -> Subject | None:
    """The bodies a duty item or heading opens with (see ``opening_subject``), read in its first
    ``OPENING`` characters."""
    if not may_open_with_body(text):
        return None
    # most subjects stand in the first words: read those first, the whole opening only when needed
    subject = opening_subject(text[:SHORT_OPENING], place, heading=heading and len(text) <= SHORT_OPENING)
    if len(text) > SHORT_OPENING and needs_longer_read(text, subject):
        subject = opening_subject(text[:OPENING], place, heading=heading and len(text) <= OPENING)
    if subject is not None:
        subject.text = text
    return subject


FIRST_WORD = re.compile(r"[-–—•+*\s]*(\w+)")


@functools.lru_cache(maxsize=1)
def first_words() -> frozenset[str]:
    """Every word a subject can open with (folded, abbreviations spelled out): a quick test before reading."""
    trie, _ = table()
    words = {key for key in trie if key is not None}
    for phrases in (HEADS, PERSONS, LEADS, REQUEST_LEADS, CLAUSE_LEADS, tuple(LIST_HEADS)):
        words.update(phrase[0] for phrase in phrases)
    words.update({"cac"})
    return frozenset(words)


FIRST_TWO = re.compile(r"[-–—•+*\s]*(\w+)[\s,]+(\w+)")


def may_open_with_body(text: str) -> bool:
    """A quick test before reading: the first word can open a subject, and the first two are no verb that
    starts like a body's head ('Tổ chức', 'Ban hành', 'Phòng, chống')."""
    match = FIRST_WORD.match(text)
    if match is None:
        return False
    key = fold(match.group(1))
    if EXPANSIONS.get(key, (key,))[0] not in first_words():
        return False
    two = FIRST_TWO.match(text)
    return not (two and fold(two.group(2)) in NOT_NAMES.get(key, ()))


LONG_LEADS = re.compile(r"(?i)^[-–—•+*\s]*(?:căn\s+cứ|trên\s+cơ\s+sở|giao|đề\s+nghị|kính\s+đề\s+nghị|yêu\s+cầu)\b")


def needs_longer_read(text: str, subject: Subject | None) -> bool:
    """Read an item's whole opening when its first words may not hold its subject: an opening clause
    ('Căn cứ …, X …'), a list of bodies after 'Giao' / 'Đề nghị', or bodies that run up to the cut."""
    if subject is not None:
        return subject.end >= SHORT_OPENING - 40
    return bool(LONG_LEADS.match(text))


def opening_subject(text: str, place: str | None = None, *, heading: bool = False) -> Subject | None:
    """The bodies a duty item or heading opens with, when it opens with bodies: 'Sở Tư pháp tham mưu …',
    'Giao Sở Nội vụ:', 'Đề nghị Viện Kiểm sát nhân dân tỉnh, Tòa án nhân dân tỉnh', 'Căn cứ …, các sở …
    xây dựng …'. A list item that is only a name ('- Các cơ quan Trung ương đóng trên địa bàn tỉnh.') is
    no subject; a heading may be ('1. Sở Nội vụ')."""
    reader = Reader(text, place)
    if not reader.keys:
        return None
    position = 0
    prefix = ""
    request = False
    for words in REQUEST_LEADS:
        if starts_with(reader.keys, 0, words):
            position, prefix, request = len(words), " ".join(words), True
            break
    else:
        for words in LEADS:
            if starts_with(reader.keys, 0, words):
                position, prefix = len(words), " ".join(words)
                break
    if prefix and reader.key(position) == ":":
        position += 1  # '6. Đề nghị: Hiệp hội Doanh nghiệp tỉnh, …'
    subject = subject_at(reader, position, prefix, request, heading)
    if subject is not None:
        if subject.bodies and subject.bodies[0].kind == "province" and subject.bodies[0].canonical in ISSUERS:
            # 'UBND tỉnh giao Sở …' / 'Chủ tịch UBND tỉnh giao …': the body after 'giao' is the subject
            after = reader.position_of(subject.bodies[-1].end)
            for words in (("giao",), ("yeu", "cau"), ("de", "nghi"), ("chi", "dao")):
                if starts_with(reader.keys, after, words):
                    return subject_at(reader, after + len(words), " ".join(words), words == ("de", "nghi"), heading)
        return subject
    for clause_lead in CLAUSE_LEADS:
        if starts_with(reader.keys, 0, clause_lead):
            comma = first_comma_subject(reader, text, place, heading)
            if comma is not None:
                comma.prefix = " ".join(clause_lead)
            return comma
    return None


ISSUERS = {"UBND tỉnh", "Chủ tịch UBND tỉnh", "Tỉnh ủy", "HĐND tỉnh"}


def subject_at(reader: Reader, position: int, prefix: str, request: bool, heading: bool) -> Subject | None:
    end, bodies = reader.bodies_at(position)
    if not bodies:
        return None
    text = reader.text
    offset = bodies[-1].end
    # the parenthesis after the last body is part of its printed name
    tail = text[offset:]
    stripped = tail.lstrip()
    if stripped.startswith("("):
        close = text.find(")", offset)
        if close >= 0:
            offset = close + 1
            tail = text[offset:]
            stripped = tail.lstrip()
    if stripped.startswith(":"):
        colon_at = offset + (len(tail) - len(stripped))
        return Subject(bodies, prefix, colon_at + 1, True, text, request)
    if not stripped or stripped[:1] in ".;":
        if heading and not stripped.strip(" .;:"):
            return Subject(bodies, prefix, len(text), False, text, request)
        return None
    if prefix == "doi voi":
        # 'Đối với A, thủ trưởng …': the bodies before the comma are the subject
        comma = text.find(",", bodies[0].end)
        if (
            comma < 0
            or text[bodies[0].end : comma].strip(" )(")
            and not text[bodies[0].end : comma].lstrip().startswith("(")
        ):
            return None
        kept = [b for b in bodies if b.end <= comma]
        return Subject(kept, prefix, comma + 1, False, text, request)
    if prefix in OBJECT_LEADS:
        return Subject(bodies, prefix, offset, False, text, request)
    if heading and re.match(r"(?:,|và\b|cùng\b)", stripped):
        # a heading naming bodies goes on with others the table does not know ('Các cơ quan, tổ chức, cá
        # nhân, doanh nghiệp trên địa bàn'): the known ones are its subject
        return Subject(bodies, prefix, len(text), False, text, request)
    if stripped.startswith(","):
        stripped = stripped[1:].lstrip()
    first = TOKEN.match(stripped)
    if first is None:
        return None
    word = first.group()
    if not word[:1].islower() or fold(word) in NOT_PREDICATE:
        return None
    return Subject(bodies, prefix, offset, False, text, request)


def first_comma_subject(reader: Reader, text: str, place: str | None, heading: bool) -> Subject | None:
    """'Căn cứ Kế hoạch này, các sở, ban, ngành … xây dựng …': the subject after the opening clause's comma,
    within the first sentence."""
    sentence_end = min([i for i in (text.find(". "), text.find("; ")) if i >= 0] or [len(text)])
    for match in re.finditer(r",\s+", text[: min(sentence_end, 400)]):
        position = reader.position_of(match.end())
        subject = subject_at(reader, position, "", False, heading)
        if subject is not None:
            return subject
    return None
