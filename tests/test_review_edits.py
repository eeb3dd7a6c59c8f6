"""What an edit in `planocr review` changes in a record (pipeline/review/edits.py), on the real record of the
sample scan kh-tan-ky.lowres.png: its header line 9 reads "Tân Kỳ, ngụy — tháng 03 năm 2026" (OCR read
"ngày" as "ngửy", restoration made it "ngụy"), so the record has no date and no place; the serial of
"Số /KH-UBND" is blank; restoration changed "đuy," to "duy," on line 50."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from pipeline.testing.review_outdirs import SCAN_RECORD, TEXT

from pipeline.document import text_document
from pipeline.model import Correction, Document
from pipeline.options import Options
from pipeline.review.edits import EditError, apply_edit
from pipeline.review.views import locations, queue_row, uncertain_items

VALIDATOR = jsonschema.Draft202012Validator(
    json.loads((Path(__file__).resolve().parent.parent / "schemas" / "plan.schema.json").read_text())
)
NGUY = 27  # index of "ngụy" in pages[0].words (checked by eye: box (353, 111, 27, 13), line 9)


@pytest.fixture
def doc() -> Document:
    return Document.model_validate_json(SCAN_RECORD.read_bytes())


def edit(doc: Document, change: dict, who: str = "archivist") -> tuple[Document, list]:
    return apply_edit(doc, change, who, "2026-01-02T03:04:05.000Z")


def whats(entries) -> list[str]:
    return [e.what for e in entries]


def test_the_fixture_is_what_the_tests_say(doc):
    page = doc.pages[0]
    assert page.text.split("\n")[8] == "Tân Kỳ, ngụy — tháng 03 năm 2026"
    assert (page.words[NGUY].text, page.words[NGUY].original, page.words[NGUY].line) == ("ngụy", "ngửy", 9)
    assert (doc.number, doc.serial, doc.symbol, doc.date, doc.place) == ("/KH-UBND", None, "KH-UBND", None, None)
    assert "date not found" in doc.warnings
    assert [(c.line, c.original, c.corrected) for c in doc.corrections] == [(9, "ngửy", "ngụy"), (50, "đuy", "duy")]
    assert doc.review == [] and doc.reviewed is False


def test_a_handwritten_serial_sets_number_and_serial_with_history(doc):
    updated, entries = edit(doc, {"field": "number", "value": "01 /KH-UBND"})  # typed as printed: "Số: 01 /KH-UBND"
    assert (updated.number, updated.serial, updated.symbol) == ("01/KH-UBND", "01", "KH-UBND")
    assert [(e.what, e.before, e.after, e.who, e.time) for e in entries] == [
        ("field number", "/KH-UBND", "01/KH-UBND", "archivist", "2026-01-02T03:04:05.000Z"),
        ("field serial (from number)", None, "01", "archivist", "2026-01-02T03:04:05.000Z"),
    ]
    assert updated.review == entries
    assert doc.number == "/KH-UBND" and doc.review == []  # the input record is left alone
    # setting the serial alone rebuilds the number
    again, entries = edit(updated, {"field": "serial", "value": "7"})
    assert (again.number, again.serial) == ("7/KH-UBND", "7")
    assert whats(entries) == ["field serial", "field number (from serial)"]
    assert len(again.review) == 4


def test_a_corrected_word_changes_the_word_the_page_text_the_document_text_and_the_fields_read_from_it(doc):
    updated, entries = edit(doc, {"page": 1, "word": NGUY, "text": "ngày"})
    word = updated.pages[0].words[NGUY]
    assert (word.text, word.original, word.box) == ("ngày", "ngửy", doc.pages[0].words[NGUY].box)
    assert updated.pages[0].text.split("\n")[8] == "Tân Kỳ, ngày — tháng 03 năm 2026"
    assert updated.pages[0].raw_text == doc.pages[0].raw_text  # what OCR read stays on record
    assert updated.text == "\n\n".join(p.text for p in updated.pages)
    assert "Tân Kỳ, ngày — tháng 03 năm 2026" in updated.text and "ngụy" not in updated.text.split("\n")[8]
    # the parser now reads the date line: date and place follow, and the warning goes
    assert (updated.date, updated.place) == ("2026-03", "Tân Kỳ")
    assert "date not found" not in updated.warnings and updated.needs_review  # signer, recipients still missing
    assert [(e.what, e.before, e.after) for e in entries] == [
        ("word 1/27", "ngụy", "ngày"),
        ("field place (re-read after word 1/27)", None, "Tân Kỳ"),
        ("field date (re-read after word 1/27)", None, "2026-03"),
    ]


def test_a_field_a_person_set_is_not_re_read_from_the_text(doc):
    dated, _ = edit(doc, {"field": "date", "value": "2026-03-15"})
    assert "date not found" not in dated.warnings
    updated, entries = edit(dated, {"page": 1, "word": NGUY, "text": "ngày"})
    assert updated.date == "2026-03-15"  # the person's day stays; the place is still re-read
    assert whats(entries) == ["word 1/27", "field place (re-read after word 1/27)"]


def test_reject_and_accept_a_restoration_correction(doc):
    rejected, entries = edit(doc, {"correction": 1, "action": "reject"})
    word = next(w for w in rejected.pages[0].words if w.box == (391, 708, 21, 19))
    assert (word.text, word.original) == ("đuy,", None)  # OCR's reading is back, nothing left to say
    assert "tư đuy, khẳng" in rejected.pages[0].text and "tư đuy, khẳng" in rejected.text
    assert [(c.original, c.corrected) for c in rejected.corrections] == [("ngửy", "ngụy")]
    assert whats(entries)[:2] == ["correction p1 l50 đuy→duy rejected", "word 1/396 accepted"]
    assert (entries[0].before, entries[0].after) == ("duy", "đuy")
    accepted, entries = edit(rejected, {"correction": 0, "action": "accept"})
    assert whats(entries) == ["correction p1 l9 ngửy→ngụy accepted"]
    assert accepted.pages == rejected.pages and accepted.corrections == rejected.corrections
    items = {(i["kind"], i.get("word")): i["resolved"] for i in uncertain_items(accepted)}
    assert items[("correction", NGUY)] is True


def test_accepting_a_word_as_read_is_on_record_and_resolves_the_item(doc):
    low = next(i for i in uncertain_items(doc) if i["kind"] == "word")
    assert (low["word"], low["resolved"]) == (29, False)  # "tháng", confidence 0.45
    updated, entries = edit(doc, {"page": 1, "word": 29, "accept": True})
    assert [(e.what, e.before, e.after) for e in entries] == [("word 1/29 accepted", "tháng", "tháng")]
    assert updated.pages == doc.pages
    assert next(i for i in uncertain_items(updated) if i.get("word") == 29)["resolved"] is True


def test_signer_on_a_record_without_signature_creates_it_and_the_warning_follows(doc):
    signed, entries = edit(doc, {"field": "signature.signer", "value": "Nguyễn Văn An"})
    assert signed.signature is not None and signed.signature.signer == "Nguyễn Văn An"
    assert signed.signatures == [signed.signature]
    assert "signer not found" not in signed.warnings
    assert whats(entries) == ["field signature.signer", "field signatures (from signature)"]
    emptied, _ = edit(signed, {"field": "signature.signer", "value": "  "})  # blank is null
    assert emptied.signature is not None and emptied.signature.signer is None
    assert "signer not found" in emptied.warnings


def test_lists_and_objects_of_the_later_issues_are_validated_by_the_model(doc):
    updated, _ = edit(doc, {"field": "recipients", "value": ["UBND thành phố;", " ", "Lưu: VT"]})
    assert updated.recipients == ["UBND thành phố;", "Lưu: VT"] and "recipients not found" not in updated.warnings
    updated, _ = edit(updated, {"field": "received", "value": {"number": "12", "date": "2026-03-20"}})
    assert updated.received is not None and updated.received.number == "12"
    updated, _ = edit(updated, {"field": "assignments", "value": [{"body": "Văn phòng UBND xã", "role": "chủ trì"}]})
    assert updated.assignments[0].body == "Văn phòng UBND xã"
    updated, entries = edit(updated, {"field": "assignments.0.duties", "value": ["Tham mưu tổ chức"]})
    assert updated.assignments[0].duties == ["Tham mưu tổ chức"] and whats(entries) == ["field assignments.0.duties"]
    with pytest.raises(EditError, match="role"):
        apply_edit(doc, {"field": "assignments", "value": [{"body": "X", "role": "boss"}]}, "a", "t")


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"field": "source", "value": "x"}, 422),  # not a field a person sets
        ({"field": "reviewed", "value": True}, 422),
        ({"field": "../../etc/passwd", "value": "x"}, 400),
        ({"field": "signature.nope", "value": "x"}, 422),
        ({"field": "recipients.9", "value": "x"}, 404),
        ({"field": "date", "value": "2026-02-30"}, 422),
        ({"field": "date", "value": "20/8/2025"}, 422),
        ({"field": "recipients", "value": "not a list"}, 422),
        ({"field": "title", "value": "x" * 3000}, 422),
        ({"page": 1, "word": 9999, "text": "x"}, 404),
        ({"page": 7, "word": 0, "text": "x"}, 404),
        ({"page": 1, "word": 0, "text": "two words"}, 422),
        ({"page": 1, "word": 0, "text": ""}, 422),
        ({"page": "1", "word": 0, "text": "x"}, 400),
        ({"correction": 5, "action": "reject"}, 404),
        ({"correction": 0, "action": "maybe"}, 400),
        ({"reviewed": "yes"}, 422),
        ({"number": "01"}, 400),
        (["field", "number"], 400),
    ],
)
def test_bad_edits_are_refused_and_change_nothing(doc, change, status):
    before = doc.to_json()
    with pytest.raises(EditError) as refused:
        apply_edit(doc, change, "a", "t")
    assert refused.value.status == status
    assert doc.to_json() == before


def test_reviewed_mark_and_no_entry_for_no_change(doc):
    updated, entries = edit(doc, {"reviewed": True})
    assert updated.reviewed and [(e.what, e.before, e.after) for e in entries] == [("reviewed", "false", "true")]
    same, entries = edit(updated, {"reviewed": True})
    assert entries == [] and same.review == updated.review
    same, entries = edit(doc, {"field": "number", "value": "/KH-UBND"})
    assert entries == []


def test_a_text_record_correction_is_rejected_on_its_line():
    doc = text_document(TEXT.read_bytes(), TEXT.name, Options(jobs=1, restore=False))
    lines = doc.pages[0].text.split("\n")
    line_no = next(i for i, line in enumerate(lines, 1) if "Kế hoạch" in line)
    doc.corrections = [Correction(page=1, line=line_no, original="Ke", corrected="Kế", confidence=0.9)]
    updated, entries = edit(doc, {"correction": 0, "action": "reject"})
    assert updated.pages[0].text.split("\n")[line_no - 1] == lines[line_no - 1].replace("Kế", "Ke", 1)
    assert updated.corrections == [] and whats(entries)[0] == f"correction p1 l{line_no} Ke→Kế rejected"


def test_fields_are_linked_to_the_words_they_were_read_from(doc):
    where = locations(doc)
    words = doc.pages[0].words

    def text(path: str) -> str:
        span = where[path][0]
        return " ".join(w.text for w in words[span["first"] : span["last"] + 1])

    assert text("number") == "/KH-UBND"
    assert text("issuer.name") == "ỦY BẠN NHÂN DẪN XÃ TÂN KÝ"
    assert text("title").startswith("Tuyên truyền Nghị quyết số 57-NQ/TW") and text("title").endswith("Tân Kỷ năm 2026")
    assert "date" not in where  # no date was read
    updated, _ = edit(doc, {"page": 1, "word": NGUY, "text": "ngày"})
    span = locations(updated)["date"][0]
    assert " ".join(w.text for w in words[span["first"] : span["last"] + 1]) == "ngụy — tháng 03 năm 2026"


def test_the_queue_counts_what_is_left_for_a_person(doc):
    row = queue_row("kh-tan-ky.lowres", doc)
    assert row["missing"] == ["number", "date", "signature.signer", "recipients"]
    assert (row["low_confidence"], row["corrections"], row["reviewed"]) == (1, 2, False)
    assert row["notes"] == []  # every warning is a missing field here
    fixed, _ = edit(doc, {"field": "number", "value": "01/KH-UBND"})
    fixed, _ = edit(fixed, {"correction": 0, "action": "accept"})
    later = queue_row("kh-tan-ky.lowres", fixed)
    assert later["missing"] == ["date", "signature.signer", "recipients"] and later["corrections"] == 1
    assert later["score"] < row["score"] and later["changes"] == 2


def test_every_kind_of_edit_leaves_a_record_valid_against_the_schema(doc):
    for change in (
        {"field": "number", "value": "01/KH-UBND"},
        {"field": "signature.signer", "value": "Nguyễn Văn An"},
        {"field": "recipients", "value": ["UBND thành phố"]},
        {"field": "received", "value": {"number": "12", "date": "2026-03-20"}},
        {"page": 1, "word": NGUY, "text": "ngày"},
        {"page": 1, "word": 29, "accept": True},
        {"correction": 1, "action": "reject"},
        {"correction": 0, "action": "accept"},
        {"reviewed": True},
    ):
        doc, entries = edit(doc, change)
        assert entries
    VALIDATOR.validate(json.loads(doc.to_json()))
    assert [e.what for e in doc.review] == [
        "field number",
        "field serial (from number)",
        "field signature.signer",
        "field signatures (from signature)",
        "field recipients",
        "field received",
        "word 1/27",
        "field place (re-read after word 1/27)",
        "field date (re-read after word 1/27)",
        "word 1/29 accepted",
        "correction p1 l50 đuy→duy rejected",
        "word 1/396 accepted",
        "field sections (re-read after correction p1 l50 đuy→duy)",
        "correction p1 l9 ngửy→ngụy accepted",
        "reviewed",
    ]
    assert doc.warnings == [] and not doc.needs_review  # date, signer, recipients: all filled now
