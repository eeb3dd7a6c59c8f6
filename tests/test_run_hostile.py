"""`planocr run` against what an archive and its machine throw at it (the adversarial cases of issue 13): file
names at the file system's limit, a full or read-only OUTDIR, a damaged manifest, special files in folders,
absurd option values, huge text files, names that are not UTF-8, and signals at any moment. Each case once
stopped the batch (or ran away); each must end with every input accounted for and one line per problem."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.batch import run_batch
from pipeline.batch.names import output_names
from pipeline.options import Options
from pipeline.testing.batch import PLAN, read_manifest, run_cli, write_texts


@pytest.fixture
def planocr(capsys):
    """``planocr(command, *args)`` runs the CLI in this process (much faster than a new interpreter) and returns
    what ``run_cli`` returns: returncode, stdout, stderr."""
    from types import SimpleNamespace

    from pipeline.cli import main

    def run(command: str, *args: str) -> SimpleNamespace:
        capsys.readouterr()
        code = main([command, *args])
        out, err = capsys.readouterr()
        return SimpleNamespace(returncode=code, stdout=out, stderr=err)

    return run


def no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr


# --- long file names --------------------------------------------------------------------------------


def test_file_names_up_to_255_bytes_get_record_names_that_fit(tmp_path, planocr):
    """Names of 237 to 255 bytes (ASCII and Vietnamese) once crashed the batch: the temp file's name, built from
    the record's, went over 255 bytes. Two of them differ only past the point where names are cut."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    vietnamese = "kế-hoạch-triển-khai-"  # 2 or 3 bytes per accented letter
    names = ["a" * 233 + ".txt", "b" * 251 + ".txt", (vietnamese * 20).encode()[:240].decode("utf-8", "ignore") + ".txt",
             "c" * 240 + "-one.txt", "c" * 240 + "-two.txt"]
    for n, name in enumerate(names):
        assert len(name.encode()) <= 255
        (inputs / name).write_text(PLAN.format(n=n), encoding="utf-8")
    (inputs / "short.txt").write_text(PLAN.format(n=99), encoding="utf-8")
    out = tmp_path / "out"

    proc = planocr("run", str(inputs), "-o", str(out), "--no-restore", "--jobs", "1")

    assert proc.returncode == 0, proc.stderr
    no_traceback(proc.stderr)
    entries = {Path(e["input"]).name: e for e in read_manifest(out)}
    assert sorted(entries) == sorted(names + ["short.txt"]) and all(e["status"] == "ok" for e in entries.values())
    from pipeline.batch.names import RESERVED_SUFFIX_BYTES

    outputs = [e["output"] for e in entries.values()]
    assert len(set(outputs)) == len(outputs)  # unique, the two 'c…' names included
    assert all(len(o.encode()) <= 255 - RESERVED_SUFFIX_BYTES + len(".json") for o in outputs)
    assert entries["short.txt"]["output"] == "short.json" and "name_shortened" not in entries["short.txt"]
    assert entries["a" * 233 + ".txt"]["output"] == "a" * 233 + ".json"  # fits: kept as it is
    for name in names[1:]:
        assert entries[name]["name_shortened"] is True and entries[name]["output"] != Path(name).stem + ".json"
    for output in outputs:
        assert json.loads((out / output).read_text(encoding="utf-8"))["source"]["file"] in entries
    # the same names on the next run: --resume finds every record
    again = planocr("run", str(inputs), "-o", str(out), "--no-restore", "--jobs", "1", "--resume")
    assert again.returncode == 0 and [e["status"] for e in read_manifest(out)[len(names) + 1:]] == ["skipped"] * 6


def test_output_names_fit_any_name_limit(tmp_path):
    """Names are cut on a character boundary to the file system's limit, stay unique, and short ones are kept."""
    from pipeline.batch.names import RESERVED_SUFFIX_BYTES

    paths = [tmp_path / f"{stem}.txt" for stem in ("x" * 300, "x" * 300 + "y", "đ" * 120, "plan")]  # not on disk:
    names = output_names(paths, name_max=100)  # their tags come from their paths
    assert all(len(n.encode()) <= 100 - RESERVED_SUFFIX_BYTES for n in names.values())
    assert len(set(names.values())) == 4 and names[paths[3]] == "plan"
    assert names[paths[2]].startswith("đđ") and names[paths[2]].split("-")[0] == "đ" * 37  # 74 bytes: no half letter


# --- a full or read-only OUTDIR ---------------------------------------------------------------------


