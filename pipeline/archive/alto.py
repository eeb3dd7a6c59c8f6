"""`--alto`: the record's OCR'd pages as ALTO 4.4 XML (Library of Congress, the libraries' exchange format).

One ``Page`` per record page (``PHYSICAL_IMG_NR`` = page number; ``WIDTH``/``HEIGHT`` = the page image's
pixels, ``MeasurementUnit`` pixel), a ``PrintSpace`` with one ``TextBlock`` per paragraph of the page text,
``TextLine``s in reading order and a ``String`` per word: ``CONTENT`` is the record's corrected word,
``HPOS VPOS WIDTH HEIGHT`` its box on the page image (moved back from the deskewed frame the OCR read),
``WC`` Tesseract's confidence (0–1). Where restoration changed a word, what the OCR read is kept as
``<ALTERNATIVE PURPOSE="OCR">`` and the String refers to the ``Processing`` step that describes restoration.
Pages without OCR words (born-digital pages, failed pages) are listed without content.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from .. import __version__
from ..model import Document, Page
from .geometry import ocr_to_page, word_box_on_page
from .layer import page_blocks

ALTO_NS = "http://www.loc.gov/standards/alto/ns-v4#"
XLINK_NS = "http://www.w3.org/1999/xlink"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{ALTO_NS} http://www.loc.gov/standards/alto/v4/alto-4-4.xsd"


def needs_alto(document: Document) -> bool:
    """ALTO describes OCR: it is written for documents with at least one page that has OCR words."""
    return any(page.words for page in document.pages)


def fmt(value: float) -> str:
    """Pixel coordinates as ALTO floats, without needless decimals."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else str(rounded)


