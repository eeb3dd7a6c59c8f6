"""The parser on text read from real scans (issue 11 items 4-5): handwritten serials and days are never guessed,
OCR word confidences drop a serial or day read without confidence, quoted signature blocks are not the tail."""

from __future__ import annotations

from pipeline.model import Page, Word
from pipeline.parse import line_confidences, parse_text

HEAD = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG NGÃI

Số: {serial} /TTr-UBND

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Quảng Ngãi, ngày {day} tháng 01 năm 2025

TỜ TRÌNH
Về việc miễn nhiệm chức danh Ủy viên

Kính gửi: Hội đồng nhân dân tỉnh
"""


def head(serial: str = "01", day: str = "06") -> str:
    return HEAD.format(serial=serial, day=day)


def warned(parsed, field: str) -> list[str]:
    return [w for w in parsed.warnings if w.startswith(field + ":")]


def test_printed_serial_and_day_are_read():
    parsed = parse_text(head())
    assert (parsed.number, parsed.serial, parsed.date) == ("01/TTr-UBND", "01", "2025-01-06")
    assert not warned(parsed, "number") and not warned(parsed, "date")


def test_a_serial_read_as_digits_and_marks_is_null_with_a_warning_and_the_symbol_kept():
    for junk in ("4‡", "$3", "3|", "0]", "2+5", "O{_", "ZZ Ø", "¿4|", "6ƒ", "2l J"):
        parsed = parse_text(head(serial=junk))
        assert (parsed.number, parsed.serial, parsed.symbol) == ("/TTr-UBND", None, "TTr-UBND"), junk
        assert any("serial not read" in w for w in warned(parsed, "number")), (junk, parsed.warnings)
        assert parsed.issuer and parsed.issuer.name == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", junk


def test_a_day_read_as_marks_or_out_of_range_is_left_out_with_a_warning():
    for junk in ("0]", "3|", "$3", "/2", "64", "0Ÿ", "2#"):
        parsed = parse_text(head(day=junk))
        assert parsed.date == "2025-01", (junk, parsed.date)
        assert any("day not read" in w for w in warned(parsed, "date")), (junk, parsed.warnings)
    glued = parse_text(head().replace("ngày 06 tháng", "ngàyltháng"))
    assert glued.date == "2025-01" and warned(glued, "date")


def test_a_blank_serial_or_day_of_a_draft_is_null_without_a_guess():
    parsed = parse_text(head(serial="", day=""))
    assert (parsed.number, parsed.serial, parsed.date) == ("/TTr-UBND", None, "2025-01")


def ocr_page(text: str, low: dict[str, float]) -> Page:
    """A page whose words carry confidence 0.96, except the words named in ``low``."""
    words = []
    for number, line in enumerate(text.split("\n"), start=1):
        for piece in line.split():
            words.append(Word(text=piece, confidence=low.get(piece, 0.96), line=number))
    return Page(number=1, text=text, words=words)


def test_a_serial_or_day_read_with_low_confidence_is_dropped_with_a_warning():
    text = head(serial="899", day="08")
    page = ocr_page(text, {"899": 0.62, "08": 0.71})
    parsed = parse_text(text, confidences=line_confidences([page]))
    assert (parsed.number, parsed.serial, parsed.date) == ("/TTr-UBND", None, "2025-01")
    assert any("899" in w and "confidence 0.62" in w for w in warned(parsed, "number"))
    assert any("day not read with confidence" in w for w in warned(parsed, "date"))
    # the same text read with confidence keeps them
    sure = parse_text(text, confidences=line_confidences([ocr_page(text, {})]))
    assert (sure.number, sure.date) == ("899/TTr-UBND", "2025-01-08")
    assert not warned(sure, "number") and not warned(sure, "date")


def test_confidences_follow_the_pages_line_numbers():
    first = ocr_page("TRANG MỘT\n", {})
    second = ocr_page(head(serial="899"), {"899": 0.5})
    confidences = line_confidences([first, second])
    text = "\f".join(p.text for p in (first, second))
    parsed = parse_text(text, confidences=confidences)
    assert parsed.serial is None and parsed.number == "/TTr-UBND"
    assert line_confidences([Page(number=1, text="no words")]) is None


def test_on_a_scan_a_blank_serial_or_day_is_named_in_a_warning():
    text = head(serial="", day="")
    parsed = parse_text(text, confidences=line_confidences([ocr_page(text, {})]))
    assert any("serial blank" in w for w in warned(parsed, "number"))
    assert any("day blank" in w for w in warned(parsed, "date"))


def test_a_number_with_a_letter_look_alike_serial_is_not_trusted():
    for serial in ("8O", "0J"):  # "0J": a handwritten 01 (real scan, Quỹ hỗ trợ phụ nữ Đắk Nông NQ 01)
        parsed = parse_text(head(serial=serial))
        assert parsed.serial is None and parsed.number == "/TTr-UBND", serial
        assert any("serial not read" in w for w in warned(parsed, "number")), serial
    assert parse_text(head(serial="12a")).number == "12a/TTr-UBND"  # a serial's own small letter


def test_the_e_signature_box_is_not_the_issuer():
    box = "TRUNG TÂM CÔNG\nBÁO VÀ TIN HỌC\nttcbth@quangngai.gov.vn\n07.01.2025 10:44:25\n+07:00\n\n"
    box += "Ký bởi: Ủy ban nhân dân tỉnh Quảng Ngãi\nCơ quan: Tỉnh Quảng Ngãi\nThời gian ký: 07/01/2025 10:09:57\n"
    parsed = parse_text(box + head())
    assert parsed.issuer is not None and parsed.issuer.name == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"
    assert parsed.issuer.parent is None and parsed.number == "01/TTr-UBND"


def test_a_number_whose_serial_and_symbol_are_on_two_lines_is_one():
    parsed = parse_text(head().replace("Số: 01 /TTr-UBND", "Số: 565\n/TTr-UBND"))
    assert (parsed.number, parsed.serial) == ("565/TTr-UBND", "565")
    assert parsed.issuer is not None and parsed.issuer.name == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"


def test_a_glued_printed_serial_is_judged_by_a_lower_bar_than_one_in_a_gap():
    text = head().replace("Số: 01 /TTr-UBND", "Số: 985/TTr-UBND")
    page = ocr_page(text, {"985/TTr-UBND": 0.90})
    assert parse_text(text, confidences=line_confidences([page])).serial == "985"
    gap = head(serial="44")
    assert parse_text(gap, confidences=line_confidences([ocr_page(gap, {"44": 0.90})])).serial is None


TAIL = """
Nơi nhận:
- Như trên;
- Lưu: VT, NC.

