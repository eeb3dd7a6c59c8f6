"""The archive outputs of a batch (`planocr run --pdf --alto`): written beside the record, before it, each
atomically (a temp file in OUTDIR, fsynced, renamed), and noted in the record's ``outputs``.

An output that cannot be made (a page PDF/A cannot hold, a broken image, a library error) fails alone: the
record gets a warning saying why and ``outputs`` stays null for it; the record itself is always written.
``--resume`` redoes a document whose record lacks an output that was asked for (or whose file is gone).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from ..files import TEMP_PREFIX, TEMP_SUFFIX, current_umask
from ..model import Document, Outputs
from ..options import Options


def source_files(path: Path) -> list[Path]:
    """The input files of a document: the file itself, or a page folder's images in page order."""
    if path.is_dir():
        from ..load.folder import folder_files

        return folder_files(path)
    return [path]


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A binary temp file beside ``path`` (named like write_atomic's, short whatever the name, so a killed run's
    leftovers are cleaned up), fsynced and renamed into place when the block succeeds, removed when it fails."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
    try:
        os.fchmod(fd, 0o666 & ~current_umask())
        with os.fdopen(fd, "w+b") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_archive_outputs(document: Document, path: Path, outdir: Path, name: str, options: Options) -> Document:
    """Write the outputs ``options`` asks for; returns the document with ``outputs`` (and any warnings) set."""
    if not (options.pdf or options.alto):
        return document
    from .alto import alto_bytes, needs_alto
    from .pdf import ArchiveOutputError, needs_pdf, write_pdf

    outputs = Outputs()
    warnings: list[str] = []

    def attempt(kind: str, file_name: str, write: Callable[[BinaryIO], object]) -> str | None:
        try:
            with atomic_file(outdir / file_name) as handle:
                write(handle)
        except ArchiveOutputError as err:
            warnings.append(f"{kind} not written: {err}")
            return None
        except Exception as err:  # a library failing on one document must not cost the record
            warnings.append(f"{kind} not written: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}")
            return None
        return file_name

    if options.pdf and needs_pdf(document):
        sources = source_files(path)
        outputs.pdf = attempt("pdf", f"{name}.pdf", lambda handle: write_pdf(document, sources, handle))
    if options.alto and needs_alto(document):
        outputs.alto = attempt("alto", f"{name}.alto.xml", lambda handle: handle.write(alto_bytes(document)))
    update: dict = {"outputs": outputs if (outputs.pdf or outputs.alto) else None}
    if warnings:
        update["warnings"] = [*document.warnings, *warnings]
        update["needs_review"] = True
    return document.model_copy(update=update)


def write_archive_outcome(outcome, outdir: Path, options: Options) -> None:
    """The batch's hook: a document that went through (``DocOutcome`` ok) gets its outputs, and the seconds
    they took as the ``archive`` and ``archive_cpu`` timings (in its manifest line and the run's --log-json
    summary)."""
    if not (options.pdf or options.alto) or outcome.status != "ok" or outcome.document is None:
        return
    started, cpu_started = time.perf_counter(), time.process_time()
    outcome.document = write_archive_outputs(outcome.document, outcome.path, outdir, outcome.name, options)
    outcome.timings["archive"] = time.perf_counter() - started
    outcome.timings["archive_cpu"] = time.process_time() - cpu_started


def outputs_present(record_path: Path, options: Options) -> bool:
    """Whether a record on disk has every output ``options`` asks for, and their files exist (--resume)."""
    if not (options.pdf or options.alto):
        return True
    from .alto import needs_alto
    from .pdf import needs_pdf

    try:
        document = Document.model_validate_json(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    outputs = document.outputs or Outputs()
    outdir = record_path.parent
    if options.pdf and needs_pdf(document) and not (outputs.pdf and (outdir / outputs.pdf).is_file()):
        return False
    if options.alto and needs_alto(document) and not (outputs.alto and (outdir / outputs.alto).is_file()):
        return False
    return True
