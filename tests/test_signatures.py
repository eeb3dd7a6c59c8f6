"""PDF digital signatures (pipeline/load/signatures.py): the real published files' PAdES signatures
(../shared/realscans; skipped with the reason when absent), a copy with one byte changed, a broken
signature dictionary, and a file signed here with a test CA to check trust against given roots."""

import datetime
import re

import pikepdf
import pytest

from pipeline.load.signatures import read_signatures
from pipeline.testing.certificates import make_ca, make_leaf, pem

ISSUER = "Ủy ban nhân dân tỉnh Quảng Ngãi"
PORTAL = "TRUNG TÂM CÔNG BÁO VÀ TIN HỌC"

# file: (signer, coverage, page) of each signature in file order, read off the files with pyHanko by hand and
# checked against the boxes on the pages (issuer signs first, the portal that published it last)
EXPECTED = {
    "11_ubnd-quangngai_ttr01_scan.pdf": [(ISSUER, "entire revision", 1), (PORTAL, "entire file", 1)],
    "13_bcd138-quangngai_qd04_scan.pdf": [(ISSUER, "entire revision", 1), (PORTAL, "entire file", 1)],
    "16_ubnd-quangngai_cv575_scan.pdf": [(PORTAL, "entire file", 1)],
    "S1_ubnd-quangngai_ct01-2021_scan-graybg.pdf": [(ISSUER, "entire file", 1)],
    "S3_ubnd-quangngai_ct11-2024_scan.pdf": [(ISSUER, "entire revision", 1), (PORTAL, "entire file", 1)],
    "S5_ubnd-quangngai_qd51-2025_scan.pdf": [(ISSUER, "entire revision", 1), (PORTAL, "entire file", 1)],
    "08_ubnd-quangngai_tb565_digital.pdf": [("Phùng Tô Long", "entire revision", 4), (ISSUER, "entire revision", 4),
                                            (ISSUER, "entire revision", 1), (ISSUER, "entire revision", 1),
                                            (PORTAL, "entire file", 1)],
}


@pytest.fixture(scope="module")
def scans(realscans_dir):
    return realscans_dir / "scans"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_signature_of_the_published_files_with_signer_and_integrity(scans, name):
    signatures, warnings = read_signatures(scans / name)
    assert warnings == []
    assert [(s.signer, s.coverage, s.page) for s in signatures] == EXPECTED[name]
    for s in signatures:
        assert s.intact is True and s.trusted == "not checked"
        assert re.fullmatch(r"Signature\d", s.field)
        assert s.issuer in ("Co quan chung thuc so Chinh phu", "CA phục vụ các cơ quan Nhà nước G2")
        assert datetime.datetime.fromisoformat(s.signed_at).tzinfo is not None
    portal = [s for s in signatures if s.signer == PORTAL]
    assert all(s.organisation == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI" for s in portal)


def test_the_portal_signs_after_the_issuer(scans):
    issuer, portal = read_signatures(scans / "11_ubnd-quangngai_ttr01_scan.pdf")[0]
    assert issuer.signed_at == "2025-01-07T10:09:57+07:00"
    assert portal.signed_at == "2025-01-07T10:44:25+00:00"  # as signed (the box says 10:44:25 +07:00)


def byte_ranges(data: bytes) -> list[list[int]]:
    return [[int(v) for v in m.split()] for m in re.findall(rb"/ByteRange\s*\[([\d\s]+)\]", data)]


def test_one_changed_byte_inside_the_signed_range_is_found_out(scans, tmp_path):
    data = bytearray((scans / "16_ubnd-quangngai_cv575_scan.pdf").read_bytes())
    [[start, length, _, _]] = byte_ranges(bytes(data))
    image = data.index(b"stream", data.index(b"/Subtype/Image") if b"/Subtype/Image" in data else 0)
    offset = image + 5000  # inside the scan's JPEG data, well within the signed range
    assert start <= offset < start + length
    data[offset] ^= 0x01
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(bytes(data))
    [signature], warnings = read_signatures(changed)
    assert signature.signer == PORTAL and signature.intact is False
    assert warnings == ["digital signature Signature1: the signed bytes were changed or the signature does not verify"]


def test_a_broken_signature_dictionary_is_recorded_with_what_can_be_read(scans, tmp_path):
    data = (scans / "16_ubnd-quangngai_cv575_scan.pdf").read_bytes()
    contents = re.search(rb"/Contents\s*<([0-9A-Fa-f]+)>", data)
    broken = data[: contents.start(1)] + b"0" * len(contents.group(1)) + data[contents.end(1):]  # no CMS left
    path = tmp_path / "broken.pdf"
    path.write_bytes(broken)
    signatures, warnings = read_signatures(path)
    assert len(signatures) == 1 and warnings
    assert signatures[0].field == "Signature1" and signatures[0].intact is None and signatures[0].page == 1
    assert signatures[0].signed_at is not None and signatures[0].signed_at.startswith("2025-02-05T")


def test_unsigned_and_unreadable_files(tmp_path):
    from PIL import Image

    Image.new("L", (50, 50), 255).save(tmp_path / "plain.pdf", "PDF")
    assert read_signatures(tmp_path / "plain.pdf") == ([], [])
    (tmp_path / "junk.pdf").write_bytes(b"%PDF-1.4\n/ByteRange [0 1 2 3] /Sig garbage")
    signatures, warnings = read_signatures(tmp_path / "junk.pdf")
    assert signatures == [] and warnings and warnings[0].startswith("digital signatures: pyHanko cannot read the file")
    assert read_signatures(tmp_path / "gone.pdf") == ([], [])


# --- a file signed here, to check trust against given roots -----------------------------------------


@pytest.fixture(scope="module")
def signed_pdf(tmp_path_factory):
    """A two-page PDF signed with a visible box on page 2 by a certificate of a test CA."""
    from PIL import Image
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    tmp = tmp_path_factory.mktemp("signed")
    ca_key, ca_cert = make_ca("Test Root CA")
    key, cert = make_leaf(ca_key, ca_cert, "Văn phòng UBND tỉnh Thử", "UBND tỉnh Thử")
    other_key, other_cert = make_ca("Another Root")
    pages = [Image.new("L", (300, 400), 255), Image.new("L", (300, 400), 200)]
    pages[0].save(tmp / "pillow.pdf", "PDF", save_all=True, append_images=pages[1:])
    with pikepdf.open(tmp / "pillow.pdf") as rewritten:  # a clean cross-reference table for pyHanko's writer
        rewritten.save(tmp / "unsigned.pdf")
    signer = signers.SimpleSigner.load(str(pem(tmp, "key.pem", key=key)), str(pem(tmp, "cert.pem", cert=cert)),
                                       ca_chain_files=(str(pem(tmp, "ca.pem", cert=ca_cert)),))
    with (tmp / "unsigned.pdf").open("rb") as handle:
        writer = IncrementalPdfFileWriter(handle)
        out = signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name="Chuky1"), signer=signer,
                               new_field_spec=fields.SigFieldSpec("Chuky1", on_page=1, box=(10, 10, 200, 60)))
    (tmp / "signed.pdf").write_bytes(out.getvalue())
    roots = tmp / "roots"
    roots.mkdir()
    pem(roots, "root.pem", cert=ca_cert)
    (roots / "README.txt").write_text("not a certificate")  # other files in the folder are skipped
    pem(tmp, "other.pem", cert=other_cert)
    return tmp


