"""What the query recording costs, by hand: the example backend's tests through tldr's runner
with recording on and off (TLDR_QUERY_RECORDING=off), alternating, on a real PostgreSQL.

    DATABASE_URL=postgres://tldr:pw@127.0.0.1:<port>/tldr python3 test/python/measure_recording.py \\
        [--python P] [--runs 15] [LABEL ...]          (default label: documents, the example's tests)

Prints, on and off side by side: the run's test time (the end event's durationMs: what recording
adds to) and the whole process — medians and minimums (the minimum is the steadiest figure on a
busy machine) — and the process' CPU time. Uses --keepdb, so the database is made once.

A busy machine moves a whole process by more than recording costs, so ``--in-process`` runs the
suite again and again in one Django process instead, alternating: recording on (its caches
emptied each time, so first-time costs count) and off (no wrapper on any connection); a third
kind of run times the recording's own code (begin and finish of every test, its summary, every
query's wrapper), which a busy machine barely moves, as a share of that run's test time.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
BACKEND = os.path.join(REPO, "example", "backend")


def once(python, labels, recording, extra_apps):
    with tempfile.TemporaryDirectory(prefix="tldr-measure-") as scratch:
        events = os.path.join(scratch, "events.ndjson")
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(REPO, "src", "python"), os.path.join(REPO, "test", "fixtures", "testapps")]),
                   TLDR_TEST_EVENTS=events, TLDR_EXAMPLE_EXTRA_APPS=extra_apps, TLDR_QUERY_RECORDING="on" if recording else "off")
        argv = [python, "manage.py", "test", "--noinput", "--keepdb", "--testrunner", "tldr_testrunner.TldrTestRunner"] + labels
        cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        done = subprocess.run(argv, cwd=BACKEND, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, universal_newlines=True)
        wall = (time.perf_counter() - t0) * 1000.0
        cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu1.ru_utime - cpu0.ru_utime + cpu1.ru_stime - cpu0.ru_stime) * 1000.0
        with open(events, encoding="utf-8") as fh:
            end = [json.loads(line) for line in fh][-1]
    if end.get("type") != "end":
        raise SystemExit("the run did not end: %s" % done.stderr[-2000:])
    if ("queries" in end) != recording:
        raise SystemExit("recording %s, yet the end event is %s" % ("on" if recording else "off", end))
    return end["durationMs"], wall, cpu, end.get("queries")


def in_process(labels, runs):
    """Runs in the child: the suite 2 x runs times through tldr's runner in this one process."""
    sys.path[:0] = [BACKEND, os.path.join(REPO, "src", "python"), os.path.join(REPO, "test", "fixtures", "testapps")]
    os.chdir(BACKEND)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tldr.settings")
    import django

    django.setup()
    import tldr_testrunner
    from django.db import connections

    session = tldr_testrunner._queries.load()
    samples = {True: [], False: [], "own": []}
    for i in range(runs * 3 + 3):
        kind = ("on", "off", "timed")[i % 3]
        recording = kind != "off"
        os.environ["TLDR_QUERY_RECORDING"] = "on" if recording else "off"  # read by each runner
        own = _time_own_code(session) if kind == "timed" else None
        recorder = session.recorder
        for alias in connections:
            connections[alias].execute_wrappers[:] = []
        recorder._shapes.clear()
        recorder._files.clear()
        session.finder._kinds.clear()
        session.finder._paths.clear()
        session._relations = None
        with open(os.environ["TLDR_TEST_EVENTS"], "w"):
            pass
        runner = tldr_testrunner.TldrTestRunner(keepdb=True, verbosity=0, interactive=False)
        runner.run_tests(labels)
        with open(os.environ["TLDR_TEST_EVENTS"], encoding="utf-8") as fh:
            end = [json.loads(line) for line in fh][-1]
        if own is not None:
            _untime(session)
        if i < 3:  # the first round warms the process
            continue
        if own is not None:
            samples["own"].append((own[0] * 1000.0, end["durationMs"]))
        else:
            samples[recording].append(end["durationMs"])
    print(json.dumps({"on": samples[True], "off": samples[False], "own": samples["own"]}))


