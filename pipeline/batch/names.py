"""Inputs and output names: folders walked into files, one unique record name per input."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..document import sha256_file
from ..load.folder import input_stem, is_page_folder


def expand_inputs(paths: list[Path], *, exclude: Path | None = None, group: str = "file") -> list[Path]:
    """Files as given; folders walked recursively in sorted order. Every file found is an input —
    unsupported ones too, so they are reported rather than silently left out — except hidden files
    (names starting with '.') and anything inside ``exclude`` (the output folder). With ``group="folder"``,
    files found in a folder whose files are all page images become that folder, one input."""
    found: list[Path] = []
    seen: set[Path] = set()
    excluded = exclude.resolve() if exclude is not None else None
    for path in paths:
        if path.is_dir():
            candidates = sorted((p for p in path.rglob("*") if p.is_file()), key=lambda p: p.as_posix())
            candidates = [p for p in candidates if not any(part.startswith(".") for part in p.relative_to(path).parts)]
        else:
            candidates = [path]  # missing or unsupported files are reported by the document stage
        for candidate in candidates:
            resolved = candidate.resolve()
            if excluded is not None and path.is_dir() and resolved.is_relative_to(excluded):
                continue
            if resolved in seen:
                continue
            seen.add(resolved)
            found.append(candidate)
    return group_page_folders(found, paths) if group == "folder" else found


def group_page_folders(found: list[Path], given: list[Path]) -> list[Path]:
    """Files walked into (not files named on the command line) that lie in a page-image folder are replaced
    by the folder, at its first file's place."""
    named = {p.resolve() for p in given if not p.is_dir()}
    folders: dict[Path, bool] = {}
    result: list[Path] = []
    placed: set[Path] = set()
    for path in found:
        folder = path.parent
        if path.resolve() not in named:
            if folder not in folders:
                folders[folder] = is_page_folder(folder)
            if folders[folder]:
                if folder.resolve() not in placed:
                    placed.add(folder.resolve())
                    result.append(folder)
                continue
        result.append(path)
    return result


def content_tag(path: Path) -> str:
    try:
        return sha256_file(path)[:8]
    except OSError:
        return hashlib.sha256(str(path).encode()).hexdigest()[:8]


def output_names(inputs: list[Path], owners: dict[str, tuple[str, str]] | None = None) -> dict[Path, str]:
    """`<stem>` per input. A stem shared by several inputs of the batch, or already used in OUTDIR by
    another input (``owners``: name → (resolved input, sha256) from the manifest), gets a short
    content hash, so no record overwrites another document's; an input that already owns its plain
    name in OUTDIR keeps it (so adding a namesake later does not rename earlier records). The same
    inputs and manifest give the same names whatever --jobs is."""
    owners = owners or {}
    stems: dict[str, list[Path]] = {}
    for path in inputs:
        stems.setdefault(input_stem(path), []).append(path)
    names: dict[Path, str] = {}
    for stem, group in stems.items():
        owner = owners.get(stem)
        holder = next((p for p in group if owns(owner, p)), None) if owner else None
        for path in group:
            plain = path is holder if owner else len(group) == 1
            names[path] = stem if plain else f"{stem}-{content_tag(path)}"
    return names


def owns(owner: tuple[str, str], path: Path) -> bool:
    """Whether the manifest's holder of a name is this input (same path, or the same content moved)."""
    owner_path, owner_sha = owner
    if owner_path == str(path.resolve()):
        return True
    try:
        return owner_sha == sha256_file(path)
    except OSError:
        return False
