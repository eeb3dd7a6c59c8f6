"""--pdf: the searchable PDF/A of a scan with the record's corrected words as its invisible text layer.

Most tests build a record by hand (words with known boxes on a known image), so what the PDF must hold is
known exactly; test_archive_batch.py runs the whole pipeline.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

import cv2
import numpy as np
import pikepdf
import pytest

from pipeline.archive.check import bag_f1, extract_text, layer_words, pdf_facts, words_of
from pipeline.archive.outputs import write_archive_outputs
from pipeline.archive.pdf import ArchiveOutputError, needs_pdf, write_pdf
from pipeline.model import Document, Page, Word
from pipeline.options import Options
from pipeline.testing.archive_pages import VIETNAMESE_LINES, bars_page, blank_page, ink_boxes, scan_document, scan_page, words_in_lines, write_png


def build_pdf(document: Document, sources: list[Path], path: Path):
    with path.open("wb") as handle:
        return write_pdf(document, sources, handle)


def line_texts(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


# --- the Vietnamese round trip ---------------------------------------------------------------------


@pytest.mark.parametrize("tool", ["pdftotext", "pdfminer", "pdfium"])
def test_vietnamese_round_trip_through_the_text_layer(tmp_path, tool):
    image = write_png(tmp_path / "page.png", blank_page())
    # words given decomposed (NFD) come out composed: the layer is NFC whatever the record holds
    words = words_in_lines(VIETNAMESE_LINES)
    words[3] = words[3].model_copy(update={"text": unicodedata.normalize("NFD", words[3].text)})
    document = scan_document("page.png", [scan_page(1, words)])
    out = tmp_path / "page.pdf"
    build_pdf(document, [image], out)
    text = extract_text(out, tool)
    assert text == unicodedata.normalize("NFC", text)
    assert line_texts(text) == VIETNAMESE_LINES  # every word, every mark, in reading order, line by line
    assert bag_f1(layer_words(document), words_of(text))[0] == 1.0


def test_pdftotext_finds_a_phrase_as_the_archive_search_would(tmp_path):
    image = write_png(tmp_path / "page.png", blank_page())
    document = scan_document("page.png", [scan_page(1, words_in_lines(VIETNAMESE_LINES))])
    build_pdf(document, [image], tmp_path / "page.pdf")
    assert (
        "Nghị quyết số 57-NQ/TW"
        in subprocess.run(
            ["pdftotext", str(tmp_path / "page.pdf"), "-"], capture_output=True, text=True, check=True
        ).stdout
    )


# --- PDF/A and what is kept ------------------------------------------------------------------------


def test_pdfa_identification_output_intent_embedded_fonts_and_pages(tmp_path):
    images = [write_png(tmp_path / f"p{n}.png", blank_page()) for n in (1, 2)]
    document = scan_document("two", [scan_page(n, words_in_lines(VIETNAMESE_LINES[:2])) for n in (1, 2)])
    written = build_pdf(document, images, tmp_path / "two.pdf")
    facts = pdf_facts(tmp_path / "two.pdf")
    assert facts.pdfa == "2B"
    assert facts.output_intents == 1
    assert facts.fonts >= 1 and facts.unembedded == []
    assert facts.validator == "pass"  # pikepdf's PDF/A-2b validator approved the written bytes
    assert facts.pages == 2 and written.text_pages == 2 and written.backend == "pikepdf"
    with pikepdf.open(tmp_path / "two.pdf") as pdf:
        meta = pdf.open_metadata()
        assert meta["dc:title"] == "Kế hoạch thử nghiệm"
        assert "0" * 64 in meta["dc:source"]


def test_a_jpeg_scan_is_embedded_byte_for_byte(tmp_path):
    jpeg = tmp_path / "scan.jpg"
    ok, data = cv2.imencode(".jpg", blank_page(), [cv2.IMWRITE_JPEG_QUALITY, 80])
    jpeg.write_bytes(data.tobytes())
    document = scan_document("scan.jpg", [scan_page(1, words_in_lines(VIETNAMESE_LINES[:1]))])
    build_pdf(document, [jpeg], tmp_path / "scan.pdf")
    with pikepdf.open(tmp_path / "scan.pdf") as pdf:
        images = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"]
        assert len(images) == 1
        assert images[0].get("/Filter") in ("/DCTDecode", pikepdf.Array([pikepdf.Name.DCTDecode]))
        assert images[0].read_raw_bytes() == jpeg.read_bytes()  # not decoded, not re-encoded


def test_a_pdf_inputs_pages_keep_their_content(tmp_path):
    source = tmp_path / "in.pdf"
    jpeg = tmp_path / "scan.jpg"
    jpeg.write_bytes(cv2.imencode(".jpg", blank_page())[1].tobytes())
    import img2pdf

    source.write_bytes(img2pdf.convert([str(jpeg), str(jpeg)]))
    before = source.read_bytes()
    with pikepdf.open(source) as pdf:
        original_streams = [
            p.obj.Resources.XObject[k].read_raw_bytes() for p in pdf.pages for k in p.obj.Resources.XObject
        ]
        size = pdf.pages[0].mediabox
    size_px = (round(float(size[2]) / 72 * 300), round(float(size[3]) / 72 * 300))
    document = scan_document(
        "in.pdf", [scan_page(n, words_in_lines(VIETNAMESE_LINES[:1]), size=size_px) for n in (1, 2)], kind="pdf"
    )
    build_pdf(document, [source], tmp_path / "out.pdf")
    assert source.read_bytes() == before  # the input is never written to
    with pikepdf.open(tmp_path / "out.pdf") as pdf:
        kept = [
            x.read_raw_bytes()
            for p in pdf.pages
            for x in p.obj.Resources.XObject.values()
            if x.get("/Subtype") == "/Image"
        ]
        assert kept == original_streams
        assert [list(map(float, p.mediabox)) for p in pdf.pages] == [list(map(float, size))] * 2


# --- where the words are ---------------------------------------------------------------------------


def pdftotext_centres(path: Path, pixels_per_point: float) -> dict[str, tuple[float, float]]:
    """Word centres as pdftotext places them (the page as displayed), in the page image's pixels."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    centres = {}
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)</word>', out):
        x0, y0, x1, y1 = (float(v) * pixels_per_point for v in m.groups()[:4])
        centres[m.group(5)] = ((x0 + x1) / 2, (y0 + y1) / 2)
    return centres


