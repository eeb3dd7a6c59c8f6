"""CLI plumbing that needs no OCR: options derived from the model, exit codes, manifest, atomic records."""

import json
import subprocess
import sys

import pytest

from pipeline.cli import build_parser, main
from pipeline.options import Options, from_namespace


def test_cli_flags_come_from_options_model():
    ns = build_parser().parse_args(["run", "x.pdf", "-o", "out", "--jobs", "3", "--no-restore", "--resume"])
    opts = from_namespace(ns, Options)
    assert opts.jobs == 3 and opts.restore is False and opts.resume is True and opts.lang == Options().lang


def test_usage_error_exits_2(capsys):
    assert main(["run"]) == 2


def test_text_input_and_bad_inputs_are_all_accounted_for(tmp_path):
    good = tmp_path / "plan.txt"
    good.write_text("Số: 36/KH-UBND\nKẾ HOẠCH\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    odd = tmp_path / "notes.docx"
    odd.write_bytes(b"PK\x03\x04")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "pipeline", "run", str(good), str(empty), str(odd),
                           str(tmp_path / "missing.pdf"), "-o", str(out)], capture_output=True, text=True)
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if ": " in line and "planocr:" not in line]
    assert any("empty.txt" in e and "empty" in e for e in errors)
    assert any("notes.docx" in e and "unsupported" in e for e in errors)
    assert any("missing.pdf" in e and "no such file" in e for e in errors)
    entries = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(entries) == 4
    by_status = {e["input"].rsplit("/", 1)[-1]: e["status"] for e in entries}
    assert by_status == {"plan.txt": "ok", "empty.txt": "failed", "notes.docx": "failed", "missing.pdf": "failed"}
    record = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert record["schema_version"] == "1.0" and record["source"]["kind"] == "text"
    assert "KẾ HOẠCH" in record["text"]
    assert sorted(p.name for p in out.iterdir()) == ["manifest.jsonl", "plan.json"]  # no partial JSON left


@pytest.mark.parametrize("argv", [["--version"], ["run", "--help"]])
def test_help_and_version_exit_0(argv):
    assert main(argv) == 0


@pytest.mark.parametrize("command", ["parse", "restore"])
def test_text_commands_refuse_non_utf8_with_one_line(tmp_path, command):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Kế hoạch".encode("utf-8") + b"\xff\xfe caf\xe9\n")
    for args, stdin in (([str(bad)], None), (["-"], bad.read_bytes())):
        proc = subprocess.run([sys.executable, "-m", "pipeline", command, *args], input=stdin,
                              capture_output=True)
        assert proc.returncode == 1
        err = proc.stderr.decode("utf-8").strip().splitlines()
        assert len(err) == 1 and "not UTF-8" in err[0] and "Traceback" not in err[0]
        assert (str(bad) in err[0]) if args != ["-"] else ("<stdin>" in err[0])


def test_the_workers_forkserver_starts_first_only_for_runs_on_the_local_pool():
    from pipeline.cli import runs_local_pool

    assert runs_local_pool(["run", "scans", "-o", "out"]) and runs_local_pool(["run", "x", "--executor", "process"])
    assert not runs_local_pool(["run", "x", "--executor", "ray"]) and not runs_local_pool(["run", "x", "--executor=ray"])
    assert not runs_local_pool(["restore", "f.txt"]) and not runs_local_pool([])


def test_parse_and_run_give_the_same_record_for_one_text_file(tmp_path):
    """One record builder: a .txt with a BOM, CRLF and lone CR line ends and decomposed letters gives the same
    record through `planocr parse` as through `planocr run --no-restore` (NFC, no CR or BOM, same hash and
    provenance). It once kept the CRs and the decomposed letters and hashed the decoded text."""
    import json
    import unicodedata

    text = "ỦY BAN NHÂN DÂN XÃ AN HÒA\r\nSố: 12/KH-UBND\rKẾ HOẠCH\r\nTổ chức hội nghị\r\n"
    path = tmp_path / "plan.txt"
    path.write_bytes(b"\xef\xbb\xbf" + unicodedata.normalize("NFD", text).encode("utf-8"))
    parsed = subprocess.run([sys.executable, "-m", "pipeline", "parse", str(path)], capture_output=True, check=True)
    subprocess.run([sys.executable, "-m", "pipeline", "run", "--no-restore", str(path), "-o", str(tmp_path / "out")],
                   capture_output=True, check=True)
    written = (tmp_path / "out" / "plan.json").read_text(encoding="utf-8")
    assert parsed.stdout.decode("utf-8") == written
    record = json.loads(written)
    assert "\r" not in record["text"] and "\ufeff" not in record["text"]
    assert record["text"] == unicodedata.normalize("NFC", record["text"]) and "Số: 12/KH-UBND" in record["text"]
    assert record["source"]["sha256"] == __import__("hashlib").sha256(path.read_bytes()).hexdigest()
    assert record["provenance"]["planocr"] and record["number"] == "12/KH-UBND"
