"""Writing outputs atomically: temp files in the target's folder, fsynced, renamed into place, so a reader (or a
rerun after a crash) never sees a partial file.

Temp files have short names of their own (``.planocr-<random>.tmp``), not the target's name with a prefix and
a suffix: a target whose name is near the file system's limit (255 bytes) must still get a temp file.
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

TEMP_PREFIX = ".planocr-"
TEMP_SUFFIX = ".tmp"


def write_atomic(path: Path, data: str) -> None:
    """Write one file: a temp file in the same folder, fsync, rename."""
    write_files_atomic([(path, data)])


def write_files_atomic(files: list[tuple[Path, str]]) -> None:
    """Write several files as one: every temp file is written and fsynced before any is renamed into place, so
    a failure (disk full, read-only folder) leaves the previous files as they were and no temp file behind."""
    temps: list[Path] = []
    try:
        for path, data in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
            temps.append(Path(tmp_name))
            os.fchmod(fd, 0o666 & ~current_umask())  # mkstemp makes 0600; records are ordinary files
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        for tmp, (path, _) in zip(temps, files):
            os.replace(tmp, path)
    except BaseException:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
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


def name_max(folder: Path) -> int:
    """The longest file name (in bytes) the file system under ``folder`` allows; 255 when it does not say."""
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError):
        return 255
