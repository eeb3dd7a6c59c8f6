"""Stage 1 (load), which PDF pages are OCR'd: the decision from evidence, on small constructed PDFs.

Each page is built with pikepdf the way scanners, portals and word processors write them: a scan with a
portal's e-signature box (as page text or as a signature widget), a scan with an invisible OCR layer that
is good, partial or garbage, a born-digital page, a blank verso. The decision, its reason in the steps,
the overlays and the masks are checked; no OCR runs here.
"""

import math
import zlib
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image, ImageDraw
from pydantic import ValidationError

from pipeline.document import process_loaded_page
from pipeline.load import PageInput, load_page
from pipeline.load.page import blank_boxes
from pipeline.options import Options

A4 = (595, 842)
DPI = 100  # rasters of ~827 x 1170 px: quick
OPTIONS = Options(jobs=1, dpi=DPI)

PLAN_LINES = [
    "ỦY BAN NHÂN DÂN XÃ TÂN KỲ",
    "Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển",
    "khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia;",
    "Ủy ban nhân dân xã ban hành Kế hoạch tuyên truyền, cụ thể như sau:",
    "1. Tổ chức thực hiện kế hoạch trên địa bàn xã, bảo đảm thiết thực, hiệu quả.",
    "2. Các phòng, ban chuyên môn phối hợp triển khai các nhiệm vụ được giao đúng tiến độ.",
    "3. Báo cáo kết quả thực hiện về Ủy ban nhân dân xã trước ngày 30 tháng 6 năm 2025.",
    "4. Kinh phí thực hiện từ nguồn ngân sách xã được giao trong dự toán năm 2025.",
    "5. Giao Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã theo dõi, đôn đốc.",
    "6. Trong quá trình thực hiện, nếu có khó khăn, vướng mắc kịp thời báo cáo.",
]

E_SIGNATURE = ["Ký bởi: Ủy ban nhân dân tỉnh Quảng Ngãi", "Cơ quan: Tỉnh Quảng Ngãi", "Thời gian ký: 07/01/2025 10:09:57"]


class Font:
    """Times-Roman with every non-ASCII letter of the given lines mapped through /Differences to a uniXXXX
    glyph name (poppler turns those back into Unicode)."""

    def __init__(self, pdf: pikepdf.Pdf, lines: list[str]):
        extra = sorted({ch for line in lines for ch in line if ord(ch) > 126})
        self.code = {ch: 128 + i for i, ch in enumerate(extra)}
        differences = [pikepdf.Name(f"/uni{ord(ch):04X}") for ch in extra]
        self.dict = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name("/Times-Roman"),
            Encoding=pikepdf.Dictionary(Type=pikepdf.Name.Encoding, BaseEncoding=pikepdf.Name.WinAnsiEncoding,
                                        Differences=pikepdf.Array([128, *differences]))))

    def encode(self, line: str) -> bytes:
        out = bytearray(b"(")
        for ch in line:
            if ch in self.code:
                out += b"\\%03o" % self.code[ch]
            elif ch in "()\\":
                out += b"\\" + ch.encode()
            else:
                out += ch.encode("ascii")
        return bytes(out + b")")


def text_block(font: Font, lines: list[str], x: float, y: float, size: float = 11, leading: float = 15,
               mode: int = 0) -> bytes:
    body = b"".join(font.encode(line) + b" Tj T*\n" for line in lines)
    return b"BT %d Tr /F1 %g Tf %g TL 1 0 0 1 %g %g Tm\n" % (mode, size, leading, x, y) + body + b"ET\n"


def line_boxes(lines: list[str], x: float, y: float, size: float = 11, leading: float = 15) -> list[tuple]:
    """Where the load stage estimates each line of ``text_block`` to be (half an em per glyph), in points."""
    return [(x, y - i * leading - 0.2 * size, x + 0.5 * size * len(line), y - i * leading + 0.8 * size)
            for i, line in enumerate(lines)]


