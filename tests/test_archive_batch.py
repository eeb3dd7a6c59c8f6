"""The archive outputs and folder documents through `planocr run` (the whole pipeline, Tesseract included, on
small page images): --pdf, --alto, --group folder, the manifest, --resume."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.archive.check import bag_f1, extract_text, layer_words, pdf_facts, words_of
from pipeline.batch import run_batch
from pipeline.batch.names import expand_inputs, output_names
from pipeline.document import sha256_file
from pipeline.load import count_pages, detect_kind
from pipeline.load.folder import folder_files, is_page_folder, natural_key
from pipeline.model import Document
from pipeline.options import Options
from pipeline.testing.archive_pages import PAGE_1, PAGE_2, page_image


def manifest(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]


def record(out: Path, name: str) -> Document:
    return Document.model_validate_json((out / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture()
def inputs(tmp_path) -> Path:
    root = tmp_path / "in"
    folder = root / "cv-1906"
    folder.mkdir(parents=True)
    page_image(folder / "trang-10.png", PAGE_2)  # natural order: trang-2 is page 1
    page_image(folder / "trang-2.png", PAGE_1)
    (root / "ghi-chu.txt").write_text("Kế hoạch số 5/KH-UBND\n", encoding="utf-8")
    return root


# --- folders of page images ------------------------------------------------------------------------


def test_natural_order_and_which_folders_are_page_folders(tmp_path):
    names = ["trang-10.png", "trang-2.png", "trang-1.jpg", "Trang-3.tif"]
    assert sorted(names, key=natural_key) == ["trang-1.jpg", "trang-2.png", "Trang-3.tif", "trang-10.png"]
    pages = tmp_path / "pages"
    pages.mkdir()
    for name in names:
        (pages / name).write_bytes(b"x")
    (pages / ".DS_Store").write_bytes(b"x")  # hidden files do not count
    assert is_page_folder(pages)
    assert [p.name for p in folder_files(pages)] == ["trang-1.jpg", "trang-2.png", "Trang-3.tif", "trang-10.png"]
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / "a.png").write_bytes(b"x")
    (mixed / "notes.txt").write_text("x")
    assert not is_page_folder(mixed) and not is_page_folder(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    assert not is_page_folder(tmp_path / "empty")


def test_grouping_replaces_a_page_folders_files_by_the_folder_only_when_asked(tmp_path, inputs):
    loose = inputs / "loose.png"
    page_image(loose, ["Kế hoạch"])
    mixed = inputs / "mixed"
    mixed.mkdir()
    page_image(mixed / "a.png", ["Kế hoạch"])
    (mixed / "b.txt").write_text("Kế hoạch", encoding="utf-8")
    default = expand_inputs([inputs])
    assert [p.relative_to(inputs).as_posix() for p in default] == [
        "cv-1906/trang-10.png", "cv-1906/trang-2.png", "ghi-chu.txt", "loose.png", "mixed/a.png", "mixed/b.txt",
    ]  # fmt: skip
    grouped = expand_inputs([inputs], group="folder")
    # the top folder holds a .txt, so it is no page folder; its page-image subfolder is one input
    assert [p.relative_to(inputs).as_posix() for p in grouped] == [
        "cv-1906", "ghi-chu.txt", "loose.png", "mixed/a.png", "mixed/b.txt",
    ]  # fmt: skip
    assert output_names(grouped)[inputs / "cv-1906"] == "cv-1906"
    named = expand_inputs([inputs / "cv-1906" / "trang-2.png"], group="folder")  # a file named on the command line
    assert named == [inputs / "cv-1906" / "trang-2.png"]


def test_a_folders_hash_changes_when_any_page_is_added_removed_renamed_or_changed(inputs):
    folder = inputs / "cv-1906"
    assert detect_kind(folder) == "image" and count_pages(folder, "image", Options(jobs=1)) == 2
    seen = {sha256_file(folder)}
    (folder / "trang-2.png").write_bytes((folder / "trang-2.png").read_bytes() + b"\0")  # changed
    seen.add(sha256_file(folder))
    page_image(folder / "trang-11.png", ["thêm"])  # added
    seen.add(sha256_file(folder))
    (folder / "trang-11.png").rename(folder / "trang-12.png")  # renamed
    seen.add(sha256_file(folder))
    (folder / "trang-12.png").unlink()  # removed: back to the changed folder
    assert sha256_file(folder) in seen and len(seen) == 4


# --- the whole run ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_folder_of_two_page_images_is_one_record_and_one_two_page_pdf_with_its_alto(tmp_path, inputs):
    out = tmp_path / "out"
    options = Options(jobs=2, lang="vie", pdf=True, alto=True, group="folder")
    summary = run_batch([inputs], out, options)
    assert (summary.ok, summary.failed) == (2, 0)
    document = record(out, "cv-1906")
    assert document.source.file == "cv-1906" and document.source.kind == "image" and document.source.pages == 2
    assert [p.steps[0] for p in document.pages] == ["load:folder-page:trang-2.png", "load:folder-page:trang-10.png"]
    assert "Nghị quyết" in document.pages[0].text and "Nơi nhận" in document.pages[1].text
    assert document.outputs is not None
    assert (document.outputs.pdf, document.outputs.alto) == ("cv-1906.pdf", "cv-1906.alto.xml")
    facts = pdf_facts(out / "cv-1906.pdf")
    assert (facts.pages, facts.pdfa, facts.output_intents, facts.unembedded, facts.validator) == (
        2,
        "2B",
        1,
        [],
        "pass",
    )
    for tool in ("pdftotext", "pdfium"):
        assert bag_f1(layer_words(document), words_of(extract_text(out / "cv-1906.pdf", tool)))[0] >= 0.98
    text_only = record(out, "ghi-chu")
    assert text_only.outputs is None and not (out / "ghi-chu.pdf").exists()  # nothing to archive for text
    entries = {Path(e["input"]).name: e for e in manifest(out)}
    assert entries["cv-1906"]["files"] == ["trang-2.png", "trang-10.png"]
    assert entries["cv-1906"]["sha256"] == document.source.sha256 == sha256_file(inputs / "cv-1906")
    assert "files" not in entries["ghi-chu.txt"]
    assert not list(out.glob(".*.tmp"))
    # the analysts' export is unchanged: the documents table names the files in its pdf and alto columns
    import csv

    from pipeline.export import export_tables

    tables = export_tables(out, tmp_path / "plans.csv")
    documents_csv = next(p for p in tables if p.name == "plans_documents.csv")
    rows = {r["file"]: r for r in csv.DictReader(documents_csv.open(encoding="utf-8-sig"))}
    assert (rows["cv-1906"]["pdf"], rows["cv-1906"]["alto"]) == ("cv-1906.pdf", "cv-1906.alto.xml")
    assert (rows["ghi-chu.txt"]["pdf"], rows["ghi-chu.txt"]["pages"]) == ("", "1")

    # --resume: nothing to redo; a missing PDF redoes its document; a page added redoes the folder
    again = run_batch([inputs], out, options.model_copy(update={"resume": True}))
    assert (again.ok, again.skipped) == (0, 2)
    (out / "cv-1906.pdf").unlink()
    again = run_batch([inputs], out, options.model_copy(update={"resume": True}))
    assert (again.ok, again.skipped) == (1, 1) and (out / "cv-1906.pdf").is_file()
    page_image(inputs / "cv-1906" / "trang-11.png", ["Phụ lục"])
    again = run_batch([inputs], out, options.model_copy(update={"resume": True}))
    assert (again.ok, again.skipped) == (1, 1)
    assert record(out, "cv-1906").source.pages == 3 and pdf_facts(out / "cv-1906.pdf", validate=False).pages == 3
    # asked for ALTO only now: the records have theirs, nothing is redone
    only_alto = run_batch([inputs], out, Options(jobs=2, lang="vie", alto=True, group="folder", resume=True))
    assert (only_alto.ok, only_alto.skipped) == (0, 2)


def test_the_cli_has_the_archive_flags():
    help_text = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for flag in ("--pdf", "--alto", "--group {file,folder}"):
        assert flag in help_text
