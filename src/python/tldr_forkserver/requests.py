"""Is a run request one this parent can serve exactly as a cold start would? ``invalid`` returns
why not (the client runs it cold) or None."""
import os

from tldr_start.program import Program, ProgramError

from .session import SIGNALS

__all__ = ["invalid", "INTERACTIVE"]

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
