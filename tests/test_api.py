"""The scripting API in pipeline/__init__.py: cheap to import, and the same records as the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pipeline
from pipeline.testing.batch import PLAN, run_cli, write_texts


def test_import_pipeline_loads_none_of_the_heavy_libraries():
    probe = ("import sys, pipeline; print(sorted({m.split('.')[0] for m in sys.modules} & "
             "{'pydantic', 'numpy', 'cv2', 'PIL', 'pandas', 'pytesseract', 'diacritics'}))")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


def test_every_public_name_resolves():
    assert sorted(pipeline.__all__) == ["BatchSummary", "Document", "Options", "PlanocrError", "__version__",
                                        "parse_text", "process_document", "run_batch"]
    for name in pipeline.__all__:
        assert getattr(pipeline, name) is not None
    assert pipeline.Options is __import__("pipeline.options").options.Options


def test_process_document_gives_the_record_planocr_parse_gives(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(PLAN.format(n=36), encoding="utf-8")
    doc = pipeline.process_document(path, pipeline.Options(jobs=1, restore=False))
    assert isinstance(doc, pipeline.Document) and doc.number == "36/KH-UBND"
    assert doc.to_json() == run_cli(str(path), command="parse").stdout


def test_run_batch_takes_plain_strings_and_returns_the_summary(tmp_path):
    write_texts(tmp_path / "in", 2)
    summary = pipeline.run_batch(str(tmp_path / "in"), str(tmp_path / "out"), pipeline.Options(jobs=1, restore=False))
    assert isinstance(summary, pipeline.BatchSummary) and (summary.ok, summary.failed) == (2, 0)
    record = json.loads((tmp_path / "out" / "plan02.json").read_text(encoding="utf-8"))
    assert record["number"] == "2/KH-UBND"


def test_parse_text_alone():
    fields = pipeline.parse_text(PLAN.format(n=7))
    assert fields.number == "7/KH-UBND" and fields.doc_type == "KẾ HOẠCH"


def test_errors_carry_their_category(tmp_path):
    try:
        pipeline.process_document(tmp_path / "missing.pdf")
    except pipeline.PlanocrError as err:
        assert err.category == "missing"
    else:
        raise AssertionError("no error for a missing input")
