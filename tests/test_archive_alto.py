"""--alto: ALTO 4.4 of the record's OCR'd pages, valid against the XSD, holding the record's corrected words."""

from __future__ import annotations

import unicodedata
from collections import Counter

import cv2
import numpy as np
import pytest
from lxml import etree
from pipeline.testing.archive_pages import VIETNAMESE_LINES, bars_page, ink_boxes, scan_document, scan_page, words_in_lines

from pipeline.archive.alto import alto_bytes, alto_schema, needs_alto
from pipeline.archive.check import alto_contents, bag_f1, layer_words
from pipeline.model import Page, Provenance, Word

NS = {"a": "http://www.loc.gov/standards/alto/ns-v4#"}
STRING = "{http://www.loc.gov/standards/alto/ns-v4#}String"


@pytest.fixture(scope="module")
def schema(alto_xsd):
    return alto_schema(alto_xsd)


def restored_document():
    """Two OCR'd pages and a born-digital one; some words changed by restoration (original kept)."""
    words = words_in_lines(VIETNAMESE_LINES)
    words[5] = words[5].model_copy(update={"text": "Nghị", "original": "Nghi"})
    words[6] = words[6].model_copy(update={"text": "quyết", "original": "quyét"})
    words[-1] = words[-1].model_copy(update={"text": unicodedata.normalize("NFD", "nhiệm"), "original": "nhiem"})
    # a blank line between lines 2 and 3 of page 1 (line numbers skip): two text blocks
    words = [w if (w.line or 0) <= 2 else w.model_copy(update={"line": (w.line or 0) + 1}) for w in words]
    page1 = scan_page(1, words).model_copy(update={"confidence": 0.91})
    page2 = scan_page(2, words_in_lines(VIETNAMESE_LINES[:1]))
    page3 = Page(number=3, text="Nơi nhận:", kind="born-digital", text_path="text-layer")
    document = scan_document("kh.pdf", [page1, page2, page3], kind="pdf")
    document.provenance = Provenance(planocr="0.3.0", tesseract="5.3.0", lang="vie", restore=True)
    return document


def test_alto_validates_against_the_xsd(schema):
    data = alto_bytes(restored_document())
    assert schema.validate(etree.fromstring(data)), schema.error_log


def test_alto_holds_the_records_corrected_words_with_boxes_and_confidence(schema):
    document = restored_document()
    root = etree.fromstring(alto_bytes(document))
    strings = root.findall(".//a:String", NS)
    assert bag_f1(layer_words(document), alto_contents(alto_bytes(document)))[0] == 1.0
    first = document.pages[0].words[0]
    assert strings[0].get("CONTENT") == first.text
    assert (strings[0].get("HPOS"), strings[0].get("VPOS"), strings[0].get("WIDTH"), strings[0].get("HEIGHT")) == tuple(
        str(v) for v in first.box
    )
    assert strings[0].get("WC") == "0.9000"
    assert all(s.get("CONTENT") == unicodedata.normalize("NFC", s.get("CONTENT")) for s in strings)
    pages = root.findall(".//a:Page", NS)
    assert [p.get("PHYSICAL_IMG_NR") for p in pages] == ["1", "2", "3"]
    assert (pages[0].get("WIDTH"), pages[0].get("HEIGHT"), pages[0].get("PC")) == ("1240", "1754", "0.9100")
    assert pages[2].find("a:PrintSpace", NS) is None  # the born-digital page: listed, no OCR content
    assert [len(b.findall("a:TextLine", NS)) for b in pages[0].findall(".//a:TextBlock", NS)] == [2, 3]


def test_words_restoration_changed_keep_what_the_ocr_read(schema):
    root = etree.fromstring(alto_bytes(restored_document()))
    changed = {
        s.get("CONTENT"): (s.find("a:ALTERNATIVE", NS).text, s.get("PROCESSINGREFS"))
        for s in root.iter(STRING)
        if s.find("a:ALTERNATIVE", NS) is not None
    }
    assert changed == {"Nghị": ("Nghi", "RESTORE"), "quyết": ("quyét", "RESTORE"), "nhiệm": ("nhiem", "RESTORE")}
    assert root.find(".//a:ALTERNATIVE", NS).get("PURPOSE") == "OCR"
    step = root.find(".//a:Processing[@ID='RESTORE']", NS)
    assert step.find("a:processingCategory", NS).text == "contentModification"


def test_alto_boxes_are_on_the_page_as_scanned_not_as_deskewed(schema):
    from pipeline.preprocess import deskew

    skewed = cv2.warpAffine(bars_page(), cv2.getRotationMatrix2D((620, 877), 2.0, 1.0), (1240, 1754), borderValue=255)
    straight, angle = deskew(skewed)
    read = ink_boxes(straight)
    words = [Word(text=f"w{i}", box=box, line=i + 1, confidence=0.9) for i, (box, _) in enumerate(read)]
    document = scan_document("skewed.png", [scan_page(1, words, steps=[f"deskew:{angle:+.2f}"])])
    data = alto_bytes(document)
    assert schema.validate(etree.fromstring(data))
    on_scan = [c for _, c in ink_boxes(skewed)]
    for s in etree.fromstring(data).iter(STRING):
        x = float(s.get("HPOS")) + float(s.get("WIDTH")) / 2
        y = float(s.get("VPOS")) + float(s.get("HEIGHT")) / 2
        assert min(np.hypot(x - cx, y - cy) for cx, cy in on_scan) < 2


def test_documents_without_ocr_words_get_no_alto():
    born = Page(number=1, text="Kế hoạch", kind="born-digital", text_path="text-layer")
    assert not needs_alto(scan_document("a.pdf", [born], kind="pdf"))
    assert needs_alto(restored_document())


def test_alto_is_deterministic():
    assert alto_bytes(restored_document()) == alto_bytes(restored_document())
    assert Counter(alto_contents(alto_bytes(restored_document()))) == layer_words(restored_document())
