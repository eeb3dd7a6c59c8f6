"""Stage 3 (OCR): reading order from word boxes, word records, preflight, time limit.

Reading order is tested on synthetic Tesseract TSV (exact boxes, no OCR needed); one small real
crop checks that the whole stage puts the header columns in order.
"""

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFont

from pipeline.errors import DependencyError, PageTimeoutError
from pipeline.ocr import check_tesseract, ocr_page, result_from_tsv
from pipeline.options import Options

HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
CHAR_W, WORD_H = 24, 50  # a 300-DPI page in 13 pt type


def tsv_for(rows: list[tuple[int, list[tuple[int, str]]]], conf: float = 95.0) -> str:
    """TSV as Tesseract writes it, from rows of (top, [(left, phrase), ...]). Every phrase is laid out
    word by word; all words land in ONE Tesseract line per row, as psm 3 does with the header columns."""
    out = [HEADER]
    for line_no, (top, phrases) in enumerate(rows, 1):
        word_no = 0
        for left, phrase in phrases:
            x = left
            for word in phrase.split():
                word_no += 1
                width = CHAR_W * len(word)
                out.append(f"5\t1\t1\t1\t{line_no}\t{word_no}\t{x}\t{top}\t{width}\t{WORD_H}\t{conf}\t{word}")
                x += width + 14
    return "\n".join(out) + "\n"


