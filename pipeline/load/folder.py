"""Folders of page images as one document (`planocr run --group folder`): phones and scanners often give one
image per page, so a folder `cv-1906/` holding `trang-1.jpg … trang-12.jpg` is one document.

A folder qualifies when its own files (hidden ones left out; subfolders are looked at on their own) are all
page images and there is at least one. Its pages are its files in natural order (``trang-2`` before
``trang-10``), each frame of a multi-page TIFF a page. Its content hash is one SHA-256 over the files' names
and hashes, so adding, removing, renaming or changing any page changes it (and ``--resume`` redoes the folder).
"""

from __future__ import annotations

import hashlib
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from ..errors import MissingInputError, UnreadableInputError
from .page import IMAGE_SUFFIXES


def natural_key(name: str) -> tuple:
    """Sort key that reads digit runs as numbers: trang-2 < trang-10; ties broken by the plain name."""
    parts = re.split(r"(\d+)", name.casefold())
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p != ""), name


def folder_files(folder: Path) -> list[Path]:
    """The folder's own files (not hidden), in natural order."""
    files = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]
    return sorted(files, key=lambda p: natural_key(p.name))


def is_page_folder(folder: Path) -> bool:
    """A folder whose files are all page images (at least one)."""
    if not folder.is_dir():
        return False
    try:
        files = folder_files(folder)
    except OSError:
        return False
    return bool(files) and all(p.suffix.lower() in IMAGE_SUFFIXES for p in files)


def input_stem(path: Path) -> str:
    """The output name's base: a file's stem, a folder's whole name (``cv-1906.v2`` keeps its dot)."""
    return path.name if path.is_dir() else path.stem


def folder_sha256(folder: Path) -> str:
    """One SHA-256 over ``name<TAB>sha256`` lines of the folder's files in page order."""
    digest = hashlib.sha256()
    for file in folder_files(folder):
        with file.open("rb") as handle:
            file_sha = hashlib.file_digest(handle, "sha256").hexdigest()
        digest.update(f"{file.name}\t{file_sha}\n".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class FolderPage:
    file: Path
    frame: int  # 1-based frame of a multi-page TIFF; 1 otherwise
    frames: int


def frame_count(path: Path) -> int:
    """Frames of one page image, from its header; an unreadable file counts as one page (which then fails on
    its own when it is loaded, so one bad page does not cost the document)."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path) as image:
                return max(1, int(getattr(image, "n_frames", 1)))
    except Exception:
        return 1


def folder_pages(folder: Path) -> list[FolderPage]:
    if not folder.is_dir():
        raise MissingInputError("no such folder", path=str(folder))
    pages: list[FolderPage] = []
    for file in folder_files(folder):
        frames = frame_count(file)
        pages.extend(FolderPage(file=file, frame=n, frames=frames) for n in range(1, frames + 1))
    if not pages:
        raise UnreadableInputError("folder holds no page images", path=str(folder))
    return pages


def folder_page(folder: Path, number: int) -> FolderPage:
    pages = folder_pages(folder)
    if not 1 <= number <= len(pages):
        raise UnreadableInputError(f"folder has no page {number}", path=str(folder))
    return pages[number - 1]


def page_source(page: FolderPage) -> str:
    """How a folder page was obtained, for the page's ``steps``: which file (and frame) it is."""
    return f"load:folder-page:{page.file.name}" + (f"#{page.frame}" if page.frames > 1 else "")
