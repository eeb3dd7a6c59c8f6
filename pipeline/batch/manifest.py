"""OUTDIR/manifest.jsonl, the batch's commit log: one fsynced line per input, read back by --resume."""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

from ..errors import UsageError

MANIFEST = "manifest.jsonl"


class Manifest:
    """OUTDIR/manifest.jsonl, locked for the run; read at start (for --resume and names), appended
    one fsynced line per input."""

    def __init__(self, outdir: Path):
        self.path = outdir / MANIFEST
        self.handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.close()
            raise UsageError(
                f"{outdir} is being written by another planocr run; wait for it or use another -o"
            ) from None
        self.repaired = self._cut_torn_tail()
        self.entries = self._read()

    def _cut_torn_tail(self) -> bool:
        """A line without its newline was being appended when a run was killed: drop it."""
        size = self.path.stat().st_size
        if size == 0:
            return False
        with self.path.open("rb") as raw:
            data = raw.read()
        if data.endswith(b"\n"):
            return False
        keep = data.rfind(b"\n") + 1
        os.truncate(self.path, keep)
        return True

    def _read(self) -> list[dict]:
        entries = []
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    entries.append(json.loads(line))
                except json.JSONDecodeError:
                    continue  # not ours or damaged by hand: ignored, never rewritten
        return entries

    def append(self, entry: dict) -> None:
        self.handle.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
        self.handle.flush()
        os.fsync(self.handle.fileno())

    def close(self) -> None:
        self.handle.close()  # releases the lock

    def completed(self) -> dict[tuple[str, str], dict]:
        """(sha256, output) → the last ok entry. Only the last one describes the record on disk (a run
        with other options rewrites it), so whether its pipeline matches is decided on that one."""
        done: dict[tuple[str, str], dict] = {}
        for entry in self.entries:
            if entry.get("status") == "ok" and entry.get("sha256") and entry.get("output"):
                done[(entry["sha256"], entry["output"])] = entry
        return done

    def owners(self) -> dict[str, tuple[str, str]]:
        owners: dict[str, tuple[str, str]] = {}
        for entry in self.entries:
            if entry.get("status") in ("ok", "skipped") and entry.get("output") and entry.get("resolved"):
                owners[Path(entry["output"]).stem] = (entry["resolved"], entry.get("sha256") or "")
        return owners


def remove_leftover_temp_files(outdir: Path) -> int:
    """Temp files write_atomic left behind when a run was killed (only ours: `.<name>.json.<random>.tmp`
    and the same for `.tsv`, `.pdf` and `.alto.xml`)."""
    removed = 0
    for pattern in (".*.json.*.tmp", ".*.tsv.*.tmp", ".*.pdf.*.tmp", ".*.alto.xml.*.tmp"):
        for tmp in outdir.glob(pattern):
            tmp.unlink(missing_ok=True)
            removed += 1
    return removed