def test_a_deskewed_pages_words_land_where_they_are_on_the_scan(tmp_path):
    """planocr reads a skewed scan deskewed; the layer must sit on the scan as it is, not as it was read."""
    from pipeline.preprocess import deskew

    skewed = cv2.warpAffine(bars_page(), cv2.getRotationMatrix2D((620, 877), -3.0, 1.0), (1240, 1754), borderValue=255)
    straight, angle = deskew(skewed)
    assert abs(angle - 3.0) < 0.2
    read = sorted(ink_boxes(straight), key=lambda b: (round(b[1][1] / 50), b[1][0]))  # what the OCR frame holds
    words = [Word(text=f"w{i}", box=box, line=1 + i // 5, confidence=0.9) for i, (box, _) in enumerate(read)]
    page = scan_page(1, words, steps=[f"deskew:{angle:+.2f}"])
    image = write_png(tmp_path / "skewed.png", skewed)
    build_pdf(scan_document("skewed.png", [page]), [image], tmp_path / "skewed.pdf")
    on_scan = [c for _, c in ink_boxes(skewed)]
    with pikepdf.open(tmp_path / "skewed.pdf") as pdf:
        scale = 1240 / float(pdf.pages[0].mediabox[2])
    found = pdftotext_centres(tmp_path / "skewed.pdf", scale)
    assert set(found) == {w.text for w in words}  # every word intact (a rotated layer split them)
    errors = [min(np.hypot(x - cx, y - cy) for cx, cy in on_scan) for x, y in found.values()]
    assert max(errors) < 8  # px; without undoing the deskew the far ends are ~30 px off


@pytest.mark.parametrize("rotate", [90, 180, 270])
def test_rotated_pdf_pages_get_their_layer_upright_on_the_displayed_page(tmp_path, rotate):
    import img2pdf

    upright = np.full((900, 600), 255, np.uint8)
    for row in range(4):
        for column in range(2):
            cv2.rectangle(
                upright, (60 + column * 260, 80 + row * 150), (200 + column * 260 + row * 10, 110 + row * 150), 0, -1
            )
    stored = cv2.rotate(
        upright, {90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_CLOCKWISE}[rotate]
    )
    write_png(tmp_path / "stored.png", stored, dpi=150)
    source = tmp_path / "rotated.pdf"
    with pikepdf.open(io.BytesIO(img2pdf.convert(str(tmp_path / "stored.png")))) as pdf:
        pdf.pages[0].obj.Rotate = rotate
        pdf.save(source)
    # the words as the load stage sees the page: poppler's rendering, /Rotate applied
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", str(source), str(tmp_path / "r")], check=True)
    displayed = cv2.imread(str(tmp_path / "r-1.png"), cv2.IMREAD_GRAYSCALE)
    boxes = ink_boxes(displayed)
    words = [Word(text=f"w{i}", box=box, line=i + 1, confidence=0.9) for i, (box, _) in enumerate(boxes)]
    page = scan_page(1, words, size=(displayed.shape[1], displayed.shape[0]))
    build_pdf(scan_document("rotated.pdf", [page], kind="pdf"), [source], tmp_path / "out.pdf")
    found = pdftotext_centres(tmp_path / "out.pdf", 150 / 72)
    assert len(found) == len(words)
    for i, (_, centre) in enumerate(boxes):
        assert np.hypot(found[f"w{i}"][0] - centre[0], found[f"w{i}"][1] - centre[1]) < 3


# --- signed inputs ---------------------------------------------------------------------------------


LIBERATION = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")


def signed_pdf(tmp_path: Path) -> Path:
    """A scan signed with pyHanko (a throwaway self-signed certificate), with a visible signature box."""
    import img2pdf
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    from fpdf import FPDF
    from pyhanko import stamp
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "UBND Thu Nghiem")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    signer = signers.SimpleSigner.load(str(tmp_path / "key.pem"), str(tmp_path / "cert.pem"))
    # a visible box like the provincial portals' ("Ký bởi: … / Thời gian ký: …"), its font embedded as theirs is
    if not LIBERATION.is_file():
        pytest.skip(f"{LIBERATION} is absent (Debian package fonts-liberation2)")
    box = FPDF(unit="pt", format=(260, 70))
    box.set_margin(0)
    box.add_page()
    box.add_font("Liberation", fname=str(LIBERATION))
    box.set_font("Liberation", size=11)
    box.set_xy(6, 10)
    box.multi_cell(248, 14, "Ký bởi: Ủy ban nhân dân thử nghiệm\nThời gian ký: 02.12.2026")
    (tmp_path / "box.pdf").write_bytes(bytes(box.output()))
    jpeg = tmp_path / "scan.jpg"
    jpeg.write_bytes(cv2.imencode(".jpg", blank_page())[1].tobytes())
    plain = io.BytesIO(img2pdf.convert(str(jpeg)))
    out = io.BytesIO()
    signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name="Signature1"),
        signer=signer,
        stamp_style=stamp.StaticStampStyle.from_pdf_file(str(tmp_path / "box.pdf")),
        new_field_spec=fields.SigFieldSpec("Signature1", box=(300, 20, 560, 90)),
    ).sign_pdf(IncrementalPdfFileWriter(plain), output=out)
    path = tmp_path / "signed.pdf"
    path.write_bytes(out.getvalue())
    return path