def test_trust_is_not_checked_without_roots(signed_pdf):
    [signature], warnings = read_signatures(signed_pdf / "signed.pdf")
    assert warnings == []
    assert (signature.field, signature.signer, signature.organisation, signature.issuer) == (
        "Chuky1", "Văn phòng UBND tỉnh Thử", "UBND tỉnh Thử", "Test Root CA")
    assert signature.intact is True and signature.coverage == "entire file" and signature.page == 2
    assert signature.trusted == "not checked"


def test_trust_against_given_roots(signed_pdf):
    [trusted], _ = read_signatures(signed_pdf / "signed.pdf", str(signed_pdf / "roots"))
    assert trusted.trusted == "trusted" and trusted.intact is True
    [untrusted], _ = read_signatures(signed_pdf / "signed.pdf", str(signed_pdf / "other.pem"))
    assert untrusted.trusted == "untrusted" and untrusted.intact is True


def test_appended_revision_leaves_the_signature_covering_its_revision(signed_pdf, tmp_path):
    from pyhanko.pdf_utils.generic import NameObject
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    with (signed_pdf / "signed.pdf").open("rb") as handle:
        writer = IncrementalPdfFileWriter(handle)
        writer.root["/PageMode"] = NameObject("/UseOutlines")  # a later revision changes the catalog
        writer.update_root()
        out = tmp_path / "appended.pdf"
        with out.open("wb") as target:
            writer.write(target)
    [signature], warnings = read_signatures(out)
    assert signature.intact is True and signature.coverage == "entire revision"
    assert any("changed after signing" in w for w in warnings)  # a catalog change is no form filling


# --- the export table -------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".parquet"])
def test_signatures_table_one_row_per_signature(tmp_path, suffix):
    from pipeline.testing.exports import read_back, write_outdir

    from pipeline.export import export_tables
    from pipeline.model import DigitalSignature, Document, Source

    doc = Document(source=Source(file="11.pdf", sha256="a" * 64, kind="pdf", pages=1), digital_signatures=[
        DigitalSignature(field="Signature1", signer=ISSUER, organisation="Tỉnh Quảng Ngãi",
                         issuer="Co quan chung thuc so Chinh phu", signed_at="2025-01-07T10:09:57+07:00",
                         intact=True, coverage="entire revision", page=1),
        DigitalSignature(field="Signature2", signer=PORTAL, intact=None, coverage=None, trusted="untrusted"),
    ])
    outdir = write_outdir(tmp_path / "out", {"11.json": doc, "none.json": Document(
        source=Source(file="none.pdf", sha256="b" * 64, kind="pdf", pages=1))})
    export_tables(outdir, tmp_path / f"t{suffix}")
    table = read_back(tmp_path / f"t{suffix}")["digital_signatures"]
    assert list(table.columns) == ["doc_id", "file", "order", "field", "signer", "organisation", "issuer",
                                   "signed_at", "intact", "coverage", "trusted", "page"]
    rows = table.to_dict("records")
    assert len(rows) == 2 and [r["order"] for r in rows] == [1, 2] and {r["file"] for r in rows} == {"11.pdf"}
    assert rows[0]["signer"] == ISSUER and rows[0]["signed_at"] == "2025-01-07T10:09:57+07:00"
    assert bool(rows[0]["intact"]) is True and rows[0]["coverage"] == "entire revision" and rows[0]["page"] == 1
    assert rows[0]["trusted"] == "not checked" and rows[1]["trusted"] == "untrusted"
    assert pd_null(rows[1]["intact"]) and pd_null(rows[1]["page"]) and pd_null(rows[1]["coverage"])


def pd_null(value) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))
