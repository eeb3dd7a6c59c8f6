"""Writing outputs atomically: a temp file in the same folder, fsynced, renamed into place, so a reader
(or a rerun after a crash) never sees a partial file."""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: str) -> None:
    """Write to a temp file in the same folder, fsync, rename: readers never see a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~current_umask())  # mkstemp makes 0600; records are ordinary files
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@functools.lru_cache(maxsize=1)
def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def fsync_dir(path: Path) -> None:
    """Make renames in ``path`` durable (a rename lives in the directory's metadata)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
