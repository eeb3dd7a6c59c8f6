"""The issue's done criteria on a real scan (../shared/realscans, 16: a signed 300-dpi colour scan from a
provincial portal, one page): PDF/A identification and OutputIntent, every font embedded, the record's
pages, at most 1.5× the input's size, the text layer's words match the record's (F1 ≥ 0.98), the ALTO
validates and matches too. All eight real scans are measured by benchmarks/bench_archive.py."""

from __future__ import annotations

import pytest
from lxml import etree

from pipeline.archive.alto import alto_schema
from pipeline.archive.check import added_words, alto_contents, bag_f1, extract_text, layer_words, pdf_facts, words_of
from pipeline.batch import run_batch
from pipeline.model import Document
from pipeline.options import Options

SCAN = "16_ubnd-quangngai_cv575_scan"


@pytest.mark.slow
def test_a_signed_real_scan_gets_a_valid_pdfa_and_alto_holding_its_records_words(tmp_path, realscans_dir, alto_xsd):
    source = realscans_dir / "scans" / f"{SCAN}.pdf"
    schema = alto_schema(alto_xsd)
    before = source.read_bytes()
    summary = run_batch([source], tmp_path, Options(jobs=2, lang="vie", pdf=True, alto=True))
    assert summary.ok == 1
    assert source.read_bytes() == before
    document = Document.model_validate_json((tmp_path / f"{SCAN}.json").read_text(encoding="utf-8"))
    assert document.outputs is not None and document.outputs.pdf == f"{SCAN}.pdf"
    output = tmp_path / f"{SCAN}.pdf"
    facts = pdf_facts(output)
    assert (facts.pdfa, facts.output_intents, facts.unembedded, facts.validator) == ("2B", 1, [], "pass")
    assert facts.pages == len(document.pages)
    assert output.stat().st_size <= 1.5 * len(before)
    record_words = layer_words(document)
    assert sum(record_words.values()) > 200
    for tool in ("pdftotext", "pdfium"):
        assert bag_f1(record_words, added_words(output, source, tool))[0] >= 0.98, tool
    assert (
        bag_f1(record_words, words_of(extract_text(output, "pdfium")))[0] >= 0.95
    )  # with the e-signature box's own text
    alto = (tmp_path / f"{SCAN}.alto.xml").read_bytes()
    assert schema.validate(etree.fromstring(alto)), schema.error_log
    assert bag_f1(record_words, alto_contents(alto))[0] >= 0.98
