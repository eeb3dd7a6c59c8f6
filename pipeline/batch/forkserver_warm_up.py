"""Imported by the workers' forkserver only, after the stages (last in ``forkserver.WORKER_PRELOAD``):
loads the restoration data there, once, so every worker forks with it already in memory instead of
loading it itself (~0.36 s of CPU per worker, and again whenever a worker is replaced after
``executor.TASKS_PER_WORKER`` tasks). Its side effect on import is the point of the module; nothing
else imports it.
"""

import gc

from ..restore import warm_up

warm_up()
# The loaded tables move to a generation the collector never scans: a worker's collections then do not
# write to (and so copy) the pages it shares with the server and the other workers.
gc.freeze()
