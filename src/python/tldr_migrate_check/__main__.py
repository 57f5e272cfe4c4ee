import atexit
import os
import sys

from tldr_migrate_check.main import main

status = main()
# Everything the helper owes is done once main returns: the document is written and the scratch
# database dropped (main's finally). What is left is the interpreter's teardown, which finalises
# every module Django loaded: 50–130 ms of a ~500 ms run, after the result is ready. The helper
# runs no non-daemon thread, so it ends as a warm fork child does (tldr_forkserver.ending): the
# atexit handlers (logging's flushes the project's log handlers), connections closed, streams
# flushed, then os._exit.
atexit._run_exitfuncs()
if "django.db" in sys.modules:
    try:
        sys.modules["django.db"].connections.close_all()
    except Exception:
        pass
sys.stdout.flush()
sys.stderr.flush()
os._exit(status)
