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
- A record a person reviewed or changed (`planocr review`: ``reviewed`` or ``review`` entries) is never
  overwritten, with or without --resume: its input is skipped; if the input changed, the skipped line says so.
- OUTDIR that cannot be written (disk full, read-only, no permission): the input whose record could not be
  written fails as ``output`` and the batch stops there, with a true summary (what was done, what was not);
  nothing partial is left (a record's files are renamed into place together, a failed manifest line is cut
  back). A write error that concerns one record only (e.g. a name the file system refuses) fails that input
  and the batch goes on.
"""

from __future__ import annotations

import contextlib
import errno
import shutil
import time
import uuid
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..archive import outputs_present, write_archive_outcome
from ..document import plan_document, sha256_file
from ..errors import DependencyError, FailureCategory, OutputError, describe
from ..files import fsync_dir, name_max, write_files_atomic
from ..load import detect_kind
from ..load.folder import folder_files
from ..load.page import IMAGE_SUFFIXES, PDF_SUFFIXES
from ..options import Options, available_cores
from .executor import DocJob, DocOutcome, failed_outcome, make_executor
from .manifest import Manifest, remove_leftover_temp_files
from .names import check_entry, clean_stem, expand_inputs, fits, output_names, resolved
from .progress import Reporter, utc_now
from .resume import PipelineKeys, kept_for_review, record_is_valid, reviewed_record
from .stop import StopSignals


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
    not_processed: int = 0  # inputs without an outcome: the batch was interrupted or stopped before them
    stopped_by: OutputError | None = None  # OUTDIR could not be written: the batch stopped
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
        return {
            "ok": self.ok,
            "failed": self.failed,
            "skipped": self.skipped,
            "pages": self.pages,
            "pages_processed": self.pages_processed,
            "seconds": round(self.seconds, 3),
            "pages_per_minute": round(self.pages_per_minute, 1),
            "mean_confidence": self.mean_confidence,
            "needs_review": self.needs_review,
            "failure_categories": dict(sorted(self.categories.items())),
            "interrupted": self.interrupted,
            "not_processed": self.not_processed,
            "stopped": self.stopped_by.one_line() if self.stopped_by else None,
            "timings": {k: round(v, 3) for k, v in sorted(self.timings.items())},
        }

    def one_line(self) -> str:
        conf = f"{self.mean_confidence:.2f}" if self.mean_confidence is not None else "n/a"
        cats = ", ".join(f"{k} {v}" for k, v in sorted(self.categories.items()))
        head = (
            "planocr: interrupted; " if self.interrupted else "planocr: stopped; " if self.stopped_by else "planocr: "
        )
        rest = f", {self.not_processed} not processed" if self.not_processed else ""
        return (
            f"{head}{self.ok} ok, {self.failed} failed{f' ({cats})' if cats else ''}, {self.skipped} skipped{rest}; "
            f"{self.pages} pages ({self.pages_processed} processed) in {self.seconds:.1f} s, "
            f"{self.pages_per_minute:.1f} pages/min; mean confidence {conf}; {self.needs_review} need review"
        )


# --- inputs and names -----------------------------------------------------------------------------


# --- files ----------------------------------------------------------------------------------------


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


# --- preflight ------------------------------------------------------------------------------------


def preflight(inputs: list[Path], options: Options) -> None:
    """Stop before anything is read when a tool the batch needs is missing (exit 3)."""
    suffixes = {".png" if p.is_dir() else p.suffix.lower() for p in inputs}  # a folder input is page images
    if suffixes & PDF_SUFFIXES and shutil.which("pdftoppm") is None:
        raise DependencyError("poppler's pdftoppm is not installed (needed for PDFs); apt-get install poppler-utils")
    if suffixes & (PDF_SUFFIXES | IMAGE_SUFFIXES):
        from ..ocr import check_tesseract

        check_tesseract(options.lang)  # raises DependencyError naming what to install


# --- the batch ------------------------------------------------------------------------------------


def plan_jobs(
    inputs: list[Path],
    names: dict[Path, str],
    options: Options,
    done: dict,
    outdir: Path,
    keys: PipelineKeys | None = None,
) -> Iterator[DocJob]:
    """Lazily, in input order: hash each input, skip it when --resume finds its record made by the same
    pipeline, else plan it (kind, page count) — corrupt, encrypted, empty and unsupported inputs fail
    here, in the parent, before any worker is involved."""
    keys = keys or PipelineKeys(options)
    for index, path in enumerate(inputs):
        job = DocJob(index=index, path=path, name=names[path])
        started = time.monotonic()
        try:
            check_entry(path)  # a FIFO, a socket, a broken link…: refused before anything opens it
            kind = detect_kind(path)
            keys.kind_of[index] = kind
            sha = sha256_file(path)
            reviewed = reviewed_record(outdir / f"{job.name}.json")
            if reviewed is not None:  # a person's review is never overwritten, --resume or not
                kept = kept_for_review(reviewed, sha)
                job.outcome = DocOutcome(
                    index=index,
                    path=path,
                    name=job.name,
                    status="skipped",
                    sha256=sha,
                    output=f"{job.name}.json",
                    **kept,
                )
                yield job
                continue
            previous = done.get((sha, f"{job.name}.json")) if options.resume else None
            if previous is not None and previous.get("pipeline") != keys.for_kind(kind):
                previous = None  # made by another version, other options, Tesseract or data: redo
            if (
                previous is not None
                and record_is_valid(outdir / previous["output"], sha)
                and outputs_present(outdir / previous["output"], options)  # --pdf / --alto files too
            ):
                job.outcome = DocOutcome(
                    index=index,
                    path=path,
                    name=job.name,
                    status="skipped",
                    sha256=sha,
                    pages=previous.get("pages") or 0,
                    output=previous["output"],
                    extra={k: previous.get(k) for k in ("warnings", "needs_review", "confidence")},
                )
            else:
                job.plan = plan_document(path, options, sha256=sha)
        except Exception as err:  # categorised PlanocrError, or OSError (permissions…), or a bug
            job.outcome = failed_outcome(job, err, time.monotonic() - started)
        yield job


def manifest_entry(outcome: DocOutcome, pipeline: dict, run: str) -> dict:
    entry = {
        "input": str(outcome.path),
        "resolved": str(resolved(outcome.path)),
        "sha256": outcome.sha256,
        "status": outcome.status,
        "output": outcome.output,
        "error": outcome.error,
        "category": outcome.category,
        "pages": outcome.pages,
        "pages_processed": outcome.pages_processed,
        "seconds": round(outcome.seconds, 3),
        "pipeline": pipeline,
        "run": run,
        "time": utc_now(),
        "warnings": 0,
        "needs_review": None,
        "confidence": None,
    }
    document = outcome.document
    if document is not None:
        confidences = [p.confidence for p in document.pages if p.confidence is not None]
        entry.update(
            warnings=len(document.warnings),
            needs_review=document.needs_review,
            confidence=round(sum(confidences) / len(confidences), 4) if confidences else None,
            timings={k: round(v, 3) for k, v in sorted(outcome.timings.items())},
        )
    entry.update({k: v for k, v in outcome.extra.items() if v is not None})
    if outcome.path.is_dir():  # --group folder: the folder is the input; its page files are listed
        try:
            files: Any = [f.name for f in folder_files(outcome.path)]
        except OSError:  # a folder that could not be read: its line says so already
            files = None
        entry["files"] = files
    return entry


def write_outcome(outcome: DocOutcome, outdir: Path) -> None:
    """Record files first (atomically, together), so the manifest line that follows never points at nothing."""
    if outcome.status != "ok" or outcome.document is None:
        return
    files = [(outdir / f"{outcome.name}.json", outcome.document.to_json())]
    tsv = merge_tsv(outcome.results)
    if tsv is not None:
        files.insert(0, (outdir / f"{outcome.name}.tsv", tsv))
    write_files_atomic(files)
    fsync_dir(outdir)
    outcome.output = f"{outcome.name}.json"


# Write errors that concern OUTDIR as a whole (every later record would fail the same way): the batch stops.
# Any other (a name or a size the file system refuses) fails its input only.
OUTDIR_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO, errno.ENOENT}


def failed_to_write(outcome: DocOutcome, error: OutputError) -> DocOutcome:
    """The outcome of an input whose record could not be written (category output)."""
    outcome.status, outcome.category, outcome.error = "failed", error.category, error.reason
    outcome.document, outcome.results, outcome.output = None, [], None
    return outcome


def commit(
    outcome: DocOutcome,
    outdir: Path,
    manifest: Manifest,
    entry_of: Callable[[DocOutcome], dict],
    summary: BatchSummary,
    reporter: Reporter,
) -> OutputError | None:
    """Write one input's record and manifest line, and count it. Returns the error that must stop the batch
    (OUTDIR cannot be written), or None."""
    stop: OutputError | None = None
    try:
        write_outcome(outcome, outdir)
    except OSError as err:
        error = OutputError(
            f"cannot write the record: {err.strerror or err}", path=str(outdir / f"{outcome.name}.json")
        )
        failed_to_write(outcome, error)
        if err.errno in OUTDIR_ERRNOS:
            stop = error
    except Exception as err:  # a record that cannot be serialised: a bug, this input only
        category, reason = describe(err)
        outcome.status, outcome.category, outcome.error, outcome.document = "failed", category, reason, None
    entry = entry_of(outcome)
    try:
        manifest.append(entry)
    except OutputError as err:  # nothing can be committed any more
        stop = stop or err
        if outcome.status == "ok":  # the record is there, but not committed: --resume redoes it
            failed_to_write(outcome, err)
            entry = entry_of(outcome)
    account(summary, outcome, entry)
    reporter.document(entry)
    return stop


def account(summary: BatchSummary, outcome: DocOutcome, entry: dict) -> None:
    summary.pages_processed += outcome.pages_processed
    if outcome.status == "ok":
        summary.ok += 1
        summary.pages += outcome.pages
        document = outcome.document
        assert document is not None  # an ok outcome carries its record
        summary.confidences.extend(p.confidence for p in document.pages if p.confidence is not None)
        summary.needs_review += int(document.needs_review)
        for stage, seconds in outcome.timings.items():
            summary.timings[stage] = summary.timings.get(stage, 0.0) + seconds
    elif outcome.status == "skipped":
        summary.skipped += 1
        summary.needs_review += int(bool(entry.get("needs_review")))
    else:
        summary.failed += 1
        category = outcome.category or FailureCategory.INTERNAL
        summary.categories[category] = summary.categories.get(category, 0) + 1
        summary.errors.append(f"{outcome.path}: {category}: {outcome.error}")


def no_outcomes() -> Generator[DocOutcome, None, None]:
    yield from ()


def run_batch(paths: list[Path], outdir: Path, options: Options, *, reporter: Reporter | None = None) -> BatchSummary:
    """Process every input under ``paths`` into ``outdir`` (records, manifest lines) and return the summary.
    Raises DependencyError (a tool is missing), UsageError (e.g. Ray absent, OUTDIR in use) or OutputError
    (OUTDIR cannot be created) before any input is read; afterwards nothing raises: an OUTDIR that stops
    taking writes ends the batch with ``summary.stopped_by`` set, Ctrl-C or SIGTERM with ``summary.interrupted``."""
    reporter = reporter or Reporter(log_json=options.log_json)
    options = cap_jobs(options, reporter)
    inputs = expand_inputs(paths, exclude=outdir, group=options.group)
    preflight(inputs, options)
    executor = make_executor(options)  # before anything is written: a missing Ray is a usage error
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        manifest = Manifest(outdir)
    except OSError as err:
        raise OutputError(f"cannot write to the output folder: {err.strerror or err}", path=str(outdir)) from None
    summary = BatchSummary()
    started = time.monotonic()
    run = uuid.uuid4().hex[:12]
    try:
        removed = remove_leftover_temp_files(outdir)
        if removed or manifest.repaired:
            reporter.message(
                f"cleaned up after an interrupted run: {removed} temp file(s) removed"
                f"{', torn manifest line cut' if manifest.repaired else ''}"
            )
        if manifest.damaged:
            shown = ", ".join(map(str, manifest.damaged[:5])) + (", …" if len(manifest.damaged) > 5 else "")
            reporter.message(
                f"{manifest.path}: {len(manifest.damaged)} line(s) not a manifest entry (line {shown}); ignored"
            )
        if not inputs:
            reporter.message("no input files found in " + ", ".join(map(str, paths)))
        keys = PipelineKeys(options)
        limit = name_max(outdir)
        names = output_names(inputs, manifest.owners(), name_max=limit)
        shortened = {p for p in inputs if not fits(clean_stem(p), limit)}

        def entry_of(outcome: DocOutcome) -> dict:
            entry = manifest_entry(outcome, keys.for_input(outcome.index), run)
            if outcome.path in shortened:
                entry["name_shortened"] = True  # the input's name is too long for a record's file name
            return entry

        done = manifest.completed() if options.resume else {}
        reporter.start(len(inputs), outdir=str(outdir), jobs=options.jobs, executor=options.executor, run=run)
        jobs = plan_jobs(inputs, names, options, done, outdir, keys)
        outcomes = executor.run(jobs, on_page=reporter.pages) if inputs else no_outcomes()  # no workers started
        with StopSignals() as stop, contextlib.closing(outcomes):
            for outcome in outcomes:
                write_archive_outcome(outcome, outdir, options)  # --pdf, --alto: beside the record, before it
                with stop.deferred():
                    summary.stopped_by = commit(outcome, outdir, manifest, entry_of, summary, reporter)
                if summary.stopped_by is not None:  # OUTDIR takes no more writes: the CLI says why
                    break
                if options.fail_fast and outcome.status == "failed":
                    reporter.message("stopping at the first failure (--fail-fast)")
                    break
    except KeyboardInterrupt:
        summary.interrupted = True
        executor.terminate()
    finally:
        manifest.close()
        summary.seconds = time.monotonic() - started
        summary.not_processed = len(inputs) - summary.ok - summary.failed - summary.skipped
        summary.timings.update(getattr(executor, "stats", {}))  # the local pool's busy and open worker-seconds
        reporter.finish(summary)
    return summary


def cap_jobs(options: Options, reporter: Reporter) -> Options:
    """--jobs beyond the cores available only adds processes that wait for a core (and memory): it is cut to
    the cores unless --force-jobs says otherwise (a Ray cluster's own size decides where --address is given)."""
    cores = available_cores()
    if options.jobs <= cores or options.force_jobs or (options.executor == "ray" and options.address):
        return options
    reporter.message(
        f"--jobs {options.jobs} is more than the {cores} core(s) available; using {cores} (--force-jobs to insist)"
    )
    return options.model_copy(update={"jobs": cores})