_TIMED = ("begin", "finish", "_record", "run_started", "run_finished", "_execute")


def _untime(session):
    for name in _TIMED:
        session.recorder.__dict__.pop(name, None)
    session.__dict__.pop("summarize", None)


def _time_own_code(session):
    """Wraps the recording's entry points with timers (instance attributes, _untime removes them);
    returns [seconds so far]."""
    import time as clock

    spent = [0.0]
    recorder = session.recorder

    def timed(owner, name):
        original = getattr(owner, name)

        def call(*args, **kwargs):
            t0 = clock.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[0] += clock.perf_counter() - t0

        setattr(owner, name, call)

    for name in _TIMED[:-1]:
        timed(recorder, name)
    timed(session, "summarize")
    # The wrapper itself, minus the query it runs.
    execute = recorder._execute

    def wrapper(run, sql, params, many, context):
        t0 = clock.perf_counter()
        inner = [0.0]

        def run_timed(*args):
            t1 = clock.perf_counter()
            try:
                return run(*args)
            finally:
                inner[0] = clock.perf_counter() - t1

        try:
            return execute(run_timed, sql, params, many, context)
        finally:
            spent[0] += clock.perf_counter() - t0 - inner[0]

    recorder._execute = wrapper
    return spent


def measure_in_process(options, extra):
    with tempfile.TemporaryDirectory(prefix="tldr-measure-") as scratch:
        env = dict(os.environ, TLDR_TEST_EVENTS=os.path.join(scratch, "events.ndjson"), TLDR_EXAMPLE_EXTRA_APPS=extra)
        env.pop("TLDR_QUERY_RECORDING", None)
        argv = [options.python, os.path.abspath(__file__), "--child", "--runs", str(options.runs)] + options.labels
        done = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    samples = json.loads(done.stdout.strip().splitlines()[-1])
    print("%s, %s, in one process, %d runs each" % (options.python, " ".join(options.labels), options.runs))
    for name, pick in (("test run, median", statistics.median), ("test run, minimum", min)):
        on, off = pick(samples["on"]), pick(samples["off"])
        print("  %-26s on %8.1f ms   off %8.1f ms   %+6.1f%%" % (name, on, off, (on / off - 1) * 100.0))
    own = statistics.median(ms for ms, _ in samples["own"])
    share = statistics.median(ms / total for ms, total in samples["own"]) * 100.0
    print("  %-26s %.2f ms per run, %.1f%% of the run's test time (medians)" % ("recording's own code", own, share))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--python", default=os.path.join(BACKEND, ".venv", "bin", "python"))
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--in-process", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("labels", nargs="*", default=["documents"])
    options = parser.parse_args()
    options.python = os.path.abspath(options.python)  # not realpath: a venv's python is a symlink
    if options.child:
        return in_process(options.labels, options.runs)
    if not os.environ.get("DATABASE_URL"):
        parser.error("set DATABASE_URL to a PostgreSQL server you started for this")
    extra = ",".join(sorted({label.split(".")[0] for label in options.labels} - {"documents"}))
    if options.in_process:
        once(options.python, options.labels, True, extra)  # creates the kept database
        return measure_in_process(options, extra)
    once(options.python, options.labels, True, extra)  # creates the kept database
    samples = {True: [], False: []}
    queries = None
    for i in range(options.runs * 2):
        recording = i % 2 == 0
        tests_ms, wall_ms, cpu_ms, count = once(options.python, options.labels, recording, extra)
        samples[recording].append((tests_ms, wall_ms, cpu_ms))
        queries = count if recording else queries
    print("%s, %s, %d runs each, %s queries per run" % (options.python, " ".join(options.labels), options.runs, queries))
    rows = (
        ("test run, median", statistics.median, 0),
        ("test run, minimum", min, 0),
        ("whole process, median", statistics.median, 1),
        ("whole process, minimum", min, 1),
        ("process CPU time, median", statistics.median, 2),
    )
    for name, pick, index in rows:
        on, off = (pick(sample[index] for sample in samples[state]) for state in (True, False))
        print("  %-26s on %8.1f ms   off %8.1f ms   %+6.1f%%" % (name, on, off, (on / off - 1) * 100.0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
