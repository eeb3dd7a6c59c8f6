"""Tables: '| a | b |' rows and aligned columns in text, ruled tables on rendered and real scanned pages
(found with OpenCV, read cell by cell), joined across pages; task tables feed assignments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.model import Document, Source, Table
from pipeline.options import Options
from pipeline.parse import parse_text
from pipeline.parse.assignments import cell_deadline, table_assignments, task_columns
from pipeline.tables import PageTable, attach_tables, join_page_tables, page_tables
from pipeline.testing.table_pages import Row, render_table_pages

PLAN_WITH_TABLE = """ỦY BAN NHÂN DÂN
TỈNH HÒA BÌNH
Số: 12/KH-UBND
KẾ HOẠCH
Chuyển đổi số năm 2026
I. MỤC TIÊU
1. Đạt 80% hồ sơ trực tuyến.
II. TỔ CHỨC THỰC HIỆN
Phân công nhiệm vụ như sau:

| STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |
|---|---|---|---|---|
| I | Hạ tầng số |  |  |  |
| 1 | Nâng cấp mạng diện rộng | Sở Khoa học và Công nghệ | Sở Tài chính; UBND các xã, phường | Trước ngày 30/6/2026 |
| 2 | Số hóa hồ sơ | Văn phòng UBND tỉnh | Các sở, ban, ngành | Quý III/2026 |
\f
| STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |
| 3 | Tập huấn kỹ năng số | Sở Nội vụ |  | Thường xuyên |
|  | **Báo cáo** kết quả | Sở Nội vụ | Sở KH&CN | Tháng 12/2026 |

