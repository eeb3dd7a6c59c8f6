"""Seals out of the gray page (pipeline/seals.py) and the right-hand short lines read again (ocr/reread.py)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from pipeline.ocr import reread
from pipeline.ocr.layout import TsvWord
from pipeline.options import Options
from pipeline.preprocess import apply_steps, to_gray
from pipeline.seals import remove_seals

RED = (40, 40, 220)  # BGR: a seal's ink
BLACK = (0, 0, 0)


def page_with(seal: bool = True, red_line: bool = False) -> np.ndarray:
    page = np.full((1600, 1200, 3), 250, np.uint8)
    cv2.putText(page, "PHO CHU TICH", (640, 1120), cv2.FONT_HERSHEY_SIMPLEX, 1.6, BLACK, 4)
    if seal:
        cv2.circle(page, (700, 1100), 180, RED, 18)  # the ring, over the position line
        cv2.putText(page, "UY BAN NHAN DAN", (560, 1000), cv2.FONT_HERSHEY_SIMPLEX, 1.0, RED, 3)
    if red_line:  # red print: a long line of letter-sized marks, not a compact cluster
        cv2.putText(page, "HOA TOC - KHAN - THUONG KHAN", (60, 200), cv2.FONT_HERSHEY_SIMPLEX, 1.2, RED, 3)
    return page


def test_a_red_seal_is_lightened_and_the_black_print_over_it_stays_black():
    page = page_with()
    gray = to_gray(page)
    result = remove_seals(gray, page)
    assert len(result.boxes) == 1
    ring = (page[..., 2] > 200) & (page[..., 0] < 80)
    black = page.max(axis=2) < 60
    assert gray[ring].mean() < 120  # in gray the seal is as dark as ink
    assert result.gray[ring].mean() > 200  # now it is nearly paper
    assert (result.gray[black] == gray[black]).all()  # the print over it is untouched
    outside = np.ones(gray.shape, bool)
    left, top, width, height = result.boxes[0]
    outside[top : top + height, left : left + width] = False
    assert (result.gray[outside] == gray[outside]).all()


def test_red_print_and_gray_pages_are_left_as_they_are():
    page = page_with(seal=False, red_line=True)
    gray = to_gray(page)
    assert remove_seals(gray, page).boxes == []
    assert remove_seals(gray, None).gray is gray
    assert remove_seals(gray, page[:100]).boxes == []  # a colour page of another size is no evidence


def test_the_preprocess_stage_records_the_seal_step_with_the_colour_beside_a_gray_page():
    page = page_with()
    gray = to_gray(page)
    assert "seals:1" in apply_steps(gray, ("grayscale", "seals"), colour=page).steps
    assert "seals:1" in apply_steps(page, ("grayscale", "seals")).steps  # a colour image is its own colour
    assert not any(s.startswith("seals") for s in apply_steps(gray, ("grayscale", "seals")).steps)


def word(text: str, left: int, top: int, width: int = 100, height: int = 40, line: int = 1) -> TsvWord:
    return TsvWord(text=text, conf=90.0, left=left, top=top, width=width, height=height, block=1, par=1, line=line)


def test_candidates_are_the_right_hand_short_lines_beside_the_recipients_joined_when_a_stroke_split_them():
    width = 2400
    words = [
        word("-", 200, 1000, 20),
        word("Lưu:", 240, 1000),
        word("VT,", 360, 1000),
        word("NC.", 480, 1000),
        word("Đặng", 1450, 996, 120, 50),  # its own Tesseract line, a stroke through the name
        word("—x<", 1400, 1004, 40, 10, line=2),
        word("Văn", 1600, 1004, line=2),
        word("Minh", 1720, 1004, line=2),
        # body text: a full line, not a candidate
        *[word(w, 200 + 220 * i, 600) for i, w in enumerate("Trên đây là kế hoạch của Ủy ban nhân dân tỉnh".split())],
        word("CHỦ", 1500, 900),
        word("TỊCH", 1620, 900),
    ]
    rows = reread.candidate_rows(words, width)
    texts = [reread.text_of(r) for r in rows]
    assert texts == ["CHỦ TỊCH", "—x< Đặng Văn Minh"]


def fake_reads(monkeypatch, by_scale: dict[float, list[str]]):
    """read_crops answering each crop with the given text per scale, words laid left to right in the crop."""

    def read_crops(crops, scale, options, spent=None):
        out = []
        for crop, text in zip(crops, by_scale[scale]):
            step = crop.shape[1] // max(1, len(text.split()) + 1)
            out.append([word(t, 40 + i * step, 10, step // 2) for i, t in enumerate(text.split())])
        return out

    monkeypatch.setattr(reread, "read_crops", read_crops)


@pytest.mark.parametrize(
    "page_text, at_075, at_100, expected",
    [
        ("Trân Hoàng Tuân", "Trần Hoàng Tuấn", "Trần Hoàng Tuấn", "Trần Hoàng Tuấn"),  # both agree: taken
        ("Trân Hoàng Tuân", "Trần Hoàng Tuấn", "Trân Hoàng Tuân", "Trân Hoàng Tuân"),  # they disagree: kept
        ("TL. CHỦ TỊCH", "TL, CHỦ TỊCH", "TL, CHỦ TỊCH", "TL. CHỦ TỊCH"),  # only punctuation: kept
        ("ngày 1} tháng", "ngày tháng", "ngày tháng", "ngày 1} tháng"),  # a number is never re-read
        ("Hà Thị Vân", "| Hà Thị Lê Vân _", "Hà Thị Lê Vân", "Hà Thị Lê Vân"),  # edge marks dropped
    ],
)
def test_a_line_is_replaced_only_when_two_readings_agree_and_differ_from_the_page(
    monkeypatch, page_text, at_075, at_100, expected
):
    fake_reads(monkeypatch, {0.75: [at_075], 1.0: [at_100]})
    image = np.full((2000, 2400), 255, np.uint8)
    words = [word(t, 1400 + 150 * i, 1500) for i, t in enumerate(page_text.split())]
    new_words, changes = reread.reread_short_lines(image, words, Options(jobs=1), sealed=True)
    assert reread.text_of(new_words) == expected
    assert len(changes) == (expected != page_text)
    if changes:
        assert changes[0].before == page_text and changes[0].after == expected


def test_a_clean_pages_lines_are_read_again_only_when_a_word_was_read_at_low_confidence(monkeypatch):
    fake_reads(monkeypatch, {0.75: ["Trần Hoàng Tuấn"], 1.0: ["Trần Hoàng Tuấn"]})
    image = np.full((2000, 2400), 255, np.uint8)
    words = [word(t, 1400 + 150 * i, 1500) for i, t in enumerate("Trân Hoàng Tuân".split())]  # conf 90
    assert reread.reread_short_lines(image, words, Options(jobs=1))[1] == []  # no seal, read confidently
    words[2].conf = 55.0
    assert len(reread.reread_short_lines(image, words, Options(jobs=1))[1]) == 1


def test_real_scan_signature_block_under_a_seal_reads_right(realscans_dir):
    """11 (Quảng Ngãi Tờ trình 01, 300-dpi colour): the name printed under the seal's edge and a signature,
    read by eye as "Trần Hoàng Tuấn" under "PHÓ CHỦ TỊCH"; before seal removal and the re-read the record said
    signer None, and then "Trân Hoàng Tuân"."""
    from pipeline import process_document

    record = process_document(realscans_dir / "scans" / "11_ubnd-quangngai_ttr01_scan.pdf", Options(jobs=1))
    assert record.signature.signer == "Trần Hoàng Tuấn"
    assert record.signature.position == "PHÓ CHỦ TỊCH"
    page = record.pages[0]
    assert any(step.startswith("seals:") for step in page.steps)
    rereads = [c for c in record.corrections if c.by == "reread"]
    assert any(c.corrected == "Trần Hoàng Tuấn" and c.page == 1 for c in rereads)


def test_graphics_read_as_symbols_are_marks_and_words_numbers_and_confident_reads_are_not():
    from pipeline.ocr.marks import find_marks

    def w(text, left, top, conf=40.0):
        return TsvWord(text=text, conf=conf, left=left, top=top, width=80, height=40, block=1, par=1, line=1)

    words = [
        w("-", 200, 1000, 90),
        w("Lưu:", 240, 1000, 95),
        w("VT.", 360, 1000, 95),  # recipients: words
        w("“\"'", 1500, 1000),
        w("quau——D—", 1600, 1000),  # a signature's strokes beside them
        w("Í|", 1500, 1200),
        w("PP", 1600, 1400, 0.0),
        w("15/10", 1500, 1600),
        w("a", 1500, 1800, 95.0),  # a number, a confident letter: kept
        w("Trần", 1500, 2000, 60.0),
        w("Tuân", 1620, 2000, 55.0),  # words at low confidence: kept
        w("HˆVi", 1500, 2200, 72.0),
        w("EBan", 1620, 2200, 91.0),  # a minority name ("H'Vi ÊBan"): a confident title-case word keeps its row
        w("Mmm", 1500, 2400, 60.0),  # …but not when read at low confidence
    ]
    marks = [" ".join(x.text for x in piece) for piece in find_marks(words)]
    assert marks == ["“\"' quau——D—", "Í|", "PP", "Mmm"]


def test_a_page_where_ocr_finds_nothing_is_blank_and_its_seal_is_an_overlay():
    from pipeline.document import process_loaded_page
    from pipeline.load.page import PageInput

    page = np.full((3508, 2480, 3), 248, np.uint8)
    cv2.circle(page, (1240, 1750), 230, RED, 20)  # a seal bleeding through a blank back page
    loaded = PageInput(number=4, text_path="ocr", image=to_gray(page), kind="scan", colour=page)
    result = process_loaded_page(loaded, Options(jobs=1, lang="vie"), {})
    assert result.page.kind == "blank" and result.page.text == ""
    assert "page:blank (OCR found no text on the page)" in result.page.steps
    assert [o.kind for o in result.page.overlays] == ["seal"]


BLUE = (170, 60, 30)  # BGR: a ballpoint's ink


def test_in_a_received_stamp_only_black_print_stays():
    page = np.full((1600, 1200, 3), 250, np.uint8)
    cv2.rectangle(page, (60, 300), (420, 520), RED, 4)  # the stamp's frame, wider than high
    cv2.putText(page, "DEN So:", (80, 380), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (150, 140, 235), 2)  # pale red print
    cv2.putText(page, "17026", (250, 380), cv2.FONT_HERSHEY_SIMPLEX, 1.2, BLUE, 3)  # handwriting
    cv2.putText(page, "Thuc hien", (300, 515), cv2.FONT_HERSHEY_SIMPLEX, 1.2, BLACK, 3)  # body text under it
    gray = to_gray(page)
    result = remove_seals(gray, page)
    assert len(result.boxes) == 1
    left, top, width, height = result.boxes[0]
    box = result.gray[top : top + height, left : left + width]
    black = (page.max(axis=2) < 60)[top : top + height, left : left + width]
    assert black.any() and (box[black] == gray[top : top + height, left : left + width][black]).all()
    assert (box[~black] > 200).mean() > 0.99  # frame, print and handwriting: paper


@pytest.mark.parametrize(
    "text, confidences, number, date",
    [
        ("UBND TỈNH LÂM ĐỒNG\nĐẾN Số: 17026\nNgày: 23-10-2025\nChuyển: p.NC", 95.0, "17026", "2025-10-23"),
        ("CV ĐẾN Số: 1015 Ngày: 05/9/25", 92.0, "1015", "2025-09-05"),
        ("UBND TỈNH LÂM ĐỒNG\nĐẾN Số: 17026\nNgày: 23-10-2025", 60.0, None, None),  # handwriting read unsure
        ("ĐEN Ngay: 23.=10-..10/1...\nSẽ:⁄1:t:04/É", 95.0, None, None),  # not digits: nothing guessed
    ],
)
def test_a_received_stamps_number_and_date_are_kept_only_when_read_as_digits_at_good_confidence(
    text, confidences, number, date
):
    from pipeline.ocr.stamps import interpret

    words = [word(token, 0, 0) for token in text.split()]
    for w in words:
        w.conf = confidences
    reading = interpret(text, words, page=1)
    assert reading.received is not None and reading.received.text == text
    assert (reading.received.number, reading.received.date) == (number, date)
    assert reading.warning and reading.warning.startswith("received stamp on page 1:")
    if number is None:
        assert "number and date not read" in reading.warning


def test_a_red_box_that_is_not_a_received_stamp_is_no_received_entry():
    from pipeline.ocr.stamps import interpret

    reading = interpret("SAO Y BẢN CHÍNH", [word("SAO", 0, 0)], page=2)
    assert reading.received is None and reading.warning is None


def test_rows_inside_a_ruled_table_are_read_across_not_as_two_columns():
    from pipeline.ocr.layout import order_lines

    def w(text, left, top):
        return TsvWord(text=text, conf=95.0, left=left, top=top, width=90, height=40, block=1, par=1, line=1)

    words = [  # two rows of a table whose cells leave a wide gap, like a two-column header would
        w("1", 100, 1000),
        w("Nguyễn", 200, 1000),
        w("Hữu", 300, 1000),
        w("Chủ", 1400, 1000),
        w("tịch", 1500, 1000),
        w("2", 100, 1100),
        w("Đặng", 200, 1100),
        w("Thị", 300, 1100),
        w("Phó", 1400, 1100),
        w("Chủ", 1500, 1100),
    ]
    across = [" ".join(x.text for x in line.words) for line in order_lines(words, [(50, 950, 1700, 1200)])]
    assert across == ["1 Nguyễn Hữu Chủ tịch", "2 Đặng Thị Phó Chủ"]
    columns = [" ".join(x.text for x in line.words) for line in order_lines(words)]
    assert columns[0] == "1 Nguyễn Hữu"  # without the table: two columns, read one after the other


def test_a_transcriptions_table_rows_are_scored_as_their_cells_text():
    from pipeline.testing.realscans import without_table_markup

    assert without_table_markup("DANH SÁCH\n| STT | Họ và tên |\n| 1 | Nguyễn Văn A |\nx | y") == (
        "DANH SÁCH\nSTT Họ và tên\n1 Nguyễn Văn A\nx | y"
    )