{block}
"""


def signed(block: str):
    return parse_text(head() + "\nCăn cứ Luật Tổ chức chính quyền địa phương;\n" + TAIL.format(block=block))


def test_signer_names_garbled_under_seals_are_repaired_with_a_warning():
    cases = {
        "Kguyễn Quốc Việt": "Nguyễn Quốc Việt",  # a misread first letter
        "rần Hoàng Tuân": "Trần Hoàng Tuân",  # the first letter lost; 'Tuân' is a name too: left as read
        "Âguyên Hoàng Giang": "Nguyễn Hoàng Giang",
        "Trân Phước Hiền": "Trần Phước Hiền",  # a family name with its marks garbled
        "Hỗ Đình Tùng": "Hồ Đình Tùng",
        "Nguyễn Quốc Viêt": "Nguyễn Quốc Việt",  # a given name misspelt
        "2ê Văn Lợi": "Lê Văn Lợi",  # the first letter read as a digit under the signature
        "4guyễn Thị Hồng": "Nguyễn Thị Hồng",
    }
    for read, name in cases.items():
        parsed = signed(f"KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n{read}")
        assert parsed.signature is not None and parsed.signature.signer == name, (read, parsed.signature)
        assert any(w.startswith("signer:") and read in w for w in parsed.warnings), parsed.warnings


def test_names_the_tables_cannot_decide_are_left_as_read():
    for name in ("Trần Công Luận", "Hà Thị Lê Vân", "Ksor Y Moan", "Mạnh Thị Tuyết Mai"):
        parsed = signed(f"KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n{name}")
        assert parsed.signature is not None and parsed.signature.signer == name
        assert not any(w.startswith("signer:") for w in parsed.warnings)


def test_a_rank_printed_before_the_name_is_kept_apart_from_it():
    for printed, rank, name in (
        ("Trung tá Đỗ Minh Khang", "Trung tá", "Đỗ Minh Khang"),
        ("Thiếu tướng Trương Minh Đương", "Thiếu tướng", "Trương Minh Đương"),
        ("Thượng tướng Nguyễn Văn Long", "Thượng tướng", "Nguyễn Văn Long"),
        ("Đại úy Lê Văn Tám", "Đại úy", "Lê Văn Tám"),
    ):
        parsed = signed(f"GIÁM ĐỐC\n\n{printed}")
        assert parsed.signature is not None, printed
        assert (parsed.signature.rank, parsed.signature.signer) == (rank, name)
    parsed = signed("CHỦ TỊCH\n\nTrung Văn Tá")  # a name, not a rank
    assert parsed.signature is not None and (parsed.signature.rank, parsed.signature.signer) == (None, "Trung Văn Tá")


def test_titles_garbled_by_ocr_are_repaired():
    for read, title in (
        ("PHO CHANH VAN PHONG", "PHÓ CHÁNH VĂN PHÒNG"),
        ("1Ó CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
        ("GẦN CHỦ TỊCH", "CHỦ TỊCH"),
        ("PHÓ GIÁM ĐÓC", "PHÓ GIÁM ĐỐC"),
        ("_s% „¿GIÁM ĐỐC", "GIÁM ĐỐC"),
    ):
        parsed = signed(f"KT. CHỦ TỊCH\n{read}\n\nNguyễn Văn An")
        assert parsed.signature is not None and parsed.signature.position == title, (read, parsed.signature)
        assert any(w.startswith("position:") for w in parsed.warnings)
    # the office garbled under the seal comes first; the title printed over the name is not the position
    garbled = signed("TM. HỘI ĐỒNG QUẢN LÝ\n<1 GHỦ TỊCH\n\nCHỦ TỊCH HỘI LHPN TỈNH\nNguyễn Thị Hoa")
    assert garbled.signature is not None
    assert (garbled.signature.authority, garbled.signature.position) == ("TM. HỘI ĐỒNG QUẢN LÝ", "CHỦ TỊCH")
    kept = signed("TM. BAN CHỈ ĐẠO\nTRƯỞNG BAN\nCHỦ TỊCH UBND TỈNH\n\nNguyễn Hoàng Giang")
    assert kept.signature is not None and kept.signature.position == "TRƯỞNG BAN"


def test_the_seals_ring_text_is_never_the_position():
    parsed = signed("TM. ỦY BAN NHÂN DÂN\nM-ÙY BAN NHÂN DẦN\nCHỦ TỊCH\n\nĐặng Văn Minh")
    assert parsed.signature is not None
    assert (parsed.signature.authority, parsed.signature.position) == ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    lost = signed("KT. CHỦ TỊCH\nỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI\n\nĐặng Văn Minh")
    assert lost.signature is not None and lost.signature.position is None


def test_chained_marks_keep_the_office_below_them():
    parsed = signed("TL. CHỦ TỊCH\nKT. CHÁNH VĂN PHÒNG\nPHÓ CHÁNH VĂN PHÒNG\n\nHà Thị Lê Vân")
    assert parsed.signature is not None
    assert parsed.signature.acting == "TL. CHỦ TỊCH / KT. CHÁNH VĂN PHÒNG"
    assert parsed.signature.position == "PHÓ CHÁNH VĂN PHÒNG"


def test_a_guide_quoting_signature_blocks_keeps_its_own_tail():
    body = (
        "I. HƯỚNG DẪN CHUNG\n1. Thể thức\nVí dụ 1: Văn bản của đoàn chủ tịch\nT/M ĐOÀN CHỦ TỊCH\n(chữ ký)\nHọ và tên\n"
        "Ví dụ 2: Văn bản của ban thường vụ\nT/L BAN THƯỜNG VỤ\nCHÁNH VĂN PHÒNG\n(chữ ký)\nHọ và tên\n"
        "+ Nơi nhận bản sao trình bày dưới số và ký hiệu bản sao.\n2. Kỹ thuật trình bày\nTrình bày như sau.\n"
    )
    text = head() + body + TAIL.format(block="K/T CHÁNH VĂN PHÒNG\nPHÓ CHÁNH VĂN PHÒNG\nBùi Văn Thạch")
    parsed = parse_text(text)
    assert parsed.signature is not None
    assert (parsed.signature.acting, parsed.signature.position, parsed.signature.signer) == (
        "K/T CHÁNH VĂN PHÒNG",
        "PHÓ CHÁNH VĂN PHÒNG",
        "Bùi Văn Thạch",
    )
    assert parsed.recipients == ["Như trên"]


def test_issue_16_forms_of_other_issuers():
    # an issuer printed on two lines: a committee's sub-body under it
    election = head().replace(
        "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI", "ỦY BAN BẦU CỬ XÃ TÂN HÒA\nTIỂU BAN THÔNG TIN TUYÊN TRUYỀN"
    )
    parsed = parse_text(election)
    assert parsed.issuer is not None
    assert (parsed.issuer.parent, parsed.issuer.name) == ("ỦY BAN BẦU CỬ XÃ TÂN HÒA", "TIỂU BAN THÔNG TIN TUYÊN TRUYỀN")
    # the first body paragraph right under the subject line
    run_on = head().replace(
        "Kính gửi: Hội đồng nhân dân tỉnh\n", "Ngày 12/11/2024, tại trụ sở UBND tỉnh, Phó Chủ tịch chủ trì.\n"
    )
    assert parse_text(run_on).title == "Về việc miễn nhiệm chức danh Ủy viên"
    # a type name OCR read with a wrong mark is spelt right
    assert parse_text(head().replace("TỜ TRÌNH", "TỜ TRỈNH")).doc_type == "TỜ TRÌNH"


PARTY = """BAN CHẤP HÀNH TRUNG ƯƠNG
*
Số 294-QĐ/TW

