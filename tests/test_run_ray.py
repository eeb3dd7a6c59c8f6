"""`planocr run --executor ray` on a local Ray instance started by the test: the same records as the
local pool, failures categorised, every input in the manifest. Skipped when the ray extra is absent."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

ray = pytest.importorskip("ray", reason="the optional 'ray' extra is not installed (pip install 'planocr[ray]')")

from pipeline.batch import run_batch  # noqa: E402
from pipeline.options import Options  # noqa: E402
from pipeline.testing.batch import PLAN, pid_alive  # noqa: E402


@pytest.fixture(scope="module")
def local_ray():
    """A local two-CPU Ray instance; the executor uses the running instance instead of starting one."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def test_ray_executor_writes_the_same_records_as_the_local_pool(tmp_path, local_ray):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for n in range(1, 5):
        (inputs / f"plan{n}.txt").write_text(PLAN.format(n=n), encoding="utf-8")
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "odd.doc").write_bytes(b"\xd0\xcf\x11\xe0")

    local = run_batch([inputs], tmp_path / "local", Options(jobs=2, restore=False))
    on_ray = run_batch([inputs], tmp_path / "ray", Options(jobs=2, restore=False, executor="ray"))

    assert (on_ray.ok, on_ray.failed) == (local.ok, local.failed) == (4, 2)
    assert ray.is_initialized()  # an instance the run did not start is left running
    records = {p.name: p.read_bytes() for p in (tmp_path / "ray").glob("*.json")}
    assert records == {p.name: p.read_bytes() for p in (tmp_path / "local").glob("*.json")}
    entries = [json.loads(line) for line in (tmp_path / "ray" / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [Path(e["input"]).name for e in entries] == ["empty.txt", "odd.doc", "plan1.txt", "plan2.txt", "plan3.txt", "plan4.txt"]
    assert [e["category"] for e in entries[:2]] == ["unreadable", "unsupported"]

    resumed = run_batch([inputs], tmp_path / "ray", Options(jobs=2, restore=False, executor="ray", resume=True))
    assert (resumed.ok, resumed.skipped, resumed.pages_processed) == (0, 4, 0)


def test_a_hung_document_is_cancelled_at_its_deadline_and_the_batch_goes_on(tmp_path, local_ray, monkeypatch):
    """A page that hangs inside its Ray task (no Tesseract timeout can stop it): the driver cancels the
    task at the document's deadline (pages × hard page limit + start-up, counted from when the task
    started, so slow worker start-up on a loaded machine does not count), kills its worker process,
    records the document as a timeout and finishes the others."""
    import pipeline.batch.executor as executor

    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("a_plan", "b_hang", "c_plan"):
        (inputs / f"{name}.txt").write_text(PLAN.format(n=len(name)), encoding="utf-8")
    pids = tmp_path / "pids.tsv"
    monkeypatch.setenv("PLANOCR_TEST_HOOK", json.dumps([{"action": "log", "path": str(pids), "file": "b_hang.txt"},
                                                        {"action": "hang", "file": "b_hang.txt"}]))
    options = Options(jobs=2, restore=False, executor="ray", page_timeout=1)
    # 1 page × (2 × 1 + 1) s + the cold start allowance
    assert executor.document_deadline(1, options) == 3.0 + executor.COLD_START_SECONDS
    summary = run_batch([inputs], tmp_path / "out", options)

    assert (summary.ok, summary.failed, summary.categories) == (2, 1, {"timeout": 1})
    entries = {Path(e["input"]).name: e for e in map(json.loads, (tmp_path / "out" / "manifest.jsonl").read_text(encoding="utf-8").splitlines())}
    assert entries["b_hang.txt"]["status"] == "failed" and "cancelled" in entries["b_hang.txt"]["error"]
    assert entries["a_plan.txt"]["status"] == entries["c_plan.txt"]["status"] == "ok"
    hung_pid = int(pids.read_text().split("\t")[2])
    deadline = time.monotonic() + 10
    while pid_alive(hung_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not pid_alive(hung_pid), "the hung task's worker process is still running"


def test_a_document_whose_task_never_starts_fails_as_a_timeout_at_its_queue_deadline(tmp_path, local_ray, monkeypatch):
    """Both CPUs of the instance are held by another job, so the document's task can never start: the
    driver cancels it once it has waited its queue deadline, records a timeout that says so, and ends."""
    import pipeline.batch.executor as executor

    assert executor.queue_deadline([13.0, 40.0]) == 40.0 + executor.RAY_START_SLACK_SECONDS
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "plan.txt").write_text(PLAN.format(n=1), encoding="utf-8")

    @ray.remote(num_cpus=2)
    def hold_every_cpu():
        time.sleep(120)

    blocker = hold_every_cpu.remote()
    try:
        monkeypatch.setattr(executor, "queue_deadline", lambda budgets: 3.0)
        started = time.monotonic()
        summary = run_batch([inputs], tmp_path / "out", Options(jobs=2, restore=False, executor="ray"))
        waited = time.monotonic() - started
    finally:
        ray.cancel(blocker, force=True)
    assert (summary.ok, summary.failed, summary.categories) == (0, 1, {"timeout": 1})
    assert 3.0 <= waited < 30
    entry = json.loads((tmp_path / "out" / "manifest.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert entry["status"] == "failed" and "not started 3 s after it was submitted" in entry["error"]