def lines_of(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_two_column_header_is_read_column_by_column():
    tsv = tsv_for([
        (200, [(330, "ỦY BAN NHÂN DÂN"), (1150, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]),
        (265, [(380, "XÃ TÂN KỲ"), (1300, "Độc lập - Tự do - Hạnh phúc")]),
        (400, [(300, "Số: 15/KH-UBND"), (1250, "Tân Kỳ, ngày 12 tháng 3 năm 2026")]),
        (560, [(1000, "KẾ HOẠCH")]),
        (640, [(240, "Tuyên truyền Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột")]),
        (705, [(240, "phá phát triển khoa học công nghệ")]),
    ])
    assert lines_of(result_from_tsv(tsv).text) == [
        "ỦY BAN NHÂN DÂN", "XÃ TÂN KỲ", "Số: 15/KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Tân Kỳ, ngày 12 tháng 3 năm 2026",
        "KẾ HOẠCH",
        "Tuyên truyền Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột",
        "phá phát triển khoa học công nghệ",
    ]


def test_recipients_come_before_the_signature_block_even_when_rows_interleave():
    tsv = tsv_for([
        (1500, [(240, "Trên đây là Kế hoạch tuyên truyền của Ủy ban nhân dân xã, đề nghị các cơ quan thực hiện./.")]),
        (1600, [(240, "Nơi nhận:"), (1500, "TM. ỦY BAN NHÂN DÂN")]),
        (1660, [(240, "- UBND thành phố;"), (1620, "CHỦ TỊCH")]),
        (1720, [(240, "- Các phòng, ban;")]),
        (1780, [(240, "- Lưu: VT, VHXH.")]),
        (1990, [(1540, "Nguyễn Xuân Cường")]),  # below a signature space
    ])
    assert lines_of(result_from_tsv(tsv).text) == [
        "Trên đây là Kế hoạch tuyên truyền của Ủy ban nhân dân xã, đề nghị các cơ quan thực hiện./.",
        "Nơi nhận:", "- UBND thành phố;", "- Các phòng, ban;", "- Lưu: VT, VHXH.",
        "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Xuân Cường",
    ]
    # the signer's name drawn between two recipient rows (a taller font, its own row) stays in its column
    tsv = tsv_for([
        (1600, [(240, "Nơi nhận:"), (1500, "CHỦ TỊCH")]),
        (1660, [(240, "- UBND thành phố;")]),
        (1720, [(240, "- Các phòng, ban;")]),
        (1750, [(1397, "Nguyễn Xuân Cường")]),  # centred under "CHỦ TỊCH"
        (1780, [(240, "- Lưu: VT, VHXH.")]),
    ])
    assert lines_of(result_from_tsv(tsv).text) == [
        "Nơi nhận:", "- UBND thành phố;", "- Các phòng, ban;", "- Lưu: VT, VHXH.", "CHỦ TỊCH", "Nguyễn Xuân Cường"]


def test_a_single_wide_gap_in_body_text_is_not_a_column_layout():
    tsv = tsv_for([
        (800, [(240, "Thời gian thực hiện:"), (1500, "tháng 3 năm 2026")]),
        (865, [(240, "Kinh phí do ngân sách xã bảo đảm.")]),
        (930, [(1500, "Đơn vị chủ trì: Văn phòng")]),
    ])
    assert lines_of(result_from_tsv(tsv).text) == [
        "Thời gian thực hiện: tháng 3 năm 2026", "Kinh phí do ngân sách xã bảo đảm.", "Đơn vị chủ trì: Văn phòng"]


def test_paragraphs_lines_words_and_confidence():
    tsv = tsv_for([
        (300, [(330, "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015 của Quốc hội;")]),
        (420, [(330, "Thực hiện Kế hoạch số 67/KH-UBND ngày 27/02/2026 của Ủy ban nhân dân thành phố về")]),
        (485, [(240, "việc tuyên truyền.")]),
    ]).replace("\t95.0\tLuật", "\t41.0\tLuật")
    result = result_from_tsv(tsv, scale=2.0)
    assert result.text.split("\n")[:3] == [
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015 của Quốc hội;", "",
        "Thực hiện Kế hoạch số 67/KH-UBND ngày 27/02/2026 của Ủy ban nhân dân thành phố về"]
    page_lines = result.text.split("\n")
    for word in result.words:
        assert word.text in page_lines[word.line - 1].split()
    [low] = result.low_confidence_words
    assert low.text == "Luật" and low.confidence == 0.41 and low.line == 1
    luat_left = 330 + (3 * CHAR_W + 14) + (2 * CHAR_W + 14)  # after "Căn" and "cứ"
    assert low.box == (luat_left // 2, 300 // 2, 4 * CHAR_W // 2, WORD_H // 2)  # mapped back to page pixels
    n = len(result.words)
    assert result.confidence == pytest.approx(((n - 1) * 0.95 + 0.41) / n, abs=1e-3)
    assert result.tsv == tsv


def test_empty_page_has_no_text_and_no_confidence():
    result = result_from_tsv(HEADER + "\n")
    assert result.text == "" and result.confidence is None and result.words == []


def header_crop() -> np.ndarray:
    """A Decree 30 header drawn at 300 DPI: two centred columns, as on a real first page."""
    font = ImageFont.truetype("/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf", 50)
    image = Image.new("L", (2100, 330), 255)
    draw = ImageDraw.Draw(image)
    for y, left, right in [(40, "ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                           (110, "XÃ TÂN KỲ", "Độc lập - Tự do - Hạnh phúc"),
                           (230, "Số: 15/KH-UBND", "Tân Kỳ, ngày 12 tháng 3 năm 2026")]:
        draw.text((420, y), left, font=font, fill=0, anchor="ma")
        draw.text((1450, y), right, font=font, fill=0, anchor="ma")
    return np.asarray(image)


def test_real_ocr_keeps_header_columns_apart():
    result = ocr_page(header_crop(), Options(jobs=1))
    lines = lines_of(result.text)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines
    assert lines.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") > max(i for i, line in enumerate(lines) if "KH-UBND" in line)
    assert result.confidence is not None and result.confidence > 0.8 and result.timings["tesseract"] > 0
    assert os.environ.get("OMP_THREAD_LIMIT") == "1"


def test_page_time_limit_raises_page_timeout():
    with pytest.raises(PageTimeoutError, match="page-timeout"):
        ocr_page(header_crop(), Options(jobs=1, page_timeout=0.01))


def test_preflight_reports_version_and_missing_language(monkeypatch, tmp_path):
    check_tesseract.cache_clear()
    assert check_tesseract("vie")[0].isdigit()
    with pytest.raises(DependencyError, match="klingon"):
        check_tesseract("vie+klingon")
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract anywhere
    check_tesseract.cache_clear()
    with pytest.raises(DependencyError, match="apt-get install tesseract-ocr tesseract-ocr-vie"):
        check_tesseract("vie")
    check_tesseract.cache_clear()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2400), st.integers(0, 3400), st.integers(1, 400), st.integers(5, 90)),
                min_size=1, max_size=60))
