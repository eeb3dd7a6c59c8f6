"""The scoring of benchmarks/bench_plans.py: bodies by canonical name (joint labels split), duty counts,
targets by number and indicator words, tables by header, rows and lead cells."""

from __future__ import annotations

from pipeline.model import Assignment, Table, Target
from pipeline.testing.plans_eval import score_bodies, score_tables, score_targets


def assignment(body: str, canonical: str, duties: int, section: str = "I") -> Assignment:
    return Assignment(body=body, canonical=canonical, duties=[f"việc {i}" for i in range(duties)], section=section)


def test_bodies_match_by_canonical_name_and_joint_labels_count_for_each_body():
    labels = [
        {"body": "Ủy ban nhân dân các xã, phường, đặc khu", "duties_count": 3, "role": None, "request": False},
        {"body": "Các sở, ban, ngành; UBND các xã, phường", "duties_count": 2, "role": None, "request": False},
        {"body": "Sở Tư pháp", "duties_count": 1, "role": "chủ trì", "request": False},
        {"body": "Ban Chỉ đạo tỉnh về dữ liệu", "duties_count": 1, "role": None, "request": False},
    ]
    predicted = [
        assignment("UBND các xã", "UBND cấp xã", 5),  # label: 3 + 2 (the joint entry) → within one
        assignment("Các sở, ngành", "Các sở, ban, ngành", 4),  # 4 for 2: off
        assignment("Sở Tư pháp", "Sở Tư pháp", 1),
        assignment("Ban Chỉ đạo về dữ liệu", "Ban Chỉ đạo về dữ liệu", 1),  # unknown: matched by likeness
        assignment("Sở Y tế", "Sở Y tế", 1),  # not labelled
        assignment("Sở Nội vụ", "Sở Nội vụ", 9, section="table"),  # task tables are not compared
    ]
    score = score_bodies(predicted, labels)
    # labelled: UBND cấp xã (two entries), Các sở, ban, ngành, Sở Tư pháp, the Ban Chỉ đạo: four bodies
    assert (score.counts.true_positive, score.counts.predicted, score.counts.labelled) == (3, 5, 4)
    assert score.within_one == 2 and score.matched == 3
    assert score.extra == ["Ban Chỉ đạo về dữ liệu", "Sở Y tế"] and score.missed == ["Ban Chỉ đạo tỉnh về dữ liệu"]
    assert abs(score.counts.f1 - 2 * (3 / 5) * (3 / 4) / (3 / 5 + 3 / 4)) < 1e-9


def test_targets_match_by_number_and_indicator_words():
    labels = [
        {"indicator": "Tỷ lệ hồ sơ trực tuyến toàn trình", "value": "đạt tối thiểu 80%", "by": 2026},
        {"indicator": "văn bản được ký số", "value": "Từ trên 70%", "by": 2026},
        {"indicator": "doanh nghiệp ứng dụng công nghệ số", "value": "ít nhất 30%", "by": 2030},
    ]
    predicted = [
        Target(indicator="Tỷ lệ hồ sơ trực tuyến", value="đạt tối thiểu 80%", number=80, by="2026"),
        Target(indicator="văn bản được ký số", value="70%", number=75, by="2026"),  # another number
        Target(indicator="hộ kinh doanh bán hàng trên sàn", value="30%", number=30, by="2030"),  # other words
    ]
    score = score_targets(predicted, labels)
    assert score.counts.true_positive == 1 and score.year_right == 1
    assert len(score.missed) == 2 and len(score.extra) == 2


def test_tables_rows_and_lead_cells():
    header = ["STT", "Nhiệm vụ", "Chủ trì thực hiện"]
    table = Table(
        header=header,
        rows=[
            ["I", "Cải cách thể chế", None],  # a group row: not a data row
            ["1", "Rà soát", "Sở Tư pháp"],
            ["2", "Công bố", "UBND các xã, phường"],
            [None, "Báo cáo", "Sở Nội vụ"],  # a continuation row: counted
        ],
    )
    label = {
        "header": header,
        "n_rows": 3,
        "lead_column": "Chủ trì thực hiện",
        "lead_bodies": ["Sở Tư pháp", "Ủy ban nhân dân các xã, phường", "Sở Nội vụ"],
    }
    score = score_tables([table], [label])
    assert (score.found, score.rows_right, score.lead_rows) == (1, 1, 3)
    assert score.lead_right == 2 and score.lead_bodies_right == 3  # the same body printed shorter