def outdir_state(out: Path) -> tuple[list[dict], list[str]]:
    """The manifest (every line must parse) and the files in OUTDIR; no temp file may be left."""
    entries = read_manifest(out) if (out / "manifest.jsonl").exists() else []
    files = sorted(p.name for p in out.iterdir())
    assert not [f for f in files if f.endswith(".tmp")], files
    return entries, files


def test_a_full_disk_stops_the_batch_with_a_true_summary_and_nothing_partial(tmp_path, tmpfs, planocr):
    """Records stop fitting on a 40 KiB file system: the input whose record did not fit fails as `output`, the
    batch stops there (exit 4) with a summary that counts what was done, and --resume finishes the job once there
    is room. Before: a wrong '0 ok, 0 failed' summary, then a traceback."""
    inputs = write_texts(tmp_path / "in", 40)
    disk = tmpfs(40)
    out = disk / "out"

    proc = planocr("run", str(tmp_path / "in"), "-o", str(out), "--no-restore", "--jobs", "2")

    assert proc.returncode == 4, proc.stderr
    no_traceback(proc.stderr)
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith(f"planocr: {out}/") and ": output: " in last and "No space left on device" in last
    summary = next(line for line in proc.stderr.splitlines() if line.startswith("planocr: stopped;"))
    entries, files = outdir_state(out)
    ok = [e for e in entries if e["status"] == "ok"]
    assert 0 < len(ok) < len(inputs)
    assert f"{len(ok)} ok, " in summary and "not processed" in summary
    assert sorted(f for f in files if f.endswith(".json")) == sorted(e["output"] for e in ok)  # each one committed
    for entry in ok:
        json.loads((out / entry["output"]).read_text(encoding="utf-8"))  # whole, never cut
    failed = [e for e in entries if e["status"] == "failed"]
    assert all(e["category"] == "output" for e in failed) and len(failed) <= 1

    tmpfs.remount(disk, "size=4m")
    resumed = planocr("run", str(tmp_path / "in"), "-o", str(out), "--no-restore", "--jobs", "2", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    entries, files = outdir_state(out)
    assert len([f for f in files if f.endswith(".json")]) == len(inputs)


def test_disk_full_on_a_record_in_process_keeps_count(tmp_path, monkeypatch):
    """The same, simulated (ENOSPC on the third record), through the library: the summary says stopped, counts
    2 ok, 1 failed (output) and 2 not processed, and the manifest has exactly those three lines."""
    import errno

    from pipeline.batch import run as run_module

    write_texts(tmp_path / "in", 5)
    real, calls = run_module.write_files_atomic, []

    def full_on_the_third(files):
        calls.append(files)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(files)

    monkeypatch.setattr(run_module, "write_files_atomic", full_on_the_third)
    summary = run_batch([tmp_path / "in"], tmp_path / "out", Options(jobs=1, restore=False))
    assert (summary.ok, summary.failed, summary.not_processed) == (2, 1, 2)
    assert summary.stopped_by is not None and summary.stopped_by.category == "output"
    assert summary.categories == {"output": 1} and not summary.interrupted
    assert [(e["status"], e["category"]) for e in read_manifest(tmp_path / "out")] == [
        ("ok", None), ("ok", None), ("failed", "output")]


def test_a_record_name_the_file_system_refuses_fails_that_input_only(tmp_path, monkeypatch):
    """A write error that concerns one record (here ENAMETOOLONG) fails its input; the batch goes on."""
    import errno

    from pipeline.batch import run as run_module

    write_texts(tmp_path / "in", 3)
    real = run_module.write_files_atomic

    def refuse_plan02(files):
        if any(path.name.startswith("plan02") for path, _ in files):
            raise OSError(errno.ENAMETOOLONG, "File name too long")
        real(files)

    monkeypatch.setattr(run_module, "write_files_atomic", refuse_plan02)
    summary = run_batch([tmp_path / "in"], tmp_path / "out", Options(jobs=1, restore=False))
    assert (summary.ok, summary.failed, summary.not_processed, summary.stopped_by) == (2, 1, 0, None)


def test_manifest_that_cannot_take_a_line_is_cut_back_whole(tmp_path, tmpfs):
    """A manifest line that only half fits (the file system fills mid-line) is cut back: no torn line stays."""
    from pipeline.batch.manifest import Manifest
    from pipeline.errors import OutputError

    disk = tmpfs(16)
    (disk / "manifest.jsonl").write_bytes(b'{"status": "ok"}\n' * 200 + b"{}\n")  # 3,403 bytes: one 4 KiB page
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)  # fill every other page
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    manifest = Manifest(disk)
    before = (disk / "manifest.jsonl").read_bytes()
    with pytest.raises(OutputError, match="No space left on device"):
        manifest.append({"input": "x" * 2000, "status": "ok"})  # 700 bytes fit in the page, the rest does not
    manifest.close()
    assert (disk / "manifest.jsonl").read_bytes() == before


