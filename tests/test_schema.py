"""The record's JSON Schema: generated from the model, checked in fresh, and every record the CLI writes
validates against it; records with wrong types, missing or unknown keys do not."""

from __future__ import annotations

import copy
import io
import json
import re
import math
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from pydantic import ValidationError

from pipeline.cli import main
from pipeline.model import Correction, Document, Page, Section, Source
from pipeline.schema import DEFAULT_PATH, build_schema, render_schema
from pipeline.schema import main as schema_main

PLAN_TEXT = """ỦY BAN NHÂN DÂN
XÃ TÂN KỲ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 12/KH-UBND
Tân Kỳ, ngày 05 tháng 3 năm 2026
KẾ HOẠCH
Tuyên truyền Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị
Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị;
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Nâng cao nhận thức cho cán bộ, công chức.
a) Tổ chức hội nghị;
II. NHIỆM VỤ
- Đăng tải tin bài trên Cổng thông tin điện tử.
Trên đây là Kế hoạch của Ủy ban nhân dân xã./.
Nơi nhận:
- UBND huyện;
- Sở Văn hóa, Thể thao và Du lịch;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Nguyễn Văn An
"""


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def full_record() -> dict:
    """A record with every optional part present (OCR page, words, corrections, nested sections)."""
    doc = Document.model_validate({
        "source": {"file": "k.pdf", "sha256": "d" * 64, "kind": "pdf", "pages": 1},
        "issuer": {"name": "ỦY BAN NHÂN DÂN XÃ TÂN KỲ", "parent": None}, "number": "12/KH-UBND",
        "serial": "12", "symbol": "KH-UBND", "date": "2026-03-05",
        "references": [{"kind": "Nghị quyết", "number": "57-NQ/TW", "date": "2024-12-22", "issuer": "Bộ Chính trị"}],
        "sections": [{"label": "I", "heading": "MỤC ĐÍCH", "level": 1, "paragraphs": ["Một."],
                      "children": [{"label": "1", "level": 2, "paragraphs": ["Hai."]}]}],
        "recipients": ["UBND huyện"], "storage": ["VT"],
        "signature": {"authority": "TM. ỦY BAN NHÂN DÂN", "acting": None, "position": "CHỦ TỊCH", "signer": "Nguyễn Văn An"},
        "text": "…", "pages": [{"number": 1, "text": "…", "raw_text": "…", "confidence": 0.9, "text_path": "ocr",
                                "low_confidence_words": [{"text": "quyét", "confidence": 0.3, "box": [1, 2, 3, 4], "line": 2}],
                                "steps": ["deskew"], "error": None}],
        "corrections": [{"page": 1, "line": 2, "original": "quyét", "corrected": "quyết", "confidence": 0.97}],
        "warnings": ["signer not found"], "needs_review": True,
        "provenance": {"planocr": "0.1.0", "tesseract": "5.3.0", "lang": "vie", "restore": True},
    })
    return json.loads(doc.to_json())


def shape(schema: dict) -> dict:
    """What a model change alters: each object's properties, required keys and value types/refs/enums."""
    def types(node) -> list[str]:
        found, stack = set(), [node]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                for key, value in item.items():
                    if key in ("type", "$ref", "const") and isinstance(value, str):
                        found.add(f"{key}={value}")
                    elif key == "enum":
                        found.add(f"enum={sorted(map(str, value))}")
                    elif key not in ("examples", "default") and isinstance(value, (dict, list)):
                        stack.append(value)
        return sorted(found)

    objects = {"Document": schema, **schema.get("$defs", {})}
    return {name: {"required": sorted(obj.get("required", [])),
                   "properties": {k: types(v) for k, v in obj.get("properties", {}).items()}}
            for name, obj in objects.items()}


