"""Crash safety of `planocr run`: kill -9 at any moment then --resume loses and duplicates nothing;
Ctrl-C stops cleanly; leftovers of a killed run (temp files, torn manifest line, record without its
manifest line) are repaired."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.batch import run_batch
from pipeline.options import Options
from pipeline.testing.batch import pid_alive, write_texts


def start_batch(inputs: Path, out: Path, *extra: str, hook: list | None = None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "PLANOCR_TEST_HOOK"}
    if hook:
        env["PLANOCR_TEST_HOOK"] = json.dumps(hook)
    return subprocess.Popen([sys.executable, "-m", "pipeline", "run", str(inputs), "-o", str(out), "--no-restore", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def ok_lines(out: Path) -> int:
    path = out / "manifest.jsonl"
    if not path.exists():
        return 0
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if '"status": "ok"' in line)


def wait_for_records(out: Path, count: int, proc: subprocess.Popen, deadline: float = 60) -> None:
    end = time.monotonic() + deadline
    while ok_lines(out) < count:
        assert proc.poll() is None, "batch ended before it could be interrupted"
        assert time.monotonic() < end, "no record appeared"
        time.sleep(0.02)


def assert_batch_complete(out: Path, inputs: list[Path]) -> list[dict]:
    """Every input has exactly one ok line over all runs, every record parses and matches its input."""
    lines = (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines]  # no torn or corrupt line survives
    for path in inputs:
        mine = [e for e in entries if Path(e["input"]).name == path.name]
        assert [e["status"] for e in mine].count("ok") == 1, (path.name, mine)
        assert {e["status"] for e in mine} <= {"ok", "skipped"}
    records = sorted(out.glob("*.json"))
    assert [r.stem for r in records] == [p.stem for p in inputs]
    for record in records:
        data = json.loads(record.read_text(encoding="utf-8"))
        assert data["source"]["file"] == f"{record.stem}.txt"
    assert not list(out.glob(".*.tmp"))
    return entries


@pytest.mark.parametrize("kill_after", [1, 4])
def test_kill_9_mid_batch_then_resume_processes_every_document_exactly_once(tmp_path, kill_after):
    inputs = write_texts(tmp_path / "in", 7)
    out = tmp_path / "out"
    log = tmp_path / "pages.log"
    slow = [{"action": "delay", "seconds": 0.4}, {"action": "log", "path": str(log)}]
    proc = start_batch(tmp_path / "in", out, "--jobs", "2", hook=slow)
    try:
        wait_for_records(out, kill_after, proc)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    assert 0 < ok_lines(out) < len(inputs)
    # the workers notice their parent died and take their Tesseract with them
    pids = {int(line.split("\t")[2]) for line in log.read_text().splitlines()}
    end = time.monotonic() + 10
    while any(pid_alive(pid) for pid in pids) and time.monotonic() < end:
        time.sleep(0.05)
    assert not any(pid_alive(pid) for pid in pids)

    resumed = start_batch(tmp_path / "in", out, "--jobs", "2", "--resume")
    _, stderr = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, stderr

    entries = assert_batch_complete(out, inputs)
    last_run = entries[-len(inputs):]
    assert [Path(e["input"]).name for e in last_run] == [p.name for p in inputs]  # the rerun accounts for all
    # and the records are the same bytes an uninterrupted batch writes
    clean = tmp_path / "clean"
    assert run_batch([tmp_path / "in"], clean, Options(jobs=1, restore=False)).ok == len(inputs)
    assert {p.name: p.read_bytes() for p in clean.glob("*.json")} == {p.name: p.read_bytes() for p in out.glob("*.json")}


def test_ctrl_c_stops_cleanly_with_exit_130(tmp_path):
    inputs = write_texts(tmp_path / "in", 6)
    out = tmp_path / "out"
    proc = start_batch(tmp_path / "in", out, "--jobs", "2", hook=[{"action": "delay", "seconds": 0.5}])
    try:
        wait_for_records(out, 1, proc)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr.splitlines()[-1]
    entries = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert entries and all(e["status"] == "ok" for e in entries) and len(entries) < len(inputs)
    assert sorted(p.stem for p in out.glob("*.json")) == sorted(Path(e["output"]).stem for e in entries)
    assert not list(out.glob(".*.tmp"))
    resumed = start_batch(tmp_path / "in", out, "--jobs", "2", "--resume")
    assert resumed.wait(timeout=120) == 0
    assert_batch_complete(out, inputs)


def test_leftovers_of_a_killed_run_are_repaired(tmp_path):
    """A crash between the record's rename and its manifest line, a torn manifest line and a temp file."""
    inputs = write_texts(tmp_path / "in", 3)
    out = tmp_path / "out"
    assert run_batch([tmp_path / "in"], out, Options(jobs=1, restore=False)).ok == 3
    manifest = out / "manifest.jsonl"
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    # plan02's line never got written, plan03's was cut mid-append; a temp record was left behind
    manifest.write_text(lines[0] + lines[2][: len(lines[2]) // 2], encoding="utf-8")
    (out / ".plan04.json.abc123.tmp").write_text('{"half": ', encoding="utf-8")

    summary = run_batch([tmp_path / "in"], out, Options(jobs=1, restore=False, resume=True))

    assert (summary.ok, summary.skipped, summary.failed) == (2, 1, 0)
    entries = assert_batch_complete(out, inputs)
    assert [e["status"] for e in entries] == ["ok", "skipped", "ok", "ok"]
