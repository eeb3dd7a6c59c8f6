"""The assignments, targets and tables export tables: written as .xlsx, .csv and .parquet, read back with
pandas value by value."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline.export import TABLES, export_tables
from pipeline.model import Assignment, Deadline, Document, Source, Table, Target
from pipeline.testing.exports import read_back  # CSV read back as the schemas README says (formula guard removed)

SHA = "c" * 64


def plan() -> Document:
    return Document(
        source=Source(file="ke-hoach.pdf", sha256=SHA, kind="pdf", pages=3),
        assignments=[
            Assignment(
                body="Ủy ban nhân dân các xã, phường",
                canonical="UBND cấp xã",
                role="chủ trì",
                duties=["Xây dựng kế hoạch của địa phương.", "Báo cáo kết quả về Sở Nội vụ."],
                deadlines=[
                    Deadline(text="chậm nhất là ngày 15/01/2026", date="2026-01-15"),
                    Deadline(text="trước 16 giờ thứ Sáu hằng tuần"),
                    Deadline(text="trong tháng 12/2026", date="2026-12"),
                ],
                section="III.2, IV",
            ),
            Assignment(
                body="Ủy ban MTTQ Việt Nam tỉnh",
                canonical="Ủy ban MTTQ Việt Nam tỉnh",
                request=True,
                duties=["Tuyên truyền, vận động."],
                section="IV.5",
            ),
            Assignment(
                body="Sở Tài chính",
                canonical="Sở Tài chính",
                role="phối hợp",
                duties=["Bố trí kinh phí"],
                section="table",
            ),
        ],
        targets=[
            Target(
                indicator="Tỷ lệ hồ sơ trực tuyến",
                value="đạt tối thiểu 80%",
                number=80,
                unit="%",
                by="2026",
                section="I.1",
            ),
            Target(
                indicator="người dân có danh tính điện tử",
                value="20 - 30%",
                number=20,
                upper=30,
                unit="%",
                by="hằng năm",
            ),
        ],
        tables=[
            Table(
                page=3,
                section="PHỤ LỤC",
                header=["STT", "Nhiệm vụ", "Cơ quan chủ trì"],
                source="scan",
                rows=[["I", None, None], ["1", "=Bố trí kinh phí", "Sở Tài chính"]],
                spans=[(0, 0, 1, 3)],
            ),
        ],
    )


@pytest.fixture()
def outdir(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    (out / "ke-hoach.json").write_text(plan().to_json(), encoding="utf-8")
    return out


def value(frame: pd.DataFrame, row: int, column: str):
    got = frame.iloc[row][column]
    return None if pd.isna(got) else got


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".parquet"])
def test_plan_tables_round_trip(outdir, tmp_path, suffix):
    to = tmp_path / "exp" / f"plans{suffix}"
    export_tables(outdir, to)
    tables = read_back(to)
    for name in ("assignments", "targets", "tables"):
        assert list(tables[name].columns) == list(TABLES[name])

    a = tables["assignments"]
    assert len(a) == 3 and a["doc_id"].tolist() == [SHA] * 3 and a["file"].tolist() == ["ke-hoach.pdf"] * 3
    assert [int(x) for x in a["order"]] == [1, 2, 3]
    assert a["canonical"].tolist() == ["UBND cấp xã", "Ủy ban MTTQ Việt Nam tỉnh", "Sở Tài chính"]
    assert value(a, 0, "body") == "Ủy ban nhân dân các xã, phường" and value(a, 0, "role") == "chủ trì"
    assert value(a, 1, "role") is None and [bool(x) for x in a["request"]] == [False, True, False]
    assert [int(x) for x in a["n_duties"]] == [2, 1, 1]
    assert value(a, 0, "duties") == "Xây dựng kế hoạch của địa phương.\nBáo cáo kết quả về Sở Nội vụ."
    assert (
        value(a, 0, "deadlines") == "chậm nhất là ngày 15/01/2026; trước 16 giờ thứ Sáu hằng tuần; trong tháng 12/2026"
    )
    assert value(a, 0, "deadline_dates") == "2026-01-15; ; 2026-12"  # in the deadlines' places
    assert value(a, 1, "deadlines") is None and value(a, 2, "section") == "table"

    t = tables["targets"]
    assert len(t) == 2 and value(t, 0, "indicator") == "Tỷ lệ hồ sơ trực tuyến"
    assert value(t, 0, "value") == "đạt tối thiểu 80%" and float(value(t, 0, "number")) == 80.0
    assert value(t, 0, "upper") is None and float(value(t, 1, "upper")) == 30.0
    assert value(t, 0, "by") == "2026" and value(t, 1, "by") == "hằng năm" and value(t, 1, "section") is None

    cells = tables["tables"]
    assert len(cells) == 3 + 2 * 3  # the header row and two rows of three cells
    header = cells[cells["row"].astype(int) == 0]
    assert header["value"].tolist() == ["STT", "Nhiệm vụ", "Cơ quan chủ trì"]
    lead = cells[(cells["row"].astype(int) == 2) & (cells["column"].astype(int) == 3)]
    assert lead["value"].tolist() == ["Sở Tài chính"] and lead["header"].tolist() == ["Cơ quan chủ trì"]
    assert value(cells, 4, "value") is None  # the group row's empty cells stay empty
    task = cells[(cells["row"].astype(int) == 2) & (cells["column"].astype(int) == 2)]
    assert task["value"].tolist() == ["=Bố trí kinh phí"]  # never evaluated as a formula
    assert set(cells["source"]) == {"scan"} and {int(p) for p in cells["page"]} == {3}
    assert {int(x) for x in cells["table"]} == {1} and set(cells["section"]) == {"PHỤ LỤC"}


def test_documents_count_plan_parts(outdir, tmp_path):
    to = tmp_path / "t.csv"
    export_tables(outdir, to)
    documents = pd.read_csv(tmp_path / "t_documents.csv", encoding="utf-8-sig")
    assert documents[["n_assignments", "n_targets", "n_tables"]].values.tolist() == [[3, 2, 1]]


def test_record_with_plan_parts_validates_against_the_schema():
    from jsonschema import Draft202012Validator

    schema = json.loads((Path(__file__).resolve().parent.parent / "schemas" / "plan.schema.json").read_text("utf-8"))
    Draft202012Validator(schema).validate(json.loads(plan().to_json()))
