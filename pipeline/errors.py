"""Errors as types. The library raises; only the CLI (pipeline/cli.py) turns an error into an exit status and
a one-line message.

Every failure that reaches the manifest carries one ``FailureCategory`` from a small closed set, so an
archivist can filter a batch's failures and know how to fix each kind. Each exception class carries its
category and the exit status the CLI gives when the error ends a command.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class FailureCategory(StrEnum):
    """Why an input (or a page) failed. The values are what the manifest and the records say."""

    MISSING = "missing"  # the input is not there
    UNREADABLE = "unreadable"  # empty, truncated, corrupt, not UTF-8, cannot be opened
    ENCRYPTED = "encrypted"  # a PDF that needs a password
    UNSUPPORTED = "unsupported"  # a file type, a special file (FIFO, socket, broken link) or a size planocr refuses
    TIMEOUT = "timeout"  # a page overran --page-timeout
    DEPENDENCY = "dependency"  # Tesseract, its language data or poppler is missing
    OUTPUT = "output"  # the output (OUTDIR, an export's target) could not be written
    INTERNAL = "internal"  # a bug, or a library crash


# Failures that condemn a whole input wherever they are found; anything else that goes wrong on one page
# fails only that page.
DOCUMENT_LEVEL_CATEGORIES = frozenset(
    {FailureCategory.ENCRYPTED, FailureCategory.MISSING, FailureCategory.UNSUPPORTED, FailureCategory.DEPENDENCY}
)


class ExitCode(IntEnum):
    """Exit statuses of the CLI. 0, 1 and 2 are the contract's; the others extend it."""

    OK = 0  # every input done
    SOME_FAILED = 1  # some inputs failed; the rest were processed
    USAGE = 2  # the command was wrong (a flag, a value, a file type); nothing was done
    DEPENDENCY = 3  # a missing system dependency stopped the run before any input was read
    OUTPUT = 4  # the output could not be written (disk full, read-only); the batch stopped
    INTERRUPTED = 130  # Ctrl-C or SIGTERM (128 + SIGINT, as shells report it)


class PlanocrError(Exception):
    """Base class. ``reason`` is one line without the file name; ``path`` names the file when known."""

    category: FailureCategory = FailureCategory.INTERNAL
    exit_code: ExitCode = ExitCode.SOME_FAILED

    def __init__(self, reason: str, *, path: str | None = None):
        reason = reason.replace("\n", " ")
        super().__init__(reason)
        self.reason = reason
        self.path = path

    def one_line(self) -> str:
        """``<path>: <category>: <reason>``, the one-line form every command prints."""
        where = f"{self.path}: " if self.path else ""
        return f"{where}{self.category}: {self.reason}"


class MissingInputError(PlanocrError):
    category = FailureCategory.MISSING


class UnreadableInputError(PlanocrError):
    """Zero-byte, truncated or corrupt file; an 'image' that does not decode."""

    category = FailureCategory.UNREADABLE


class EncryptedInputError(PlanocrError):
    category = FailureCategory.ENCRYPTED


class UnsupportedInputError(PlanocrError):
    category = FailureCategory.UNSUPPORTED


class PageTimeoutError(PlanocrError):
    category = FailureCategory.TIMEOUT


class DependencyError(PlanocrError):
    """Tesseract, its 'vie' data or poppler is missing: nothing can run until it is installed."""

    category = FailureCategory.DEPENDENCY
    exit_code = ExitCode.DEPENDENCY


class OutputError(PlanocrError):
    """Writing in OUTDIR (a record, the manifest) or an export's target failed: disk full, read-only, no
    permission. A batch stops at the first one: every later record would fail the same way."""

    category = FailureCategory.OUTPUT
    exit_code = ExitCode.OUTPUT


class UsageError(PlanocrError):
    """Bad command-line usage: nothing failed, the command was wrong (exit status 2, no category shown)."""

    exit_code = ExitCode.USAGE

    def one_line(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


_CLASS_OF_CATEGORY: dict[FailureCategory, type[PlanocrError]] = {
    FailureCategory.MISSING: MissingInputError,
    FailureCategory.UNREADABLE: UnreadableInputError,
    FailureCategory.ENCRYPTED: EncryptedInputError,
    FailureCategory.UNSUPPORTED: UnsupportedInputError,
    FailureCategory.TIMEOUT: PageTimeoutError,
    FailureCategory.DEPENDENCY: DependencyError,
    FailureCategory.OUTPUT: OutputError,
    FailureCategory.INTERNAL: PlanocrError,
}


def error_for(category: FailureCategory | str, reason: str, *, path: str | None = None) -> PlanocrError:
    """The error of ``category`` (e.g. a failure carried back from a worker as plain data, or a page's)."""
    return _CLASS_OF_CATEGORY[FailureCategory(category)](reason, path=path)


def describe(err: BaseException) -> tuple[FailureCategory, str]:
    """(category, one-line reason) of any exception: a PlanocrError says its own; an OSError while reading
    an input is ``unreadable``; anything else is a bug (``internal``), named by its type."""
    if isinstance(err, PlanocrError):
        return err.category, err.reason
    if isinstance(err, OSError):
        return FailureCategory.UNREADABLE, f"{err.strerror or err}".replace("\n", " ")
    return FailureCategory.INTERNAL, f"{type(err).__name__}: {err}".replace("\n", " ")
