"""Inputs and output names: folders walked into entries (every one accounted for), one unique record name per
input that fits the file system."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from ..document import sha256_file
from ..errors import UnreadableInputError, UnsupportedInputError
from ..load.folder import input_stem, is_page_folder

# Bytes a record's name leaves for the suffixes of its files ('.json', '.tsv', and room for longer ones such as
# '.alto.xml'): a stem longer than the file system's limit minus this is shortened.
RESERVED_SUFFIX_BYTES = 16
TAG_LENGTH = 8  # hex digits of the content (or path) hash that keeps a shortened or shared name unique


def expand_inputs(paths: list[Path], *, exclude: Path | None = None, group: str = "file") -> list[Path]:
    """Files as given; folders walked recursively in sorted order. Every entry found is an input, so each one
    gets its manifest line: unsupported files, broken links, links to folders (not followed), FIFOs, sockets and
    devices are reported by ``check_entry``, and a folder that cannot be listed is itself an input (reported as
    unreadable). Left out: hidden entries (names starting with '.') and anything inside ``exclude`` (the output
    folder). With ``group="folder"``, files found in a folder whose files are all page images become that
    folder, one input."""
    found: list[Path] = []
    seen: set[Path] = set()
    excluded = resolved(exclude) if exclude is not None else None
    for path in paths:
        candidates = walk(path) if path.is_dir() else [path]  # missing files are reported by the document stage
        for candidate in candidates:
            where = resolved(candidate)
            if excluded is not None and path.is_dir() and where.is_relative_to(excluded):
                continue
            if where in seen:
                continue
            seen.add(where)
            found.append(candidate)
    return group_page_folders(found, paths) if group == "folder" else found


def group_page_folders(found: list[Path], given: list[Path]) -> list[Path]:
    """Files walked into (not files named on the command line) that lie in a page-image folder are replaced
    by the folder, at its first file's place."""
    named = {resolved(p) for p in given if not p.is_dir()}
    folders: dict[Path, bool] = {}
    result: list[Path] = []
    placed: set[Path] = set()
    for path in found:
        folder = path.parent
        if resolved(path) not in named:
            if folder not in folders:
                folders[folder] = is_page_folder(folder)
            if folders[folder]:
                if resolved(folder) not in placed:
                    placed.add(resolved(folder))
                    result.append(folder)
                continue
        result.append(path)
    return result


def walk(folder: Path) -> list[Path]:
    """Every entry under ``folder`` that is not a folder (links are not followed), sorted by path; a folder that
    cannot be listed stands for its contents."""
    found: list[Path] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as scan:
                entries = list(scan)
        except OSError:
            found.append(current)
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_folder = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_folder = False
            (pending if is_folder else found).append(current / entry.name)
    return sorted(found, key=lambda p: p.as_posix())


def resolved(path: Path) -> Path:
    """``path.resolve()``, or the absolute path when links loop (resolve raises on a loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


SPECIAL_FILES = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def check_entry(path: Path) -> None:
    """Refuse, with a reason, an entry that is not a regular file (or a link to one) before anything opens it:
    opening a FIFO would block the batch. A missing path is left to the document stage (category missing)."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    except OSError as err:
        raise UnreadableInputError(f"cannot be examined: {err.strerror or err}", path=str(path)) from None
    if stat.S_ISLNK(info.st_mode):
        try:
            info = path.stat()
        except FileNotFoundError:
            target = os.readlink(path)
            raise UnsupportedInputError(
                f"broken symbolic link (its target {target} does not exist)", path=str(path)
            ) from None
        except OSError as err:  # a loop of links
            raise UnsupportedInputError(
                f"symbolic link that cannot be followed: {err.strerror or err}", path=str(path)
            ) from None
        if stat.S_ISDIR(info.st_mode):
            raise UnsupportedInputError(
                "symbolic link to a folder; not followed (give the folder itself)", path=str(path)
            )
    if stat.S_ISDIR(info.st_mode):  # a folder of page images (--group folder), or one that could not be listed
        try:
            with os.scandir(path):
                pass
        except OSError as err:
            raise UnreadableInputError(
                f"folder cannot be read: {err.strerror or err}; its files were not processed", path=str(path)
            ) from None
        return  # the load stage says what it makes of it
    for test, what in SPECIAL_FILES:
        if test(info.st_mode):
            raise UnsupportedInputError(f"{what}, not a regular file", path=str(path))


def content_tag(path: Path) -> str:
    try:
        return sha256_file(path)[:TAG_LENGTH]
    except OSError:
        return path_tag(path)


def path_tag(path: Path) -> str:
    return hashlib.sha256(os.fsencode(resolved(path))).hexdigest()[:TAG_LENGTH]


def clean_stem(path: Path) -> str:
    """The output name's base (a file's name without its suffix, a page folder's whole name), as valid UTF-8
    (bytes that are not UTF-8 become U+FFFD)."""
    try:
        base = input_stem(path)
    except OSError:  # a name too long to stat, a folder that cannot be examined: it is no page folder
        base = path.stem
    return os.fsencode(base).decode("utf-8", "replace")


def fits(stem: str, name_max: int = 255) -> bool:
    """Whether ``<stem>`` plus a record file's suffix fits in a file name of ``name_max`` bytes."""
    return len(stem.encode("utf-8")) <= name_max - RESERVED_SUFFIX_BYTES


def tagged(stem: str, tag: str, name_max: int = 255) -> str:
    """``<stem>-<tag>``, the stem cut (at a character boundary) so the name fits the file system."""
    room = name_max - RESERVED_SUFFIX_BYTES - 1 - len(tag)
    cut = stem.encode("utf-8")[:room].decode("utf-8", "ignore")
    return f"{cut}-{tag}"


def output_names(
    inputs: list[Path], owners: dict[str, tuple[str, str]] | None = None, *, name_max: int = 255
) -> dict[Path, str]:
    """`<stem>` per input. A stem shared by several inputs of the batch, or already used in OUTDIR by another
    input (``owners``: name → (resolved input, sha256) from the manifest), gets a short content hash, so no
    record overwrites another document's; an input that already owns its plain name in OUTDIR keeps it (so
    adding a namesake later does not rename earlier records). A stem too long for the file system (``name_max``
    bytes, with room for the files' suffixes) is cut and gets the content hash too. Two inputs that would still
    meet (the same content under one name) are told apart by a hash of their path. The same inputs and manifest
    give the same names whatever --jobs is."""
    owners = owners or {}
    stems: dict[str, list[Path]] = {}
    for path in inputs:
        stems.setdefault(clean_stem(path), []).append(path)
    names: dict[Path, str] = {}
    for stem, group in stems.items():
        owner = owners.get(stem)
        holder = next((p for p in group if owns(owner, p)), None) if owner else None
        for path in group:
            plain = (path is holder if owner else len(group) == 1) and fits(stem, name_max)
            names[path] = stem if plain else tagged(stem, content_tag(path), name_max)
    taken: set[str] = set()
    for path in inputs:
        if names[path] in taken:
            names[path] = tagged(clean_stem(path), path_tag(path), name_max)
        taken.add(names[path])
    return names


def owns(owner: tuple[str, str], path: Path) -> bool:
    """Whether the manifest's holder of a name is this input (same path, or the same content moved)."""
    owner_path, owner_sha = owner
    if owner_path == str(resolved(path)):
        return True
    try:
        return owner_sha == sha256_file(path)
    except OSError:
        return False