def test_a_signed_input_is_left_alone_and_its_pdfa_is_a_derivative_that_says_so(tmp_path):
    import ocrmypdf
    from ocrmypdf.exceptions import DigitalSignatureError

    source = signed_pdf(tmp_path)
    before = source.read_bytes()
    sha = hashlib.sha256(before).hexdigest()
    with pytest.raises(DigitalSignatureError):  # what OCRmyPDF 17 does with such a file, unless told to break it
        ocrmypdf.ocr(source, tmp_path / "ocrmypdf.pdf", ocr_engine="none", output_type="pdf", progress_bar=False)
    with pikepdf.open(source) as pdf:
        width_pt, height_pt = float(pdf.pages[0].mediabox[2]), float(pdf.pages[0].mediabox[3])
    size = (1240, round(1240 * height_pt / width_pt))
    document = scan_document(
        "signed.pdf", [scan_page(1, words_in_lines(VIETNAMESE_LINES), size=size)], kind="pdf", sha=sha
    )
    written = build_pdf(document, [source], tmp_path / "derivative.pdf")
    assert source.read_bytes() == before  # the signed original is never modified
    assert written.signatures_removed == 1 and written.backend == "pikepdf"
    facts = pdf_facts(tmp_path / "derivative.pdf")
    assert facts.pdfa == "2B" and facts.validator == "pass" and facts.unembedded == []
    with pikepdf.open(tmp_path / "derivative.pdf") as pdf:
        assert "/AcroForm" not in pdf.Root and "/Perms" not in pdf.Root
        assert not [a for p in pdf.pages for a in p.obj.get("/Annots", []) if a.get("/FT") == "/Sig"]
        meta = pdf.open_metadata()
        assert meta["dc:source"] == f"urn:sha256:{sha}"
        assert sha in meta["dc:description"] and "digitally signed" in meta["dc:description"]
        assert "signatures are in the original" in meta["dc:description"]
    text = extract_text(tmp_path / "derivative.pdf")
    assert "Ký bởi: Ủy ban nhân dân thử nghiệm" in " ".join(
        text.split()
    )  # the visible box, flattened into the page, is kept
    assert all(line in line_texts(text) for line in VIETNAMESE_LINES)


