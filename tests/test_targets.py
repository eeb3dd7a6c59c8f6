"""Targets: quantified objectives with their indicator, value (as printed, as a number, with its unit) and
the year they are due; results, award criteria and task lists are not targets."""

from __future__ import annotations

import pytest

from pipeline.model import Section
from pipeline.parse import parse_text
from pipeline.parse.targets import read_targets, values_in

PLAN = """ỦY BAN NHÂN DÂN
XÃ TÂN KỲ
Số: 08/KH-UBND
KẾ HOẠCH
Chuyển đổi số xã Tân Kỳ giai đoạn 2026 - 2030
I. MỤC TIÊU
1. Mục tiêu đến năm 2027
- 100% thủ tục hành chính đủ điều kiện được cung cấp trực tuyến toàn trình.
- Tỷ lệ hồ sơ giải quyết trực tuyến đạt tối thiểu 80%; tỷ lệ thanh toán trực tuyến đạt trên 60%.
2. Mục tiêu đến năm 2030
- Có ≥ 30% hộ kinh doanh ứng dụng công nghệ số, riêng năm 2028 phấn đấu ít nhất 20% hộ kinh doanh bán hàng trên sàn.
- Tỷ lệ người dân có danh tính điện tử đạt tối thiểu 20 - 30%.
- Hằng năm, số giao dịch không dùng tiền mặt tăng trên 15%.
- Chỉ số chuyển đổi số của xã nằm trong nhóm 10 xã dẫn đầu tỉnh.
II. NHIỆM VỤ
1. Rà soát, bảo đảm 100% máy tính được cài phần mềm diệt virus.
2. Mỗi thôn phấn đấu có ít nhất 02 tổ công nghệ số cộng đồng.
3. Hằng tháng tổ chức 01 buổi tập huấn cho người dân.
III. TIÊU CHUẨN KHEN THƯỞNG
Tập thể có ít nhất 01 sáng kiến được công nhận, đạt 90% chỉ tiêu.
IV. KẾT QUẢ NĂM 2025
Số hồ sơ trực tuyến chiếm 45% tổng số hồ sơ.
"""


@pytest.fixture(scope="module")
def targets():
    return parse_text(PLAN).targets


def test_targets_of_objective_sections_and_aims(targets):
    got = [(t.value, t.number, t.upper, t.unit, t.by) for t in targets]
    assert got == [
        ("100%", 100.0, None, "%", "2027"),
        ("đạt tối thiểu 80%", 80.0, None, "%", "2027"),
        ("đạt trên 60%", 60.0, None, "%", "2027"),
        ("≥ 30%", 30.0, None, "%", "2030"),
        ("ít nhất 20%", 20.0, None, "%", "2028"),
        ("đạt tối thiểu 20 - 30%", 20.0, 30.0, "%", "2030"),
        ("tăng trên 15%", 15.0, None, "%", "hằng năm"),
        ("nằm trong nhóm 10 xã dẫn đầu tỉnh", 10.0, None, "xã", "2030"),
        ("ít nhất 02 tổ", 2.0, None, "tổ", "2030"),  # a count's unit: its first word
    ]


def test_indicators_after_or_before_the_value(targets):
    indicators = [t.indicator for t in targets]
    assert indicators[0] == "thủ tục hành chính đủ điều kiện được cung cấp trực tuyến toàn trình"
    assert indicators[1] == "Tỷ lệ hồ sơ giải quyết trực tuyến"  # the value ends its clause: the words before
    assert indicators[2] == "tỷ lệ thanh toán trực tuyến"
    assert indicators[3] == "hộ kinh doanh ứng dụng công nghệ số"  # stops at ', riêng năm 2028 …'
    assert indicators[6] == "số giao dịch không dùng tiền mặt"
    assert indicators[7] == "Chỉ số chuyển đổi số của xã"
    assert all(t.section for t in targets) and targets[0].section == "I.1"


def test_no_targets_from_tasks_criteria_and_results(targets):
    values = " ".join(t.value for t in targets)
    assert "01" not in values and "90%" not in values and "45%" not in values  # schedule, award criterion, result
    assert not any("máy tính" in t.indicator for t in targets)  # a task, not an aim


def test_the_same_objective_printed_twice_is_listed_once():
    sections = [
        Section(label="I", heading="CHỈ TIÊU", level=1, paragraphs=["- Phấn đấu 50% số xã đạt chuẩn nông thôn mới."]),
        Section(label="II", heading="NHIỆM VỤ", level=1, paragraphs=["- Phấn đấu 50% số xã đạt chuẩn nông thôn mới."]),
    ]
    assert len(read_targets(sections, title="Kế hoạch năm 2026", doc_type="KẾ HOẠCH")) == 1


def test_years_from_title_or_date_when_the_text_names_none():
    sections = [Section(label="I", heading="MỤC TIÊU", level=1, paragraphs=["- 95% hồ sơ được giải quyết đúng hạn."])]
    assert read_targets(sections, title="Cải cách hành chính năm 2026")[0].by == "2026"
    assert read_targets(sections, title="Cải cách hành chính giai đoạn 2026 - 2030")[0].by == "2030"
    assert read_targets(sections, title="Cải cách hành chính", date="2025-12-01")[0].by == "2025"


@pytest.mark.parametrize(
    "clause, values",
    [
        ("đạt 85%", [("đạt 85%", 85.0, None)]),
        ("từ 70% đến 80% cơ sở", [("từ 70% đến 80%", 70.0, 80.0)]),
        ("tỷ lệ 98,5% hồ sơ", [("98,5%", 98.5, None)]),
        ("6/139 kiến nghị", []),
    ],
)
def test_values(clause, values):
    assert [(v.value, v.number, v.upper) for v in values_in(clause)] == values
