"""The one document model every stage fills and every exporter reads.

Field names follow ../shared/contract.md (the JSON contract); extensions are additive.
A field the document lacks is ``None`` (lists: ``[]``) and serialises as JSON ``null``.
``schemas/plan.schema.json`` is generated from :class:`Document` (``python -m pipeline.schema``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"

InputKind = Literal["pdf", "image", "text"]
# How a page's text was obtained: OCR of a raster, the PDF's own text layer, or a text input.
TextPath = Literal["ocr", "text-layer", "text"]


class Model(BaseModel):
    """Base for all record parts: unknown keys are refused so typos fail loudly in tests."""

    # json_schema_serialization_defaults_required: every key is always written (absent → null / []),
    # so the generated schema lists every field as required and a record missing a key fails validation.
    model_config = ConfigDict(
        extra="forbid", validate_assignment=True, json_schema_serialization_defaults_required=True
    )


class Source(Model):
    file: str = Field(description="Input file name as given (no directories).")
    sha256: str = Field(description="SHA-256 of the input file's bytes.")
    kind: InputKind
    pages: int = Field(ge=0)


class Issuer(Model):
    name: str | None = Field(default=None, description="Issuing body, e.g. 'ỦY BAN NHÂN DÂN PHƯỜNG GIA VIÊN'.")
    parent: str | None = Field(default=None, description="Parent body printed above it, if any.")


class Reference(Model):
    kind: str | None = Field(default=None, description="Document kind, e.g. 'Nghị quyết'.")
    number: str = Field(description="Number and symbol, e.g. '57-NQ/TW'.")
    date: str | None = Field(
        default=None,
        description="ISO 8601 date: YYYY-MM-DD; YYYY-MM when the day is blank, YYYY when day and month are.",
    )
    issuer: str | None = None


class Section(Model):
    label: str | None = Field(
        default=None, description="Label as printed without trailing dot/parenthesis: 'I', '1', '1.1', 'a'."
    )
    heading: str | None = None
    level: int = Field(ge=1)
    paragraphs: list[str] = Field(default_factory=list)
    children: list[Section] = Field(default_factory=list)


class Signature(Model):
    authority: str | None = Field(default=None, description="'TM. ỦY BAN NHÂN DÂN'")
    acting: str | None = Field(default=None, description="'KT. CHỦ TỊCH'")
    position: str | None = Field(default=None, description="'PHÓ CHỦ TỊCH'")
    signer: str | None = Field(default=None, description="Signer's name (without a military or police rank).")
    rank: str | None = Field(
        default=None, description="The rank printed before the name: 'Thiếu tướng', 'Trung tá' (police, army)."
    )


class Word(Model):
    """One OCR word with its box: what the page's text is made of, for provenance, review, ALTO and the PDF text layer."""

    text: str = Field(description="The word as it stands in the page text (after restoration).")
    original: str | None = Field(
        default=None, description="What OCR read, when restoration or a reviewer changed the word; null when unchanged."
    )
    confidence: float | None = Field(default=None, ge=0, le=1)
    box: tuple[int, int, int, int] | None = Field(default=None, description="left, top, width, height in page pixels")
    line: int | None = Field(default=None, description="1-based line number in the page text")


# What a page is, as the load stage decided from evidence (Page.steps gives the reason).
PageKind = Literal["scan", "born-digital", "blank", "text"]
OverlayKind = Literal["e-signature", "received-stamp", "portal-stamp", "seal", "handwritten-signature", "other"]


class Overlay(Model):
    """Something placed on the page that is not the document's text: a portal's e-signature box, a received
    stamp, a seal. Kept out of the text, recorded as what it is."""

    kind: OverlayKind
    text: str | None = Field(default=None, description="Its text as read (a PDF text layer or OCR), when it has any.")
    box: tuple[int, int, int, int] | None = Field(default=None, description="left, top, width, height in page pixels")


