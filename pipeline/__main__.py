"""`python -m pipeline`: the `planocr` command."""

import signal
import sys


def _interrupt(signum, frame):
    raise KeyboardInterrupt


# SIGTERM is Ctrl-C from the first line on (the CLI sets the same again for the command's whole run), and an
# interrupt while the CLI is still being imported ends as any other: one line and 130, no traceback.
signal.signal(signal.SIGTERM, _interrupt)
try:
    from .cli import main
except KeyboardInterrupt:
    sys.stderr.write("planocr: interrupted\n")
    sys.exit(128 + signal.SIGINT)  # ExitCode.INTERRUPTED, whose module may not be imported yet

sys.exit(main())
