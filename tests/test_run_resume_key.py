"""The --resume key: besides planocr's version and options, a record depends on Tesseract (version and
the .traineddata files it loads) and on the restoration tables in diacritics/data. Changing any of them
must make --resume redo the affected inputs instead of skipping them; text inputs, which are never
OCR'd, do not depend on Tesseract."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import pipeline.batch.resume as run_module
from pipeline.batch import run_batch
from pipeline.batch.resume import (
    diacritics_data_digest,
    pipeline_id,
    traineddata_digest,
)
from pipeline.ocr import tessdata_dir
from pipeline.options import Options
from pipeline.testing.batch import PLAN


def statuses(out: Path) -> list[str]:
    lines = (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["status"] for line in lines]


def test_traineddata_digest_follows_the_files_bytes(tmp_path):
    (tmp_path / "vie.traineddata").write_bytes(b"model one")
    (tmp_path / "Vietnamese.traineddata").write_bytes(b"script model")
    first = traineddata_digest("vie+Vietnamese", tmp_path)
    assert first == traineddata_digest("Vietnamese+vie", tmp_path)  # order of the codes does not matter
    assert first != traineddata_digest("vie", tmp_path)
    (tmp_path / "vie.traineddata").write_bytes(b"model two, retrained")
    assert traineddata_digest("vie+Vietnamese", tmp_path) not in (None, first)
    assert traineddata_digest("vie+klingon", tmp_path) is None  # a missing file: no digest, never a crash


def test_diacritics_data_digest_follows_data_files_not_documentation(tmp_path):
    (tmp_path / "model.npz").write_bytes(b"counts")
    (tmp_path / "README.md").write_text("how the tables were built")
    first = diacritics_data_digest(tmp_path)
    (tmp_path / "README.md").write_text("how the tables were built, reworded")
    assert diacritics_data_digest(tmp_path) == first
    (tmp_path / "model.npz").write_bytes(b"counts, rebuilt")
    assert diacritics_data_digest(tmp_path) != first
    assert diacritics_data_digest() is not None  # the installed library's own tables are found


def test_key_parts_by_input_kind():
    options = Options(jobs=1)
    image, text = pipeline_id(options, "image"), pipeline_id(options, "text")
    assert image["tesseract"] and image["traineddata"] and image["diacritics_data"]
    assert "tesseract" not in text and "traineddata" not in text and text["diacritics_data"] == image["diacritics_data"]
    assert "diacritics_data" not in pipeline_id(Options(jobs=1, restore=False), "image")


def test_resume_redoes_inputs_when_the_diacritics_data_or_tesseract_changes(tmp_path, monkeypatch):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for n in (1, 2):
        (inputs / f"plan{n}.txt").write_text(PLAN.format(n=n), encoding="utf-8")
    out = tmp_path / "out"
    options = Options(jobs=1, resume=True)
    assert run_batch([inputs], out, options).ok == 2
    assert run_batch([inputs], out, options).skipped == 2

    monkeypatch.setattr(run_module, "diacritics_data_digest", lambda: "rebuilt-tables")
    redone = run_batch([inputs], out, options)
    assert (redone.ok, redone.skipped) == (2, 0)
    assert run_batch([inputs], out, options).skipped == 2  # the new key is the one recorded now

    # text inputs are never OCR'd: another Tesseract does not make them stale
    monkeypatch.setattr(run_module, "ocr_identity", lambda lang: {"tesseract": "9.9.9", "traineddata": "other"})
    assert run_batch([inputs], out, options).skipped == 2


def test_only_the_last_ok_line_counts(tmp_path):
    """A run with other options rewrote the record: an older ok line of the current options must not
    make --resume keep the other options' record."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "plan1.txt").write_text(PLAN.format(n=1).replace("hội nghị", "hoi nghi"), encoding="utf-8")
    out = tmp_path / "out"
    run_batch([inputs], out, Options(jobs=1, restore=False))
    run_batch([inputs], out, Options(jobs=1, restore=True))
    again = run_batch([inputs], out, Options(jobs=1, restore=False, resume=True))
    assert (again.ok, again.skipped) == (1, 0)
    assert statuses(out) == ["ok", "ok", "ok"]


def render_line(path: Path) -> Path:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf", 40)
    image = Image.new("L", (900, 120), 255)
    ImageDraw.Draw(image).text((30, 35), "Kế hoạch số 15/KH-UBND", font=font, fill=0)
    image.save(path, dpi=(300, 300))
    return path


def test_resume_redoes_ocr_when_a_traineddata_file_changes(tmp_path):
    """End to end through the CLI, with Tesseract reading a private copy of its data (TESSDATA_PREFIX):
    replacing vie.traineddata by another valid model makes --resume OCR the image again."""
    system = tessdata_dir()
    if system is None or not (system / "vie.traineddata").exists() or not (system / "eng.traineddata").exists():
        pytest.skip("needs Tesseract's vie and eng data")
    data = tmp_path / "tessdata"
    data.mkdir()
    shutil.copy(system / "vie.traineddata", data / "vie.traineddata")
    inputs = tmp_path / "in"
    inputs.mkdir()
    render_line(inputs / "line.png")
    (inputs / "plan.txt").write_text(PLAN.format(n=3), encoding="utf-8")
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k != "PLANOCR_TEST_HOOK"}
    env["TESSDATA_PREFIX"] = str(data)

    def run() -> list[str]:
        proc = subprocess.run([sys.executable, "-m", "pipeline", "run", str(inputs), "-o", str(out), "--jobs", "1",
                               "--lang", "vie", "--no-restore", "--resume"], capture_output=True, text=True, env=env,
                              timeout=120)
        assert proc.returncode == 0, proc.stderr
        lines = (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
        return [json.loads(line)["status"] for line in lines[-2:]]  # this run's lines: line.png, plan.txt

    assert run() == ["ok", "ok"]
    assert run() == ["skipped", "skipped"]
    shutil.copy(system / "eng.traineddata", data / "vie.traineddata")  # another model under the same name
    assert run() == ["ok", "skipped"]  # the image is OCR'd again; the text input does not depend on it
    assert run() == ["skipped", "skipped"]
