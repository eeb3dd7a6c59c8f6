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
    signer: str | None = Field(default=None, description="Signer's name.")


class Word(Model):
    """One OCR word with its box, kept for provenance and low-confidence review."""

    text: str
    confidence: float | None = Field(default=None, ge=0, le=1)
    box: tuple[int, int, int, int] | None = Field(default=None, description="left, top, width, height in page pixels")
    line: int | None = Field(default=None, description="1-based line number in the page text")


class Page(Model):
    number: int = Field(ge=1)
    text: str = Field(description="Repaired page text.")
    raw_text: str | None = Field(default=None, description="Text as OCR'd / read, before restoration.")
    confidence: float | None = Field(
        default=None, ge=0, le=1, description="Mean OCR word confidence 0–1; null for text input."
    )
    text_path: TextPath | None = Field(default=None, description="How the text was obtained.")
    low_confidence_words: list[Word] = Field(default_factory=list)
    steps: list[str] = Field(default_factory=list, description="Preprocessing / OCR steps applied, in order.")
    error: str | None = Field(default=None, description="Why this page has no text, when it failed.")


class Correction(Model):
    page: int | None = Field(default=None, ge=1)
    line: int | None = Field(default=None, ge=1)
    original: str
    corrected: str
    confidence: float = Field(ge=0, le=1)


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
    warnings: list[str] = Field(default_factory=list)
