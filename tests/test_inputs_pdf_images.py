"""Stage 1 (load), scanned PDF pages: the direct path (decode the page's one image, draw it as poppler
would) against poppler's rendering (pdftoppm, the fallback path).

Every kind of image a scanner or archive tool writes is built into a small PDF with pikepdf. Two things
are checked: the decoder gives exactly the samples put into the file, and the page raster equals
pdftoppm's byte for byte for upright images (pdftoppm resamples even a 1:1 scan, see pdf_scan.py, "drawing
the image as poppler does"; the direct path reproduces that). Placements the direct path only
approximates (mirrored or quarter-turned images, /Rotate pages, scales Splash handles with other
filters) are compared after a 3x3 box blur within a stated mean difference.
"""

import io
import zlib
from pathlib import Path

import cv2
import numpy as np
import pikepdf
import pytest
from PIL import Image, ImageDraw

from pipeline.load import load_page
from pipeline.load.pdf import open_pdf, rasterise_pdf_page
from pipeline.load.pdf_image import decode_image_pixels, find_single_image, read_page_facts
from pipeline.options import Options

OPTIONS = Options(jobs=1, dpi=144)  # test pages are 200 x 300 pt: 400 x 600 px at 144 DPI


def document_image(width: int = 400, height: int = 600) -> np.ndarray:
    """A page-like gray image: white paper, black 'text' bars of several sizes, a gray band and a
    corner mark, so that any flip or quarter turn moves a lot of ink."""
    image = Image.new("L", (width, height), 250)
    draw = ImageDraw.Draw(image)
    for row in range(8):
        top = 40 + row * height // 12
        draw.rectangle([30, top, 30 + (row + 3) * width // 14, top + height // 40], fill=20)
    draw.rectangle([0, height - 80, width - 1, height - 50], fill=140)
    draw.rectangle([width - 60, 10, width - 15, 55], fill=0)  # top-right mark
    return np.asarray(image)


def colour_image(width: int = 400, height: int = 600) -> np.ndarray:
    gray = document_image(width, height)
    rgb = np.stack([gray, gray, gray], axis=2).copy()
    rgb[40:120, 30:200] = (200, 30, 30)  # a red stamp
    rgb[300:360, 200:380] = (20, 60, 190)  # a blue signature block
    return rgb


def bilevel(gray: np.ndarray) -> np.ndarray:
    return (gray >= 128).astype(np.uint8)  # 1 = white


def pack_bits(bits: np.ndarray) -> bytes:
    return np.packbits(bits, axis=1).tobytes()


def jpeg_bytes(array: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(array).save(out, "JPEG", quality=90)
    return out.getvalue()


def ccitt_g4(bits: np.ndarray) -> bytes:
    """Group 4 data of a bilevel image (1 = white) as one strip: Pillow writes the TIFF, the strip is
    cut out of it."""
    image = Image.fromarray((bits * 255).astype(np.uint8)).convert("1")
    out = io.BytesIO()
    image.save(out, "TIFF", compression="group4", tiffinfo={278: bits.shape[0]})
    tiff = Image.open(io.BytesIO(out.getvalue()))
    offsets, counts = tiff.tag_v2[273], tiff.tag_v2[279]
    assert len(offsets) == 1, "need a single strip"
    return out.getvalue()[offsets[0]:offsets[0] + counts[0]]


def make_pdf(path: Path, image: dict, data: bytes, content: bytes = b"q 200 0 0 300 0 0 cm /Im0 Do Q",
             mediabox=(0, 0, 200, 300), rotate: int | None = None, resources: dict | None = None,
             inherit_rotate: bool = False) -> Path:
    pdf = pikepdf.new()
    stream = pikepdf.Stream(pdf, data)
    stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    for key, value in image.items():
        stream[key] = value(pdf) if callable(value) else value
    page_resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=stream))
    for key, value in (resources or {}).items():
        page_resources[key] = value
    page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=pikepdf.Array(list(mediabox)),
                              Resources=page_resources, Contents=pikepdf.Stream(pdf, content))
    if rotate is not None and not inherit_rotate:
        page.Rotate = rotate
    pdf.pages.append(pikepdf.Page(page))
    if inherit_rotate:
        pdf.Root.Pages.Rotate = rotate
    pdf.save(path)
    return path


