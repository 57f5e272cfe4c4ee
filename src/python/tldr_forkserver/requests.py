"""Is a run request one this parent can serve exactly as a cold start would? ``invalid`` returns
why not (the client runs it cold) or None."""
import json
import os

from tldr_start.program import Program, ProgramError

from .session import SIGNALS

__all__ = ["invalid", "preparable", "prepared_key", "test_run", "INTERACTIVE"]

# Commands that want a terminal or run until stopped: tldr runs them cold.
INTERACTIVE = {"runserver", "shell", "dbshell", "shell_plus", "runserver_plus", "testserver"}


def invalid(request, served, manage):
    """``served``: the folder the parent serves; ``manage``: the real path of its manage.py."""
    argv, env, cwd = request.get("argv"), request.get("env"), request.get("cwd")
    if not isinstance(argv, list) or not all(isinstance(a, str) for a in argv):
        return "argv must be a list of strings"
    if not isinstance(env, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items()):
        return "env must map strings to strings"
    if not isinstance(cwd, str) or os.path.realpath(cwd) != os.path.realpath(served):
        return "this server runs commands in %s, not %s" % (served, cwd)
    if request.get("hold") not in (None, False, True):
        return "hold must be true or false"
    if request.get("prepare") not in (None, False, True):
        return "prepare must be true or false"
    late = request.get("lateEnv", [])
    if not isinstance(late, list) or not all(isinstance(k, str) for k in late):
        return "lateEnv must be a list of variable names"
    if request.get("tty"):
        return "a terminal cannot be relayed: run it cold"
    if request.get("stopSignal") not in (None,) + tuple(SIGNALS):
        return "stopSignal must be one of %s" % ", ".join(SIGNALS)
    grace = request.get("graceMs", 10000)
    if not isinstance(grace, (int, float)) or isinstance(grace, bool) or not 0 <= grace <= 600000:
        return "graceMs must be a number of milliseconds up to 600000"
    try:
        program = Program.parse(argv)
    except ProgramError as exc:
        return str(exc)
    if program.kind == "script":
        if os.path.realpath(os.path.join(served, program.target)) != manage:
            return "only %s runs here, not %s" % (manage, program.target)
        if program.args and program.args[0] in INTERACTIVE:
            return "`manage.py %s` needs a terminal or runs until stopped: run it cold" % program.args[0]
    options = program.django_options()
    if options:
        return "%s chooses other settings than this server's: run it cold" % " and ".join(options)
    return None


# What tldr runs for `tldr test --keepdb`: only its own runner pauses a prepared run.
_RUNNER = ("--testrunner", "tldr_testrunner.TldrTestRunner")


def test_run(request):
    """A `manage.py test` run (it sets up the test databases)."""
    argv = request.get("argv") or []
    return len(argv) > 1 and argv[1] == "test"


def preparable(request):
    """Whether the next run like this one may be prepared: asked for, tldr's runner, the kept test
    database (a prepared run must not hold a database of its own between runs)."""
    if request.get("prepare") is not True or not test_run(request):
        return False
    args = request["argv"][2:]
    options = args[: args.index("--")] if "--" in args else args
    runner = any(options[i:i + 2] == list(_RUNNER) for i in range(len(options)))
    return runner and "--keepdb" in options and "TLDR_TEST_DB_SUFFIX" not in request["env"]


def prepared_key(request):
    """What two requests must share for one to adopt the run prepared from the other."""
    late = set(request.get("lateEnv") or [])
    return json.dumps(
        [
            request["argv"],
            request["cwd"],
            bool(request.get("lifeline")),
            request.get("stopSignal") or "SIGTERM",
            request.get("graceMs", 10000),
            sorted(late),
            sorted((k, v) for k, v in request["env"].items() if k not in late),
        ]
    )
