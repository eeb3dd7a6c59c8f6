"""Subject lines read again alone (pipeline/ocr/reread.py): which lines, and which changes are taken."""

from __future__ import annotations

from pipeline.ocr.layout import TsvWord
from pipeline.ocr.reread import marks_only, subject_rows, text_of


def row(text: str, top: int, left: int = 600) -> list[TsvWord]:
    words, x = [], left
    for piece in text.split():
        words.append(
            TsvWord(text=piece, conf=95.0, left=x, top=top, width=30 * len(piece), height=40, block=1, par=1, line=top)
        )
        x += 30 * len(piece) + 20
    return words


def test_the_subject_is_the_lines_under_the_type_name_up_to_the_body_or_a_capital_authority_line():
    words = [
        *row("QUYẾT ĐỊNH", 900, 1000),
        *row("Về việc công nhận địa bàn trọng điểm", 960),
        *row("về trật tự, an toàn xã hội chuyên hóa", 1020),
        *row("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH", 1100),
        *row("Căn cứ Luật Tổ chức", 1180),
    ]
    assert [text_of(r) for r in subject_rows(words, 2400)] == [
        "Về việc công nhận địa bàn trọng điểm",
        "về trật tự, an toàn xã hội chuyên hóa",
    ]


def test_a_subject_line_changes_only_its_marks():
    assert marks_only("tuyến địa bàn", "tuyên địa bàn")
    assert not marks_only("tuyên địa bàn", "tuyên địa bàn")
    assert not marks_only("cấp tỉnh", "cả p tỉnh")
    assert not marks_only("TỈNH", "Tỉnh")