def gray_dict(width=400, height=600, bpc=8, filt="/FlateDecode", **extra) -> dict:
    out = {"/Width": width, "/Height": height, "/BitsPerComponent": bpc,
           "/ColorSpace": pikepdf.Name.DeviceGray, "/Filter": pikepdf.Name(filt)}
    out.update({key if key.startswith("/") else "/" + key: value for key, value in extra.items()})
    return out


def load_direct(path: Path, options: Options = OPTIONS, exact: bool = True):
    page = load_page(path, "pdf", 1, options)
    assert page.source.startswith("load:pdf-image:"), page.source
    assert page.source.endswith(":resized") != exact, page.source
    return page.image


def decoded(path: Path) -> np.ndarray:
    """The image's samples as the direct path decodes them (before any drawing)."""
    with open_pdf(path) as pdf:
        return decode_image_pixels(find_single_image(pdf.pages[0]).image)[0]


def assert_same_as_rendering(path: Path, options: Options = OPTIONS) -> np.ndarray:
    direct, rendered = load_direct(path, options), rasterise_pdf_page(path, 1, options.dpi, 60)
    assert direct.dtype == np.uint8 and direct.shape == rendered.shape
    assert np.array_equal(direct, rendered)
    return direct


def load_rendered(path: Path, options: Options = OPTIONS) -> np.ndarray:
    return rasterise_pdf_page(path, 1, options.dpi, 60)


# Mean absolute difference allowed after the blur, for placements the direct path approximates with
# OpenCV: Splash's drifting bilinear blend and its row rounding against a plain copy or INTER_AREA /
# INTER_LINEAR measure 0.5-2.6 here; a mirrored, turned or inverted page measures 30 or more
# (test_the_rendering_comparison_catches_inversion_and_flips).
SAME_SCALE_LIMIT = 2.0
RESAMPLED_LIMIT = 4.0


def assert_like_rendering(direct: np.ndarray, rendered: np.ndarray, mean_limit: float = SAME_SCALE_LIMIT) -> None:
    assert direct.dtype == np.uint8 and direct.ndim == 2
    assert direct.shape == rendered.shape
    blurred_a = cv2.blur(direct, (3, 3)).astype(np.int16)
    blurred_b = cv2.blur(rendered, (3, 3)).astype(np.int16)
    assert np.abs(blurred_a - blurred_b).mean() < mean_limit


# --- each kind of image, 1:1: exact samples, exact page ------------------------------------------

def test_flate_gray(tmp_path):
    gray = document_image()
    pdf = make_pdf(tmp_path / "g.pdf", gray_dict(), zlib.compress(gray.tobytes()))
    assert np.array_equal(decoded(pdf), gray)
    assert_same_as_rendering(pdf)


def test_dct_gray(tmp_path):
    data = jpeg_bytes(document_image())
    pdf = make_pdf(tmp_path / "j.pdf", gray_dict(filt="/DCTDecode"), data)
    assert np.array_equal(decoded(pdf), np.asarray(Image.open(io.BytesIO(data))))  # libjpeg both
    assert_same_as_rendering(pdf)


def test_flate_rgb_is_converted_to_gray_as_poppler_does(tmp_path):
    rgb = colour_image()
    pdf = make_pdf(tmp_path / "c.pdf", gray_dict(ColorSpace=pikepdf.Name.DeviceRGB), zlib.compress(rgb.tobytes()))
    assert decoded(pdf)[60, 80] == 81  # the red stamp (200, 30, 30): 0.3*200 + 0.59*30 + 0.11*30 = 81
    assert_same_as_rendering(pdf)


def test_dct_rgb(tmp_path):
    data = jpeg_bytes(colour_image())
    pdf = make_pdf(tmp_path / "cj.pdf", gray_dict(filt="/DCTDecode", ColorSpace=pikepdf.Name.DeviceRGB), data)
    assert_same_as_rendering(pdf)


@pytest.mark.parametrize("decode", [None, [1, 0]])
def test_flate_bilevel_with_and_without_inverting_decode(tmp_path, decode):
    bits = bilevel(document_image())
    stored = bits if decode is None else 1 - bits  # with /Decode [1 0] a stored 1 paints black
    extra = {} if decode is None else {"/Decode": pikepdf.Array(decode)}
    pdf = make_pdf(tmp_path / "b.pdf", gray_dict(bpc=1, **extra), zlib.compress(pack_bits(stored)))
    assert np.array_equal(decoded(pdf), bits * 255)
    assert_same_as_rendering(pdf)


