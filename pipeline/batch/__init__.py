"""The batch: `planocr run` over many inputs. ``run`` drives it (expand inputs, plan, hand documents to an
executor, write records and manifest lines); ``names`` (inputs, output names), ``manifest`` (the commit log),
``resume`` (the --resume key), ``executor`` (local process pool, Ray), ``forkserver`` (how workers start),
``progress`` (what the user sees on stderr)."""

from .run import BatchSummary, run_batch

__all__ = ["BatchSummary", "run_batch"]