def test_shape_sees_the_changes_a_model_edit_makes():
    schema = build_schema()
    assert shape(schema) == shape(json.loads(render_schema()))
    for path, value in [("properties.title", DELETE), ("$defs.Page.properties.confidence.anyOf.0.type", "string"),
                        ("$defs.Source.properties.kind.enum", ["pdf", "image"]), ("required", ["source"])]:
        assert shape(set_path(schema, path, value)) != shape(schema), path


def test_checked_in_schema_is_current():
    stale = "schemas/plan.schema.json is stale: the model changed. Regenerate it with `make schema` and commit it."
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    assert shape(json.loads(text)) == shape(build_schema()), stale  # fields, required keys, types
    assert text == render_schema(), stale  # and the layout of the pinned pydantic, byte for byte


def test_generator_note_names_no_library_version():
    # a patch release of pydantic must not make the checked-in file stale (it once did: 2.14.3 -> 2.14.4)
    assert not re.search(r"\d+\.\d+", build_schema()["$comment"])


def test_schema_is_2020_12_with_identity_and_deterministic(capsys):
    schema = build_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].startswith("urn:planocr:") and schema["title"] and "null" in schema["description"]
    assert render_schema() == render_schema()
    proc = subprocess.run([sys.executable, "-m", "pipeline.schema"], capture_output=True, check=True)
    assert proc.stdout.decode("utf-8") == DEFAULT_PATH.read_text(encoding="utf-8")
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == render_schema()


def test_schema_check_flag_detects_a_stale_file(tmp_path, capsys):
    stale = tmp_path / "plan.schema.json"
    stale.write_text(render_schema().replace('"title"', '"Title"', 1), encoding="utf-8")
    assert schema_main(["--check", str(stale)]) == 1
    assert "make schema" in capsys.readouterr().err
    assert schema_main(["--output", str(stale)]) == 0
    assert schema_main(["--check", str(stale)]) == 0
    assert not list(tmp_path.glob(".*.tmp"))


def test_every_key_is_required_and_nullable_fields_say_so():
    schema = build_schema()
    props = schema["properties"]
    assert schema["required"] == list(Document.model_fields) == list(props)
    for name, field in Document.model_fields.items():
        allows_null = any(option.get("type") == "null" for option in props[name].get("anyOf", []))
        assert allows_null == (field.default is None and not field.is_required()), name
    for definition in schema["$defs"].values():
        assert sorted(definition["required"]) == sorted(definition["properties"])
        assert definition["additionalProperties"] is False


