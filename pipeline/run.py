"""Batch driver for `planocr run`: expand inputs, hand documents to an executor, write each record
atomically and append one manifest line per input. One bad input never stops the batch.

Crash safety, the rules (see also README "Resume"):
- A record is written to a temp file in OUTDIR, fsynced and renamed into place; its manifest line is
  appended (and fsynced) only after that. The manifest is the commit log: a document counts as done
  only when an "ok" line for it is in the manifest.
- So after a kill at any moment: a record without its manifest line is simply redone by --resume
  (the record is deterministic, so it is rewritten with the same bytes) and gets its one "ok" line;
  a torn last manifest line (killed mid-append) is cut off at start; leftover ``.*.tmp`` files are
  removed at start. Records never contain timestamps; run times are in the manifest.
- --resume skips an input (a "skipped" line, so every input of every run is accounted for) when the
  manifest's last "ok" line for it has the same sha256, the same pipeline (planocr version, options
  fingerprint, and where used Tesseract's version, the traineddata files' digest and the diacritics
  data digest) and the same output name, and that record exists and parses with the same sha256.
- One run at a time per OUTDIR: the manifest is locked (flock) for the whole run.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import os
import shutil
import signal
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .document import plan_document, sha256_file
from .errors import DependencyError, PlanocrError, UsageError
from .executor import DocJob, DocOutcome, failed_outcome, make_executor
from .load import detect_kind
from .load.page import IMAGE_SUFFIXES, PDF_SUFFIXES
from .options import Options
from .progress import Reporter, utc_now

MANIFEST = "manifest.jsonl"


@dataclass
class BatchSummary:
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    pages: int = 0  # pages of the documents written in this run
    pages_processed: int = 0  # pages that went through the page stages in this run
    seconds: float = 0.0
    confidences: list[float] = field(default_factory=list)
    needs_review: int = 0
    interrupted: bool = False
    errors: list[str] = field(default_factory=list)
    categories: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def pages_per_minute(self) -> float:
        return 60.0 * self.pages_processed / self.seconds if self.seconds > 0 else 0.0

    @property
    def mean_confidence(self) -> float | None:
        return round(sum(self.confidences) / len(self.confidences), 4) if self.confidences else None

    def as_dict(self) -> dict:
        return {"ok": self.ok, "failed": self.failed, "skipped": self.skipped, "pages": self.pages,
                "pages_processed": self.pages_processed, "seconds": round(self.seconds, 3),
                "pages_per_minute": round(self.pages_per_minute, 1), "mean_confidence": self.mean_confidence,
                "needs_review": self.needs_review, "failure_categories": dict(sorted(self.categories.items())),
                "interrupted": self.interrupted, "timings": {k: round(v, 3) for k, v in sorted(self.timings.items())}}

    def one_line(self) -> str:
        conf = f"{self.mean_confidence:.2f}" if self.mean_confidence is not None else "n/a"
        cats = ", ".join(f"{k} {v}" for k, v in sorted(self.categories.items()))
        head = "planocr: interrupted; " if self.interrupted else "planocr: "
        return (f"{head}{self.ok} ok, {self.failed} failed{f' ({cats})' if cats else ''}, {self.skipped} skipped; "
                f"{self.pages} pages ({self.pages_processed} processed) in {self.seconds:.1f} s, "
                f"{self.pages_per_minute:.1f} pages/min; mean confidence {conf}; {self.needs_review} need review")


# --- inputs and names -----------------------------------------------------------------------------

def expand_inputs(paths: list[Path], *, exclude: Path | None = None) -> list[Path]:
    """Files as given; folders walked recursively in sorted order. Every file found is an input —
    unsupported ones too, so they are reported rather than silently left out — except hidden files
    (names starting with '.') and anything inside ``exclude`` (the output folder)."""
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
    return found


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
        stems.setdefault(path.stem, []).append(path)
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


# --- files ----------------------------------------------------------------------------------------

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


def remove_leftover_temp_files(outdir: Path) -> int:
    """Temp files write_atomic left behind when a run was killed (only ours: `.<name>.json.<random>.tmp`
    and the same for `.tsv`)."""
    removed = 0
    for pattern in (".*.json.*.tmp", ".*.tsv.*.tmp"):
        for tmp in outdir.glob(pattern):
            tmp.unlink(missing_ok=True)
            removed += 1
    return removed


def merge_tsv(results) -> str | None:
    """The pages' Tesseract TSVs as one table with the document's page number in ``page_num``."""
    header = None
    rows: list[str] = []
    for result in sorted(results, key=lambda r: r.page.number):
        if not result.tsv:
            continue
        lines = result.tsv.rstrip("\n").split("\n")
        columns = lines[0].split("\t")
        if header is None:
            header = lines[0] if "page_num" in columns else "page_num\t" + lines[0]
        page_col = columns.index("page_num") if "page_num" in columns else None
        for line in lines[1:]:
            cells = line.split("\t")
            if page_col is not None and page_col < len(cells):
                cells[page_col] = str(result.page.number)
            elif page_col is None:
                cells.insert(0, str(result.page.number))
            rows.append("\t".join(cells))
    if header is None:
        return None
    return "\n".join([header, *rows]) + "\n"


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
            raise UsageError(f"{outdir} is being written by another planocr run; wait for it or use another -o") from None
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


def record_is_valid(path: Path, sha256: str) -> bool:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(record, dict) and (record.get("source") or {}).get("sha256") == sha256


# --- preflight ------------------------------------------------------------------------------------

def preflight(inputs: list[Path], options: Options) -> None:
    """Stop before anything is read when a tool the batch needs is missing (exit 3)."""
    suffixes = {p.suffix.lower() for p in inputs}
    if suffixes & PDF_SUFFIXES and shutil.which("pdftoppm") is None:
        raise DependencyError("poppler's pdftoppm is not installed (needed for PDFs); apt-get install poppler-utils")
    if suffixes & (PDF_SUFFIXES | IMAGE_SUFFIXES):
        try:
            from .ocr import check_tesseract
        except ImportError:
            check_tesseract = None
        if check_tesseract is not None:
            check_tesseract(options.lang)
        elif shutil.which("tesseract") is None:
            raise DependencyError("tesseract is not installed; apt-get install tesseract-ocr tesseract-ocr-vie")


# --- the batch ------------------------------------------------------------------------------------

def pipeline_id(options: Options, kind: str | None = None) -> dict:
    """What a record depends on besides its input's bytes (the --resume key): planocr's version, the
    options that change a record, and, where they are used, Tesseract's version and language data (for
    PDFs and images; text inputs are never OCR'd, and an input that failed before its kind was known has
    no record) and the restoration tables in diacritics/data. Digests are cached per file (path, size,
    mtime), so a batch hashes the ~8 MB of data once, not per document."""
    key: dict = {"version": __version__, "options": options.fingerprint()}
    if kind in ("pdf", "image"):
        key.update(ocr_identity(options.lang))
    if options.restore:
        key["diacritics_data"] = diacritics_data_digest()
    return key


def ocr_identity(lang: str) -> dict:
    from .ocr import check_tesseract

    try:
        version = check_tesseract(lang)
    except DependencyError:
        version = None  # no OCR possible here; such inputs fail on their own
    return {"tesseract": version, "traineddata": traineddata_digest(lang)}


def traineddata_digest(lang: str, folder: Path | None = None) -> str | None:
    """One digest over the .traineddata files ``lang`` uses (e.g. vie and Vietnamese): a retrained or
    updated model changes what Tesseract reads, so it must change the --resume key. None when the files
    cannot be found (the key then still carries the Tesseract version)."""
    from .ocr import tessdata_dir

    folder = folder or tessdata_dir()
    if folder is None:
        return None
    parts = []
    for code in sorted(c for c in lang.split("+") if c):
        path = folder / f"{code}.traineddata"
        if not path.is_file():
            return None
        parts.append(f"{code}:{file_digest(path)}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def file_digest(path: Path) -> str:
    """``sha256_file``, computed once per process for each (path, size, modification time): the model and
    data files enter every input's --resume key, and are tens of MB."""
    stat = path.stat()
    return _cached_sha256(path.resolve(), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _cached_sha256(path: Path, size: int, mtime_ns: int) -> str:
    return sha256_file(path)


def diacritics_data_digest(folder: Path | None = None) -> str | None:
    """One digest over the restoration library's data files (documentation files left out)."""
    if folder is None:
        import importlib.util

        spec = importlib.util.find_spec("diacritics")
        if spec is None or not spec.submodule_search_locations:
            return None
        folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    if not folder.is_dir():
        return None
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() != ".md" and not p.name.startswith("."))
    digest = hashlib.sha256()
    for path in files:
        digest.update(f"{path.relative_to(folder).as_posix()}:{file_digest(path)}\n".encode())
    return digest.hexdigest()[:16]


