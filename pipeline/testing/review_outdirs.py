"""OUTDIRs for the review tests, made of real records: the record `planocr run` made of the sample scan
data/samples/kh-tan-ky.lowres.png (tests/fixtures/review/; OCR takes ~10 s, so it is kept, not remade; remake
it with `planocr run data/samples/kh-tan-ky.lowres.png -o /tmp/x` and copy /tmp/x/kh-tan-ky.lowres.json
there), and the record of the sample text data/samples/kh-phu-trung.txt, made here by the record builder
(no restoration: fast). The manifest is written as `planocr run` writes it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..document import sha256_file, text_document
from ..options import Options

ROOT = Path(__file__).resolve().parents[2]  # the repository
SCAN = ROOT / "data" / "samples" / "kh-tan-ky.lowres.png"
TEXT = ROOT / "data" / "samples" / "kh-phu-trung.txt"
SCAN_RECORD = ROOT / "tests" / "fixtures" / "review" / "kh-tan-ky.lowres.json"
SCAN_NAME = "kh-tan-ky.lowres"
TEXT_NAME = "kh-phu-trung"


def manifest_line(source: Path, output: str) -> dict:
    return {
        "input": str(source),
        "resolved": str(source.resolve()),
        "sha256": sha256_file(source),
        "status": "ok",
        "output": output,
        "error": None,
        "category": None,
        "pages": 1,
        "pipeline": {"version": "test"},
        "run": "test",
    }


def make_outdir(folder: Path, *, scan_source: Path = SCAN) -> Path:
    """OUTDIR with the scan's and the text's records and their manifest lines."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SCAN_RECORD, folder / f"{SCAN_NAME}.json")
    doc = text_document(TEXT.read_bytes(), TEXT.name, Options(jobs=1, restore=False))
    (folder / f"{TEXT_NAME}.json").write_text(doc.to_json(), encoding="utf-8")
    lines = [manifest_line(scan_source, f"{SCAN_NAME}.json"), manifest_line(TEXT, f"{TEXT_NAME}.json")]
    (folder / "manifest.jsonl").write_text(
        "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8"
    )
    return folder


def read_record(folder: Path, name: str) -> dict:
    return json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))


def manifest_lines(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
