"""The OCRmyPDF plugin: `ocrmypdf --plugin planocr` puts planocr's restored words into OCRmyPDF's own output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from pipeline.testing.archive_pages import PAGE_1, page_image

from pipeline.archive.check import extract_text, pdf_facts

ROOT = Path(__file__).resolve().parent.parent


def image_pdf(tmp_path: Path) -> Path:
    import img2pdf

    image = page_image(tmp_path / "page.png", PAGE_1)
    path = tmp_path / "page.pdf"
    path.write_bytes(img2pdf.convert(str(image)))
    return path


def ocrmypdf_cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    return subprocess.run(
        [sys.executable, "-m", "ocrmypdf", *args], capture_output=True, text=True, env=env, timeout=300
    )


@pytest.mark.slow
def test_ocrmypdf_with_the_planocr_plugin_writes_planocrs_words(tmp_path):
    source = image_pdf(tmp_path)
    done = ocrmypdf_cli(
        "--plugin", "planocr", "-l", "vie", "--output-type", "pdfa-2", str(source), str(tmp_path / "out.pdf")
    )
    assert done.returncode == 0, done.stderr
    with pikepdf.open(tmp_path / "out.pdf") as pdf:
        assert "planocr" in str(pdf.docinfo.get("/Creator"))  # OCRmyPDF names the engine that made the layer
    facts = pdf_facts(tmp_path / "out.pdf", validate=False)
    assert facts.pdfa == "2B" and facts.unembedded == []
    text = " ".join(extract_text(tmp_path / "out.pdf").split())
    for line in PAGE_1:
        assert line.replace(": ", ":") in text.replace(": ", ":")


def test_the_plugin_steps_aside_when_ocrmypdfs_own_engine_is_named():
    from types import SimpleNamespace

    from pipeline.archive.plugin import PlanocrEngine, get_ocr_engine

    assert isinstance(get_ocr_engine(SimpleNamespace(ocr_engine="auto")), PlanocrEngine)
    assert isinstance(get_ocr_engine(None), PlanocrEngine)
    assert get_ocr_engine(SimpleNamespace(ocr_engine="tesseract")) is None
    assert get_ocr_engine(SimpleNamespace(ocr_engine="none")) is None


def test_the_plugin_reads_a_page_the_way_planocr_does(tmp_path):
    """generate_ocr gives planocr's restored words, at their place on the image OCRmyPDF handed over."""
    from types import SimpleNamespace

    from pipeline.archive.plugin import PlanocrEngine

    image = page_image(tmp_path / "page.png", PAGE_1)
    tree, text = PlanocrEngine.generate_ocr(image, SimpleNamespace(languages=["vie"]), 0)
    assert [" ".join(w.text for w in line.children) for line in tree.lines] == PAGE_1
    assert text.splitlines()[0] == PAGE_1[0]
    assert round(tree.dpi) == 300 and (tree.bbox.right, tree.bbox.bottom) == (1100, 300)
    first = tree.lines[0].children[0]
    assert 30 <= first.bbox.left <= 50 and 35 <= first.bbox.top <= 60  # where "ỦY" is drawn
