"""The model keeps to the contract (../shared/contract.md): every field name the contract fixes exists in the
model and in the records the CLI writes, at every level, with the contract's conventions for values."""

from __future__ import annotations

import contextlib
import io
import json
import re

import pytest

from pipeline.cli import main
from pipeline.model import Correction, Document, Issuer, Page, Reference, Section, Signature, Source

# Copied by hand from the contract's "Document record" table; the contract says: do not rename or drop.
CONTRACT_DOCUMENT = ["schema_version", "source", "issuer", "national_title", "motto", "number", "serial", "symbol",
                     "doc_type", "doc_type_code", "place", "date", "title", "bases", "references", "sections",
                     "closing", "recipients", "signature", "text", "pages", "corrections", "warnings"]
CONTRACT_PARTS = {
    Source: ["file", "sha256", "kind", "pages"],
    Issuer: ["name", "parent"],
    Reference: ["kind", "number", "date", "issuer"],
    Section: ["label", "heading", "level", "paragraphs", "children"],
    Signature: ["authority", "acting", "position", "signer"],
    Page: ["number", "text", "confidence"],
    Correction: ["page", "line", "original", "corrected", "confidence"],
}
CONTRACT_MANIFEST = ["input", "sha256", "status", "output", "error", "pages", "seconds"]
ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

PLAN_TEXT = """ỦY BAN NHÂN DÂN
HUYỆN ĐÔNG ANH
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 58/KH-UBND
Đông Anh, ngày 14 tháng 5 năm 2025
KẾ HOẠCH
Thực hiện chuyển đổi số năm 2025
Căn cứ Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ;
Ủy ban nhân dân huyện ban hành Kế hoạch như sau:
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Đẩy mạnh ứng dụng công nghệ thông tin.
2. Yêu cầu
a) Bảo đảm an toàn thông tin;
b) Tiết kiệm, hiệu quả.
II. NHIỆM VỤ
- Hoàn thiện hạ tầng số.
Trên đây là Kế hoạch của Ủy ban nhân dân huyện./.
Nơi nhận:
- UBND Thành phố;
- Sở Thông tin và Truyền thông;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Trần Văn Bình
"""


def test_every_contract_field_is_in_the_model():
    assert [f for f in CONTRACT_DOCUMENT if f not in Document.model_fields] == []
    for part, fields in CONTRACT_PARTS.items():
        assert [f for f in fields if f not in part.model_fields] == [], part.__name__
    # Contract order is kept (the model only appends extensions), so records read top-down like the contract.
    order = [f for f in Document.model_fields if f in CONTRACT_DOCUMENT]
    assert order == CONTRACT_DOCUMENT


def test_absent_fields_are_null_and_absent_lists_empty():
    record = json.loads(Document(source=Source(file="x.txt", sha256="0" * 64, kind="text", pages=1)).to_json())
    assert list(record) == list(Document.model_fields)
    for name in ("issuer", "national_title", "motto", "number", "serial", "symbol", "doc_type", "doc_type_code",
                 "place", "date", "title", "closing", "signature"):
        assert record[name] is None, name
    for name in ("bases", "references", "sections", "recipients", "pages", "corrections", "warnings"):
        assert record[name] == [], name
    assert record["schema_version"] == "1.0"


def keys_everywhere(record: dict) -> dict[str, set[str]]:
    """Keys seen at each level of a record: top, source, issuer, references[], sections[] (all depths), …"""
    seen: dict[str, set[str]] = {"document": set(record)}

    def add(kind: str, obj):
        if isinstance(obj, dict):
            seen.setdefault(kind, set()).update(obj)

    add("Source", record["source"])
    add("Issuer", record["issuer"])
    add("Signature", record["signature"])
    for name, kind in (("references", "Reference"), ("pages", "Page"), ("corrections", "Correction")):
        for item in record[name]:
            add(kind, item)
    stack = list(record["sections"])
    while stack:
        section = stack.pop()
        add("Section", section)
        stack.extend(section["children"])
    return seen


@pytest.fixture(scope="module")
def parsed_record(tmp_path_factory) -> dict:
    source = tmp_path_factory.mktemp("parse") / "dong-anh.txt"
    source.write_text(PLAN_TEXT, encoding="utf-8")
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):  # `planocr parse` prints the record on stdout
        assert main(["parse", str(source)]) == 0
    return json.loads(buffer.getvalue())


def test_a_parsed_record_carries_every_contract_key_at_every_level(parsed_record):
    seen = keys_everywhere(parsed_record)
    assert set(CONTRACT_DOCUMENT) <= seen["document"]
    for part, fields in CONTRACT_PARTS.items():
        if part in (Page, Correction):
            continue  # `parse` makes no pages or corrections; covered by the run test below
        assert part.__name__ in seen, f"the parser filled no {part.__name__} from a complete plan"
        assert set(fields) <= seen[part.__name__], part.__name__


def test_a_parsed_record_follows_the_contracts_value_conventions(parsed_record):
    record = parsed_record
    assert record["source"]["kind"] == "text" and record["source"]["file"] == "dong-anh.txt"
    for date in [record["date"]] + [r["date"] for r in record["references"]]:
        assert date is None or ISO_DATE.match(date), date
    if record["number"] is not None:
        assert " " not in record["number"]  # "as printed, spaces removed"
    for recipient in record["recipients"]:
        assert not recipient.startswith(("-", "–", "+")) and not recipient.endswith(";"), recipient
        assert not recipient.startswith("Lưu"), "the 'Lưu:' line belongs in storage, not recipients"
    stack = list(record["sections"])
    while stack:
        section = stack.pop()
        assert section["label"] is None or not section["label"].endswith((".", ")")), section["label"]
        stack.extend(section["children"])
    assert len({r["number"] for r in record["references"]}) == len(record["references"])  # one per distinct number


def test_run_writes_the_contracts_manifest_and_page_keys(tmp_path):
    source = tmp_path / "dong-anh.txt"
    source.write_text(PLAN_TEXT, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(source), "-o", str(out), "--jobs", "1", "--no-restore"]) == 0
    entries = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(entries) == 1 and set(CONTRACT_MANIFEST) <= set(entries[0])
    assert entries[0]["status"] == "ok" and entries[0]["output"] == "dong-anh.json" and entries[0]["error"] is None
    record = json.loads((out / "dong-anh.json").read_text(encoding="utf-8"))
    assert entries[0]["sha256"] == record["source"]["sha256"]
    seen = keys_everywhere(record)
    assert set(CONTRACT_PARTS[Page]) <= seen["Page"]
    assert record["pages"][0]["number"] == 1 and record["pages"][0]["confidence"] is None  # text input
