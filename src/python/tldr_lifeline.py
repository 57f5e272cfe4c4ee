"""Stop when tldr is gone: the child end of tldr's "lifeline" pipe.

tldr starts its Python helpers (the test runner, the migration check) with one extra inherited
descriptor whose other end only the tldr process holds, and names it in an environment variable
(``TLDR_LIFELINE_FD=3``). When tldr exits — also by ``kill -9`` — the kernel closes its end and a
read here returns end-of-file. Then the helper stops the way Ctrl-C stops it (KeyboardInterrupt
in the main thread), so Django tears down its test databases and the migration check drops its
scratch database, instead of running on for minutes with nobody to report to.

Self-contained (stdlib only), Python >= 3.8. Without the variable ``install`` does nothing, so the
helpers still run by hand.

Assumptions, checked where tldr runs the helpers:
- ``uv run python …`` passes inherited descriptors to the Python it starts (it spawns a child
  without closing them; uv itself never holds tldr's end), so the descriptor survives it.
- The variable is removed from ``os.environ`` once read, and the descriptor made
  non-inheritable, so processes the helper starts later never mistake another descriptor 3 for
  the lifeline. Forked children (Django's ``--parallel`` workers) still hold a copy of this end;
  that never keeps the pipe open (only tldr holds the write end), and the test runner stops its
  workers itself.
- Once tldr is gone, its end of stdout/stderr is gone too: a write there would raise
  BrokenPipeError in the middle of the clean-up, so both are pointed at /dev/null first.
"""

import os
import signal
import stat
import threading
import time

__all__ = ["install", "lost"]

_lost = threading.Event()


def lost():
    """True once tldr is gone (the lifeline reached end-of-file)."""
    return _lost.is_set()


def install(fd_env_var="TLDR_LIFELINE_FD", on_lost=None, grace_seconds=30.0):
    """Start watching the descriptor named by ``fd_env_var``; return whether it is watched.

    ``on_lost()`` runs on the watcher thread when tldr is gone; the default interrupts the main
    thread like Ctrl-C (SIGINT to this process). If the process still runs ``grace_seconds``
    later (its main thread stuck in a call a signal cannot interrupt), it exits with 130."""
    raw = os.environ.pop(fd_env_var, "").strip()
    if not raw:
        return False
    try:
        fd = int(raw)
        mode = os.fstat(fd).st_mode
    except (ValueError, OSError):
        return False
    if not (stat.S_ISSOCK(mode) or stat.S_ISFIFO(mode)):
        return False  # not a pipe: not the lifeline tldr meant
    os.set_inheritable(fd, False)
    watcher = threading.Thread(target=_watch, args=(fd, on_lost or interrupt_main, grace_seconds), name="tldr-lifeline", daemon=True)
    watcher.start()
    return True


def interrupt_main():
    """What Ctrl-C does: SIGINT, KeyboardInterrupt in the main thread. Sent to that thread itself,
    so a blocking call there (sleep, a read) returns at once instead of after it completes."""
    try:
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)
    except (AttributeError, OSError):
        os.kill(os.getpid(), signal.SIGINT)


def _watch(fd, on_lost, grace_seconds):
    while True:
        try:
            chunk = os.read(fd, 512)
        except InterruptedError:
            continue
        except OSError:
            break
        if not chunk:
            break
    _lost.set()
    _silence_output()
    try:
        on_lost()
    except Exception:
        pass
    time.sleep(grace_seconds)
    os._exit(130)


def _silence_output():
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    for fd in (1, 2):
        try:
            os.dup2(devnull, fd)
        except OSError:
            pass
    os.close(devnull)
