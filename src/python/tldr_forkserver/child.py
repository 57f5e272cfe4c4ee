"""The forked child that runs one command: made to look like a fresh ``python manage.py …``.

Its own process group (signals reach what it starts too), default signal handling as a process
Node spawned would have it, stdin ``/dev/null``, stdout/stderr on the relay's socket pairs (what
Node gives a cold child), fd 3 the lifeline when asked for (``TLDR_LIFELINE_FD`` names it), the
descriptors Django's start opened (a log file) and no other; the request's cwd, environment (plus what the parent's start wrote to
it, as a plain start would), PYTHONPATH on ``sys.path``; what the start printed; then the
program. Never returns: ``ending`` ends the process as the interpreter ends ``python manage.py``
(status, traceback, threads, atexit, flushing, the child's own objects finalised) but without the
module teardown, which would copy the parent's pages. ``TLDR_WARM_FULL_EXIT=1`` in the request's
environment lets the program's end travel up to the interpreter instead (its own ending, to compare).
"""
import fcntl
import os
import signal
import sys

from tldr_start.django_boot import skip_next_logging_setup
from tldr_start import prepared
from tldr_start.exiting import run_as_main
from tldr_start.program import Program

from .ending import FULL_EXIT_ENV, announce_to, run_and_end
from .watch import forget_unreachable_helpers

__all__ = ["run_child"]

LIFELINE_FD = 3
# What src/python/tldr_lifeline.py reads (tldr sets it the same way for a cold child).
LIFELINE_ENV = "TLDR_LIFELINE_FD"
# Every descriptor above the standard ones (and the lifeline) is closed; the status pipe (and a
# held request's go pipe) wait up here until the program starts.
_HIGH_FD = 64


def run_child(request, pipes, watch, sockets, end_page=None):
    """``pipes``: dict with out_w, err_w, status_w and optional lifeline_r and go_r (a held
    request: the program waits for one byte there; end of file means nothing runs), or pause_r
    and verdict_w (a prepared test run: tldr_start/prepared.py). ``sockets``:
    the Python socket objects this process inherited (detached, never closed: their numbers are
    about to belong to the program). ``end_page``: the page shared with the relay where the exit
    status goes just before the process ends (``ending``)."""
    status = pipes["status_w"]
    go = pipes.get("go_r")
    try:
        status = fcntl.fcntl(status, fcntl.F_DUPFD, _HIGH_FD)
        if go is not None:
            go = fcntl.fcntl(go, fcntl.F_DUPFD, _HIGH_FD)
        private = {status} | ({go} if go is not None else set())
        if pipes.get("pause_r") is not None:
            pause = fcntl.fcntl(pipes["pause_r"], fcntl.F_DUPFD, _HIGH_FD)
            verdict = fcntl.fcntl(pipes["verdict_w"], fcntl.F_DUPFD, _HIGH_FD)
            private |= {pause, verdict}
            prepared.arm(pause, verdict)
        _prepare(request, pipes, watch, sockets, private)
        program = Program.parse(request["argv"])
        program.prepare()
        skip_next_logging_setup()
    except BaseException as exc:
        _report_failure(status, exc)
        os._exit(70)
    os.close(status)  # end-of-file there: the relay says "started" (or "held")
    if go is not None:
        _await_go(go)
    _write_start_output(watch.boot.printed)
    if os.environ.get(FULL_EXIT_ENV) != "1":
        if end_page is not None:
            announce_to(end_page)
        run_and_end(program, watch.boot.files)
    # The program's end travels up through the server's frames (none catches it in a child).
    run_as_main(program)
    raise SystemExit(0)


def _await_go(fd):
    """A held request: prepared, nothing of the program run yet; one byte starts it, end of file
    (the client gave up: the services did not answer, the environment changed) ends it silently."""
    while True:
        try:
            data = os.read(fd, 1)
            break
        except InterruptedError:
            continue
        except OSError:
            data = b""
            break
    if not data:
        os._exit(0)
    os.close(fd)


def _prepare(request, pipes, watch, sockets, private):
    os.setpgid(0, 0)
    _default_signals()
    for sock in sockets:
        try:
            sock.detach()
        except Exception:
            pass
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(pipes["out_w"], 1)
    os.dup2(pipes["err_w"], 2)
    keep = {0, 1, 2} | private | watch.boot.fds
    lifeline = None
    if pipes.get("lifeline_r") is not None:
        # Where tldr puts it for a cold child, unless the start's own files took that number.
        lifeline = min(fd for fd in range(LIFELINE_FD, _HIGH_FD) if fd not in keep)
        os.dup2(pipes["lifeline_r"], lifeline)
        keep.add(lifeline)
    _close_all_but(keep)
    os.chdir(request["cwd"])
    _environment(request["env"], watch.boot.env_writes)
    os.environ.pop(LIFELINE_ENV, None)
    if lifeline is not None:
        os.environ[LIFELINE_ENV] = str(lifeline)
    sys.path[:] = watch.sys_path_for([p for p in request["env"].get("PYTHONPATH", "").split(os.pathsep) if p])
    forget_unreachable_helpers(sys.path)
    _stdio()


def _default_signals():
    """What a Python that Node (libuv) spawned starts with: everything default, SIGINT raising
    KeyboardInterrupt, SIGPIPE and SIGXFSZ ignored, nothing blocked."""
    try:
        signal.set_wakeup_fd(-1)
    except (ValueError, OSError):
        pass
    for name in ("SIGTERM", "SIGHUP", "SIGQUIT", "SIGCHLD", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGTSTP", "SIGTTIN", "SIGTTOU"):
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for name in ("SIGPIPE", "SIGXFSZ"):
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_SETMASK, [])


def _environment(env, boot_writes):
    os.environ.clear()
    os.environ.update(env)
    for key, value in boot_writes.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _stdio():
    """stdout block-buffered and stderr line-buffered on pipes, as the interpreter makes them
    (the parent's streams were made for whatever its own stdout was)."""
    for stream, fd in ((sys.__stdout__, 1), (sys.__stderr__, 2)):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        buffered = not stream.write_through  # -u / PYTHONUNBUFFERED: the same in parent and child
        try:
            reconfigure(line_buffering=buffered and (fd == 2 or os.isatty(fd)))
        except Exception:
            pass


def _write_start_output(printed):
    """What Django's start printed in the parent: a plain start prints it before the command runs."""
    for fd in (1, 2):
        data = printed.get(fd, b"")
        try:
            while data:
                data = data[os.write(fd, data):]
        except OSError:
            pass


def _close_all_but(keep):
    """Closes every descriptor not in ``keep`` (the server's sockets and pipes, whatever the
    server itself inherited)."""
    low = 0
    for fd in sorted(keep) + [_max_fd()]:
        if fd > low:
            os.closerange(low, fd)
        low = fd + 1


def _max_fd():
    try:
        return min(os.sysconf("SC_OPEN_MAX"), 1 << 20)
    except (ValueError, OSError):
        return 65536


def _report_failure(fd, exc):
    if fd is None:
        return
    message = ("%s: %s" % (type(exc).__name__, exc)).encode("utf-8", "replace")[:4000]
    try:
        os.write(fd, message or b"failed")
    except OSError:
        pass
