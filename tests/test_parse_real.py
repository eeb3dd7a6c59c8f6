"""The real-document field scoring (pipeline.testing.parse_eval.score_real) that bench_parse_real reports with."""

from __future__ import annotations

from pipeline.model import Issuer, ParsedFields, Signature
from pipeline.testing.parse_eval import printed_date, printed_number, score_real

LABEL = {
    "issuer": ["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"],
    "number": None,
    "number_printed": "Số: /KH-UBND",
    "doc_type": "KẾ HOẠCH",
    "place": "Lâm Đồng",
    "date": None,
    "date_printed": "Lâm Đồng, ngày tháng 12 năm 2025",
    "title": "Cải cách hành chính năm 2026",
    "signer": "Nguyễn Ngọc Phúc",
    "signature_position": "PHÓ CHỦ TỊCH",
    "signature_authority": "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH",
}


def parsed(**changes) -> ParsedFields:
    fields = {
        "issuer": Issuer(name="ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG"),
        "number": "/KH-UBND",
        "doc_type": "KẾ HOẠCH",
        "place": "Lâm Đồng",
        "date": "2025-12",
        "title": "Cải cách hành chính  năm 2026.",
        "signature": Signature(
            authority="TM. ỦY BAN NHÂN DÂN", acting="KT. CHỦ TỊCH", position="PHÓ CHỦ TỊCH", signer="Nguyễn Ngọc Phúc"
        ),
    }
    fields.update(changes)
    return ParsedFields(**fields)


def right(record: ParsedFields, label: dict = LABEL) -> dict[str, bool]:
    return {check.field: check.ok for check in score_real(record, label)}


def test_every_field_right_after_normalising_case_space_and_end_punctuation():
    assert all(right(parsed()).values())


def test_a_blank_serial_or_day_is_right_as_null_or_as_its_printed_part_but_a_value_is_wrong():
    assert right(parsed(number=None, date=None))["number"]
    assert right(parsed(number=None, date=None))["date"]
    wrong = right(parsed(number="899/KH-UBND", date="2025-12-08"))
    assert not wrong["number"] and not wrong["date"]
    assert not right(parsed(number="/KH-UBNĐ", date="2025-11"))["number"]
    assert not right(parsed(date="2025-11"))["date"]


def test_printed_parts_of_blank_numbers_and_dates():
    assert printed_number("Số: /KH-UBND") == "/KH-UBND"
    assert printed_number("Số    -HD/BTCTU") == "-HD/BTCTU"
    assert printed_number("Số:……../BC-K4") == "/BC-K4"  # dots hold the blank serial's place
    assert printed_number("Số: ...../TB-ĐU") == "/TB-ĐU"
    assert printed_date("Lâm Đồng, ngày tháng năm 2026") == "2026"
    assert printed_date("Hà Nội, ngày     tháng 8 năm 2025") == "2025-08"


def test_issuer_lines_are_joined_parent_first_and_marks_joined():
    label = {**LABEL, "issuer": ["UBND TỈNH LÂM ĐỒNG", "SỞ NỘI VỤ"]}
    assert right(parsed(issuer=Issuer(name="SỞ NỘI VỤ", parent="UBND TỈNH LÂM ĐỒNG")), label)["issuer"]
    assert not right(parsed(issuer=Issuer(name="SỞ NỘI VỤ")), label)["issuer"]
    only_acting = Signature(acting="KT. CHỦ TỊCH", position="PHÓ CHỦ TỊCH", signer="Nguyễn Ngọc Phúc")
    assert not right(parsed(signature=only_acting))["authority"]


def test_a_cong_van_without_a_type_name_is_right():
    label = {**LABEL, "doc_type": "CÔNG VĂN"}
    assert right(parsed(doc_type=None), label)["doc_type"]
    assert not right(parsed(doc_type="KẾ HOẠCH"), label)["doc_type"]


def test_the_shared_real_scans_transcriptions_give_every_field(realscans_dir):
    """The parser on the transcriptions of the shared real scans (the text OCR should give): every field of
    fields.json right (pinned: 64/64 on 2026-12-02)."""
    import json
    import unicodedata

    from pipeline.parse import parse_text
    from pipeline.testing.realscans import FIELDS, RealDocument, score_fields

    entries = json.loads((realscans_dir / "fields.json").read_text(encoding="utf-8"))["documents"]
    checked = 0
    for entry in entries:
        if not entry.get("file") or entry.get("blind"):
            continue
        text = unicodedata.normalize("NFC", (realscans_dir / entry["file"]).read_text(encoding="utf-8"))
        document = RealDocument(entry["file"], entry, [], text, False, list(entry.get("handwritten") or []))
        score = score_fields(document, parse_text(text).model_dump())
        wrong = {name: (score.want[name], score.got[name]) for name in FIELDS if not score.right[name]}
        assert not wrong, (entry["file"], wrong)
        checked += 1
    assert checked >= 5