ĐẢNG CỘNG SẢN VIỆT NAM

Hà Nội, ngày 26 tháng 5 năm 2025

QUY ĐỊNH
về thi hành Điều lệ Đảng
- Căn cứ Điều lệ Đảng;
- Căn cứ Quy chế làm việc của Ban Chấp hành Trung ương,
Ban Chấp hành Trung ương quy định như sau:

Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi
Quy định này hướng dẫn.
Điều 2- Đối tượng
1. Đảng viên.
2. Tổ chức đảng.
Chương II
ĐẢNG VIÊN
Điều 3. Tuổi đời
Nội dung.
II.

T/M BAN CHẤP HÀNH TRUNG ƯƠNG
TỔNG BÍ THƯ
Tô Lâm
"""


def test_a_party_regulation_bases_with_dashes_and_articles_under_chapters():
    parsed = parse_text(PARTY)
    assert parsed.title == "về thi hành Điều lệ Đảng"
    assert parsed.bases == ["Căn cứ Điều lệ Đảng;", "Căn cứ Quy chế làm việc của Ban Chấp hành Trung ương,"]
    assert parsed.preamble == ["Ban Chấp hành Trung ương quy định như sau:"]
    assert [s.label for s in parsed.sections] == ["Chương I", "Chương II"]  # the stray "II." is no section
    assert [c.label for c in parsed.sections[0].children] == ["Điều 1", "Điều 2"]
    assert parsed.sections[0].children[1].heading == "Đối tượng"
    assert [c.label for c in parsed.sections[1].children] == ["Điều 3"]


def test_place_names_read_with_wrong_marks_are_spelt_from_the_places_table():
    text = head().replace("TỈNH QUẢNG NGÃI", "TINH QUANG NGAI").replace("Quảng Ngãi, ngày", "Tiên Giang, ngày")
    parsed = parse_text(text)
    assert parsed.issuer is not None and parsed.issuer.name == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"
    assert parsed.place == "Tiền Giang"
    assert any(w.startswith("place:") for w in parsed.warnings) and any(
        w.startswith("issuer:") for w in parsed.warnings
    )
    # a place spelt as some place is (a ward "Hải Phong") and one the table lacks stay as printed
    ward = head().replace("TỈNH QUẢNG NGÃI", "XÃ HẢI PHONG").replace("Quảng Ngãi, ngày", "Hải Phong, ngày")
    parsed = parse_text(ward)
    assert parsed.issuer is not None and parsed.issuer.name == "ỦY BAN NHÂN DÂN XÃ HẢI PHONG"
    assert parsed.place == "Hải Phong"
    old = parse_text(head().replace("TỈNH QUẢNG NGÃI", "TỈNH THỪA THIÊN HUẾ"))
    assert old.issuer is not None and old.issuer.name == "ỦY BAN NHÂN DÂN TỈNH THỪA THIÊN HUẾ"


def test_a_place_ocr_glued_or_broke_with_a_speck_is_spelt_from_the_places_table():
    # R44: 'UBND TỈNHLÂMĐÒNG' over 'SỞ TƯ PHÁP'; R36: 'Hà an Nội, ngày …'
    text = (
        head()
        .replace("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI", "UBND TỈNHLÂMĐÒNG\nSỞ TƯ PHÁP")
        .replace("Quảng Ngãi, ngày", "Hà an Nội, ngày")
    )
    parsed = parse_text(text)
    assert parsed.issuer is not None
    assert (parsed.issuer.name, parsed.issuer.parent) == ("SỞ TƯ PHÁP", "UBND TỈNH LÂM ĐỒNG")
    assert parsed.place == "Hà Nội"
    # a lower-case word that leaves no known place, or two readings of one, stay as printed
    for place in ("Phường an Ninh", "Thành phố Hồ Chí Minh"):
        assert parse_text(head().replace("Quảng Ngãi, ngày", f"{place}, ngày")).place == place


def test_a_received_stamp_read_into_the_header_is_not_the_issuer_nor_hides_the_type():
    text = (
        "Số: 28/2021/NĐ-CP\n\nĐộc lập - Tự do - Hạnh phúc\n\nHà Nội, ngày 26 tháng 3 năm 2021\n\n"
        "CÔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ\n\nĐẾN\n\nNgày: các NGHỊ ĐỊNH\n"
        "Quy định cơ chế quản lý tài chính\n\nCăn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;\n"
    )
    parsed = parse_text(text)
    assert parsed.issuer is None
    assert (parsed.doc_type, parsed.title) == ("NGHỊ ĐỊNH", "Quy định cơ chế quản lý tài chính")


def test_an_annex_after_a_tail_whose_signature_ocr_lost_gives_no_position():
    parsed = signed("Phụ lục\nDANH MỤC THỦ TỤC HÀNH CHÍNH\nA. THỦ TỤC HÀNH CHÍNH CẤP TỈNH\n1. Thủ tục cấp phép")
    assert parsed.signature is None or parsed.signature.position is None


def test_a_subject_line_set_apart_by_a_blank_line_before_the_addressee_is_kept():
    text = head().replace(
        "Về việc miễn nhiệm chức danh Ủy viên\n",
        "và việc miễn nhiệm chức danh Ủy viên\n\nỦy ban nhân dân tỉnh nhiệm kỳ 2021 - 2026\n\n",
    )
    assert parse_text(text).title == "về việc miễn nhiệm chức danh Ủy viên Ủy ban nhân dân tỉnh nhiệm kỳ 2021 - 2026"


def test_the_seal_repeating_the_authoritys_body_is_neither_position_nor_authority():
    government = signed("TM. CHÍNH PHỦ\nCHÍNH PHỦ\nTHỦ TƯỚNG\n\nPhạm Minh Chính").signature
    assert government is not None
    assert (government.authority, government.position) == ("TM. CHÍNH PHỦ", "THỦ TƯỚNG")
    party = signed("TM. BAN THƯỜNG VỤ\nBAN THƯỜNG VỤ\nPHÓ BÍ THƯ\n\nLê Văn An").signature
    assert party is not None and (party.authority, party.position) == ("TM. BAN THƯỜNG VỤ", "PHÓ BÍ THƯ")
    office = signed("TM. ĐOÀN CHỦ TỊCH\nCHỦ TỊCH\n\nLê Văn An").signature  # an office named in the authority
    assert office is not None and office.position == "CHỦ TỊCH"
    deputy = signed("KT. THỦ TƯỚNG\nPHÓ THỦ TƯỚNG\n\nHồ Đức Phớc").signature
    assert deputy is not None and (deputy.acting, deputy.position) == ("KT. THỦ TƯỚNG", "PHÓ THỦ TƯỚNG")


def test_the_record_of_a_scan_drops_a_serial_read_without_confidence_and_asks_for_review():
    """assemble_document passes the pages' OCR word confidences to the parser (pipeline/document.py)."""
    from pathlib import Path

    from pipeline.document import DocumentPlan, PageResult, assemble_document
    from pipeline.options import Options

    cover = ocr_page("TRANG BÌA\n", {})
    page = ocr_page(head(serial="899"), {"899": 0.62}).model_copy(update={"number": 2})
    plan = DocumentPlan(path=Path("to_trinh.pdf"), kind="pdf", sha256="0" * 64, pages=2)
    results = [PageResult(page=p, corrections=[]) for p in (cover, page)]
    doc = assemble_document(plan, results, Options())
    assert (doc.number, doc.serial, doc.symbol) == ("/TTr-UBND", None, "TTr-UBND")
    assert doc.needs_review and any(w.startswith("number: serial not read") for w in doc.warnings)


