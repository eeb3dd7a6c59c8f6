"""The parser never raises: empty, junk, random unicode, huge texts all give a ParsedFields with warnings."""

from __future__ import annotations

import random
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.model import ParsedFields
from pipeline.parse import parse_text

SEEDS = Path("/work/shared/seeds")
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
    junk = bytes(rng.randrange(256) for _ in range(20000)).decode("latin-1")
    assert_record(parse_text(junk))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_random_unicode_never_raises(text):
    assert_record(parse_text(text))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FORM_WORDS) | st.text(max_size=12), max_size=80))
def test_random_form_fragments_never_raise(pieces):
    assert_record(parse_text(" ".join(pieces)))


def test_three_hundred_pages_parse_in_bounded_time():
    seed = (SEEDS / "004_e84d2c6ff5b1306f.txt").read_text(encoding="utf-8")
    page = "\n".join(seed.splitlines()[20:70])  # ~50 body lines a page
    text = seed + "\n\f".join(f"\n{page}\n{n}\n" for n in range(300))
    started = time.perf_counter()
    parsed = parse_text(text)
    elapsed = time.perf_counter() - started
    assert_record(parsed)
    assert parsed.number == "/KH-UBND"
    assert elapsed < 30, f"300 pages took {elapsed:.1f}s"