def test_records_written_by_run_validate(tmp_path, validator):
    """The full pipeline, restoration included (the slow part: it loads the restoration model)."""
    source = tmp_path / "ke-hoach.txt"
    source.write_text(PLAN_TEXT, encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "pipeline", "run", str(source), "-o", str(out), "--jobs", "1"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    record = json.loads((out / "ke-hoach.json").read_text(encoding="utf-8"))
    errors = sorted(validator.iter_errors(record), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    assert record["source"] == {"file": "ke-hoach.txt", "sha256": record["source"]["sha256"], "kind": "text", "pages": 1}


def test_records_printed_by_parse_validate(tmp_path, validator, monkeypatch, capsys):
    source = tmp_path / "ke-hoach.txt"
    source.write_text(PLAN_TEXT, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pipeline", "parse", str(source)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert not list(validator.iter_errors(record)), [e.message for e in validator.iter_errors(record)]
    monkeypatch.setattr(sys, "stdin", io.StringIO(PLAN_TEXT))
    assert main(["parse"]) == 0
    from_stdin = json.loads(capsys.readouterr().out)
    assert not list(validator.iter_errors(from_stdin)) and from_stdin["source"]["file"] == "-"


def test_full_and_bare_records_validate(validator):
    assert not list(validator.iter_errors(full_record()))
    bare = json.loads(Document(source=Source(file="x.txt", sha256="0" * 64, kind="text", pages=0)).to_json())
    assert not list(validator.iter_errors(bare))


def set_path(record: dict, path: str, value) -> dict:
    record = copy.deepcopy(record)
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    target = record
    for part in parents:
        target = target[part]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return record


DELETE = object()


@pytest.mark.parametrize(("path", "value"), [
    ("source.pages", "3"),  # wrong type
    ("source.kind", "docx"),  # not an input kind
    ("number", 36),
    ("needs_review", "yes"),
    ("recipients", "UBND huyện"),  # a string where a list belongs
    ("recipients", None),  # lists are [] when empty, never null
    ("text", None),
    ("sections.0.level", 0),
    ("sections.0.children.0.children", [{"label": "a"}]),  # level missing in a nested section
    ("pages.0.confidence", 1.5),
    ("pages.0.low_confidence_words.0.box", [1, 2, 3]),
    ("corrections.0.confidence", None),
    ("title", DELETE),  # every key is always written
    ("signature.signer", DELETE),
    ("issuer.seal", "đỏ"),  # unknown key
    ("schema", "1.0"),
])
def test_wrong_records_fail(validator, path, value):
    record = set_path(full_record(), path, value)
    assert list(validator.iter_errors(record)), f"{path}={value!r} should not validate"


def test_to_json_is_deterministic_and_has_no_nan():
    one, two = Document.model_validate(full_record()).to_json(), Document.model_validate(full_record()).to_json()
    assert one == two
    assert Document.model_validate_json(one).to_json() == one  # stable through a round trip

    def refuse(token):
        raise AssertionError(f"{token} in JSON")

    json.loads(one, parse_constant=refuse)  # NaN / Infinity would call parse_constant
    assert "ỦY BAN NHÂN DÂN" in one  # UTF-8 text, not \\u escapes


@pytest.mark.parametrize("bad", [math.nan, math.inf, -0.5])
def test_the_model_refuses_nan_and_out_of_range_confidences(bad):
    with pytest.raises(ValidationError):
        Page(number=1, text="", confidence=bad)
    with pytest.raises(ValidationError):
        Correction(original="a", corrected="á", confidence=bad)


def test_sections_nest_through_the_schema(validator):
    deep = Section(label="I", level=1)
    node = deep
    for depth in range(2, 7):
        child = Section(label=str(depth), level=depth)
        node.children.append(child)
        node = child
    record = json.loads(Document(source=Source(file="x.txt", sha256="0" * 64, kind="text", pages=1),
                                 sections=[deep]).to_json())
    assert not list(validator.iter_errors(record))
    record["sections"][0]["children"][0]["children"][0]["children"][0]["level"] = "4"
    assert list(validator.iter_errors(record))


def test_default_path_is_the_repository_file():
    assert DEFAULT_PATH == Path(__file__).resolve().parent.parent / "schemas" / "plan.schema.json"


def test_same_input_gives_byte_identical_records(tmp_path):
    """No timestamps or run-dependent values in the record body (restoration off: this is about the record)."""
    source = tmp_path / "ke-hoach.txt"
    source.write_text(PLAN_TEXT, encoding="utf-8")
    for out in ("one", "two"):
        assert main(["run", str(source), "-o", str(tmp_path / out), "--jobs", "1", "--no-restore"]) == 0
    assert (tmp_path / "one" / "ke-hoach.json").read_bytes() == (tmp_path / "two" / "ke-hoach.json").read_bytes()


def test_a_nan_that_slipped_past_validation_is_written_as_null():
    """Belt and braces: even a value set without validation (model_construct) never writes a NaN token."""
    page = Page.model_construct(**{**Page(number=1, text="").__dict__, "confidence": math.nan})
    doc = Document(source=Source(file="x.txt", sha256="0" * 64, kind="text", pages=1))
    doc = Document.model_construct(**{**doc.__dict__, "pages": [page]})
    record = json.loads(doc.to_json(), parse_constant=lambda token: pytest.fail(f"{token} in JSON"))
    assert record["pages"][0]["confidence"] is None
