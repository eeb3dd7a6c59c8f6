"""A record a person reviewed is never overwritten by `planocr run` (pipeline/batch/run.py, resume.py):
--resume keeps it, a plain rerun keeps it, and an input that changed since is reported, not redone."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

from pipeline.testing.review_outdirs import TEXT, manifest_lines

from pipeline.batch import run_batch
from pipeline.batch.progress import Reporter
from pipeline.export import export_records
from pipeline.options import Options
from pipeline.review.records import Store


def run(inputs: Path, out: Path, **options) -> tuple[object, str]:
    stream = io.StringIO()
    summary = run_batch(
        [inputs], out, Options(jobs=1, restore=False, **options), reporter=Reporter(stream=stream, bars=False)
    )
    return summary, stream.getvalue()


def review(out: Path, name: str, *edits: dict) -> None:
    store = Store(out, "Lan")
    entry = store.get(name)
    assert entry is not None
    for change in edits:
        _, version = store.read(entry)
        store.edit(entry, change, version)


def test_resume_and_reruns_keep_the_reviewed_record_and_report_a_changed_input(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copyfile(TEXT, inputs / "plan.txt")
    other = inputs / "other.txt"
    other.write_text("ỦY BAN NHÂN DÂN XÃ AN HÒA\nSố: 5/KH-UBND\nKẾ HOẠCH\nTổ chức hội nghị\n", encoding="utf-8")
    out = tmp_path / "out"
    summary, _ = run(inputs, out)
    assert summary.ok == 2
    review(out, "plan", {"field": "number", "value": "01/KH-UBND"}, {"reviewed": True})
    reviewed = (out / "plan.json").read_bytes()
    assert json.loads(reviewed)["number"] == "01/KH-UBND"

    summary, log = run(inputs, out, resume=True)
    assert (summary.ok, summary.skipped, summary.failed) == (0, 2, 0)
    assert (out / "plan.json").read_bytes() == reviewed
    assert "skipped" in log and "(reviewed record kept: plan.json)" in log
    line = [x for x in manifest_lines(out) if x["input"].endswith("plan.txt")][-1]
    assert (line["status"], line["reviewed"], line["error"]) == ("skipped", True, None)

    summary, _ = run(inputs, out)  # without --resume: the other input is redone, the reviewed one kept
    assert (summary.ok, summary.skipped) == (1, 1)
    assert (out / "plan.json").read_bytes() == reviewed

    with (inputs / "plan.txt").open("a", encoding="utf-8") as handle:
        handle.write("\nMột dòng thêm sau khi đã duyệt.\n")
    summary, log = run(inputs, out, resume=True)
    assert summary.skipped == 2 and summary.failed == 0
    assert (out / "plan.json").read_bytes() == reviewed  # not silently redone
    assert "the input changed since its record was reviewed; the reviewed record is kept" in log
    line = [x for x in manifest_lines(out) if x["input"].endswith("plan.txt")][-1]
    assert line["status"] == "skipped" and "changed" in line["error"]

    report = export_records(out, tmp_path / "t.csv")  # the reviewed values are what is exported
    assert report.records == 2
    text = (tmp_path / "t_documents.csv").read_text(encoding="utf-8-sig")
    assert "01/KH-UBND" in text


def test_a_record_with_changes_but_not_yet_marked_reviewed_is_kept_too(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copyfile(TEXT, inputs / "plan.txt")
    out = tmp_path / "out"
    run(inputs, out)
    review(out, "plan", {"field": "title", "value": "Một trích yếu do người sửa"})
    changed = (out / "plan.json").read_bytes()
    assert json.loads(changed)["reviewed"] is False
    summary, log = run(inputs, out)
    assert summary.skipped == 1 and (out / "plan.json").read_bytes() == changed
