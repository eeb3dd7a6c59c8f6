"""`planocr` command line. The only place that prints for humans and turns errors into exit codes.

stdout carries data (restored text, JSON); progress, logs and errors go to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import __version__
from .errors import ExitCode, MissingInputError, PlanocrError


def _read_bytes(source: str | None) -> bytes:
    """The bytes of FILE or stdin ('-'); a missing file is a one-line error, never a traceback."""
    if source in (None, "-"):
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:  # already text (an embedding caller or a test replaced stdin)
            return sys.stdin.read().encode("utf-8")
        return stream.read()
    path = Path(source)
    if not path.is_file():
        raise MissingInputError("no such file", path=source)
    return path.read_bytes()


def _read_input(source: str | None) -> str:
    """UTF-8 text from FILE or stdin ('-'), decoded as text inputs are (BOM, line ends, NFC)."""
    from .load.text import decode_text

    return decode_text(_read_bytes(source), "<stdin>" if source in (None, "-") else source)


def cmd_run(ns: argparse.Namespace) -> int:
    from .batch import run_batch
    from .options import Options, from_namespace

    options = from_namespace(ns, Options)
    summary = run_batch([Path(p) for p in ns.paths], Path(ns.output), options)  # prints progress and summary
    if summary.interrupted:
        return ExitCode.INTERRUPTED
    if summary.stopped_by is not None:  # OUTDIR could not be written: the batch stopped
        print(f"planocr: {summary.stopped_by.one_line()}", file=sys.stderr)
        return summary.stopped_by.exit_code
    return ExitCode.SOME_FAILED if summary.failed else ExitCode.OK


def cmd_restore(ns: argparse.Namespace) -> int:
    import diacritics

    text = _read_input(ns.file)
    result = diacritics.restore(text)
    if ns.json:
        payload = {
            "text": result.text,
            "corrections": [
                {
                    "line": c.line,
                    "column": c.column,
                    "original": c.original,
                    "corrected": c.corrected,
                    "confidence": round(c.confidence, 4),
                }
                for c in result.corrections
            ],
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(result.text)
    return ExitCode.OK


def cmd_parse(ns: argparse.Namespace) -> int:
    from .document import text_document
    from .options import Options

    name = "-" if ns.file in (None, "-") else Path(ns.file).name
    # parse reads already repaired text: restoration off, so the record equals `planocr run --no-restore`'s
    where = "<stdin>" if ns.file in (None, "-") else ns.file
    doc = text_document(_read_bytes(ns.file), name, Options(jobs=1, restore=False), where=where)
    sys.stdout.write(doc.to_json())
    return ExitCode.OK


def cmd_export(ns: argparse.Namespace) -> int:
    from .export import export_records

    report = export_records(Path(ns.outdir), Path(ns.to))
    for path in report.written:
        print(f"wrote {path}", file=sys.stderr)
    print(f"planocr: exported {report.records} record(s), {len(report.skipped)} skipped", file=sys.stderr)
    # a record that could not be read is a failed input
    return ExitCode.SOME_FAILED if report.skipped else ExitCode.OK


def cmd_review(ns: argparse.Namespace) -> int:
    from .errors import UsageError
    from .review import make_server, serve

    try:
        server = make_server(Path(ns.outdir), ns.host, ns.port, ns.reviewer)
    except OSError as err:  # port taken, address not available
        raise UsageError(f"cannot listen on {ns.host}:{ns.port}: {err.strerror or err}") from None
    try:
        serve(server)  # the first line of stdout: the URL with its token
    except KeyboardInterrupt:
        print("planocr review: stopped", file=sys.stderr)
    return ExitCode.OK


def cmd_schema(ns: argparse.Namespace) -> int:
    from .schema import render_schema

    sys.stdout.write(render_schema())
    return ExitCode.OK


def build_parser() -> argparse.ArgumentParser:
    from .options import Options, add_arguments

    parser = argparse.ArgumentParser(prog="planocr", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"planocr {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="full pipeline: PDFs, images, .txt or folders → JSON records")
    run.add_argument("paths", nargs="+", metavar="PATH")
    run.add_argument("-o", "--output", required=True, metavar="OUTDIR")
    add_arguments(run, Options)
    run.set_defaults(func=cmd_run)

    restore = sub.add_parser("restore", help="repair diacritics of text (stdin or FILE) to stdout")
    restore.add_argument("file", nargs="?", metavar="FILE")
    restore.add_argument("--json", action="store_true", help="print the corrections too")
    restore.set_defaults(func=cmd_restore)

    parse = sub.add_parser("parse", help="parse repaired text (stdin or FILE) into a JSON record")
    parse.add_argument("file", nargs="?", metavar="FILE")
    parse.set_defaults(func=cmd_parse)

    export = sub.add_parser("export", help="flatten OUTDIR's records into tables (.xlsx, .csv, .parquet)")
    export.add_argument("outdir", metavar="OUTDIR")
    export.add_argument("--to", required=True, metavar="PATH")
    export.set_defaults(func=cmd_export)

    review = sub.add_parser("review", help="check and fix OUTDIR's records in the browser (local web page)")
    review.add_argument("outdir", metavar="OUTDIR")
    review.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)"
    )
    review.add_argument("--port", type=int, default=8765, help="port (default: 8765; 0 picks a free one)")
    review.add_argument(
        "--reviewer", metavar="NAME", help="name written in each change's history (default: the OS user)"
    )
    review.set_defaults(func=cmd_review)

    schema = sub.add_parser("schema", help="print the JSON Schema (2020-12) of the document record")
    schema.set_defaults(func=cmd_schema)
    return parser


def runs_local_pool(args: list[str]) -> bool:
    """True for `planocr run` without `--executor ray`: the command will need the local pool's workers."""
    if not args or args[0] != "run":
        return False
    return not any(
        arg == "--executor=ray" or (arg == "--executor" and args[i + 1 : i + 2] == ["ray"])
        for i, arg in enumerate(args)
    )