def test_a_subject_printed_in_parentheses_under_the_type_name_is_the_title_without_them():
    text = head().replace("Về việc miễn nhiệm chức danh Ủy viên", "(V/v miễn nhiệm chức danh Ủy viên)")
    assert parse_text(text).title == "V/v miễn nhiệm chức danh Ủy viên"
    text = head().replace("Về việc miễn nhiệm chức danh Ủy viên", "Về việc miễn nhiệm (bổ sung) chức danh")
    assert parse_text(text).title == "Về việc miễn nhiệm (bổ sung) chức danh"  # brackets inside stay


def test_a_symbol_with_the_issuing_units_code_in_brackets_and_a_type_code_one_letter_off():
    text = head(serial="416").replace("/TTr-UBND", "/TTr-CAT(PC04)")
    assert parse_text(text).number == "416/TTr-CAT(PC04)"
    text = head(serial="2X3").replace("/TTr-UBND", "/TIr~CAT-PC06")  # 100-dpi scan: "TTr" read "TIr", "-" read "~"
    parsed = parse_text(text)
    assert parsed.number == "/TTr-CAT-PC06" and parsed.doc_type_code == "TTr"
    assert any("repaired to 'TTr'" in w for w in warned(parsed, "number"))
    assert parse_text(head().replace("/TTr-UBND", "/UBND-VP")).number == "01/UBND-VP"  # no code to repair