def test_an_input_font_pdfa_cannot_take_goes_to_ghostscript_or_fails_the_pdf_saying_why(tmp_path):
    """A PDF whose page uses a font it does not embed: pikepdf cannot approve it as PDF/A, so Ghostscript (through
    OCRmyPDF) converts it, where OCRmyPDF accepts the installed Ghostscript; OCRmyPDF refuses Ghostscript
    10.0.0-10.02.0 (Debian 12's) for files with text, and the PDF then fails with that reason."""
    from ocrmypdf._exec import ghostscript
    from packaging.version import Version

    jpeg = tmp_path / "scan.jpg"
    jpeg.write_bytes(cv2.imencode(".jpg", blank_page())[1].tobytes())
    import img2pdf

    source = tmp_path / "in.pdf"
    with pikepdf.open(io.BytesIO(img2pdf.convert(str(jpeg)))) as pdf:
        page = pdf.pages[0]
        font = pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
        )
        page.add_resource(font, pikepdf.Name.Font, pikepdf.Name.F9)
        page.contents_add(
            pikepdf.unparse_content_stream(
                [
                    ([], pikepdf.Operator("BT")),
                    ([pikepdf.Name.F9, 12], pikepdf.Operator("Tf")),
                    ([20, 20], pikepdf.Operator("Td")),
                    ([pikepdf.String("stamp")], pikepdf.Operator("Tj")),
                    ([], pikepdf.Operator("ET")),
                ]
            )
        )
        pdf.save(source)
        width_pt, height_pt = float(page.mediabox[2]), float(page.mediabox[3])
    size = (1240, round(1240 * height_pt / width_pt))
    document = scan_document("in.pdf", [scan_page(1, words_in_lines(VIETNAMESE_LINES[:2]), size=size)], kind="pdf")
    usable = ghostscript.available() and not (
        Version("10.0.0") <= Version(str(ghostscript.version())) <= Version("10.02.0")
    )
    if usable:
        written = build_pdf(document, [source], tmp_path / "out.pdf")
        assert written.backend == "ghostscript"
        facts = pdf_facts(tmp_path / "out.pdf", validate=False)
        assert facts.pdfa == "2B" and facts.output_intents == 1 and facts.unembedded == []
    else:
        with pytest.raises(ArchiveOutputError, match="Ghostscript"):
            build_pdf(document, [source], tmp_path / "out.pdf")


