"""The batch: `planocr run` over many inputs. ``run`` drives it (expand inputs, plan, hand documents to an
executor, write records and manifest lines); ``names`` (inputs, output names), ``manifest`` (the commit log),
``resume`` (the --resume key), ``executor`` (local process pool, Ray), ``forkserver`` (how workers start),
``stop`` (Ctrl-C and SIGTERM), ``progress`` (what the user sees on stderr).

``run_batch`` and ``BatchSummary`` are imported on first use: ``planocr export`` reads manifests
(``batch.manifest``) without loading the stages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .run import BatchSummary, run_batch

__all__ = ["BatchSummary", "run_batch"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import run

        return getattr(run, name)
    raise AttributeError(f"module 'pipeline.batch' has no attribute {name!r}")
