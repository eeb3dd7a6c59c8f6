"""Fault injection for batch tests: pages that are slow, raise, hang or kill their process, in worker
processes a monkeypatch cannot reach.

``PLANOCR_TEST_HOOK`` holds a JSON list of rules, e.g.
    [{"action": "delay", "seconds": 0.3}, {"action": "crash", "file": "b*.txt", "page": 1}]
When it is set, the executors run ``process_page_with_faults`` instead of ``document.process_page``
(``pipeline.batch.executor.page_function``); the product's page function knows nothing of it.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import os
import time

from ..document import PageResult, PageTask, failed_page, process_page
from ..errors import FailureCategory

HOOK_VARIABLE = "PLANOCR_TEST_HOOK"


def process_page_with_faults(task: PageTask) -> PageResult:
    """``process_page`` after the rules that match this page; a rule that raises fails the page as a bug
    in the page stages would (category internal)."""
    try:
        inject_faults(task)
    except Exception as err:  # noqa: BLE001 - the same net process_page has
        return failed_page(task.number, FailureCategory.INTERNAL, f"{type(err).__name__}: {err}")
    return process_page(task)


@functools.lru_cache(maxsize=4)
def _rules(spec: str) -> tuple[dict, ...]:
    return tuple(json.loads(spec))


def inject_faults(task: PageTask) -> None:
    spec = os.environ.get(HOOK_VARIABLE)
    if not spec:
        return
    for rule in _rules(spec):
        if not fnmatch.fnmatch(task.path.name, rule.get("file", "*")) or rule.get("page", task.number) != task.number:
            continue
        action = rule["action"]
        if action == "delay":
            time.sleep(float(rule["seconds"]))
        elif action == "raise":
            raise RuntimeError("test hook: page failure")
        elif action == "hang":
            time.sleep(3600)
        elif action == "crash":
            os._exit(70)
        elif action == "log":  # append one line per processed page, to count work across processes
            with open(rule["path"], "a", encoding="utf-8") as handle:
                handle.write(f"{task.path.name}\t{task.number}\t{os.getpid()}\n")