@pytest.mark.parametrize("black_is_1,decode", [(False, None), (True, None), (False, [1, 0]), (True, [1, 0])])
def test_ccitt_g4_honours_blackis1_and_decode(tmp_path, black_is_1, decode):
    bits = bilevel(document_image())  # 1 = white
    coded = 1 - bits if black_is_1 else bits
    parms = pikepdf.Dictionary(K=-1, Columns=bits.shape[1], Rows=bits.shape[0], BlackIs1=black_is_1)
    extra = {"/DecodeParms": parms}
    if decode is not None:
        extra["/Decode"] = pikepdf.Array(decode)
    pdf = make_pdf(tmp_path / "f.pdf", gray_dict(bpc=1, filt="/CCITTFaxDecode", **extra), ccitt_g4(coded))
    page = assert_same_as_rendering(pdf)
    samples = decoded(pdf)
    assert set(np.unique(samples)) <= {0, 255}
    # the page is `bits` or its negative (whichever poppler shows), pixel for pixel
    assert np.array_equal(samples, bits * 255) or np.array_equal(samples, (1 - bits) * 255)
    assert (samples[bits == 1].mean() > 128) == (page[bits == 1].mean() > 128)


@pytest.mark.parametrize("base", ["/DeviceRGB", "/DeviceGray"])
@pytest.mark.parametrize("bpc", [8, 4, 1])
def test_indexed_images(tmp_path, base, bpc):
    levels = 2 ** bpc
    rng = np.random.default_rng(bpc)
    channels = 3 if base == "/DeviceRGB" else 1
    palette = rng.integers(0, 256, (levels, channels), dtype=np.uint8)
    palette[0], palette[-1] = 255, 0  # paper and ink at the ends
    indices = np.where(document_image() < 128, levels - 1, 0).astype(np.uint8)
    indices[300:360, 200:380] = levels // 2  # a patch of a middle colour
    if bpc == 8:
        data = indices.tobytes()
    else:
        bits = np.unpackbits(indices[:, :, None], axis=2)[:, :, 8 - bpc:].reshape(indices.shape[0], -1)
        data = np.packbits(bits, axis=1).tobytes()
    colour_space = pikepdf.Array([pikepdf.Name.Indexed, pikepdf.Name(base), levels - 1, pikepdf.String(palette.tobytes())])
    pdf = make_pdf(tmp_path / "i.pdf", gray_dict(bpc=bpc, ColorSpace=colour_space), zlib.compress(data))
    assert_same_as_rendering(pdf)


