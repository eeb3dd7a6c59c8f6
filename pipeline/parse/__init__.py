"""Stage 5, parse: read the Decree 30 form (header, preamble, section tree, tail) out of repaired text.

``parse_text`` never raises: any input (empty, junk, a 300-page text) gives a ParsedFields whose
``warnings`` say what a human should check. The parts live in ``lines`` (clean-up, keyword keys),
``header``, ``body``, ``tail`` and ``references``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ..model import Issuer, ParsedFields, Section
from .body import Body, build_body, starts_closing
from .header import (
    JOINT_SUFFIXES,
    Header,
    code_for,
    compose_issuers,
    doc_type_of,
    find_doc_type,
    find_type_with_title,
    header_end,
    header_parts_after,
    read_header,
    read_title,
    starts_body,
)
from .lines import Line, clean_lines, fold
from .plan import read_plan
from .references import read_references
from .tail import Tail, find_tail_end, find_tail_start, read_tail

T = TypeVar("T")


def guarded(stage: str, warnings: list[str], default: Any, func: Callable[..., T], *args: Any) -> T:
    """Run one part of the parser; a bug in it costs that part's fields and a warning, never the record."""
    try:
        return func(*args)
    except Exception as exc:  # noqa: BLE001 - the archive run must go on; the warning names the failure
        warnings.append(f"parser: {stage} failed ({type(exc).__name__}: {exc})"[:300])
        return default


def parse_text(text: str) -> ParsedFields:
    """Parse repaired text into the record's structured fields, with warnings for what was not found.
    Never raises: each part is guarded, and this is the last net under them."""
    try:
        return parse_parts(text if isinstance(text, str) else str(text or ""))
    except Exception as exc:  # noqa: BLE001 - a record with a warning beats a crashed batch
        return ParsedFields(warnings=[f"parser: failed ({type(exc).__name__}: {exc})"[:300]])


def parse_parts(text: str) -> ParsedFields:
    warnings: list[str] = []
    lines: list[Line] = guarded("clean-up", warnings, [], clean_lines, text)
    if not any(not line.blank for line in lines):
        return ParsedFields(warnings=warnings + ["empty text: no fields to parse"])
    fields: dict = {}

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
    warnings.extend(header.warnings)

    body_start = head_end
    type_key = None
    title = None
    if type_index is not None:
        found = doc_type_of(lines[type_index])
        if found:
            fields["doc_type"], type_key = found
        title, body_start = guarded("title", warnings, (None, title_from), read_title, lines, title_from)
    elif joined is not None:
        index, fields["doc_type"], type_key, title = joined
        more, after = guarded("title", warnings, (None, index + 1), read_title, lines, index + 1)
        body_start = index + 1
        if more and more.isupper():  # the capital subject goes on over the next line
            title, body_start = f"{title} {more}", after
    else:
        title = header.subject
    fields["title"] = title

    bodies = [Issuer(name=name, parent=parent) for name, parent in compose_issuers(header.issuer_parts)]
    fields["issuer"] = bodies[0] if bodies else None
    fields["co_issuers"] = bodies[1:]
    fields.update(
        national_title=header.national_title,
        motto=header.motto,
        number=header.number,
        serial=header.serial,
        symbol=header.symbol,
        place=header.place,
        date=header.date,
    )
    fields["doc_type_code"] = code_for(type_key, header.symbol) if (type_key or header.symbol) else None

    closing_hint = last_closing_line(lines, body_start)
    search_from = closing_hint if closing_hint is not None else body_start
    tail_start = guarded("tail", warnings, None, find_tail_start, lines, max(search_from, body_start))
    body_end = tail_start if tail_start is not None else len(lines)

    body: Body = guarded("body", warnings, Body([], [], [], None), build_body, lines[body_start:body_end])
    fields.update(
        bases=body.bases,
        preamble=body.preamble,
        addressees=body.addressees,
        sections=body.sections,
        closing=body.closing,
    )

    if tail_start is not None:
        tail_end = guarded("tail", warnings, len(lines), find_tail_end, lines, tail_start)
        tail: Tail = guarded("tail", warnings, Tail(), read_tail, lines[tail_start:tail_end])
        fields.update(
            recipients=tail.recipients, storage=tail.storage, signature=tail.signature, signatures=tail.signatures
        )
        stacked = stacked_joint_bodies(header.issuer_parts, fields, len(tail.signatures))
        if stacked:
            fields["issuer"], fields["co_issuers"] = stacked[0], stacked[1:]
        if any(not line.blank for line in lines[tail_end:]):
            annex: Body = guarded("annex", warnings, Body([], [], [], None), build_body, lines[tail_end:])
            fields["sections"] = list(fields["sections"]) + annex_sections(annex)

    fields["references"] = guarded(
        "references",
        warnings,
        [],
        read_references,
        "\n".join(line.text for line in lines if not line.blank),
        header.number,
    )
    warnings.extend(missing_warnings(fields))
    fields.update(
        guarded("plan", warnings, {}, read_plan, text, lines, fields, warnings)
    )  # assignments, targets, tables
    return guarded(
        "record", warnings, ParsedFields(warnings=warnings), lambda: ParsedFields(**fields, warnings=warnings)
    )


def stacked_joint_bodies(parts: list[str], fields: dict, n_signatures: int) -> list[Issuer] | None:
    """A joint document whose bodies are stacked without a dash ('LIÊN ĐOÀN LAO ĐỘNG TỈNH' / 'SỞ Y TẾ') reads
    like a parent over its unit; it is joint when the form says so (a liên tịch / phối hợp code such as
    KHLT, or 'LIÊN TỊCH' in the type line) and each stacked body signs its own block."""
    if fields.get("co_issuers") or n_signatures < 2 or len(parts) != n_signatures:
        return None
    code = fold(fields.get("doc_type_code") or "")
    joint = code.endswith(JOINT_SUFFIXES) and len(code) > 2 or "lien tich" in fold(fields.get("doc_type") or "")
    if not joint or not all(starts_body(part) for part in parts):
        return None
    return [Issuer(name=part.removesuffix(" -"), parent=None) for part in parts]


def annex_sections(annex: Body) -> list[Section]:
    """Text printed after the signature (annexes, tables): its sections, unlabelled text as one section."""
    loose = annex.bases + annex.preamble + ([annex.closing] if annex.closing else [])
    sections = [Section(label=None, heading=None, level=1, paragraphs=loose)] if loose else []
    return sections + annex.sections


def last_closing_line(lines: list[Line], start: int) -> int | None:
    """Index of the last 'Trên đây …' line: the tail is searched after it."""
    for index in range(len(lines) - 1, start - 1, -1):
        line = lines[index]
        if not line.blank and starts_closing(line.key.lstrip(), line.flat):
            return index
    return None


def missing_warnings(fields: dict) -> list[str]:
    """One warning per header or tail field a Decree 30 document should have but this one lacks."""
    out = []
    for name, label in (("issuer", "issuer"), ("number", "number"), ("date", "date"), ("title", "title")):
        if not fields.get(name):
            out.append(f"{label} not found")
    if not fields.get("doc_type") and fields.get("doc_type_code") != "CV":
        out.append("document type not found")
    if not fields.get("sections") and not fields.get("bases"):
        out.append("no sections found")
    if not fields.get("recipients"):
        out.append("recipients not found")
    signature = fields.get("signature")
    if signature is None or not signature.signer:
        out.append("signer not found")
    return out


__all__ = ["parse_text"]
