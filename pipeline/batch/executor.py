"""Where documents run: a local pool of worker processes (the default) or a Ray cluster.

Both executors take the batch's documents in input order and give back one ``DocOutcome`` per
document, in the same order, so what the driver writes does not depend on the parallelism.

Local pool. The unit of work is the page: a task is (path, kind, page number, options) and the worker
loads or rasterises that page itself, so the parent never holds an image. Pages of several documents
are in flight at once, so the cores stay busy across document boundaries; the number of open
documents is bounded, so memory is too. The pool is a small hand-made one rather than
``ProcessPoolExecutor`` because failure isolation needs to know which worker runs which page: a page
that overruns its time limit gets exactly its worker (and that worker's Tesseract) killed, and a
worker that dies fails exactly the page it was running; everything else goes on. Each worker is its
own process group (so a terminal's Ctrl-C reaches only the parent, which then stops the workers and
their Tesseract children) and kills itself when the parent dies (so a ``kill -9`` of the batch
leaves nothing running).

Ray. The same per-document function (``process_document`` with an in-process page map) runs as a
Ray task per document; the driver keeps a bounded window of documents in flight.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..document import (
    DocumentPlan,
    PageResult,
    PageTask,
    assemble_document,
    failed_page,
    page_tasks,
    process_document,
    process_page,
)
from ..errors import (
    DOCUMENT_LEVEL_CATEGORIES,
    FailureCategory,
    PageTimeoutError,
    PlanocrError,
    UsageError,
    describe,
    error_for,
)
from ..model import Document
from ..options import Options
from .forkserver import start_forkserver, worker_context
from .stop import held

# A worker is replaced after this many tasks, so a slow leak in a native library (OpenCV, Pillow)
# resets; reloading the restoration model costs far less than one OCR'd page.
TASKS_PER_WORKER = 100
# Extra time a worker's first task may take: imports and lazy model loads (restoration model ~3 s)
# happen there.
COLD_START_SECONDS = 10.0


def hard_page_limit(options: Options) -> float:
    """Seconds after which a page task is killed. Tesseract itself is stopped at ``page_timeout``
    (pytesseract's timeout); this backstop also covers rasterising, preprocessing and restoring."""
    return 2 * options.page_timeout + 1


# Set only by tests: the pages then go through the fault injection of FAULTS_FUNCTION (slow, failing, hanging,
# crashing pages). The product names it and imports it only then: it runs without pipeline/testing.
FAULTS_VARIABLE = "PLANOCR_TEST_HOOK"
FAULTS_FUNCTION = ("pipeline.testing.faults", "process_page_with_faults")


def page_function() -> Callable[[PageTask], PageResult]:
    """The page stages' function the workers run: ``process_page``, or, in tests, the same behind injected faults."""
    if os.environ.get(FAULTS_VARIABLE):
        module, name = FAULTS_FUNCTION
        return getattr(importlib.import_module(module), name)
    return process_page


# --- outcomes -------------------------------------------------------------------------------------


@dataclass
class DocOutcome:
    """What happened to one input; the driver turns it into a record file and a manifest line."""

    index: int
    path: Path
    name: str
    status: str  # "ok" | "failed" | "skipped"
    sha256: str | None = None
    document: Document | None = None
    results: list[PageResult] = field(default_factory=list)
    error: str | None = None
    category: FailureCategory | None = None
    pages: int = 0
    pages_processed: int = 0  # pages run through the page stages in this run
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    output: str | None = None  # for skipped inputs: the record that is already there
    extra: dict[str, Any] = field(default_factory=dict)  # manifest fields carried over (skipped inputs)


@dataclass
class DocJob:
    """One input of the batch, in input order: either planned (to process) or already decided
    (failed while planning, or skipped by --resume) and only passed through in order."""

    index: int
    path: Path
    name: str
    plan: DocumentPlan | None = None
    outcome: DocOutcome | None = None

    @property
    def planned(self) -> DocumentPlan:
        """The plan of a job that is to be processed (only those reach the executors' work)."""
        if self.plan is None:
            raise RuntimeError(f"{self.path}: no plan (the job was decided while planning)")
        return self.plan


def failed_outcome(job: DocJob, err: BaseException, seconds: float = 0.0, pages_processed: int = 0) -> DocOutcome:
    category, reason = describe(err)
    return DocOutcome(
        index=job.index,
        path=job.path,
        name=job.name,
        status="failed",
        sha256=job.planned.sha256 if job.plan else None,
        error=reason,
        category=category,
        pages=job.planned.pages if job.plan else 0,
        pages_processed=pages_processed,
        seconds=seconds,
    )


def sum_timings(results: Iterable[PageResult]) -> dict[str, float]:
    total: dict[str, float] = {}
    for result in results:
        for stage, seconds in result.timings.items():
            total[stage] = total.get(stage, 0.0) + seconds
    return total


def make_executor(options: Options) -> LocalExecutor | RayExecutor:
    if options.executor == "ray":
        return RayExecutor(options)
    return LocalExecutor(options)


# --- worker side ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskFailure:
    """An exception raised in a worker, carried back as plain data (exceptions do not always pickle)."""

    category: FailureCategory
    reason: str
    detail: str


def worker_main(conn: multiprocessing.connection.Connection) -> None:
    prepare_worker()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        key, function, argument = message
        try:
            reply = (key, True, function(argument))
        except BaseException as err:  # noqa: BLE001 — every failure goes back to the parent as data
            category, reason = describe(err)
            reply = (key, False, TaskFailure(category, reason, traceback.format_exc(limit=5)))
        try:
            conn.send(reply)
        except (BrokenPipeError, EOFError, OSError):
            return  # the parent is gone
        except Exception as err:  # the result would not pickle: report that instead of dying silently
            conn.send(
                (
                    key,
                    False,
                    TaskFailure(FailureCategory.INTERNAL, f"result could not be sent: {type(err).__name__}: {err}", ""),
                )
            )


def prepare_worker() -> None:
    """One thread per worker: Tesseract (OpenMP) and OpenCV would otherwise each start a thread per
    core and N workers would fight over N cores (measured: 7.2 s vs 3.7 s per page)."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    try:
        import cv2

        cv2.setNumThreads(1)
    except ImportError:
        pass
    os.setpgrp()  # own process group: the terminal's Ctrl-C goes to the parent only
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=die_with_parent, args=(parent.sentinel,), daemon=True).start()


def die_with_parent(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os.killpg(os.getpgrp(), signal.SIGKILL)  # this worker and the Tesseract it may be running


# --- parent side: the pool ------------------------------------------------------------------------


@dataclass
class Completion:
    key: Any
    value: Any = None
    failure: TaskFailure | None = None


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: multiprocessing.connection.Connection
    key: Any = None
    busy: bool = False
    started: float = 0.0
    limit: float = 0.0
    tasks_done: int = 0


class WorkerPool:
    """``jobs`` worker processes, each running one task at a time."""

    def __init__(self, jobs: int, *, tasks_per_worker: int = TASKS_PER_WORKER):
        self.context = worker_context()  # workers fork from a server that has imported the stages
        start_forkserver()  # no-op when `planocr run` started it first thing; else now, ignoring Ctrl-C
        self.tasks_per_worker = tasks_per_worker
        self.opened = time.monotonic()
        self.busy_seconds = 0.0  # summed over workers, from a task's hand-over to its result
        self.workers: list[_Worker] = [self._start() for _ in range(jobs)]

    def _start(self) -> _Worker:
        parent_end, child_end = self.context.Pipe(duplex=True)
        process = self.context.Process(target=worker_main, args=(child_end,), daemon=True)  # type: ignore[attr-defined]
        # a stop (Ctrl-C, SIGTERM) waits while the worker is handed its start-up data: cut half-way, the new
        # process would find its data short and print a traceback
        with held():
            process.start()
        child_end.close()
        return _Worker(process=process, conn=parent_end)

    def idle(self) -> int:
        return sum(1 for w in self.workers if not w.busy)

    def busy(self) -> int:
        return sum(1 for w in self.workers if w.busy)

    def submit(self, key: Any, function: Callable, argument: Any, limit: float) -> None:
        slot = next(i for i, w in enumerate(self.workers) if not w.busy)
        if not self.workers[slot].process.is_alive():  # died while idle: do not blame the next page for it
            self._replace(self.workers[slot])
        worker = self.workers[slot]
        cold = COLD_START_SECONDS if worker.tasks_done == 0 else 0.0
        worker.key, worker.busy, worker.started, worker.limit = key, True, time.monotonic(), limit + cold
        try:
            worker.conn.send((key, function, argument))
        except (BrokenPipeError, OSError):
            pass  # the worker died while idle; wait() notices and reports the task as crashed

    def wait(self, timeout: float) -> list[Completion]:
        """Results that arrived within ``timeout`` seconds, plus crashed and overrun tasks."""
        busy = [w for w in self.workers if w.busy]
        if not busy:
            return []
        now = time.monotonic()
        timeout = max(0.0, min(timeout, min(w.started + w.limit - now for w in busy)))
        handles = [w.conn for w in busy] + [w.process.sentinel for w in busy]
        multiprocessing.connection.wait(handles, timeout=timeout)
        done: list[Completion] = []
        for worker in busy:
            completion = self._collect(worker)
            if completion is not None:
                done.append(completion)
        return done

    def _collect(self, worker: _Worker) -> Completion | None:
        key = worker.key
        try:
            if worker.conn.poll():
                _, ok, payload = worker.conn.recv()
                self.busy_seconds += time.monotonic() - worker.started
                worker.busy, worker.key = False, None
                worker.tasks_done += 1
                if worker.tasks_done >= self.tasks_per_worker:
                    self._replace(worker, polite=True)
                return Completion(key, value=payload) if ok else Completion(key, failure=payload)
        except (EOFError, OSError):
            pass  # died mid-reply: handled as a crash below
        if not worker.process.is_alive() or worker.conn.closed:
            code = worker.process.exitcode
            self.busy_seconds += time.monotonic() - worker.started
            self._replace(worker)
            return Completion(
                key, failure=TaskFailure(FailureCategory.INTERNAL, f"worker process crashed (exit code {code})", "")
            )
        if time.monotonic() - worker.started > worker.limit:
            limit = worker.limit
            self.busy_seconds += time.monotonic() - worker.started
            self._replace(worker)
            return Completion(
                key, failure=TaskFailure(FailureCategory.TIMEOUT, f"no result after {limit:.0f} s; task stopped", "")
            )
        return None

    def _replace(self, worker: _Worker, *, polite: bool = False) -> None:
        self._stop(worker, polite=polite)
        self.workers[self.workers.index(worker)] = self._start()

    @staticmethod
    def _stop(worker: _Worker, *, polite: bool = False) -> None:
        if polite:
            try:
                worker.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
            worker.process.join(timeout=5)
        if worker.process.is_alive():
            try:
                os.killpg(worker.process.pid or 0, signal.SIGKILL)  # the worker and its Tesseract
            except (ProcessLookupError, PermissionError):
                worker.process.kill()
            worker.process.join(timeout=5)
        worker.conn.close()

    def shutdown(self) -> None:
        for worker in self.workers:
            self._stop(worker, polite=not worker.busy)
        self.workers = []

    def terminate(self) -> None:
        for worker in self.workers:
            self._stop(worker)
        self.workers = []


# --- parent side: documents streaming through the pool --------------------------------------------


@dataclass
class _OpenDoc:
    job: DocJob
    pending: deque = field(default_factory=deque)  # PageTasks not yet submitted, in page order
    in_flight: int = 0
    results: dict[int, PageResult] = field(default_factory=dict)
    started: float = 0.0
    assembling: bool = False
    outcome: DocOutcome | None = None


class LocalExecutor:
    def __init__(self, options: Options):
        self.options = options
        self.jobs = options.jobs
        self.window = max(4, 3 * options.jobs)  # documents open at once (planned, running or waiting to be emitted)
        self.pool: WorkerPool | None = None
        # for the run's summary: worker-seconds the pool was open, how many of them went to tasks (the rest
        # is workers starting up, or idle: waiting for the parent, or at the batch's end), and how many
        # workers sat idle at the batch's end: every input planned and every page handed out, so nothing
        # was left to give them while the last pages ran
        self.stats: dict[str, float] = {}
        self.idle_at_end = 0.0

    def run(
        self, jobs: Iterable[DocJob], on_page: Callable[[int], None] = lambda n: None
    ) -> Generator[DocOutcome, None, None]:
        source = iter(jobs)
        open_docs: deque[_OpenDoc] = deque()
        by_index: dict[int, _OpenDoc] = {}
        exhausted = False
        try:
            if not self.options.resume:
                # start the workers now so their start-up overlaps the parent's planning (hashing, page
                # counts); a resumed batch may have nothing to do, so there they start on first need
                self.pool = WorkerPool(self.jobs)
            while True:
                while not exhausted and len(open_docs) < self.window:
                    job = next(source, None)
                    if job is None:
                        exhausted = True
                        break
                    doc = self._open(job)
                    open_docs.append(doc)
                    by_index[job.index] = doc
                    self._feed(open_docs)  # an idle worker starts on this document before the next is planned
                while open_docs and open_docs[0].outcome is not None:
                    doc = open_docs.popleft()
                    by_index.pop(doc.job.index, None)
                    yield doc.outcome  # type: ignore[misc]  # not None: checked by the loop's condition
                if exhausted and not open_docs:
                    return
                self._feed(open_docs)
                if self.pool is None or not self.pool.busy():
                    if any(d.outcome is None for d in open_docs):
                        raise RuntimeError("scheduler stalled with unfinished documents")  # a bug, never expected
                    continue
                at_end = exhausted and not any(d.pending for d in open_docs)
                idle, waited_from = self.pool.idle(), time.monotonic()
                completions = self.pool.wait(timeout=1.0)
                if at_end:
                    self.idle_at_end += idle * (time.monotonic() - waited_from)
                for completion in completions:
                    self._complete(completion, by_index, on_page)
        except BaseException:
            self.terminate()
            raise
        finally:
            if self.pool is not None:
                self._account(self.pool)
                self.pool.shutdown()
                self.pool = None

    def _account(self, pool: WorkerPool) -> None:
        self.stats = {
            "pool_open": (time.monotonic() - pool.opened) * self.jobs,
            "pool_busy": pool.busy_seconds,
            "pool_idle_at_end": self.idle_at_end,
        }

    def terminate(self) -> None:
        if self.pool is not None:
            self._account(self.pool)
            self.pool.terminate()
            self.pool = None

    def _open(self, job: DocJob) -> _OpenDoc:
        doc = _OpenDoc(job=job, outcome=job.outcome, started=time.monotonic())
        if doc.outcome is None:
            doc.pending.extend(page_tasks(job.planned, self.options))
        return doc

    def _feed(self, open_docs: deque[_OpenDoc]) -> None:
        """Give idle workers work: a finished document's assembly first (it frees memory and lets the
        document be written), then the next page of the earliest open document."""
        while True:
            doc = next(
                (d for d in open_docs if d.outcome is None and not d.assembling and not d.pending and d.in_flight == 0),
                None,
            )
            if doc is None:
                doc = next((d for d in open_docs if d.outcome is None and d.pending), None)
            if doc is None:
                return
            if self.pool is None:
                self.pool = WorkerPool(self.jobs)
            if not self.pool.idle():
                return
            if doc.pending:
                task = doc.pending.popleft()
                doc.in_flight += 1
                self.pool.submit((doc.job.index, task.number), page_function(), task, hard_page_limit(self.options))
            else:
                doc.assembling = True
                results = [doc.results[n] for n in sorted(doc.results)]
                limit = hard_page_limit(self.options) + doc.job.planned.pages
                self.pool.submit((doc.job.index, 0), assemble_task, (doc.job.planned, results, self.options), limit)

    def _complete(self, completion: Completion, by_index: dict[int, _OpenDoc], on_page: Callable[[int], None]) -> None:
        index, page = completion.key
        doc = by_index.get(index)
        if doc is None or doc.outcome is not None:
            return  # the document already failed as a whole; late pages are dropped
        job = doc.job
        seconds = time.monotonic() - doc.started
        if page == 0:  # assembly
            doc.assembling = False
            results = [doc.results[n] for n in sorted(doc.results)]
            if completion.failure is not None:
                error = error_for(completion.failure.category, completion.failure.reason)
                doc.outcome = failed_outcome(job, error, seconds, len(results))
            else:
                document, assemble_seconds = completion.value
                timings = sum_timings(results)
                timings["assemble"] = assemble_seconds
                doc.outcome = DocOutcome(
                    index=job.index,
                    path=job.path,
                    name=job.name,
                    status="ok",
                    sha256=job.planned.sha256,
                    document=document,
                    results=results,
                    pages=job.planned.pages,
                    pages_processed=len(results),
                    seconds=seconds,
                    timings=timings,
                )
            return
        doc.in_flight -= 1
        on_page(1)
        failure = completion.failure
        if failure is not None and failure.category in DOCUMENT_LEVEL_CATEGORIES:
            doc.pending.clear()  # the input as a whole is unusable: stop its other pages
            doc.outcome = failed_outcome(
                job, error_for(failure.category, failure.reason), seconds, len(doc.results) + 1
            )
            return
        if failure is not None:  # crashed, overran its time or failed unexpectedly: this page only
            doc.results[page] = failed_page(page, failure.category, failure.reason)
        else:
            doc.results[page] = completion.value


def assemble_task(argument: tuple[DocumentPlan, list[PageResult], Options]) -> tuple[Document, float]:
    plan, results, options = argument
    started = time.perf_counter()
    document = assemble_document(plan, results, options)
    return document, time.perf_counter() - started


# --- Ray ------------------------------------------------------------------------------------------

STARTED = "started"  # the first item a document task yields: the driver's deadline counts from it


def ray_process_document(path: str, name: str, options: Options) -> Iterator[Any]:
    """The Ray task (a streaming generator): first ``STARTED`` as soon as it runs, so the driver knows
    when the document's time starts (not while it waits for a worker or the worker starts), then one
    whole document, pages in page order (in-process map), as plain data; failures come back as a
    category and a reason, never as a Ray error."""
    yield STARTED
    prepare_ray_worker()
    started = time.monotonic()
    try:
        document, results = process_document(Path(path), options, page_function=page_function())
    except BaseException as err:  # noqa: BLE001
        category, reason = describe(err)
        yield {"ok": False, "category": category, "error": reason, "seconds": time.monotonic() - started}
        return
    yield {"ok": True, "document": document, "results": results, "seconds": time.monotonic() - started}


def prepare_ray_worker() -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        import cv2

        cv2.setNumThreads(1)
    except ImportError:
        pass


def document_deadline(pages: int, options: Options) -> float:
    """Seconds a whole document may run as one Ray task once it has started: each page's hard limit (as
    in the local pool) plus the cold start of the stages (imports, the restoration model). Nothing inside
    the task can overrun it: the driver cancels the task."""
    return max(1, pages) * hard_page_limit(options) + COLD_START_SECONDS


# Seconds a Ray task may wait to start beyond the documents ahead of it: Ray starting a worker process,
# setting up its environment, or an autoscaler adding a node.
RAY_START_SLACK_SECONDS = 300.0


def queue_deadline(budgets: Iterable[float]) -> float:
    """Seconds a document's Ray task may wait in Ray's queue before it starts. The driver keeps at most
    two documents per CPU in flight, so a queued task waits at most for one document ahead of it per CPU:
    the longest budget among the documents in flight when it was submitted (itself included), plus
    start-up slack. A task still not started after that never will be (its node is gone, or the cluster
    has no CPU for it): the document fails as a timeout instead of holding the batch forever."""
    return max(budgets, default=0.0) + RAY_START_SLACK_SECONDS


@dataclass
class _RayDoc:
    job: DocJob
    stream: Any = None  # the task's ObjectRefGenerator
    budget: float = float("inf")  # seconds it may run once started
    queue_budget: float = float("inf")  # seconds it may wait to start
    submitted: float = 0.0
    started: float | None = None  # when the task's STARTED arrived
    outcome: DocOutcome | None = None

    @property
    def deadline(self) -> float:
        if self.started is None:
            return self.submitted + self.queue_budget
        return self.started + self.budget


class RayExecutor:
    """Documents fanned out over a Ray cluster (or a local Ray instance when no address is given).
    Input paths must be readable at the same path on every node (a shared file system)."""

    def __init__(self, options: Options):
        try:
            import ray
        except ImportError:
            raise UsageError(
                "--executor ray needs the ray extra: pip install 'planocr[ray]' (or pip install 'ray>=2.9')"
            ) from None
        self.ray = ray
        self.options = options
        self.started_here = False
        self._task: Any = None  # the remote function, made on first use

    def _connect(self) -> None:
        ray = self.ray
        if not ray.is_initialized():
            # Ray's own INFO/WARNING lines would interleave with our log (and break --log-json)
            quiet = {"log_to_driver": False, "include_dashboard": False, "logging_level": logging.ERROR}
            if self.options.address:
                ray.init(address=self.options.address, **quiet)
            else:
                ray.init(num_cpus=self.options.jobs, **quiet)
                self.started_here = True
        # max_retries=0: a document that kills its worker fails once, with a category, instead of
        # being retried three times; the batch's manifest and --resume handle reruns.
        remote = ray.remote(num_cpus=1, max_retries=0, num_returns="streaming")(ray_process_document)
        hook = os.environ.get(FAULTS_VARIABLE)
        if hook:  # tests' page faults (pipeline.testing.faults) must reach workers of an instance started earlier
            remote = remote.options(runtime_env={"env_vars": {FAULTS_VARIABLE: hook}})
        self._task = remote

    def run(
        self, jobs: Iterable[DocJob], on_page: Callable[[int], None] = lambda n: None
    ) -> Generator[DocOutcome, None, None]:
        ray = self.ray
        window = 2  # unfinished documents in flight; 2 × the cluster's CPUs once connected
        source = iter(jobs)
        queue: deque[_RayDoc] = deque()  # in input order, until emitted
        exhausted = False
        try:
            while True:
                while not exhausted and len(self._unfinished(queue)) < window and len(queue) < 2 * window:
                    job = next(source, None)
                    if job is None:
                        exhausted = True
                        break
                    doc = _RayDoc(job=job, outcome=job.outcome)
                    if job.outcome is None:
                        if self._task is None:  # connect only when there is work (a resumed batch may have none)
                            self._connect()
                            window = max(2, 2 * int(ray.cluster_resources().get("CPU", 1)))
                        doc.stream = self._task.remote(str(job.path), job.name, self.options)
                        doc.submitted = time.monotonic()
                        doc.budget = document_deadline(job.planned.pages, self.options)
                        doc.queue_budget = queue_deadline([d.budget for d in self._unfinished(queue)] + [doc.budget])
                    queue.append(doc)
                self._settle(self._unfinished(queue), on_page)
                while queue and queue[0].outcome is not None:
                    yield queue.popleft().outcome  # type: ignore[misc]  # not None: checked by the loop's condition
                if exhausted and not queue:
                    return
                unfinished = self._unfinished(queue)
                if unfinished:
                    wake = max(0.0, min(1.0, min(d.deadline for d in unfinished) - time.monotonic()))
                    ray.wait([d.stream for d in unfinished], num_returns=1, timeout=wake)
        except BaseException:
            for doc in self._unfinished(queue):
                ray.cancel(doc.stream, force=True)
            raise
        finally:
            if self.started_here:
                ray.shutdown()

    @staticmethod
    def _unfinished(queue: Iterable[_RayDoc]) -> list[_RayDoc]:
        return [d for d in queue if d.stream is not None and d.outcome is None]

    def _settle(self, unfinished: list[_RayDoc], on_page: Callable[[int], None]) -> None:
        """Take what the tasks have yielded (their start, their result, or their failure), and cancel the
        tasks past their deadline: Ray kills the worker process (its Tesseract dies with it) and the
        document fails as a timeout."""
        if not unfinished:
            return
        ready, _ = self.ray.wait([d.stream for d in unfinished], num_returns=len(unfinished), timeout=0)
        now = time.monotonic()
        for doc in unfinished:
            if any(doc.stream is stream for stream in ready):
                self._take(doc, on_page)
            elif now > doc.deadline:
                self.ray.cancel(doc.stream, force=True)
                if doc.started is None:
                    err = PageTimeoutError(
                        f"Ray task not started {doc.queue_budget:.0f} s after it was submitted (no free "
                        f"CPU in the cluster, or its node is gone); Ray task cancelled"
                    )
                else:
                    err = PageTimeoutError(
                        f"document not finished {doc.budget:.0f} s after it started ({doc.job.planned.pages} page(s) × "
                        f"{hard_page_limit(self.options):.0f} s + {COLD_START_SECONDS:.0f} s start-up); Ray task cancelled"
                    )
                doc.outcome = failed_outcome(doc.job, err, now - doc.submitted)

    def _take(self, doc: _RayDoc, on_page: Callable[[int], None]) -> None:
        job = doc.job
        seconds = time.monotonic() - doc.submitted
        try:
            reply = self.ray.get(next(doc.stream))
        except StopIteration:
            doc.outcome = failed_outcome(job, PlanocrError("Ray task ended without a result"), seconds)
            return
        except Exception as err:  # the worker died (Ray raises WorkerCrashedError and friends)
            doc.outcome = failed_outcome(job, PlanocrError(f"Ray task failed: {type(err).__name__}"), seconds)
            return
        if reply == STARTED:
            doc.started = time.monotonic()
            return
        if not reply["ok"]:
            doc.outcome = failed_outcome(job, error_for(reply["category"], reply["error"]), seconds)
            return
        results = reply["results"]
        on_page(len(results))
        doc.outcome = DocOutcome(
            index=job.index,
            path=job.path,
            name=job.name,
            status="ok",
            sha256=job.planned.sha256,
            document=reply["document"],
            results=results,
            pages=job.planned.pages,
            pages_processed=len(results),
            seconds=seconds,
            timings=sum_timings(results),
        )

    def terminate(self) -> None:
        if self.started_here and self.ray.is_initialized():
            self.ray.shutdown()
