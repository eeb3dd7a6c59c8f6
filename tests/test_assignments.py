"""Assignments: bodies as subjects of headings and items, one entry per body with its duties, role,
request and deadlines; the body table and canonical names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.parse import parse_text
from pipeline.parse.assignments import deadline_date, read_deadlines
from pipeline.parse.bodies import canonical, find_subject, split_bodies, table

PLAN = """ỦY BAN NHÂN DÂN
TỈNH HÒA BÌNH
Số: 45/KH-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hòa Bình, ngày 10 tháng 01 năm 2026
KẾ HOẠCH
Phát triển thương mại điện tử năm 2026
Căn cứ Luật Thương mại ngày 14/6/2005;
Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Thúc đẩy thương mại điện tử trên địa bàn tỉnh.
2. Yêu cầu
- Các cơ quan Trung ương đóng trên địa bàn tỉnh.
II. NHIỆM VỤ
- Sở Công Thương chủ trì, phối hợp với các cơ quan liên quan xây dựng sàn giao dịch của tỉnh.
- Giao Sở Tài chính bố trí kinh phí thực hiện Kế hoạch.
III. TỔ CHỨC THỰC HIỆN
1. Sở Công Thương
a) Hướng dẫn doanh nghiệp đưa sản phẩm lên sàn; hoàn thành trước ngày 30/6/2026.
b) Tổng hợp, báo cáo kết quả trong tháng 12/2026.
2. Sở Khoa học và Công nghệ, Sở Thông tin và Truyền thông
- Phối hợp bảo đảm hạ tầng số.
- Phối hợp hướng dẫn an toàn thông tin.
3. Ủy ban nhân dân các xã, phường, thị trấn căn cứ Kế hoạch này xây dựng kế hoạch của địa phương, chậm nhất là ngày 15/02/2026.
4. Đề nghị Ủy ban MTTQ Việt Nam tỉnh và các tổ chức chính trị - xã hội tuyên truyền, vận động hội viên tham gia.
IV. KIẾN NGHỊ
1. Bộ Công Thương: Hỗ trợ tỉnh kết nối các sàn quốc gia.
Nơi nhận:
- Như trên;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Trần Văn B
"""


@pytest.fixture(scope="module")
def assignments():
    fields = parse_text(PLAN)
    return {a.canonical: a for a in fields.assignments}


def test_one_entry_per_body_in_order_of_first_mention(assignments):
    assert list(assignments) == [
        "Sở Công Thương",
        "Sở Tài chính",
        "Sở Khoa học và Công nghệ",
        "Sở Thông tin và Truyền thông",
        "UBND cấp xã",
        "Ủy ban MTTQ Việt Nam tỉnh",
        "Các tổ chức chính trị - xã hội",
        "Bộ Công Thương",
    ]  # not the issuer's enacting sentence, not a list item that only names a body


def test_duties_from_items_and_from_a_body_heading(assignments):
    trade = assignments["Sở Công Thương"]
    assert trade.body == "Sở Công Thương" and len(trade.duties) == 3
    assert trade.duties[1].startswith("Hướng dẫn doanh nghiệp") and trade.section == "II, III.1"
    assert trade.role == "chủ trì" and trade.request is False
    assert [(d.text, d.date) for d in trade.deadlines] == [
        ("hoàn thành trước ngày 30/6/2026", "2026-06-30"),
        ("trong tháng 12/2026", "2026-12"),
    ]
    # a heading naming two bodies gives each the items under it; both are supporting ones
    for name in ("Sở Khoa học và Công nghệ", "Sở Thông tin và Truyền thông"):
        assert assignments[name].duties == ["Phối hợp bảo đảm hạ tầng số.", "Phối hợp hướng dẫn an toàn thông tin."]
        assert assignments[name].role == "phối hợp"


def test_subject_printed_with_its_long_name_and_a_deadline(assignments):
    communes = assignments["UBND cấp xã"]
    assert communes.body == "Ủy ban nhân dân các xã, phường, thị trấn"
    assert communes.deadlines[0].text == "chậm nhất là ngày 15/02/2026" and communes.deadlines[0].date == "2026-02-15"


def test_requests(assignments):
    assert assignments["Ủy ban MTTQ Việt Nam tỉnh"].request is True  # "Đề nghị …"
    assert assignments["Các tổ chức chính trị - xã hội"].request is True
    ministry = assignments["Bộ Công Thương"]  # an item of the KIẾN NGHỊ section
    assert ministry.request is True and ministry.duties == ["Hỗ trợ tỉnh kết nối các sàn quốc gia."]
    assert assignments["Sở Tài chính"].request is False  # "Giao …" orders


@pytest.mark.parametrize(
    "printed, expected",
    [
        ("Ủy ban nhân dân các xã, phường", "UBND cấp xã"),
        ("UBND cấp xã", "UBND cấp xã"),
        ("Ủy ban nhân dân phường, xã, đặc khu", "UBND cấp xã"),
        ("UBND các huyện, thị xã, thành phố", "UBND cấp huyện"),
        ("Sở TN&MT", "Sở Tài nguyên và Môi trường"),
        ("Sở Kế hoạch - Đầu tư", "Sở Kế hoạch và Đầu tư"),
        ("Sở VHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
        ("Công an tỉnh Lâm Đồng", "Công an tỉnh"),
        ("Công an các xã, phường, thị trấn", "Công an cấp xã"),
        ("Ủy ban MTTQVN tỉnh", "Ủy ban MTTQ Việt Nam tỉnh"),
        ("Giám đốc Sở Y tế", "Sở Y tế"),
        ("Báo và Phát thanh, Truyền hình Lâm Đồng", "Báo và Phát thanh, Truyền hình tỉnh"),
        ("Chi cục Hải quan khu vực XIII", "Hải quan khu vực XIII"),
        ("Bộ Tư lệnh Vùng Cảnh sát biển 3", "Bộ Tư lệnh Vùng Cảnh sát biển 3"),
        ("Các sở, ban, ngành của Thành phố", "Các sở, ban, ngành"),
        ("Trung tâm Dịch vụ nông nghiệp", "Trung tâm Dịch vụ nông nghiệp"),  # not in the table: tidied
    ],
)
def test_canonical_names(printed, expected):
    assert canonical(printed) == expected


def test_body_table_has_no_form_under_two_names():
    trie, names = table()
    assert len(names) > 120 and "UBND cấp xã" in names and "Sở Tài nguyên và Môi trường" in names


@pytest.mark.parametrize(
    "text, bodies, prefix",
    [
        ("Sở Tư pháp tham mưu Ủy ban nhân dân tỉnh tổ chức hội nghị", ["Sở Tư pháp"], ""),
        ("Giao Văn phòng UBND tỉnh (Trung tâm Phục vụ hành chính công) theo dõi", ["Văn phòng UBND tỉnh"], "giao"),
        (
            "Căn cứ Kế hoạch này, các sở, ban, ngành và UBND các xã xây dựng kế hoạch",
            ["Các sở, ban, ngành", "UBND cấp xã"],
            "can cu",
        ),
        (
            "Đối với các cơ quan Trung ương đóng trên địa bàn tỉnh, thủ trưởng cơ quan chỉ đạo",
            ["Các cơ quan Trung ương trên địa bàn"],
            "doi voi",
        ),
        ("Ủy ban nhân dân tỉnh yêu cầu Sở Y tế, Sở Nội vụ khẩn trương báo cáo", ["Sở Y tế", "Sở Nội vụ"], "yeu cau"),
        ("Đề nghị: Hội Nông dân tỉnh, Tỉnh đoàn", ["Hội Nông dân tỉnh", "Tỉnh đoàn"], "de nghi"),  # a heading
    ],
)
def test_subjects(text, bodies, prefix):
    subject = find_subject(text, heading=True)
    assert subject is not None and [b.canonical for b in subject.bodies] == bodies and subject.prefix == prefix


@pytest.mark.parametrize(
    "text",
    [
        "Ban hành và tổ chức thực hiện Kế hoạch rà soát thủ tục hành chính",  # 'Ban' + a verb
        "Tổ chức thực hiện nghiêm quy chế",
        "Phòng, chống tham nhũng là nhiệm vụ thường xuyên",
        "Báo cáo kết quả thực hiện về Sở Nội vụ",
        "Sở Nội vụ.",  # a name alone ends its item: no duty
        "Kinh phí thực hiện được bố trí từ ngân sách",
    ],
)
def test_not_subjects(text):
    assert find_subject(text) is None


def test_joint_cells_split_into_bodies():
    cell = "Sở Khoa học và Công nghệ Sở Công Thương; UBND các phường, xã; các cơ quan, đơn vị liên quan"
    assert [b.canonical for b in split_bodies(cell)] == [
        "Sở Khoa học và Công nghệ",
        "Sở Công Thương",
        "UBND cấp xã",
        "Các cơ quan, đơn vị liên quan",
    ]
    assert split_bodies("Theo phân công tại Quyết định số 12/QĐ-UBND") == []


@pytest.mark.parametrize(
    "text, date",
    [
        ("chậm nhất là ngày 15/01/2026", "2026-01-15"),
        ("trước ngày 05 tháng 3 năm 2026", "2026-03-05"),
        ("hoàn thành trong tháng 12/2025", "2025-12"),
        ("trong Quý I/2026", "2026-03"),
        ("trong quý III năm 2026", "2026-09"),
        ("trước 16 giờ ngày thứ Sáu hằng tuần", None),
        ("trong 6 tháng đầu năm 2026", "2026-06"),
    ],
)
def test_deadline_dates(text, date):
    assert deadline_date(text) == date
    found = read_deadlines(f"Báo cáo kết quả {text}.")
    assert [d.text for d in found] == [text] and found[0].date == date


def test_a_plans_own_year_is_no_deadline():
    assert read_deadlines("Tổ chức thực hiện trong năm 2026 trên địa bàn tỉnh.") == []


LABELS = Path(__file__).resolve().parent.parent / "benchmarks" / "data" / "realtexts_labels.json"
def test_real_plan_bodies_against_hand_labels(realtexts_dir):
    """A development document of the hand-labelled real texts (outside the repository): every labelled
    body found, duty counts within one."""
    name = "docs/T01_ubnd-lamdong_kh-ctmtqg-pcmt-2030.txt"
    path = realtexts_dir / name
    if not path.exists():
        pytest.skip(f"{path} is absent (a development document of the real texts)")
    from pipeline.testing.plans_eval import score_bodies

    label = next(d for d in json.loads(LABELS.read_text(encoding="utf-8"))["documents"] if d["file"] == name)
    assert label["blind"] is False
    fields = parse_text(path.read_text(encoding="utf-8"))
    score = score_bodies(fields.assignments, label["assignments"], fields.place)
    assert score.counts.f1 >= 0.9 and score.within_one >= 0.8 * score.matched