class PipelineKeys:
    """The --resume key per input kind (text inputs do not depend on Tesseract), computed once per run."""

    def __init__(self, options: Options):
        self.options = options
        self.by_kind: dict[str | None, dict] = {}
        self.kind_of: dict[int, str] = {}  # input index → kind, as planning found it

    def for_kind(self, kind: str | None) -> dict:
        if kind not in self.by_kind:
            self.by_kind[kind] = pipeline_id(self.options, kind)
        return self.by_kind[kind]

    def for_input(self, index: int) -> dict:
        return self.for_kind(self.kind_of.get(index))


def plan_jobs(inputs: list[Path], names: dict[Path, str], options: Options, done: dict, outdir: Path,
              keys: PipelineKeys | None = None) -> Iterator[DocJob]:
    """Lazily, in input order: hash each input, skip it when --resume finds its record made by the same
    pipeline, else plan it (kind, page count) — corrupt, encrypted, empty and unsupported inputs fail
    here, in the parent, before any worker is involved."""
    keys = keys or PipelineKeys(options)
    for index, path in enumerate(inputs):
        job = DocJob(index=index, path=path, name=names[path])
        started = time.monotonic()
        try:
            kind = detect_kind(path)
            keys.kind_of[index] = kind
            sha = sha256_file(path)
            previous = done.get((sha, f"{job.name}.json")) if options.resume else None
            if previous is not None and previous.get("pipeline") != keys.for_kind(kind):
                previous = None  # made by another version, other options, Tesseract or data: redo
            if previous is not None and record_is_valid(outdir / previous["output"], sha):
                job.outcome = DocOutcome(index=index, path=path, name=job.name, status="skipped", sha256=sha,
                                         pages=previous.get("pages") or 0, output=previous["output"],
                                         extra={k: previous.get(k) for k in ("warnings", "needs_review", "confidence")})
            else:
                job.plan = plan_document(path, options, sha256=sha)
        except Exception as err:  # categorised PlanocrError, or OSError (permissions…), or a bug
            job.outcome = failed_outcome(job, err, time.monotonic() - started)
        yield job


