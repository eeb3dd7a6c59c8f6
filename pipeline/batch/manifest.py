"""OUTDIR/manifest.jsonl, the batch's commit log: one fsynced line per input, read back by --resume."""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path

from ..errors import OutputError, UsageError
from ..files import TEMP_PREFIX, TEMP_SUFFIX

MANIFEST = "manifest.jsonl"


STATUSES = ("ok", "failed", "skipped")


def parse_lines(data: bytes) -> Iterator[tuple[int, dict | None]]:
    """(line number, entry) for every non-blank line; entry is None when the line is not a manifest entry: not
    UTF-8 JSON (a stray byte, a torn line), not an object (a ``[]``), or an object without a text ``input`` and a
    known ``status`` (an edit by hand). Shared by the batch and ``planocr export``."""
    for number, raw in enumerate(data.split(b"\n"), 1):
        if not raw.strip():
            continue
        try:
            entry = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            entry = None
        valid = isinstance(entry, dict) and text_field(entry, "input") and entry.get("status") in STATUSES
        yield number, entry if valid else None


def text_field(entry: dict, key: str) -> str | None:
    """A field that must be a non-empty string (a damaged line may hold anything in its place)."""
    value = entry.get(key)
    return value if isinstance(value, str) and value else None


def encode_entry(entry: dict) -> bytes:
    """One line of UTF-8. A file name that is not UTF-8 (held as surrogate escapes) is written as a JSON
    ``\\udcXX`` escape, which reads back as the same name."""
    return (json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8", "backslashreplace")


class Manifest:
    """OUTDIR/manifest.jsonl, locked for the run; read at start (for --resume and names), appended one fsynced
    line per input. Lines that are not manifest entries are left as they are, never rewritten, and listed in
    ``damaged`` (line numbers) so the run can warn about them."""

    def __init__(self, outdir: Path):
        self.path = outdir / MANIFEST
        self.handle = self.path.open("a+b", buffering=0)  # unbuffered: a failed append leaves nothing pending
        try:
            fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.close()
            raise UsageError(
                f"{outdir} is being written by another planocr run; wait for it or use another -o"
            ) from None
        self.repaired = self._cut_torn_tail()
        self.damaged: list[int] = []
        self.entries = self._read()

    def _cut_torn_tail(self) -> bool:
        """A line without its newline was being appended when a run was killed: drop it."""
        data = self.path.read_bytes()
        if not data or data.endswith(b"\n"):
            return False
        os.truncate(self.path, data.rfind(b"\n") + 1)
        return True

    def _read(self) -> list[dict]:
        entries = []
        for number, entry in parse_lines(self.path.read_bytes()):
            if entry is None:
                self.damaged.append(number)  # not ours or damaged by hand: ignored, never rewritten
            else:
                entries.append(entry)
        return entries

    def append(self, entry: dict) -> None:
        """Append one line and fsync it. On failure (disk full…) the file is cut back to where it was, so no
        torn line stays, and OutputError is raised."""
        data = encode_entry(entry)
        fd = self.handle.fileno()
        size = os.fstat(fd).st_size
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except OSError as err:
            try:
                os.ftruncate(fd, size)
            except OSError:
                pass  # the next run cuts a torn last line
            raise OutputError(f"cannot append to the manifest: {err.strerror or err}", path=str(self.path)) from None

    def close(self) -> None:
        self.handle.close()  # releases the lock

    def completed(self) -> dict[tuple[str, str], dict]:
        """(sha256, output) → the last ok entry. Only the last one describes the record on disk (a run with
        other options rewrites it), so whether its pipeline matches is decided on that one."""
        done: dict[tuple[str, str], dict] = {}
        for entry in self.entries:
            sha, output = text_field(entry, "sha256"), text_field(entry, "output")
            if entry.get("status") == "ok" and sha and output:
                done[(sha, output)] = entry
        return done

    def owners(self) -> dict[str, tuple[str, str]]:
        """Record name (without .json) → (resolved input, sha256) of the input that holds it."""
        owners: dict[str, tuple[str, str]] = {}
        for entry in self.entries:
            output, resolved = text_field(entry, "output"), text_field(entry, "resolved")
            if entry.get("status") in ("ok", "skipped") and output and resolved:
                owners[Path(output).stem] = (resolved, text_field(entry, "sha256") or "")
        return owners


def remove_leftover_temp_files(outdir: Path) -> int:
    """Temp files a killed run left behind (only ours: ``.planocr-<random>.tmp``, and the
    ``.<name>.json.<random>.tmp`` of planocr 0.3.0 and earlier, with .tsv, .pdf and .alto.xml)."""
    removed = 0
    old = (".*.json.*.tmp", ".*.tsv.*.tmp", ".*.pdf.*.tmp", ".*.alto.xml.*.tmp")
    for pattern in (f"{TEMP_PREFIX}*{TEMP_SUFFIX}", *old):
        for tmp in outdir.glob(pattern):
            tmp.unlink(missing_ok=True)
            removed += 1
    return removed
