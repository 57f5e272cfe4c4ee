"""How the interpreter ends a program, for code that runs the program on its behalf.

- ``hide_own_frames(exc)``: an uncaught exception's traceback without tldr's frames, printed by
  whatever ``sys.excepthook`` the program left — so the traceback reads like ``python manage.py``'s.
  The bootstrap then lets the exception end the interpreter as usual (exit 1, or death by SIGINT
  after a KeyboardInterrupt, both done by CPython itself).
- ``finish(exc)``: the same ending done by hand, for a forked child that must never return into
  the fork server's loop: SystemExit's code (and message), the traceback, waiting for non-daemon
  threads, atexit handlers, flushing stdout/stderr, then ``os._exit`` — or SIGINT to itself after
  a KeyboardInterrupt, as CPython does (so a shell or Node sees "killed by SIGINT").
"""
import os
import signal
import sys

__all__ = ["hide_own_frames", "finish", "exit_code_of"]

_HERE = os.path.dirname(os.path.abspath(__file__))
_OWN = (_HERE + os.sep, os.path.join(os.path.dirname(_HERE), "tldr_bootstrap.py"), os.path.join(os.path.dirname(_HERE), "tldr_forkserver") + os.sep)


def _is_own(filename):
    return filename.startswith(_OWN) or filename in _OWN


def trimmed(tb):
    """The traceback from the first frame that is not tldr's (the program's first frame)."""
    while tb is not None and _is_own(tb.tb_frame.f_code.co_filename):
        tb = tb.tb_next
    return tb


def hide_own_frames(exc):
    """Prepares ``exc`` to be re-raised to the interpreter: its traceback starts at the program."""
    exc.__traceback__ = trimmed(exc.__traceback__)
    hook = sys.excepthook

    def excepthook(kind, value, tb):
        tb = trimmed(tb)
        # CPython prints the exception's own __traceback__ when it has one, not the argument.
        if isinstance(value, BaseException):
            value.__traceback__ = tb
        hook(kind, value, tb)

    sys.excepthook = excepthook


def exit_code_of(exc):
    """SystemExit's status as CPython computes it (printing a non-integer code to stderr)."""
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF  # what the OS keeps of exit(code)
    try:
        sys.stderr.write("%s\n" % (code,))
    except Exception:
        pass
    return 1


def finish(exc=None):
    """Ends this process like the interpreter ends a program that raised ``exc`` (None: returned)."""
    status = 0
    interrupted = False
    if isinstance(exc, SystemExit):
        status = exit_code_of(exc)
    elif exc is not None:
        interrupted = isinstance(exc, KeyboardInterrupt)
        try:
            exc.__traceback__ = trimmed(exc.__traceback__)
            sys.excepthook(type(exc), exc, exc.__traceback__)
        except Exception:
            pass
        status = 1
    _shutdown_threads()
    try:
        import atexit

        atexit._run_exitfuncs()
    except BaseException:
        pass
    if not _flush(sys.stdout) and status == 0:
        status = 120  # what CPython does when flushing stdout fails at exit
    _flush(sys.stderr)
    if interrupted:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
        status = 128 + signal.SIGINT
    os._exit(status)


def _shutdown_threads():
    import threading

    shutdown = getattr(threading, "_shutdown", None)
    if shutdown is None:
        return
    try:
        shutdown()
    except BaseException:
        pass


def _flush(stream):
    if stream is None:
        return True
    try:
        stream.flush()
        return True
    except Exception:
        return False
