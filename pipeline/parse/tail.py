"""Tail of a document: "Nơi nhận:" recipients, the "Lưu: …" line, and the signature block.

The two columns (recipients | signature) may come one after the other in either order, or interleaved line
by line by OCR ("Noi nhgn: TM. UY BAN NHAN DAN" / "- UBND thanh pho; , KT. CHU TICH"). Every tail line is
split into its column pieces; dash pieces after "Nơi nhận" are recipients, capital pieces and a name are
the signature.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from diacritics.lexicon import is_syllable
from diacritics.phonology import canonical

from ..model import Signature
from .body import match_label, starts_closing
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
from .names import RANKS, name_table, repair_name, repair_position, repair_word

AUTHORITY = re.compile(r"(?:^|(?<=[\s,;.]))(?P<mark>T\s?M|T\s?/\s?M|T\.\s?M)\s*[.:/,-]?\s*(?=[A-ZĐÀ-Ỹ]{2})")
ACTING = re.compile(
    r"(?:^|(?<=[\s,;.]))(?P<mark>KT|K\s?/\s?T|K\.T|TL|T\s?/\s?L|TUQ|Q)\s*[.:/,-]\s*(?=[A-ZĐÀ-Ỹ]{2})"
    r"|(?:^|(?<=[\s,;.]))(?P<mark2>KT|K\s?/\s?T|TL|T\s?/\s?L|TUQ)\s+(?=[A-ZĐÀ-Ỹ]{2})"
)
RECIPIENTS_MARK = re.compile(r"^\W{0,3}n\S{1,2}i\s*nh\S{1,3}\s*[:;.]?", re.I)
# "Sai nhận:", "Nei nhận:": a short first word, then "nhận", alone on its line
GARBLED_MARK = re.compile(r"^\W{0,2}\S{2,4}\s+nh\S{1,2}n\s*:\s*$")
STORAGE_MARK = re.compile(r"^l[uư]u\s*(?:[:.;]|\s(?=[A-ZĐ]))", re.I)
SIGNED_NOTE = re.compile(r"^\(?\s*(?:đã\s+ký|da\s+ky|ký|ky|chữ\s+ký|dấu)\b.*\)?$|^\[.*\]$", re.I)
DASH_LEAD = re.compile(r"^\s*[-–—−•+*·]\s*")
# Column pieces of an OCR'd line: a wide gap separates them.
GAP = re.compile(r"\s{3,}")
# Family names that open most Vietnamese names: a capital-letters line starting with one is the signer
SURNAMES = {
    "nguyen",
    "tran",
    "le",
    "pham",
    "hoang",
    "huynh",
    "phan",
    "vu",
    "vo",
    "dang",
    "bui",
    "do",
    "ho",
    "ngo",
    "duong",
    "ly",
    "truong",
    "dinh",
    "doan",
    "lam",
    "mai",
    "trinh",
    "cao",
    "luong",
    "ha",
    "ta",
    "quach",
    "luu",
    "thai",
    "chau",
    "to",
    "tong",
    "kieu",
    "la",
    "dao",
    "trieu",
    "van",
    "giang",
    "au",
}
POSITION_WORDS = (
    "chu tich",
    "bi thu",
    "giam doc",
    "truong",
    "pho",
    "chanh",
    "tong",
    "uy vien",
    "thu truong",
    "hieu truong",
    "chi huy",
    "tham muu",
    "quyen",
    "cuc truong",
    "vu truong",
    "chu nhiem",
    "thuong truc",
    "thu ky",
    "chu tri",
    "chu toa",
    "dai dien",
    "nguoi lap",
    "thu tuong",
    "tu lenh",
    "chinh uy",
    "chanh an",
)


@dataclass
class Tail:
    recipients: list[str] = field(default_factory=list)
    storage: list[str] = field(default_factory=list)
    signature: Signature | None = None
    signatures: list[Signature] = field(default_factory=list)  # every block, in reading order
    found_recipients_mark: bool = False


def is_recipients_mark(line_key: str) -> bool:
    key = look_alike(line_key)
    return (
        starts_like(line_key.lstrip(" -*#"), "noi nhan", 1)
        or bool(RECIPIENTS_MARK.match(key))
        or bool(GARBLED_MARK.match(key))
    )


STORAGE_ENTRY = re.compile(r"[,;] ?$")


def signature_mark_at(text: str) -> int | None:
    """Offset of the first TM./KT./TL./TUQ./Q. mark in ``text`` (None when there is none). A department's
    initials in the storage list ("- Lưu: VT, KT, ĐT&QHXD, …": the economic department "KT") are no mark: a
    list entry after a comma, itself followed by a comma, on a "Lưu" line."""
    storage = bool(STORAGE_MARK.match(fold(DASH_LEAD.sub("", text.lstrip()))))
    offsets = []
    for pattern in (AUTHORITY, ACTING):
        for match in pattern.finditer(text):
            if storage and STORAGE_ENTRY.search(text[: match.start()]) and match.group().rstrip().endswith(","):
                continue
            offsets.append(match.start())
            break
    return min(offsets) if offsets else None


MAX_QUOTED_BLOCKS = 20


def find_tail_start(lines: list[Line], search_from: int) -> int | None:
    """Index where the tail begins: 'Nơi nhận' or the first signature mark after ``search_from``. A tail after
    which the body goes on (a guide quoting sample signature blocks and 'Nơi nhận' lists) is a quotation when
    another tail follows: the search goes on after it."""
    start = first_tail_start(lines, search_from)
    for _ in range(MAX_QUOTED_BLOCKS):
        if start is None:
            return None
        later_mark = next_recipients_mark(lines, start + 1)
        body = last_body_line(lines, start, later_mark) if later_mark is not None else None
        if body is not None:
            start = first_tail_start(lines, body + 1)  # a sample block in the body; the real tail is further
            continue
        end = find_tail_end(lines, start)
        if not body_goes_on(lines, end):
            return start
        later = first_tail_start(lines, max(end, start + 1))
        if later is None:
            return start
        start = later
    return start


def next_recipients_mark(lines: list[Line], start: int) -> int | None:
    for index in range(start, len(lines)):
        line = lines[index]
        if not line.blank and is_recipients_mark(line.key) and len(line.flat) < 200 and not mark_in_sentence(line.flat):
            return index
    return None


def last_body_line(lines: list[Line], start: int, end: int) -> int | None:
    """The last line of body text between two lines: a numbered heading or a paragraph (a long mixed-case line
    that is no dash item); None when there is none (a tail has neither)."""
    last = None
    for index in range(start + 1, end):
        line = lines[index]
        flat = line.flat
        if line.blank or DASH_LEAD.match(flat) or is_upper_line(flat, 0.8):
            continue
        found = match_label(flat)
        if found and found[0] not in ("annex", "letter") or len(flat) > 80:
            last = index
    return last


def body_goes_on(lines: list[Line], end: int) -> bool:
    """Does body text follow a tail that ends at ``end``: a mixed-case paragraph or numbered text, not an
    annex ('PHỤ LỤC …', 'Mẫu số …'), a capital title or the end of the text?"""
    following = next((line for line in lines[end:] if not line.blank), None)
    if following is None:
        return False
    flat = following.flat
    found = match_label(flat)
    if found and found[0] == "annex" or is_upper_line(flat, 0.8) or starts_like(following.key, "mau so", 1):
        return False
    return True


# "+ Nơi nhận bản sao trình bày …": the words in a sentence, not the mark (a lower-case word follows them)
MARK_IN_SENTENCE = re.compile(r"^\W{0,3}\S{2,4}\s+[^\s:;.]{2,5}\s+(?P<next>\w)")


def mark_in_sentence(text: str) -> bool:
    match = MARK_IN_SENTENCE.match(text)
    return bool(match and match.group("next").islower())


def first_tail_start(lines: list[Line], search_from: int) -> int | None:
    """Index of the first 'Nơi nhận' or signature mark line at or after ``search_from``."""
    candidates = []
    for index in range(search_from, len(lines)):
        line = lines[index]
        if line.blank:
            continue
        if is_recipients_mark(line.key) and len(line.flat) < 200 and not mark_in_sentence(line.flat):
            candidates.append(index)
            break
    for index in range(search_from, len(lines)):
        line = lines[index]
        if line.blank:
            continue
        offset = signature_mark_at(line.flat)
        if offset == 0 and len(line.flat) < 80 and is_upper_line(line.flat, 0.8):
            candidates.append(index)
            break
    after_end = after_end_mark(lines, search_from)
    if after_end is not None:
        candidates.append(after_end)
    if candidates:
        start = min(candidates)
        if not is_recipients_mark(lines[start].key):
            start = recipients_above(lines, start, search_from)
        return start
    return trailing_signature_start(lines, search_from)


END_MARK = re.compile(r"\./\.\s*\S{0,12}\s*$")


def after_end_mark(lines: list[Line], search_from: int) -> int | None:
    """The line after the body's end mark './.' (Decree 30 closes the body with it), when the rest is short
    enough to be a tail; so the tail is found even when OCR lost both "Nơi nhận" and the marks."""
    content = [i for i in range(search_from, len(lines)) if not lines[i].blank]
    for position in range(len(content) - 1, -1, -1):
        if END_MARK.search(lines[content[position]].flat):
            rest = content[position + 1 :]
            return rest[0] if rest and len(rest) <= MAX_TAIL_LINES else None
    return None


def recipients_above(lines: list[Line], start: int, floor: int) -> int:
    """A recipients list whose "Nơi nhận" OCR lost, just above the signature: dash lines ending in a
    "Lưu: …" line (a garbled mark line ending with ':' is taken with them)."""
    index, first, storage = start - 1, start, False
    while index >= floor:
        line = lines[index]
        flat = line.flat
        if line.blank:
            index -= 1
            continue
        bare = DASH_LEAD.sub("", flat)
        if DASH_LEAD.match(flat) and len(flat) < 200:
            storage = storage or bool(STORAGE_MARK.match(bare) or STORAGE_MARK.match(fold(bare)))
            first = index
        elif len(flat) <= 12 and first == index + 1 and flat.endswith(":"):
            first = index  # "O HH:" — the mark, garbled
            break
        else:
            break
        index -= 1
    return first if storage else start


MAX_TAIL_LINES = 40


def find_tail_end(lines: list[Line], start: int) -> int:
    """Index after the tail: once both the signer's name and the recipients list (when there is one) are
    read, so that annexes printed after the signature ("PHỤ LỤC …") are read as body again."""
    seen = 0
    signer = mark = in_recipients = recipients_done = False
    for index in range(start, len(lines)):
        line = lines[index]
        if line.blank:
            continue
        seen += 1
        if seen > MAX_TAIL_LINES:
            return index
        if is_recipients_mark(line.key) and not mark:
            mark = in_recipients = True
            continue
        found = match_label(line.flat)
        if found and found[0] == "annex" and (recipients_done or signer) and seen > 1:
            return index  # "PHỤ LỤC …" after the tail: an annex, even when OCR lost the signature
        if signer and (recipients_done or not mark) and not looks_like_name(line.flat):
            if not block_follows(lines, index):
                return index  # the line after a finished tail
            signer = False  # another signature block (a Biên bản's chair after its secretary)
        pieces = split_columns(line.text)
        left = DASH_LEAD.sub("", collapse(pieces[0]))
        if in_recipients:
            if STORAGE_MARK.match(left) or STORAGE_MARK.match(fold(left)):
                in_recipients, recipients_done = False, True
            elif not (DASH_LEAD.match(pieces[0]) or left[:1].islower()):
                in_recipients, recipients_done = False, True
        if any(looks_like_name(p) or looks_like_capital_name(p) for p in pieces[-1:]) and seen > 1:
            signer = True
    return len(lines)


def block_follows(lines: list[Line], index: int, reach: int = 4) -> bool:
    """Does a signature block begin at ``index``: a mark or capital position line, then within ``reach``
    lines only capitals or signed notes and a name? (An annex's capital title is followed by its text.)"""
    first = lines[index].flat
    if match_label(first) or not (signature_mark_at(first) == 0 or is_position(first)):
        return False
    seen = 0
    for line in lines[index + 1 :]:
        if line.blank:
            continue
        seen += 1
        if seen > reach:
            return False
        flat = line.flat
        if looks_like_name(flat) or looks_like_capital_name(flat):
            return True
        if not (signature_mark_at(flat) == 0 or is_position(flat) or is_signed_note(flat)):
            return False
    return False


def trailing_signature_start(lines: list[Line], search_from: int) -> int | None:
    """A tail without marks: a short capital position line followed by a name at the very end."""
    content = [i for i in range(search_from, len(lines)) if not lines[i].blank]
    start = None
    while len(content) >= 2:  # block by block from the end: a Biên bản's secretary signs before its chair
        last, before = content[-1], content[-2]
        if not (looks_like_name(lines[last].flat) and is_position(lines[before].flat)):
            break
        start = before
        content = content[:-2]
        for index in reversed(content[-2:]):
            if is_position(lines[index].flat) and not looks_like_name(lines[index].flat):
                start = index
                content = content[:-1]
            else:
                break
    return start


def is_position(text: str) -> bool:
    flat = collapse(text)
    return is_upper_line(flat, 0.9) and 1 <= len(flat.split()) <= 8 and not flat.endswith((";", ","))


def looks_like_name(text: str) -> bool:
    """'Nguyễn Chiến Vương' (also 'guyen Chién Vuong' with its first letter lost)."""
    flat = collapse(text).strip(" .")
    words = flat.split()
    while len(words) > 2 and ACADEMIC_TITLE.match(words[0]):
        words = words[1:]  # "PGS.TS. Đoàn Đức Tùng", "ThS. …": the name follows the titles
    flat = " ".join(words)
    if not 2 <= len(words) <= 6 or len(flat) > 50:
        return False
    if lost_initial(words):
        words = words[1:]  # "2ê Văn Lợi": the family name's first letter read as a digit (repaired later)
        flat = " ".join(words)
    if not all(re.sub(r"(?<=\w)['’](?=\w)", "", w).isalpha() for w in words):  # "H'Yuin", "Ksor H’Bơ"
        return False
    if not any(c.islower() for c in flat):
        return False
    if any(len(w) >= 2 and w.isupper() for w in words):
        return False  # "Ta CẢ": seal or scribble text, not a name written in title case
    if words[0][:1].islower() and len(words[-1]) < 2:
        return False  # "nợ I": scribble, not a name that lost its first letter ("guyen Chién Vuong")
    if words[0][:1].islower() and not any(s.endswith(fold(words[0]).lower()) for s in SURNAMES):
        return False  # "xen Mộ": a signature's strokes; a name that lost its first letters ends a family name
    capitals = sum(1 for w in words if w[0].isupper())
    return capitals >= len(words) - 1 and words[-1][0].isupper()


def name_core(text: str) -> str:
    """A signer's line without what a signature's strokes left beside the name: tokens with no letter at either
    end ('~', '—_', '//', '2'), a letter or two before a family name ('A Nguyễn Văn An'), a non-syllable of two
    letters or fewer after a name of the table's family names ('Nguyễn Văn An Ji'). Anything else as it is."""
    family, _ = name_table()

    def is_family(word: str) -> bool:
        return canonical(word.lower()) in family

    words = collapse(text).split()
    while words and not any(ch.isalpha() for ch in words[0]):
        words = words[1:]
    while words and not any(ch.isalpha() for ch in words[-1]):
        words = words[:-1]
    if (
        len(words) >= 3
        and len(words[0]) <= 2
        and words[0].isalpha()
        and not is_family(words[0])
        and is_family(words[1])
    ):
        words = words[1:]
    if len(words) >= 3 and is_family(words[0]) and len(words[-1]) <= 2 and not is_syllable(words[-1].lower()):
        words = words[:-1]
    return " ".join(words)


def lost_initial(words: list[str]) -> bool:
    """A name whose family name's first letter OCR read as a digit or mark under a signature ("2ê Văn Lợi",
    "4guyễn Văn An"): one such character, then lower-case letters that the family names table repairs, and two
    title-case words after it."""
    first = words[0]
    return (
        len(words) >= 3
        and len(first) >= 2
        and not first[0].isalpha()
        and first[0] not in "-–—•.*+("
        and first[1:].isalpha()
        and first[1:].islower()
        and all(w[:1].isupper() and w.isalpha() for w in words[1:])
        and repair_word(first, True) is not None
    )


ACADEMIC_TITLE = re.compile(r"^(?:[A-ZĐ][A-Za-zĐđ]{0,4}\.){1,3}$")


def looks_like_capital_name(text: str) -> bool:
    """'NGUYỄN VĂN AN' (a name printed in capitals): 2–5 words, the first a common family name."""
    words = letters_only(fold(collapse(text))).split()
    return 2 <= len(words) <= 5 and words[0] in SURNAMES and not is_position_words(text) and is_upper_line(text)


def split_columns(text: str) -> list[str]:
    """A tail line → its column pieces (recipient side first)."""
    text = text.rstrip()
    offset = signature_mark_at(text)
    if offset is not None and offset > 0:
        return [piece for piece in (text[:offset], text[offset:]) if piece.strip()]
    parts = GAP.split(text.strip())
    if len(parts) >= 2:
        right = parts[-1]
        if is_upper_line(right) or looks_like_name(right):
            return [" ".join(parts[:-1]), right]
    # one space between the columns: "- UBND tỉnh; PHÓ CHỦ TỊCH", "- Lưu: VT. Nguyễn Văn An"
    if DASH_LEAD.match(text):
        for cut in re.finditer(r"[;,.]\s+(?=\S)", text):
            right = text[cut.end() :]
            plain = not re.search(r"[;,:]|\.\s", right)
            if plain and (
                (is_upper_line(right) and is_position_words(right))
                or looks_like_name(right)
                or looks_like_capital_name(right)
            ):
                return [text[: cut.start() + 1], right]
    return [text]


def clean_recipient(text: str) -> str:
    text = DASH_LEAD.sub("", collapse(text))
    return re.sub(r"[\s;,.:]+$", "", text).strip()


def split_storage(text: str) -> list[str]:
    body = STORAGE_MARK.sub("", DASH_LEAD.sub("", collapse(text)), count=1)
    # a comma inside brackets is the entry's own ('KSTTHC (MN, 07)': the office and its typist's initials)
    items = [re.sub(r"^[\s;,.:]+|[\s;,.:]+$", "", item) for item in re.split(r"[,;](?![^()]*\))", body)]
    return [item for item in items if item]


def is_signed_note(text: str) -> bool:
    flat = collapse(text)
    return bool(SIGNED_NOTE.match(flat)) or len([c for c in flat if c.isalpha()]) <= 2


MAX_SIDE_BY_SIDE = 4


def signature_columns(text: str) -> list[str] | None:
    """Signature blocks side by side ('THƯ KÝ      CHỦ TRÌ', 'Lê Văn A      Trần Thị B'): the pieces, left to
    right, when every piece of a wide-gap line belongs to a signature; else None."""
    if DASH_LEAD.match(text):
        return None
    pieces = [collapse(piece) for piece in GAP.split(text.strip())]
    if not 2 <= len(pieces) <= MAX_SIDE_BY_SIDE:
        return None
    for piece in pieces:
        if is_signed_note(piece) or STORAGE_MARK.match(fold(piece)):
            return None
        if not (
            signature_mark_at(piece) == 0
            or is_position(piece)
            or looks_like_name(piece)
            or looks_like_capital_name(piece)
        ):
            return None
    return pieces


# Words an office's title begins with: where a line of two titles printed side by side splits
POSITION_HEADS = (
    "chu tich",
    "giam doc",
    "bi thu",
    "pho ",
    "truong ",
    "chanh ",
    "hieu truong",
    "tong ",
    "thu ky",
    "chu tri",
    "chu toa",
    "chi huy",
    "vien truong",
    "cuc truong",
    "uy vien",
    "thu truong",
    "dai dien",
    "to truong",
    "doi truong",
    "chu nhiem",
)
TITLE_MODIFIERS = {"pho", "quyen", "q"}  # "PHÓ" alone is half of a title
# Family names a second signer's name may begin with (wider than SURNAMES: only used to split a line that is
# already known to hold two names)
SPLIT_SURNAMES = SURNAMES | {
    "lo",
    "quang",
    "ca",
    "vi",
    "nong",
    "hua",
    "ma",
    "sung",
    "thach",
    "danh",
    "son",
    "ksor",
    "rah",
    "nie",
    "cu",
    "khuat",
    "lai",
    "lac",
    "lieu",
    "mac",
    "nghiem",
    "ong",
    "phung",
    "quan",
    "tang",
    "ton",
    "ung",
    "vuong",
    "cam",
    "chu",
    "dam",
    "diep",
    "han",
    "kha",
    "khong",
    "ninh",
    "phi",
    "y",
    "a",
    "h",
    "ka",
    "bui",
    "dieu",
    "lu",
    "tieu",
}


def split_merged_marks(text: str) -> list[str] | None:
    """'KT. TRƯỞNG PHÒNG TM. BAN THƯỜNG VỤ', 'THƯ KÝ ĐẠI HỘI TM. ĐOÀN CHỦ TỊCH': two blocks' first lines
    merged with one space (OCR read the row whole); split before the second block's mark."""
    if DASH_LEAD.match(text) or not is_upper_line(text, 0.8):
        return None
    flat = collapse(text)
    for pattern in (AUTHORITY, ACTING):
        for match in pattern.finditer(flat):
            start = match.start()
            left = flat[:start].strip()
            if start > 0 and left and (signature_mark_at(left) == 0 or is_position(left)):
                return [left, flat[start:]]
    return None


def split_positions(text: str) -> list[str] | None:
    """'PHÓ TRƯỞNG PHÒNG CHỦ TỊCH' → two titles: the first cut where a title begins and what is left of it is
    a whole title."""
    flat = collapse(text)
    if not is_position(flat) or signature_mark_at(flat) is not None:
        return None
    words = flat.split()
    for cut in range(1, len(words)):
        left, right = " ".join(words[:cut]), " ".join(words[cut:])
        left_key = letters_only(fold(left))
        if left_key in TITLE_MODIFIERS or not is_position_words(left):
            continue
        if (letters_only(fold(right)) + " ").startswith(POSITION_HEADS):
            return [left, right]
    return None


def split_names(text: str) -> list[str] | None:
    """'Lê Minh Trí Huỳnh Thị Kim Oanh' → two names, cut before a family name, halves of 2–5 words, as
    even as can be."""
    words = collapse(text).split()
    if not 4 <= len(words) <= 10:
        return None
    best = None
    for cut in range(2, len(words) - 1):
        left, right = " ".join(words[:cut]), " ".join(words[cut:])
        if letters_only(fold(words[cut])) not in SPLIT_SURNAMES or not (2 <= cut <= 5 and len(words) - cut <= 5):
            continue
        if looks_like_name(left) and looks_like_name(right):
            balance = abs(len(words) - 2 * cut)
            if best is None or balance < best[0]:
                best = (balance, [left, right])
    return best[1] if best else None


def two_column_signatures(lines: list[Line]) -> bool:
    """Do two signature blocks stand side by side in this tail (a wide gap, a second mark in a capital line,
    or a line of two titles above a line of two names)?"""
    candidates = [
        line.text
        for line in lines
        if not line.blank and not DASH_LEAD.match(line.text) and not is_recipients_mark(line.key)
    ]
    if any(signature_columns(text) or split_merged_marks(text) for text in candidates):
        return True
    return any(map(split_positions, candidates)) and any(map(split_names, candidates))


def read_tail(lines: list[Line]) -> Tail:
    tail = Tail()
    two_columns = two_column_signatures(lines)
    signature_pieces: list[str] = []
    left_columns: list[list[str]] = []  # the blocks left of the last one when blocks stand side by side
    mode = "before"  # before → recipients → after
    for line in lines:
        if line.blank:
            continue
        text = line.text
        side_by_side = signature_columns(text) or (
            two_columns and (split_merged_marks(text) or split_positions(text) or split_names(text))
        )
        if side_by_side:
            place_side_by_side(side_by_side, left_columns, signature_pieces)
            mode = "after" if mode == "recipients" else mode
            continue
        if mode == "before" and is_recipients_mark(line.key):
            tail.found_recipients_mark = True
            mode = "recipients"
            cut = RECIPIENTS_MARK.match(look_alike(line.key))
            rest = (text[cut.end() :] if cut else text.split(":", 1)[1] if ":" in text else "").strip()
            pieces = split_columns(rest) if rest.strip() else []
            if pieces and not is_upper_line(pieces[0]) and signature_mark_at(pieces[0]) != 0:
                add_recipient(tail, pieces.pop(0))
            signature_pieces.extend(pieces)
            continue
        pieces = split_columns(text)
        left = pieces[0]
        right_pieces = pieces[1:]
        if mode == "before" and DASH_LEAD.match(left) and signature_mark_at(left) != 0:
            mode = "recipients"  # the list without its "Nơi nhận" line (lost by OCR)
        if mode == "recipients" and take_recipient(tail, left, line):
            pass
        elif mode == "after" and tail.found_recipients_mark and DASH_LEAD.match(left) and signature_mark_at(left) != 0:
            # OCR set the signature's first line ("KT. CHỦ TỊCH") between the recipients' items: a dash item
            # after it is a recipient still, never a signature line
            take_recipient(tail, left, line)
        else:
            if (
                mode == "recipients"
                and not DASH_LEAD.match(left)
                and (is_upper_line(left) or signature_mark_at(left) == 0)
            ):
                mode = "after"
            signature_pieces.append(left)
        signature_pieces.extend(right_pieces)
    if left_columns:
        # lines of one piece in a side-by-side layout belong to the right-hand block (the usual place)
        blocks = [*left_columns, signature_pieces]
    else:
        blocks = split_blocks(signature_pieces)
    tail.signatures = read_signatures(blocks, lines)
    tail.signature = tail.signatures[-1] if tail.signatures else None
    return tail


def place_side_by_side(pieces: list[str], left_columns: list[list[str]], right: list[str]) -> None:
    """The last piece goes to the right-hand block, the others to the blocks left of it, counted from the
    right (a line with fewer pieces than there are blocks lacks the leftmost ones, most often)."""
    while len(left_columns) < len(pieces) - 1:
        left_columns.insert(0, [])
    right.append(pieces[-1])
    for column, piece in zip(left_columns[len(left_columns) - (len(pieces) - 1) :], pieces[:-1]):
        column.append(piece)


def split_blocks(pieces: list[str]) -> list[list[str]]:
    """Signature blocks printed one after the other: a signer's name closes a block, and a mark or a
    capital position after it opens the next."""
    blocks: list[list[str]] = [[]]
    named = False
    for piece in pieces:
        flat = collapse(piece).strip(" ,;")
        if named and flat and not is_signed_note(flat) and (signature_mark_at(flat) == 0 or is_position(flat)):
            blocks.append([])
            named = False
        blocks[-1].append(piece)
        if looks_like_name(flat) or (looks_like_capital_name(flat) and len(blocks[-1]) > 1):
            named = True
    return blocks


def read_signatures(blocks: list[list[str]], lines: list[Line]) -> list[Signature]:
    """One Signature per block; when there are several, only the blocks with a signer and a title count
    (capitals after a signer's name may be seal text, not another block)."""
    signatures = [signature for signature in (read_signature(block, lines) for block in blocks) if signature]
    if len(signatures) > 1:
        complete = [s for s in signatures if s.signer and (s.position or s.authority or s.acting)]
        signatures = complete or signatures[:1]
    return signatures


def take_recipient(tail: Tail, piece: str, line: Line) -> bool:
    """Place one left-column piece in the recipients or storage; False when it belongs to the signature."""
    flat = collapse(piece)
    bare = DASH_LEAD.sub("", flat)
    if not bare:
        return True
    if STORAGE_MARK.match(fold(bare)) or STORAGE_MARK.match(bare):
        tail.storage.extend(split_emphasis(split_storage(bare), line.emphasis))
        return True
    if DASH_LEAD.match(flat):
        add_recipient(tail, bare)
        return True
    if signature_mark_at(flat) == 0 or is_position(flat) or looks_like_name(flat):
        return False
    if tail.recipients and (bare[:1].islower() or not re.search(r"[;,.]$", tail.recipients[-1] + "")):
        tail.recipients[-1] = clean_recipient(f"{tail.recipients[-1]} {bare}")
        return True
    if not tail.recipients:
        add_recipient(tail, bare)
        return True
    return False


def split_emphasis(items: list[str], emphasised: tuple[str, ...]) -> list[str]:
    """Typist's initials set in italics after the storage entries ('Lưu: VT *HL*') are entries of their own."""
    out: list[str] = []
    for item in items:
        for piece in emphasised:
            piece = piece.strip()
            if piece and item.endswith(" " + piece):
                out.append(item[: -len(piece)].strip())
                item = piece
                break
        out.append(item)
    return out


def add_recipient(tail: Tail, text: str) -> None:
    cleaned = clean_recipient(text)
    if not cleaned or not any(ch.isalnum() for ch in cleaned):
        return  # marks OCR read beside "Nơi nhận:" ('“%')
    if STORAGE_MARK.match(cleaned):
        tail.storage.extend(split_storage(cleaned))
    else:
        tail.recipients.append(cleaned)


def read_signature(pieces: list[str], lines: list[Line]) -> Signature | None:
    """Authority (TM.), acting (KT./Q./TL./TUQ.), position (capitals) and the signer's name, in that order.
    Capital lines that are neither (seal text, scan specks) are skipped: the position is the first capital
    line naming an office (CHỦ TỊCH, BÍ THƯ, GIÁM ĐỐC …), else the first capital line."""
    authority = acting = signer = None
    capitals: list[str] = []  # capital lines after the marks and before the name, in order
    pieces = join_lone_marks([collapse(p).strip(" ,;") for p in pieces])
    for raw in pieces:
        flat = collapse(raw).strip(" ,;")
        if not flat or is_signed_note(flat):
            continue
        if authority is None and AUTHORITY.match(flat):
            authority = flat
            continue
        if ACTING.match(flat) and signer is None and (acting is None or not capitals):
            # "TL. CHỦ TỊCH" / "KT. CHÁNH VĂN PHÒNG" / "PHÓ CHÁNH VĂN PHÒNG": marks in a chain, joined
            flat = TRAILING_MARKS.sub("", flat)  # "KT. CHỦ TỊCH ^^.": a signature's stroke read beside it
            acting = flat if acting is None else f"{acting} / {flat}"
            continue
        core = name_core(flat)
        if looks_like_name(core) or (looks_like_capital_name(core) and (capitals or acting or authority)):
            signer = core
            continue
        if is_upper_line(flat, 0.8) and signer is None:
            capitals.append(flat)
    # the seal's ring text ("ỦY BAN NHÂN DÂN …", read as "M-ÙY BAN NHÂN DẦN") is never the position
    # "A. THỦ TỤC …" (an annex heading) and "Cục QLGS CST:" (a recipient OCR set beside the block) are no office
    offices = [
        c
        for c in capitals
        if not (
            seal_like(c)
            or repeats(c, authority)
            or match_label(c)
            or c.endswith((":", ";", ","))
            or RECIPIENT_ITEM.match(c)
        )
    ]
    # an office line garbled under the seal ("<1 GHỦ TỊCH") is still the first office, before a second title
    # printed over the name ("CHỦ TỊCH HỘI LHPN TỈNH")
    position = next(
        (c for c in offices if is_position_words(c) or is_position_words(repair_position(c)[0])),
        offices[0] if offices else None,
    )
    if authority and acting is None and position in capitals:
        # "TM. BAN CHẤP HÀNH ĐOÀN" / "THANH NIÊN XÃ" / "BÍ THƯ": lines before the office continue the authority
        extra = [c for c in capitals[: capitals.index(position)] if not repeats(c, authority)]
        if extra:
            authority = collapse(" ".join([authority, *extra]))
    if not any((authority, acting, position, signer)):
        return None
    return Signature(authority=authority, acting=acting, position=position, signer=signer)


TRAILING_MARKS = re.compile(r"(?:\s+[^\w\s]+)+\s*$")

# a recipients' item OCR set beside the signature block ("- Lưu: VT; KSTTHC (MN,07)."): a dash or bullet first,
# or the storage label; no office is printed so
RECIPIENT_ITEM = re.compile(r"^\s*(?:[-–—+•*]\s+\S|\W*L[ưu]u\s*:)")

LONE_MARK = re.compile(r"^(?:T\s?M|T\s?/\s?M|KT|K\s?/\s?T|TL|T\s?/\s?L|TUQ|Q)\s*[.:/,]?$")


def join_lone_marks(pieces: list[str]) -> list[str]:
    """'KT.' left alone on its line by OCR joins the capital line it belongs to: the next one, or the one
    before it when OCR put it first ('GIÁM ĐỐC' / 'KT.')."""
    out: list[str] = []
    index = 0
    while index < len(pieces):
        piece = pieces[index]
        if LONE_MARK.match(piece):
            following = pieces[index + 1] if index + 1 < len(pieces) else ""
            if is_upper_line(following) and not signature_mark_at(following) == 0:
                out.append(f"{piece} {following}")
                index += 2
                continue
            if out and is_upper_line(out[-1]) and signature_mark_at(out[-1]) != 0:
                out[-1] = f"{piece} {out[-1]}"
                index += 1
                continue
        out.append(piece)
        index += 1
    return out


def seal_like(text: str) -> bool:
    """A capital line that names a body, not an office ('ỦY BAN NHÂN DÂN TỈNH …', 'M-ÙY BAN NHÂN DẦN'): the
    seal's ring text read by OCR, unless it begins with an office ('CHỦ TỊCH UBND TỈNH')."""
    key = letters_only(look_alike(fold(text)))
    if (key + " ").startswith(POSITION_HEADS) or signature_mark_at(collapse(text)) == 0:
        return False
    return "nhan dan" in key or "uy ban" in key or key.startswith(("ubnd", "hdnd", "cong hoa"))


def repeats(text: str, authority: str | None) -> bool:
    """The seal repeating the authority's body under it ('TM. ỦY BAN NHÂN DÂN' / 'ỦY BAN NHÂN DÂN', 'TM. CHÍNH
    PHỦ' / 'CHÍNH PHỦ'); an office named in the authority ('TM. ĐOÀN CHỦ TỊCH' / 'CHỦ TỊCH') is no repeat."""
    if not authority:
        return False
    key, body = letters_only(fold(text)), letters_only(fold(AUTHORITY.sub("", authority, count=1)))
    return fuzz.ratio(key, body) >= 85 or (seal_like(text) and fuzz.partial_ratio(key, body) >= 70)


def is_position_words(text: str) -> bool:
    key = look_alike(fold(text))
    return any(word in key for word in POSITION_WORDS)


# --- the one entry point -------------------------------------------------------------------------------------


@dataclass
class TailRegion:
    """Where the tail stands among the lines (start None: no tail found) and what it holds."""

    start: int | None = None
    end: int = 0
    tail: Tail = field(default_factory=Tail)


def last_closing_line(lines: list[Line], start: int) -> int | None:
    """Index of the last 'Trên đây …' line: the tail is searched after it."""
    for index in range(len(lines) - 1, start - 1, -1):
        line = lines[index]
        if not line.blank and starts_closing(line.key.lstrip(), line.flat):
            return index
    return None


def find_tail(lines: list[Line], body_start: int, warnings: list[str]) -> TailRegion:
    """Find and read the tail (recipients, storage, signature blocks) after the body, which begins at
    ``body_start``; each step is guarded: a failure costs the tail's fields and adds a warning."""
    closing = guarded("tail", warnings, None, last_closing_line, lines, body_start)
    search_from = max(closing if closing is not None else body_start, body_start)
    start = guarded("tail", warnings, None, find_tail_start, lines, search_from)
    if start is None:
        return TailRegion(None, len(lines))
    end = guarded("tail", warnings, len(lines), find_tail_end, lines, start)
    tail = guarded("tail", warnings, Tail(), read_tail, lines[start:end])
    for signature in tail.signatures:
        if signature.signer:
            signature.rank, signature.signer = split_rank(signature.signer)
    if has_marks(lines):  # a text without Vietnamese marks (not restored) is left as it is
        guarded("signature names", warnings, None, repair_signatures, tail, warnings)
    return TailRegion(start, end, tail)


def split_rank(name: str) -> tuple[str | None, str]:
    """(the rank, the name) of a signer printed with a police or army rank ("Thiếu tướng Trương Minh Đương")."""
    words = name.split()
    if len(words) > 3 and fold(" ".join(words[:2]).lower()) in RANKS:
        return " ".join(words[:2]), " ".join(words[2:])
    return None, name


def repair_signatures(tail: Tail, warnings: list[str]) -> None:
    """Signers' names and positions OCR garbled, repaired against the name and title tables (names.py); each
    repair is a warning, so the record asks for review."""
    for signature in tail.signatures:
        if signature.signer:
            signer, note = repair_name(signature.signer)
            if note:
                signature.signer = signer
                warnings.append(note)
        if signature.position:
            position, note = repair_position(signature.position)
            if note:
                signature.position = position
                warnings.append(note)
            elif signature.acting and not is_position_words(signature.position):
                deputy = deputy_title(signature.acting, signature.position)
                if deputy:
                    warnings.append(
                        f"position: OCR read {signature.position!r}, taken for {deputy!r} (the deputy's title under "
                        f"{signature.acting!r}: Decree 30's form)"
                    )
                    signature.position = deputy


# The deputy's title under "KT. <head's title>" (Decree 30/2020/NĐ-CP, appendix I: "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
# "KT. BỘ TRƯỞNG / THỨ TRƯỞNG")
DEPUTY_OF = {"bo truong": "THỨ TRƯỞNG", "thu tuong": "PHÓ THỦ TƯỚNG"}


def deputy_title(acting: str, read: str) -> str | None:
    """The position a garbled line under 'KT. CHỦ TỊCH' is ('CHỦ HA' → 'PHÓ CHỦ TỊCH'): only when the acting mark
    is one KT. line, the line read shares a word of three letters or more with the deputy's title and holds no
    other capital word of a known title."""
    match = re.fullmatch(r"\s*K\s*T\s*[.:,]?\s*(?P<head>[^/]+?)\s*", acting)
    if not match:
        return None
    head = " ".join(w for w in collapse(match.group("head")).split() if w.isalpha())  # marks beside it dropped
    key = fold(head).lower()
    deputy = DEPUTY_OF.get(key) or (f"PHÓ {head}" if is_position_words(head) and head.isupper() else None)
    if deputy is None:
        return None
    deputy_words = {w for w in fold(deputy).lower().split() if len(w) >= 3}
    read_words = {w for w in letters_only(fold(read).lower()).split() if len(w) >= 3}
    return deputy if read_words & deputy_words else None
