"""Field-by-field comparison of a parsed record with an expected (golden) one, grouped as the issue asks:
header, tail, sections, references. Used by the parser's tests and by ``benchmarks/bench_parse.py``.

An expected record is a dict in the format of ``tests/golden/*.json``: the record's own field names, with
``sections`` as ``[{"label", "heading", "children": [labels or {"label", "heading", "children"}]}]``,
``bases`` and ``preamble`` as prefixes of the expected paragraphs, ``closing_start``/``closing_end``, and
``paragraph_counts`` keyed by index paths ("1/0/4": the fifth child of the first child of the second part).
Only the keys present in an expected record are checked.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from ..model import ParsedFields, Section
from ..parse.lines import collapse
from ..parse.references import number_key

HEADER_FIELDS = (
    "national_title",
    "motto",
    "number",
    "serial",
    "symbol",
    "doc_type",
    "doc_type_code",
    "place",
    "date",
    "title",
)
SIGNATURE_FIELDS = ("authority", "acting", "position", "signer")


@dataclass(frozen=True)
class Check:
    group: str  # header, tail, sections, references
    field: str
    ok: bool
    expected: Any
    got: Any


def norm(value: Any) -> Any:
    return collapse(value) if isinstance(value, str) else value


def same(expected: Any, got: Any) -> bool:
    return norm(expected) == norm(got)


def compare(parsed: ParsedFields, expected: dict, *, loose_numbers: bool = False) -> list[Check]:
    """Checks of every expected field; ``loose_numbers`` matches cited numbers accent-free ('QD' = 'QĐ')."""
    checks: list[Check] = []
    checks += compare_header(parsed, expected)
    checks += compare_tail(parsed, expected)
    checks += compare_sections(parsed, expected)
    checks += compare_references(parsed, expected, loose_numbers)
    return checks


def compare_header(parsed: ParsedFields, expected: dict) -> list[Check]:
    checks = []
    if "issuer" in expected:
        want = expected["issuer"] or {}
        got = parsed.issuer
        for part in ("name", "parent"):
            value = getattr(got, part) if got else None
            checks.append(Check("header", f"issuer.{part}", same(want.get(part), value), want.get(part), value))
    if "co_issuers" in expected:  # the other bodies of a joint document
        want_bodies, got_bodies = expected["co_issuers"], parsed.co_issuers
        checks.append(
            Check("header", "co_issuers.count", len(want_bodies) == len(got_bodies), len(want_bodies), len(got_bodies))
        )
        for index, body in enumerate(want_bodies):
            for part in ("name", "parent"):
                value = getattr(got_bodies[index], part) if index < len(got_bodies) else None
                checks.append(
                    Check("header", f"co_issuers[{index}].{part}", same(body.get(part), value), body.get(part), value)
                )
    for name in HEADER_FIELDS:
        if name in expected:
            value = getattr(parsed, name)
            checks.append(Check("header", name, same(expected[name], value), expected[name], value))
    return checks


def compare_tail(parsed: ParsedFields, expected: dict) -> list[Check]:
    checks = []
    if "recipients" in expected:
        want, got = expected["recipients"], parsed.recipients
        checks.append(Check("tail", "recipients.count", len(want) == len(got), len(want), len(got)))
        for index, item in enumerate(want):
            value = got[index] if index < len(got) else None
            checks.append(Check("tail", f"recipients[{index}]", same(item, value), item, value))
    if "storage" in expected:
        checks.append(
            Check(
                "tail",
                "storage",
                [norm(s) for s in expected["storage"]] == [norm(s) for s in parsed.storage],
                expected["storage"],
                parsed.storage,
            )
        )
    if "signature" in expected:
        want = expected["signature"] or {}
        for part in SIGNATURE_FIELDS:
            value = getattr(parsed.signature, part) if parsed.signature else None
            checks.append(Check("tail", f"signature.{part}", same(want.get(part), value), want.get(part), value))
    if "signatures" in expected:  # every block, in reading order
        want_blocks, got_blocks = expected["signatures"], parsed.signatures
        checks.append(
            Check("tail", "signatures.count", len(want_blocks) == len(got_blocks), len(want_blocks), len(got_blocks))
        )
        for index, block in enumerate(want_blocks):
            for part in SIGNATURE_FIELDS:
                value = getattr(got_blocks[index], part) if index < len(got_blocks) else None
                checks.append(
                    Check("tail", f"signatures[{index}].{part}", same(block.get(part), value), block.get(part), value)
                )
    closing = norm(parsed.closing or "")
    if "closing_start" in expected:
        checks.append(
            Check(
                "tail",
                "closing.start",
                closing.startswith(expected["closing_start"]),
                expected["closing_start"],
                closing[:80],
            )
        )
    if "closing_end" in expected:
        checks.append(
            Check(
                "tail", "closing.end", closing.endswith(expected["closing_end"]), expected["closing_end"], closing[-80:]
            )
        )
    return checks


def child_label(child: Any) -> str:
    return child["label"] if isinstance(child, dict) else child


def compare_sections(parsed: ParsedFields, expected: dict) -> list[Check]:
    checks = []
    for field in ("bases", "preamble"):  # lists of paragraphs, each expected by its opening words
        if field not in expected:
            continue
        want, got = expected[field], getattr(parsed, field)
        checks.append(Check("sections", f"{field}.count", len(want) == len(got), len(want), len(got)))
        for index, prefix in enumerate(want):
            value = norm(got[index]) if index < len(got) else None
            checks.append(
                Check(
                    "sections",
                    f"{field}[{index}]",
                    value is not None and bool(value) and value.startswith(norm(prefix)),
                    prefix,
                    (value or "")[: len(prefix) + 20],
                )
            )
    if "addressees" in expected:
        checks.append(
            Check(
                "sections",
                "addressees",
                [norm(a) for a in expected["addressees"]] == [norm(a) for a in parsed.addressees],
                expected["addressees"],
                parsed.addressees,
            )
        )
    if "sections" in expected:
        checks += compare_tree(parsed.sections, expected["sections"], "sections")
    for path, count in expected.get("paragraph_counts", {}).items():
        section = section_at(parsed.sections, path)
        got = len(section.paragraphs) if section else None
        checks.append(Check("sections", f"paragraphs@{path}", got == count, count, got))
    return checks


def compare_tree(got: list[Section], want: list[Any], where: str) -> list[Check]:
    checks = [Check("sections", f"{where}.count", len(got) == len(want), len(want), len(got))]
    for index, item in enumerate(want):
        section = got[index] if index < len(got) else None
        label = child_label(item)
        checks.append(
            Check(
                "sections",
                f"{where}[{index}].label",
                section is not None and section.label == label,
                label,
                section.label if section else None,
            )
        )
        if isinstance(item, dict):
            heading = section.heading if section else None
            checks.append(
                Check(
                    "sections",
                    f"{where}[{index}].heading",
                    same(item.get("heading"), heading),
                    item.get("heading"),
                    heading,
                )
            )
            children = item.get("children", [])
            if section is None:
                checks.append(Check("sections", f"{where}[{index}].children", False, len(children), None))
            elif children and isinstance(children[0], dict):
                checks += compare_tree(section.children, children, f"{where}[{index}]")
            else:
                labels = [c.label for c in section.children]
                checks.append(
                    Check("sections", f"{where}[{index}].children", labels == list(children), children, labels)
                )
    return checks


def section_at(sections: list[Section], path: str) -> Section | None:
    node: Section | None = None
    level = sections
    for part in path.split("/"):
        index = int(part)
        if index >= len(level):
            return None
        node = level[index]
        level = node.children
    return node


def compare_references(parsed: ParsedFields, expected: dict, loose_numbers: bool = False) -> list[Check]:
    if "references" not in expected:
        return []
    checks = []
    key = number_key if loose_numbers else (lambda number: number)
    by_number = {key(ref.number): ref for ref in parsed.references}
    for want in expected["references"]:
        ref = by_number.get(key(want["number"]))
        checks.append(Check("references", f"{want['number']}.found", ref is not None, want["number"], None))
        for part in ("kind", "date", "issuer"):
            if part in want:
                value = getattr(ref, part) if ref else None
                checks.append(
                    Check("references", f"{want['number']}.{part}", same(want[part], value), want[part], value)
                )
    wanted = {key(w["number"]) for w in expected["references"]}
    extra = [ref.number for ref in parsed.references if key(ref.number) not in wanted]
    checks.append(Check("references", "no_extra", not extra, [], extra))
    return checks


def accuracy(checks: list[Check]) -> dict[str, tuple[int, int]]:
    """{group: (right, total)} over the checks, plus 'all'."""
    out: dict[str, tuple[int, int]] = {}
    for check in checks:
        for group in (check.group, "all"):
            right, total = out.get(group, (0, 0))
            out[group] = (right + check.ok, total + 1)
    return out


def failures(checks: list[Check]) -> list[str]:
    return [f"{c.group}/{c.field}: expected {c.expected!r}, got {c.got!r}" for c in checks if not c.ok]


# --- real documents labelled by hand (benchmarks/data/realtexts_labels.json) --------------------------------
#
# The header/tail fields of a real document, scored as the real-scan fields are (pipeline.testing.realscans):
# equal after normalising case, whitespace and end punctuation. The labels give ``number``/``date`` as null
# where the serial or the day was left blank (an unsigned draft) or written by hand, with what is printed in
# ``number_printed``/``date_printed``: there a null is right, and so is the printed part alone ('/KH-UBND',
# '2025-12'); any other value is wrong.

REAL_FIELDS = (
    "number",
    "doc_type",
    "place",
    "date",
    "title",
    "issuer",
    "signer",
    "position",
    "authority",
)


def real_expected(label: dict) -> dict[str, Any]:
    """The fields a hand label expects (issuer lines joined, parent first; TM./KT./TL. lines joined ' / ')."""
    issuer = label.get("issuer")
    return {
        "number": label.get("number"),
        "doc_type": label.get("doc_type"),
        "place": label.get("place"),
        "date": label.get("date"),
        "title": label.get("title"),
        "issuer": " ".join(issuer) if isinstance(issuer, list) else issuer,
        "signer": label.get("signer"),
        "position": label.get("signature_position"),
        "authority": label.get("signature_authority"),
    }


def real_got(parsed: ParsedFields) -> dict[str, Any]:
    """The same fields as the parser gives them."""
    issuer = parsed.issuer
    signature = parsed.signature
    marks = [m for m in ((signature.authority, signature.acting) if signature else ()) if m]
    return {
        "number": parsed.number,
        "doc_type": parsed.doc_type,
        "place": parsed.place,
        "date": parsed.date,
        "title": parsed.title,
        "issuer": " ".join(p for p in (issuer.parent, issuer.name) if p) or None if issuer else None,
        "signer": signature.signer if signature else None,
        "position": signature.position if signature else None,
        "authority": " / ".join(marks) or None,
    }


def printed_number(printed: str | None) -> str | None:
    """'Số: /KH-UBND' → '/KH-UBND', 'Số    -HD/BTCTU' → '-HD/BTCTU': the printed part of a blank-serial number.
    Dots or an ellipsis printed where the serial goes ('Số:……../BC-K4') are the blank, not part of it."""
    if not printed:
        return None
    rest = re.sub(r"^\s*S[ốo]\s*:?", "", printed)
    return re.sub(r"^[.…_]+", "", re.sub(r"\s+", "", rest)) or None


def printed_date(printed: str | None) -> str | None:
    """'Lâm Đồng, ngày tháng 12 năm 2025' → '2025-12'; '… ngày tháng năm 2026' → '2026'."""
    if not printed:
        return None
    match = re.search(r"ngày\s*(\d{1,2})?\s*tháng\s*(\d{1,2})?\s*năm\s*(\d{4})", printed)
    if not match:
        return None
    day, month, year = match.groups()
    if month is None:
        return year
    if day is None:
        return f"{year}-{int(month):02d}"
    return f"{year}-{int(month):02d}-{int(day):02d}"


def real_norm(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = " ".join(unicodedata.normalize("NFC", value).split()).casefold().strip(" .,;:")
    return text or None


def real_field_right(name: str, want: Any, got: Any, label: dict) -> bool:
    """Is the parser's value of field ``name`` right for this label (blank serial / day rule included)?"""
    if real_norm(want) == real_norm(got):
        return True
    if name == "doc_type" and real_norm(want) == "công văn" and got is None:
        return True  # a công văn's form prints no type name
    if want is None and name == "number" and label.get("number_printed"):
        return got is None or real_norm(got) == real_norm(printed_number(label["number_printed"]))
    if want is None and name == "date" and label.get("date_printed"):
        return got is None or got == printed_date(label["date_printed"])
    return False


def score_real(parsed: ParsedFields, label: dict) -> list[Check]:
    """One Check per header/tail field of a hand-labelled real document."""
    want, got = real_expected(label), real_got(parsed)
    group = {"signer": "tail", "position": "tail", "authority": "tail"}
    return [
        Check(
            group.get(name, "header"), name, real_field_right(name, want[name], got[name], label), want[name], got[name]
        )
        for name in REAL_FIELDS
    ]
