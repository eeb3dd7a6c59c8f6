"""The changes a person makes in `planocr review`, applied to a record with a history entry each.

One edit is one JSON object (the body of ``POST /api/documents/<name>/edits``):

- ``{"field": "number", "value": "01/TTr-UBND"}``: set a field; a dotted path reaches inside
  (``"signature.signer"``, ``"received.date"``, ``"recipients.2"``, ``"assignments.0.body"``).
- ``{"page": 1, "word": 17, "text": "khẩn"}``: correct word 17 (0-based index into ``pages[0].words``) of
  page 1; ``{"page": 1, "word": 17, "accept": true}`` accepts it as read.
- ``{"correction": 3, "action": "accept"}`` or ``"reject"``: a restoration correction (0-based index into
  ``corrections``); rejecting puts the OCR reading back and removes the correction from the list.
- ``{"reviewed": true}`` (or false): the person is done with the document.

Everything that depends on a change follows it: a word's page line, the page text and the document text;
fields the parser reads from the text (re-read from the new text, except fields a person set); the
number's serial and symbol; ``signatures`` when ``signature`` changes; the "… not found" warnings and
``needs_review``. Each change, derived ones included, is one :class:`ReviewEntry`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date as calendar_date
from typing import Any

from pydantic import ValidationError

from ..model import Correction, Document, ParsedFields, ReviewEntry, Word

# Top-level fields a person may set: what the parser reads, and the received stamp.
EDITABLE = tuple(name for name in ParsedFields.model_fields if name != "warnings") + ("received",)
MAX_TEXT = 2_000  # characters in one string value
MAX_WORD = 100  # characters in one word
DATE_KEYS = ("date", "by")  # values that must be ISO 8601 dates (YYYY, YYYY-MM or YYYY-MM-DD)
NUMBER_PARTS = re.compile(r"^(?P<serial>\d+[A-Za-z]?)?(?P<sep>[/\-])(?P<symbol>.*\S.*)$")
ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
DERIVED = "(re-read"  # marks an entry the edit of another thing caused by re-reading the text


class EditError(Exception):
    """An edit that cannot be applied; ``status`` is the HTTP status the API answers with."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class Change:
    what: str
    before: Any
    after: Any


def apply_edit(doc: Document, edit: Any, who: str, now: str) -> tuple[Document, list[ReviewEntry]]:
    """The record with ``edit`` applied (``doc`` is left alone) and the history entries it added."""
    if not isinstance(edit, dict):
        raise EditError("an edit is a JSON object", 400)
    body = {k: v for k, v in edit.items() if k != "version"}
    work = doc.model_copy(deep=True)
    if set(body) == {"field", "value"}:
        changes = set_field(work, body["field"], body["value"])
    elif set(body) in ({"page", "word", "text"}, {"page", "word", "accept"}):
        changes = edit_word(work, body)
    elif set(body) == {"correction", "action"}:
        changes = edit_correction(work, body["correction"], body["action"])
    elif set(body) == {"reviewed"}:
        if not isinstance(body["reviewed"], bool):
            raise EditError("'reviewed' is true or false")
        changes = [Change("reviewed", work.reviewed, body["reviewed"])] if work.reviewed != body["reviewed"] else []
        work.reviewed = body["reviewed"]
    else:
        raise EditError(
            "unknown edit: expected {field, value}, {page, word, text}, {page, word, accept}, "
            "{correction, action} or {reviewed}",
            400,
        )
    entries = [
        ReviewEntry(time=now, who=who, what=c.what, before=shown(c.before), after=shown(c.after)) for c in changes
    ]
    work.review = [*work.review, *entries]
    try:  # nested lists were changed in place, which assignment validation does not see: check the whole record
        checked = Document.model_validate(work.model_dump())
    except ValidationError as err:
        raise EditError(f"the record would not be valid: {first_error(err)}") from None
    return checked, entries


