"""Stage 5, parse: read the Decree 30 form (header, preamble, section tree, tail) out of repaired text.

``parse_text`` never raises: any input (empty, junk, a 300-page text) gives a ParsedFields whose
``warnings`` say what a human should check. The parts: ``lines`` (clean-up, keyword keys, the guard),
``header`` (``read_head``), ``body`` (``build_body``), ``tail`` (``find_tail``) and ``references``.
"""

from __future__ import annotations

from ..model import Page, ParsedFields, Section
from .body import Body, build_body
from .header import Confidences, read_head, stacked_joint_bodies
from .lines import Line, clean_lines, guarded
from .plan import read_plan
from .references import read_references
from .tail import find_tail


def parse_text(text: str, confidences: Confidences | None = None) -> ParsedFields:
    """Parse repaired text into the record's structured fields, with warnings for what was not found.
    ``confidences`` (text read by OCR): line number → that line's words with their OCR confidence, as
    ``line_confidences`` gives them from the pages; a serial or day read with low confidence is then dropped.
    Never raises: each part is guarded, and this is the last net under them."""
    try:
        return parse_parts(text if isinstance(text, str) else str(text or ""), confidences)
    except Exception as exc:  # noqa: BLE001 - a record with a warning beats a crashed batch
        return ParsedFields(warnings=[f"parser: failed ({type(exc).__name__}: {exc})"[:300]])


def line_confidences(pages: list[Page]) -> Confidences | None:
    """The OCR words of OCR'd pages by line number of the pages' texts joined by form feeds (a form feed
    counts as one line, as in ``parse_text``); None when no page has words (text input, text layers)."""
    out: dict[int, list[tuple[str, float | None, tuple[int, int, int, int] | None]]] = {}
    offset = 0
    for page in pages:
        for word in page.words:
            if word.line is not None:
                out.setdefault(offset + word.line, []).append((word.text, word.confidence, word.box))
        offset += len(page.text.split("\n")) + 1
    return out or None


def parse_parts(text: str, confidences: Confidences | None = None) -> ParsedFields:
    warnings: list[str] = []
    lines: list[Line] = guarded("clean-up", warnings, [], clean_lines, text)
    if not any(not line.blank for line in lines):
        return ParsedFields(warnings=warnings + ["empty text: no fields to parse"])

    head = read_head(lines, warnings, confidences)
    fields: dict = head.fields()
    tail = find_tail(lines, head.body_start, warnings)
    body_end = tail.start if tail.start is not None else len(lines)
    body: Body = guarded("body", warnings, Body([], [], [], None), build_body, lines[head.body_start : body_end])
    fields.update(
        bases=body.bases,
        preamble=body.preamble,
        addressees=body.addressees,
        sections=body.sections,
        closing=body.closing,
    )
    if tail.start is not None:
        fields.update(
            recipients=tail.tail.recipients,
            storage=tail.tail.storage,
            signature=tail.tail.signature,
            signatures=tail.tail.signatures,
        )
        stacked = stacked_joint_bodies(head, len(tail.tail.signatures))
        if stacked:
            fields["issuer"], fields["co_issuers"] = stacked[0], stacked[1:]
        if any(not line.blank for line in lines[tail.end :]):
            annex: Body = guarded("annex", warnings, Body([], [], [], None), build_body, lines[tail.end :])
            fields["sections"] = list(fields["sections"]) + annex_sections(annex)

    fields["references"] = guarded(
        "references",
        warnings,
        [],
        read_references,
        "\n".join(line.text for line in lines if not line.blank),
        head.number,
    )
    warnings.extend(missing_warnings(fields))
    fields.update(
        guarded("plan", warnings, {}, read_plan, text, lines, fields, warnings)
    )  # assignments, targets, tables
    return guarded(
        "record", warnings, ParsedFields(warnings=warnings), lambda: ParsedFields(**fields, warnings=warnings)
    )


def annex_sections(annex: Body) -> list[Section]:
    """Text printed after the signature (annexes, tables): its sections, unlabelled text as one section."""
    loose = annex.bases + annex.preamble + ([annex.closing] if annex.closing else [])
    sections = [Section(label=None, heading=None, level=1, paragraphs=loose)] if loose else []
    return sections + annex.sections


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


__all__ = ["Confidences", "line_confidences", "parse_text"]
