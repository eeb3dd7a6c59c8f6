"""The records `planocr review` serves, and how an edit reaches the disk.

Names come only from ``OUTDIR/manifest.jsonl``: the last line of each input, when it says the input has a
record ("ok", or "skipped" as already done), gives the name (the record file's stem) and the source file
as the run resolved it. A request's name is looked up in that table and nothing else: a name that is not
there (``../../etc/passwd``, an absolute path) is simply unknown. No path from a request is ever joined
to anything.

A record's version is a digest of its bytes on disk. An edit is applied under the store's lock and the
manifest's lock (the one ``planocr run`` holds for a whole run: while a run writes OUTDIR, edits are
refused), the record is rewritten atomically, and, when the document's reviewed mark changes, one line is
appended to the manifest (status "ok", ``"reviewed": true`` or false, ``"run": "review"``), so the manifest
says which records a person has checked.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..batch.manifest import MANIFEST, Manifest
from ..batch.progress import utc_now
from ..errors import UsageError
from ..files import fsync_dir, write_atomic
from ..model import Document, ReviewEntry
from .edits import EditError, apply_edit

RECORD_NAME = re.compile(r"^(?!\.)[^/\\\x00]{1,250}\.json$")  # a file name in OUTDIR, never a path


@dataclass(frozen=True)
class Entry:
    """One record the manifest lists: its name (the file's stem), its file name, its source as the run
    resolved it, and the manifest line that says so."""

    name: str
    output: str
    source: Path | None
    line: dict


class Busy(Exception):
    """A `planocr run` holds OUTDIR's manifest: records may be rewritten under us."""


class Conflict(Exception):
    """The record changed since the version the client read."""

    def __init__(self, version: str):
        super().__init__(version)
        self.version = version


def record_entries(outdir: Path) -> dict[str, Entry]:
    """name → Entry for every record the manifest lists as written (the last line per input decides)."""
    path = outdir / MANIFEST
    last: dict[str, dict] = {}
    with path.open(encoding="utf-8", errors="replace") as handle:
        for text in handle:
            try:
                entry = json.loads(text)
                key = entry.get("resolved") or entry["input"]
            except (ValueError, KeyError, TypeError, AttributeError):
                continue  # damaged or foreign lines are ignored, as export and --resume do
            if isinstance(key, str):
                last[key] = entry
    entries: dict[str, Entry] = {}
    for line in last.values():
        output = line.get("output")
        if line.get("status") not in ("ok", "skipped") or not isinstance(output, str) or not RECORD_NAME.match(output):
            continue
        if not (outdir / output).is_file():
            continue
        resolved = line.get("resolved") or line.get("input")
        source = Path(resolved) if isinstance(resolved, str) and resolved else None
        name = output[: -len(".json")]
        entries[name] = Entry(name=name, output=output, source=source, line=line)
    return entries


def version_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


class Store:
    """The OUTDIR being reviewed: its records by name, read with their versions, edited one at a time."""

    def __init__(self, outdir: Path, who: str):
        self.outdir = outdir
        self.who = who
        if not (outdir / MANIFEST).is_file():
            raise UsageError(f"no {MANIFEST} here: review reads the OUTDIR of `planocr run`", path=str(outdir))
        self.lock = threading.Lock()  # one edit at a time (edits take milliseconds)
        self._stamp: tuple[int, int] | None = None
        self._entries: dict[str, Entry] = {}

    def entries(self) -> dict[str, Entry]:
        """The manifest's records, re-read when the manifest changed (a run added documents)."""
        stat = (self.outdir / MANIFEST).stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            self._entries = record_entries(self.outdir)
            self._stamp = stamp
        return self._entries

    def get(self, name: str) -> Entry | None:
        return self.entries().get(name)

    def read(self, entry: Entry) -> tuple[Document, str]:
        data = (self.outdir / entry.output).read_bytes()
        return Document.model_validate_json(data), version_of(data)

    def edit(self, entry: Entry, edit: Any, version: str) -> tuple[Document, str, list[ReviewEntry]]:
        """Apply one edit if the record is still at ``version``; write it and, when the reviewed mark
        changed, its manifest line. Raises Conflict, Busy or EditError."""
        with self.lock:
            try:
                manifest = Manifest(self.outdir)  # the run's lock: no run rewrites records while we do
            except UsageError:
                raise Busy() from None
            try:
                doc, current = self.read(entry)
                if version != current:
                    raise Conflict(current)
                updated, added = apply_edit(doc, edit, self.who, utc_now())
                if not added:
                    return doc, current, []
                data = updated.to_json()
                write_atomic(self.outdir / entry.output, data)
                fsync_dir(self.outdir)
                if updated.reviewed != doc.reviewed:
                    manifest.append(self.reviewed_line(entry, manifest.entries, updated))
                return updated, version_of(data.encode("utf-8")), added
            finally:
                manifest.close()

    def reviewed_line(self, entry: Entry, lines: list[dict], doc: Document) -> dict:
        """The record's last manifest line again, now saying whether a person reviewed it."""
        previous = entry.line
        for line in lines:  # the newest line for this record (the table may be older than the file)
            if line.get("output") == entry.output and line.get("status") in ("ok", "skipped"):
                previous = line
        line = {k: v for k, v in previous.items() if k not in ("timings", "seconds", "error", "category")}
        line.update(
            status="ok",
            reviewed=doc.reviewed,
            reviewer=self.who,
            run="review",
            time=utc_now(),
            warnings=len(doc.warnings),
            needs_review=doc.needs_review,
            pages_processed=0,
        )
        return line


__all__ = ["Busy", "Conflict", "EditError", "Entry", "Store", "record_entries", "version_of"]