def scan_image(boxes_pt: list[tuple], colour: bool = False) -> np.ndarray:
    """A 100-dpi page raster with a black bar wherever a line of text stands (y up, points)."""
    k = DPI / 72
    width, height = round(A4[0] * k), round(A4[1] * k)
    image = Image.new("RGB" if colour else "L", (width, height), (246, 246, 240) if colour else 246)
    draw = ImageDraw.Draw(image)
    for x0, y0, x1, y1 in boxes_pt:
        draw.rectangle([x0 * k, (A4[1] - y1) * k, x1 * k, (A4[1] - y0) * k], fill=(20, 20, 20) if colour else 20)
    if colour:
        draw.ellipse([500, 900, 700, 1100], outline=(200, 30, 30), width=12)  # a red seal
    return np.asarray(image)


def make_page_pdf(path: Path, content: bytes, image: np.ndarray | None = None, lines: list[str] = (),
                  annots: list | None = None) -> Path:
    """One A4 page: optionally a page-filling Flate image (/Im0), the given content after it, a font for
    ``lines`` (/F1) and annotations built by ``annots`` (callables taking the Pdf)."""
    pdf = pikepdf.new()
    resources = pikepdf.Dictionary()
    prefix = b""
    if image is not None:
        stream = pikepdf.Stream(pdf, zlib.compress(np.ascontiguousarray(image).tobytes()))
        stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        stream.Width, stream.Height, stream.BitsPerComponent = image.shape[1], image.shape[0], 8
        stream.ColorSpace = pikepdf.Name.DeviceRGB if image.ndim == 3 else pikepdf.Name.DeviceGray
        stream.Filter = pikepdf.Name.FlateDecode
        resources.XObject = pikepdf.Dictionary(Im0=stream)
        prefix = b"q %d 0 0 %d 0 0 cm /Im0 Do Q\n" % A4
    font = Font(pdf, list(lines) + E_SIGNATURE + ["565"])
    resources.Font = pikepdf.Dictionary(F1=font.dict)
    page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=pikepdf.Array([0, 0, *A4]), Resources=resources,
                              Contents=pikepdf.Stream(pdf, prefix + (content(font) if callable(content) else content)))
    if annots:
        page.Annots = pikepdf.Array([pdf.make_indirect(make(pdf, font)) for make in annots])
    pdf.pages.append(pikepdf.Page(page))
    if annots:
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array(list(pdf.pages[0].obj.Annots)), SigFlags=3)
    pdf.save(path)
    return path


def signature_widget(rect: tuple, lines: list[str], name: str = "Signature1"):
    """A signature field's widget whose appearance shows ``lines`` (a portal's e-signature box)."""
    def make(pdf: pikepdf.Pdf, font: Font) -> pikepdf.Dictionary:
        width, height = rect[2] - rect[0], rect[3] - rect[1]
        appearance = pikepdf.Stream(pdf, text_block(font, lines, 2, height - 10, size=7, leading=9))
        appearance.Type, appearance.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
        appearance.BBox = pikepdf.Array([0, 0, width, height])
        appearance.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font.dict))
        return pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Sig,
                                  T=pikepdf.String(name), Rect=pikepdf.Array(list(rect)), F=4,
                                  AP=pikepdf.Dictionary(N=appearance))
    return make


def px(points: float) -> int:
    return round(points * DPI / 72)


def raster_box(rect: tuple, shape: tuple) -> tuple[int, int, int, int]:
    """A PDF rectangle (points, y up) on an A4 raster of ``shape``: left, top, width, height, outwards."""
    sx, sy = shape[1] / A4[0], shape[0] / A4[1]
    left, top = math.floor(rect[0] * sx), math.floor((A4[1] - rect[3]) * sy)
    return left, top, math.ceil(rect[2] * sx) - left, math.ceil((A4[1] - rect[1]) * sy) - top