def test_2_and_4_bit_gray(tmp_path):
    for bpc in (2, 4):
        top = 2 ** bpc - 1
        samples = np.round(document_image().astype(np.float64) / 255 * top).astype(np.uint8)
        bits = np.unpackbits(samples[:, :, None], axis=2)[:, :, 8 - bpc:].reshape(samples.shape[0], -1)
        pdf = make_pdf(tmp_path / f"g{bpc}.pdf", gray_dict(bpc=bpc), zlib.compress(np.packbits(bits, axis=1).tobytes()))
        assert np.array_equal(decoded(pdf), samples * (255 // top))
        assert_same_as_rendering(pdf)


def test_the_rendering_comparison_catches_inversion_and_flips(tmp_path):
    gray = document_image()
    pdf = make_pdf(tmp_path / "g.pdf", gray_dict(), zlib.compress(gray.tobytes()))
    direct, rendered = load_direct(pdf), load_rendered(pdf)
    for wrong in (255 - direct, direct[::-1], direct[:, ::-1]):
        with pytest.raises(AssertionError):
            assert_like_rendering(np.ascontiguousarray(wrong), rendered, mean_limit=RESAMPLED_LIMIT)


# --- geometry: scaling, page sizes, /Rotate, flipped and turned placement ------------------------

def test_scan_finer_than_requested_is_shrunk_as_poppler_does(tmp_path):
    for width, height in ((800, 1200), (555, 833)):  # 288 and ~200 DPI on the 200 x 300 pt page, asked for 144
        gray = document_image(width, height)
        pdf = make_pdf(tmp_path / f"d{width}.pdf", gray_dict(width, height), zlib.compress(gray.tobytes()))
        assert assert_same_as_rendering(pdf).shape == (600, 400)


def test_scan_slightly_coarser_than_requested_is_enlarged_as_poppler_does(tmp_path):
    gray = document_image(320, 480)  # 115 DPI: above 0.75 x 144, so rendered at 144
    pdf = make_pdf(tmp_path / "u.pdf", gray_dict(320, 480), zlib.compress(gray.tobytes()))
    assert assert_same_as_rendering(pdf).shape == (600, 400)


@pytest.mark.parametrize("width_pt,height_pt,dpi", [("199.3", "301.7", 144), ("595.2", "841.92", 100), ("593.2394366197183", "838.6478873239437", 71)])
def test_page_sizes_round_as_pdftoppm_does(tmp_path, width_pt, height_pt, dpi):
    # 595.2 pt at 300 DPI is 2480 px although the double product is 2480.0000000000005: poppler reads
    # decimals its own way (pdf_scan.poppler_real); the last size is bench_ocr's 71-DPI 'lowres' page
    gray = document_image(300, 450)  # enlarged on every page here (Splash's bilinear case)
    content = f"q {width_pt} 0 0 {height_pt} 0 0 cm /Im0 Do Q".encode()
    pdf = make_pdf(tmp_path / "o.pdf", gray_dict(300, 450), zlib.compress(gray.tobytes()), content=content,
                   mediabox=(0, 0, pikepdf.Object.parse(width_pt.encode()), pikepdf.Object.parse(height_pt.encode())))
    assert_same_as_rendering(pdf, Options(jobs=1, dpi=dpi, preprocess=False))


def test_page_with_an_offset_origin(tmp_path):
    gray = document_image()
    pdf = make_pdf(tmp_path / "o.pdf", gray_dict(), zlib.compress(gray.tobytes()),
                   content=b"q 200 0 0 300 10.5 20.25 cm /Im0 Do Q", mediabox=(10.5, 20.25, 210.5, 320.25))
    assert_same_as_rendering(pdf)


def test_nested_matrices_are_composed(tmp_path):
    gray = document_image()
    content = b"q 2 0 0 3 0 0 cm q 100 0 0 100 0 0 cm /Im0 Do Q Q"
    pdf = make_pdf(tmp_path / "n.pdf", gray_dict(), zlib.compress(gray.tobytes()), content=content)
    assert_same_as_rendering(pdf)


def test_upside_down_image_is_drawn_as_poppler_does(tmp_path):
    gray = document_image()
    pdf = make_pdf(tmp_path / "u.pdf", gray_dict(), zlib.compress(gray.tobytes()), content=b"q 200 0 0 -300 0 300 cm /Im0 Do Q")
    assert_same_as_rendering(pdf)


@pytest.mark.parametrize("rotate", [90, 180, 270, -90])
def test_page_rotation(tmp_path, rotate):
    gray = document_image()
    pdf = make_pdf(tmp_path / "r.pdf", gray_dict(), zlib.compress(gray.tobytes()), rotate=rotate)
    direct = load_direct(pdf, exact=False)
    assert direct.shape == (600, 400) if rotate % 180 == 0 else (400, 600)
    assert_like_rendering(direct, load_rendered(pdf))


def write_raw_pdf(path: Path, objects: list[bytes]) -> Path:
    """A PDF written object by object, so that attributes stay where they are put (pikepdf pushes
    inherited page attributes down to the pages when it saves)."""
    from pipeline.testing.batch import raw_pdf

    path.write_bytes(raw_pdf(objects))
    return path


def test_rotation_box_and_resources_inherited_from_the_page_tree(tmp_path):
    gray = document_image()
    data = zlib.compress(gray.tobytes())
    content = b"q 200 0 0 300 0 0 cm /Im0 Do Q"
    pdf = write_raw_pdf(tmp_path / "r.pdf", [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Rotate 90 /MediaBox [0 0 200 300] /Resources << /XObject << /Im0 4 0 R >> >> >>",
        b"<< /Type /Page /Parent 2 0 R /Contents 5 0 R >>",
        b"<< /Type /XObject /Subtype /Image /Width 400 /Height 600 /BitsPerComponent 8 /ColorSpace /DeviceGray "
        b"/Filter /FlateDecode /Length " + str(len(data)).encode() + b" >>\nstream\n" + data + b"\nendstream",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
    ])
    direct = load_direct(pdf, exact=False)
    assert direct.shape == (400, 600)
    assert_like_rendering(direct, load_rendered(pdf))


@pytest.mark.parametrize("matrix,width,height", [
    ("-200 0 0 300 200 0", 400, 600),   # mirrored left-right
    ("-200 0 0 -300 200 300", 400, 600),  # half turn
    ("0 300 -200 0 200 0", 600, 400),   # image stored landscape, turned a quarter anticlockwise
    ("0 -300 200 0 0 300", 600, 400),   # ... clockwise
    ("0 300 200 0 0 0", 600, 400),      # transposed
    ("0 -300 -200 0 200 300", 600, 400),  # anti-transposed
])
def test_mirrored_and_turned_placement(tmp_path, matrix, width, height):
    gray = document_image(width, height)
    content = f"q {matrix} cm /Im0 Do Q".encode()
    pdf = make_pdf(tmp_path / "m.pdf", gray_dict(width, height), zlib.compress(gray.tobytes()), content=content)
    direct = load_direct(pdf, exact=False)
    assert direct.shape == (600, 400)
    assert_like_rendering(direct, load_rendered(pdf))


def test_low_resolution_scan_is_drawn_at_its_own_resolution(tmp_path):
    from pipeline.load.pdf import scan_resolution_for

    gray = document_image(150, 225)  # 54 DPI: below 0.75 x 144, so rendered at 54 DPI
    pdf = make_pdf(tmp_path / "l.pdf", gray_dict(150, 225), zlib.compress(gray.tobytes()))
    page = load_page(pdf, "pdf", 1, OPTIONS)
    assert page.source.endswith(":native-54dpi")
    assert scan_resolution_for(pdf, 1, OPTIONS) == 54
    assert np.array_equal(page.image, rasterise_pdf_page(pdf, 1, 54, 60))
    # without preprocessing the page is wanted at the requested resolution, as before
    plain = load_page(pdf, "pdf", 1, Options(jobs=1, dpi=144, preprocess=False))
    assert plain.source.endswith(":144dpi")
    assert np.array_equal(plain.image, rasterise_pdf_page(pdf, 1, 144, 60))


def test_enlarging_4x_or_more_is_approximated(tmp_path):
    # Splash copies pixels (no interpolation) from 4x up; the direct path resizes with OpenCV instead
    gray = document_image(100, 150)
    pdf = make_pdf(tmp_path / "l.pdf", gray_dict(100, 150), zlib.compress(gray.tobytes()))
    options = Options(jobs=1, dpi=144, preprocess=False)
    direct = load_direct(pdf, options, exact=False)
    assert_like_rendering(direct, rasterise_pdf_page(pdf, 1, 144, 60), mean_limit=RESAMPLED_LIMIT)


def test_oversized_page_is_capped_like_rendering(tmp_path):
    from pipeline.load.page import MAX_SIDE_PX

    gray = document_image(2000, 3000)  # 2400 x 3600 pt poster scanned at 60 DPI
    content = b"q 2400 0 0 3600 0 0 cm /Im0 Do Q"
    pdf = make_pdf(tmp_path / "big.pdf", gray_dict(2000, 3000), zlib.compress(gray.tobytes()), content=content,
                   mediabox=(0, 0, 2400, 3600))
    options = Options(jobs=1, dpi=300, preprocess=False)
    direct = load_page(pdf, "pdf", 1, options)
    assert max(direct.image.shape) <= MAX_SIDE_PX and direct.source.endswith(":144dpi")
    assert np.array_equal(direct.image, rasterise_pdf_page(pdf, 1, 300, 60))


# --- invisible text and fallbacks ----------------------------------------------------------------

FONT = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name("/Helvetica"))


def test_invisible_ocr_text_layer_keeps_the_direct_path(tmp_path):
    gray = document_image()
    content = b"q 200 0 0 300 0 0 cm /Im0 Do Q BT 3 Tr /F1 12 Tf 20 250 Td (Nghi quyet so 57) Tj ET"
    pdf = make_pdf(tmp_path / "t.pdf", gray_dict(), zlib.compress(gray.tobytes()), content=content,
                   resources={"/Font": pikepdf.Dictionary(F1=FONT)})
    assert_same_as_rendering(pdf)


@pytest.mark.parametrize("name,content,image_extra,resources,reason", [
    ("vector", b"q 200 0 0 300 0 0 cm /Im0 Do Q 0 0 1 RG 2 w 10 10 m 190 290 l S", {}, None, "'m'"),
    ("visible-text", b"q 200 0 0 300 0 0 cm /Im0 Do Q BT /F1 12 Tf 20 250 Td (Ke hoach) Tj ET", {},
     {"/Font": pikepdf.Dictionary(F1=FONT)}, "visible text"),
    ("text-mode-restored", b"q 200 0 0 300 0 0 cm /Im0 Do Q q BT 3 Tr ET Q BT /F1 12 Tf (x) Tj ET", {},
     {"/Font": pikepdf.Dictionary(F1=FONT)}, "visible text"),
    ("smaller-image", b"q 150 0 0 250 25 25 cm /Im0 Do Q", {}, None, "cover"),
    ("skewed", b"q 200 10 0 300 0 0 cm /Im0 Do Q", {}, None, "skewed"),
    ("twice", b"q 200 0 0 300 0 0 cm /Im0 Do Q q 200 0 0 300 0 0 cm /Im0 Do Q", {}, None, "several"),
    ("clipped", b"q 0 0 100 100 re W n 200 0 0 300 0 0 cm /Im0 Do Q", {}, None, "'re'"),
    ("icc", b"q 200 0 0 300 0 0 cm /Im0 Do Q", {"ColorSpace": "icc"}, None, "colour space"),
    ("odd-decode", b"q 200 0 0 300 0 0 cm /Im0 Do Q", {"Decode": [0.2, 0.8]}, None, "Decode"),
    ("jbig2", b"q 200 0 0 300 0 0 cm /Im0 Do Q", {"Filter": pikepdf.Name("/JBIG2Decode")}, None, "JBIG2"),
])
def test_fallback_to_rendering(tmp_path, name, content, image_extra, resources, reason):
    gray = document_image()
    pdf_path = tmp_path / f"{name}.pdf"
    extra = dict(image_extra)
    if extra.get("ColorSpace") == "icc":
        extra["ColorSpace"] = lambda pdf: pikepdf.Array([pikepdf.Name.ICCBased, pikepdf.Stream(pdf, b"\0" * 128, N=1)])
    if "Decode" in extra:
        extra["Decode"] = pikepdf.Array(extra["Decode"])
    make_pdf(pdf_path, gray_dict(**extra), zlib.compress(gray.tobytes()), content=content, resources=resources)
    page = load_page(pdf_path, "pdf", 1, Options(jobs=1, dpi=144, force_ocr=True))
    assert page.source.startswith("load:pdf-render:144dpi"), page.source
    assert reason in page.source
    assert page.image.shape == (600, 400)


def test_soft_masked_image_falls_back(tmp_path):
    gray = document_image()
    pdf = pikepdf.new()
    mask = pikepdf.Stream(pdf, zlib.compress(np.full((600, 400), 128, np.uint8).tobytes()))
    for key, value in gray_dict().items():
        mask[key] = value
    mask.Type, mask.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    path = make_pdf(tmp_path / "s.pdf", gray_dict(), zlib.compress(gray.tobytes()))
    with pikepdf.open(path, allow_overwriting_input=True) as doc:
        image = doc.pages[0].Resources.XObject.Im0
        image.SMask = doc.copy_foreign(mask)
        doc.save(path)
    page = load_page(path, "pdf", 1, OPTIONS)
    assert page.source.startswith("load:pdf-render:") and "mask" in page.source


def test_damaged_image_data_falls_back_to_rendering(tmp_path):
    pdf = make_pdf(tmp_path / "x.pdf", gray_dict(), zlib.compress(b"\x00" * 1000))  # far too short
    page = load_page(pdf, "pdf", 1, OPTIONS)
    assert page.source.startswith("load:pdf-render:") and "shorter" in page.source


# --- is there a text layer to look for? -----------------------------------------------------------

def facts_of(path: Path):
    with open_pdf(path) as pdf:
        return read_page_facts(pdf, path, 1).may_have_text


def test_text_layer_check_is_skipped_only_without_fonts(tmp_path):
    gray = zlib.compress(document_image().tobytes())
    assert facts_of(make_pdf(tmp_path / "a.pdf", gray_dict(), gray)) is False
    assert facts_of(make_pdf(tmp_path / "b.pdf", gray_dict(), gray, resources={"/Font": pikepdf.Dictionary(F1=FONT)})) is True
    # fonts inherited from the page tree
    path = make_pdf(tmp_path / "c.pdf", gray_dict(), gray)
    with pikepdf.open(path, allow_overwriting_input=True) as doc:
        resources = doc.pages[0].obj.Resources
        resources.Font = pikepdf.Dictionary(F1=FONT)
        doc.Root.Pages.Resources = resources
        del doc.pages[0].obj["/Resources"]
        doc.save(path)
    assert facts_of(path) is True
    # fonts of a form XObject the page draws
    path = make_pdf(tmp_path / "d.pdf", gray_dict(), gray)
    with pikepdf.open(path, allow_overwriting_input=True) as doc:
        form = pikepdf.Stream(doc, b"BT /F1 9 Tf (x) Tj ET", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                              BBox=pikepdf.Array([0, 0, 10, 10]), Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=FONT)))
        doc.pages[0].Resources.XObject.Fm0 = form
        doc.save(path)
    assert facts_of(path) is True
    # annotations may carry text of their own
    path = make_pdf(tmp_path / "e.pdf", gray_dict(), gray)
    with pikepdf.open(path, allow_overwriting_input=True) as doc:
        doc.pages[0].obj.Annots = pikepdf.Array([pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text,
                                                                      Rect=pikepdf.Array([0, 0, 10, 10]))])
        doc.save(path)
    assert facts_of(path) is True