def shown(value: Any) -> str | None:
    """A history entry's before/after: the text itself for text, JSON for anything else, null for null."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if hasattr(value, "model_dump"):
        value = value.model_dump(mode="json")
    elif isinstance(value, list):
        value = [v.model_dump(mode="json") if hasattr(v, "model_dump") else v for v in value]
    return json.dumps(value, ensure_ascii=False)


def first_error(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "value"
    return f"{where}: {first['msg']}"


# --- fields -----------------------------------------------------------------------------------------------


def set_field(doc: Document, path: Any, value: Any) -> list[Change]:
    if not isinstance(path, str) or not path:
        raise EditError("'field' is a field name such as 'number' or 'signature.signer'", 400)
    parts = parse_path(path)
    if parts[0] not in EDITABLE:
        raise EditError(f"'{parts[0]}' is not a field a person can set (one of: {', '.join(EDITABLE)})")
    value = clean_value(value, parts[-1])
    if parts[0] in ("number", "serial", "symbol") and isinstance(value, str):
        value = re.sub(r"\s+", "", value)  # as the parser writes them: 'Số: 01 /TTr-UBND' → '01/TTr-UBND'
    before_fields = field_values(doc)
    data = doc.model_dump(mode="json")
    old = put(data, parts, value)
    if old == value:
        return []
    try:
        updated = Document.model_validate(data)
    except ValidationError as err:
        raise EditError(first_error(err)) from None
    top = parts[0]
    setattr(doc, top, getattr(updated, top))
    changes = [Change(f"field {path}", old, value)]
    if top in ("number", "serial", "symbol") and len(parts) == 1:
        changes += sync_number(doc, top)
    if top == "signature":
        changes += sync_signatures(doc, before_fields["signature"])
    reconcile_warnings(doc, before_fields, None, None)
    return changes


def parse_path(path: str) -> list[str | int]:
    parts: list[str | int] = []
    for piece in path.split("."):
        if re.fullmatch(r"\d{1,6}", piece):
            parts.append(int(piece))
        elif re.fullmatch(r"[a-z_]{1,40}", piece):
            parts.append(piece)
        else:
            raise EditError(f"bad field path {path!r}", 400)
    if not isinstance(parts[0], str):
        raise EditError(f"bad field path {path!r}", 400)
    return parts


def clean_value(value: Any, key: str | int) -> Any:
    """Strings NFC and trimmed, '' as null; lists of strings likewise, empty items dropped; dates checked."""
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value).strip()
        if len(value) > MAX_TEXT:
            raise EditError(f"a value is at most {MAX_TEXT} characters")
        value = value or None
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = [v for v in (clean_value(v, "") for v in value) if v is not None]
    if key in DATE_KEYS and value is not None:
        check_date(value)
    return value


def check_date(value: Any) -> None:
    match = ISO_DATE.match(value) if isinstance(value, str) else None
    if match:
        year, month, day = (int(g) if g else None for g in match.groups())
        try:
            calendar_date(year or 0, month or 1, day or 1)
            return
        except ValueError:
            pass
    raise EditError(f"{value!r} is not a date: write YYYY-MM-DD (YYYY-MM when the day is blank, YYYY)")


def put(data: dict, parts: list[str | int], value: Any) -> Any:
    """Set ``value`` at ``parts`` inside the dumped record; returns what was there. A null object on the
    way (no signature yet) becomes an empty one, whose keys the model then checks."""
    node: Any = data
    created = False
    for depth, part in enumerate(parts[:-1]):
        child = None if created else step(node, part, parts)
        if child is None and isinstance(parts[depth + 1], str):
            child = node[part] = {}
            created = True
        node = child
    last = parts[-1]
    old = None if created else step(node, last, parts)
    node[last] = value
    return old


def step(node: Any, part: str | int, parts: list[str | int]) -> Any:
    where = ".".join(map(str, parts))
    if isinstance(part, int):
        if not isinstance(node, list) or not 0 <= part < len(node):
            raise EditError(f"{where}: no item {part} there", 404)
        return node[part]
    if not isinstance(node, dict) or part not in node:
        raise EditError(f"{where}: no field '{part}' there", 404)
    return node[part]


def sync_number(doc: Document, changed: str) -> list[Change]:
    """Keep number, serial and symbol one reading: '01/TTr-UBND' ↔ serial '01', symbol 'TTr-UBND'."""
    changes: list[Change] = []

    def assign(name: str, value: str | None) -> None:
        old = getattr(doc, name)
        if old != value:
            setattr(doc, name, value)
            changes.append(Change(f"field {name} (from {changed})", old, value))

    if changed == "number":
        match = NUMBER_PARTS.match(doc.number or "")
        if match:
            assign("serial", match.group("serial"))
            assign("symbol", match.group("symbol"))
        return changes
    match = NUMBER_PARTS.match(doc.number or "")
    sep = match.group("sep") if match else "/"
    serial = doc.serial if changed == "serial" else (match.group("serial") if match else doc.serial)
    symbol = doc.symbol if changed == "symbol" else (match.group("symbol") if match else doc.symbol)
    if symbol:
        assign("number", f"{serial or ''}{sep}{symbol}")
    return changes


def sync_signatures(doc: Document, before: Any) -> list[Change]:
    """``signature`` is the last of ``signatures``: a change to one is a change to the other."""
    old = list(doc.signatures)
    if old and old[-1] == before:
        new = old[:-1] + ([doc.signature] if doc.signature is not None else [])
    elif not old and doc.signature is not None:
        new = [doc.signature]
    else:
        return []
    doc.signatures = new
    return [Change("field signatures (from signature)", old, new)]


# --- words, page text -------------------------------------------------------------------------------------


def edit_word(doc: Document, body: dict) -> list[Change]:
    page_no, index = body["page"], body["word"]
    if not (isinstance(page_no, int) and isinstance(index, int)) or isinstance(page_no, bool):
        raise EditError("'page' and 'word' are numbers", 400)
    page = page_of(doc, page_no)
    if not 0 <= index < len(page.words):
        raise EditError(f"page {page_no} has no word {index} (it has {len(page.words)})", 404)
    word = page.words[index]
    label = f"word {page_no}/{index}"
    if "accept" in body:
        if body["accept"] is not True:
            raise EditError("'accept' is true", 400)
        return [Change(f"{label} accepted", word.text, word.text)]
    text = body["text"]
    if not isinstance(text, str):
        raise EditError("'text' is a string", 400)
    text = unicodedata.normalize("NFC", text).strip()
    if not text or len(text) > MAX_WORD or re.search(r"\s", text):
        raise EditError(f"a word is 1 to {MAX_WORD} characters without spaces")
    if text == word.text:
        return [Change(f"{label} accepted", word.text, word.text)]
    return [Change(label, word.text, text), *replace_word(doc, page_no, index, text)]


def page_of(doc: Document, number: int):
    for page in doc.pages:
        if page.number == number:
            return page
    raise EditError(f"no page {number}", 404)


def replace_word(doc: Document, page_no: int, index: int, text: str) -> list[Change]:
    """Word ``index`` of the page becomes ``text``: in the word (its OCR reading kept in ``original``), in its
    line of the page text, in the document text; then what the parser reads from the text follows."""
    page = page_of(doc, page_no)
    word = page.words[index]
    old_text = doc.text
    old_pages = [p.text for p in doc.pages]
    page.text = replace_in_line(page.text, word.line, word.text, text, line_position(page.words, index))
    original = word.original or word.text
    page.words[index] = Word(
        text=text,
        original=None if original == text else original,
        confidence=word.confidence,
        box=word.box,
        line=word.line,
    )
    return text_changed(doc, old_pages, old_text, f"word {page_no}/{index}")


def line_position(words: list[Word], index: int) -> int | None:
    """Which word of its line word ``index`` is (0-based), or None when it has no line."""
    line = words[index].line
    if line is None:
        return None
    return sum(1 for w in words[:index] if w.line == line)


def replace_in_line(text: str, line_no: int | None, old: str, new: str, position: int | None) -> str:
    """The page text with ``old`` → ``new`` on line ``line_no``: line N of an OCR'd page is its words joined
    by single spaces, so the word is the ``position``-th piece; if the line was changed otherwise, the one
    piece equal to ``old``. Refused when the word cannot be placed without guessing."""
    lines = text.split("\n")
    if line_no is None or not 0 < line_no <= len(lines):
        raise EditError("the word has no line in the page text; it cannot be changed there", 409)
    pieces = lines[line_no - 1].split(" ")
    if position is not None and position < len(pieces) and pieces[position] == old:
        pieces[position] = new
    else:
        same = [i for i, piece in enumerate(pieces) if piece == old]
        if len(same) != 1:
            raise EditError(f"line {line_no} of the page text no longer shows the word '{old}' once", 409)
        pieces[same[0]] = new
    lines[line_no - 1] = " ".join(pieces)
    return "\n".join(lines)


def text_changed(doc: Document, old_pages: list[str], old_text: str, cause: str) -> list[Change]:
    """After a page text changed: the document text, and the fields the parser reads differently now."""
    from ..parse import parse_text

    new_text = "\n\n".join(p.text for p in doc.pages)  # how the record builder joins pages
    if doc.text != new_text:
        doc.text = new_text
    before_fields = field_values(doc)
    old_parse = parse_text("\f".join(old_pages))  # the parser reads pages joined by form feeds
    new_parse = parse_text("\f".join(p.text for p in doc.pages))
    set_by_person = fields_set_by_person(doc)
    changes: list[Change] = []
    for name in ParsedFields.model_fields:
        if name == "warnings" or name in set_by_person:
            continue
        before, after = getattr(old_parse, name), getattr(new_parse, name)
        if before == after or getattr(doc, name) == after:
            continue  # the change does not touch this field (or it already says so)
        current = getattr(doc, name)
        setattr(doc, name, after)
        changes.append(Change(f"field {name} {DERIVED} after {cause})", current, after))
    reconcile_warnings(doc, before_fields, old_parse, new_parse)
    return changes


def fields_set_by_person(doc: Document) -> set[str]:
    """Top-level fields a person set (directly, or through the number's parts or the signature)."""
    names = set()
    for entry in doc.review:
        match = re.match(r"field ([a-z_]+)", entry.what)
        if match and DERIVED not in entry.what:
            names.add(match.group(1))
    return names


# --- corrections --------------------------------------------------------------------------------------------


def correction_key(c: Correction) -> str:
    """How history entries name a correction (indices shift when one is rejected; this does not)."""
    return f"correction p{c.page or 1} l{c.line or 0} {c.original}→{c.corrected}"


def edit_correction(doc: Document, index: Any, action: Any) -> list[Change]:
    if not isinstance(index, int) or isinstance(index, bool):
        raise EditError("'correction' is a number (0-based index into corrections)", 400)
    if not 0 <= index < len(doc.corrections):
        raise EditError(f"no correction {index} (there are {len(doc.corrections)})", 404)
    if action not in ("accept", "reject"):
        raise EditError("'action' is 'accept' or 'reject'", 400)
    c = doc.corrections[index]
    key = correction_key(c)
    if action == "accept":
        return [Change(f"{key} accepted", c.corrected, c.corrected)]
    page_no = c.page or 1
    page = page_of(doc, page_no)
    old_pages = [p.text for p in doc.pages]
    old_text = doc.text
    found = correction_word(page.words, c)
    if found is not None:
        word = page.words[found]
        reverted = word.text.replace(c.corrected, c.original, 1)
        page.text = replace_in_line(page.text, word.line, word.text, reverted, line_position(page.words, found))
        original = word.original or word.text
        page.words[found] = word.model_copy(
            update={"text": reverted, "original": None if original == reverted else original}
        )
    else:  # a text page (no words): the correction's line of the page text
        page.text = revert_in_text(page.text, c)
    doc.corrections = [x for i, x in enumerate(doc.corrections) if i != index]
    changes = [Change(f"{key} rejected", c.corrected, c.original)]
    if found is not None:  # the person chose OCR's reading of that word
        changes.append(Change(f"word {page_no}/{found} accepted", page.words[found].text, page.words[found].text))
    return changes + text_changed(doc, old_pages, old_text, key)


def correction_word(words: list[Word], c: Correction) -> int | None:
    """The word a restoration correction changed: on its line, showing the corrected form, read by OCR as the
    original (the n-th such word for the n-th such correction is not needed: one correction per word)."""
    for index, word in enumerate(words):
        if (
            word.line == c.line
            and c.corrected in word.text
            and word.original is not None
            and c.original in word.original
        ):
            return index
    return None


def revert_in_text(text: str, c: Correction) -> str:
    lines = text.split("\n")
    line_no = c.line or 0
    if not 0 < line_no <= len(lines):
        raise EditError(f"the correction's line {line_no} is not in the page text", 409)
    pattern = re.compile(rf"(?<!\w){re.escape(c.corrected)}(?!\w)")
    if not pattern.search(lines[line_no - 1]):
        raise EditError(f"line {line_no} no longer shows '{c.corrected}'", 409)
    lines[line_no - 1] = pattern.sub(c.original, lines[line_no - 1], count=1)
    return "\n".join(lines)


# --- warnings ---------------------------------------------------------------------------------------------


def field_values(doc: Document | ParsedFields) -> dict[str, Any]:
    return {name: getattr(doc, name) for name in ParsedFields.model_fields if name != "warnings"}


def reconcile_warnings(
    doc: Document, before: dict[str, Any], old_parse: ParsedFields | None, new_parse: ParsedFields | None
) -> None:
    """The parser's warnings follow the record: a "… not found" warning goes once a person fills the field
    (and comes back if it is emptied); when the text changed, the parser's other warnings are the new text's.
    OCR and page warnings stay. ``needs_review`` is true while any warning is left."""
    from ..parse import missing_warnings

    def other_warnings(parsed: ParsedFields | None) -> list[str]:  # what the parser says beyond missing fields
        if parsed is None:
            return []
        missing = missing_warnings(field_values(parsed))
        return [w for w in parsed.warnings if w not in missing]

    stale = [*missing_warnings(before), *other_warnings(old_parse)]
    kept = list(doc.warnings)
    for warning in stale:
        if warning in kept:
            kept.remove(warning)
    for warning in [*missing_warnings(field_values(doc)), *other_warnings(new_parse)]:
        if warning not in kept:
            kept.append(warning)
    if kept != doc.warnings:
        doc.warnings = kept
    doc.needs_review = bool(doc.warnings)
