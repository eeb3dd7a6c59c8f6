"""What the review page shows, computed from a record: the queue row (what needs a person, how much), the
fields beside the page with where each was read, and the uncertain items the keyboard steps through."""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import quote

from ..model import Document, Page
from .edits import DERIVED, correction_key, correction_word, fields_set_by_person

# Fields beside the page, in this order: (path, label, kind). kind: text, list (one item a line), json.
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("number", "Số, ký hiệu (number)", "text"),
    ("serial", "Số (serial)", "text"),
    ("symbol", "Ký hiệu (symbol)", "text"),
    ("date", "Ngày (date, YYYY-MM-DD)", "text"),
    ("place", "Địa danh (place)", "text"),
    ("issuer.name", "Cơ quan ban hành (issuer)", "text"),
    ("issuer.parent", "Cơ quan chủ quản (parent)", "text"),
    ("doc_type", "Loại văn bản (type)", "text"),
    ("doc_type_code", "Mã loại (type code)", "text"),
    ("title", "Trích yếu (title)", "text"),
    ("addressees", "Kính gửi (addressees)", "list"),
    ("signature.authority", "Thẩm quyền (authority)", "text"),
    ("signature.acting", "Ký thay (acting)", "text"),
    ("signature.position", "Chức vụ (position)", "text"),
    ("signature.signer", "Người ký (signer)", "text"),
    ("recipients", "Nơi nhận (recipients)", "list"),
    ("storage", "Lưu (storage)", "list"),
    ("received.number", "Số đến (received number)", "text"),
    ("received.date", "Ngày đến (received date)", "text"),
    ("assignments", "Giao nhiệm vụ (assignments)", "json"),
    ("targets", "Chỉ tiêu (targets)", "json"),
    ("digital_signatures", "Chữ ký số (digital signatures)", "readonly"),
)
# Fields a Decree 30 document must have: empty → an uncertain item and a "missing" count in the queue.
REQUIRED = ("number", "date", "issuer.name", "title", "signature.signer", "recipients")
# The parser's warning for each required field, shown once (as the missing field) in the queue.
MISSING_WARNING = {
    "number": "number not found",
    "date": "date not found",
    "issuer.name": "issuer not found",
    "title": "title not found",
    "signature.signer": "signer not found",
    "recipients": "recipients not found",
}
SHORT_NAMES = {"issuer.name": "issuer", "signature.signer": "signer"}
LOCATE_SAME_AS = {"serial": "number", "symbol": "number", "doc_type_code": "doc_type"}


def value_at(doc: Document, path: str) -> Any:
    node: Any = doc
    for part in path.split("."):
        if node is None:
            return None
        node = getattr(node, part)
    if isinstance(node, list):
        return [v.model_dump(mode="json") if hasattr(v, "model_dump") else v for v in node]
    return node


def missing_label(doc: Document, path: str) -> str:
    if path == "number" and doc.number:
        return f"serial blank ({doc.number})"
    if path == "date" and doc.date:
        return f"{'day' if len(doc.date) == 7 else 'day and month'} blank ({doc.date})"
    return f"{SHORT_NAMES.get(path, path)} missing"


def missing(doc: Document, path: str) -> bool:
    value = value_at(doc, path)
    if path == "number":  # a blank handwritten serial ('/KH-UBND') still needs a person
        return not value or not doc.serial
    if path == "date":  # 'YYYY-MM': the day was left blank for a hand to fill
        return not value or len(value) < 10
    return not value


# --- uncertain items ----------------------------------------------------------------------------------------


def resolved_words(doc: Document) -> set[tuple[int, int]]:
    done = set()
    for entry in doc.review:
        match = re.match(r"word (\d+)/(\d+)", entry.what)
        if match:
            done.add((int(match.group(1)), int(match.group(2))))
    return done


