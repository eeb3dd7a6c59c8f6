"""Reducing page results into the record (pipeline.document.assemble_document)."""

from pathlib import Path

import pytest

from pipeline.document import DocumentPlan, PageResult, assemble_document
from pipeline.model import Page
from pipeline.options import Options

RUNNING_HEADER = "Báo cáo tổng kết công tác năm 2025 của Hội Nông dân xã An Hòa"
PAGE_1 = """HỘI NÔNG DÂN VIỆT NAM
BAN CHẤP HÀNH HỘI NÔNG DÂN XÃ AN HÒA
Số: 21/BC-HND
An Hòa, ngày 15 tháng 12 năm 2025
BÁO CÁO
Tổng kết công tác năm 2025
I. KẾT QUẢ THỰC HIỆN
1. Công tác tuyên truyền
Tổ chức 24 buổi tuyên truyền cho hội viên về chính sách pháp luật."""
PAGE_2 = f"""{RUNNING_HEADER}
2. Công tác phát triển hội viên
Kết nạp mới 56 hội viên, nâng tổng số hội viên lên 1.240 người.
II. PHƯƠNG HƯỚNG NĂM 2026
1. Tiếp tục đổi mới nội dung sinh hoạt chi hội."""
PAGE_3 = f"""{RUNNING_HEADER}
2. Phát triển các mô hình kinh tế tập thể.
Trên đây là báo cáo tổng kết công tác năm 2025 của Hội Nông dân xã./.
Nơi nhận:
- Hội Nông dân tỉnh;
- Lưu: VT.
TM. BAN CHẤP HÀNH
CHỦ TỊCH
Trần Văn Bình"""


def result(number: int, text: str) -> PageResult:
    return PageResult(page=Page(number=number, text=text, text_path="ocr"), corrections=[])


def test_a_running_header_at_each_page_top_is_not_taken_into_the_body():
    """The parser is told where pages begin: a line repeated at the top of pages 2 and 3 is a running header,
    not text of the sections it falls into; the record's text keeps every page as read."""
    plan = DocumentPlan(path=Path("bao_cao.tif"), kind="image", sha256="0" * 64, pages=3)
    doc = assemble_document(plan, [result(3, PAGE_3), result(1, PAGE_1), result(2, PAGE_2)], Options())
    assert doc.doc_type_code == "BC" and [s.label for s in doc.sections] == ["I", "II"]
    body = "\n".join(line for top in doc.sections for s in [top, *walk(top)] for line in [s.heading or "", *s.paragraphs])
    assert "Kết nạp mới 56 hội viên" in body
    assert RUNNING_HEADER not in body
    assert doc.text.count(RUNNING_HEADER) == 2 and doc.text.startswith("HỘI NÔNG DÂN VIỆT NAM")
    assert doc.signature is not None and doc.signature.signer == "Trần Văn Bình"


def walk(section):
    for child in section.children:
        yield child
        yield from walk(child)


def test_restoration_warm_up_loads_once_in_the_background_and_the_page_waits_for_it():
    import diacritics
    from pipeline import restore

    restore.start_warm_up()
    thread = restore._warm_up_thread
    restore.start_warm_up()
    assert restore._warm_up_thread is thread  # one load per process, however many pages ask
    text = "Ke hoach trien khai Nghi quyet cua Bo Chinh tri"
    page = restore.restore_page(text, 1)
    assert not thread.is_alive()  # restore_page waited for the load rather than racing it
    assert page.text == diacritics.restore(text).text == "Kế hoạch triển khai Nghị quyết của Bộ Chính trị"
    assert all(c.page == 1 for c in page.corrections) and len(page.corrections) == 9  # all but "khai"


def restoration_state_in_this_process(_argument=None) -> tuple[bool, bool]:
    """(data loaded, a warm-up thread started) — run inside a pool worker by the test below."""
    from pipeline import restore

    restore.start_warm_up()
    return restore._data_loaded, restore._warm_up_thread is not None


def test_pool_workers_fork_with_the_restoration_data_loaded_and_load_nothing_themselves():
    from pipeline.batch.executor import WorkerPool
    from pipeline.batch.forkserver import WORKER_PRELOAD, worker_context

    if worker_context().get_start_method() != "forkserver":
        pytest.skip("no forkserver on this platform: workers load the data themselves")
    assert WORKER_PRELOAD[-1] == "pipeline.batch.forkserver_warm_up"  # after the stages it uses
    pool = WorkerPool(1)
    try:
        pool.submit("state", restoration_state_in_this_process, None, limit=60)
        done = []
        while not done:
            done = pool.wait(timeout=60)
    finally:
        pool.shutdown()
    assert done[0].failure is None, done[0].failure
    assert done[0].value == (True, False)  # loaded before the fork; no second load in the worker