def test_read_only_outdir_is_one_line_and_exit_4(tmp_path, tmpfs, planocr):
    write_texts(tmp_path / "in", 2)
    disk = tmpfs(256)
    first = planocr("run", str(tmp_path / "in"), "-o", str(disk / "out"), "--no-restore", "--jobs", "1")
    assert first.returncode == 0, first.stderr
    tmpfs.remount(disk, "ro")
    for out in (disk / "out", disk / "new"):  # an OUTDIR with a manifest, and one that cannot even be made
        proc = planocr("run", str(tmp_path / "in"), "-o", str(out), "--no-restore", "--jobs", "1", "--resume")
        assert proc.returncode == 4, proc.stderr
        assert proc.stderr.strip().splitlines() == [
            f"planocr: {out}: output: cannot write to the output folder: Read-only file system"]


def test_outdir_without_write_permission_stops_cleanly(tmp_path, unprivileged):
    """OUTDIR whose manifest can be appended to but where no new file can be made (chmod 555), as an ordinary
    user: the first record fails as `output`, its manifest line says so, the batch stops (exit 4) with a true
    summary. Before: '0 ok, 0 failed', then a traceback."""
    run, python, folder = unprivileged
    write_texts(folder / "in", 3)
    out = folder / "out"
    out.mkdir()
    (out / "manifest.jsonl").touch()
    (out / "manifest.jsonl").chmod(0o666)
    out.chmod(0o555)

    proc = run([*python, "-m", "pipeline", "run", str(folder / "in"), "-o", str(out), "--no-restore", "-j", "1"])

    assert proc.returncode == 4, proc.stderr
    no_traceback(proc.stderr)
    assert proc.stderr.strip().splitlines()[-1] == (
        f"planocr: {out}/plan01.json: output: cannot write the record: Permission denied")
    assert any(line.startswith("planocr: stopped; 0 ok, 1 failed (output 1), 0 skipped, 2 not processed")
               for line in proc.stderr.splitlines()), proc.stderr
    entries, files = outdir_state(out)
    assert [(Path(e["input"]).name, e["status"], e["category"]) for e in entries] == [("plan01.txt", "failed", "output")]
    assert files == ["manifest.jsonl"]


# --- a damaged manifest ------------------------------------------------------------------------------


def test_damaged_manifest_lines_are_skipped_with_a_warning(tmp_path, planocr):
    """A stray byte, a `[]`, a bare number and an object with fields of the wrong type in manifest.jsonl once
    broke every later run on that OUTDIR (export skipped them); now runs and --resume skip them too, with one
    warning naming the lines, and never rewrite them."""
    write_texts(tmp_path / "in", 2)
    out = tmp_path / "out"
    assert planocr("run", str(tmp_path / "in"), "-o", str(out), "--no-restore").returncode == 0
    manifest = out / "manifest.jsonl"
    damage = b'\xff\n[]\n42\n{"status": "ok", "output": ["x"], "sha256": {}, "resolved": 7}\n{"input": "x", "status": "ok", "output": ["x"], "sha256": {}, "resolved": 7}\n'
    manifest.write_bytes(manifest.read_bytes() + damage)

    for extra in ([], ["--resume"]):
        proc = planocr("run", str(tmp_path / "in"), "-o", str(out), "--no-restore", *extra)
        assert proc.returncode == 0, proc.stderr
        no_traceback(proc.stderr)
        assert f"planocr: {manifest}: 4 line(s) not a manifest entry (line 3, 4, 5, 6); ignored" in proc.stderr
    assert damage in manifest.read_bytes()  # left as it was
    statuses = [json.loads(line)["status"] for line in manifest.read_bytes().split(b"\n")[7:] if line]
    assert statuses == ["ok", "ok", "skipped", "skipped"]
    exported = planocr("export", str(out), "--to", str(tmp_path / "t.csv"))
    assert exported.returncode == 0 and "exported 2 record(s)" in exported.stderr
    no_traceback(exported.stderr)


# --- --jobs and option values ---------------------------------------------------------------------


def start_event(stderr: str) -> dict:
    return next(e for e in map(json.loads, stderr.splitlines()) if e["event"] == "start")


