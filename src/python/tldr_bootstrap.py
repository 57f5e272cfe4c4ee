"""The cold path's head start: Django set up while tldr still checks the services.

    <python> tldr_bootstrap.py --control-fd N [--await-env] -- manage.py ARGS…
    <python> tldr_bootstrap.py --control-fd N [--await-env] -- -m MODULE ARGS…

tldr starts this in place of ``<python> manage.py ARGS…`` — same cwd, env and stdio — with one
more descriptor N (a socket pair) for a line-based JSON conversation:

    tldr → bootstrap   {"op": "env", "env": {…}}   only with --await-env: the full environment
                                                  the command gets; Django is set up after it
    tldr → bootstrap   {"op": "go", "env": {…}}    the full environment tldr would now give the
                                                  command (once the services are confirmed)
    tldr → bootstrap   end of file                 nothing runs; exit 0, no output
    bootstrap → tldr   {"event": "ready", …}       preparation done (mode "setup", "import" or
                                                  "failed", with the reason when not "setup")
    bootstrap → tldr   {"event": "started", …}     the program runs now, in this process
    bootstrap → tldr   {"event": "declined", "reason": …}   nothing ran; exit 0: run it cold

Preparation: ``import django`` and, when manage.py is Django's template and the settings module is
known (``DJANGO_SETTINGS_MODULE``, else manage.py's setdefault literal), ``django.setup()`` with
``sys.argv`` / ``sys.path[0]`` already as the program will see them. Output written meanwhile is
held in memory (when stdout/stderr are not terminals) and written out on go, or dropped.

On go with the same environment the preparation saw: the program runs exactly as
``python manage.py ARGS…`` would — its own setdefault and set-up run as written, its exit
status, signals and tracebacks are the interpreter's. A different environment (a port moved, a
service restarted) is declined: the preparation read the old one. Standard library only.
"""
import json
import os
import signal
import sys
import time

_STARTED = time.perf_counter()
_SIGINT_AT_START = signal.getsignal(signal.SIGINT)


def _quiet_interrupt(signum, frame):
    # Ctrl-C before go: nothing of the user's command ran; tldr reports the interrupt.
    os._exit(130)


signal.signal(signal.SIGINT, _quiet_interrupt)

from tldr_start import environ as envmod  # noqa: E402  (beside this file: sys.path[0])
from tldr_start.django_boot import setup_ahead, skip_next_logging_setup  # noqa: E402
from tldr_start.exiting import run_as_main  # noqa: E402
from tldr_start.held import Held  # noqa: E402
from tldr_start.manage_py import inspect, settings_module  # noqa: E402
from tldr_start.program import Program, ProgramError  # noqa: E402


class Control:
    """Line-based JSON on the control descriptor (a socket pair end or a pipe pair)."""

    def __init__(self, fd):
        self.fd = fd
        self.buffer = b""

    def send(self, message):
        data = (json.dumps(message, separators=(",", ":")) + "\n").encode("utf-8")
        try:
            while data:
                data = data[os.write(self.fd, data):]
        except OSError:
            pass  # tldr gone: the next read sees end-of-file

    def receive(self):
        """The next message, or None at end of file."""
        while b"\n" not in self.buffer:
            try:
                chunk = os.read(self.fd, 65536)
            except InterruptedError:
                continue
            except OSError:
                return None
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            message = json.loads(line.decode("utf-8"))
        except ValueError:
            return {"op": "invalid"}
        return message if isinstance(message, dict) else {"op": "invalid"}

    def close(self):
        try:
            os.close(self.fd)
        except OSError:
            pass


def parse_args(argv):
    control_fd = None
    await_env = False
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            return control_fd, await_env, argv[i + 1:]
        if arg == "--control-fd" and i + 1 < len(argv):
            control_fd = int(argv[i + 1])
            i += 2
            continue
        if arg == "--await-env":
            await_env = True
            i += 1
            continue
        raise SystemExit("tldr_bootstrap: unknown argument %r (usage: --control-fd N [--await-env] -- PROGRAM ARGS…)" % arg)
    raise SystemExit("tldr_bootstrap: missing `-- PROGRAM ARGS…`")


