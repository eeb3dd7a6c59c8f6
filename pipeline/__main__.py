"""`python -m pipeline`: the `planocr` command."""

import os
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

code = main()
if code == 128 + signal.SIGINT:
    # Under `python -m`, CPython ends the process by SIGINT after a clean sys.exit(130) when a KeyboardInterrupt
    # once went through code run by PyRun_String (Py_RunMain checks a flag that stays set even though the interrupt
    # was handled; reproduced with ctypes.pythonapi.PyRun_SimpleString): an interrupt during the imports gave exit
    # status -2 in about 1 run of 6. The command is done and has said so: leave now.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
sys.exit(code)