def manifest_entry(outcome: DocOutcome, pipeline: dict, run: str) -> dict:
    entry = {"input": str(outcome.path), "resolved": str(outcome.path.resolve()), "sha256": outcome.sha256,
             "status": outcome.status, "output": outcome.output, "error": outcome.error, "category": outcome.category,
             "pages": outcome.pages, "pages_processed": outcome.pages_processed, "seconds": round(outcome.seconds, 3),
             "pipeline": pipeline, "run": run, "time": utc_now(), "warnings": 0, "needs_review": None, "confidence": None}
    document = outcome.document
    if document is not None:
        confidences = [p.confidence for p in document.pages if p.confidence is not None]
        entry.update(warnings=len(document.warnings), needs_review=document.needs_review,
                     confidence=round(sum(confidences) / len(confidences), 4) if confidences else None,
                     timings={k: round(v, 3) for k, v in sorted(outcome.timings.items())})
    entry.update({k: v for k, v in outcome.extra.items() if v is not None})
    return entry


def write_outcome(outcome: DocOutcome, outdir: Path) -> None:
    """Record files first (atomically), so the manifest line that follows never points at nothing."""
    if outcome.status != "ok" or outcome.document is None:
        return
    tsv = merge_tsv(outcome.results)
    if tsv is not None:
        write_atomic(outdir / f"{outcome.name}.tsv", tsv)
    write_atomic(outdir / f"{outcome.name}.json", outcome.document.to_json())
    fsync_dir(outdir)
    outcome.output = f"{outcome.name}.json"