def low_confidence_indices(page: Page) -> list[int]:
    """Indices into page.words of the page's low-confidence words (matched by box, else line and text)."""
    boxes = {w.box for w in page.low_confidence_words if w.box is not None}
    loose = {(w.line, w.text) for w in page.low_confidence_words if w.box is None}
    return [
        i
        for i, w in enumerate(page.words)
        if (w.box is not None and w.box in boxes) or (w.line, w.original or w.text) in loose
    ]


def uncertain_items(doc: Document) -> list[dict]:
    """What a person should look at, in reading order: fields that are missing, then per page the
    low-confidence words and the restoration's corrections. ``resolved`` once a person dealt with it."""
    set_by_person = fields_set_by_person(doc)
    handled = {entry.what.rsplit(" ", 1)[0] for entry in doc.review if entry.what.startswith("correction ")}
    words_done = resolved_words(doc)
    items: list[dict] = []
    for path in REQUIRED:
        if missing(doc, path):
            items.append(
                {
                    "kind": "field",
                    "field": path,
                    "label": missing_label(doc, path),
                    "resolved": path.split(".")[0] in set_by_person,
                }
            )
    for page in doc.pages:
        entries: list[tuple[int, dict]] = []
        correction_words: set[int] = set()
        for index, c in enumerate(doc.corrections):
            if (c.page or 1) != page.number:
                continue
            at = correction_word(page.words, c)
            if at is not None:
                correction_words.add(at)
            entries.append(
                (
                    at if at is not None else -1,
                    {
                        "kind": "correction",
                        "page": page.number,
                        "correction": index,
                        "word": at,
                        "line": c.line,
                        "label": f"{c.original} → {c.corrected}",
                        "resolved": correction_key(c) in handled,
                    },
                )
            )
        for index in low_confidence_indices(page):
            if index in correction_words:
                continue  # one item per word: the correction says more
            word = page.words[index]
            entries.append(
                (
                    index,
                    {
                        "kind": "word",
                        "page": page.number,
                        "word": index,
                        "line": word.line,
                        "label": f"{word.text} ({round((word.confidence or 0) * 100)}%)",
                        "resolved": (page.number, index) in words_done,
                    },
                )
            )
        entries.sort(key=lambda e: (e[1]["line"] or 0, e[0]))
        items.extend(item for _, item in entries)
    return items


# --- locations ----------------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Letters and digits only, lower case, NFC: how a field's text is found among the page's words."""
    return "".join(ch for ch in unicodedata.normalize("NFC", text).casefold() if ch.isalnum())


class PageIndex:
    """A page's words folded and run together, with each character's word, to find a field's text."""

    def __init__(self, page: Page):
        self.page = page
        self.chars: list[int] = []
        parts = []
        for index, word in enumerate(page.words):
            folded = fold(word.text)
            parts.append(folded)
            self.chars.extend([index] * len(folded))
        self.text = "".join(parts)

    def span(self, start: int, end: int) -> dict:
        return {"page": self.page.number, "first": self.chars[start], "last": self.chars[end - 1]}

    def find(self, value: str) -> dict | None:
        needle = fold(value)
        if len(needle) < 3:
            return None  # too short to place without guessing
        at = self.text.find(needle)
        return self.span(at, at + len(needle)) if at >= 0 else None


DATE_LINE = re.compile(r"ngay(\d{0,2})thang(\d{0,2})nam(\d{4})")


def locate_date(indexes: list[PageIndex], value: str) -> dict | None:
    """'ngày 20 tháng 8 năm 2025' (or with blanks) for the date's year and month."""
    for index in indexes:
        for match in DATE_LINE.finditer(fold_accents(index.text)):
            month = match.group(2)
            if match.group(3) == value[:4] and (len(value) < 7 or not month or int(month) == int(value[5:7])):
                return index.span(match.start(), match.end())
    return None


