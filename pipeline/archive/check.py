"""Checks of archive outputs, shared by the tests and ``benchmarks/bench_archive.py``: what a PDF declares
(PDF/A identification, OutputIntent, embedded fonts, pages), the words text extractors get out of it, and
bag-of-words F1 against the record's words.
"""

from __future__ import annotations

import subprocess
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Document
from .layer import has_text_layer_words, placed_words


@dataclass
class PdfFacts:
    pages: int
    pdfa: str | None  # the XMP identification, e.g. "2B"
    output_intents: int
    fonts: int
    unembedded: list[str] = field(default_factory=list)  # fonts used without their glyphs in the file
    validator: str | None = None  # pikepdf.pdfa's verdict on the bytes: pass / fail / not_checked


def pdf_facts(path: Path, *, validate: bool = True) -> PdfFacts:
    import pikepdf

    with pikepdf.open(path) as pdf:
        meta = pdf.open_metadata()
        fonts: dict[tuple[int, int], str] = {}
        for page in pdf.pages:
            collect_fonts(page.obj.get("/Resources"), fonts, set())
            for annot in page.obj.get("/Annots", []):
                for appearance in (annot.get("/AP") or {}).values():
                    if isinstance(appearance, pikepdf.Stream):
                        collect_fonts(appearance.get("/Resources"), fonts, set())
        unembedded = sorted({name for key, name in fonts.items() if not font_is_embedded(pdf.get_object(key))})
        facts = PdfFacts(
            pages=len(pdf.pages),
            pdfa=meta.pdfa_status or None,
            output_intents=len(pdf.Root.get("/OutputIntents", [])),
            fonts=len(fonts),
            unembedded=unembedded,
        )
    if validate:
        from pikepdf.pdfa import validate_written

        facts.validator = validate_written(path, "2b").verdict
    return facts


def collect_fonts(resources, fonts: dict, seen: set) -> None:
    """Every font reachable from a resource dictionary, through form XObjects and Type 3 fonts."""
    import pikepdf

    if not isinstance(resources, pikepdf.Dictionary):
        return
    for font in (resources.get("/Font") or {}).values():
        if font.objgen != (0, 0) and font.objgen not in fonts:
            fonts[font.objgen] = str(font.get("/BaseFont", font.get("/Name", "?")))
            if font.get("/Subtype") == "/Type3":
                collect_fonts(font.get("/Resources"), fonts, seen)
    for xobject in (resources.get("/XObject") or {}).values():
        if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
            seen.add(xobject.objgen)
            collect_fonts(xobject.get("/Resources"), fonts, seen)


def font_is_embedded(font) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True  # its glyphs are content streams in the file
    if font.get("/Subtype") == "/Type0":
        descendants = font.get("/DescendantFonts") or []
        return bool(descendants) and all(font_is_embedded(d) for d in descendants)
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


# --- words -----------------------------------------------------------------------------------------


def words_of(text: str) -> Counter:
    return Counter(unicodedata.normalize("NFC", text).split())


def extract_text(path: Path, tool: str = "pdftotext") -> str:
    """The PDF's text as an extractor gives it: poppler's pdftotext, pdfminer.six or PDFium (pypdfium2)."""
    if tool == "pdftotext":
        return subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True, timeout=120
        ).stdout
    if tool == "pdfminer":
        from pdfminer.high_level import extract_text as pdfminer_text
        from pdfminer.layout import LAParams

        # all_texts: lay out text inside form XObjects too (a grafted layer is one, as OCRmyPDF's are)
        return pdfminer_text(str(path), laparams=LAParams(all_texts=True))
    if tool == "pdfium":
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(str(path))
        try:
            return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
        finally:
            document.close()
    raise ValueError(f"unknown extractor {tool!r}")


def own_text(source: Path, tool: str = "pdftotext") -> str:
    """A PDF input's own text as it shows in its PDF/A (the visible e-signature boxes of signed portal scans
    are widget appearances, which the PDF/A flattens into the page; extractors differ on reading widgets)."""
    import tempfile

    import pikepdf

    with tempfile.TemporaryDirectory(prefix="planocr-check-") as work, pikepdf.open(source) as pdf:
        pdf.flatten_annotations("all")
        pdf.save(Path(work) / "flat.pdf")
        return extract_text(Path(work) / "flat.pdf", tool)


def added_words(output: Path, source: Path, tool: str = "pdftotext") -> Counter:
    """The words a PDF output holds beyond its PDF input's own text (``own_text``): the text layer planocr
    added, as an extractor reads it. For image inputs, all of the output's words."""
    found = words_of(extract_text(output, tool))
    if source.suffix.lower() == ".pdf":
        found -= words_of(own_text(source, tool))
    return found


def layer_words(document: Document) -> Counter:
    """The words the text layer holds: the record's words of its scan pages."""
    return Counter(w.text for page in document.pages if has_text_layer_words(page) for w in placed_words(page))


def bag_f1(reference: Counter, found: Counter) -> tuple[float, float, float]:
    """(F1, precision, recall) of two bags of words."""
    common = sum((reference & found).values())
    precision = common / sum(found.values()) if found else 0.0
    recall = common / sum(reference.values()) if reference else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, precision, recall


def alto_contents(data: bytes) -> Counter:
    """The CONTENT of every String of an ALTO file."""
    from lxml import etree

    root = etree.fromstring(data)
    return Counter(
        unicodedata.normalize("NFC", s.get("CONTENT"))
        for s in root.iter("{http://www.loc.gov/standards/alto/ns-v4#}String")
    )