# --- what gets no PDF, and failures ----------------------------------------------------------------


def test_born_digital_and_text_documents_get_no_pdf(tmp_path):
    born = Page(number=1, text="Kế hoạch", kind="born-digital", text_path="text-layer")
    assert not needs_pdf(scan_document("a.pdf", [born], kind="pdf"))
    text = Page(number=1, text="Kế hoạch", kind="text", text_path="text")
    assert not needs_pdf(scan_document("a.txt", [text], kind="text"))
    mixed = scan_document(
        "m.pdf", [born.model_copy(update={"number": 1}), scan_page(2, words_in_lines(["Kế hoạch"]))], kind="pdf"
    )
    assert needs_pdf(mixed)
    document = write_archive_outputs(
        scan_document("a.pdf", [born], kind="pdf"), tmp_path / "a.pdf", tmp_path, "a", Options(pdf=True)
    )
    assert document.outputs is None and not list(tmp_path.iterdir())


def test_a_page_that_cannot_be_embedded_fails_the_pdf_with_a_warning_not_the_record(tmp_path):
    folder = tmp_path / "cv-1906"
    folder.mkdir()
    write_png(folder / "trang-1.png", blank_page())
    (folder / "trang-2.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)  # a broken image
    pages = [scan_page(1, words_in_lines(VIETNAMESE_LINES[:1])), Page(number=2, text="", error="unreadable: broken")]
    document = scan_document("cv-1906", pages)
    out = tmp_path / "out"
    out.mkdir()
    result = write_archive_outputs(document, folder, out, "cv-1906", Options(pdf=True, alto=True))
    assert result.outputs is not None and result.outputs.pdf is None and result.outputs.alto == "cv-1906.alto.xml"
    assert any(w.startswith("pdf not written: page 2: trang-2.png cannot be") for w in result.warnings)
    assert result.needs_review
    assert sorted(p.name for p in out.iterdir()) == ["cv-1906.alto.xml"]  # no PDF, no temp file left behind


def test_an_output_interrupted_midway_leaves_nothing(tmp_path, monkeypatch):
    from pipeline.archive import pdf as pdf_module

    def half_written(document, sources, stream):
        stream.write(b"%PDF-1.7 partial")
        raise ArchiveOutputError("disk went away")

    monkeypatch.setattr(pdf_module, "write_pdf", half_written)
    image = write_png(tmp_path / "page.png", blank_page())
    out = tmp_path / "out"
    out.mkdir()
    document = scan_document("page.png", [scan_page(1, words_in_lines(VIETNAMESE_LINES[:1]))])
    result = write_archive_outputs(document, image, out, "page", Options(pdf=True))
    assert result.outputs is None and "pdf not written: disk went away" in result.warnings
    assert list(out.iterdir()) == []


def test_an_image_with_transparency_is_converted_losslessly(tmp_path):
    from PIL import Image

    rgba = Image.new("RGBA", (1240, 1754), (255, 255, 255, 0))
    rgba.paste((0, 0, 0, 255), (100, 100, 400, 140))
    rgba.save(tmp_path / "alpha.png")
    document = scan_document("alpha.png", [scan_page(1, words_in_lines(VIETNAMESE_LINES[:1]))])
    build_pdf(document, [tmp_path / "alpha.png"], tmp_path / "alpha.pdf")
    facts = pdf_facts(tmp_path / "alpha.pdf")
    assert facts.pdfa == "2B" and facts.validator == "pass"
    assert Counter(extract_text(tmp_path / "alpha.pdf").split()) == Counter(VIETNAMESE_LINES[0].split())