def test_a_list_issued_as_a_document_under_an_association_and_its_parent():
    text = (
        "UBND TỈNH BÌNH THUẬN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\nHIỆP HỘI DOANH NGHIỆP Độc lập - Tự do - Hạnh phúc\n\n"
        "Bình Thuận, ngày 13 tháng 5 năm 2025\n\nDANH SÁCH NHÂN SỰ DỰ KIẾN BAN THƯỜNG TRỰC\n\n"
        "HIỆP HỘI DOANH NGHIỆP TỈNH BÌNH THUẬN\n\nSTT Họ và tên\n"
    )
    parsed = parse_text(text)
    assert (parsed.doc_type, parsed.doc_type_code) == ("DANH SÁCH", "DS")
    assert parsed.title == "NHÂN SỰ DỰ KIẾN BAN THƯỜNG TRỰC HIỆP HỘI DOANH NGHIỆP TỈNH BÌNH THUẬN"
    assert parsed.issuer is not None
    assert (parsed.issuer.parent, parsed.issuer.name) == ("UBND TỈNH BÌNH THUẬN", "HIỆP HỘI DOANH NGHIỆP")


def boxed_page(text: str, low: dict[str, float], boxes: dict[str, tuple[int, int, int, int]]) -> Page:
    """As ``ocr_page``, the words laid out on their lines: 40 px high, 60 px apart; ``boxes`` overrides a word's."""
    words = []
    for number, line in enumerate(text.split("\n"), start=1):
        for index, piece in enumerate(line.split()):
            box = boxes.get(piece, (100 + 120 * index, 60 * number, 100, 40))
            words.append(Word(text=piece, confidence=low.get(piece, 0.96), line=number, box=box))
    return Page(number=1, text=text, words=words)


