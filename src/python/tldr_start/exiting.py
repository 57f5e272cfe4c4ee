"""Ending the program the way the interpreter ends ``python manage.py``: by letting it end it.

The bootstrap (and a fork server's child with ``TLDR_WARM_FULL_EXIT=1``; otherwise the child
ends itself in ``tldr_forkserver.ending``, using ``trimmed``) lets the program's SystemExit or
exception travel up to the interpreter, which then does what it always does — the exit status
(and SystemExit's message), the traceback through ``sys.excepthook``, waiting for non-daemon
threads, atexit handlers, flushing and finalising every module (unclosed files are flushed,
``__del__`` runs), and death by SIGINT after a KeyboardInterrupt. Only the traceback needs help:
``hide_own_frames`` makes it start at the program's first frame, as in a plain start.
"""
import os
import sys

__all__ = ["run_as_main", "hide_own_frames", "trimmed"]

# Program.run: every frame below it is the program's (runpy's frames included, as ``-m`` has them).
_RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "program.py")
_RUNNER_FUNCTION = "run"


def trimmed(tb):
    """The part of ``tb`` below ``Program.run``; all of it when the program never started."""
    start = tb
    entry = tb
    while entry is not None:
        code = entry.tb_frame.f_code
        if code.co_filename == _RUNNER and code.co_name == _RUNNER_FUNCTION:
            start = entry.tb_next
        entry = entry.tb_next
    return start


def hide_own_frames(exc):
    """Prepares ``exc`` to be re-raised to the interpreter: its traceback starts at the program,
    printed by whatever ``sys.excepthook`` the program left in place."""
    first = trimmed(exc.__traceback__)
    exc.__traceback__ = first
    hook = sys.excepthook

    def excepthook(kind, value, tb):
        # On its way up the exception gained entries for tldr's frames in front of ``first``.
        entry = tb
        while entry is not None and entry is not first:
            entry = entry.tb_next
        tb = entry if entry is not None else trimmed(tb)
        # CPython prints the exception's own __traceback__ when it has one, not the argument.
        if isinstance(value, BaseException):
            value.__traceback__ = tb
        hook(kind, value, tb)

    sys.excepthook = excepthook


def run_as_main(program):
    """Runs ``program`` (a ``Program``); what ends it travels on to the interpreter, an
    exception with the traceback a plain start would print."""
    try:
        program.run()
    except SystemExit:
        raise
    except BaseException as exc:
        hide_own_frames(exc)
        raise
