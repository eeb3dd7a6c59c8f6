"""Real scans with transcriptions and fields read by eye: loading a set and scoring records against it.

A set is a folder laid out as ``../shared/realscans`` is: ``fields.json`` (one entry per document: the fields
read by eye, ``scan`` paths, ``file`` = its transcription or null, ``handwritten`` parts, optionally
``blind``), ``scans/`` and ``truth/``. The shared set is found at ``../shared/realscans`` from the project root
(or ``$PLANOCR_SHARED/realscans``, or ``$PLANOCR_REALSCANS``); more sets (real scans the team gathered) are passed as folders of the same layout.

Scoring rules (benchmarks/README.md, "Real scans"):
- CER: the record's ``text`` against the transcription, both NFC with every run of whitespace made one space
  (the transcription's page breaks and blank lines count as whitespace; its table rows '| a | b |' as their
  cells' text: the pipes are markup); edits / transcription characters.
- Fields (the eight issue 11 names): number, date, doc_type, place, title, issuer, signer, position. A value
  is right when it equals the field read by eye after normalising case, whitespace and end punctuation. A
  handwritten serial or day left null counts as right when everything printed is right
  ("/TTr-UBND" for "01/TTr-UBND" with "số 01" handwritten; "2025-01" for "2025-01-06" with "ngày 06"
  handwritten); a wrong value is wrong. For a công văn, whose form prints no type name, a null
  ``doc_type`` is right.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

FIELDS = ("number", "date", "doc_type", "place", "title", "issuer", "signer", "position")
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def shared_realscans() -> Path | None:
    """The shared set, or None when this checkout has no ../shared/realscans."""
    shared = Path(os.environ.get("PLANOCR_SHARED", PROJECT_ROOT.parent / "shared"))
    folder = Path(os.environ.get("PLANOCR_REALSCANS", shared / "realscans"))
    return folder if (folder / "fields.json").is_file() else None


@dataclass
class RealDocument:
    name: str  # the scan's stem (or the transcription's for text-only documents)
    fields: dict[str, Any]
    scans: list[Path]
    truth: str | None  # the transcription, when there is one
    blind: bool = False
    handwritten: list[str] = field(default_factory=list)

    @property
    def scan(self) -> Path | None:
        return self.scans[0] if self.scans else None


def load_set(folder: Path, *, include_blind: bool = False) -> list[RealDocument]:
    """Documents of one set that have a scan (text-only documents are the parser's business)."""
    data = json.loads((folder / "fields.json").read_text(encoding="utf-8"))
    documents = []
    for entry in data["documents"]:
        scans = [folder / rel for rel in entry.get("scan") or []]
        if not scans or (entry.get("blind") and not include_blind) or not all(s.exists() for s in scans):
            continue  # a scan absent (a set rebuilt without it) is not scored
        truth_file = entry.get("file")
        # a transcription lives outside the repository too: a set rebuilt from its sources may lack it
        truth_path = folder / truth_file if truth_file else None
        truth = truth_path.read_text(encoding="utf-8") if truth_path and truth_path.exists() else None
        documents.append(
            RealDocument(
                name=scans[0].stem,
                fields=entry,
                scans=scans,
                truth=without_table_markup(unicodedata.normalize("NFC", truth)) if truth is not None else None,
                blind=bool(entry.get("blind")),
                handwritten=[str(h) for h in entry.get("handwritten") or []],
            )
        )
    return documents


# --- text --------------------------------------------------------------------------------------------------


def without_table_markup(truth: str) -> str:
    """A transcription's table rows ('| a | b |', the convention's markup for a ruled table) as their cells'
    text, so that the pipes, which no page prints, count as neither characters nor words."""
    lines = []
    for line in truth.split("\n"):
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|"):
            line = " ".join(cell.strip() for cell in stripped.strip("|").split("|") if cell.strip())
        lines.append(line)
    return "\n".join(lines)


def flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def char_edits(truth: str, text: str) -> tuple[int, int]:
    """(edits, truth characters) on whitespace-flattened NFC text."""
    reference, hypothesis = flat(truth), flat(text)
    return Levenshtein.distance(reference, hypothesis), len(reference)


# --- fields ------------------------------------------------------------------------------------------------


def norm(value: str | None) -> str | None:
    """A field's value for comparison: NFC, spaces collapsed, case folded, each word's tone mark where the
    classic placement sets it ('UỶ' and 'ỦY', 'hoà' and 'hòa' are one spelling in two styles)."""
    if value is None:
        return None
    from diacritics.phonology import canonical

    text = re.sub(r"[^\W\d_]+", lambda m: canonical(m.group()), flat(value).casefold()).strip(" .,;:")
    return text or None


def handwritten_parts(document: RealDocument) -> set[str]:
    """Which parts of number and date were written by hand: 'serial', 'day', 'month'. From the entry's
    ``handwritten`` list, or from its notes where only they say it ("Handwritten số 01 and ngày 04 tháng 01")."""
    parts = set()
    for item in document.handwritten:
        item = item.strip().casefold()
        if item.startswith("số "):
            parts.add("serial")
        elif item.startswith("ngày "):
            parts.add("day")
        elif item.startswith("tháng "):
            parts.add("month")
    notes = str(document.fields.get("notes") or "").casefold()
    for sentence in re.findall(r"handwritten ([^.]*)", notes):
        parts.update(part for word, part in (("số", "serial"), ("ngày", "day"), ("tháng", "month")) if word in sentence)
    return parts


def record_fields(record: dict) -> dict[str, str | None]:
    """The eight fields as a record gives them (issuer as its parent and name joined)."""
    issuer = record.get("issuer") or {}
    signature = record.get("signature") or {}
    issuer_text = " ".join(p for p in (issuer.get("parent"), issuer.get("name")) if p) or None
    return {
        "number": record.get("number"),
        "date": record.get("date"),
        "doc_type": record.get("doc_type"),
        "place": record.get("place"),
        "title": record.get("title"),
        "issuer": issuer_text,
        "signer": signature.get("signer"),
        "position": signature.get("position"),
    }


def expected_fields(document: RealDocument) -> dict[str, str | None]:
    f = document.fields
    issuer = f.get("issuer")
    return {
        "number": f.get("number"),
        "date": f.get("date"),
        "doc_type": f.get("doc_type"),
        "place": f.get("place"),
        "title": f.get("title"),
        "issuer": " ".join(issuer) if isinstance(issuer, list) else issuer,
        "signer": f.get("signer"),
        "position": f.get("signature_position"),
    }


def field_is_right(name: str, want: str | None, got: str | None, handwritten: set[str]) -> bool:
    if norm(want) == norm(got):
        return True
    if want is None or got is None:
        if name == "doc_type" and want is not None and norm(want) == "công văn" and got is None:
            return True
        return False
    if name == "number" and "serial" in handwritten:
        serial, _, symbol = want.partition("/")
        return bool(symbol) and norm(got) == norm("/" + symbol)  # serial left blank, symbol right
    if name == "date" and "day" in handwritten:
        # day left blank with month and year right; or, when the month was handwritten too, both left blank
        return got == want[:7] or ("month" in handwritten and got == want[:4])
    return False


@dataclass
class FieldScore:
    document: str
    right: dict[str, bool]
    got: dict[str, str | None]
    want: dict[str, str | None]


def score_fields(document: RealDocument, record: dict) -> FieldScore:
    got, want = record_fields(record), expected_fields(document)
    hand = handwritten_parts(document)
    right = {name: field_is_right(name, want[name], got[name], hand) for name in FIELDS}
    return FieldScore(document=document.name, right=right, got=got, want=want)
