"""Running Tesseract on one page: version and language checks, the page handed over through a memfd,
one OpenMP thread, a time limit, and the TSV it writes."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import resource
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import DependencyError, PageTimeoutError, PlanocrError
from ..options import Options

INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-vie"


DEFAULT_PSM = 3


def limit_tesseract_threads() -> None:
    """One OpenMP thread per Tesseract: measured 3.7 s/page vs 7.2 s with default threading on 2 cores,
    and parallelism comes from running pages in separate processes instead."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@functools.lru_cache(maxsize=8)
def check_tesseract(lang: str = "vie") -> str:
    """Tesseract's version, after checking that it runs and has every language in ``lang``."""
    try:
        proc = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, timeout=30)
        langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        raise DependencyError(f"tesseract is not installed; {INSTALL_HINT}") from None
    except subprocess.TimeoutExpired:
        raise DependencyError("tesseract does not answer (--version timed out)") from None
    output = (proc.stdout or proc.stderr).strip()
    if proc.returncode != 0 or not output.startswith("tesseract"):
        raise DependencyError(f"tesseract does not run ({output[:120]!r}); {INSTALL_HINT}")
    version = output.splitlines()[0].split()[-1]
    available = {line.strip() for line in langs.stdout.splitlines()[1:] if line.strip()}
    missing = [code for code in lang.split("+") if code and code not in available]
    if missing:
        hint = INSTALL_HINT if missing != ["Vietnamese"] else "apt-get install tesseract-ocr-script-viet"
        raise DependencyError(f"Tesseract language data missing: {', '.join(missing)}; {hint}")
    return version


@functools.lru_cache(maxsize=4)
def tessdata_dir() -> Path | None:
    """The folder Tesseract loads its language data from (it names it in ``--list-langs``; it follows
    TESSDATA_PREFIX when that is set)."""
    try:
        out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'"([^"]+)"', out.splitlines()[0] if out else "")
    return Path(match.group(1)) if match else None


@dataclass(frozen=True)
class TesseractRun:
    """Tesseract's TSV for one page and where the time went: ``seconds`` is the Tesseract process alone
    (start to exit: model load, recognition, layout), ``cpu_seconds`` the CPU it used, ``encode_seconds``
    the Python side of handing it the image."""

    tsv: str
    seconds: float
    cpu_seconds: float | None
    encode_seconds: float


def encode_pnm(image: np.ndarray) -> bytes:
    """The page as binary PGM (grey) or PPM (colour): a header and the raw pixels, which Tesseract reads
    (see page_file_for_tesseract). Encoding a 300-DPI page as PNG instead (what pytesseract does) cost 1.5 s of CPU per
    page, 40% of Tesseract's own time on the page; this costs ~10 ms and gives Tesseract the same pixels
    (the same TSV, byte for byte)."""
    if image.dtype != np.uint8:
        raise ValueError(f"page image must be uint8, not {image.dtype}")
    if image.ndim == 2:
        height, width = image.shape
        return b"P5\n%d %d\n255\n" % (width, height) + np.ascontiguousarray(image).tobytes()
    if image.ndim == 3 and image.shape[2] in (3, 4):
        rgb = image[:, :, 2::-1]  # BGR(A) -> RGB
        height, width = rgb.shape[:2]
        return b"P6\n%d %d\n255\n" % (width, height) + np.ascontiguousarray(rgb).tobytes()
    raise ValueError(f"page image must be grey or BGR, not shape {image.shape}")


@functools.lru_cache(maxsize=1)
def die_with_caller() -> list[str]:
    """A prefix that makes Tesseract receive SIGKILL when the process that started it dies (util-linux's
    setpriv sets the parent-death signal, which survives the exec): a worker killed from outside (a Ray
    task cancelled at its deadline, a pool worker past its hard limit) takes its Tesseract with it instead
    of leaving it running unsupervised. Empty where setpriv is missing."""
    import shutil

    return ["setpriv", "--pdeathsig", "KILL"] if shutil.which("setpriv") else []


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_tesseract(image: np.ndarray, options: Options, psm: int = DEFAULT_PSM) -> TesseractRun:
    """Tesseract's TSV for one page image (uint8 grayscale/binary or BGR), by running the tesseract
    binary on the image handed over in memory (no temp files, so a killed page leaves nothing behind)."""
    limit_tesseract_threads()
    started = time.perf_counter()
    with page_file_for_tesseract(encode_pnm(image)) as (source, data, pass_fds):
        encode_seconds = time.perf_counter() - started
        command = die_with_caller() + ["tesseract", source, "stdout", "-l", options.lang, "--psm", str(psm), "tsv"]
        cpu_before = children_cpu_seconds()
        started = time.perf_counter()
        try:
            proc = subprocess.Popen(
                command,
                stdin=subprocess.PIPE if data is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                pass_fds=pass_fds,
            )
        except FileNotFoundError:
            raise DependencyError(f"tesseract is not installed; {INSTALL_HINT}") from None
        return finish_tesseract(proc, data, options, started, cpu_before, encode_seconds)


@contextlib.contextmanager
def page_file_for_tesseract(pnm: bytes) -> Iterator[tuple[str, bytes | None, tuple[int, ...]]]:
    """Where Tesseract reads the page from: (its input argument, the bytes to pipe to its stdin or None,
    the file descriptors it inherits). An anonymous in-memory file (memfd) that Tesseract opens as
    /dev/fd/N: one write of the page (~5 ms), gone when the last descriptor closes, even after a kill.
    Where memfd is missing, the page is piped to stdin, which costs the caller ~25 ms of CPU per page in
    communicate()'s 4 KB write loop, and puts that hand-over inside Tesseract's timed window."""
    create = getattr(os, "memfd_create", None)
    if create is None or not Path("/dev/fd").is_dir():
        yield "stdin", pnm, ()
        return
    fd = create("planocr-page.pnm", os.MFD_CLOEXEC)
    try:
        view = memoryview(pnm)
        while view:
            view = view[os.write(fd, view) :]
        os.lseek(fd, 0, os.SEEK_SET)
        yield f"/dev/fd/{fd}", None, (fd,)
    finally:
        os.close(fd)


def finish_tesseract(
    proc: subprocess.Popen,
    data: bytes | None,
    options: Options,
    started: float,
    cpu_before: float,
    encode_seconds: float,
) -> TesseractRun:
    try:
        out, err = proc.communicate(data, timeout=options.page_timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise PageTimeoutError(
            f"Tesseract took longer than {options.page_timeout:g} s on this page "
            "(raise --page-timeout for very dense pages)"
        ) from None
    except BaseException:
        proc.kill()  # interrupted: never leave a Tesseract running
        proc.wait()
        raise
    seconds = time.perf_counter() - started
    cpu = children_cpu_seconds() - cpu_before  # only this child ran (a page runs one Tesseract at a time)
    if proc.returncode != 0:
        message = err.decode("utf-8", errors="replace")
        if "Failed loading language" in message or "Error opening data file" in message:
            raise DependencyError(f"Tesseract language data for {options.lang!r} is missing; {INSTALL_HINT}")
        detail = " ".join(message.split())[:200] or f"exit status {proc.returncode}"
        raise PlanocrError(f"Tesseract failed: {detail}")
    return TesseractRun(
        tsv=out.decode("utf-8", errors="replace"),
        seconds=seconds,
        cpu_seconds=cpu if cpu >= 0 else None,
        encode_seconds=encode_seconds,
    )
