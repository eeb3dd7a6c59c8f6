"""`planocr run` as a batch: mixed folders, failure categories, determinism across --jobs, page-level
failure isolation, logs. Text inputs exercise everything but OCR; two tiny images cover the OCR path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.batch import run_batch
from pipeline.batch.names import expand_inputs, output_names
from pipeline.batch.run import merge_tsv
from pipeline.options import Options
from pipeline.testing.batch import make_encrypted_pdf, render_line_image, run_cli, write_texts
from pipeline.testing.batch import read_manifest as manifest

def test_mixed_folder_every_input_accounted_for_with_its_category(tmp_path):
    scans = tmp_path / "scans"
    nested = scans / "box 1" / "folder 2"
    nested.mkdir(parents=True)
    write_texts(scans, 1)
    render_line_image(nested / "scan.png", "Kế hoạch tổ chức hội nghị")
    (scans / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <</Type /Catalog>>\ngarbage without xref or trailer")
    make_encrypted_pdf(nested / "locked.pdf")
    (scans / "empty.pdf").write_bytes(b"")
    (scans / "notes.docx").write_bytes(b"PK\x03\x04 not a plan")
    (scans / ".DS_Store").write_bytes(b"hidden files are not inputs")
    out = tmp_path / "out"

    proc = run_cli(str(scans), "-o", str(out), "--jobs", "2", "--no-restore")

    assert proc.returncode == 1, proc.stderr
    entries = manifest(out)
    by_name = {Path(e["input"]).name: e for e in entries}
    assert sorted(by_name) == ["corrupt.pdf", "empty.pdf", "locked.pdf", "notes.docx", "plan01.txt", "scan.png"]
    assert len(entries) == 6
    assert {n: (e["status"], e["category"]) for n, e in by_name.items()} == {
        "corrupt.pdf": ("failed", "unreadable"),
        "empty.pdf": ("failed", "unreadable"),
        "locked.pdf": ("failed", "encrypted"),
        "notes.docx": ("failed", "unsupported"),
        "plan01.txt": ("ok", None),
        "scan.png": ("ok", None),
    }
    for entry in entries:  # the contract's fields, always present
        assert {"input", "sha256", "status", "output", "error", "pages", "seconds"} <= set(entry)
        assert (entry["error"] is None) == (entry["status"] == "ok")
    scan = json.loads((out / "scan.json").read_text(encoding="utf-8"))
    assert "hoạch" in scan["text"] and scan["pages"][0]["confidence"] > 0.5
    tsv = (out / "scan.tsv").read_text(encoding="utf-8").splitlines()
    assert tsv[0].split("\t")[:2] == ["level", "page_num"] and any("hoạch" in row for row in tsv)
    # one error line per failed input on stderr, naming the file and the category
    for name, category in [("corrupt.pdf", "unreadable"), ("locked.pdf", "encrypted"), ("notes.docx", "unsupported")]:
        assert any(name in line and category in line for line in proc.stderr.splitlines()), proc.stderr
    assert "4 failed" in proc.stderr.splitlines()[-1]
    assert not list(out.glob(".*.tmp"))


def test_output_is_byte_identical_across_jobs_1_and_2(tmp_path):
    inputs = write_texts(tmp_path / "in", 5)
    render_line_image(tmp_path / "in" / "scan.png", "Ủy ban nhân dân phường Gia Viên")
    outs = {}
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        summary = run_batch([tmp_path / "in"], out, Options(jobs=jobs))
        assert (summary.ok, summary.failed) == (6, 0)
        outs[jobs] = {p.name: p.read_bytes() for p in out.iterdir() if p.name != "manifest.jsonl"}
        assert [Path(e["input"]).name for e in manifest(out)] == sorted(p.name for p in (tmp_path / "in").iterdir())
    assert sorted(outs[1]) == sorted([f"plan{n:02d}.json" for n in range(1, 6)] + ["scan.json", "scan.tsv"])
    assert outs[1] == outs[2]
    record = json.loads(outs[1]["plan03.json"])
    assert record["source"]["sha256"] and "lần thứ 3" in record["text"]
    assert len(inputs) == 5


def test_resume_of_a_finished_batch_does_no_page_work(tmp_path):
    write_texts(tmp_path / "in", 3)
    out = tmp_path / "out"
    log = tmp_path / "pages.log"
    hook = {"PLANOCR_TEST_HOOK": json.dumps([{"action": "log", "path": str(log)}])}
    first = run_cli(str(tmp_path / "in"), "-o", str(out), "--jobs", "2", "--no-restore", env_extra=hook)
    assert first.returncode == 0, first.stderr
    assert len(log.read_text().splitlines()) == 3
    before = {p.name: p.read_bytes() for p in out.glob("*.json")}

    again = run_cli(str(tmp_path / "in"), "-o", str(out), "--jobs", "2", "--no-restore", "--resume", env_extra=hook)

    assert again.returncode == 0, again.stderr
    assert len(log.read_text().splitlines()) == 3  # no page went through a worker
    assert "0 ok" in again.stderr and "3 skipped" in again.stderr and "(0 processed)" in again.stderr
    assert {p.name: p.read_bytes() for p in out.glob("*.json")} == before
    entries = manifest(out)
    assert [e["status"] for e in entries] == ["ok"] * 3 + ["skipped"] * 3
    assert [e["output"] for e in entries[3:]] == [e["output"] for e in entries[:3]]


def test_resume_redoes_work_when_options_change_or_record_is_gone(tmp_path):
    write_texts(tmp_path / "in", 2)
    out = tmp_path / "out"
    assert run_batch([tmp_path / "in"], out, Options(jobs=1, restore=False)).ok == 2
    (out / "plan01.json").unlink()
    run_batch([tmp_path / "in"], out, Options(jobs=1, restore=False, resume=True))
    assert [e["status"] for e in manifest(out)[2:]] == ["ok", "skipped"]
    run_batch([tmp_path / "in"], out, Options(jobs=1, restore=False, resume=True, dpi=200))
    assert [e["status"] for e in manifest(out)[4:]] == ["ok", "ok"]  # another options fingerprint


def test_a_hanging_or_crashing_page_fails_only_its_document_and_the_batch_goes_on(tmp_path):
    write_texts(tmp_path / "in", 4)
    out = tmp_path / "out"
    hook = {"PLANOCR_TEST_HOOK": json.dumps([{"action": "hang", "file": "plan02.txt"},
                                             {"action": "crash", "file": "plan03.txt"}])}
    # one worker, so the hanging page runs on a warm worker and is stopped after 2 × 1 + 1 s
    proc = run_cli(str(tmp_path / "in"), "-o", str(out), "--jobs", "1", "--no-restore", "--page-timeout", "1",
                   env_extra=hook)
    assert proc.returncode == 1, proc.stderr
    status = {Path(e["input"]).name: (e["status"], e["category"]) for e in manifest(out)}
    assert status == {"plan01.txt": ("ok", None), "plan02.txt": ("failed", "timeout"),
                      "plan03.txt": ("failed", "internal"), "plan04.txt": ("ok", None)}
    assert sorted(p.name for p in out.iterdir()) == ["manifest.jsonl", "plan01.json", "plan04.json"]


def test_a_failing_page_fails_that_page_not_the_document(tmp_path):
    """Three-page TIFFs; page 2's OCR raises in one and hangs (killed after the hard limit) in the other."""
    (tmp_path / "in").mkdir()
    render_line_image(tmp_path / "in" / "hang.tif", "Kế hoạch số", frames=3)
    (tmp_path / "in" / "raise.tif").write_bytes((tmp_path / "in" / "hang.tif").read_bytes())
    out = tmp_path / "out"
    hook = {"PLANOCR_TEST_HOOK": json.dumps([{"action": "hang", "file": "hang.tif", "page": 2},
                                             {"action": "raise", "file": "raise.tif", "page": 2}])}
    # Tesseract with `vie` alone needs well under a second on these pages (2-3 s with vie+Vietnamese at load
    # 8, close to a 5 s limit: seen failing); with one worker the hanging page runs on a warm worker and is
    # stopped after 2 × 6 + 1 s
    proc = run_cli(str(tmp_path / "in"), "-o", str(out), "--jobs", "1", "--no-restore", "--lang", "vie",
                   "--page-timeout", "6", env_extra=hook)
    assert proc.returncode == 0, proc.stderr
    for name, category in [("hang", "timeout"), ("raise", "internal")]:
        record = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        errors = [p["error"] for p in record["pages"]]
        assert errors[0] is None and errors[2] is None and errors[1].startswith(category), errors
        assert "Kế hoạch số 1" in record["pages"][0]["text"] and "Kế hoạch số 3" in record["pages"][2]["text"]
        assert any(w.startswith(f"page 2: {category}") for w in record["warnings"])
        assert record["needs_review"] is True
    assert [e["warnings"] >= 1 for e in manifest(out)] == [True, True]


