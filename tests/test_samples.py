"""Sample-scan renderer (pipeline/testing/samples.py), the shared OCR metrics, and the committed samples."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from pipeline.testing import samples
from pipeline.testing.metrics import cer, char_errors, normalise_for_cer, wer

REPO = Path(__file__).resolve().parent.parent
SAMPLES_DIR = REPO / "data" / "samples"
TRUTH_DIR = REPO / "data" / "truth"

# A made-up document of another type and issuer than the seeds, written the way OCR'd or converted texts
# arrive: both header columns run together on one line, markdown debris, hard-wrapped paragraphs.
LETTER = """\
ỦY BAN NHÂN DÂN TỈNH BẮC NINH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ GIÁO DỤC VÀ ĐÀO TẠO Độc lập - Tự do - Hạnh phúc
Số: 215/BC-SGDĐT Bắc Ninh, ngày 05 tháng 9 năm 2025

## **BÁO CÁO**
Kết quả thực hiện nhiệm vụ năm học 2024 - 2025 và phương hướng
nhiệm vụ năm học 2025 - 2026

Thực hiện Chỉ thị số 12/CT-UBND ngày 20/8/2024 của Ủy ban nhân dân tỉnh về 
nhiệm vụ trọng tâm năm học, Sở Giáo dục và Đào tạo báo cáo kết quả như sau:

### I. KẾT QUẢ THỰC HIỆN
1. Công tác phát triển trường lớp
Toàn tỉnh duy trì ổn định mạng lưới trường, lớp; tỷ lệ huy động trẻ trong độ tuổi 
đến trường đạt kế hoạch đề ra.

- Hoàn thành sửa chữa phòng học xuống cấp trước ngày khai giảng;
- Bổ sung thiết bị dạy học tối thiểu cho các trường vùng khó khăn.

Trên đây là báo cáo kết quả năm học 2024 - 2025 của Sở Giáo dục và Đào tạo./. *ký*

Nơi nhận:
- UBND tỉnh;
- Lưu: VT, KHTC.

KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC

