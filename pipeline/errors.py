"""Exception hierarchy. The library raises; only the CLI turns these into exit codes and messages.

Every failure that reaches the manifest carries one ``category`` from a small closed set, so an
archivist can filter a batch's failures and know how to fix each kind.
"""

from __future__ import annotations

from typing import Literal

FailureCategory = Literal["missing", "unreadable", "encrypted", "unsupported", "timeout", "dependency", "internal"]


class PlanocrError(Exception):
    """Base class. ``str(err)`` is a one-line reason without the file name (the caller adds it)."""

    category: FailureCategory = "internal"

    def __init__(self, reason: str, *, path: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.path = path

    def one_line(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{where}{self.category}: {self.reason}".replace("\n", " ")


class MissingInputError(PlanocrError):
    category = "missing"


class UnreadableInputError(PlanocrError):
    """Zero-byte, truncated or corrupt file; an 'image' that does not decode."""

    category = "unreadable"


class EncryptedInputError(PlanocrError):
    category = "encrypted"


class UnsupportedInputError(PlanocrError):
    category = "unsupported"


class PageTimeoutError(PlanocrError):
    category = "timeout"


class DependencyError(PlanocrError):
    """Tesseract, its 'vie' data or poppler is missing: nothing can run until it is installed."""

    category = "dependency"


class UsageError(PlanocrError):
    """Bad command-line usage (exit status 2)."""

    category = "internal"


# Exit statuses of the CLI (contract): 0 all good, 1 some inputs failed, 2 usage error.
EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
# Extension: 3 when a missing system dependency stopped the run before any input was read.
EXIT_DEPENDENCY = 3