class Page(Model):
    number: int = Field(ge=1)
    text: str = Field(description="Repaired page text.")
    raw_text: str | None = Field(default=None, description="Text as OCR'd / read, before restoration.")
    confidence: float | None = Field(
        default=None, ge=0, le=1, description="Mean OCR word confidence 0–1; null for text input."
    )
    text_path: TextPath | None = Field(default=None, description="How the text was obtained.")
    low_confidence_words: list[Word] = Field(default_factory=list)
    kind: PageKind | None = Field(
        default=None, description="scan (OCR'd), born-digital (text layer kept), blank, or text input."
    )
    size: tuple[int, int] | None = Field(
        default=None, description="width, height in pixels of the page image the word boxes refer to"
    )
    words: list[Word] = Field(
        default_factory=list, description="Every word of the page in reading order, with its box (OCR'd pages)."
    )
    overlays: list[Overlay] = Field(
        default_factory=list, description="E-signature boxes, stamps and seals found on the page, kept out of its text."
    )
    steps: list[str] = Field(default_factory=list, description="Preprocessing / OCR steps applied, in order.")
    error: str | None = Field(default=None, description="Why this page has no text, when it failed.")


class Correction(Model):
    page: int | None = Field(default=None, ge=1)
    line: int | None = Field(default=None, ge=1)
    original: str
    corrected: str
    confidence: float = Field(ge=0, le=1)
    by: Literal["restore", "reread"] = Field(
        default="restore",
        description="The stage that made the change: restore (diacritics and OCR letters, word by word) or reread "
        "(a short line of the right-hand column, the signature block, read again alone; original is the page's reading).",
    )


TrustStatus = Literal["trusted", "untrusted", "not checked"]


class DigitalSignature(Model):
    """A PDF digital signature (PAdES/CMS) of the input file, read offline."""

    field: str | None = Field(default=None, description="The signature field's name in the PDF.")
    signer: str | None = Field(default=None, description="The signing certificate's subject common name.")
    organisation: str | None = Field(default=None, description="The certificate subject's organisation (O).")
    issuer: str | None = Field(default=None, description="The certificate's issuer (the CA), common name.")
    signed_at: str | None = Field(default=None, description="Signing time the signature claims, ISO 8601 with offset.")
    intact: bool | None = Field(
        default=None,
        description="The signed bytes are unchanged (digest and signature verify); null when it could not be checked.",
    )
    coverage: str | None = Field(
        default=None,
        description="What it covers: 'entire file', 'entire revision' (later revisions were appended), or 'partial'.",
    )
    trusted: TrustStatus = Field(
        default="not checked",
        description="Whether the certificate chains to a root given with --trust-roots; 'not checked' without roots.",
    )
    page: int | None = Field(default=None, description="Page of the signature's visible box, if it has one.")


class Received(Model):
    """A received stamp ("CV ĐẾN / Số… / Ngày…"): the receiving office's register entry."""

    number: str | None = Field(default=None, description="Incoming register number as read; null when unreadable.")
    date: str | None = Field(default=None, description="Date received, ISO 8601; null when unreadable.")
    text: str | None = Field(default=None, description="The stamp's text as read.")
    page: int | None = None


class Deadline(Model):
    text: str = Field(description="The deadline as printed: 'trước ngày 30/6/2025', 'Quý III/2025', 'Thường xuyên'.")
    date: str | None = Field(
        default=None, description="The deadline as an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD) when it is one."
    )


class Assignment(Model):
    """What a document makes one body do: its duties, its role and deadlines."""

    body: str = Field(description="The body as printed: 'Sở Tài chính', 'UBND các xã, phường'.")
    canonical: str | None = Field(
        default=None, description="Canonical name for comparing documents: 'Sở Tài chính', 'UBND cấp xã'."
    )
    role: Literal["chủ trì", "phối hợp"] | None = Field(
        default=None, description="Lead (chủ trì) or co-operating (phối hợp) body, when the text says."
    )
    request: bool = Field(default=False, description="True when the body is asked ('Đề nghị …'), not instructed.")
    duties: list[str] = Field(default_factory=list, description="The duty items assigned to the body.")
    deadlines: list[Deadline] = Field(default_factory=list)
    section: str | None = Field(default=None, description="Path of the section it was read from ('IV.2'), or 'table'.")