def test_a_day_read_below_the_bar_is_kept_when_it_has_the_printed_years_size_and_line():
    # the date is line 8 of HEAD: the year's box is (…, 480, …, 40)
    text = head(day="13")
    printed = parse_text(text, confidences=line_confidences([boxed_page(text, {"13": 0.78}, {})]))
    assert printed.date == "2025-01-13"
    assert any("kept" in w for w in warned(printed, "date")), printed.warnings
    # handwriting: taller than the year and set higher (a real handwritten day: 1.37 times the year, 0.21 higher)
    tall = boxed_page(text, {"13": 0.78}, {"13": (460, 472, 60, 55)})
    assert parse_text(text, confidences=line_confidences([tall])).date == "2025-01"
    # the year's size but read too poorly (below PRINTED_DIGITS_FLOOR), or no boxes at all: dropped as before
    poor = boxed_page(text, {"13": 0.55}, {})
    assert parse_text(text, confidences=line_confidences([poor])).date == "2025-01"
    assert parse_text(text, confidences=line_confidences([ocr_page(text, {"13": 0.78})])).date == "2025-01"


def test_a_serial_read_below_the_bar_is_dropped_whatever_its_size():
    text = head(serial="899").replace("Số: 899 /TTr-UBND\n", "Số: 899 /TTr-UBND Quảng Ngãi, ngày 08 tháng 01 năm 2025\n")
    page = boxed_page(text, {"899": 0.62}, {})
    assert parse_text(text, confidences=line_confidences([page])).serial is None


