"""Small synthetic variants of each header, body and tail form the parser must read (issue #4), one
assertion per form. Expected values are written by hand from the Decree 30 form, not from parser output."""

from __future__ import annotations

import pytest

from pipeline.parse import parse_text
from pipeline.parse.header import DOC_TYPES

TAIL = "\nNơi nhận:\n- UBND huyện;\n- Lưu: VT.\n\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nNguyễn Văn An\n"


def doc(header: str, body: str = "I. NỘI DUNG\nThực hiện tốt.", tail: str = TAIL) -> str:
    return f"{header}\n{body}\n{tail}"


HEADER = "ỦY BAN NHÂN DÂN\nXÃ AN HÒA\nSố: 12/KH-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n" \
         "An Hòa, ngày 05 tháng 3 năm 2025\nKẾ HOẠCH\nTổ chức hội thi\n"


@pytest.mark.parametrize("header", [
    "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nXÃ AN HÒA Độc lập - Tự do - Hạnh phúc",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM ỦY BAN NHÂN DÂN\nĐộc lập - Tự do - Hạnh phúc XÃ AN HÒA",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nỦY BAN NHÂN DÂN\nXÃ AN HÒA",
    "ỦY BAN NHÂN DÂN\nXÃ AN HÒA\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n______________",
    "**ỦY BAN NHÂN DÂN**      **CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**\n**XÃ AN HÒA**      **Độc lập - Tự do - Hạnh phúc**",
])
def test_issuer_title_and_motto_in_any_column_order(header):
    parsed = parse_text(doc(header + "\nSố: 12/KH-UBND\nAn Hòa, ngày 05 tháng 3 năm 2025\nKẾ HOẠCH\nTổ chức hội thi"))
    assert parsed.issuer.name == "ỦY BAN NHÂN DÂN XÃ AN HÒA" and parsed.issuer.parent is None
    assert parsed.national_title == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert parsed.motto == "Độc lập - Tự do - Hạnh phúc"