# --- scans ----------------------------------------------------------------------------------------

def test_scan_with_an_e_signature_box_drawn_as_page_text_is_ocred_and_the_box_is_an_overlay(tmp_path):
    body = line_boxes(PLAN_LINES, 60, 700)
    path = make_page_pdf(tmp_path / "s.pdf", lambda f: text_block(f, E_SIGNATURE, 380, 820, size=7, leading=9),
                         image=scan_image(body), lines=PLAN_LINES)
    page = load_page(path, "pdf", 1, OPTIONS)
    assert page.text_path == "ocr" and page.kind == "scan" and page.image is not None
    assert page.steps[0].startswith("page:scan (page-filling image 100%; visible text only in 1 box(es) over ")
    assert page.source.startswith("load:pdf-render:") and "visible text" in page.source
    [overlay] = page.overlays
    assert overlay.kind == "e-signature" and overlay.text.splitlines() == E_SIGNATURE
    left, top, width, height = overlay.box
    assert left < px(380) < left + width and top < px(842 - 820) < top + height and top + height < px(60)
    assert page.mask_boxes == (overlay.box,)  # rendered with the page: painted out before OCR
    # the box is small: it does not reach the document's first line
    assert top + height < px(842 - 700 - 11)


def test_scan_with_a_signature_widget_keeps_the_direct_path_and_records_the_box(tmp_path):
    body = line_boxes(PLAN_LINES, 60, 700)
    path = make_page_pdf(tmp_path / "w.pdf", b"", image=scan_image(body), lines=PLAN_LINES,
                         annots=[signature_widget((370, 780, 590, 835), E_SIGNATURE)])
    page = load_page(path, "pdf", 1, OPTIONS)
    assert page.text_path == "ocr" and page.source.startswith("load:pdf-image:")
    assert page.steps[0] == "page:scan (page-filling image 100%; no text of its own; 1 e-signature box recorded as overlays)"
    [overlay] = page.overlays
    assert overlay.kind == "e-signature" and overlay.text.splitlines() == E_SIGNATURE
    assert overlay.box == raster_box((370, 780, 590, 835), page.image.shape)
    assert page.mask_boxes == ()  # the scan is drawn alone: the widget is not in the raster


def test_widget_that_fills_the_number_is_page_text_and_makes_the_page_rendered_with_it(tmp_path):
    body = line_boxes(PLAN_LINES, 60, 700)
    path = make_page_pdf(tmp_path / "n.pdf", b"", image=scan_image(body), lines=PLAN_LINES,
                         annots=[signature_widget((370, 780, 590, 835), E_SIGNATURE),
                                 signature_widget((100, 740, 140, 760), ["565"], name="Signature2")])
    page = load_page(path, "pdf", 1, OPTIONS)
    assert page.text_path == "ocr" and page.source.startswith("load:pdf-render:")
    assert "annotation(s) with the page's own text" in page.source
    assert [o.kind for o in page.overlays] == ["e-signature"]  # "565" is not an overlay
    assert page.mask_boxes == (page.overlays[0].box,)  # drawn with the page this time: painted out
    assert page.steps[-1] == "load:overlays-masked:1"
    # the number's widget is in the raster (rendered), the e-signature box is, too (and masked)
    x0, y0 = px(100), px(842 - 760)
    assert page.image[y0:px(842 - 740), x0:px(140)].min() < 100


def invisible_layer_page(tmp_path: Path, name: str, layer: list[str], printed: list[str]) -> Path:
    image = scan_image(line_boxes(printed, 60, 760))
    return make_page_pdf(tmp_path / name, lambda f: text_block(f, layer, 60, 760, mode=3), image=image,
                         lines=layer)