def test_jobs_beyond_the_cores_are_cut_unless_forced(tmp_path, planocr):
    """`--jobs 300` once forked 300 workers for one page (39 s on 2 cores): it is cut to the cores available."""
    cores = len(os.sched_getaffinity(0))
    write_texts(tmp_path / "in", 1)
    started = time.monotonic()
    proc = planocr("run", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--no-restore", "--jobs", "300", "--log-json")
    assert proc.returncode == 0, proc.stderr
    assert start_event(proc.stderr)["jobs"] == cores and time.monotonic() - started < 30
    messages = [e["message"] for e in map(json.loads, proc.stderr.splitlines()) if e["event"] == "message"]
    assert messages == [f"--jobs 300 is more than the {cores} core(s) available; using {cores} (--force-jobs to insist)"]
    forced = planocr("run", str(tmp_path / "in"), "-o", str(tmp_path / "forced"), "--no-restore", "--jobs", str(cores + 1),
                     "--force-jobs", "--log-json")
    assert forced.returncode == 0 and start_event(forced.stderr)["jobs"] == cores + 1


@pytest.mark.parametrize("flag, value", [("--page-timeout", "inf"), ("--page-timeout", "nan"),
                                         ("--page-timeout", "0"), ("--page-timeout", "-1"),
                                         ("--page-timeout=-inf", None), ("--max-text-mb", "inf"),
                                         ("--max-text-mb", "0"), ("--jobs", "0")])
def test_option_values_out_of_range_are_usage_errors(tmp_path, flag, value, planocr):
    """`--page-timeout inf` once ran and failed every page as `internal`."""
    write_texts(tmp_path / "in", 1)
    proc = planocr("run", str(tmp_path / "in"), "-o", str(tmp_path / "out"), *([flag, value] if value else [flag]))
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"planocr: {flag.split('=')[0]}: ") and not (tmp_path / "out").exists()


def test_help_says_jobs_are_capped_and_how_to_force_them(planocr):
    proc = planocr("run", "--help")
    assert "--force-jobs" in proc.stdout and "cut to them unless --force-jobs" in " ".join(proc.stdout.split())


# --- every entry of a walked folder ---------------------------------------------------------------


def test_every_entry_of_a_folder_is_accounted_for(tmp_path):
    """Broken links, a link loop, a link to a folder, a FIFO and a socket inside a folder were skipped without a
    word (a FIFO given by name would have blocked the batch); each now has its manifest line, and the batch does
    not wait on the FIFO."""
    inputs = tmp_path / "in"
    write_texts(inputs, 1)
    (tmp_path / "elsewhere").mkdir()
    (inputs / "broken.pdf").symlink_to(tmp_path / "gone.pdf")
    (inputs / "loop.txt").symlink_to(inputs / "loop.txt")
    (inputs / "folder-link").symlink_to(tmp_path / "elsewhere")
    (inputs / "z-linked.txt").symlink_to(inputs / "plan01.txt")  # the same file again: one input, not two
    os.mkfifo(inputs / "pipe.txt")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(inputs / "sock.pdf"))
    try:
        proc = run_cli(str(inputs), str(inputs / "pipe.txt"), "-o", str(tmp_path / "out"), "--no-restore", timeout=60)
    finally:
        server.close()
    assert proc.returncode == 1, proc.stderr
    no_traceback(proc.stderr)
    found = {Path(e["input"]).name: (e["status"], e["category"], e["error"]) for e in read_manifest(tmp_path / "out")}
    assert {name: status[:2] for name, status in found.items()} == {
        "plan01.txt": ("ok", None),
        "broken.pdf": ("failed", "unsupported"),
        "loop.txt": ("failed", "unsupported"),
        "folder-link": ("failed", "unsupported"),
        "pipe.txt": ("failed", "unsupported"),
        "sock.pdf": ("failed", "unsupported"),
    }
    assert "broken symbolic link" in found["broken.pdf"][2] and "FIFO" in found["pipe.txt"][2]
    assert "link to a folder" in found["folder-link"][2] and "socket" in found["sock.pdf"][2]


def test_unreadable_files_and_folders_are_reported_not_skipped(unprivileged):
    run, python, folder = unprivileged
    inputs = folder / "in"
    write_texts(inputs, 1)
    (inputs / "secret.txt").write_text(PLAN.format(n=7), encoding="utf-8")
    (inputs / "secret.txt").chmod(0o000)
    (inputs / "closed").mkdir()
    write_texts(inputs / "closed", 2)
    (inputs / "closed").chmod(0o000)
    out = folder / "out"

    proc = run([*python, "-m", "pipeline", "run", str(inputs), "-o", str(out), "--no-restore", "-j", "1"])

    assert proc.returncode == 1, proc.stderr
    no_traceback(proc.stderr)
    found = {Path(e["input"]).name: (e["status"], e["category"], e["error"]) for e in read_manifest(out)}
    assert found["plan01.txt"][:2] == ("ok", None)
    assert found["secret.txt"] == ("failed", "unreadable", "Permission denied")
    assert found["closed"] == ("failed", "unreadable",
                               "folder cannot be read: Permission denied; its files were not processed")