def main(argv: list[str] | None = None) -> int:
    """The command. Every error ends here: a PlanocrError as its one line and its class's exit status, Ctrl-C
    and SIGTERM (at any moment, from the first line on) as "interrupted" and 130; never a traceback."""
    from .batch import stop

    interrupted = False
    with interrupts_handled():
        try:
            return int(_main(argv))
        except KeyboardInterrupt:
            interrupted = True
        except BaseException:
            if not stop.requested():
                raise
            interrupted = True  # the interrupt came out as another exception (raised in a C extension's import)
        finally:
            if (interrupted or stop.requested()) and argv is None:
                # the command is ending: a second Ctrl-C (or a signal held until now) must not kill it half-way
                # through its exit, when Python has put the default handlers back (seen: killed by SIGINT, -2)
                for signum in (signal.SIGINT, signal.SIGTERM):
                    with contextlib.suppress(ValueError):
                        signal.signal(signum, signal.SIG_IGN)
    print("planocr: interrupted", file=sys.stderr)
    return ExitCode.INTERRUPTED


def _main(argv: list[str] | None) -> int:
    if runs_local_pool(sys.argv[1:] if argv is None else argv):
        from .batch.forkserver import start_forkserver

        # first thing: the workers' server imports the stages (~0.8 s) while this process imports pydantic and
        # the pipeline and plans the batch, instead of after (measured: workers idle ~0.6 s each at start)
        start_forkserver()
    # The contract says UTF-8 in and out, whatever the locale (a C or Latin-1 locale would garble Vietnamese);
    # a file name that is not UTF-8 is shown with escapes on stderr rather than stop the command.
    for stream, errors in ((sys.stdout, "strict"), (sys.stderr, "backslashreplace")):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors=errors)
    parser = build_parser()
    try:
        ns = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        return ns.func(ns)
    except PlanocrError as err:  # the one place errors become messages and exit statuses
        print(f"planocr: {err.one_line()}", file=sys.stderr)
        return err.exit_code


@contextlib.contextmanager
def interrupts_handled() -> Iterator[None]:
    """SIGTERM (a scheduler stopping the job) is handled as Ctrl-C is, and both are noted as a stop
    (``batch.stop.interrupt``), so every way they end the command is known for one. SIGINT is left alone when
    it is ignored (a job started in the background by a shell), and both when this is not the main thread
    (handlers cannot be set there: an embedding caller's thread)."""
    from .batch.stop import interrupt

    previous: dict[int, Any] = {}
    try:
        previous[signal.SIGTERM] = signal.signal(signal.SIGTERM, interrupt)
        if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
            previous[signal.SIGINT] = signal.signal(signal.SIGINT, interrupt)
    except ValueError:
        pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            if signal.getsignal(signum) is not signal.SIG_IGN:  # main's exit may have set it so on purpose
                signal.signal(signum, handler)


if __name__ == "__main__":
    sys.exit(main())
