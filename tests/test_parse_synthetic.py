"""Synthetic variants of the header and tail forms, of other issuers and types than the seeds
(tests/fixtures/parse/*.txt, written for these tests). The expected fields below were written by reading
each fixture, in the format of tests/golden/*.json (see pipeline/parse_eval.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.parse import parse_text
from pipeline.testing.parse_eval import compare, failures

FIXTURES = Path(__file__).parent / "fixtures" / "parse"
TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def sig(authority, acting, position, signer):
    return {"authority": authority, "acting": acting, "position": position, "signer": signer}


CASES: dict[str, dict] = {
    # Sở under a city People's Committee (parent / name), left block then right block; đ) in the letter order
    "so_gddt_huong_dan": {
        "issuer": {"name": "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "parent": "UBND THÀNH PHỐ ĐÀ NẴNG"},
        "national_title": TITLE, "motto": MOTTO,
        "number": "1234/HD-SGDĐT", "serial": "1234", "symbol": "HD-SGDĐT",
        "doc_type": "HƯỚNG DẪN", "doc_type_code": "HD", "place": "Đà Nẵng", "date": "2025-09-05",
        "title": "Thực hiện nhiệm vụ giáo dục trung học năm học 2025 - 2026",
        "bases": ["Căn cứ Thông tư số 32/2020/TT-BGDĐT", "Căn cứ Quyết định số 2045/QĐ-UBND"],
        "references": [
            {"kind": "Thông tư", "number": "32/2020/TT-BGDĐT", "date": "2020-09-15", "issuer": "Bộ Giáo dục và Đào tạo"},
            {"kind": "Quyết định", "number": "2045/QĐ-UBND", "date": "2025-08-12",
             "issuer": "Ủy ban nhân dân thành phố Đà Nẵng"},
            {"kind": "Kế hoạch", "number": "88/KH-SGDĐT", "date": "2025-07-20", "issuer": None}],
        "sections": [
            {"label": "I", "heading": "NHIỆM VỤ CHUNG", "children": [
                {"label": "1", "heading": "Thực hiện chương trình giáo dục phổ thông",
                 "children": ["a", "b", "c", "d", "đ", "e"]},
                {"label": "2", "heading": "Phát triển đội ngũ", "children": []}]},
            {"label": "II", "heading": "NHIỆM VỤ CỤ THỂ", "children": [
                {"label": "1", "heading": "Cấp trung học cơ sở", "children": []},
                {"label": "2", "heading": "Cấp trung học phổ thông", "children": []}]},
            {"label": "III", "heading": "TỔ CHỨC THỰC HIỆN", "children": []}],
        "paragraph_counts": {"0/1": 2, "2": 1, "1/0": 1},
        "recipients": ["Bộ GDĐT (để b/c)", "UBND thành phố (để b/c)", "Các trường THCS, THPT"],
        "storage": ["VT", "GDTrH"],
        "signature": sig(None, "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Thị Minh Hà"),
    },
    # Party decision: "Số 383-QĐ/TW", Party title instead of national title, dash bases, Điều N., T/M
    "dang_quyet_dinh": {
        "issuer": {"name": "BAN CHẤP HÀNH TRUNG ƯƠNG", "parent": None},
        "national_title": "ĐẢNG CỘNG SẢN VIỆT NAM", "motto": None,
        "number": "383-QĐ/TW", "serial": "383", "symbol": "QĐ/TW",
        "doc_type": "QUYẾT ĐỊNH", "doc_type_code": "QĐ", "place": "Hà Nội", "date": "2025-10-17",
        "title": "về việc thành lập Ban Chỉ đạo tổng kết công tác xây dựng Đảng",
        "bases": ["Căn cứ Điều lệ Đảng;", "Căn cứ Quy chế làm việc của Ban Chấp hành Trung ương",
                  "Xét đề nghị của Ban Tổ chức Trung ương,"],
        "references": [],
        "sections": [
            {"label": "Điều 1", "heading": None, "children": []},
            {"label": "Điều 2", "heading": "Nhiệm vụ của Ban Chỉ đạo", "children": ["1", "2"]},
            {"label": "Điều 3", "heading": None, "children": []}],
        "paragraph_counts": {"0": 1, "2": 1},
        "recipients": ["Như Điều 3", "Các đồng chí Ủy viên Bộ Chính trị"],
        "storage": ["Văn phòng Trung ương Đảng"],
        "signature": sig("T/M BỘ CHÍNH TRỊ", None, "THƯỜNG TRỰC BAN BÍ THƯ", "Lê Minh Khoa"),
    },
    # công văn: no type name, V/v subject over two lines, columns merged on one line, glued "26tháng"
    "cong_van_merged_header": {
        "issuer": {"name": "ỦY BAN NHÂN DÂN HUYỆN ĐẠI LỘC", "parent": None},
        "national_title": TITLE, "motto": MOTTO,
        "number": "456/UBND-VP", "serial": "456", "symbol": "UBND-VP",
        "doc_type": None, "doc_type_code": "CV", "place": "Đại Lộc", "date": "2025-05-26",
        "title": "V/v triển khai thực hiện Chỉ thị số 05-CT/TU ngày 10/5/2025 của Ban Thường vụ Tỉnh ủy",
        "bases": ["Thực hiện Chỉ thị số 05-CT/TU ngày 10/5/2025"],
        "addressees": ["Các phòng, ban, ngành thuộc huyện", "Ủy ban nhân dân các xã, thị trấn"],
        "references": [{"kind": "Chỉ thị", "number": "05-CT/TU", "date": "2025-05-10", "issuer": "Ban Thường vụ Tỉnh ủy"}],
        "sections": [{"label": "1", "heading": None, "children": []}, {"label": "2", "heading": None, "children": []}],
        "recipients": ["Như trên", "TT Huyện ủy", "CT, các PCT UBND huyện"],
        "storage": ["VT"],
        "signature": sig(None, "TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG", "Võ Thanh Tùng"),
    },
    # Party report: stacked Party issuer, A./B. parts, duplicate "III.", missing "4.", a table, a page break
    "bao_cao_pages": {
        "issuer": {"name": "ĐẢNG ỦY XÃ HÒA PHÚ", "parent": "ĐẢNG BỘ HUYỆN HÒA VANG"},
        "national_title": "ĐẢNG CỘNG SẢN VIỆT NAM", "motto": None,
        "number": "45-BC/ĐU", "serial": "45", "symbol": "BC/ĐU",
        "doc_type": "BÁO CÁO", "doc_type_code": "BC", "place": "Hòa Phú", "date": "2025-12-15",
        "title": "kết quả lãnh đạo thực hiện nhiệm vụ năm 2025, phương hướng nhiệm vụ năm 2026",
        "bases": ["Thực hiện Hướng dẫn số 12-HD/HU ngày 01/11/2025 của Huyện ủy Hòa Vang"],
        "references": [{"kind": "Hướng dẫn", "number": "12-HD/HU", "date": "2025-11-01", "issuer": "Huyện ủy Hòa Vang"}],
        "sections": [
            {"label": "A", "heading": "KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2025", "children": [
                {"label": "I", "heading": "CÔNG TÁC XÂY DỰNG ĐẢNG", "children": ["1", "2", "3", "5"]},
                {"label": "II", "heading": "LÃNH ĐẠO PHÁT TRIỂN KINH TẾ - XÃ HỘI", "children": []},
                {"label": "III", "heading": "HẠN CHẾ, NGUYÊN NHÂN", "children": []},
                {"label": "III", "heading": "BÀI HỌC KINH NGHIỆM", "children": []}]},
            {"label": "B", "heading": "PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2026", "children": ["1", "2"]}],
        "paragraph_counts": {"0/0/1": 4, "0/0/3": 1, "0/1": 1},
        "recipients": ["Huyện ủy Hòa Vang (để b/c)", "Các chi bộ trực thuộc"],
        "storage": ["Văn phòng Đảng ủy"],
        "signature": sig("T/M ĐẢNG ỦY", None, "BÍ THƯ", "Nguyễn Hữu Phước"),
    },
    # notice: right column printed first, "Noi nhan"/"Luu" without diacritics, office under a province
    "thong_bao_right_first": {
        "issuer": {"name": "VĂN PHÒNG", "parent": "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM"},
        "national_title": TITLE, "motto": MOTTO,
        "number": "89/TB-VP", "serial": "89", "symbol": "TB-VP",
        "doc_type": "THÔNG BÁO", "doc_type_code": "TB", "place": "Quảng Nam", "date": "2025-04-03",
        "title": "Kết luận của Chủ tịch UBND tỉnh tại buổi làm việc với Sở Nông nghiệp và Môi trường",
        "bases": [],
        "references": [{"kind": "Kế hoạch", "number": "1527/KH-UBND", "date": "2025-02-15", "issuer": "UBND tỉnh"}],
        "sections": [
            {"label": "1", "heading": None, "children": []},
            {"label": "2", "heading": "Giao Sở Nông nghiệp và Môi trường", "children": ["a", "b"]}],
        "recipients": ["CT, các PCT UBND tỉnh", "Sở Nông nghiệp và Môi trường", "Sở Tài chính"],
        "storage": ["VT", "KTN"],
        "signature": sig(None, "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "Đặng Thị Thu"),
    },
    # Fatherland Front plan: three issuer lines, blank serial and blank day, "+" items
    "mat_tran_ke_hoach": {
        "issuer": {"name": "BAN THƯỜNG TRỰC", "parent": "ỦY BAN MTTQ VIỆT NAM XÃ HÒA TIẾN"},
        "national_title": TITLE, "motto": MOTTO,
        "number": "/KH-MTTQ-BTT", "serial": None, "symbol": "KH-MTTQ-BTT",
        "doc_type": "KẾ HOẠCH", "doc_type_code": "KH", "place": "Hòa Tiến", "date": "2025-04",
        "title": "Tổ chức Ngày hội Đại đoàn kết toàn dân tộc năm 2025",
        "bases": ["Thực hiện Kế hoạch số 20/KH-MTTQ-BTT ngày 25/3/2025"],
        "references": [{"kind": "Kế hoạch", "number": "20/KH-MTTQ-BTT", "date": "2025-03-25",
                        "issuer": "Ban Thường trực Ủy ban MTTQ Việt Nam huyện Hòa Vang"}],
        "sections": [
            {"label": "I", "heading": "MỤC ĐÍCH, YÊU CẦU", "children": []},
            {"label": "II", "heading": "NỘI DUNG", "children": [
                {"label": "1", "heading": "Phần lễ", "children": []},
                {"label": "2", "heading": "Phần hội", "children": []}]},
            {"label": "III", "heading": "KINH PHÍ", "children": []}],
        "paragraph_counts": {"0": 2, "1/0": 2, "2": 1},
        "closing_start": "Trên đây là Kế hoạch tổ chức Ngày hội", "closing_end": "xã Hòa Tiến./.",
        "recipients": ["BTT UBMTTQ VN huyện", "Đảng ủy, UBND xã", "Ban công tác Mặt trận các thôn"],
        "storage": ["VP"],
        "signature": sig("TM. BAN THƯỜNG TRỰC", None, "CHỦ TỊCH", "Phạm Thị Lan"),
    },
    # decision with articles; recipients and signature columns interleaved line by line
    "quyet_dinh_interleaved_tail": {
        "issuer": {"name": "ỦY BAN NHÂN DÂN HUYỆN NÚI THÀNH", "parent": None},
        "national_title": TITLE, "motto": MOTTO,
        "number": "1520/QĐ-UBND", "serial": "1520", "symbol": "QĐ-UBND",
        "doc_type": "QUYẾT ĐỊNH", "doc_type_code": "QĐ", "place": "Núi Thành", "date": "2025-06-20",
        "title": "Về việc ban hành Quy chế làm việc của Ủy ban nhân dân huyện nhiệm kỳ 2021 - 2026",
        "bases": ["Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
                  "Căn cứ Nghị định số 30/2020/NĐ-CP", "Theo đề nghị của Chánh Văn phòng HĐND và UBND huyện."],
        "references": [
            {"kind": "Nghị định", "number": "30/2020/NĐ-CP", "date": "2020-03-05", "issuer": "Chính phủ"},
            {"kind": "Quyết định", "number": "890/QĐ-UBND", "date": "2022-04-02", "issuer": "Ủy ban nhân dân huyện"}],
        "sections": [{"label": "Điều 1", "heading": None, "children": []},
                     {"label": "Điều 2", "heading": None, "children": []},
                     {"label": "Điều 3", "heading": None, "children": []}],
        "recipients": ["Như Điều 3", "TT Huyện ủy"],
        "storage": ["VT", "NC"],
        "signature": sig("TM. ỦY BAN NHÂN DÂN", None, "CHỦ TỊCH", "Huỳnh Văn Sơn"),
    },
    # every keyword without diacritics (text as OCR without restoration would give it)
    "ke_hoach_no_diacritics": {
        "issuer": {"name": "UY BAN NHAN DAN XA AN PHU", "parent": None},
        "national_title": "CONG HOA XA HOI CHU NGHIA VIET NAM", "motto": "Doc lap - Tu do - Hanh phuc",
        "number": "15/KH-UBND", "serial": "15", "symbol": "KH-UBND",
        "doc_type": "KE HOACH", "doc_type_code": "KH", "place": "An Phu", "date": "2025-04-03",
        "title": "Phong chong dich benh tren dia ban xa nam 2025",
        "bases": ["Can cu Ke hoach so 77/KH-UBND ngay 10/3/2025 cua UBND huyen Tinh Bien;"],
        "references": [{"kind": "Kế hoạch", "number": "77/KH-UBND", "date": "2025-03-10", "issuer": "UBND huyen Tinh Bien"}],
        "sections": [
            {"label": "I", "heading": "MUC DICH, YEU CAU", "children": [
                {"label": "1", "heading": "Muc dich", "children": []},
                {"label": "2", "heading": "Yeu cau", "children": []}]},
            {"label": "II", "heading": "TO CHUC THUC HIEN", "children": [
                {"label": "1", "heading": "Tram Y te xa", "children": []}]}],
        "recipients": ["UBND huyen"],
        "storage": ["VT"],
        "signature": sig("TM. UY BAN NHAN DAN", None, "CHU TICH", "Nguyen Van Tam"),
    },
    # --- second batch: expected fields written before the parser was first run on them ---
    # proposal to the council: "Kính gửi" after the title, rule lines, signer printed in capitals
    "to_trinh_hdnd": {
        "issuer": {"name": "ỦY BAN NHÂN DÂN HUYỆN THĂNG BÌNH", "parent": None},
        "national_title": TITLE, "motto": MOTTO,
        "number": "215/TTr-UBND", "serial": "215", "symbol": "TTr-UBND",
        "doc_type": "TỜ TRÌNH", "doc_type_code": "TTr", "place": "Thăng Bình", "date": "2025-12-02",
        "title": "Về việc đề nghị thông qua dự toán ngân sách huyện năm 2026",
        "bases": ["Căn cứ Luật Ngân sách nhà nước số 83/2015/QH13", "Căn cứ Quyết định số 3120/QĐ-UBND"],
        "addressees": ["Hội đồng nhân dân huyện Thăng Bình"],
        "references": [
            {"kind": "Luật", "number": "83/2015/QH13", "date": "2015-06-25", "issuer": None},
            {"kind": "Quyết định", "number": "3120/QĐ-UBND", "date": "2025-11-28", "issuer": "UBND tỉnh Quảng Nam"}],
        "sections": [{"label": "1", "heading": None, "children": []}, {"label": "2", "heading": None, "children": []}],
        "recipients": ["Như trên", "TT Huyện ủy"],
        "storage": ["VT", "TCKH"],
        "signature": sig("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "NGUYỄN VĂN BÌNH"),
    },
    # directive as a converter's markdown: header in a table with <br>, bold headings, italic note
    "chi_thi_markdown": {
        "issuer": {"name": "ỦY BAN NHÂN DÂN TỈNH BẮC NINH", "parent": None},
        "national_title": TITLE, "motto": MOTTO,
        "number": "07/CT-UBND", "serial": "07", "symbol": "CT-UBND",
        "doc_type": "CHỈ THỊ", "doc_type_code": "CT", "place": "Bắc Ninh", "date": "2025-02-14",
        "title": "Về tăng cường công tác phòng cháy, chữa cháy trên địa bàn tỉnh",
        "bases": [],
        "references": [{"kind": "Chỉ thị", "number": "19/CT-TTg", "date": "2024-06-24", "issuer": "Thủ tướng Chính phủ"}],
        "sections": [
            {"label": "1", "heading": "Các sở, ban, ngành, Ủy ban nhân dân các huyện, thị xã, thành phố",
             "children": ["a", "b"]},
            {"label": "2", "heading": "Công an tỉnh", "children": []}],
        "recipients": ["Bộ Công an (b/c)", "TTTU, TTHĐND tỉnh (b/c)"],
        "storage": ["VT", "NC"],
        "signature": sig(None, None, "CHỦ TỊCH", "Vương Quốc Tuấn"),
    },
    # OCR page-segmentation output: columns merged with wide gaps, no blank lines, a page number,
    # tail columns merged with single spaces
    "ke_hoach_ocr_psm3": {
        "issuer": {"name": "ỦY BAN NHÂN DÂN PHƯỜNG HẢI CHÂU", "parent": None},
        "national_title": TITLE, "motto": MOTTO,
        "number": "58/KH-UBND", "serial": "58", "symbol": "KH-UBND",
        "doc_type": "KẾ HOẠCH", "doc_type_code": "KH", "place": "Hải Châu", "date": "2026-01-08",
        "title": "Tổ chức các hoạt động mừng Đảng, mừng Xuân Bính Ngọ năm 2026",
        "bases": [],
        "references": [],
        "sections": [
            {"label": "I", "heading": "MỤC ĐÍCH, YÊU CẦU", "children": ["1", "2"]},
            {"label": "II", "heading": "NỘI DUNG HOẠT ĐỘNG", "children": [
                {"label": "1", "heading": "Trang trí khánh tiết", "children": []},
                {"label": "2", "heading": "Thăm, tặng quà các gia đình chính sách", "children": []}]},
            {"label": "III", "heading": "TỔ CHỨC THỰC HIỆN", "children": []}],
        "paragraph_counts": {"2": 1, "1/1": 1, "0/0": 1},
        "closing_start": "Trên đây là Kế hoạch tổ chức các hoạt động mừng Đảng",
        "closing_end": "UBND phường Hải Châu./.",
        "recipients": ["Thường trực Đảng ủy"],
        "storage": ["VT", "VHXH"],
        "signature": sig("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Văn Long"),
    },
    # regulation attached to a decision: no number or date of its own, Chương / Điều / clauses / points
    "quy_dinh_chuong": {
        "issuer": {"name": "ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP", "parent": None},
        "national_title": TITLE, "motto": MOTTO,
        "number": None, "serial": None, "symbol": None,
        "doc_type": "QUY ĐỊNH", "doc_type_code": "QyĐ", "place": None, "date": None,
        "title": "Về quản lý hoạt động quảng cáo ngoài trời trên địa bàn tỉnh Đồng Tháp",
        "bases": [],
        "references": [{"kind": "Quyết định", "number": "25/2025/QĐ-UBND", "date": "2025-07-10",
                        "issuer": "Ủy ban nhân dân tỉnh"}],
        "sections": [
            {"label": "Chương I", "heading": "QUY ĐỊNH CHUNG", "children": [
                {"label": "Điều 1", "heading": "Phạm vi điều chỉnh", "children": []},
                {"label": "Điều 2", "heading": "Đối tượng áp dụng", "children": []}]},
            {"label": "Chương II", "heading": "QUY ĐỊNH CỤ THỂ", "children": [
                {"label": "Điều 3", "heading": "Yêu cầu đối với bảng quảng cáo", "children": [
                    {"label": "1", "heading": None, "children": []},
                    {"label": "2", "heading": "Không được đặt bảng quảng cáo tại các vị trí sau",
                     "children": ["a", "b"]}]},
                {"label": "Điều 4", "heading": "Trách nhiệm thi hành", "children": []}]}],
        "paragraph_counts": {"0/0": 1, "0/1": 1},
        "recipients": [],
        "storage": [],
        "signature": sig("TM. ỦY BAN NHÂN DÂN", None, "CHỦ TỊCH", "Phạm Thiện Nghĩa"),
    },
    # council resolution: number with year, the council's own capital line, "QUYẾT NGHỊ:", no TM.
    "nghi_quyet_hdnd": {
        "issuer": {"name": "HỘI ĐỒNG NHÂN DÂN TỈNH HÀ TĨNH", "parent": None},
        "national_title": TITLE, "motto": MOTTO,
        "number": "45/2025/NQ-HĐND", "serial": "45", "symbol": "2025/NQ-HĐND",
        "doc_type": "NGHỊ QUYẾT", "doc_type_code": "NQ", "place": "Hà Tĩnh", "date": "2025-12-10",
        "title": "Quy định mức chi hỗ trợ công tác phổ cập giáo dục trên địa bàn tỉnh Hà Tĩnh",
        "bases": ["Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
                  "Căn cứ Thông tư số 17/2022/TT-BTC", "Xét Tờ trình số 312/TTr-UBND"],
        "references": [
            {"kind": "Thông tư", "number": "17/2022/TT-BTC", "date": "2022-03-08", "issuer": "Bộ Tài chính"},
            {"kind": "Tờ trình", "number": "312/TTr-UBND", "date": "2025-11-20", "issuer": "Ủy ban nhân dân tỉnh"}],
        "sections": [
            {"label": "Điều 1", "heading": "Phạm vi điều chỉnh và đối tượng áp dụng", "children": ["1", "2"]},
            {"label": "Điều 2", "heading": "Mức chi", "children": []},
            {"label": "Điều 3", "heading": "Tổ chức thực hiện", "children": ["1", "2"]}],
        "recipients": ["UBTV Quốc hội", "Chính phủ", "Bộ Tài chính", "TT Tỉnh ủy, HĐND, UBND tỉnh"],
        "storage": ["VT"],
        "signature": sig(None, None, "CHỦ TỊCH", "Hoàng Trung Dũng"),
    },
    # Youth Union plan: its own title line instead of the national title, Party-style number
    "doan_ke_hoach": {
        "issuer": {"name": "BAN THƯỜNG VỤ", "parent": "BCH ĐOÀN TỈNH QUẢNG NGÃI"},
        "national_title": "ĐOÀN TNCS HỒ CHÍ MINH", "motto": None,
        "number": "150-KH/TĐTN-TNNT", "serial": "150", "symbol": "KH/TĐTN-TNNT",
        "doc_type": "KẾ HOẠCH", "doc_type_code": "KH", "place": "Quảng Ngãi", "date": "2025-03-10",
        "title": "Tổ chức Tháng Thanh niên năm 2025",
        "bases": ["Căn cứ Chương trình công tác Đoàn"],
        "references": [{"kind": "Kế hoạch", "number": "12-KH/TWĐTN-PTTN", "date": "2025-01-15",
                        "issuer": "Ban Bí thư Trung ương Đoàn"}],
        "sections": [
            {"label": "I", "heading": "MỤC ĐÍCH, YÊU CẦU", "children": ["1", "2"]},
            {"label": "II", "heading": "NỘI DUNG", "children": [
                {"label": "1", "heading": "Hoạt động tình nguyện vì cộng đồng", "children": []},
                {"label": "2", "heading": "Hoạt động chuyển đổi số", "children": []}]},
            {"label": "III", "heading": "TỔ CHỨC THỰC HIỆN", "children": []}],
        "recipients": ["TW Đoàn (b/c)", "TT Tỉnh ủy (b/c)", "Các huyện, thành đoàn"],
        "storage": ["VP"],
        "signature": sig("TM. BAN THƯỜNG VỤ TỈNH ĐOÀN", None, "PHÓ BÍ THƯ", "Lê Thị Hồng Nhung"),
    },
    # real OCR output (vie) of a photocopy-degraded render of seed 004, first two pages: scan specks
    # around the header parts, "—_" in a blank serial, "HH." for "II.", "C)" for "c)"; values as OCR read them
    "ocr_photocopy_004": {
        "issuer": {"name": "ỦY BAN NHÂN DÂN XÃ PHÚ TRUNG", "parent": None},
        "national_title": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT'NAM", "motto": "Độc lập - Tự đo - Hạnh phúc",
        # the type code read "RH" is one letter off the type name's "KH" (seed 004 prints "Số: /KH-UBND"):
        # repaired, with a warning
        "number": "/KH-UBND", "serial": None, "symbol": "KH-UBND",
        "doc_type": "KẾ HOẠCH", "doc_type_code": "KH", "place": "Phú Trung", "date": "2025",
        "bases": ["Căn cứ Nghị quyết SỐ 57- NQ/TW", "Căn cứ Quyết định số 1169/QĐ- TTg", "Căn cứ Kế hoạch số 45/KH- UBND"],
        "sections": [
            {"label": "I", "heading": "MỤC ĐÍCH, YÊU CẦU", "children": [
                {"label": "1", "heading": "Mục đích . ¡ o", "children": ["a"]},
                {"label": "2", "heading": "Mục tiếu cụ thể", "children": ["a", "c"]},
                {"label": "3", "heading": "Yêu. cầu", "children": ["b", "C"]}]},
            {"label": "HH", "heading": "NHIỆM VỤ VÀ GIẢI PHÁP", "children": []}],
    },
    # --- third batch, also written before the parser was run on them ---
    # Party plan: "I-" / "1-" labels, a rule line under the title, K/T
    "huyen_uy_ke_hoach_dash_labels": {
        "issuer": {"name": "BAN TUYÊN GIÁO", "parent": "HUYỆN ỦY PHÚ VANG"},
        "national_title": "ĐẢNG CỘNG SẢN VIỆT NAM", "motto": None,
        "number": "25-KH/BTGHU", "serial": "25", "symbol": "KH/BTGHU",
        "doc_type": "KẾ HOẠCH", "doc_type_code": "KH", "place": "Phú Vang", "date": "2025-04-12",
        "title": "tuyên truyền kỷ niệm 50 năm Ngày giải phóng miền Nam, thống nhất đất nước (30/4/1975 - 30/4/2025)",
        "bases": ["Thực hiện Hướng dẫn số 150-HD/BTGTW ngày 20/02/2025"],
        "references": [{"kind": "Hướng dẫn", "number": "150-HD/BTGTW", "date": "2025-02-20",
                        "issuer": "Ban Tuyên giáo Trung ương"}],
        "sections": [
            {"label": "I", "heading": "MỤC ĐÍCH, YÊU CẦU", "children": ["1", "2"]},
            {"label": "II", "heading": "NỘI DUNG TUYÊN TRUYỀN", "children": [
                {"label": "1", "heading": "Ý nghĩa lịch sử", "children": []},
                {"label": "2", "heading": "Thành tựu của quê hương", "children": []}]},
            {"label": "III", "heading": "TỔ CHỨC THỰC HIỆN", "children": []}],
        "recipients": ["Ban Tuyên giáo Tỉnh ủy (b/c)", "Thường trực Huyện ủy (b/c)", "Các chi, đảng bộ cơ sở"],
        "storage": ["BTG"],
        "signature": sig(None, "K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Hồ Thị Mai"),
    },
    # provincial Party committee notice: generic body name over the province line
    "tinh_uy_thong_bao": {
        "issuer": {"name": "BAN CHẤP HÀNH ĐẢNG BỘ TỈNH QUẢNG NAM", "parent": None},
        "national_title": "ĐẢNG CỘNG SẢN VIỆT NAM", "motto": None,
        "number": "1234-TB/TU", "serial": "1234", "symbol": "TB/TU",
        "doc_type": "THÔNG BÁO", "doc_type_code": "TB", "place": "Quảng Nam", "date": "2025-06-18",
        "title": "ý kiến của Ban Thường vụ Tỉnh ủy về công tác chuẩn bị đại hội đảng bộ các cấp",
        "bases": [],
        "references": [],
        "sections": [{"label": "1", "heading": None, "children": []}, {"label": "2", "heading": None, "children": []}],
        "recipients": ["Các đảng bộ trực thuộc Tỉnh ủy", "Các đồng chí Tỉnh ủy viên"],
        "storage": ["Văn phòng Tỉnh ủy"],
        "signature": sig("T/M BAN THƯỜNG VỤ", None, "PHÓ BÍ THƯ THƯỜNG TRỰC", "Nguyễn Đức Thắng"),
    },
    # vie OCR slips: "KÉ HOẠCH", "1O", "2O25", "Nơi nhân", blank lines between every header line
    "ke_hoach_vie_tone_errors": {
        "issuer": {"name": "ỦY BAN NHÂN DÂN XÃ ĐIỆN HỒNG", "parent": None},
        "national_title": TITLE, "motto": MOTTO,
        "number": "25/KH-UBND", "serial": "25", "symbol": "KH-UBND",
        # the type name's garbled mark spelt right (header.spelt_type): the form prints "KẾ HOẠCH"
        "doc_type": "KẾ HOẠCH", "doc_type_code": "KH", "place": "Điện Hồng", "date": "2025-03-10",
        "title": "Triển khai công tác phòng, chống dịch bệnh trên cây trồng năm 2025",
        "bases": ["Căn cứ Kế hoạch số 40/KH-UBND ngày 25/02/2025 của UBND thị xã Điện Bàn về phòng, chống dịch "
                  "bệnh trên cây trồng năm 2025;"],
        "references": [{"kind": "Kế hoạch", "number": "40/KH-UBND", "date": "2025-02-25", "issuer": "UBND thị xã Điện Bàn"}],
        "sections": [{"label": "I", "heading": "MỤC ĐÍCH, YÊU CÀU", "children": ["1", "2"]},
                     {"label": "II", "heading": "TÔ CHỨC THỰC HIỆN", "children": []}],
        "recipients": ["UBND thị xã", "Các thôn"],
        "storage": ["VT"],
        "signature": sig("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Phan Văn Hiếu"),
    },
    # school under a district education office; arabic top level, "*" items, the head teacher signs
    "truong_thcs_ke_hoach": {
        "issuer": {"name": "TRƯỜNG THCS THANH XƯƠNG", "parent": "PHÒNG GD&ĐT HUYỆN ĐIỆN BIÊN"},
        "national_title": TITLE, "motto": MOTTO,
        "number": "45/KH-THCS", "serial": "45", "symbol": "KH-THCS",
        "doc_type": "KẾ HOẠCH", "doc_type_code": "KH", "place": "Thanh Xương", "date": "2025-08-20",
        "title": "Tổ chức khai giảng năm học 2025 - 2026",
        "bases": ["Căn cứ Công văn số 890/PGDĐT-GDTrH ngày 10/8/2025"],
        "references": [{"kind": "Công văn", "number": "890/PGDĐT-GDTrH", "date": "2025-08-10",
                        "issuer": "Phòng Giáo dục và Đào tạo huyện Điện Biên"}],
        "sections": [
            {"label": "1", "heading": "Mục đích, yêu cầu", "children": ["1.1", "1.2"]},
            {"label": "2", "heading": "Thời gian, địa điểm", "children": []},
            {"label": "3", "heading": "Phân công nhiệm vụ", "children": []}],
        "paragraph_counts": {"1": 2, "2": 2},
        "recipients": ["Phòng GD&ĐT (b/c)", "Đảng ủy, UBND xã (b/c)"],
        "storage": ["VT"],
        "signature": sig(None, None, "HIỆU TRƯỞNG", "Nguyễn Thị Bích Ngọc"),
    },
    # --- real vie OCR (pipeline run, two-column reading order) of "mild" renders of two fixtures above;
    # values as OCR read them: "Nơi nhận" lost under the seal, "KT." on its own line after "GIÁM ĐỐC",
    # "I.NHIỆM VỤ" without a space, the issuer glued to the national title ("QUẢNG NAMỘNG HÒA")
    "ocr_mild_so_gddt": {
        "issuer": {"name": "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "parent": "UBND THÀNH PHỐ ĐÀ NẴNG"},
        "national_title": TITLE, "motto": MOTTO,
        "number": "1234/HD-SGDĐT", "serial": "1234", "symbol": "HD-SGDĐT",
        "doc_type": "HƯỚNG DẪN", "doc_type_code": "HD", "place": "Đà Nẵng", "date": "2025-09-05",
        "title": "Thực hiện nhiệm vụ giáo dục trung học năm học 2025 - 2026",
        "bases": ["Căn cứ Thông tư số 32/2020/TT-BGDĐT", "Căn cứ Quyết định số 2045/QĐ-UBND"],
        "sections": [
            {"label": "I", "heading": "NHIỆM VỤ CHUNG", "children": ["1", "2"]},
            {"label": "II", "heading": "NHIỆM VỤ CỤ THỂ", "children": ["1", "2"]},
            {"label": "II", "heading": "TỔ CHỨC THỰC HIỆN", "children": []}],
        "recipients": ["Bộ GDĐT Hi (để b/c)", "UBND thành phố (để b/c)", "Các trường THCS, THPT"],
        "storage": ["VT", "GDTTH"],
        # the position's marks, garbled by OCR, repaired against the titles table (pipeline/parse/names.py)
        "signature": sig(None, "KT. GIÁM ĐỐC", "GIÁM ĐỐC", "an Thị Minh Hà"),
    },
    "ocr_mild_thong_bao": {
        "issuer": {"name": "VĂN PHÒNG", "parent": "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM"},
        "national_title": "ỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "motto": MOTTO,
        "number": "89/TB-VP", "serial": "89", "symbol": "TB-VP",
        "doc_type": "THÔNG BÁO", "doc_type_code": "TB", "place": "Quảng Nam", "date": "2025-04-03",
        "title": "Kết luận của Chủ tịch UBND tỉnh tại buối làm việc với Sở Nông nghiệp và Môi trường",
        "sections": [
            {"label": "1", "heading": None, "children": []},
            {"label": "2", "heading": "Giao Sở Nông nghiệp và Môi trường", "children": ["a", "b"]}],
        "recipients": ["CT, các PCT UBND tỉnh", "Sở Nông nghiệp và Môi trường", "Sở Tài chính"],
        "storage": ["VF", "KTN"],
        "signature": sig(None, "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "Đặng Thị Thu"),
    },
    # --- fourth batch, written before the parser was run on them ---
    # a department's decision: the head's capital line, "QUYẾT ĐỊNH:", an article ending with ':'
    "so_quyet_dinh": {
        "issuer": {"name": "SỞ Y TẾ", "parent": "UBND TỈNH KON TUM"},
        "national_title": TITLE, "motto": MOTTO,
        "number": "512/QĐ-SYT", "serial": "512", "symbol": "QĐ-SYT",
        "doc_type": "QUYẾT ĐỊNH", "doc_type_code": "QĐ", "place": "Kon Tum", "date": "2025-05-30",
        "title": "Về việc thành lập Tổ kiểm tra công tác an toàn thực phẩm",
        "bases": ["Căn cứ Quyết định số 12/2021/QĐ-UBND", "Xét đề nghị của Chánh Văn phòng Sở."],
        "preamble": ["GIÁM ĐỐC SỞ Y TẾ", "QUYẾT ĐỊNH:"],
        "references": [{"kind": "Quyết định", "number": "12/2021/QĐ-UBND", "date": "2021-04-15",
                        "issuer": "Ủy ban nhân dân tỉnh Kon Tum"}],
        "sections": [
            {"label": "Điều 1", "heading": "Thành lập Tổ kiểm tra công tác an toàn thực phẩm năm 2025, gồm các ông (bà) "
                                          "có tên sau đây", "children": ["1", "2"]},
            {"label": "Điều 2", "heading": None, "children": []},
            {"label": "Điều 3", "heading": None, "children": []}],
        "recipients": ["Như Điều 3"],
        "storage": ["VT", "NVY"],
        "signature": sig(None, None, "GIÁM ĐỐC", "Y Ngọc Thanh"),
    },
    # a department's công văn: V/v over two lines in the left column, addressees as a dash list
    "cong_van_so": {
        "issuer": {"name": "SỞ NỘI VỤ", "parent": "UBND TỈNH LÂM ĐỒNG"},
        "national_title": TITLE, "motto": MOTTO,
        "number": "1789/SNV-TCBC", "serial": "1789", "symbol": "SNV-TCBC",
        "doc_type": None, "doc_type_code": "CV", "place": "Lâm Đồng", "date": "2025-10-07",
        "title": "V/v báo cáo số lượng cán bộ, công chức cấp xã năm 2025",
        "addressees": ["Ủy ban nhân dân các huyện, thành phố", "Các sở, ban, ngành thuộc tỉnh"],
        "bases": ["Thực hiện Công văn số 4567/BNV-CQĐP"],
        "preamble": ["Sở Nội vụ đề nghị các cơ quan, đơn vị quan tâm, phối hợp thực hiện./."],
        "references": [{"kind": "Công văn", "number": "4567/BNV-CQĐP", "date": "2025-09-25", "issuer": "Bộ Nội vụ"}],
        "sections": [],
        "recipients": ["Như trên", "UBND tỉnh (b/c)"],
        "storage": ["VT", "TCBC"],
        "signature": sig(None, "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Đinh Văn Tuấn"),
    },
    # a town's plan: a capital heading wrapped onto a line of digits, a base wrapped inside "2021 - 2025"
    "ke_hoach_wrapped_headings": {
        "issuer": {"name": "ỦY BAN NHÂN DÂN THỊ XÃ NGHI SƠN", "parent": None},
        "national_title": TITLE, "motto": MOTTO,
        "number": "301/KH-UBND", "serial": "301", "symbol": "KH-UBND",
        "doc_type": "KẾ HOẠCH", "doc_type_code": "KH", "place": "Nghi Sơn", "date": "2025-11-14",
        "title": "Thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới trên địa bàn thị xã giai đoạn "
                 "2026 - 2030",
        "bases": ["Căn cứ Quyết định số 263/QĐ-TTg ngày 22/02/2022 của Thủ tướng Chính phủ phê duyệt Chương trình "
                  "mục tiêu quốc gia xây dựng nông thôn mới giai đoạn 2021 - 2025;"],
        "preamble": ["Ủy ban nhân dân thị xã ban hành Kế hoạch thực hiện như sau:"],
        "references": [{"kind": "Quyết định", "number": "263/QĐ-TTg", "date": "2022-02-22", "issuer": "Thủ tướng Chính phủ"}],
        "sections": [
            {"label": "I", "heading": "MỤC TIÊU", "children": [
                {"label": "1", "heading": "Mục tiêu chung", "children": []},
                {"label": "2", "heading": "Mục tiêu cụ thể", "children": []}]},
            {"label": "II", "heading": "NHIỆM VỤ VÀ GIẢI PHÁP TRỌNG TÂM TRONG GIAI ĐOẠN 2026 - 2030", "children": [
                {"label": "1", "heading": "Nâng cao chất lượng quy hoạch", "children": []},
                {"label": "2", "heading": "Phát triển sản xuất gắn với tái cơ cấu ngành nông nghiệp", "children": []}]},
            {"label": "III", "heading": "KINH PHÍ THỰC HIỆN", "children": []},
            {"label": "IV", "heading": "TỔ CHỨC THỰC HIỆN", "children": [
                {"label": "1", "heading": "Phòng Kinh tế", "children": []},
                {"label": "2", "heading": "Ủy ban nhân dân các xã", "children": []}]}],
        "closing_start": "Trên đây là Kế hoạch thực hiện Chương trình", "closing_end": "giai đoạn 2026 - 2030./.",
        "recipients": ["UBND tỉnh (b/c)", "TT Thị ủy, TT HĐND thị xã", "Các xã"],
        "storage": ["VT"],
        "signature": sig("TM. ỦY BAN NHÂN DÂN", None, "CHỦ TỊCH", "Lê Đình Hải"),
    },
}


def load_fixture(name: str) -> str:
    return (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(CASES))
def test_synthetic_variant_matches_expected_fields(name):
    parsed = parse_text(load_fixture(name))
    assert not [w for w in parsed.warnings if w.startswith("parser:")], parsed.warnings
    checks = compare(parsed, CASES[name])
    assert len(checks) > 20
    assert not failures(checks), "\n".join(failures(checks))


@pytest.mark.parametrize("name", sorted(CASES))
def test_single_issuer_single_signer_documents_get_no_extra_blocks(name):
    """The joint-issuer and several-signature readings must not fire on ordinary documents."""
    parsed = parse_text(load_fixture(name))
    assert parsed.co_issuers == []
    assert parsed.signatures == ([parsed.signature] if parsed.signature else [])


def test_every_fixture_has_expected_fields():
    assert {p.stem for p in FIXTURES.glob("*.txt")} == set(CASES)