def test_in_process_page_failure_with_monkeypatch(tmp_path, monkeypatch):
    """process_document itself (the Ray path) isolates a page failure too."""
    from pipeline import document

    scan = render_line_image(tmp_path / "two.tif", "Trang", frames=2)
    real = document._process_page

    def flaky(task, timings):
        if task.number == 1:
            raise ValueError("simulated OCR crash")
        return real(task, timings)

    monkeypatch.setattr(document, "_process_page", flaky)
    doc, results = document.process_document(scan, Options(restore=False, jobs=1))
    assert doc.pages[0].error == "internal: ValueError: simulated OCR crash"
    assert "Trang 2" in doc.pages[1].text and results[1].timings["ocr"] > 0
    assert doc.warnings[0].startswith("page 1: internal") and doc.needs_review


def test_log_json_is_one_object_per_line(tmp_path):
    write_texts(tmp_path / "in", 2)
    (tmp_path / "in" / "bad.xyz").write_bytes(b"?")
    proc = run_cli(str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--jobs", "1", "--no-restore", "--log-json")
    events = [json.loads(line) for line in proc.stderr.splitlines()]
    assert [e["event"] for e in events] == ["start", "document", "document", "document", "summary"]
    assert events[-1]["ok"] == 2 and events[-1]["failed"] == 1 and events[-1]["failure_categories"] == {"unsupported": 1}
    assert all("time" in e for e in events)


def test_summary_accounts_for_the_pools_busy_and_open_worker_seconds(tmp_path):
    write_texts(tmp_path / "in", 4)
    hook = {"PLANOCR_TEST_HOOK": json.dumps([{"action": "delay", "seconds": 0.4}])}
    proc = run_cli(str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--jobs", "2", "--no-restore", "--log-json",
                   env_extra=hook)
    summary = json.loads(proc.stderr.splitlines()[-1])
    timings = summary["timings"]
    # four pages of at least 0.4 s each were in workers' hands; two workers were open at most the whole run
    assert 4 * 0.4 <= timings["pool_busy"] <= timings["pool_open"] <= 2 * summary["seconds"] + 0.01
    assert timings["pool_busy"] >= timings["total"]  # a task's time in a worker covers its page stages


def test_summary_measures_the_workers_idle_at_the_batchs_end(tmp_path):
    """Two documents on two workers, one quick and one slow: once both pages are handed out, the quick
    one's worker has nothing left to do until the slow page is done; that wait is the batch's end."""
    write_texts(tmp_path / "in", 2)
    hook = {"PLANOCR_TEST_HOOK": json.dumps([{"file": "plan01.txt", "action": "delay", "seconds": 0.1},
                                             {"file": "plan02.txt", "action": "delay", "seconds": 1.6}])}
    proc = run_cli(str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--jobs", "2", "--no-restore", "--log-json",
                   env_extra=hook)
    timings = json.loads(proc.stderr.splitlines()[-1])["timings"]
    idle = timings["pool_open"] - timings["pool_busy"]
    assert 1.0 <= timings["pool_idle_at_end"] <= idle  # ~1.5 s: one worker waiting while plan02 ran


def test_second_run_on_the_same_outdir_is_refused_while_first_runs(tmp_path):
    from pipeline.batch.manifest import Manifest
    from pipeline.errors import UsageError

    out = tmp_path / "out"
    out.mkdir()
    first = Manifest(out)
    try:
        with pytest.raises(UsageError):
            Manifest(out)
    finally:
        first.close()
    Manifest(out).close()  # lock released


def test_ray_executor_missing_is_a_usage_error(tmp_path, monkeypatch, capsys):
    from pipeline.cli import main

    monkeypatch.setitem(sys.modules, "ray", None)  # import ray → ImportError
    write_texts(tmp_path / "in", 1)
    assert main(["run", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--executor", "ray"]) == 2
    assert "ray extra" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_missing_tesseract_stops_before_anything_is_read(tmp_path, monkeypatch, capsys):
    from pipeline import ocr
    from pipeline.cli import main
    from pipeline.errors import DependencyError

    def missing(lang):
        raise DependencyError("Tesseract language data missing: vie; apt-get install tesseract-ocr-vie")

    monkeypatch.setattr(ocr, "check_tesseract", missing)
    render_line_image(tmp_path / "a.png", "x")
    assert main(["run", str(tmp_path / "a.png"), "-o", str(tmp_path / "out")]) == 3
    assert "apt-get install" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_output_names_are_stable_and_never_collide(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "plan.txt").write_text("one", encoding="utf-8")
    (tmp_path / "b" / "plan.txt").write_text("two", encoding="utf-8")
    (tmp_path / "b" / "other.txt").write_text("three", encoding="utf-8")
    inputs = expand_inputs([tmp_path / "a", tmp_path / "b", tmp_path / "a" / "plan.txt"])
    assert [p.relative_to(tmp_path).as_posix() for p in inputs] == ["a/plan.txt", "b/other.txt", "b/plan.txt"]
    names = output_names(inputs)
    assert names[inputs[1]] == "other"
    assert names[inputs[0]] != names[inputs[2]] and all(names[p].startswith("plan-") for p in (inputs[0], inputs[2]))
    assert output_names(list(reversed(inputs))) == names
    # a name another input already holds in OUTDIR is not taken over
    owners = {"other": (str(tmp_path / "elsewhere" / "other.txt"), "f" * 64)}
    assert output_names(inputs, owners)[inputs[1]].startswith("other-")
    # an input that already holds its plain name keeps it when a namesake joins the batch
    owners = {"plan": (str((tmp_path / "b" / "plan.txt").resolve()), "0" * 64)}
    renamed = output_names(inputs, owners)
    assert renamed[inputs[2]] == "plan" and renamed[inputs[0]].startswith("plan-")


def test_output_folder_inside_input_folder_is_not_an_input(tmp_path):
    write_texts(tmp_path, 2)
    summary = run_batch([tmp_path], tmp_path / "out", Options(jobs=1, restore=False))
    assert summary.ok == 2
    summary = run_batch([tmp_path], tmp_path / "out", Options(jobs=1, restore=False, resume=True))
    assert (summary.ok, summary.skipped, summary.failed) == (0, 2, 0)


def test_merge_tsv_numbers_pages():
    from pipeline.document import PageResult
    from pipeline.model import Page

    header = "level\tpage_num\tblock_num\ttext"
    results = [PageResult(page=Page(number=n, text=""), corrections=[], tsv=f"{header}\n5\t1\t1\tw{n}\n") for n in (2, 1)]
    assert merge_tsv(results) == f"{header}\n5\t1\t1\tw1\n5\t2\t1\tw2\n"


def test_fail_fast_stops_at_the_first_failed_input(tmp_path):
    write_texts(tmp_path / "in", 3)
    (tmp_path / "in" / "a-broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    summary = run_batch([tmp_path / "in"], tmp_path / "out", Options(jobs=1, restore=False, fail_fast=True))
    assert (summary.ok, summary.failed) == (0, 1)
    assert [json.loads(line)["status"] for line in (tmp_path / "out" / "manifest.jsonl").read_text().splitlines()] == ["failed"]


@pytest.mark.parametrize("flag", [["--jobs", "0"], ["--page-timeout", "-1"]])
def test_bad_option_values_are_one_line_usage_errors(tmp_path, capsys, flag):
    from pipeline.cli import main

    assert main(["run", str(tmp_path), "-o", str(tmp_path / "out"), *flag]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"planocr: {flag[0]}:") and "\n" not in err