Nơi nhận:
- Như trên;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn A
"""


def test_pipe_table_across_a_page_break_is_one_table_with_its_section():
    fields = parse_text(PLAN_WITH_TABLE)
    assert len(fields.tables) == 1
    table = fields.tables[0]
    assert table.header == ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
    assert table.source == "text" and table.page == 1 and table.section == "II"
    # the header printed again on page 2 is dropped; empty cells are null; markdown bold is removed
    assert [row[0] for row in table.rows] == ["I", "1", "2", "3", None]
    assert table.rows[0] == ["I", "Hạ tầng số", None, None, None]
    assert table.rows[4][1] == "Báo cáo kết quả"


def test_task_table_feeds_assignments_with_roles_and_deadlines():
    fields = parse_text(PLAN_WITH_TABLE)
    from_table = {a.canonical: a for a in fields.assignments if a.section == "table"}
    assert set(from_table) == {
        "Sở Khoa học và Công nghệ",
        "Sở Tài chính",
        "UBND cấp xã",
        "Văn phòng UBND tỉnh",
        "Các sở, ban, ngành",
        "Sở Nội vụ",
    }
    kh = from_table["Sở Khoa học và Công nghệ"]  # lead of task 1, co-operating in the last row (Sở KH&CN)
    assert kh.role == "chủ trì" and kh.duties == ["Nâng cấp mạng diện rộng", "Báo cáo kết quả"]
    assert [(d.text, d.date) for d in kh.deadlines] == [
        ("Trước ngày 30/6/2026", "2026-06-30"),
        ("Tháng 12/2026", "2026-12"),
    ]
    assert from_table["Sở Tài chính"].role == "phối hợp"
    assert from_table["Văn phòng UBND tỉnh"].deadlines[0].date == "2026-09"  # Quý III/2026: its last month
    assert from_table["Sở Nội vụ"].duties == ["Tập huấn kỹ năng số", "Báo cáo kết quả"]


def test_task_columns_and_cell_deadlines():
    table = Table(header=["TT", "Nội dung/nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian thực hiện"])
    columns = task_columns(table)
    assert columns is not None and (columns.task, columns.lead, columns.support, columns.time) == (1, 2, 3, 4)
    assert task_columns(Table(header=["STT", "Mã TTHC", "Tên thủ tục hành chính"])) is None
    assert cell_deadline("Thường xuyên").date is None
    assert cell_deadline("Quí IV-2025").date == "2025-12"
    assert cell_deadline("Trước ngày 31/01 năm liền kề").date is None  # no year: no date


def test_table_assignments_leave_out_group_rows_and_cells_that_name_no_body():
    table = Table(
        header=["STT", "Nhiệm vụ", "Chủ trì thực hiện", "Phối hợp thực hiện", "Thời gian hoàn thành"],
        rows=[
            ["I", "Cải cách thể chế", None, None, None],
            ["1", "Rà soát văn bản", "Theo phân công tại Quyết định số 1441/QĐ-UBND", None, "Trong năm 2026"],
            ["2", "Công bố danh mục", "Sở Tư pháp; UBND các xã, phường, đặc khu", None, "Trước ngày 31/01/2026"],
        ],
    )
    got = {a.canonical: a for a in table_assignments(table)}
    assert set(got) == {"Sở Tư pháp", "UBND cấp xã"}
    assert got["UBND cấp xã"].body == "UBND các xã, phường, đặc khu" and got["UBND cấp xã"].section == "table"


def test_aligned_columns_as_pdftotext_lays_them_out():
    text = "\n".join(
        [
            "KẾ HOẠCH",
            "Thực hiện năm 2026",
            "I. CHỈ TIÊU",
            "  STT     Chỉ tiêu                    Đơn vị      Năm 2025     Năm 2026",
            "   1      Hồ sơ trực tuyến            %            60           80",
            "   2      Văn bản ký số               %            70           90",
            "   3      Dịch vụ công toàn trình     %            50           100",
            "",
            "Trên đây là Kế hoạch./.",
        ]
    )
    tables = parse_text(text).tables
    assert len(tables) == 1
    assert tables[0].header == ["STT", "Chỉ tiêu", "Đơn vị", "Năm 2025", "Năm 2026"]
    assert tables[0].rows[2] == ["3", "Dịch vụ công toàn trình", "%", "50", "100"]


def test_a_layout_row_alone_is_no_table():
    text = "KẾ HOẠCH\nA\n| T/M ĐOÀN THƯ KÝ (chữ ký) | T/M ĐOÀN CHỦ TỊCH (chữ ký) |\n"
    assert parse_text(text).tables == []


# ---------------------------------------------------------------- scanned pages

HEADER = ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
ROWS = [
    Row(["I. NÂNG CAO NHẬN THỨC"], group=True),
    Row(
        [
            "1",
            "Tuyên truyền, phổ biến kiến thức về chuyển đổi số cho người dân",
            "Sở Khoa học và Công nghệ",
            "Sở Văn hóa, Thể thao và Du lịch; UBND các xã, phường",
            "Quý III/2026",
        ],
        span_next=1,
    ),
    Row(
        [
            "2",
            "Tổ chức tập huấn kỹ năng số cho cán bộ, công chức cấp xã",
            "Sở Khoa học và Công nghệ",
            "Sở Nội vụ",
            "Trước ngày 30/6/2026",
        ]
    ),
    Row(
        [
            "3",
            "Rà soát, đánh giá mức độ chuyển đổi số của doanh nghiệp",
            "Sở Công Thương",
            "Các sở, ban, ngành",
            "Thường xuyên",
        ]
    ),
    Row(["II. HOÀN THIỆN THỂ CHẾ"], group=True),
    Row(
        [
            "4",
            "Xây dựng quy chế quản lý dữ liệu dùng chung của tỉnh",
            "Văn phòng UBND tỉnh",
            "Sở Tư pháp",
            "Tháng 12/2026",
        ]
    ),
    Row(["5", "Bố trí kinh phí thực hiện kế hoạch", "Sở Tài chính", "Các cơ quan, đơn vị liên quan", "Hằng năm"]),
    Row(["6", "Kiểm tra, giám sát việc thực hiện kế hoạch", "Sở Nội vụ", "Công an tỉnh", "Trước ngày 15/12/2026"]),
]


@pytest.fixture(scope="module")
def rendered_tables() -> list[Table]:
    """The task table drawn over two pages (skewed 0.3°, its header again on page 2), read back."""
    pages = render_table_pages(HEADER, ROWS, [0.6, 3, 1.8, 2, 1.4], rows_per_page=5, caption="PHỤ LỤC")
    assert len(pages) == 2
    options = Options(jobs=1)
    found: list[PageTable] = []
    for number, image in enumerate(pages, 1):
        found.extend(page_tables(image, options, number))
    return join_page_tables(found)


def test_rendered_table_pages_read_as_one_table_with_merged_cells(rendered_tables):
    assert len(rendered_tables) == 1
    table = rendered_tables[0]
    assert table.source == "scan" and table.page == 1
    assert table.header == HEADER
    assert len(table.rows) == len(ROWS)
    # group rows: one cell across the table, its text in the first column
    assert (0, 0, 1, 5) in table.spans and (4, 0, 1, 5) in table.spans
    assert table.rows[0][1:] == [None] * 4
    # the lead body spanning tasks 1 and 2 stands in both rows
    assert (1, 2, 2, 1) in table.spans
    assert table.rows[1][2] == table.rows[2][2] == "Sở Khoa học và Công nghệ"


def test_rendered_table_cells_are_read_right(rendered_tables):
    expected = [row.cells + [None] * (len(HEADER) - len(row.cells)) for row in ROWS]
    expected[2][2] = "Sở Khoa học và Công nghệ"  # the merged lead cell, repeated
    got = rendered_tables[0].rows
    cells = [(g, e) for grow, erow in zip(got, expected) for g, e in zip(grow, erow) if e]
    right = sum(1 for g, e in cells if g == e)
    assert right >= 0.9 * len(cells), [(g, e) for g, e in cells if g != e]
    leads = [row[2] for row in got if row[0] and row[0].isdigit()]
    assert leads == [
        "Sở Khoa học và Công nghệ",
        "Sở Khoa học và Công nghệ",
        "Sở Công Thương",
        "Văn phòng UBND tỉnh",
        "Sở Tài chính",
        "Sở Nội vụ",
    ]


def test_scanned_task_table_feeds_the_record(rendered_tables):
    doc = Document(source=Source(file="phu-luc.pdf", sha256="b" * 64, kind="pdf", pages=2))
    attach_tables(doc, rendered_tables)
    assert doc.tables == rendered_tables
    leads = {a.canonical for a in doc.assignments if a.role == "chủ trì"}
    assert leads == {"Sở Khoa học và Công nghệ", "Sở Công Thương", "Văn phòng UBND tỉnh", "Sở Tài chính", "Sở Nội vụ"}


def test_a_page_without_rules_has_no_tables():
    import numpy as np

    page = np.full((3508, 2480), 255, dtype=np.uint8)
    page[400:440, 300:2000] = 0  # one thick bar (a heading rule) is no table
    assert page_tables(page, Options(jobs=1), 1) == []


def test_join_keeps_tables_apart_when_the_columns_differ():
    a = PageTable(page=1, cells=[["A", "B"], ["1", "2"]], columns=[0, 0.5, 1], at_bottom=True)
    b = PageTable(page=2, cells=[["X", "Y", "Z"], ["1", "2", "3"]], columns=[0, 0.3, 0.6, 1], at_top=True)
    c = PageTable(page=3, cells=[["X", "Y", "Z"], ["4", "5", "6"]], columns=[0, 0.3, 0.6, 1], at_top=True)
    tables = join_page_tables([a, b, c])
    # b has other columns than a; c has b's columns, but b did not reach its page's foot: three tables
    assert [t.header for t in tables] == [["A", "B"], ["X", "Y", "Z"], ["X", "Y", "Z"]]
    assert [t.rows for t in tables[1:]] == [[["1", "2", "3"]], [["4", "5", "6"]]]
    b.at_bottom = True
    joined = join_page_tables([a, b, c])
    assert len(joined) == 2 and joined[1].rows == [["1", "2", "3"], ["4", "5", "6"]]  # c's header row repeated b's


REALDOCS_TABLES = Path(__file__).resolve().parent.parent / "benchmarks" / "data" / "realdocs_tables.json"


@pytest.mark.parametrize(
    "name",
    [
        "R31",
        pytest.param(
            "R32",
            marks=pytest.mark.xfail(
                strict=True,
                reason="100-dpi scan with faint rules: the reader splits the table in two and merges columns "
                "(2026-12-02); remove the mark when it reads the page",
            ),
        ),
    ],
)
def test_real_scanned_table_page(realdocs_dir, name):
    """Development scans of /work/realdocs (never committed) with ruled tables labelled by eye in
    benchmarks/data/realdocs_tables.json: R31 (a CamScanner capture, 264 ppi: one table of 4 columns and 9
    rows, no merged cells), R32 page 5 (a 100-dpi scan, faint print: 5 columns, 11 rows, two of them without a
    number). Read through the pipeline (load, preprocess, find and read the tables): tables, columns, rows and
    header as labelled, every cell close to the transcription, the names exactly."""
    label = json.loads(REALDOCS_TABLES.read_text(encoding="utf-8"))["documents"][name]
    scan, truth = realdocs_dir / label["scan"], realdocs_dir / label["truth"]
    if not scan.exists() or not truth.exists():
        pytest.skip(f"{scan} is absent (real scans live outside the repository: tools/build_realdocs.py)")
    from pipeline.tables.evaluate import cell_errors, page_image, truth_rows

    (page,) = label["pages"]
    options = Options(jobs=1)
    tables = join_page_tables(page_tables(page_image(scan, page, options), options, page))
    assert [(len(t.header), len(t.rows)) for t in tables] == [(t["columns"], t["rows"]) for t in label["tables"]]
    (table,) = tables
    assert table.header == label["tables"][0]["header"]
    assert table.spans == []
    want = truth_rows(truth.read_text(encoding="utf-8"), page)
    assert want[0] == table.header  # the transcription's first row is the labelled header
    names = [row[1] for row in want[1:]]
    right = sum(got[1] == expected for got, expected in zip(table.rows, names))
    assert right >= len(names) - 1, [row[1] for row in table.rows]
    distance, chars, _, compared = cell_errors(tables, want)
    cells = sum(1 for row in want for cell in row if cell)
    assert compared == cells and distance / chars < 0.05, (distance, chars)
