"""End-to-end check of the query recording, by hand: tldr's runner runs the nplusone_cases
fixture app (in example/backend) on a real PostgreSQL, serial and with --parallel 2, and every
event is compared with test/fixtures/testapps/nplusone_cases/expected.json.

    docker run -d --label tldr-test-owner=$USER -e POSTGRES_USER=tldr -e POSTGRES_PASSWORD=pw \\
        -e POSTGRES_DB=tldr -p 127.0.0.1::5432 tldr-test/postgres:15        # then `docker port <id>`
    DATABASE_URL=postgres://tldr:pw@127.0.0.1:<port>/tldr python3 test/python/e2e_nplusone.py \\
        [--python example/backend/.venv/bin/python] [--python /usr/bin/python3]

Prints one line per run and exits 1 when anything differs. Not collected by ``python -m unittest``.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from markers import marked_line  # noqa: E402
REPO = os.path.dirname(os.path.dirname(HERE))
BACKEND = os.path.join(REPO, "example", "backend")
APP = os.path.join(REPO, "test", "fixtures", "testapps", "nplusone_cases")
PYTHONS = [os.path.join(BACKEND, ".venv", "bin", "python"), "/usr/bin/python3"]


def site(spec):
    """(path relative to the backend folder, line) of an expected.json site."""
    path = os.path.join(APP, spec["file"])
    return os.path.relpath(path, BACKEND).replace(os.sep, "/"), marked_line(path, spec["marker"])


def ignore_config(expected):
    entries = []
    for entry in expected["ignore"]:
        if "site" in entry:
            entries.append({"site": "%s:%d" % site(entry["site"]), "reason": entry["reason"]})
        else:
            entries.append(entry)
    return {"threshold": expected["threshold"], "ignore": entries}


def run(python, parallel, expected, recording=True):
    with tempfile.TemporaryDirectory(prefix="tldr-e2e-") as scratch:
        events_path = os.path.join(scratch, "events.ndjson")
        captured_path = os.path.join(scratch, "captured.ndjson")
        env = dict(
            os.environ,
            PYTHONPATH=os.pathsep.join([os.path.join(REPO, "src", "python"), os.path.dirname(APP)]),
            TLDR_EXAMPLE_EXTRA_APPS="nplusone_cases",
            TLDR_TEST_EVENTS=events_path,
            TLDR_N_PLUS_ONE_CONFIG=json.dumps(ignore_config(expected)),
            NPLUSONE_CAPTURED=captured_path,
        )
        env.pop("TLDR_QUERY_RECORDING", None)
        if not recording:
            env["TLDR_QUERY_RECORDING"] = "off"
        argv = [python, "manage.py", "test", "--noinput", "--testrunner", "tldr_testrunner.TldrTestRunner"]
        if parallel > 1:
            argv += ["--parallel", str(parallel)]
        argv += ["nplusone_cases"]
        done = subprocess.run(argv, cwd=BACKEND, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
        with open(events_path, encoding="utf-8") as fh:
            events = [json.loads(line) for line in fh]
        captured = []
        if os.path.exists(captured_path):
            with open(captured_path, encoding="utf-8") as fh:
                captured = [json.loads(line) for line in fh]
    return done, events, captured


def check(events, captured, expected, recording):
    problems = []
    tests = {e["id"]: e for e in events if e["type"] == "test"}
    findings = [e for e in events if e["type"] == "finding"]
    start = next(e for e in events if e["type"] == "start")
    end = next(e for e in events if e["type"] == "end")
    if start["total"] != expected["total"] or len(tests) != expected["total"]:
        problems.append("expected %d tests, got start.total %d and %d events" % (expected["total"], start["total"], len(tests)))
    bad = [t for t in tests.values() if t["outcome"] != "passed"]
    problems += ["%s: %s %s" % (t["id"], t["outcome"], t.get("message", "")[:300]) for t in bad]
    if not recording:
        if findings or any("queries" in t for t in tests.values()) or "queries" in end:
            problems.append("recording off, yet query fields or findings were reported")
        return problems

    # Each finding follows its own test's event.
    order = [e.get("id") or e.get("test") for e in events if e["type"] in ("test", "finding")]
    for i, e in enumerate(e for e in events if e["type"] in ("test", "finding")):
        if e["type"] == "finding" and order[i - 1] != e["test"]:
            problems.append("finding of %s does not follow its test's event" % e["test"])
    got = {}
    for f in findings:
        if f["test"] in got:
            problems.append("%s: more than one finding" % f["test"])
        got[f["test"]] = f
    for kind in ("findings", "ignored"):
        for test, want in expected[kind].items():
            f = got.pop(test, None)
            if f is None:
                problems.append("%s: expected a finding, got none" % test)
                continue
            file, line = site(want)
            have = (f["file"], f["line"], f["count"], f["code"], f["severity"])
            if have != (file, line, want["count"], "n-plus-one", "warning"):
                problems.append("%s: expected %s:%d x%d, got %s" % (test, file, line, want["count"], have))
            if kind == "findings":
                if "ignored" in f:
                    problems.append("%s: ignored, yet no entry names it" % test)
                if (f["fix"], f["relation"]) != (want["fix"], want["relation"]) or want["fix"] not in f["hint"]:
                    problems.append("%s: expected %s on %s, got %s / %s / %s" % (test, want["fix"], want["relation"], f["fix"], f["relation"], f["hint"]))
            elif f.get("ignored", {}).get(want["by"]) is None or not f["ignored"].get("reason"):
                problems.append("%s: expected ignored by %s, got %s" % (test, want["by"], f.get("ignored")))
    problems += ["%s: unexpected finding at %s:%s" % (t, f["file"], f["line"]) for t, f in got.items()]
    for test in expected["silent"]:
        if test not in tests:
            problems.append("%s: no event" % test)
    known = expected["knownCount"]["test"]
    counts = [c["queries"] for c in captured if c["test"] == known]
    if counts != [tests[known]["queries"]]:
        problems.append("%s: queries %s, CaptureQueriesContext %s" % (known, tests[known]["queries"], counts))
    setup = tests[expected["setupLoop"]["test"]]
    if setup["queries"] != expected["setupLoop"]["queries"] or setup["setupQueries"] < expected["setupLoop"]["setupQueriesAtLeast"]:
        problems.append("%s: queries %s, setupQueries %s" % (setup["id"], setup["queries"], setup["setupQueries"]))
    totals = (sum(t["queries"] for t in tests.values()), len(expected["findings"]), len(expected["ignored"]))
    if (end["queries"], end["findings"], end["ignoredFindings"]) != totals or end["setupQueries"] <= sum(t["setupQueries"] for t in tests.values()):
        problems.append("end: %s, expected queries/findings/ignored %s and setupQueries over the tests' own" % (end, totals))
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", action="append", help="default: the example venv and /usr/bin/python3")
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        parser.error("set DATABASE_URL to a PostgreSQL server you started for this (see --help)")
    with open(os.path.join(APP, "expected.json"), encoding="utf-8") as fh:
        expected = json.load(fh)
    failed = False
    for python in options.python or PYTHONS:
        for parallel, recording in ((1, True), (2, True), (1, False)):
            done, events, captured = run(python, parallel, expected, recording)
            problems = check(events, captured, expected, recording) if events else ["no events:\n" + done.stdout[-3000:]]
            if done.returncode != 0:
                problems.append("exit %d:\n%s" % (done.returncode, done.stdout[-3000:]))
            start = next((e for e in events if e["type"] == "start"), {})
            label = "%s Django %s, parallel %d, recording %s" % (python, start.get("django"), start.get("parallel", 0), "on" if recording else "off")
            print("%s %s" % ("ok  " if not problems else "FAIL", label))
            for problem in problems:
                print("     " + problem)
            failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