def test_good_complete_invisible_layer_is_kept(tmp_path):
    path = invisible_layer_page(tmp_path, "good.pdf", PLAN_LINES, PLAN_LINES)
    page = load_page(path, "pdf", 1, OPTIONS)
    assert page.text_path == "text-layer" and page.kind == "scan"
    assert page.text.splitlines() == PLAN_LINES
    assert page.steps[0].startswith("page:scan (page-filling image 100%; invisible OCR layer of ")
    assert page.steps[0].endswith("kept: its words cover 100% of the scan's text lines)")


def test_partial_invisible_layer_is_not_used(tmp_path):
    path = invisible_layer_page(tmp_path, "partial.pdf", PLAN_LINES[:4], PLAN_LINES)  # 4 of 10 lines
    page = load_page(path, "pdf", 1, OPTIONS)
    assert page.text_path == "ocr" and page.kind == "scan" and page.image is not None
    assert "not used: its words cover" in page.steps[0]
    coverage = float(page.steps[0].split("cover ")[1].split("%")[0])
    assert 25 <= coverage <= 55


def test_garbage_invisible_layer_is_not_used(tmp_path):
    english = ["Tuyen truyen Nghi quyet s6 57-NQ/TW ngay 22/12/2024 ciia B6 Chinh trj ve dot pha phat trien"] * 10
    path = invisible_layer_page(tmp_path, "garbage.pdf", english, english)
    page = load_page(path, "pdf", 1, OPTIONS)
    assert page.text_path == "ocr"
    assert page.steps[0].endswith("is not usable Vietnamese text)")


def test_redo_ocr_drops_even_a_good_layer_and_skip_text_keeps_even_a_partial_one(tmp_path):
    good = invisible_layer_page(tmp_path, "good.pdf", PLAN_LINES, PLAN_LINES)
    redone = load_page(good, "pdf", 1, Options(jobs=1, dpi=DPI, redo_ocr=True))
    assert redone.text_path == "ocr" and "dropped (--redo-ocr)" in redone.steps[0]
    partial = invisible_layer_page(tmp_path, "partial.pdf", PLAN_LINES[:4], PLAN_LINES)
    kept = load_page(partial, "pdf", 1, Options(jobs=1, dpi=DPI, skip_text=True))
    assert kept.text_path == "text-layer" and kept.steps[0].startswith("page:born-digital (--skip-text")
    assert kept.text.splitlines() == PLAN_LINES[:4]


def test_force_ocr_rasterises_a_born_digital_page(tmp_path):
    path = make_page_pdf(tmp_path / "b.pdf", lambda f: text_block(f, PLAN_LINES, 60, 780), lines=PLAN_LINES)
    page = load_page(path, "pdf", 1, Options(jobs=1, dpi=DPI, force_ocr=True))
    assert page.text_path == "ocr" and page.steps[0] == "page:scan (--force-ocr)"


# --- born-digital ---------------------------------------------------------------------------------

def test_born_digital_page_keeps_its_text_and_its_e_signature_box_is_an_overlay(tmp_path):
    path = make_page_pdf(tmp_path / "b.pdf", lambda f: text_block(f, PLAN_LINES, 60, 700), lines=PLAN_LINES,
                         annots=[signature_widget((370, 780, 590, 835), E_SIGNATURE),
                                 signature_widget((100, 740, 140, 760), ["565"], name="Signature2")])
    page = load_page(path, "pdf", 1, OPTIONS)
    assert page.text_path == "text-layer" and page.kind == "born-digital" and page.image is None
    assert page.steps[0].startswith("page:born-digital (visible text over ")
    assert page.steps[0].endswith("of the page; usable; 1 e-signature box recorded as overlays)")
    lines = page.text.splitlines()
    assert all(line in lines for line in PLAN_LINES)
    assert "565" in lines  # the widget that fills the number stays in the text
    assert not any("Ký bởi" in line or "Thời gian ký" in line for line in lines)
    [overlay] = page.overlays
    assert overlay.text.splitlines() == E_SIGNATURE
    assert page.size == (827, 1170)  # what pdftoppm would draw at the requested resolution
    assert overlay.box == raster_box((370, 780, 590, 835), (1170, 827))


