"""The real-scan scoring rules (pipeline/testing/realscans.py) that bench_realscans reports with."""

from __future__ import annotations

from pipeline.testing.realscans import RealDocument, char_edits, load_set, score_fields

FIELDS_11 = {
    "issuer": ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI"], "number": "01/TTr-UBND", "doc_type": "TỜ TRÌNH",
    "place": "Quảng Ngãi", "date": "2025-01-06", "title": "Về việc miễn nhiệm", "signer": "Trần Hoàng Tuấn",
    "signature_position": "PHÓ CHỦ TỊCH",
}


def record(**changes):
    base = {"issuer": {"name": "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "parent": None}, "number": "01/TTr-UBND",
            "doc_type": "TỜ TRÌNH", "place": "Quảng Ngãi", "date": "2025-01-06", "title": "Về việc  miễn nhiệm.",
            "signature": {"signer": "Trần Hoàng Tuấn", "position": "PHÓ CHỦ TỊCH"}}
    base.update(changes)
    return base


def doc(handwritten=()):
    return RealDocument(name="11", fields=FIELDS_11, scans=[], truth=None, handwritten=list(handwritten))


def test_fields_right_after_normalising_case_space_and_end_punctuation():
    assert all(score_fields(doc(), record()).right.values())


def test_tone_placement_styles_are_one_spelling_but_another_mark_is_wrong():
    styled = record(issuer={"name": "UỶ BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "parent": None}, title="Về việc miễn nhiệm")
    assert score_fields(doc(), styled).right["issuer"]
    wrong = record(issuer={"name": "ỦY BAN NHÂN DÂN TÍNH QUẢNG NGÃI", "parent": None})
    assert not score_fields(doc(), wrong).right["issuer"]


def test_a_handwritten_serial_or_day_left_null_is_right_but_a_wrong_value_is_wrong():
    hand = doc(["số 01", "ngày 06"])
    blank = score_fields(hand, record(number="/TTr-UBND", date="2025-01")).right
    assert blank["number"] and blank["date"]
    wrong = score_fields(hand, record(number="81/TTr-UBND", date="2025-01-08")).right
    assert not wrong["number"] and not wrong["date"]
    printed_wrong = score_fields(hand, record(number="/TTr-UBNĐ", date="2025-07")).right
    assert not printed_wrong["number"] and not printed_wrong["date"]
    # a blank is right only where the part was handwritten
    assert not score_fields(doc(), record(number="/TTr-UBND")).right["number"]


def test_a_value_for_a_field_absent_from_the_page_is_wrong():
    cropped = RealDocument(name="18", fields={**FIELDS_11, "issuer": None}, scans=[], truth=None)
    assert not score_fields(cropped, record()).right["issuer"]
    assert score_fields(cropped, record(issuer=None)).right["issuer"]


def test_cer_flattens_whitespace_and_page_breaks():
    assert char_edits("Số: 01\f\nKẾ  HOẠCH", "Số: 01 KẾ HOẠCH") == (0, 15)
    assert char_edits("abc", "abd") == (1, 3)


def test_the_shared_set_loads_its_scanned_documents(realscans_dir):
    documents = load_set(realscans_dir)
    assert documents and all(d.scan and d.scan.exists() for d in documents)
    assert any(d.truth for d in documents) and all(d.truth is None or "\r" not in d.truth for d in documents)


def test_a_handwritten_month_read_right_is_right_and_notes_may_say_what_was_handwritten():
    both = doc(["số 01", "ngày 06", "tháng 01"])
    assert score_fields(both, record(date="2025-01")).right["date"]  # month read, day left blank
    assert score_fields(both, record(date="2025")).right["date"]  # both left blank
    assert not score_fields(both, record(date="2025-07")).right["date"]
    noted = RealDocument(name="S1", fields={**FIELDS_11, "notes": "Handwritten số 01 and ngày 04 tháng 01."},
                         scans=[], truth=None)
    assert score_fields(noted, record(number="/TTr-UBND", date="2025")).right["number"]