def test_page_with_a_real_text_layer_is_still_read_from_it(tmp_path):
    from pipeline.testing.batch import PLAN_LINES, make_text_pdf

    path = tmp_path / "text.pdf"
    path.write_bytes(make_text_pdf(PLAN_LINES))
    page = load_page(path, "pdf", 1, Options(jobs=1))
    assert page.text_path == "text-layer" and "Nghị quyết" in page.text


def test_a_page_the_renderer_cannot_finish_in_time_fails_alone_as_a_timeout(tmp_path, monkeypatch):
    import subprocess

    from pipeline.load import pdf, pdf_image
    from pipeline.document import PageTask, process_page
    from pipeline.errors import PlanocrError

    path = make_pdf(tmp_path / "slow.pdf", gray_dict(), zlib.compress(document_image().tobytes()))
    real_run = subprocess.run

    def pdftoppm_hangs(command, *args, **kwargs):
        if command[0] == "pdftoppm":
            raise subprocess.TimeoutExpired(command, kwargs.get("timeout"))
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(pdf.subprocess, "run", pdftoppm_hangs)
    options = Options(jobs=1, page_timeout=5, restore=False)
    with pytest.raises(PlanocrError) as caught:
        rasterise_pdf_page(path, 1, 144, options.page_timeout)
    assert caught.value.category == "timeout" and "page 1" in caught.value.one_line()
    assert "within 30 s" in caught.value.one_line()  # the renderer gets at least 30 s, whatever --page-timeout says
    # through the page stage: the page fails with that category (recorded, not raised), so the
    # document's other pages go on
    def refuse(facts, options):
        raise pdf_image.NotAPlainScan("made to fall back to the renderer for this test")

    monkeypatch.setattr(pdf, "decode_page_scan", refuse)
    result = process_page(PageTask(path=path, kind="pdf", number=1, options=options))
    assert result.error_category == "timeout" and result.page.error.startswith("timeout: page 1")


def test_renderer_errors_are_one_line_and_name_the_page(tmp_path):
    from pipeline.errors import UnreadableInputError

    path = make_pdf(tmp_path / "g.pdf", gray_dict(), zlib.compress(document_image().tobytes()))
    with pytest.raises(UnreadableInputError) as caught:
        rasterise_pdf_page(path, 5, 144, 60)  # no such page: pdftoppm exits non-zero
    message = caught.value.one_line()
    assert "\n" not in message and "page 5" in message and "g.pdf" in message