CONG_VAN = """BỘ CÔNG AN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM

CỤC CẢNH SÁT ĐIỀU TRA

Số: 3980/C04-P6

V/v chuẩn bị tổ chức triển khai

Chương trình MTQG phòng, chống ma tuý

đến năm 2030

Độc lập - Tự do - Hạnh phúc

Hà Nội, ngày 28 tháng 8 năm 2025

{after}
Kính gửi: Đồng chí Chủ tịch UBND tỉnh Lâm Đồng

Trong thời gian qua, công tác phòng, chống ma tuý đạt được nhiều kết quả.
"""


def test_marks_after_the_right_columns_lines_do_not_go_on_a_cong_vans_subject():
    subject = "V/v chuẩn bị tổ chức triển khai Chương trình MTQG phòng, chống ma tuý đến năm 2030"
    for after in ('" cu\n4c ly', "ÁN\n", "~ mm ly2"):
        assert parse_text(CONG_VAN.format(after=after)).title == subject, after
    # the subject's own last line, set by OCR after the date line, still goes on it
    late = CONG_VAN.replace("\nđến năm 2030\n", "\n").format(after="đến năm 2030")
    assert parse_text(late).title == subject


def test_a_capital_subjects_term_line_goes_on_it_across_blank_lines():
    text = """UBND TỈNH BÌNH THUẬN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
HIỆP HỘI DOANH NGHIỆP Độc lập - Tự do - Hạnh phúc

Bình Thuận, ngày 13 tháng 5 năm 2025

DANH SÁCH NHÂN SỰ DỰ KIẾN BAN THƯỜNG TRỰC

HIỆP HỘI DOANH NGHIỆP TỈNH BÌNH THUẬN

{term}

STT Họ và tên Chức danh Đơn vị
"""
    title = "NHÂN SỰ DỰ KIẾN BAN THƯỜNG TRỰC HIỆP HỘI DOANH NGHIỆP TỈNH BÌNH THUẬN"
    for term in ("KHÓA V, NHIỆM KỲ (2025-2030)", "NHIỆM KỲ 2025 - 2030", "GIAI ĐOẠN 2021 - 2025"):
        assert parse_text(text.format(term=term)).title == f"{title} {term}", term


def test_a_national_title_broken_over_two_lines_is_no_issuer_and_a_long_unread_serial_keeps_the_symbol():
    text = """BỘ CÔNG AN

CỘNG HÒA XÃ HỘI CHỦ NG NGHĨA
VIỆT TN NAM

CÔNG AN TỈNH LÂM ĐỒNG

Số: Á. Á đÍẾ /TTr-CAT(PC04) É

Độc lập - Tự do - Hạnh phúc

Lâm Đồng, ngày 28 tháng 11 năm 2025

TỜ TRÌNH
Về việc đề nghị ban hành văn bản báo cáo

Kính gửi: Văn phòng Ủy ban nhân dân tỉnh Lâm Đồng
"""
    parsed = parse_text(text)
    assert parsed.issuer is not None
    assert (parsed.issuer.name, parsed.issuer.parent) == ("CÔNG AN TỈNH LÂM ĐỒNG", "BỘ CÔNG AN")
    assert (parsed.number, parsed.serial) == ("/TTr-CAT(PC04)", None)
    assert any("serial not read" in w for w in warned(parsed, "number"))
    # a body whose own name ends 'VIỆT NAM' on its second line keeps it: the national title was whole
    front = parse_text(
        text.replace("CỘNG HÒA XÃ HỘI CHỦ NG NGHĨA\nVIỆT TN NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").replace(
            "BỘ CÔNG AN\n", "ỦY BAN TRUNG ƯƠNG\nMẶT TRẬN TỔ QUỐC\nVIỆT NAM\n"
        )
    )
    assert front.issuer is not None and "VIỆT NAM" in (front.issuer.parent or "") + front.issuer.name