# --- sizes and names ------------------------------------------------------------------------------


def test_text_inputs_over_the_size_limit_fail_with_the_reason(tmp_path, planocr):
    """A 20 MB .txt once gave a 99 MB record and took 738 MB of memory; text inputs now have a limit."""
    inputs = tmp_path / "in"
    write_texts(inputs, 1)
    (inputs / "huge.txt").write_text(PLAN.format(n=2) + "Nội dung kế hoạch.\n" * 60_000, encoding="utf-8")  # 1.5 MB
    proc = planocr("run", str(inputs), "-o", str(tmp_path / "out"), "--no-restore", "--max-text-mb", "1")
    assert proc.returncode == 1, proc.stderr
    found = {Path(e["input"]).name: e for e in read_manifest(tmp_path / "out")}
    assert found["plan01.txt"]["status"] == "ok"
    assert (found["huge.txt"]["status"], found["huge.txt"]["category"]) == ("failed", "unsupported")
    assert found["huge.txt"]["error"] == "text file of 1.5 MB is over the 1 MB limit for text inputs (--max-text-mb)"
    # the default limit is 10 MB; `planocr parse` has it too
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 10_000_001)
    parsed = planocr("parse", str(big))
    assert parsed.returncode == 1 and parsed.stdout == ""
    assert parsed.stderr.strip() == f"planocr: {big}: unsupported: text file of 10.0 MB is over the 10 MB limit for text inputs (--max-text-mb)"


def test_file_names_that_are_not_utf8_do_not_stop_the_batch(tmp_path):
    """A name with a byte that is not UTF-8 once crashed the batch (the record could not be serialised)."""
    inputs = tmp_path / "in"
    write_texts(inputs, 1)
    odd = os.fsdecode(bytes(inputs) + b"/k\xe9-ho\xe1ch.txt")
    Path(odd).write_text(PLAN.format(n=5), encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "pipeline", "run", str(inputs), "-o", str(out), "--no-restore"],
                          capture_output=True)
    assert proc.returncode == 0, proc.stderr
    entries = read_manifest(out)
    assert [e["status"] for e in entries] == ["ok", "ok"]
    assert entries[0]["input"] == odd  # written as a JSON escape, read back as the same name
    record = json.loads((out / entries[0]["output"]).read_text(encoding="utf-8"))
    assert record["source"]["file"] == "k\ufffd-ho\ufffdch.txt" and entries[0]["output"] == "k\ufffd-ho\ufffdch.json"


# --- signals at any moment ------------------------------------------------------------------------


def handles_sigterm(pid: int) -> bool:
    """Whether the process has its own SIGTERM handler yet (the command's first lines set it)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
    return bool(caught & (1 << (signal.SIGTERM - 1)))


def has_child(pid: int) -> bool:
    """Whether the process has started a child yet (the workers' server is the first)."""
    try:
        return bool(Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
    except OSError:
        return False


@pytest.mark.parametrize("after, delay", [("first line", 0.0), ("server", 0.0), ("server", 0.1), ("server", 0.3),
                                          ("server", 0.8)])
@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_a_signal_at_any_moment_exits_130_without_a_traceback(tmp_path, after, delay, how):
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it, so the workers' server gets it too) or
    SIGTERM, from the command's first line on: while it imports, while the workers' server imports the stages
    (~1 s), before the pool exists, during the batch. Before: a traceback (the server's too) or exit 143."""
    write_texts(tmp_path / "in", 3)
    env = {k: v for k, v in os.environ.items() if k != "PLANOCR_TEST_HOOK"}
    env["PLANOCR_TEST_HOOK"] = json.dumps([{"action": "delay", "seconds": 0.5}])
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "run", str(tmp_path / "in"), "-o",
                             str(tmp_path / "out"), "--no-restore", "--jobs", "2"],
                            stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
    ready = handles_sigterm if after == "first line" else has_child
    try:
        deadline = time.monotonic() + 20
        while not ready(proc.pid):
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.001)
        time.sleep(delay)
        if how == "ctrl-c":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            os.kill(proc.pid, signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)  # until every holder of stderr, the server included, is gone
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, stderr
    no_traceback(stderr)
    assert "interrupted" in stderr.strip().splitlines()[-1]
    if (tmp_path / "out" / "manifest.jsonl").exists():
        outdir_state(tmp_path / "out")  # every line whole, no temp file