def prepare(program):
    """Imports and, where it gives the same result, sets Django up. Returns (mode, settings, reason, import ms, setup ms)."""
    template = inspect(program.script_file) if program.is_manage_py else None
    settings = settings_module(os.environ, template) if template else os.environ.get("DJANGO_SETTINGS_MODULE") or None
    reason = None
    if program.kind == "script" and not program.is_manage_py:
        reason = "%s is not manage.py" % program.target
    elif template is not None and not template.standard:
        reason = template.reason
    elif program.django_options():
        reason = "%s on the command line chooses the settings" % " and ".join(program.django_options())
    elif not settings:
        reason = "the settings module is unknown (no DJANGO_SETTINGS_MODULE, no setdefault in manage.py)"
    started = time.perf_counter()
    if reason is not None:
        try:
            import django  # noqa: F401
            import django.core.management  # noqa: F401
        except Exception as exc:
            return "failed", settings, "import django: %s: %s" % (type(exc).__name__, exc), 0.0, 0.0
        return "import", settings, reason, (time.perf_counter() - started) * 1000.0, 0.0
    try:
        import_ms, setup_ms = setup_ahead(settings)
    except Exception as exc:
        return "failed", settings, "django.setup() raised %s: %s" % (type(exc).__name__, exc), 0.0, 0.0
    return "setup", settings, None, import_ms, setup_ms


def await_environment(control, spawned_env):
    """--await-env: import Django while tldr computes the environment, then take it on. Returns
    (None, None) to go on preparing, or ("failed", reason)."""
    with envmod.record() as recording:
        try:
            import django  # noqa: F401
            import django.core.management  # noqa: F401
        except Exception:
            pass  # prepare() imports again and reports the error
    message = control.receive()
    if message is None:
        os._exit(0)
    new = message.get("env")
    if message.get("op") != "env" or not isinstance(new, dict) or not all(isinstance(v, str) for v in new.values()):
        return "failed", "expected an env message first"
    # Fixed when the interpreter started, or read by the imports above: must not change.
    keys = set(envmod.interpreter_keys(spawned_env)) | set(envmod.interpreter_keys(new)) | {envmod.PYTHONPATH} | set(recording.reads)
    if recording.iterated is not None:
        keys |= set(spawned_env) | set(new)
    changed = envmod.differences(keys, spawned_env, new)
    if changed:
        return "failed", "the interpreter started with other values of %s" % ", ".join(changed[:10])
    os.environ.clear()
    os.environ.update(new)
    return None, None


def main():
    control_fd, await_env, argv = parse_args(sys.argv[1:])
    if control_fd is None:
        raise SystemExit("tldr_bootstrap: --control-fd is required")
    os.set_inheritable(control_fd, False)
    control = Control(control_fd)
    try:
        program = Program.parse(argv)
    except ProgramError as exc:
        raise SystemExit("tldr_bootstrap: %s" % exc)
    # argv and sys.path[0] as the program will have them, before anything is imported for it
    # (settings read sys.argv: `TESTING = "test" in sys.argv`).
    program.prepare()
    held = Held()
    spawned_env = dict(os.environ)
    mode, settings, reason, import_ms, setup_ms = None, None, None, 0.0, 0.0
    if await_env:
        mode, reason = await_environment(control, spawned_env)
    prepared_env = dict(os.environ)
    if mode is None:
        mode, settings, reason, import_ms, setup_ms = prepare(program)
    control.send({"event": "ready", "pid": os.getpid(), "mode": mode, "settings": settings, "reason": reason, "importMs": round(import_ms, 1), "setupMs": round(setup_ms, 1), "sinceStartMs": round((time.perf_counter() - _STARTED) * 1000.0, 1)})
    waiting = time.perf_counter()
    message = control.receive()
    if message is None:
        os._exit(0)  # tldr decided not to run it (or is gone): nothing ran, nothing printed
    if message.get("op") != "go" or not isinstance(message.get("env"), dict):
        decline(control, "expected a go message with the environment")
    if mode == "failed":
        decline(control, reason)
    # The program must see what a plain start would give it; what the preparation did to
    # os.environ (a setdefault) happened in a plain start too.
    changed = envmod.differences(set(prepared_env) | set(message["env"]), prepared_env, message["env"])
    if changed:
        decline(control, "the environment changed after preparation: %s" % ", ".join(changed[:10]))
    control.send({"event": "started", "mode": mode, "waitedMs": round((time.perf_counter() - waiting) * 1000.0, 1)})
    control.close()
    held.stop().write_out()
    signal.signal(signal.SIGINT, _SIGINT_AT_START)
    if mode == "setup":
        skip_next_logging_setup()
    run_as_main(program)


def decline(control, reason):
    control.send({"event": "declined", "reason": reason})
    control.close()
    os._exit(0)


if __name__ == "__main__":
    main()
