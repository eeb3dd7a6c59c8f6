"""Stage 1 (load) on real published PDFs (../shared/realscans; skipped with the reason when absent): which
pages are OCR'd, the portals' e-signature boxes as overlays, a born-digital page's text without them.

What is pinned was read off the files by eye (pdftotext, page renders): the scans carry the e-signature
boxes as signature widgets on page 1, 08 is a Word PDF whose number and day are signature widgets too.
"""

import pytest

from pipeline.load import count_pages, load_page
from pipeline.options import Options

OPTIONS = Options(jobs=1)

SCANS = {  # file: pages
    "11_ubnd-quangngai_ttr01_scan.pdf": 1,
    "13_bcd138-quangngai_qd04_scan.pdf": 2,
    "16_ubnd-quangngai_cv575_scan.pdf": 1,
    "S1_ubnd-quangngai_ct01-2021_scan-graybg.pdf": 3,
    "S3_ubnd-quangngai_ct11-2024_scan.pdf": 4,
    "S5_ubnd-quangngai_qd51-2025_scan.pdf": 3,
}


@pytest.fixture(scope="module")
def scans(realscans_dir):
    return realscans_dir / "scans"


@pytest.mark.parametrize("name", sorted(SCANS))
def test_every_page_of_a_published_scan_is_ocred_with_its_e_signature_boxes_kept_out(scans, name):
    path = scans / name
    assert count_pages(path, "pdf", OPTIONS) == SCANS[name]
    for number in range(1, SCANS[name] + 1):
        page = load_page(path, "pdf", number, OPTIONS)
        assert page.kind == "scan" and page.text_path == "ocr" and page.image is not None, (name, number)
        assert page.steps[0].startswith("page:scan (page-filling image 100%; no text of its own"), page.steps
        assert page.mask_boxes == ()  # the scan is drawn alone, without the widgets
        if number > 1:
            assert page.overlays == ()
            continue
        assert page.overlays and all(o.kind == "e-signature" for o in page.overlays)
        text = "\n".join(o.text or "" for o in page.overlays)
        assert "Ký bởi: Ủy ban nhân dân" in text or "TRUNG TÂM CÔNG" in text
        height = page.image.shape[0]
        for overlay in page.overlays:  # in the top margin, where the portals put them
            assert overlay.box[1] + overlay.box[3] < 0.1 * height, overlay


def test_the_portal_and_the_issuer_each_have_their_box(scans):
    page = load_page(scans / "11_ubnd-quangngai_ttr01_scan.pdf", "pdf", 1, OPTIONS)
    texts = sorted(o.text for o in page.overlays)
    assert texts == [
        "Ký bởi: Ủy ban nhân dân tỉnh Quảng Ngãi\nCơ quan: Tỉnh Quảng Ngãi\nThời gian ký: 07/01/2025 10:09:57",
        "TRUNG TÂM CÔNG\nBÁO VÀ TIN HỌC\nttcbth@quangngai.gov.vn\n07.01.2025 10:44:25\n+07:00",
    ]
    assert page.steps[0] == "page:scan (page-filling image 100%; no text of its own; 2 e-signature boxes recorded as overlays)"


def test_born_digital_document_keeps_its_text_its_number_and_day_but_not_the_portal_box(scans):
    path = scans / "08_ubnd-quangngai_tb565_digital.pdf"
    first = load_page(path, "pdf", 1, OPTIONS)
    assert first.kind == "born-digital" and first.text_path == "text-layer" and first.image is None
    assert first.steps[0].startswith("page:born-digital (visible text over ")
    lines = first.text.splitlines()
    assert "Số: 565" in lines and "Quảng Ngãi, ngày 15 tháng 11 năm 2024" in lines  # widgets that fill the form
    assert not any("TRUNG TÂM" in line or "ttcbth@" in line or "+07:00" in line for line in lines)
    [portal] = first.overlays
    assert portal.kind == "e-signature" and portal.text.startswith("TRUNG TÂM CÔNG\nBÁO VÀ TIN HỌC\nttcbth@")
    last = load_page(path, "pdf", 4, OPTIONS)
    assert last.kind == "born-digital" and "Phùng Tô Long" in last.text
    assert [(o.kind, o.text) for o in last.overlays] == [("e-signature", None), ("e-signature", None)]  # seal, signature
    for number in (2, 3):
        middle = load_page(path, "pdf", number, OPTIONS)
        assert middle.kind == "born-digital" and middle.overlays == ()


def test_a_blank_verso_scan_is_a_scan_not_a_born_digital_page(scans):
    page = load_page(scans / "S3_ubnd-quangngai_ct11-2024_scan.pdf", "pdf", 4, OPTIONS)
    assert page.kind == "scan" and page.text_path == "ocr"  # image-level blank detection is preprocessing's


def test_skip_text_keeps_the_old_rule_only_for_usable_text(scans):
    # the portal's box alone is not the page's text: even --skip-text OCRs the scan under it
    page = load_page(scans / "11_ubnd-quangngai_ttr01_scan.pdf", "pdf", 1, Options(jobs=1, skip_text=True))
    assert page.text_path == "ocr" and len(page.overlays) == 2