class Target(Model):
    """A quantified objective: 'Tỷ lệ … đạt 85% vào năm 2025'."""

    indicator: str = Field(description="What is measured, as printed.")
    value: str = Field(description="The value as printed: '85%', 'tối thiểu 20 - 30%', '≥ 30%'.")
    number: float | None = Field(default=None, description="The value as a number (the lower bound of a range).")
    upper: float | None = Field(default=None, description="The upper bound of a range, when the value is one.")
    unit: str | None = Field(default=None, description="'%', 'km', 'người', …")
    by: str | None = Field(
        default=None, description="Year or date by which it is due, ISO 8601; 'hằng năm' for a yearly target."
    )
    section: str | None = None


class Table(Model):
    """A table of the document: a text table, or a ruled table found on a scanned page."""

    page: int | None = None
    section: str | None = None
    header: list[str] = Field(default_factory=list)
    rows: list[list[str | None]] = Field(
        default_factory=list,
        description="Cells row by row, below the header; a merged cell's value stands in each row it spans (in the first column it spans).",
    )
    source: Literal["text", "scan"] = "text"
    spans: list[tuple[int, int, int, int]] = Field(
        default_factory=list,
        description="Merged cells of `rows`: (row, column, rows spanned, columns spanned), 0-based.",
    )


class Outputs(Model):
    """Files written beside the record for this document (names in OUTDIR)."""

    pdf: str | None = Field(default=None, description="The searchable PDF/A-2b with the corrected text layer.")
    alto: str | None = Field(default=None, description="ALTO 4 XML of the pages.")


class ReviewEntry(Model):
    """One change a person made in the review page."""

    time: str = Field(description="When, ISO 8601 UTC.")
    who: str
    what: str = Field(description="What was changed: 'field number', 'word 1/17', 'correction 3 rejected'.")
    before: str | None = None
    after: str | None = None


class Provenance(Model):
    """Which software made the record; no timestamps, so the body is reproducible."""

    planocr: str
    tesseract: str | None = None
    lang: str | None = None
    restore: bool = True