def test_born_digital_page_in_a_legacy_encoding_is_ocred(tmp_path):
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name("/Times-Roman")))
    tcvn3 = b"BT /F1 11 Tf 15 TL 60 780 Td " + b"(Uy ban nh\xe2n d\xe2n x\xb7 T\xe2n K\xfa ban h\xb5nh K\xd5 ho\xb9ch) ' " * 12 + b"ET"
    pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=pikepdf.Array([0, 0, *A4]), Contents=pikepdf.Stream(pdf, tcvn3),
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)))))
    pdf.save(tmp_path / "l.pdf")
    page = load_page(tmp_path / "l.pdf", "pdf", 1, OPTIONS)
    assert page.text_path == "ocr" and page.kind == "scan"
    assert page.steps[0].startswith("page:scan (visible text over ") and "not usable" in page.steps[0]


# --- blank ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("content", [b"", b"1 g 0 0 595 842 re f", b"q 1 1 1 rg 0 0 595 842 re f Q BT 3 Tr ET"])
def test_blank_page_is_not_rasterised(tmp_path, content):
    path = make_page_pdf(tmp_path / "blank.pdf", content)
    page = load_page(path, "pdf", 1, OPTIONS)
    assert page.kind == "blank" and page.text_path is None and page.image is None and page.text is None
    assert page.steps == ("page:blank (nothing painted: no image, no visible text, no ink)",)
    forced = load_page(path, "pdf", 1, Options(jobs=1, dpi=DPI, force_ocr=True))
    assert forced.text_path == "ocr" and forced.image.shape == (1170, 827) and forced.image.min() == 255


def test_a_drawn_line_is_ink_not_blank(tmp_path):
    path = make_page_pdf(tmp_path / "line.pdf", b"0 G 2 w 60 400 m 500 400 l S")
    page = load_page(path, "pdf", 1, OPTIONS)
    assert page.kind == "scan" and page.text_path == "ocr"
    assert page.steps[0] == "page:scan (no text layer; 1 painted paths to read)"


def test_a_blank_page_goes_through_no_stage(monkeypatch):
    import pipeline.ocr

    def no_ocr(*args, **kwargs):
        raise AssertionError("a blank page must not be OCR'd")

    monkeypatch.setattr(pipeline.ocr, "ocr_page", no_ocr)
    blank = PageInput(number=2, text_path=None, kind="blank", steps=("page:blank (nothing painted)",), size=(10, 20))
    result = process_loaded_page(blank, Options(jobs=1), {})
    assert result.page.kind == "blank" and result.page.text == "" and result.page.text_path is None
    assert result.page.steps == ["page:blank (nothing painted)"] and result.page.size == (10, 20)


# --- colour and masks -----------------------------------------------------------------------------

def test_colour_scan_gives_a_colour_layer_beside_the_unchanged_gray_raster(tmp_path):
    image = scan_image(line_boxes(PLAN_LINES, 60, 700), colour=True)
    path = make_page_pdf(tmp_path / "c.pdf", b"", image=image)
    page = load_page(path, "pdf", 1, OPTIONS)
    plain = load_page(path, "pdf", 1, Options(jobs=1, dpi=DPI, preprocess=False))
    assert plain.colour is None  # no preprocessing: no use for colour
    assert np.array_equal(page.image, plain.image)  # the gray raster does not change with colour
    assert page.colour is not None and page.colour.shape == page.image.shape + (3,)
    b, g, r = (int(v) for v in page.colour[1000, 505])  # on the seal's ring
    assert r > 150 and g < 90 and b < 90
    gray = make_page_pdf(tmp_path / "g.pdf", b"", image=scan_image(line_boxes(PLAN_LINES, 60, 700)))
    assert load_page(gray, "pdf", 1, OPTIONS).colour is None


