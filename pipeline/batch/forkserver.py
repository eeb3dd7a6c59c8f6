"""The local pool's process factory: a forkserver that imports the page stages once, from which every
worker is forked ready to work (a (re)started worker is up in milliseconds instead of re-importing
numpy, OpenCV, pydantic and the stages: ~0.75 s of CPU each).

This module imports nothing heavy, so ``planocr run`` can start the server first thing: the server's
imports then run on another core while the command's own process imports the pipeline and plans the
batch, instead of after it.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import signal

# Modules the forkserver imports once; the last one loads the restoration data there too, so workers are
# forked with it (CPU outside Tesseract for 8 pages on 2 workers: 5.0 → 4.8 s, median of 3 interleaved runs).
WORKER_PRELOAD = (
    "pipeline.batch.executor",
    "pipeline.preprocess",
    "pipeline.ocr",
    "pipeline.restore",
    "pipeline.parse",
    "diacritics",
    "PIL.Image",
    "PIL.ImageOps",
    "pipeline.batch.forkserver_warm_up",
)


def worker_context() -> multiprocessing.context.BaseContext:
    """The context workers are started from: the forkserver where the platform has one, else spawn."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(WORKER_PRELOAD))  # no effect once the server runs: it has them
    return context


def start_forkserver() -> None:
    """Start the server now, without waiting for its imports (the first worker's start waits for them).

    The server is started with SIGINT blocked, which it keeps (a signal mask survives fork and exec): a terminal's
    Ctrl-C reaches the whole process group, and the server, still importing the stages for its first second,
    would print a KeyboardInterrupt traceback of its own. The command stops it anyway (it exits when the command
    does), and the workers forked from it ignore SIGINT (executor.prepare_worker). In this process SIGINT is only
    held while the server is spawned: one that arrives then is delivered right after, not lost."""
    if worker_context().get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver, resource_tracker

    # the server starts the resource tracker first, which unblocks SIGINT once it is spawned (bpo-33613, the same
    # trick): started here before, it is already running when the server is spawned
    resource_tracker.ensure_running()
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