*Hà*
Trần Minh Đức
"""


@pytest.fixture(scope="module")
def letter_structure() -> samples.DocumentStructure:
    return samples.derive_structure(LETTER)


@pytest.fixture(scope="module")
def letter_clean_page() -> samples.RenderedPage:
    return samples.render_document(LETTER, "clean", seed=7, max_pages=1)[0]


# ---------------------------------------------------------------- metrics

def test_normalise_collapses_whitespace_and_composes():
    assert normalise_for_cer("  Kê\u0301  hoạch\n\tsố 12 ") == "Kế hoạch số 12"


def test_cer_and_wer_count_edits_on_normalised_text():
    assert cer("Kế hoạch số 12", "Kế  hoạch\nsố 12") == 0.0
    assert cer("Kế hoạch", "Ke hoạch") == pytest.approx(1 / 8)
    assert wer("Kế hoạch số 12", "Kế hoach số 12") == pytest.approx(1 / 4)
    assert cer("", "") == 0.0 and cer("", "x") == 1.0
    assert char_errors("abc", "abd") == (1, 3)


# ---------------------------------------------------------------- cleaning and structure

def test_markdown_debris_is_removed_but_text_kept():
    assert samples.strip_markdown("## **II. NỘI DUNG**") == "II. NỘI DUNG"
    assert samples.strip_markdown("(*qua phòng Văn hóa*) để xem xét") == "(qua phòng Văn hóa) để xem xét"
    assert samples.strip_markdown("*Le*  ") == ""  # a lone italic word: handwriting kept by a converter
    assert samples.strip_markdown("giải quyết./. *thanh*") == "giải quyết./."


def test_hard_wrapped_lines_are_rejoined_and_paragraphs_kept():
    lines = [
        "Căn cứ Quyết định số 1169/QĐ-TTg ngày 16/6/2025 của Thủ tướng Chính ",
        "phủ về phê duyệt Chương trình truyền thông thực hiện Nghị quyết số ",
        "57-NQ/TW của Bộ Chính trị;",
        "",
        "a) Quán triệt sâu rộng nội dung Nghị quyết đến các cơ quan, ban, ngành ",
        "",
        "và nhân dân trên địa bàn.",
        "2. Mục tiêu cụ thể",
        "- Ban hành Kế hoạch triển khai.",
    ]
    assert samples.join_wrapped_lines(lines) == [
        "Căn cứ Quyết định số 1169/QĐ-TTg ngày 16/6/2025 của Thủ tướng Chính phủ về phê duyệt Chương trình "
        "truyền thông thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị;",
        "a) Quán triệt sâu rộng nội dung Nghị quyết đến các cơ quan, ban, ngành và nhân dân trên địa bàn.",
        "2. Mục tiêu cụ thể",
        "- Ban hành Kế hoạch triển khai.",
    ]


def test_structure_of_a_run_together_header(letter_structure):
    s = letter_structure
    assert s.issuer == ["ỦY BAN NHÂN DÂN TỈNH BẮC NINH", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"]
    assert s.issuer_bold_from == 1  # the first line names the parent body
    assert s.number == "Số: 215/BC-SGDĐT"
    assert s.place_date == "Bắc Ninh, ngày 05 tháng 9 năm 2025"
    assert s.doc_type == "BÁO CÁO"
    assert s.title == ("Kết quả thực hiện nhiệm vụ năm học 2024 - 2025 và phương hướng "
                       "nhiệm vụ năm học 2025 - 2026")
    assert [p.style for p in s.body[:4]] == ["body", "heading", "subheading", "body"]
    assert s.body[-1].text.endswith("Sở Giáo dục và Đào tạo./.")
    assert s.recipients == ["- UBND tỉnh;", "- Lưu: VT, KHTC."]
    assert s.signature == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert s.signer == "Trần Minh Đức"


def test_missing_national_title_and_issuer_are_completed():
    text = ("Số: /KH-UBND\n\nAn Lạc, ngày tháng 3 năm 2026\n\nKẾ HOẠCH\n\nTổ chức ngày hội đọc sách\n\n"
            "Ủy ban nhân dân phường An Lạc ban hành Kế hoạch tổ chức ngày hội đọc sách như sau:\n")
    s = samples.derive_structure(text)
    assert s.national_title == samples.NATIONAL_TITLE and s.motto == samples.MOTTO
    assert s.issuer == ["ỦY BAN NHÂN DÂN", "PHƯỜNG AN LẠC"]


def test_english_model_garble_is_refused():
    garble = ("Tuyén truyén Nghi quyét s6 57-NQ/TW ngay 22/12/2024 ciia B6 Chinh trj vé dot pha phat trién "
              "khoa hoc cong nghé, déi méi sang tao va chuyén d6i s6 qudc gia dén nim 2030 trén dia ban "
              "phwong Gia Vién cua UBND thanh pho va cac co quan don vi lien quan trong tinh") * 3
    assert not samples.looks_like_clean_vietnamese(garble)
    with pytest.raises(samples.SampleError):
        samples.derive_structure(garble)


# ---------------------------------------------------------------- rendering

def test_page_is_a4_at_300_dpi_with_truth_in_documented_order(letter_clean_page):
    page = letter_clean_page
    assert page.image.size == (2480, 3508) and page.dpi == 300
    lines = page.truth_text.splitlines()
    assert lines[:6] == [
        "ỦY BAN NHÂN DÂN TỈNH BẮC NINH", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Số: 215/BC-SGDĐT",
        samples.NATIONAL_TITLE, samples.MOTTO, "Bắc Ninh, ngày 05 tháng 9 năm 2025",
    ]
    assert lines[6] == "BÁO CÁO"
    assert lines[-6:-3] == ["Nơi nhận:", "- UBND tỉnh;", "- Lưu: VT, KHTC."]
    assert lines[-3:] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Minh Đức"]  # tail: left column, then right
    # Every word of the source body is on the page, in order, and nothing else.
    body_words = " ".join(p.text for p in samples.derive_structure(LETTER).body).split()
    drawn = normalise_for_cer(page.truth_text).split()
    start = drawn.index(body_words[0])
    assert drawn[start:start + len(body_words)] == body_words
    # Text is inside the Decree 30 margins: left >= 30 mm, right >= 15 mm, top and bottom >= 20 mm.
    for line in page.lines:
        if line.region.startswith("header"):
            continue  # the header table may reach into the margins, as in Word templates
        left, top, right, bottom = line.box
        assert left >= samples.mm_to_px(30) - 2 and right <= 2480 - samples.mm_to_px(15) + 2
        assert top >= samples.mm_to_px(20) - 60 and bottom <= 3508 - samples.mm_to_px(20)


def test_ink_lies_inside_the_truth_boxes(letter_clean_page):
    page = letter_clean_page
    ink = np.asarray(page.image) < 128
    covered = np.zeros_like(ink)
    for left, top, right, bottom in [line.box for line in page.lines] + [box for _, box in page.marks]:
        covered[max(top, 0):bottom + 1, max(left, 0):right + 1] = True
    kinds = [kind for kind, _ in page.marks]
    assert kinds.count("rule") == 3  # issuer, motto and subject underlines
    assert (ink & ~covered).sum() == 0


def test_truth_matches_what_tesseract_reads_on_a_clean_crop(letter_clean_page):
    pytesseract = pytest.importorskip("pytesseract")
    page = letter_clean_page
    body = [line for line in page.lines if line.region == "body"][1:6]  # subject and first paragraph
    box = (min(l.box[0] for l in body) - 20, body[0].box[1] - 20,
           max(l.box[2] for l in body) + 20, body[-1].box[3] + 20)
    read = pytesseract.image_to_string(page.image.crop(box), lang="vie", config="--psm 6")
    truth = "\n".join(line.text for line in body)
    assert cer(truth, read) < 0.02, (truth, read)


def test_composition_is_deterministic_for_a_seed(letter_clean_page):
    again = samples.render_document(LETTER, "clean", seed=7, max_pages=1)[0]
    other = samples.render_document(LETTER, "clean", seed=8, max_pages=1)[0]
    assert again.image.tobytes() == letter_clean_page.image.tobytes()
    assert again.truth_text == letter_clean_page.truth_text
    assert other.image.tobytes() != letter_clean_page.image.tobytes()  # the seed varies the layout


@pytest.fixture(scope="module")
def letter_top(letter_clean_page) -> Image.Image:
    """The header and first lines: a third of a page keeps the degradation tests fast."""
    return letter_clean_page.image.crop((0, 0, 2480, 800))


@pytest.mark.parametrize("profile", ["mild", "heavy", "photocopy", "lowres"])
def test_profiles_degrade_deterministically(letter_top, profile):
    out = samples.degrade(letter_top, profile, samples.profile_rng(profile, 0, 1))
    again = samples.degrade(letter_top, profile, samples.profile_rng(profile, 0, 1))
    other = samples.degrade(letter_top, profile, samples.profile_rng(profile, 1, 1))
    assert out.mode == "L"
    assert out.tobytes() == again.tobytes() and out.tobytes() != other.tobytes()
    if profile == "lowres":
        dpi = out.width / (210 / 25.4)
        assert 70 <= dpi <= 78 and abs(out.height / out.width - 800 / 2480) < 0.01
        return
    assert out.size == letter_top.size
    clean, noisy = np.asarray(letter_top, np.float32), np.asarray(out, np.float32)
    assert np.abs(clean - noisy).mean() > 3  # visibly changed
    assert np.median(noisy) < 252  # no longer pure white paper


def test_unknown_profile_and_format_are_refused(letter_clean_page):
    with pytest.raises(samples.SampleError):
        samples.degrade(letter_clean_page.image, "sepia", np.random.default_rng(0))
    with pytest.raises(samples.SampleError):
        samples.encode_pages([letter_clean_page], "bmp", "clean")


def test_max_pages_and_multipage_formats(tmp_path):
    long_text = LETTER.replace("Trên đây", ("Toàn tỉnh duy trì ổn định mạng lưới trường, lớp học. " * 40 + "\n\n") * 3
                               + "Trên đây")
    pages = samples.render_document(long_text, "clean", seed=0, max_pages=2)
    assert [p.number for p in pages] == [1, 2]
    assert pages[1].truth_text.splitlines()[0] == "2"  # page number, top centre
    written = samples.write_sample(pages, tmp_path, "doc", "clean", "tiff")
    assert Image.open(written[0]).n_frames == 2
    pngs = samples.write_sample(pages, tmp_path, "doc", "clean", "png")
    assert [p.name for p in pngs] == ["doc.clean.p0001.png", "doc.clean.p0002.png"]
    pdf = samples.write_sample(pages, tmp_path, "doc", "clean", "pdf")[0]
    assert _page_count(pdf) == 2
    assert samples.encode_pages(pages, "pdf", "clean") == pdf.read_bytes()  # no timestamps inside
    truth = sorted(p.name for p in (tmp_path / "truth").iterdir())
    assert truth == ["doc.clean.p0001.txt", "doc.clean.p0002.txt"]


def test_cli_renders_a_folder_and_skips_garble(tmp_path, capsys):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "letter.txt").write_text(LETTER, encoding="utf-8")
    (seeds / "garble.txt").write_text("Ké hoach s6 12 ciia UBND thanh pho vé viéc " * 30, encoding="utf-8")
    out = tmp_path / "out"
    assert samples.main(["--seeds", str(seeds), "--out", str(out), "--profiles", "clean", "--max-pages", "1"]) == 0
    assert (out / "letter.clean.pdf").stat().st_size > 0
    assert (out / "truth" / "letter.clean.p0001.txt").read_text(encoding="utf-8").startswith("ỦY BAN")
    assert not list(out.glob("garble*"))
    assert "garble.txt: skipped" in capsys.readouterr().err


# ---------------------------------------------------------------- committed samples

def _page_count(path: Path) -> int:
    if path.suffix == ".pdf":
        import pikepdf

        with pikepdf.open(path) as pdf:
            return len(pdf.pages)
    with Image.open(path) as image:
        return getattr(image, "n_frames", 1)


def test_committed_samples_have_truth_for_every_page():
    scans = sorted(p for p in SAMPLES_DIR.iterdir() if p.suffix in (".pdf", ".png", ".jpg", ".tiff"))
    assert {p.suffix for p in scans} >= {".pdf", ".png", ".jpg", ".tiff"}
    expected = set()
    for scan in scans:
        stem = re.sub(r"\.p\d{4}$", "", scan.stem)
        for number in range(1, _page_count(scan) + 1):
            truth = TRUTH_DIR / f"{stem}.p{number:04d}.txt"
            assert truth.is_file(), f"{scan.name}: no truth for page {number}"
            assert normalise_for_cer(truth.read_text(encoding="utf-8")), truth
            expected.add(truth.name)
    assert {p.name for p in TRUTH_DIR.glob("*.txt")} == expected  # no truth without its scan
    assert not [p for p in SAMPLES_DIR.rglob("*") if "truth" in p.parts]  # planocr run must not see truth
    assert sum(p.stat().st_size for p in SAMPLES_DIR.rglob("*") if p.is_file()) < 4_000_000


def test_committed_samples_are_what_the_recipe_renders():
    """The lowres page is cheap to re-render: it must equal the committed file pixel for pixel."""
    source = (REPO / "data" / "sources" / "kh-tan-ky.txt").read_text(encoding="utf-8")
    page = samples.render_document(source, "lowres", seed=0, max_pages=1)[0]
    committed = Image.open(SAMPLES_DIR / "kh-tan-ky.lowres.png")
    assert committed.size == page.image.size
    # Exact on this toolchain; a newer bundled FreeType or libjpeg may move a few grey levels.
    difference = np.abs(np.asarray(committed, np.float32) - np.asarray(page.image, np.float32))
    assert difference.mean() < 1.0
    assert (TRUTH_DIR / "kh-tan-ky.lowres.p0001.txt").read_text(encoding="utf-8") == page.truth_text


def test_official_letter_without_type_name_keeps_its_header():
    text = ("ỦY BAN NHÂN DÂN\nXÃ AN BÌNH\nSố: 12/UBND-VP\nV/v triển khai công tác chuyển đổi số\n\n"
            "Kính gửi: Các thôn, xóm.\n\nỦy ban nhân dân xã đề nghị các thôn thực hiện nghiêm túc công việc.\n")
    s = samples.derive_structure(text)
    assert s.has_header and s.doc_type is None and s.title is None
    assert s.issuer == ["ỦY BAN NHÂN DÂN", "XÃ AN BÌNH"] and s.summary == ["V/v triển khai công tác chuyển đổi số"]
    assert [p.text for p in s.body] == ["Kính gửi: Các thôn, xóm.",
                                        "Ủy ban nhân dân xã đề nghị các thôn thực hiện nghiêm túc công việc."]


def test_bare_text_gets_no_invented_header_and_long_words_are_cut_to_fit():
    text = "Nội dung công việc của các phòng ban chuyên môn, xem tại https://" + "a" * 300 + " trong tháng."
    page = samples.render_document(text, "clean", seed=0)[0]
    assert {line.region for line in page.lines} == {"body"}
    assert normalise_for_cer(page.truth_text).replace(" ", "") == text.replace(" ", "")
    assert all(line.box[2] <= 2480 - samples.mm_to_px(15) + 2 for line in page.lines)


VIETNAMESE_WORDS = ["Ủy", "ban", "nhân", "dân", "xã", "kế", "hoạch", "số", "57-NQ/TW", "ngày", "22/12/2024",
                    "chuyển", "đổi", "KẾ HOẠCH", "Nơi nhận:", "- Lưu: VT.", "I.", "1.", "a)", "CHỦ TỊCH", "./."]


@settings(max_examples=8, deadline=None)
@given(st.lists(st.lists(st.sampled_from(VIETNAMESE_WORDS), min_size=1, max_size=30), min_size=1, max_size=12),
       st.sampled_from(["\n", "\n\n", " \n"]))
def test_any_text_of_vietnamese_words_composes(paragraphs, separator):
    text = separator.join(" ".join(words) for words in paragraphs)
    try:
        structure = samples.derive_structure(text)
    except samples.SampleError:
        return  # too few Vietnamese-marked words: refused with a reason, never a crash
    pages = samples.compose_pages(structure, seed=0, max_pages=1)
    for page in pages:
        assert all(line.text and line.text == line.text.strip() for line in page.lines)
    drawn = " ".join(normalise_for_cer(p.truth_text) for p in pages).split()
    assert drawn and set(drawn) <= set(samples.structure_text(structure).split())  # every drawn word is in the structure