def test_colour_of_an_image_file(tmp_path):
    rgb = scan_image(line_boxes(PLAN_LINES, 60, 700), colour=True)
    Image.fromarray(rgb).save(tmp_path / "c.png")
    page = load_page(tmp_path / "c.png", "image", 1, OPTIONS)
    assert page.kind == "scan" and page.colour is page.image and page.image.ndim == 3


def test_masked_boxes_are_painted_in_the_paper_colour_on_a_copy():
    image = np.full((100, 80), 200, np.uint8)
    image[10:20, 10:70] = 0
    out = blank_boxes(image, ((5, 5, 70, 20),))
    assert out[10:20, 10:70].min() == 200 and image[10:20, 10:70].max() == 0  # the original is untouched
    assert blank_boxes(image, ()) is image


# --- options --------------------------------------------------------------------------------------

def test_text_layer_rules_are_exclusive_and_enter_the_resume_fingerprint(tmp_path):
    with pytest.raises(ValidationError, match="choose one of --force-ocr, --skip-text"):
        Options(jobs=1, force_ocr=True, skip_text=True)
    fingerprints = {Options(jobs=1, **flag).fingerprint() for flag in
                    ({}, {"force_ocr": True}, {"skip_text": True}, {"redo_ocr": True})}
    assert len(fingerprints) == 4
    from pipeline.testing.certificates import make_ca, pem

    roots = pem(tmp_path, "roots.pem", cert=make_ca("Root A")[1])
    with_roots = Options(jobs=1, trust_roots=str(roots)).fingerprint()
    pem(tmp_path, "roots.pem", cert=make_ca("Root B")[1])  # same path, other roots
    assert with_roots != Options(jobs=1, trust_roots=str(roots)).fingerprint() != Options(jobs=1).fingerprint()
    with pytest.raises(ValidationError, match="--trust-roots: no such file or folder"):
        Options(jobs=1, trust_roots=str(tmp_path / "missing"))
    (tmp_path / "notes.txt").write_text("not a certificate")
    with pytest.raises(ValidationError, match="--trust-roots: no PEM or DER certificate"):
        Options(jobs=1, trust_roots=str(tmp_path / "notes.txt"))


def test_cli_refuses_two_text_layer_rules():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "pipeline", "run", "x.pdf", "-o", "out", "--force-ocr", "--redo-ocr"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "choose one of --force-ocr, --redo-ocr" in proc.stderr


def test_text_under_the_image_is_a_hidden_layer_like_an_invisible_one(tmp_path):
    """Some scanners write their OCR text in render mode 0 and paint the scan over it."""
    image = scan_image(line_boxes(PLAN_LINES, 60, 760))
    pdf = pikepdf.new()
    font = Font(pdf, PLAN_LINES)
    stream = pikepdf.Stream(pdf, zlib.compress(image.tobytes()), Type=pikepdf.Name.XObject,
                            Subtype=pikepdf.Name.Image, Width=image.shape[1], Height=image.shape[0],
                            BitsPerComponent=8, ColorSpace=pikepdf.Name.DeviceGray, Filter=pikepdf.Name.FlateDecode)
    content = text_block(font, PLAN_LINES, 60, 760) + b"q %d 0 0 %d 0 0 cm /Im0 Do Q\n" % A4
    pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=pikepdf.Array([0, 0, *A4]), Contents=pikepdf.Stream(pdf, content),
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font.dict), XObject=pikepdf.Dictionary(Im0=stream)))))
    pdf.save(tmp_path / "under.pdf")
    page = load_page(tmp_path / "under.pdf", "pdf", 1, OPTIONS)
    assert page.kind == "scan" and page.text_path == "text-layer"  # complete and good: kept, as an invisible one
    assert "invisible OCR layer of" in page.steps[0] and "kept" in page.steps[0]
    redone = load_page(tmp_path / "under.pdf", "pdf", 1, Options(jobs=1, dpi=DPI, redo_ocr=True))
    assert redone.text_path == "ocr"