def test_reading_order_keeps_every_word_exactly_once(boxes):
    """Whatever the boxes (overlapping, scattered, speckle-sized), each word is emitted once."""
    rows = [HEADER] + [f"5\t1\t1\t1\t1\t{i}\t{x}\t{y}\t{w}\t{h}\t90\tw{i}" for i, (x, y, w, h) in enumerate(boxes)]
    result = result_from_tsv("\n".join(rows) + "\n")
    emitted = result.text.split()
    assert sorted(emitted) == sorted(f"w{i}" for i in range(len(boxes)))
    lines = result.text.split("\n")
    assert all(f"{w.text}" in lines[w.line - 1].split() for w in result.words)


def test_pages_reach_tesseract_as_raw_pnm_in_either_colour_mode():
    """The image is piped to Tesseract as PGM/PPM (no PNG encoding); a BGR page is sent as RGB, and
    Tesseract reads it as it reads the grey page. The stage's time is split: the Tesseract process
    alone, the hand-over and the reading of its TSV."""
    from pipeline.ocr.tesseract import encode_pnm

    bgr = np.zeros((2, 3, 3), np.uint8)
    bgr[..., 0] = 10  # blue
    bgr[..., 2] = 200  # red
    data = encode_pnm(bgr)
    assert data.startswith(b"P6\n3 2\n255\n") and data[len(b"P6\n3 2\n255\n"):][:3] == bytes([200, 0, 10])
    grey = header_crop()
    assert encode_pnm(grey) == b"P5\n2100 330\n255\n" + grey.tobytes()
    with pytest.raises(ValueError):
        encode_pnm(grey.astype(np.float32))
    colour = np.ascontiguousarray(np.repeat(grey[:, :, None], 3, axis=2))
    grey_result, colour_result = ocr_page(grey, Options(jobs=1, lang="vie")), ocr_page(colour, Options(jobs=1, lang="vie"))
    assert colour_result.text == grey_result.text and "CỘNG HÒA" in grey_result.text
    timings = grey_result.timings
    assert timings["tesseract"] > 0 and timings["ocr_encode"] >= 0 and timings["ocr_read"] >= 0


def test_the_page_reaches_tesseract_through_an_in_memory_file_or_stdin_with_the_same_result(monkeypatch):
    from pipeline.ocr import tesseract as ocr

    grey = header_crop()
    pnm = ocr.encode_pnm(grey)
    with ocr.page_file_for_tesseract(pnm) as (source, data, pass_fds):
        assert source == f"/dev/fd/{pass_fds[0]}" and data is None
        assert os.pread(pass_fds[0], len(pnm) + 1, 0) == pnm  # the whole page, read from the start
    with pytest.raises(OSError):
        os.fstat(pass_fds[0])  # closed afterwards: nothing is left behind
    options = Options(jobs=1, lang="vie")
    in_memory = ocr.run_tesseract(grey, options)
    monkeypatch.delattr(os, "memfd_create")
    with ocr.page_file_for_tesseract(pnm) as (source, data, pass_fds):
        assert (source, data, pass_fds) == ("stdin", pnm, ())
    piped = ocr.run_tesseract(grey, options)
    assert in_memory.tsv == piped.tsv and "CỘNG" in in_memory.tsv
