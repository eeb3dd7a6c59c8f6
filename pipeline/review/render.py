"""Page images for the review page: a page of the source, drawn by the project's load stage (the same raster
the word boxes were measured on), scaled down for the browser and cached as JPEG under
``OUTDIR/.review-cache/``. The cache file is named by the source's SHA-256 and the page number only; the
source path comes from the manifest, never from a request, and a source whose bytes no longer match the
record is not drawn (its boxes would be wrong)."""

from __future__ import annotations

import functools
import os
import tempfile
import threading
from pathlib import Path

from ..document import sha256_file
from ..model import Document

CACHE = ".review-cache"
MAX_WIDTH = 1600  # pixels of the cached image; boxes are scaled in the browser (the SVG's viewBox is the page size)
JPEG_QUALITY = 82


class NoImage(Exception):
    """Why a page has no image to show (text input, source moved or changed, page not rendered)."""


_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def page_image(outdir: Path, source: Path | None, doc: Document, number: int) -> bytes:
    """JPEG bytes of page ``number`` of the record's source, from the cache or drawn now."""
    if doc.source.kind == "text":
        raise NoImage("a text input has no page image")
    if not any(p.number == number for p in doc.pages) or not 1 <= number <= doc.source.pages:
        raise NoImage(f"no page {number}")
    cached = outdir / CACHE / f"{doc.source.sha256[:32]}-{number}.jpg"
    if cached.is_file():
        return cached.read_bytes()
    with _lock_for(str(cached)):
        if cached.is_file():
            return cached.read_bytes()
        if source is None or not source.is_file():
            raise NoImage(f"the source file is not where the run read it ({source})")
        if source_digest(source) != doc.source.sha256:
            raise NoImage(f"the source file changed since the run ({source.name}); its page is not shown")
        data = draw(source, doc.source.kind, number)
        cached.parent.mkdir(exist_ok=True)
        write_bytes_atomic(cached, data)
        return data


def draw(source: Path, kind: str, number: int) -> bytes:
    import cv2

    from ..load import load_page
    from ..options import Options

    page = load_page(source, kind, number, Options(jobs=1, force_ocr=True))  # type: ignore[arg-type]
    image = page.image
    if image is None:
        raise NoImage(f"page {number} has no image")
    height, width = image.shape[:2]
    if width > MAX_WIDTH:
        scale = MAX_WIDTH / width
        image = cv2.resize(image, (MAX_WIDTH, max(1, round(height * scale))), interpolation=cv2.INTER_AREA)
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise NoImage(f"page {number} could not be encoded")
    return encoded.tobytes()


def source_digest(path: Path) -> str:
    stat = path.stat()
    return _digest(path, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=256)
def _digest(path: Path, size: int, mtime_ns: int) -> str:
    return sha256_file(path)


def _lock_for(key: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


def write_bytes_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