def alto_bytes(document: Document, *, file_name: str | None = None) -> bytes:
    """The ALTO document as UTF-8 bytes (deterministic: no timestamps)."""
    from lxml import etree

    def el(parent, tag: str, **attributes: str):
        node = etree.SubElement(parent, f"{{{ALTO_NS}}}{tag}")
        for key, value in attributes.items():
            node.set(key, value)
        return node

    root = etree.Element(f"{{{ALTO_NS}}}alto", nsmap={None: ALTO_NS, "xlink": XLINK_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", SCHEMA_LOCATION)
    description = el(root, "Description")
    el(description, "MeasurementUnit").text = "pixel"
    source = el(description, "sourceImageInformation")
    el(source, "fileName").text = file_name or document.source.file
    ocr_step = processing(el, description, "OCR", "contentGeneration", ocr_description(document))
    restore_step = None
    if document.provenance is None or document.provenance.restore:
        restore_step = processing(
            el,
            description,
            "RESTORE",
            "contentModification",
            "Vietnamese diacritic restoration of OCR words (planocr diacritics): CONTENT is the corrected word; "
            "the word as OCR read it is kept as ALTERNATIVE with PURPOSE OCR.",
        )
    layout = el(root, "Layout")
    for page in document.pages:
        add_page(el, layout, page, ocr_step, restore_step)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def ocr_description(document: Document) -> str:
    provenance = document.provenance
    parts = ["OCR by Tesseract"]
    if provenance is not None and provenance.tesseract:
        parts[0] += f" {provenance.tesseract}"
    if provenance is not None and provenance.lang:
        parts.append(f"languages {provenance.lang}")
    parts.append("reading order rebuilt from word boxes")
    return "; ".join(parts)


def processing(el, description, ident: str, category: str, text: str):
    step = el(description, "Processing", ID=ident)
    el(step, "processingCategory").text = category
    el(step, "processingStepDescription").text = text
    software = el(step, "processingSoftware")
    el(software, "softwareCreator").text = "planocr"
    el(software, "softwareName").text = "planocr"
    el(software, "softwareVersion").text = __version__
    return step


def add_page(el, layout, page: Page, ocr_step, restore_step) -> None:
    attributes = {"ID": f"P{page.number}", "PHYSICAL_IMG_NR": str(page.number)}
    if page.size is not None:
        attributes.update(WIDTH=str(page.size[0]), HEIGHT=str(page.size[1]))
    if page.confidence is not None:
        attributes["PC"] = f"{page.confidence:.4f}"
    if page.words and page.size is not None:
        attributes["PROCESSING"] = ocr_step.get("ID")
    node = el(layout, "Page", **attributes)
    if not page.words or page.size is None:
        return
    to_page = ocr_to_page(page)
    space = el(node, "PrintSpace", HPOS="0", VPOS="0", WIDTH=str(page.size[0]), HEIGHT=str(page.size[1]))
    for b, block in enumerate(page_blocks(page), 1):
        boxes = [word_box_on_page(to_page, w.box) for line in block.lines for w in line.words]  # type: ignore[arg-type]
        block_node = el(space, "TextBlock", ID=f"P{page.number}_B{b}", **position(boxes))
        for n, line in enumerate(block.lines, 1):
            placed = [(w, word_box_on_page(to_page, w.box)) for w in line.words]  # type: ignore[arg-type]
            line_node = el(block_node, "TextLine", ID=f"P{page.number}_B{b}_L{n}", **position([b for _, b in placed]))
            for i, (word, box) in enumerate(placed, 1):
                if i > 1:
                    el(line_node, "SP")
                attributes = {
                    "ID": f"P{page.number}_B{b}_L{n}_W{i}",
                    "CONTENT": unicodedata.normalize("NFC", word.text),
                    "HPOS": fmt(box[0]),
                    "VPOS": fmt(box[1]),
                    "WIDTH": fmt(box[2]),
                    "HEIGHT": fmt(box[3]),
                }
                if word.confidence is not None:
                    attributes["WC"] = f"{word.confidence:.4f}"
                if word.original is not None and restore_step is not None:
                    attributes["PROCESSINGREFS"] = restore_step.get("ID")
                string = el(line_node, "String", **attributes)
                if word.original is not None:
                    el(string, "ALTERNATIVE", PURPOSE="OCR").text = unicodedata.normalize("NFC", word.original)


def position(boxes: list[tuple[float, float, float, float]]) -> dict[str, str]:
    left = min(b[0] for b in boxes)
    top = min(b[1] for b in boxes)
    right = max(b[0] + b[2] for b in boxes)
    bottom = max(b[1] + b[3] for b in boxes)
    return {"HPOS": fmt(left), "VPOS": fmt(top), "WIDTH": fmt(right - left), "HEIGHT": fmt(bottom - top)}


# --- validation (tests, benchmark) ----------------------------------------------------------------

# The ALTO XSD imports the XLink schema from www.loc.gov; offline, this local equivalent stands in for it
# (namespace http://www.w3.org/1999/xlink: the attributes ALTO uses and the simpleLink group of them).
XLINK_XSD = b"""<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="http://www.w3.org/1999/xlink"
           xmlns:xlink="http://www.w3.org/1999/xlink" attributeFormDefault="qualified">
  <xs:attribute name="type" type="xs:string"/>
  <xs:attribute name="href" type="xs:anyURI"/>
  <xs:attribute name="role" type="xs:string"/>
  <xs:attribute name="arcrole" type="xs:string"/>
  <xs:attribute name="title" type="xs:string"/>
  <xs:attribute name="show" type="xs:string"/>
  <xs:attribute name="actuate" type="xs:string"/>
  <xs:attributeGroup name="simpleLink">
    <xs:attribute ref="xlink:type"/>
    <xs:attribute ref="xlink:href"/>
    <xs:attribute ref="xlink:role"/>
    <xs:attribute ref="xlink:arcrole"/>
    <xs:attribute ref="xlink:title"/>
    <xs:attribute ref="xlink:show"/>
    <xs:attribute ref="xlink:actuate"/>
  </xs:attributeGroup>
</xs:schema>
"""


def alto_schema(xsd: Path):
    """lxml XMLSchema for ALTO from ``xsd`` (e.g. ../shared/schemas/alto-4-4.xsd), offline: the XLink import
    resolves to XLINK_XSD."""
    from lxml import etree

    class LocalXlink(etree.Resolver):
        def resolve(self, url, public_id, context):
            if url and url.endswith("xlink.xsd"):
                return self.resolve_string(XLINK_XSD, context)
            return None

    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(LocalXlink())
    return etree.XMLSchema(etree.parse(str(xsd), parser))