@pytest.mark.parametrize(("issuer", "name", "parent"), [
    ("UBND THÀNH PHỐ ĐÀ NẴNG\nSỞ GIÁO DỤC VÀ ĐÀO TẠO", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "UBND THÀNH PHỐ ĐÀ NẴNG"),
    ("UBND TỈNH QUẢNG NAM\nSỞ TÀI NGUYÊN VÀ\nMÔI TRƯỜNG", "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "UBND TỈNH QUẢNG NAM"),
    ("HỘI ĐỒNG NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI", "HỘI ĐỒNG NHÂN DÂN THÀNH PHỐ HÀ NỘI", None),
    ("TỈNH ỦY QUẢNG NAM\nBAN TUYÊN GIÁO\n*", "BAN TUYÊN GIÁO", "TỈNH ỦY QUẢNG NAM"),
    ("BỘ GIÁO DỤC VÀ ĐÀO TẠO", "BỘ GIÁO DỤC VÀ ĐÀO TẠO", None),
])
def test_issuing_body_and_its_parent(issuer, name, parent):
    parsed = parse_text(doc(issuer + "\n" + HEADER.split("\n", 2)[2]))
    assert (parsed.issuer.name, parsed.issuer.parent) == (name, parent)


@pytest.mark.parametrize(("line", "number", "serial", "symbol"), [
    ("Số: 36/KH-UBND", "36/KH-UBND", "36", "KH-UBND"),
    ("Số:36  /KH-UBND", "36/KH-UBND", "36", "KH-UBND"),
    ("Số:         /KH-UBND", "/KH-UBND", None, "KH-UBND"),
    ("Số 383-QĐ/TW", "383-QĐ/TW", "383", "QĐ/TW"),
    ("Số    -KH/ĐU", "-KH/ĐU", None, "KH/ĐU"),
    ("Số: 12/2025/NQ-HĐND", "12/2025/NQ-HĐND", "12", "2025/NQ-HĐND"),
    ("Số: 15 / KH - UBND", "15/KH-UBND", "15", "KH-UBND"),
    ("S6:36  /KH-UBND", "36/KH-UBND", "36", "KH-UBND"),
    ("So: 7/KH-UBND", "7/KH-UBND", "7", "KH-UBND"),
])
def test_number_serial_and_symbol(line, number, serial, symbol):
    parsed = parse_text(HEADER.replace("Số: 12/KH-UBND", line) + "Căn cứ Luật;\n")
    assert (parsed.number, parsed.serial, parsed.symbol) == (number, serial, symbol)


@pytest.mark.parametrize(("line", "place", "date"), [
    ("An Hòa, ngày 05 tháng 3 năm 2025", "An Hòa", "2025-03-05"),
    ("An Hòa, ngày     tháng 3 năm 2025", "An Hòa", "2025-03"),
    ("An Hòa, ngày     tháng      năm 2025", "An Hòa", "2025"),
    ("An Hòa, ngày 26tháng 5 năm 2025", "An Hòa", "2025-05-26"),
    ("TP. Hồ Chí Minh, ngày 2 tháng 9 năm 2025", "TP. Hồ Chí Minh", "2025-09-02"),
    ("Gia Vién, ngay 20 thang 8 nam 2025", "Gia Vién", "2025-08-20"),
    ("An Hòa, ngày 05/3/2025", "An Hòa", "2025-03-05"),
])
def test_place_and_date(line, place, date):
    parsed = parse_text(HEADER.replace("An Hòa, ngày 05 tháng 3 năm 2025", line))
    assert (parsed.place, parsed.date) == (place, date)


@pytest.mark.parametrize(("name", "code"), [
    ("KẾ HOẠCH", "KH"), ("QUYẾT ĐỊNH", "QĐ"), ("THÔNG BÁO", "TB"), ("HƯỚNG DẪN", "HD"), ("BÁO CÁO", "BC"),
    ("QUY ĐỊNH", "QyĐ"), ("CHƯƠNG TRÌNH", "CTr"), ("TỜ TRÌNH", "TTr"), ("NGHỊ QUYẾT", "NQ"), ("CHỈ THỊ", "CT"),
    ("QUY CHẾ", "QC"), ("PHƯƠNG ÁN", "PA"), ("ĐỀ ÁN", "ĐA"), ("BIÊN BẢN", "BB"), ("CÔNG ĐIỆN", "CĐ"),
    ("GIẤY MỜI", "GM"), ("THÔNG CÁO", "TC"), ("KE HOACH", "KH"), ("KẾ HOẠCH:", "KH"),
])
def test_type_name_and_its_decree_30_code(name, code):
    parsed = parse_text(HEADER.replace("Số: 12/KH-UBND", "Số: 12/UBND").replace("KẾ HOẠCH", name))
    assert parsed.doc_type == name.rstrip(":") and parsed.doc_type_code == code
    assert parsed.title == "Tổ chức hội thi"


def test_code_follows_the_symbol_when_it_prints_one():
    parsed = parse_text(HEADER.replace("Số: 12/KH-UBND", "Số 12-QĐi/TU").replace("KẾ HOẠCH", "QUY ĐỊNH"))
    assert parsed.doc_type_code == "QĐi"


def test_cong_van_has_no_type_name_but_a_subject():
    text = HEADER.replace("Số: 12/KH-UBND", "Số: 88/UBND-VX\nV/v tổ chức hội thi\nnăm 2025").replace(
        "KẾ HOẠCH\nTổ chức hội thi\n", "Kính gửi: Các thôn.\n") + "Ủy ban nhân dân xã đề nghị các thôn thực hiện./."
    parsed = parse_text(doc(text, body=""))
    assert parsed.doc_type is None and parsed.doc_type_code == "CV"
    assert parsed.title == "V/v tổ chức hội thi năm 2025" and parsed.addressees == ["Các thôn"]
    assert parsed.preamble == ["Ủy ban nhân dân xã đề nghị các thôn thực hiện./."]
    assert "document type not found" not in parsed.warnings


def test_subject_line_joined_across_lines_and_blank_lines():
    parsed = parse_text(HEADER.replace("Tổ chức hội thi\n", "Tổ chức hội thi tìm hiểu\n\npháp luật năm 2025\n\nCăn cứ Luật;\n"))
    assert parsed.title == "Tổ chức hội thi tìm hiểu pháp luật năm 2025" and parsed.bases == ["Căn cứ Luật;"]


def test_bases_each_one_string_and_reflowed():
    body = ("Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ\nChính trị;\n"
            "Thực hiện Kế hoạch số 67/KH-UBND ngày 27 tháng 02 năm 2026 của Ủy ban nhân dân\nthành phố;\n"
            "Theo đề nghị của Trưởng phòng Văn hóa - Xã hội,\n"
            "Ủy ban nhân dân xã ban hành Kế hoạch như sau:\nI. MỤC ĐÍCH\nLàm tốt.")
    parsed = parse_text(doc(HEADER, body))
    assert parsed.bases == ["Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị;",
                            "Thực hiện Kế hoạch số 67/KH-UBND ngày 27 tháng 02 năm 2026 của Ủy ban nhân dân thành phố;",
                            "Theo đề nghị của Trưởng phòng Văn hóa - Xã hội,"]
    assert parsed.preamble == ["Ủy ban nhân dân xã ban hành Kế hoạch như sau:"]
    assert [(r.number, r.date, r.issuer) for r in parsed.references] == [
        ("57-NQ/TW", "2024-12-22", "Bộ Chính trị"), ("67/KH-UBND", "2026-02-27", "Ủy ban nhân dân thành phố")]


def test_section_tree_letters_in_vietnamese_order_and_dash_items():
    body = ("I. MỤC ĐÍCH\n1. Mục đích chung\n1.1. Nâng cao nhận thức\na) Một;\nb) Hai;\nc) Ba;\nd) Bốn;\nđ) Năm;\ne) Sáu.\n"
            "- Gạch đầu dòng;\n+ Dấu cộng.\n2. Yêu cầu\nII. NỘI DUNG\nNội dung chính.")
    parsed = parse_text(doc(HEADER, body))
    first = parsed.sections[0]
    assert [(s.label, s.heading, s.level) for s in parsed.sections] == [("I", "MỤC ĐÍCH", 1), ("II", "NỘI DUNG", 1)]
    assert [c.label for c in first.children] == ["1", "2"]
    sub = first.children[0].children[0]
    assert (sub.label, sub.heading, sub.level) == ("1.1", "Nâng cao nhận thức", 3)
    assert [c.label for c in sub.children] == ["a", "b", "c", "d", "đ", "e"]
    assert sub.children[-1].paragraphs == ["Sáu.", "- Gạch đầu dòng;", "+ Dấu cộng."]
    assert parsed.sections[1].paragraphs == ["Nội dung chính."]


def test_wrong_numbering_is_kept_as_printed():
    body = "I. MỘT\n1. A\n2. B\n3. C\n5. E\nII. HAI\nIII. BA\nIII. BA NỮA\nV. NĂM"
    parsed = parse_text(doc(HEADER, body))
    assert [s.label for s in parsed.sections] == ["I", "II", "III", "III", "V"]
    assert [c.label for c in parsed.sections[0].children] == ["1", "2", "3", "5"]


def test_parts_chapters_sections_and_articles():
    body = ("Phần I\nQUY ĐỊNH CHUNG\nChương I\nPHẠM VI\nMục 1. ĐỐI TƯỢNG\nĐiều 1. Phạm vi điều chỉnh\n1. Khoản một.\n"
            "a) Điểm a.\nĐiều 2. Đối tượng áp dụng\nChương II\nTỔ CHỨC\nĐiều 3. Hiệu lực")
    parsed = parse_text(doc(HEADER, body))
    part = parsed.sections[0]
    assert (part.label, part.heading) == ("Phần I", "QUY ĐỊNH CHUNG")
    assert [(c.label, c.heading) for c in part.children] == [("Chương I", "PHẠM VI"), ("Chương II", "TỔ CHỨC")]
    muc = part.children[0].children[0]
    assert (muc.label, muc.heading) == ("Mục 1", "ĐỐI TƯỢNG")
    assert [(a.label, a.heading) for a in muc.children] == [("Điều 1", "Phạm vi điều chỉnh"), ("Điều 2", "Đối tượng áp dụng")]
    assert muc.children[0].children[0].children[0].label == "a"


def test_page_numbers_markdown_debris_and_page_breaks_are_removed():
    body = ("## **I. MỤC ĐÍCH**\nNâng cao nhận thức của cán bộ, công chức\n\n- 2 -\n\f\nvà người dân về *chuyển đổi số*.\n"
            "### II. NỘI DUNG\nTuyên truyền rộng rãi trên địa bàn\n\n3\n\nxã.")
    parsed = parse_text(doc(HEADER, body))
    assert [(s.label, s.heading) for s in parsed.sections] == [("I", "MỤC ĐÍCH"), ("II", "NỘI DUNG")]
    assert parsed.sections[0].paragraphs == ["Nâng cao nhận thức của cán bộ, công chức và người dân về chuyển đổi số."]
    assert parsed.sections[1].paragraphs == ["Tuyên truyền rộng rãi trên địa bàn xã."]


def test_tables_are_kept_as_rows():
    body = "I. KẾT QUẢ\n| STT | Chỉ tiêu | Kết quả |\n|---|---|---|\n| 1 | Hộ gia đình | 120 |\n| 2 | Thôn | 5 |"
    parsed = parse_text(doc(HEADER, body))
    assert parsed.sections[0].paragraphs == ["STT | Chỉ tiêu | Kết quả", "1 | Hộ gia đình | 120", "2 | Thôn | 5"]


def test_closing_paragraph_and_a_summary_in_the_middle():
    body = ("A. KẾT QUẢ\nI. CHUNG\nĐạt.\nTrên đây là kết quả năm 2025.\nB. PHƯƠNG HƯỚNG\n1. Làm tốt.\n"
            "Trên đây là Báo cáo của Ủy ban nhân dân xã./. thanh\nĐề nghị các đơn vị thực hiện.")
    parsed = parse_text(doc(HEADER, body))
    assert parsed.closing == "Trên đây là Báo cáo của Ủy ban nhân dân xã./."
    assert [s.label for s in parsed.sections] == ["A", "B"]
    assert parsed.sections[0].children[0].paragraphs == ["Đạt.", "Trên đây là kết quả năm 2025."]


@pytest.mark.parametrize("mark", ["Nơi nhận:", "NƠI NHẬN:", "Noi nhận:", "Noi nhgn:", "Nơi nhận", "Noi nhan:"])
def test_recipients_mark_spelled_any_way(mark):
    parsed = parse_text(doc(HEADER, tail=TAIL.replace("Nơi nhận:", mark)))
    assert parsed.recipients == ["UBND huyện"] and parsed.storage == ["VT"]


@pytest.mark.parametrize(("block", "signature"), [
    ("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nNguyễn Văn An",
     ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An")),
    ("T/M BAN THƯỜNG VỤ\nBÍ THƯ\n(Đã ký)\nNguyễn Văn An", ("T/M BAN THƯỜNG VỤ", None, "BÍ THƯ", "Nguyễn Văn An")),
    ("Q. CHỦ TỊCH\n\nNguyễn Văn An", (None, "Q. CHỦ TỊCH", None, "Nguyễn Văn An")),
    ("TL. CHỦ TỊCH\nCHÁNH VĂN PHÒNG\nNguyễn Văn An", (None, "TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG", "Nguyễn Văn An")),
    ("TUQ. CHỦ TỊCH\nTRƯỞNG PHÒNG NỘI VỤ\nNguyễn Văn An", (None, "TUQ. CHỦ TỊCH", "TRƯỞNG PHÒNG NỘI VỤ", "Nguyễn Văn An")),
    ("KT.GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\n\nNGUYỄN VĂN AN", (None, "KT.GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "NGUYỄN VĂN AN")),
    ("TM, ỦY BAN NHÂN DÂN\nKT, CHỦ TỊCH\nPHÓ CHỦ TỊCH\nỒ ẤÂN\nNguyễn Văn An",
     ("TM, ỦY BAN NHÂN DÂN", "KT, CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An")),
    ("CHỦ TỊCH\n\nNguyễn Văn An", (None, None, "CHỦ TỊCH", "Nguyễn Văn An")),
])
def test_signature_block(block, signature):
    parsed = parse_text(doc(HEADER, tail="Nơi nhận:\n- UBND huyện;\n- Lưu: VT.\n\n" + block))
    got = parsed.signature
    assert (got.authority, got.acting, got.position, got.signer) == signature
    assert parsed.recipients == ["UBND huyện"]


@pytest.mark.parametrize("tail", [
    # recipients and signature interleaved line by line (OCR merged the two columns)
    "Nơi nhận: TM. ỦY BAN NHÂN DÂN\n- UBND huyện; KT. CHỦ TỊCH\n- Đảng ủy xã;\n- Lưu: VT. PHÓ CHỦ TỊCH\n\nNguyễn Văn An",
    "Nơi nhận:                 TM. ỦY BAN NHÂN DÂN\n- UBND huyện;             KT. CHỦ TỊCH\n- Đảng ủy xã;\n"
    "- Lưu: VT.                PHÓ CHỦ TỊCH\n\n                          Nguyễn Văn An",
    # the signature column printed before the recipients column
    "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nNguyễn Văn An\nNơi nhận:\n- UBND huyện;\n- Đảng ủy xã;\n- Lưu: VT.",
    # the recipients column first, as the OCR stage emits two-column regions
    "Nơi nhận:\n- UBND huyện;\n- Đảng ủy xã;\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Văn An",
])
def test_tail_columns_in_any_layout(tail):
    parsed = parse_text(doc(HEADER, tail=tail))
    assert parsed.recipients == ["UBND huyện", "Đảng ủy xã"] and parsed.storage == ["VT"]
    got = parsed.signature
    assert (got.authority, got.acting, got.position, got.signer) == (
        "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An")


def test_recipient_wrapped_over_two_lines_and_storage_entries():
    tail = "Nơi nhận:\n- Các cơ quan, đơn vị trên địa bàn\n  xã;\n- Như trên,\n- Lưu: VT, VHXH (Chung).\n\nCHỦ TỊCH\nNguyễn Văn An"
    parsed = parse_text(doc(HEADER, tail=tail))
    assert parsed.recipients == ["Các cơ quan, đơn vị trên địa bàn xã", "Như trên"]
    assert parsed.storage == ["VT", "VHXH (Chung)"]


def test_every_decree_30_type_name_is_known():
    for name in ("ke hoach", "quyet dinh", "thong bao", "huong dan", "bao cao", "quy dinh", "chuong trinh", "to trinh",
                 "nghi quyet", "chi thi", "quy che", "phuong an", "de an", "du an", "bien ban", "hop dong", "cong dien",
                 "ban ghi nho", "ban thoa thuan", "giay uy quyen", "giay moi", "giay gioi thieu", "giay nghi phep",
                 "phieu gui", "phieu chuyen", "phieu bao", "thong cao"):
        assert name in DOC_TYPES


def test_draft_and_urgency_marks_are_not_the_issuer_and_dots_mark_blanks():
    header = ("DỰ THẢO\nỦY BAN NHÂN DÂN\nXÃ AN HÒA\nSố: ..../KH-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
              "Độc lập - Tự do - Hạnh phúc\nAn Hòa, ngày … tháng … năm 2025\nKHẨN\nKẾ HOẠCH\nTổ chức hội thi\n")
    parsed = parse_text(doc(header))
    assert (parsed.issuer.name, parsed.issuer.parent) == ("ỦY BAN NHÂN DÂN XÃ AN HÒA", None)
    assert (parsed.number, parsed.serial, parsed.date) == ("/KH-UBND", None, "2025")


def test_type_name_and_subject_on_one_capital_line():
    header = HEADER.replace("Số: 12/KH-UBND", "Số: 12/BC-UBND").replace(
        "KẾ HOẠCH\nTổ chức hội thi\n", "BÁO CÁO TÌNH HÌNH KINH TẾ - XÃ HỘI 6 THÁNG ĐẦU NĂM\nVÀ NHIỆM VỤ 6 THÁNG CUỐI NĂM 2025\n")
    parsed = parse_text(doc(header))
    assert (parsed.doc_type, parsed.doc_type_code) == ("BÁO CÁO", "BC")
    assert parsed.title == "TÌNH HÌNH KINH TẾ - XÃ HỘI 6 THÁNG ĐẦU NĂM VÀ NHIỆM VỤ 6 THÁNG CUỐI NĂM 2025"
    assert parsed.issuer.name == "ỦY BAN NHÂN DÂN XÃ AN HÒA" and [s.label for s in parsed.sections] == ["I"]


# --- forms found by the blind set (tests/test_parse_blind.py), each in a small variant of its own ---

JOINT_BODY = "\nSố: 05/KHLT-LĐLĐ-VHTT\nĐại Lộc, ngày 02 tháng 3 năm 2025\nKẾ HOẠCH LIÊN TỊCH\nTổ chức giải bóng đá\n"
TWO_BLOCKS = "\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\nTRƯỞNG PHÒNG          TM. BAN THƯỜNG VỤ\n" \
             "                      CHỦ TỊCH\n\nLê Văn Hai            Trần Thị Ba\n"


@pytest.mark.parametrize("bodies", [
    "LIÊN ĐOÀN LAO ĐỘNG HUYỆN ĐẠI LỘC - PHÒNG VĂN HÓA VÀ THÔNG TIN",
    "LIÊN ĐOÀN LAO ĐỘNG HUYỆN ĐẠI LỘC -      CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nPHÒNG VĂN HÓA VÀ THÔNG TIN",
    # stacked without a dash: joint because the code says liên tịch and each body signs a block
    "LIÊN ĐOÀN LAO ĐỘNG HUYỆN ĐẠI LỘC\nPHÒNG VĂN HÓA VÀ THÔNG TIN",
])
def test_joint_document_has_two_issuing_bodies(bodies):
    parsed = parse_text(bodies + JOINT_BODY + "I. MỤC ĐÍCH\nRèn luyện sức khỏe.\n" + TWO_BLOCKS)
    assert (parsed.issuer.name, parsed.issuer.parent) == ("LIÊN ĐOÀN LAO ĐỘNG HUYỆN ĐẠI LỘC", None)
    assert [(b.name, b.parent) for b in parsed.co_issuers] == [("PHÒNG VĂN HÓA VÀ THÔNG TIN", None)]
    assert parsed.doc_type == "KẾ HOẠCH LIÊN TỊCH" and parsed.doc_type_code == "KHLT"


@pytest.mark.parametrize(("issuer", "name", "parent"), [
    ("UBND HUYỆN ĐẠI LỘC\nPHÒNG VĂN HÓA - THÔNG TIN", "PHÒNG VĂN HÓA - THÔNG TIN", "UBND HUYỆN ĐẠI LỘC"),
    ("UBND HUYỆN KRÔNG PẮC\nBAN QUẢN LÝ DỰ ÁN\nĐẦU TƯ XÂY DỰNG", "BAN QUẢN LÝ DỰ ÁN ĐẦU TƯ XÂY DỰNG", "UBND HUYỆN KRÔNG PẮC"),
    ("LIÊN ĐOÀN LAO ĐỘNG TỈNH\nCÔNG ĐOÀN NGÀNH Y TẾ", "CÔNG ĐOÀN NGÀNH Y TẾ", "LIÊN ĐOÀN LAO ĐỘNG TỈNH"),
    ("ĐẢNG BỘ XÃ TAM XUÂN\nCHI BỘ\nTHÔN PHÚ TÂY", "CHI BỘ THÔN PHÚ TÂY", "ĐẢNG BỘ XÃ TAM XUÂN"),
    ("TRUNG TÂM Y TẾ HUYỆN A LƯỚI\nTRẠM Y TẾ XÃ HỒNG KIM", "TRẠM Y TẾ XÃ HỒNG KIM", "TRUNG TÂM Y TẾ HUYỆN A LƯỚI"),
])
def test_one_body_with_its_parent_is_not_a_joint_document(issuer, name, parent):
    parsed = parse_text(doc(issuer + "\nSố: 12/KH-UBND\nAn Hòa, ngày 05 tháng 3 năm 2025\nKẾ HOẠCH\nTổ chức hội thi\n",
                            tail=TWO_BLOCKS))
    assert (parsed.issuer.name, parsed.issuer.parent) == (name, parent) and parsed.co_issuers == []


@pytest.mark.parametrize("block", [
    "THƯ KÝ                    CHỦ TRÌ\n\n\nQuàng Thị Hoa             Lò Văn Hùng",  # side by side
    "THƯ KÝ\n\nQuàng Thị Hoa\n\nCHỦ TRÌ\n\nLò Văn Hùng",  # one after the other
    "THƯ KÝ CHỦ TRÌ\n\nQuàng Thị Hoa Lò Văn Hùng",  # side by side, read by OCR as whole rows
])
def test_two_signature_blocks_in_reading_order(block):
    parsed = parse_text(doc(HEADER.replace("KẾ HOẠCH", "BIÊN BẢN"), tail="\n" + block))
    assert [(s.position, s.signer) for s in parsed.signatures] == [("THƯ KÝ", "Quàng Thị Hoa"), ("CHỦ TRÌ", "Lò Văn Hùng")]
    assert parsed.signature == parsed.signatures[-1]


def test_side_by_side_blocks_merged_into_rows_by_ocr():
    block = "KT. TRƯỞNG PHÒNG TM. BAN THƯỜNG VỤ\nPHÓ TRƯỞNG PHÒNG CHỦ TỊCH\n\nLê Minh Trí Huỳnh Thị Kim Oanh"
    parsed = parse_text(doc(HEADER, tail="\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\n" + block))
    assert [(s.authority, s.acting, s.position, s.signer) for s in parsed.signatures] == [
        (None, "KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG", "Lê Minh Trí"),
        ("TM. BAN THƯỜNG VỤ", None, "CHỦ TỊCH", "Huỳnh Thị Kim Oanh")]


@pytest.mark.parametrize("block", ["PHÓ CHỦ TỊCH\n\nNguyễn Thị Hoàng Lan Anh", "TM. ỦY BAN NHÂN DÂN\nPHÓ CHỦ TỊCH\n\nLê Hoàng Văn"])
def test_one_block_with_a_long_name_stays_one_block(block):
    parsed = parse_text(doc(HEADER, tail=TAIL.split("TM.")[0] + block))
    assert len(parsed.signatures) == 1 and parsed.signature.signer == block.split("\n")[-1]


def test_capitals_after_the_signer_are_not_a_second_block():
    parsed = parse_text(doc(HEADER, tail=TAIL + "\nỦY BAN NHÂN DÂN\nXÃ AN HÒA\n"))
    assert len(parsed.signatures) == 1 and parsed.signature.signer == "Nguyễn Văn An"


@pytest.mark.parametrize("signer", ["Rơ Châm H'Yuin", "PGS.TS. Đoàn Đức Tùng", "ThS. Lê Văn Hai", "Y Lan"])
def test_signer_names_with_apostrophes_and_academic_titles(signer):
    parsed = parse_text(doc(HEADER, tail=TAIL.replace("Nguyễn Văn An", signer)))
    assert parsed.signature.signer == signer


RUNNING = "Báo cáo tình hình giải ngân năm 2025 - BQLDA huyện"


@pytest.mark.parametrize("page_break", ["\f", "\n\n2\n", "\n\n- 2 -\n\n"])
def test_running_header_repeated_at_page_tops_is_dropped(page_break):
    body = (f"I. KẾT QUẢ\n1. Chuyển tiếp\nĐạt 78% kế hoạch.{page_break}{RUNNING}\n2. Khởi công mới\nĐạt 50%."
            f"{page_break.replace('2', '3')}{RUNNING}\n3. Khó khăn\nGiải phóng mặt bằng chậm.")
    parsed = parse_text(doc(HEADER, body=body))
    assert [len(c.paragraphs) for c in parsed.sections[0].children] == [1, 1, 1]
    assert RUNNING not in " ".join(p for c in parsed.sections[0].children for p in c.paragraphs)


def test_a_line_repeated_inside_pages_is_not_a_running_header():
    line = "Đề nghị các đơn vị báo cáo đúng thời hạn."
    body = f"I. NỘI DUNG\n1. Thu\n{line}\n2. Chi\n{line}\f3. Kết luận\n{line}"
    parsed = parse_text(doc(HEADER, body=body))
    assert [c.paragraphs for c in parsed.sections[0].children] == [[line], [line], [line]]


def test_ocr_table_rows_without_rules_stay_rows():
    body = ("I. LỊCH TRIỂN KHAI\nTT Nội dung Thời gian Đơn vị\n1 Tuyên truyền Tháng 5 Hội Nông dân\n"
            "2 Ra mắt tổ tự quản Tháng 7 Công an xã\n3 Sơ kết Tháng 12 Hai bên\nII. TỔ CHỨC\nThực hiện tốt.")
    parsed = parse_text(doc(HEADER, body=body))
    assert [s.label for s in parsed.sections] == ["I", "II"] and len(parsed.sections[0].paragraphs) == 4


@pytest.mark.parametrize(("type_line", "code"), [("QUY CHẾ PHỐI HỢP", "QCPH"), ("QUY ĐỊNH", "QyĐ"),
                                                  ("QUYẾT ĐỊNH", "QĐ"), ("THÔNG BÁO KẾT LUẬN", "TB")])
def test_type_line_with_more_words(type_line, code):
    symbol = {"QCPH": "QCPH-CAH-VKS", "QyĐ": "QyĐ-UBND", "QĐ": "QĐ-UBND", "TB": "TB-UBND"}[code]
    parsed = parse_text(doc(HEADER.replace("12/KH-UBND", "12/" + symbol).replace("KẾ HOẠCH", type_line)))
    assert (parsed.doc_type, parsed.doc_type_code, parsed.title) == (type_line, code, "Tổ chức hội thi")


def test_cited_issuer_stops_at_the_next_cited_document():
    body = "Thực hiện Thông tư số 342/2016/TT-BTC ngày 30/12/2016 của Bộ Tài chính và Công văn số 21/UBND-KT " \
           "ngày 20/10/2025 của Văn phòng Tỉnh ủy.\nI. NỘI DUNG\nThực hiện tốt."
    refs = {r.number: r.issuer for r in parse_text(doc(HEADER, body=body)).references}
    assert refs == {"342/2016/TT-BTC": "Bộ Tài chính", "21/UBND-KT": "Văn phòng Tỉnh ủy"}


def test_header_parts_read_after_the_type_name():
    """OCR may read the centred type name before the header's last lines."""
    header = ("ỦY BAN NHÂN DÂN\nXÃ AN HÒA\nKẾ HOẠCH\nSố: 12/KH-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
              "Độc lập - Tự do - Hạnh phúc\nAn Hòa, ngày 05 tháng 3 năm 2025\nTổ chức hội thi\n")
    parsed = parse_text(doc(header))
    assert (parsed.number, parsed.date, parsed.place, parsed.title) == ("12/KH-UBND", "2025-03-05", "An Hòa", "Tổ chức hội thi")
    assert parsed.motto == "Độc lập - Tự do - Hạnh phúc" and parsed.doc_type == "KẾ HOẠCH"


def test_motto_broken_over_two_lines_in_reverse_order():
    header = ("ỦY BAN NHÂN DÂN XÃ AN HÒA\nSố: 12/UBND-VP\nV/v tổ chức hội thi\nTự do - Hạnh phúc\nĐộc lập -\n"
              "An Hòa, ngày 05 tháng 3 năm 2025\nvăn nghệ quần chúng\n")
    parsed = parse_text(doc(header, body="Kính gửi: Các thôn.\n\nThực hiện tốt."))
    assert parsed.motto == "Độc lập - Tự do - Hạnh phúc"
    assert parsed.title == "V/v tổ chức hội thi văn nghệ quần chúng"


def test_a_subject_citing_a_dated_document_is_not_a_header_part():
    title = "Tuyên truyền Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị"
    parsed = parse_text(doc(HEADER.replace("Tổ chức hội thi", title)))
    assert parsed.title == title and parsed.date == "2025-03-05"


def test_three_signature_blocks_side_by_side():
    block = ("ĐẠI DIỆN BÊN GIAO        ĐẠI DIỆN BÊN NHẬN        NGƯỜI LẬP BIÊN BẢN\n\n"
             "Lê Văn Hai               Trần Thị Ba              Phạm Văn Bốn")
    parsed = parse_text(doc(HEADER.replace("KẾ HOẠCH", "BIÊN BẢN"), body="I. NỘI DUNG\nBàn giao đầy đủ./.", tail="\n" + block))
    assert [(s.position, s.signer) for s in parsed.signatures] == [
        ("ĐẠI DIỆN BÊN GIAO", "Lê Văn Hai"), ("ĐẠI DIỆN BÊN NHẬN", "Trần Thị Ba"), ("NGƯỜI LẬP BIÊN BẢN", "Phạm Văn Bốn")]


def test_running_header_with_its_page_number_found_without_page_breaks():
    """Pages joined by blank lines (as the pipeline joins OCR'd pages): the gazette header recurs a page
    further on with its page number grown by one."""
    filler = "\n".join(f"- Nội dung thứ {n} được thực hiện đúng quy định;" for n in range(1, 20))
    body = (f"I. NỘI DUNG\n{filler}\n\nCÔNG BÁO/Số 05 + 06/Ngày 20-01-2026   27\n\n{filler}\n\n"
            "CÔNG BÁO/Số 05 + 06/Ngày 20-01-2026   28\n\nII. TỔ CHỨC\nThực hiện tốt.")
    parsed = parse_text(doc(HEADER, body=body))
    assert len(parsed.sections[0].paragraphs) == 38
    assert not any("CÔNG BÁO" in p for s in parsed.sections for p in s.paragraphs)


# --- issue 16: forms of other issuers (real texts T02) -------------------------------------------------------

UBND_TINH = "ỦY BAN NHÂN DÂN\nTỈNH AN GIANG\nSố: /TB-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n" \
            "An Giang, ngày tháng 4 năm 2025\n"


def test_a_subject_written_v_v_under_the_type_name_is_the_title_not_a_section_v():
    parsed = parse_text(doc(UBND_TINH + "THÔNG BÁO\nV/v tạm dừng hoạt động của một số hội cấp tỉnh\n",
                            "Căn cứ Nghị định số 126/2024/NĐ-CP;\n1. Thống nhất tạm dừng."))
    assert parsed.doc_type == "THÔNG BÁO"
    assert parsed.title == "V/v tạm dừng hoạt động của một số hội cấp tỉnh"


@pytest.mark.parametrize("storage", [
    "- Lưu: VT, KT, ĐT&QHXD, NCKS.Lan",
    "- Lưu: VT; KT, TH.",
])
def test_a_department_kt_in_the_storage_list_is_no_signature_mark(storage):
    tail = f"\nNơi nhận:\n- Như trên;\n{storage}\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nTrần Văn Bình\n"
    parsed = parse_text(doc(HEADER, tail=tail))
    assert parsed.signature.acting == "KT. CHỦ TỊCH" and parsed.signature.authority is None
    assert parsed.signature.position == "PHÓ CHỦ TỊCH" and parsed.signature.signer == "Trần Văn Bình"


def test_a_storage_list_beside_the_signature_mark_across_a_column_gap_is_still_split():
    tail = "\nNơi nhận:\n- Như trên;\n- Lưu: VT, TH.          KT. CHỦ TỊCH\n                        PHÓ CHỦ TỊCH\n\n" \
           "                        Trần Văn Bình\n"
    parsed = parse_text(doc(HEADER, tail=tail))
    assert parsed.signature.acting == "KT. CHỦ TỊCH" and parsed.signature.signer == "Trần Văn Bình"


CITED_DATE = (
    "BỘ TÀI CHÍNH\nSố: /BTC-CST\nV/v dự thảo Thông tư thay thế Thông tư số 10/2016/TT-BTC ngày 11/11/2016\n"
    "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nHà Nội, ngày tháng năm 2025\n"
    "Kính gửi: Các bộ, cơ quan ngang bộ.\n",
    "2025",
    "V/v dự thảo Thông tư thay thế Thông tư số 10/2016/TT-BTC ngày 11/11/2016",
)
DATE_BESIDE_SUBJECT = (
    "BỘ TƯ PHÁP              CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "                         Độc lập - Tự do - Hạnh phúc\n"
    "Số: 17/BTP-PLDS\n"
    "V/v góp ý Thông tư số 5/2020/TT-BTP ngày 02/3/2020      Hà Nội, ngày 14 tháng 5 năm 2025\n"
    "Kính gửi: Các sở.\n",
    "2025-05-14",
    "V/v góp ý Thông tư số 5/2020/TT-BTP ngày 02/3/2020",
)


@pytest.mark.parametrize(("header", "date", "title"), [CITED_DATE, DATE_BESIDE_SUBJECT], ids=["cited", "beside"])
def test_a_date_the_v_v_subject_cites_is_not_the_documents_and_one_across_the_gap_is(header, date, title):
    parsed = parse_text(doc(header, "Đề nghị góp ý./."))
    assert parsed.place == "Hà Nội" and parsed.date == date
    assert parsed.title == title


def test_a_file_of_several_documents_each_under_the_national_title_keeps_the_first_ones_header():
    page = "BỘ Y TẾ                    CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\n" \
           "                           Độc lập - Tự do - Hạnh phúc\n" \
           "Số: {n}/BYT-KCB            Hà Nội, ngày {d} tháng 7 năm 2025\n" \
           "V/v hướng dẫn khám bệnh\n\nKính gửi: Các sở y tế.\n\n" + "Nội dung hướng dẫn chi tiết.\n" * 20 + \
           "Nơi nhận:\n- Như trên;\n- Lưu: VT.                KT. BỘ TRƯỞNG\n" \
           "                          THỨ TRƯỞNG\n\n                          Lê Văn An\n"
    parsed = parse_text(page.format(n=21, d=10) + "\f" + page.format(n=22, d=11) + "\f" + page.format(n=23, d=12))
    assert parsed.issuer.name == "BỘ Y TẾ"
    assert parsed.number == "21/BYT-KCB" and parsed.date == "2025-07-10"
