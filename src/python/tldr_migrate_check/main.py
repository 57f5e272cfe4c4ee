"""Arguments, signals, the exit status (0: the checks ran, whatever they found · 2: bad arguments ·
3: a fatal problem, reported in the document's ``error`` · 130: interrupted)."""
import argparse
import json
import os
import signal
import sys
import traceback

from . import scratch
from .document import Fatal, log, write_document
from .project import put_project_first


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m tldr_migrate_check", description="Django migration checks for tldr (writes one JSON document)."
    )
    parser.add_argument(
        "--output",
        default=os.environ.get("TLDR_MIGRATE_CHECK_OUTPUT") or None,
        help="path of the JSON result document (required unless --list-rules; default $TLDR_MIGRATE_CHECK_OUTPUT, so tldr's command line is the same every run)",
    )
    parser.add_argument(
        "--since-file-list",
        metavar="FILE",
        help="a JSON array of migration files (relative to cwd) to lint instead of the unapplied ones; [] lints nothing",
    )
    parser.add_argument(
        "--since-file", action="append", metavar="PATH", help="one migration file to lint (may be repeated)"
    )
    parser.add_argument("--reversibility", action="store_true", help="check reversibility on a scratch database")
    parser.add_argument(
        "--no-observe", dest="observe", action="store_false", help="do not watch locks and rewrites on the scratch database"
    )
    parser.add_argument("--lock-timeout", help="the migrations.lock_timeout in effect (named in failures)")
    parser.add_argument("--database", default="default", help="database alias (default: default)")
    parser.add_argument("--list-rules", action="store_true", help="print every finding code, its severity and hint")
    parser.add_argument("--json", action="store_true", help="with --list-rules: as JSON")
    args = parser.parse_args(argv)
    if not args.list_rules and not args.output:
        parser.error("--output (or TLDR_MIGRATE_CHECK_OUTPUT) is required")
    args.since_files = None
    if args.since_file_list is not None:
        try:
            with open(args.since_file_list, encoding="utf-8") as fh:
                files = json.load(fh)
        except (OSError, ValueError) as exc:
            parser.error("--since-file-list %s: %s" % (args.since_file_list, exc))
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            parser.error("--since-file-list %s: expected a JSON array of strings" % args.since_file_list)
        args.since_files = list(files)
    if args.since_file:
        args.since_files = (args.since_files or []) + args.since_file
    return args


def list_rules(as_json):
    from .rules import RULES

    entries = [r.describe() for r in RULES.values()]
    if as_json:
        json.dump(entries, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    width = max(len(e["code"]) for e in entries)
    for e in entries:
        sys.stdout.write("%s  %-7s  %s\n%s  %s\n" % (e["code"].ljust(width), e["severity"], e["finds"], " " * width, e["hint"]))
    return 0


def on_stop():
    """What stopping early must do (Ctrl-C, SIGTERM, the parent gone): drop the scratch database."""
    scratch.drop_active()


def _on_sigterm(signum, frame):
    raise KeyboardInterrupt("terminated by signal %d" % signum)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # tldr gone (even by SIGKILL): interrupt the run like Ctrl-C and drop the scratch database
    # at once (on_stop is safe from any thread and idempotent); the finally blocks drop it too.
    import tldr_lifeline  # beside this package on PYTHONPATH

    def on_lost():
        tldr_lifeline.interrupt_main()
        on_stop()

    tldr_lifeline.install("TLDR_LIFELINE_FD", on_lost=on_lost)
    if args.list_rules:
        return list_rules(args.json)
    signal.signal(signal.SIGTERM, _on_sigterm)
    put_project_first()

    from .checker import Checker

    checker = Checker(args)
    status = 0
    try:
        checker.run()
    except KeyboardInterrupt as exc:
        checker.doc["error"] = {"message": "interrupted: %s" % (exc or "SIGINT"), "traceback": traceback.format_exc()}
        status = 130
    except Exception as exc:
        message = str(exc) if isinstance(exc, Fatal) else "%s: %s" % (type(exc).__name__, exc)
        checker.doc["error"] = {"message": message, "traceback": traceback.format_exc()}
        status = 3
    finally:
        on_stop()
    if "error" in checker.doc:
        log(checker.doc["error"]["message"])
    write_document(args.output, checker.doc)
    return status
