"""JSON Schema (draft 2020-12) of the document record, generated from :class:`pipeline.model.Document`.

The model is the single source of truth; ``schemas/plan.schema.json`` is this module's output, checked in
so analysts and other tools can validate records without Python. Regenerate after a model change::

    python -m pipeline.schema --output schemas/plan.schema.json     # or: make schema

``python -m pipeline.schema`` alone prints the schema to stdout. ``--check FILE`` exits 1 when FILE is stale.
The output is deterministic (pydantic orders keys; properties keep the record's field order).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from .model import SCHEMA_VERSION, Document

DRAFT = "https://json-schema.org/draft/2020-12/schema"
# A URN, not a URL: nothing is served at an address, and the version in it changes with SCHEMA_VERSION.
SCHEMA_ID = f"urn:planocr:schema:plan:{SCHEMA_VERSION}"
TITLE = "planocr document record"
DESCRIPTION = (
    "One Vietnamese administrative document (a 'Kế hoạch' and similar forms of Decree 30/2020/NĐ-CP) "
    "as written by `planocr run` (OUTDIR/<name>.json) and `planocr parse`. Every key is always present: "
    "a field the document lacks is null, a list it lacks is []. Text is UTF-8, NFC-normalised; dates are "
    "ISO 8601 ('2025-08-20'; '2026-03' when the day is blank, '2026' when the month is too). Generated from pipeline.model.Document; "
    f"schema_version {SCHEMA_VERSION}."
)
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "schemas" / "plan.schema.json"


def build_schema() -> dict[str, Any]:
    """The record's JSON Schema as a dict, meta keys first.

    Serialization mode: the schema describes what the model writes (with every key required),
    not what it would accept as input.
    """
    body = Document.model_json_schema(mode="serialization")
    head = {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        "title": TITLE,
        "description": DESCRIPTION,
        "$comment": generator_note(),
    }
    body.pop("title", None)
    body.pop("description", None)
    return {**head, **body}


def generator_note() -> str:
    """Says how the file is made. No library version goes in: the text must not change when a dependency's
    patch release does (requirements.lock pins pydantic, whose layout of a schema the file follows)."""
    return "Generated from pipeline/model.py by `python -m pipeline.schema` (make schema); do not edit by hand."


def render_schema() -> str:
    """The schema as the exact text of schemas/plan.schema.json (2-space indent, UTF-8, final newline)."""
    return json.dumps(build_schema(), ensure_ascii=False, indent=2) + "\n"


def write_schema(path: Path) -> None:
    """Write atomically (temp file + rename), so a failed run never leaves a truncated schema behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(render_schema())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def is_stale(path: Path) -> bool:
    try:
        return path.read_text(encoding="utf-8") != render_schema()
    except OSError:
        return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.schema", description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--output", "-o", metavar="FILE", help="write the schema to FILE (atomically) instead of stdout")
    group.add_argument("--check", metavar="FILE", help="exit 1 when FILE differs from the generated schema")
    ns = parser.parse_args(argv)
    if ns.check:
        if is_stale(Path(ns.check)):
            print(f"{ns.check}: stale: regenerate with `make schema`", file=sys.stderr)
            return 1
        return 0
    if ns.output:
        write_schema(Path(ns.output))
        return 0
    sys.stdout.write(render_schema())
    return 0


if __name__ == "__main__":
    sys.exit(main())