class Document(Model):
    """One document record (OUTDIR/<name>.json); field names follow the contract."""

    schema_version: str = Field(default=SCHEMA_VERSION, description="Version of this record format.", examples=["1.0"])
    source: Source
    issuer: Issuer | None = None
    co_issuers: list[Issuer] = Field(
        default_factory=list,
        description="The other issuing bodies of a joint document (liên tịch), in printed order after `issuer`.",
    )
    national_title: str | None = Field(
        default=None, description="Quốc hiệu.", examples=["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    )
    motto: str | None = Field(default=None, description="Tiêu ngữ.", examples=["Độc lập - Tự do - Hạnh phúc"])
    number: str | None = Field(
        default=None,
        description="Số, ký hiệu as printed, spaces removed; '/KH-UBND' when the serial is blank.",
        examples=["36/KH-UBND"],
    )
    serial: str | None = Field(
        default=None, description="The number's serial part; null when left blank.", examples=["36"]
    )
    symbol: str | None = Field(default=None, description="The number's symbol part.", examples=["KH-UBND"])
    doc_type: str | None = Field(default=None, description="Document type as printed.", examples=["KẾ HOẠCH"])
    doc_type_code: str | None = Field(default=None, description="Abbreviation of the type.", examples=["KH"])
    place: str | None = Field(default=None, description="Place of issue (địa danh).", examples=["Gia Viên"])
    date: str | None = Field(
        default=None,
        description="Date of issue, ISO 8601: YYYY-MM-DD; YYYY-MM when the day is blank, YYYY when day and month are.",
        examples=["2025-08-20", "2026-03"],
    )
    title: str | None = Field(default=None, description="Subject line (trích yếu), joined into one line.")
    bases: list[str] = Field(
        default_factory=list, description="Preamble paragraphs ('Căn cứ…', 'Thực hiện…'), one string each."
    )
    addressees: list[str] = Field(
        default_factory=list,
        description="'Kính gửi:' entries (công văn, tờ trình), without the leading dash and trailing ';'.",
    )
    preamble: list[str] = Field(
        default_factory=list,
        description="Body paragraphs before the first heading that are not bases (the enacting sentence '… ban hành Kế hoạch … như sau:', a decision's 'QUYẾT ĐỊNH:'); a document without headings has its whole body here.",
    )
    references: list[Reference] = Field(
        default_factory=list, description="Every document cited anywhere, one entry per distinct number."
    )
    sections: list[Section] = Field(default_factory=list, description="Section tree of the body.")
    closing: str | None = Field(default=None, description="The 'Trên đây là…' paragraph.")
    recipients: list[str] = Field(
        default_factory=list,
        description="'Nơi nhận' entries without the leading dash and trailing ';'.",
        examples=[["UBND thành phố", "Sở VHTTDL thành phố"]],
    )
    storage: list[str] = Field(
        default_factory=list, description="The 'Lưu: …' line's entries, kept apart from recipients."
    )
    signature: Signature | None = Field(
        default=None,
        description="The signature block in the usual place: the last one, the right-hand (lead) one when blocks stand side by side.",
    )
    signatures: list[Signature] = Field(
        default_factory=list,
        description="Every signature block in reading order (left to right when side by side): a Biên bản's secretary and chair, a joint document's signers; `signature` is the last of them.",
    )
    assignments: list[Assignment] = Field(
        default_factory=list, description="Bodies the document assigns duties to, one entry per body."
    )
    targets: list[Target] = Field(default_factory=list, description="Quantified objectives.")
    tables: list[Table] = Field(
        default_factory=list, description="Tables of the document (text tables, ruled tables of scanned pages)."
    )
    digital_signatures: list[DigitalSignature] = Field(
        default_factory=list, description="The input PDF's digital signatures, read offline."
    )
    received: Received | None = Field(default=None, description="The received stamp on the document, if any.")
    text: str = Field(default="", description="Full repaired text of the document (pages joined by a blank line).")
    pages: list[Page] = Field(default_factory=list, description="One entry per page, in page order.")
    corrections: list[Correction] = Field(
        default_factory=list, description="Every change restoration made to the text."
    )
    warnings: list[str] = Field(
        default_factory=list,
        description="Things a human should check.",
        examples=[["page 2: confidence 0.41", "signer not found"]],
    )
    needs_review: bool = Field(default=False, description="True when a warning asks a human to check this record.")
    reviewed: bool = Field(
        default=False,
        description="True once a person reviewed the record (planocr review); --resume never overwrites it.",
    )
    review: list[ReviewEntry] = Field(default_factory=list, description="Every change a person made, in order.")
    outputs: Outputs | None = Field(
        default=None, description="Archive files written beside the record (--pdf, --alto)."
    )
    provenance: Provenance | None = None

    def to_json(self) -> str:
        """Stable JSON: fixed key order (the model's), UTF-8 text, nulls kept."""
        return self.model_dump_json(indent=2) + "\n"


class ParsedFields(Model):
    """What the section parser extracts from text: the Document's structured fields."""

    issuer: Issuer | None = None
    co_issuers: list[Issuer] = Field(default_factory=list)
    national_title: str | None = None
    motto: str | None = None
    number: str | None = None
    serial: str | None = None
    symbol: str | None = None
    doc_type: str | None = None
    doc_type_code: str | None = None
    place: str | None = None
    date: str | None = None
    title: str | None = None
    bases: list[str] = Field(default_factory=list)
    addressees: list[str] = Field(default_factory=list)
    preamble: list[str] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    closing: str | None = None
    recipients: list[str] = Field(default_factory=list)
    storage: list[str] = Field(default_factory=list)
    signature: Signature | None = None
    signatures: list[Signature] = Field(default_factory=list)
    assignments: list[Assignment] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
