"""The --resume key: what a record depends on besides its input's bytes, and whether a record on disk
still matches it."""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

from .. import __version__
from ..document import sha256_file
from ..errors import DependencyError
from ..options import Options


def record_is_valid(path: Path, sha256: str) -> bool:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(record, dict) and (record.get("source") or {}).get("sha256") == sha256


def reviewed_record(path: Path) -> dict | None:
    """The record at ``path`` when a person reviewed or changed it with `planocr review` (``reviewed`` true,
    or entries in ``review``): a run never overwrites it, with or without --resume."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(record, dict) and (record.get("reviewed") or record.get("review")):
        return record
    return None


def kept_for_review(record: dict, sha256: str) -> dict:
    """How a run accounts for an input whose record a person reviewed: skipped, the record kept; when the
    input's bytes changed since, said so (the error field of its manifest line), never silently redone."""
    source = record.get("source") or {}
    changed = source.get("sha256") != sha256
    return {
        "pages": source.get("pages") or 0,
        "error": "the input changed since its record was reviewed; the reviewed record is kept "
        "(move it out of OUTDIR to read the new input)"
        if changed
        else None,
        "extra": {"reviewed": True, "needs_review": record.get("needs_review")},
    }


def pipeline_id(options: Options, kind: str | None = None) -> dict:
    """What a record depends on besides its input's bytes (the --resume key): planocr's version, the
    options that change a record, and, where they are used, Tesseract's version and language data (for
    PDFs and images; text inputs are never OCR'd, and an input that failed before its kind was known has
    no record) and the restoration tables in diacritics/data. Digests are cached per file (path, size,
    mtime), so a batch hashes the ~8 MB of data once, not per document."""
    key: dict = {"version": __version__, "options": options.fingerprint()}
    if kind in ("pdf", "image"):
        key.update(ocr_identity(options.lang))
    if options.restore:
        key["diacritics_data"] = diacritics_data_digest()
    return key


def ocr_identity(lang: str) -> dict:
    from ..ocr import check_tesseract

    try:
        version = check_tesseract(lang)
    except DependencyError:
        version = None  # no OCR possible here; such inputs fail on their own
    return {"tesseract": version, "traineddata": traineddata_digest(lang)}


def traineddata_digest(lang: str, folder: Path | None = None) -> str | None:
    """One digest over the .traineddata files ``lang`` uses (e.g. vie and Vietnamese): a retrained or
    updated model changes what Tesseract reads, so it must change the --resume key. None when the files
    cannot be found (the key then still carries the Tesseract version)."""
    from ..ocr import tessdata_dir

    folder = folder or tessdata_dir()
    if folder is None:
        return None
    parts = []
    for code in sorted(c for c in lang.split("+") if c):
        path = folder / f"{code}.traineddata"
        if not path.is_file():
            return None
        parts.append(f"{code}:{file_digest(path)}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def file_digest(path: Path) -> str:
    """``sha256_file``, computed once per process for each (path, size, modification time): the model and
    data files enter every input's --resume key, and are tens of MB."""
    stat = path.stat()
    return _cached_sha256(path.resolve(), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _cached_sha256(path: Path, size: int, mtime_ns: int) -> str:
    return sha256_file(path)


def diacritics_data_digest(folder: Path | None = None) -> str | None:
    """One digest over the restoration library's data files (documentation files left out)."""
    if folder is None:
        import importlib.util

        spec = importlib.util.find_spec("diacritics")
        if spec is None or not spec.submodule_search_locations:
            return None
        folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    if not folder.is_dir():
        return None
    files = sorted(
        p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() != ".md" and not p.name.startswith(".")
    )
    digest = hashlib.sha256()
    for path in files:
        digest.update(f"{path.relative_to(folder).as_posix()}:{file_digest(path)}\n".encode())
    return digest.hexdigest()[:16]


class PipelineKeys:
    """The --resume key per input kind (text inputs do not depend on Tesseract), computed once per run."""

    def __init__(self, options: Options):
        self.options = options
        self.by_kind: dict[str | None, dict] = {}
        self.kind_of: dict[int, str] = {}  # input index → kind, as planning found it

    def for_kind(self, kind: str | None) -> dict:
        if kind not in self.by_kind:
            self.by_kind[kind] = pipeline_id(self.options, kind)
        return self.by_kind[kind]

    def for_input(self, index: int) -> dict:
        return self.for_kind(self.kind_of.get(index))