def test_a_signature_mark_ocr_set_among_the_recipients_takes_none_of_them():
    # R34 (UBND Bạc Liêu QĐ 210): "KT.CHỦ TỊCH" read between "Nơi nhận:" and its items, the position line lost
    parsed = parse_text(
        head()
        + "\nCăn cứ Luật Tổ chức chính quyền địa phương;\n\nĐiều 1. Quyết định này có hiệu lực.\n\n"
        + "Nơi nhận: “%\n\nKT.CHỦ TỊCH\n- Như Điều 3;\n\n- CT, các PCT UBND tỉnh;\n\n- Lưu: VT; KSTTHC (MN,07).\n\n"
        + "Huỳnh Hữu Trí\n"
    )
    assert parsed.signature is not None
    assert (parsed.signature.acting, parsed.signature.position, parsed.signature.signer) == (
        "KT.CHỦ TỊCH",
        None,
        "Huỳnh Hữu Trí",
    )
    assert parsed.recipients == ["Như Điều 3", "CT, các PCT UBND tỉnh"]
    assert parsed.storage == ["VT", "KSTTHC (MN,07)"]


def test_a_day_glued_to_ngay_is_judged_by_the_glued_words_confidence():
    # R40 (Hội LHPN Lâm Đồng CV 113): a handwritten 11 read 'ngày-14' at 0.76
    text = head().replace("ngày 06 tháng", "ngày-14 tháng")
    page = ocr_page(text, {"ngày-14": 0.76})
    parsed = parse_text(text, confidences=line_confidences([page]))
    assert parsed.date == "2025-01", parsed.date
    assert any("day not read with confidence" in w for w in warned(parsed, "date"))
    sure = parse_text(text, confidences=line_confidences([ocr_page(text, {})]))
    assert sure.date == "2025-01-14"


def test_a_position_garbled_under_kt_is_the_deputys_title_with_a_warning():
    # R33 (UBND Cần Thơ QĐ 383): 'KT. CHỦ TỊCH' / 'CHỦ HA' under the seal
    parsed = signed("KT. CHỦ TỊCH\nCHỦ HA\n\nNguyễn Ngọc Hè")
    assert parsed.signature is not None and parsed.signature.position == "PHÓ CHỦ TỊCH"
    assert any("deputy's title" in w for w in warned(parsed, "position"))
    marked = signed("KT. CHỦ TỊCH ^^.\nPHÓ CHỦ TỊCH\n\nNguyễn Ngọc Hè")  # a stroke read beside the mark
    assert marked.signature is not None and marked.signature.acting == "KT. CHỦ TỊCH"
    minister = signed("KT. BỘ TRƯỞNG\nTHỨ TRƯNG\n\nNguyễn Văn Long")
    assert minister.signature is not None and minister.signature.position == "THỨ TRƯỞNG"
    # nothing shared with the deputy's title (the seal's ring), or no KT.: left as it was
    for block in ("KT. CHỦ TỊCH\nỦY BAN NHÂN\n\nNguyễn Ngọc Hè", "TL. CHỦ TỊCH\nCHỦ HA\n\nNguyễn Ngọc Hè"):
        parsed = signed(block)
        assert parsed.signature is not None and parsed.signature.position != "PHÓ CHỦ TỊCH", block


def test_a_signature_strokes_remains_beside_the_name_are_not_the_name():
    for read in ("Nguyễn Văn An ~", "// Nguyễn Văn An", "2 Nguyễn Văn An", "Nguyễn Văn An —_", "A Nguyễn Văn An"):
        parsed = signed(f"KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n{read}")
        assert parsed.signature is not None and parsed.signature.signer == "Nguyễn Văn An", read
    stroke = signed("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nNguyễn Văn An Ji")  # not a syllable: a stroke read as letters
    assert stroke.signature is not None and stroke.signature.signer == "Nguyễn Văn An"
    # short words that are names stay: a family name first, a one-letter given name inside
    for name in ("Lê Văn Tư", "Ksor Y Moan", "Hà Văn Lê", "Ngô Văn A"):
        parsed = signed(f"KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n{name}")
        assert parsed.signature is not None and parsed.signature.signer == name, name
