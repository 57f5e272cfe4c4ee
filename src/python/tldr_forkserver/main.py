"""Arguments, start-up and the exit status of ``python -m tldr_forkserver``."""
import argparse
import json
import os
import sys
import time

__all__ = ["main"]

# Output of the start replayed to every child; a start that prints more is not served warm.
MAX_HELD = 1 << 20


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m tldr_forkserver", description="tldr's warm Django: forks one child per request (see the package docstring for the protocol).")
    parser.add_argument("--socket", required=True, help="the unix socket path to listen on (created 0600)")
    parser.add_argument("--idle-timeout", type=float, default=900.0, help="exit after this many seconds without a request (0: never; default 900)")
    parser.add_argument("--watch", action="append", default=[], metavar="FILE", help="also restart when this file changes, appears or goes (env files); repeatable")
    parser.add_argument("--preload", action="append", default=[], metavar="MODULE", help="also import this module once Django is set up; repeatable")
    parser.add_argument("--no-default-preload", action="store_true", help="import only what django.setup() imports (and --preload): not Django's command modules, tldr's helpers, the URLconf or the migrations")
    parser.add_argument("--reason", default="started", help="why this server was started, shown by status (e.g. the previous one's stale reason)")
    return parser.parse_args(argv)


def announce(event):
    """One JSON line on stdout for the supervisor: ready, refused, stale, exit."""
    event.setdefault("pid", os.getpid())
    try:
        sys.stdout.write(json.dumps(event, separators=(",", ":")) + "\n")
        sys.stdout.flush()
    except (OSError, ValueError):
        pass


def main(argv=None):
    started = time.perf_counter()
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from .boot import DEFAULT_PRELOAD, BootRefused, boot
    from .safety import open_fds, stray_sockets
    from .server import EXIT_REFUSED, Server
    from .watch import Watch

    from tldr_start.held import Held

    preload = ([] if args.no_default_preload else list(DEFAULT_PRELOAD)) + args.preload
    # What the start prints is every command's output (a plain start prints it each time), not
    # the supervisor's announcements: held, and written at the start of every child.
    inherited = open_fds()
    held = Held(skip_terminals=False)
    try:
        state = boot(preload, project=not args.no_default_preload)
    except BootRefused as exc:
        held.stop().write_out(to=2)  # into the server's log, to explain the refusal
        announce({"event": "refused", "reason": str(exc)})
        return EXIT_REFUSED
    held.stop()
    if held.size() > MAX_HELD:
        announce({"event": "refused", "reason": "Django's start printed %d bytes (more than %d): not kept for every command" % (held.size(), MAX_HELD)})
        return EXIT_REFUSED
    state.printed = held.captured
    state.inherited_fds = inherited
    state.fds = open_fds() - inherited - {0, 1, 2}
    left_open = stray_sockets(inherited)
    if left_open:
        announce({"event": "refused", "reason": "Django's start left %d socket(s) open (fd %s: a database or cache connection made at import?): a fork would share them with every command" % (len(left_open), ", ".join(map(str, left_open)))})
        return EXIT_REFUSED
    watch = Watch(state, args.watch)
    server = Server(state, watch, os.path.abspath(args.socket), args.idle_timeout, args.reason, announce)
    try:
        server.bind()
    except OSError as exc:
        announce({"event": "refused", "reason": "cannot listen on %s: %s" % (args.socket, exc)})
        return EXIT_REFUSED
    announce({
        "event": "ready",
        "socket": server.path,
        "django": state.django,
        "settings": state.settings,
        "bootMs": round((time.perf_counter() - started) * 1000.0, 1),
        "watched": watch.counts(),
    })
    return server.serve()
