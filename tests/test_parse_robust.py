"""The parser never raises: empty, junk, random unicode, huge texts all give a ParsedFields with warnings."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.model import ParsedFields
from pipeline.parse import parse_text

FIXTURES = Path(__file__).parent / "fixtures" / "parse"
FORM_WORDS = ["Số:", "/KH-UBND", "KẾ HOẠCH", "QUYẾT ĐỊNH", "Căn cứ", "I.", "II.", "1.", "1.1.", "a)", "đ)", "-", "+",
              "Điều 1.", "Chương I", "Nơi nhận:", "Lưu: VT.", "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "ngày",
              "tháng", "năm 2025", "Trên đây là", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
              "57-NQ/TW", "|", "###", "**", "\n", "\n\n", "\r\n", "\f", "  ", "Nguyễn Văn A", "V/v", "./."]


def assert_record(parsed: ParsedFields) -> None:
    assert isinstance(parsed, ParsedFields)
    ParsedFields.model_validate(parsed.model_dump())  # round-trips through validation
    assert not any(w.startswith("parser:") for w in parsed.warnings), parsed.warnings


def test_empty_and_blank_text_give_a_warning():
    for text in ("", "   ", "\n\n\n", "\f\f"):
        parsed = parse_text(text)
        assert_record(parsed)
        assert parsed.warnings and parsed.sections == [] and parsed.number is None


def test_non_string_input_does_not_raise():
    assert_record(parse_text(None))  # type: ignore[arg-type]


def test_text_without_structure_has_warnings_not_fields():
    parsed = parse_text("Hôm nay trời đẹp. Chúng tôi đi chơi công viên và ăn kem.\nRồi về nhà.")
    assert_record(parsed)
    assert parsed.number is None and parsed.doc_type is None and parsed.signature is None
    assert "number not found" in parsed.warnings


def test_binary_junk():
    rng = random.Random(7)
    junk = bytes(rng.randrange(256) for _ in range(20000))
    assert_record(parse_text(junk.decode("latin-1")))
    parsed = parse_text(junk.decode("utf-8", errors="surrogateescape"))  # how a CLI reads undecodable stdin
    assert_record(parsed)
    parsed.model_dump_json()  # no lone surrogate reaches a value


def test_lone_surrogates_in_values_are_dropped():
    parsed = parse_text("ỦY BAN NHÂN DÂN XÃ A\udcff\nSố: 5/KH-UBND\nKẾ HOẠCH\nTiêu \udc80đề\nI. NỘI DUNG\n")
    assert parsed.title == "Tiêu đề" and parsed.issuer.name == "ỦY BAN NHÂN DÂN XÃ A"
    parsed.model_dump_json()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(st.characters(exclude_categories=()), max_size=400))  # surrogates included
def test_random_unicode_never_raises(text):
    parsed = parse_text(text)
    assert_record(parsed)
    parsed.model_dump_json()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FORM_WORDS) | st.text(max_size=12), max_size=80))
def test_random_form_fragments_never_raise(pieces):
    assert_record(parse_text(" ".join(pieces)))


def three_hundred_pages() -> str:
    """A fixture's header, 300 pages of its body (~50 lines and a page number each), then its tail."""
    lines = (FIXTURES / "so_gddt_huong_dan.txt").read_text(encoding="utf-8").splitlines()
    body_at = lines.index("I. NHIỆM VỤ CHUNG")
    tail_at = lines.index("Nơi nhận:")
    page = "\n".join(lines[body_at:tail_at] * 3)
    pages = "\n\f".join(f"{page}\n\n{n}\n" for n in range(1, 301))
    return "\n".join(lines[:body_at]) + "\n" + pages + "\n" + "\n".join(lines[tail_at:])


def test_three_hundred_pages_parse_in_bounded_time():
    text = three_hundred_pages()
    started = time.perf_counter()
    parsed = parse_text(text)
    elapsed = time.perf_counter() - started
    assert_record(parsed)
    assert parsed.number == "1234/HD-SGDĐT" and parsed.storage == ["VT", "GDTrH"]
    assert parsed.signature and parsed.signature.signer == "Trần Thị Minh Hà"
    assert len(parsed.sections) == 2700  # three top-level headings, three times a page
    assert elapsed < 30, f"300 pages took {elapsed:.1f}s"


def test_annex_after_the_signature_is_body_again_and_signature_may_come_first():
    text = "\n".join([
        "ỦY BAN NHÂN DÂN XÃ AN HÒA", "Số: 5/KH-UBND", "An Hòa, ngày 1 tháng 2 năm 2025", "KẾ HOẠCH", "Tổ chức hội thi",
        "I. NỘI DUNG", "Tổ chức hội thi cấp xã.",
        "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "", "Nguyễn Văn An",  # right column first
        "Nơi nhận:", "- UBND huyện;", "- Lưu: VT.", "",
        "PHỤ LỤC I", "DANH SÁCH ĐƠN VỊ", "| STT | Đơn vị |", "|---|---|", "| 1 | Thôn 1 |"])
    parsed = parse_text(text)
    assert_record(parsed)
    assert parsed.recipients == ["UBND huyện"] and parsed.storage == ["VT"]
    assert parsed.signature.model_dump() == {"authority": "TM. ỦY BAN NHÂN DÂN", "acting": None,
                                             "position": "CHỦ TỊCH", "signer": "Nguyễn Văn An", "rank": None}
    assert [(s.label, s.heading) for s in parsed.sections] == [("I", "NỘI DUNG"), ("PHỤ LỤC I", "DANH SÁCH ĐƠN VỊ")]
    assert parsed.sections[1].paragraphs == ["STT | Đơn vị", "1 | Thôn 1"]


@pytest.mark.parametrize("text", [
    "\n".join(["ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"] * 4000),  # one endless capital paragraph
    "\n".join(["trên địa bàn xã và các cơ quan, đơn vị liên quan"] * 8000),  # one endless wrapped paragraph
    "Nơi nhận:\n" + "\n".join(["- UBND;"] * 8000),
    "\n".join(["TM. ỦY BAN NHÂN DÂN"] * 4000),
    "Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị, " * 3000,  # one long line
], ids=["capitals", "wrapped", "recipients", "marks", "one-line"])
def test_pathological_shapes_take_linear_time(text):
    started = time.perf_counter()
    assert_record(parse_text(text))
    assert time.perf_counter() - started < 10
