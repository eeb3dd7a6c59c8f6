"""planocr: Vietnamese administrative plans from paper to clean text and JSON records.

For scripts (each name is imported on first use, so ``import pipeline`` stays cheap)::

    from pipeline import Options, process_document, run_batch, parse_text

    doc = process_document("scans/ke-hoach.pdf")          # one input → its record (a Document)
    print(doc.number, doc.date, doc.title)                # fields as in schemas/plan.schema.json
    summary = run_batch(["scans/"], "out/", Options(jobs=2))  # what `planocr run scans/ -o out/ -j 2` does
    fields = parse_text(open("repaired.txt", encoding="utf-8").read())  # the parser alone

Errors are ``PlanocrError`` subclasses with a ``category`` (pipeline.errors).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

__version__ = "0.3.1"

if TYPE_CHECKING:
    from .batch.run import BatchSummary
    from .errors import PlanocrError
    from .model import Document
    from .options import Options
    from .parse import parse_text

__all__ = [
    "BatchSummary",
    "Document",
    "Options",
    "PlanocrError",
    "__version__",
    "parse_text",
    "process_document",
    "run_batch",
]

# name → module that defines it, imported when the name is first used
_LAZY = {
    "BatchSummary": "pipeline.batch.run",
    "Document": "pipeline.model",
    "Options": "pipeline.options",
    "PlanocrError": "pipeline.errors",
    "parse_text": "pipeline.parse",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def process_document(path: str | Path, options: Options | None = None) -> Document:
    """The record of one input (PDF, image or .txt), every stage run in this process, pages in order. Raises a
    PlanocrError (with its category) when the input as a whole cannot be read; a page that fails is recorded on
    its page (``error``) and in ``warnings``, as in a batch. Writes nothing."""
    from .document import process_document as process
    from .options import Options

    document, _ = process(Path(path), options or Options(jobs=1))
    return document


def run_batch(paths: str | Path | list[str | Path], outdir: str | Path, options: Options | None = None) -> BatchSummary:
    """`planocr run`: every input under ``paths`` (files and folders) into ``outdir`` (records and manifest.jsonl),
    progress on stderr; returns the summary (ok, failed by category, skipped, pages, ``stopped_by`` when OUTDIR
    could not be written, ``interrupted`` after Ctrl-C). Raises DependencyError, UsageError or OutputError before
    any input is read when the batch cannot start."""
    from .batch.run import run_batch as run
    from .options import Options

    listed = [paths] if isinstance(paths, str | Path) else list(paths)
    return run([Path(p) for p in listed], Path(outdir), options or Options())