def fold_accents(text: str) -> str:
    """Without diacritics (đ → d), same length as the input (combining marks are dropped after NFD per char)."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0]
        out.append("d" if ch == "đ" else base)
    return "".join(out)


def locations(doc: Document) -> dict[str, list[dict]]:
    """field path → where on the page it was read (page, first and last word index); lists: per item.
    A field whose text is not among the words (a text input, a value a person typed) has none."""
    indexes = [PageIndex(p) for p in doc.pages if p.words]
    if not indexes:
        return {}
    found: dict[str, list[dict]] = {}
    for path, _label, kind in FIELDS:
        if not value_at(doc, path) or kind in ("json", "readonly"):
            continue  # nothing read, nothing to show
        source = LOCATE_SAME_AS.get(path, path)
        value = value_at(doc, source)
        values = value if isinstance(value, list) else [value]
        spans = []
        for item in values:
            if not isinstance(item, str):
                continue
            if source == "date" or source.endswith(".date"):
                span = locate_date(indexes, item)
            else:
                span = next((s for s in (ix.find(item) for ix in indexes) if s), None)
            if span:
                spans.append(span)
        if spans:
            found[path] = spans
    return found


# --- payloads -----------------------------------------------------------------------------------------------


def field_rows(doc: Document) -> list[dict]:
    set_by_person = fields_set_by_person(doc)
    where = locations(doc)
    rows = []
    for path, label, kind in FIELDS:
        rows.append(
            {
                "field": path,
                "label": label,
                "kind": kind,
                "value": value_at(doc, path),
                "missing": path in REQUIRED and missing(doc, path),
                "set_by_person": path.split(".")[0] in set_by_person,
                "locations": where.get(path, []),
            }
        )
    return rows


def queue_row(name: str, doc: Document) -> dict:
    """One line of the queue; ``score`` orders it (most in need of a person first)."""
    items = uncertain_items(doc)
    open_items = [i for i in items if not i["resolved"]]
    missing_fields = [i["field"] for i in open_items if i["kind"] == "field"]
    said = {MISSING_WARNING[f] for f in missing_fields if f in MISSING_WARNING}
    low = sum(1 for i in open_items if i["kind"] == "word")
    corrections = sum(1 for i in open_items if i["kind"] == "correction")
    confidences = [p.confidence for p in doc.pages if p.confidence is not None]
    score = 3 * len(doc.warnings) + 2 * len(missing_fields) + low + corrections
    return {
        "name": name,
        "file": doc.source.file,
        "kind": doc.source.kind,
        "pages": doc.source.pages,
        "title": doc.title,
        "number": doc.number,
        "date": doc.date,
        "issuer": doc.issuer.name if doc.issuer else None,
        "warnings": list(doc.warnings),
        "missing": missing_fields,
        "missing_labels": [i["label"] for i in open_items if i["kind"] == "field"],
        "notes": [w for w in doc.warnings if w not in said],  # warnings the missing fields do not already say
        "low_confidence": low,
        "corrections": corrections,
        "confidence": round(sum(confidences) / len(confidences), 4) if confidences else None,
        "changes": sum(1 for e in doc.review if DERIVED not in e.what and "(from " not in e.what),
        "reviewed": doc.reviewed,
        "score": score,
    }


def queue(rows: list[dict]) -> dict:
    ordered = sorted(rows, key=lambda r: (r["reviewed"], -r["score"], r["name"]))
    reviewed = sum(1 for r in rows if r["reviewed"])
    return {
        "documents": ordered,
        "progress": {"reviewed": reviewed, "to_review": len(rows) - reviewed, "total": len(rows)},
    }


def document_payload(name: str, doc: Document, version: str, *, images: dict[int, bool]) -> dict:
    return {
        "name": name,
        "version": version,
        "record": doc.model_dump(mode="json"),
        "fields": field_rows(doc),
        "items": uncertain_items(doc),
        "pages": [
            {
                "number": p.number,
                "size": list(p.size) if p.size else None,
                "image": f"/api/documents/{quote(name, safe='')}/pages/{p.number}/image"
                if images.get(p.number)
                else None,
                "changed_words": [i for i, w in enumerate(p.words) if w.original is not None],
            }
            for p in doc.pages
        ],
    }
