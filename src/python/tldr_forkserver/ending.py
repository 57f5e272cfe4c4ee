"""How a fork child ends: every step of CPython's shutdown a program can see, but the module teardown.

``python manage.py`` ends in Py_RunMain → Py_FinalizeEx. The child does the same steps itself, in
the same order, and skips ``finalize_modules`` — which, in a fork child, decrefs every object the
parent made and copies the pages they live on (``finalise``):

1. the program's end: a return is status 0; a SystemExit's status as _Py_HandleSystemExit has it
   (None → 0, an int → it, anything else printed to stderr → 1); any other exception goes through
   ``sys.excepthook`` as PyErr_Print sends it (``sys.last_*`` set; the traceback starts at the
   program's first frame), status 1;
2. ``threading._shutdown()``: non-daemon threads joined (wait_for_thread_shutdown);
3. ``atexit._run_exitfuncs()`` (logging's own handler flushes and closes its files);
4. sys.stdout and sys.stderr flushed (flush_std_files: a failure makes the status 120), then
   every Python-level signal handler back to SIG_DFL (_PySignal_Fini);
5. the child's own objects finalised (``finalise.finalise_young``), the streams flushed again;
6. ``os._exit(status & 0xff)`` — after an uncaught KeyboardInterrupt, SIGINT to itself with
   SIG_DFL (exit_sigint): the caller sees death by SIGINT.

``TLDR_WARM_FULL_EXIT=1`` in the request's environment gives the interpreter's own ending instead
(``child``), for comparison.
"""
import atexit
import os
import signal
import sys

from tldr_start.exiting import trimmed

from .finalise import finalise_young, unraisable

__all__ = ["run_and_end", "announce_to", "FULL_EXIT_ENV"]

FULL_EXIT_ENV = "TLDR_WARM_FULL_EXIT"
# What Py_RunMain / Py_Exit return when Py_FinalizeEx fails (a standard stream did not flush).
_FINALIZE_FAILED = 120


def run_and_end(program, start_files=()):
    """Runs ``program`` (a ``Program``) and ends this process as the interpreter would; never
    returns. ``start_files``: weak references to the io objects the parent's start opened."""
    status, interrupted = 1, False
    try:
        status, interrupted = _run(program)
        status = _shut_down(status, start_files)
    finally:
        _exit(status, interrupted)


def _run(program):
    """(status, interrupted by KeyboardInterrupt); an uncaught exception is printed outside the
    ``except`` block, as PyErr_Print runs the hook with no exception being handled."""
    try:
        program.run()
        return 0, False
    except BaseException as exc:
        ended = exc
    if isinstance(ended, SystemExit):
        return _exit_status(ended), False
    return _print_uncaught(ended)


def _exit_status(exc):
    """_Py_HandleSystemExit: None → 0, an int → it, anything else printed to stderr → 1."""
    try:
        code = exc.code
    except BaseException:
        code = exc
    if code is None:
        return 0
    if isinstance(code, int):
        return code if -(1 << 63) <= code < (1 << 63) else -1  # PyLong_AsLong's overflow
    _write_stderr(code)
    return 1


def _print_uncaught(exc):
    """PyErr_Print; returns (status, interrupted). A SystemExit from the hook ends it with that
    status (Py_Exit), any other error is shown with the original exception."""
    kind, tb = type(exc), trimmed(exc.__traceback__)
    exc.__traceback__ = tb
    sys.last_type, sys.last_value, sys.last_traceback = kind, exc, tb
    if sys.version_info >= (3, 12):
        sys.last_exc = exc
    hook = getattr(sys, "excepthook", None)
    try:
        sys.audit("sys.excepthook", hook, kind, exc, tb)
    except RuntimeError:
        return 1, isinstance(exc, KeyboardInterrupt)
    except Exception:
        pass
    try:
        if hook is None:
            _write_stderr("sys.excepthook is missing")
            sys.__excepthook__(kind, exc, tb)
        else:
            hook(kind, exc, tb)
    except SystemExit as raised:
        return _exit_status(raised), False
    except BaseException as error:
        error.__traceback__ = error.__traceback__.tb_next  # from the hook's frame, not this one
        _write_stderr("Error in sys.excepthook:")
        sys.__excepthook__(type(error), error, error.__traceback__)
        _write_stderr("\nOriginal exception was:")
        sys.__excepthook__(kind, exc, tb)
    return 1, isinstance(exc, KeyboardInterrupt)


def _shut_down(status, start_files):
    """Py_FinalizeEx without finalize_modules; returns the status (120 when a stream failed)."""
    threading = sys.modules.get("threading")
    if threading is not None:
        try:
            threading._shutdown()
        except BaseException as exc:
            unraisable(exc, threading)
    try:
        atexit._run_exitfuncs()
    except BaseException:
        pass  # each callback's error is printed already (3.8–3.10 re-raise the last one)
    flushed = _flush_std()
    _handlers_off()
    finalise_young(start_files)
    flushed = _flush_std() and flushed
    for stream in (sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()  # the originals, when the program replaced sys.stdout/stderr
        except BaseException:
            pass
    return status if flushed else _FINALIZE_FAILED


def _flush_std():
    """flush_std_files: False when a stream that is not closed failed to flush (stdout's error is
    reported)."""
    flushed = True
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name, None)
        if stream is None or _closed(stream):
            continue
        try:
            stream.flush()
        except BaseException as exc:
            flushed = False
            if name == "stdout":
                unraisable(exc, stream)
    return flushed


def _closed(stream):
    try:
        return bool(stream.closed)
    except BaseException:
        return False


def _handlers_off():
    """_PySignal_Fini: a signal with a Python handler now does what its default does."""
    for number in signal.valid_signals():
        try:
            if callable(signal.getsignal(number)):
                signal.signal(number, signal.SIG_DFL)
        except (OSError, ValueError, TypeError):
            pass


def _write_stderr(value):
    """PyFile_WriteObject(value, sys.stderr, Py_PRINT_RAW) and a newline."""
    try:
        if sys.stderr is None:
            os.write(2, (str(value) + "\n").encode("utf-8", "backslashreplace"))
        else:
            sys.stderr.write(str(value))
            sys.stderr.write("\n")
    except BaseException:
        pass


# A page the relay shares with this process (session.py): the status goes there first and the
# standard streams are closed, so the relay answers tldr at their end of file, without waiting for
# the kernel to take the process down (unmapping a forked Django: 5–10 ms). No descriptor: the
# program sees none it would not see in a plain start.
_shared = None


def announce_to(page):
    """``page``: an anonymous shared ``mmap`` of at least 2 bytes, made before the fork."""
    global _shared
    _shared = page


def _announce(status):
    """Everything is written and flushed: the status goes to the shared page, then the standard
    streams are closed (the relay reads their end of file now, not at the process's end)."""
    if _shared is None:
        return
    try:
        _shared[0:2] = bytes((1, status & 0xFF))
    except Exception:
        return
    for fd in (0, 1, 2):
        try:
            os.close(fd)
        except OSError:
            pass


def _exit(status, interrupted):
    if not interrupted:
        _announce(status)
    if interrupted:
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGINT)
        except BaseException:
            pass
        status = 128 + signal.SIGINT  # exit_sigint's answer when the signal did not end it
    os._exit(status & 0xff)