def account(summary: BatchSummary, outcome: DocOutcome, entry: dict) -> None:
    summary.pages_processed += outcome.pages_processed
    if outcome.status == "ok":
        summary.ok += 1
        summary.pages += outcome.pages
        document = outcome.document
        summary.confidences.extend(p.confidence for p in document.pages if p.confidence is not None)
        summary.needs_review += int(document.needs_review)
        for stage, seconds in outcome.timings.items():
            summary.timings[stage] = summary.timings.get(stage, 0.0) + seconds
    elif outcome.status == "skipped":
        summary.skipped += 1
        summary.needs_review += int(bool(entry.get("needs_review")))
    else:
        summary.failed += 1
        summary.categories[outcome.category or "internal"] = summary.categories.get(outcome.category or "internal", 0) + 1
        summary.errors.append(f"{outcome.path}: {outcome.category}: {outcome.error}")


class StopSignals:
    """Ctrl-C and SIGTERM stop the batch cleanly (a scheduler's SIGTERM as much as a person's Ctrl-C),
    but never between a record's rename and its manifest line: inside ``deferred()`` the stop waits
    until the block is done. (Masking the signal is not enough: CPython may run the Python-level
    handler of a signal that arrived just before the mask, in the middle of the block.)"""

    def __init__(self):
        self.critical = False
        self.pending = False
        self.previous: dict[int, object] = {}

    def __enter__(self) -> StopSignals:
        try:
            for signum in (signal.SIGINT, signal.SIGTERM):
                self.previous[signum] = signal.signal(signum, self._handle)
        except ValueError:  # not the main thread: leave signals alone
            pass
        return self

    def __exit__(self, *exc) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)

    def _handle(self, signum, frame) -> None:
        if self.critical:
            self.pending = True
        else:
            raise KeyboardInterrupt

    @contextlib.contextmanager
    def deferred(self):
        self.critical = True
        try:
            yield
        finally:
            self.critical = False
        if self.pending:
            self.pending = False
            raise KeyboardInterrupt


def run_batch(paths: list[Path], outdir: Path, options: Options, *, reporter: Reporter | None = None) -> BatchSummary:
    reporter = reporter or Reporter(log_json=options.log_json)
    inputs = expand_inputs(paths, exclude=outdir)
    preflight(inputs, options)
    executor = make_executor(options)  # before anything is written: a missing Ray is a usage error
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        manifest = Manifest(outdir)
    except OSError as err:
        raise UsageError(f"cannot write to the output folder: {err.strerror or err}", path=str(outdir)) from None
    summary = BatchSummary()
    started = time.monotonic()
    run = uuid.uuid4().hex[:12]
    try:
        removed = remove_leftover_temp_files(outdir)
        if removed or manifest.repaired:
            reporter.message(f"cleaned up after an interrupted run: {removed} temp file(s) removed"
                             f"{', torn manifest line cut' if manifest.repaired else ''}")
        if not inputs:
            reporter.message("no input files found in " + ", ".join(map(str, paths)))
        keys = PipelineKeys(options)
        names = output_names(inputs, manifest.owners())
        done = manifest.completed() if options.resume else {}
        reporter.start(len(inputs), outdir=str(outdir), jobs=options.jobs, executor=options.executor, run=run)
        jobs = plan_jobs(inputs, names, options, done, outdir, keys)
        outcomes = executor.run(jobs, on_page=reporter.pages) if inputs else jobs  # no inputs: no workers started
        with StopSignals() as stop, contextlib.closing(outcomes):
            for outcome in outcomes:
                with stop.deferred():
                    write_outcome(outcome, outdir)
                    entry = manifest_entry(outcome, keys.for_input(outcome.index), run)
                    manifest.append(entry)
                    account(summary, outcome, entry)
                    reporter.document(entry)
                if options.fail_fast and outcome.status == "failed":
                    reporter.message("stopping at the first failure (--fail-fast)")
                    break
    except KeyboardInterrupt:
        summary.interrupted = True
        executor.terminate()
    finally:
        manifest.close()
        summary.seconds = time.monotonic() - started
        summary.timings.update(getattr(executor, "stats", {}))  # the local pool's busy and open worker-seconds
        reporter.finish(summary)
    return summary
