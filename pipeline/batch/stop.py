"""Ctrl-C and SIGTERM during a batch: they stop it cleanly (a scheduler's SIGTERM as much as a person's Ctrl-C),
but never in the middle of a block that must not be cut: a record's rename and its manifest line, a worker being
handed its start-up data. Inside such a block (``StopSignals.deferred``, or ``held`` from anywhere) the stop
waits until the block is done, then raises KeyboardInterrupt. (Masking the signal is not enough: CPython may run
the Python-level handler of a signal that arrived just before the mask, in the middle of the block.)"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from typing import Any

_active: StopSignals | None = None  # the running batch's, while it runs (signal handlers are per process)
_requested = False  # a stop was asked for (Ctrl-C or SIGTERM), in this process, at some point


def interrupt(signum: int | None = None, frame: Any = None) -> None:
    """The handler the command uses for SIGTERM and SIGINT outside a batch: note the stop, raise
    KeyboardInterrupt. (Noted, because an interrupt raised inside a C extension's import can come out as another
    exception: pydantic-core turns it into a PanicException.)"""
    global _requested
    _requested = True
    raise KeyboardInterrupt


def requested() -> bool:
    """Whether a stop was asked for: an exception that ends the command after that is the interrupt's doing."""
    return _requested


class StopSignals:
    def __init__(self):
        self.depth = 0  # nested deferred blocks
        self.pending = False
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> StopSignals:
        global _active
        try:
            for signum in (signal.SIGINT, signal.SIGTERM):
                self.previous[signum] = signal.signal(signum, self._handle)
        except ValueError:  # not the main thread: leave signals alone
            return self
        _active = self
        return self

    def __exit__(self, *exc) -> None:
        global _active
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)
        if _active is self:
            _active = None

    def _handle(self, signum, frame) -> None:
        global _requested
        _requested = True
        if self.depth:
            self.pending = True
        else:
            raise KeyboardInterrupt

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
        if self.pending and not self.depth:
            self.pending = False
            raise KeyboardInterrupt


@contextlib.contextmanager
def held() -> Iterator[None]:
    """A block a stop must not cut, wherever it is: deferred by the running batch's StopSignals, if any."""
    stop = _active
    if stop is None:
        yield
        return
    with stop.deferred():
        yield
