"""Batch driver for `planocr run`: expand inputs, process each document, write records atomically,
append one manifest line per input. One bad input never stops the batch."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .document import process_document, sha256_file
from .errors import PlanocrError
from .inputs import SUPPORTED_SUFFIXES
from .options import Options

MANIFEST = "manifest.jsonl"


@dataclass
class BatchSummary:
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    pages: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


def expand_inputs(paths: list[Path]) -> list[Path]:
    """Files as given; folders walked recursively for supported suffixes, in sorted order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            found.append(path)  # missing or unsupported files are reported by the document stage
    return found


def output_names(inputs: list[Path]) -> dict[Path, str]:
    """`<stem>` per input; stems shared by several inputs get a short content (or path) hash."""
    stems: dict[str, list[Path]] = {}
    for path in inputs:
        stems.setdefault(path.stem, []).append(path)
    names: dict[Path, str] = {}
    for stem, group in stems.items():
        for path in group:
            if len(group) == 1:
                names[path] = stem
            else:
                try:
                    tag = sha256_file(path)[:8]
                except OSError:
                    tag = hashlib.sha256(str(path).encode()).hexdigest()[:8]
                names[path] = f"{stem}-{tag}"
    return names


def write_atomic(path: Path, data: str) -> None:
    """Write to a temp file in the same folder, fsync, rename: readers never see a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def append_manifest(outdir: Path, entry: dict) -> None:
    line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
    with (outdir / MANIFEST).open("a", encoding="utf-8") as handle:
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())


def run_batch(paths: list[Path], outdir: Path, options: Options) -> BatchSummary:
    outdir.mkdir(parents=True, exist_ok=True)
    inputs = expand_inputs(paths)
    names = output_names(inputs)
    summary = BatchSummary()
    started = time.monotonic()
    for path in inputs:
        t0 = time.monotonic()
        entry = {"input": str(path), "sha256": None, "status": "failed", "output": None,
                 "error": None, "category": None, "pages": 0, "seconds": 0.0}
        try:
            doc, results = process_document(path, options)
            name = names[path]
            for result in results:
                if result.tsv:
                    write_atomic(outdir / f"{name}.p{result.page.number:04d}.tsv", result.tsv)
            write_atomic(outdir / f"{name}.json", doc.to_json())
            entry.update(sha256=doc.source.sha256, status="ok", output=f"{name}.json", pages=doc.source.pages)
            summary.ok += 1
            summary.pages += doc.source.pages
        except PlanocrError as err:
            if err.path is None:
                err.path = str(path)
            entry.update(error=err.reason, category=err.category)
            summary.failed += 1
            summary.errors.append(err.one_line())
            print(err.one_line(), file=sys.stderr)
        except Exception as err:  # a bug must not take down the batch; record it as internal
            reason = f"{type(err).__name__}: {err}".replace("\n", " ")
            entry.update(error=reason, category="internal")
            summary.failed += 1
            summary.errors.append(f"{path}: internal: {reason}")
            print(f"{path}: internal: {reason}", file=sys.stderr)
        entry["seconds"] = round(time.monotonic() - t0, 3)
        append_manifest(outdir, entry)
        if options.fail_fast and entry["status"] == "failed":
            break
    summary.seconds = time.monotonic() - started
    return summary
