"""Stage 1 (load): kinds, page counts, text layers, image modes, and bad inputs through the CLI."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image

from pipeline.errors import EncryptedInputError, UnreadableInputError, UnsupportedInputError
from pipeline.load import count_pages, detect_kind, load_page
from pipeline.load.pdf import text_layer_is_usable
from pipeline.load.text import read_text_file
from pipeline.options import Options
from pipeline.testing.batch import PLAN_LINES, make_text_pdf

OPTIONS = Options(jobs=1)


def make_image_pdf(path: Path) -> None:
    Image.new("L", (300, 400), 255).save(path, "PDF", resolution=72.0)


# --- kinds and text -------------------------------------------------------------------------------

def test_detect_kind_by_suffix_and_refusals(tmp_path):
    for name, kind in [("a.PDF", "pdf"), ("b.tif", "image"), ("c.jpeg", "image"), ("d.txt", "text")]:
        (tmp_path / name).write_bytes(b"x")
        assert detect_kind(tmp_path / name) == kind
    (tmp_path / "e.docx").write_bytes(b"x")
    with pytest.raises(UnsupportedInputError, match="docx"):
        detect_kind(tmp_path / "e.docx")
    (tmp_path / "f.png").write_bytes(b"")
    with pytest.raises(UnreadableInputError, match="empty"):
        detect_kind(tmp_path / "f.png")


def test_text_file_bom_and_encoding(tmp_path):
    bom = tmp_path / "bom.txt"
    bom.write_bytes("\ufeffKế hoạch\r\nsố 1".encode("utf-8"))
    assert read_text_file(bom) == "Kế hoạch\nsố 1"
    decomposed = tmp_path / "nfd.txt"
    decomposed.write_text("Ke\u0302\u0301 hoa\u0323ch", encoding="utf-8")
    assert read_text_file(decomposed) == "Kế hoạch"  # NFC, as the contract says
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes("Tân Kỳ".encode("cp1258", errors="replace"))  # a Windows code page, not UTF-8
    with pytest.raises(UnreadableInputError, match="not UTF-8"):
        read_text_file(legacy)


# --- PDF --------------------------------------------------------------------------------------------

def test_pdf_with_good_text_layer_skips_ocr_unless_forced(tmp_path):
    pdf = tmp_path / "born-digital.pdf"
    pdf.write_bytes(make_text_pdf(PLAN_LINES))
    assert count_pages(pdf, "pdf", OPTIONS) == 1
    page = load_page(pdf, "pdf", 1, OPTIONS)
    assert page.text_path == "text-layer" and page.image is None
    assert page.text.splitlines() == PLAN_LINES
    forced = load_page(pdf, "pdf", 1, Options(jobs=1, force_ocr=True, dpi=100))
    assert forced.text_path == "ocr" and forced.text is None
    assert forced.image.dtype == np.uint8 and forced.image.ndim == 2
    assert abs(forced.image.shape[1] - round(595 / 72 * 100)) <= 2  # rasterised at the requested dpi


@pytest.mark.parametrize("layer, usable", [
    ("\n".join(PLAN_LINES), True),
    # English-model OCR of a Vietnamese scan: syllable-shaped, but the marks are gone
    ("Tuyén truyén Nghi quyét s6 57-NQ/TW ngay 22/12/2024 ciia B6 Chinh trj vé dot pha phat trién khoa hoc "
     "cong nghé, déi méi sang tao va chuyén d6i s6 qudc gia dén nim 2030 trén dia ban phuong Gia Vién " * 2, False),
    # a legacy TCVN3 font read as Latin-1
    ("Uû ban nh©n d©n x· T©n Kú ban hµnh KÕ ho¹ch tuyªn truyÒn NghÞ quyÕt sè 57 vÒ ®ét ph¸ ph¸t triÓn " * 3, False),
    ("(cid:12)(cid:40)(cid:71) " * 40, False),
    ("Kế hoạch", False),  # too little text to judge: OCR the page
])
def test_text_layer_quality_judge(layer, usable):
    assert text_layer_is_usable(layer) is usable


def test_scanned_pdf_pages_are_rasterised_one_at_a_time(tmp_path):
    pdf = tmp_path / "scan.pdf"
    pages = [Image.new("L", (200, 280), shade) for shade in (255, 128, 0)]
    pages[0].save(pdf, "PDF", save_all=True, append_images=pages[1:], resolution=72.0)
    assert count_pages(pdf, "pdf", OPTIONS) == 3
    second = load_page(pdf, "pdf", 2, Options(jobs=1, dpi=72))
    assert second.text_path == "ocr" and abs(int(np.median(second.image)) - 128) <= 2


def test_encrypted_and_corrupt_pdfs_are_categorised(tmp_path):
    plain = tmp_path / "plain.pdf"
    make_image_pdf(plain)
    with pikepdf.open(plain) as pdf:
        pdf.save(tmp_path / "locked.pdf", encryption=pikepdf.Encryption(user="secret", owner="secret"))
        pdf.save(tmp_path / "owner-only.pdf", encryption=pikepdf.Encryption(user="", owner="secret"))
    with pytest.raises(EncryptedInputError, match="qpdf"):
        count_pages(tmp_path / "locked.pdf", "pdf", OPTIONS)
    assert count_pages(tmp_path / "owner-only.pdf", "pdf", OPTIONS) == 1  # opens without a password: fine
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    with pytest.raises(UnreadableInputError, match="corrupt or truncated"):
        count_pages(junk, "pdf", OPTIONS)


# --- images -------------------------------------------------------------------------------------------

def test_multipage_tiff_gives_each_frame(tmp_path):
    tiff = tmp_path / "scan.tiff"
    frames = [Image.new("L", (120, 160), shade) for shade in (250, 150, 50)]
    frames[0].save(tiff, save_all=True, append_images=frames[1:])
    assert count_pages(tiff, "image", OPTIONS) == 3
    shades = [int(load_page(tiff, "image", n, OPTIONS).image.mean()) for n in (1, 2, 3)]
    assert shades == [250, 150, 50]


def test_image_modes_become_uint8(tmp_path):
    # 16-bit grayscale: scaled, not clipped to white
    deep = np.full((40, 60), 32768, dtype=np.uint16)
    Image.fromarray(deep).save(tmp_path / "deep.png")
    gray16 = load_page(tmp_path / "deep.png", "image", 1, OPTIONS).image
    assert gray16.dtype == np.uint8 and 120 <= int(gray16.mean()) <= 135
    # transparent background: paper, not black
    rgba = Image.new("RGBA", (60, 40), (0, 0, 0, 0))
    rgba.paste((0, 0, 0, 255), (10, 10, 20, 20))
    rgba.save(tmp_path / "alpha.png")
    flat = load_page(tmp_path / "alpha.png", "image", 1, OPTIONS).image
    assert flat.ndim == 2 and flat[0, 0] == 255 and flat[15, 15] == 0
    # palette and 1-bit
    Image.new("P", (30, 30), 0).save(tmp_path / "palette.png")
    Image.new("1", (30, 30), 1).save(tmp_path / "bilevel.png")
    assert load_page(tmp_path / "palette.png", "image", 1, OPTIONS).image.dtype == np.uint8
    assert int(load_page(tmp_path / "bilevel.png", "image", 1, OPTIONS).image.min()) == 255
    # colour stays colour (BGR) for the preprocessing stage to decide
    colour = Image.new("RGB", (30, 30), (200, 30, 30))
    colour.save(tmp_path / "colour.png")
    bgr = load_page(tmp_path / "colour.png", "image", 1, OPTIONS).image
    assert bgr.shape == (30, 30, 3) and tuple(bgr[0, 0]) == (30, 30, 200)


def test_exif_orientation_is_applied(tmp_path):
    image = Image.new("L", (80, 40), 255)
    image.paste(0, (0, 0, 10, 10))  # black square top-left of the stored pixels
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    image.save(tmp_path / "phone.jpg", exif=exif.tobytes(), quality=95)
    page = load_page(tmp_path / "phone.jpg", "image", 1, OPTIONS).image
    assert page.shape == (80, 40)  # displayed upright: portrait
    assert page[:10, -10:].mean() < 60  # the square is now top-right


def test_garbage_named_png_is_not_a_valid_image(tmp_path):
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"this is not an image at all" * 20)
    with pytest.raises(UnreadableInputError, match="not a valid image"):
        count_pages(fake, "image", OPTIONS)
    cut = tmp_path / "cut.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (200, 200), dtype=np.uint8)).save(tmp_path / "whole.png")
    cut.write_bytes((tmp_path / "whole.png").read_bytes()[:3000])
    with pytest.raises(UnreadableInputError, match="not a valid image"):
        count_pages(cut, "image", OPTIONS)


# --- bad inputs through the CLI ---------------------------------------------------------------------

def test_bad_inputs_fail_one_by_one_and_the_rest_is_processed(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "empty.pdf").write_bytes(b"")
    make_image_pdf(inputs / "whole.pdf")
    data = (inputs / "whole.pdf").read_bytes()
    (inputs / "truncated.pdf").write_bytes(data[: len(data) // 2])
    (inputs / "whole.pdf").unlink()
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(inputs / "locked.pdf", encryption=pikepdf.Encryption(user="pw", owner="pw"))
    (inputs / "noise.png").write_bytes(bytes(np.random.default_rng(3).integers(0, 256, 4096, dtype=np.uint8)))
    (inputs / "slides.pptx").write_bytes(b"PK\x03\x04")
    (inputs / "good.pdf").write_bytes(make_text_pdf(PLAN_LINES))  # text layer: no OCR needed
    missing = tmp_path / "nowhere" / "lost.pdf"
    out = tmp_path / "out"
    names = ["empty.pdf", "truncated.pdf", "locked.pdf", "noise.png", "slides.pptx", "good.pdf"]
    argv = [sys.executable, "-m", "pipeline", "run", *[str(inputs / n) for n in names], str(missing),
            "-o", str(out), "--no-restore", "--jobs", "1"]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    expected = {  # file -> (category, words the one-line reason must contain)
        "empty.pdf": ("unreadable", "empty"),
        "truncated.pdf": ("unreadable", "truncated"),
        "locked.pdf": ("encrypted", "decrypt"),
        "noise.png": ("unreadable", "not a valid image"),
        "slides.pptx": ("unsupported", "unsupported file type"),
        "lost.pdf": ("missing", "no such file"),
    }
    error_lines = [line for line in proc.stderr.splitlines() if not line.startswith("planocr:")]
    for name, (category, reason) in expected.items():
        hits = [line for line in error_lines if name in line]
        assert len(hits) == 1, (name, proc.stderr)
        assert category in hits[0] and reason in hits[0], hits[0]
    entries = {Path(e["input"]).name: e for e in map(json.loads, (out / "manifest.jsonl").read_text().splitlines())}
    assert set(entries) == set(expected) | {"good.pdf"}
    for name, (category, _) in expected.items():
        assert entries[name]["status"] == "failed" and entries[name]["category"] == category and entries[name]["output"] is None
    assert entries["good.pdf"]["status"] == "ok"
    record = json.loads((out / "good.json").read_text(encoding="utf-8"))
    assert record["pages"][0]["text_path"] == "text-layer" and "Nghị quyết số 57-NQ/TW" in record["text"]
    leftovers = sorted(p.name for p in out.iterdir() if p.name not in ("manifest.jsonl", "good.json"))
    assert not [name for name in leftovers if name.endswith((".json", ".tmp"))], leftovers  # no partial records
