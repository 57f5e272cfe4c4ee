"""Django test runner used by ``tldr test``: Django's normal run plus per-test NDJSON events.

Self-contained (stdlib + Django + tldr_lifeline.py beside it; tldr_start/prepared.py when the
warm fork server prepares the run), Python >= 3.8, Django 3.2 ... 5.2.
tldr runs::

    <python> manage.py test --noinput --testrunner tldr_testrunner.TldrTestRunner \
        [--keepdb] [--parallel N|auto] [--failfast] [LABEL ...]

with this file's directory on PYTHONPATH. Environment:

TLDR_TEST_EVENTS=/path/events.ndjson
    Append one JSON object per line, flushed at once (written by the parent process only):
      {"type":"start","total":N,"shard":"I/N"|null,"parallel":P,"django":"5.2.1","python":"3.11.2"}
      {"type":"test","id":"app.tests.Case.test_x","outcome":"passed|failed|error|skipped",
       "durationMs":12.3,"message":"...",          (message only when there is something to say)
       "queries":7,"setupQueries":2,"topQueries":[{"shape":"SELECT ...","count":6,"file":"app/x.py","line":12}],
       "queriesUngrouped":N,"findingsOmitted":N}   (query fields while recording; the last two only
                                                   when over 500 distinct shapes/sites, 10 findings)
      {"type":"finding","code":"n-plus-one","severity":"warning","test":"app.tests.Case.test_x",
       "file":"app/reports.py","line":12,"count":6,"shape":"SELECT ... WHERE \"t\".\"id\" = ? LIMIT ?",
       "hint":"...","fix":"select_related|prefetch_related|null","relation":"Book.author|null",
       "ignored":{"site"|"test":"...","reason":"..."}}   (ignored only when an ignore entry silenced it)
      {"type":"end","passed":..,"failed":..,"errors":..,"skipped":..,"durationMs":..,"stopped":bool,
       "queries":N,"setupQueries":M,"findings":F,"ignoredFindings":G}      (query fields while recording)
    Expected failures count as passed, unexpected successes as failed. Errors outside a test
    (setUpClass/tearDownClass/setUpModule/tearDownModule, a test module that fails to import)
    become "error" events with ids like "app.tests.Case.setUpClass", "app.tests.setUpModule",
    "app.tests_broken" (the module that failed to import).
    Queries (tldr_queries/, beside this file): "queries" counts the statements the test method
    sent through Django's cursors (what CaptureQueriesContext around its body counts, but for the
    COMMIT/ROLLBACK lines Django >= 4.2 adds there, which no test inside a TestCase sends);
    "setupQueries" those of its setUp/tearDown/cleanups; the end event's "setupQueries" adds all
    outside tests (setUpTestData, class and module fixtures). "topQueries": up to 3 shapes (SQL
    without literals or parameter values, at most 240 characters) by count, each with the call
    site issuing most of them. A "finding" follows its test's event: one SELECT shape issued from
    one call site (the first frame in the project's own code) at least `threshold` times in the
    test method — counted per test-client request when it ran in one. Queries in threads without
    a project frame (Django's async ORM) have no call site and are never findings. File paths are
    relative to the current directory (the project folder), with "/".
TLDR_N_PLUS_ONE_CONFIG={"threshold":5,"ignore":[{"test":"app.tests.X.test_y","reason":"..."},
                        {"site":"app/reports.py:12","reason":"..."}],"enabled":true}
    tests.n_plus_one of tldr.config.yaml (keys other than these are ignored). threshold >= 2
    (default 5); "test" silences a test id or a dotted prefix of one (a class, a module); "site"
    a "file:line" or a whole "file", relative to the project folder; a reason is required.
    Silenced findings are still reported, with "ignored". A malformed value exits 2.
TLDR_QUERY_RECORDING=0
    (also off/false/no) record nothing: no query fields, no findings — the recording's cost is
    measured against this. "enabled": false in TLDR_N_PLUS_ONE_CONFIG does the same.
TLDR_BASE_TEST_RUNNER=dotted.path.Runner
    The project's runner to wrap; default: settings.TEST_RUNNER unless that is this class,
    else django.test.runner.DiscoverRunner.
TLDR_TEST_SHARD=I/N
    Keep only the tests whose index in the sorted list of all test ids satisfies
    index % N == I - 1 (1 <= I <= N), so N jobs run each test exactly once.
TLDR_TEST_DURATIONS=/path/durations.json
    With TLDR_TEST_SHARD: balance the shards by these recorded times (JSON test id -> seconds),
    tests without one counted at the mean (see shard_ids).
TLDR_TEST_DB_SUFFIX=abc123
    Name each test database ``<its test name>_abc123`` (``test_tldr_abc123``, clones
    ``test_tldr_abc123_1`` ...), so concurrent runs without --keepdb never share one.
TLDR_LIFELINE_FD=3
    tldr's lifeline (see tldr_lifeline.py): when tldr is gone, the run stops at once — serial:
    KeyboardInterrupt in the running test, like a second Ctrl-C; parallel: Django's own stop,
    which terminates the worker pool — and Django tears its test databases down; a run still
    setting up its databases stops before the first test.

SIGINT while the test databases are created or dropped is held until that is done (an interrupt
there would leave a half-made or undropped database): after set-up the run stops before the first
test (Django's teardown runs); after teardown the signal reaches unittest's handler.

``--parallel auto`` is also accepted on Django 3.2 (which only knows a bare ``--parallel``).
"""

import contextlib
import io
import json
import os
import re
import signal
import sys
import threading
import time
import traceback
import unittest

import django
import tldr_lifeline
import tldr_queries
from django.test.runner import RemoteTestResult, RemoteTestRunner
from tldr_queries.settings import CONFIG_ENV as QUERIES_ENV
from tldr_queries.settings import SettingsError

__all__ = ["TldrTestRunner"]

EVENTS_ENV = "TLDR_TEST_EVENTS"
BASE_ENV = "TLDR_BASE_TEST_RUNNER"
SHARD_ENV = "TLDR_TEST_SHARD"
DURATIONS_ENV = "TLDR_TEST_DURATIONS"
DB_SUFFIX_ENV = "TLDR_TEST_DB_SUFFIX"
LIFELINE_ENV = "TLDR_LIFELINE_FD"

MESSAGE_MAX_LINES = 20
MESSAGE_MAX_CHARS = 4000

_FAILED_TEST_PREFIX = "unittest.loader._FailedTest."
# unittest names class/module fixture errors "setUpClass (pkg.mod.Class)" (3.8+), optionally
# followed by " (info)" for cleanup errors.
_HOLDER_RE = re.compile(r"^(?P<method>\w+) \((?P<parent>[^()]+)\)(?: \((?P<info>.*)\))?$")
_CLASS_FIXTURES = ("setUpClass", "tearDownClass", "doClassCleanups")
_MODULE_FIXTURES = ("setUpModule", "tearDownModule", "doModuleCleanups")
_RANK = {None: 0, "skipped": 1, "passed": 2, "failed": 3, "error": 4}


# --------------------------------------------------------------------------- events file


class _Events:
    """The NDJSON channel and the run's counts (one per process; only the opener writes)."""

    def __init__(self):
        self._path = False  # read at first use: the warm fork server imports this module once for every run
        self._fh = None
        self._pid = None
        self.result_attached = False
        self.reset()

    @property
    def path(self):
        if self._path is False:
            self._path = os.environ.get(EVENTS_ENV) or None
        return self._path

    def reset(self):
        self.counts = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0}
        self.reported = set()
        self.queries = {"queries": 0, "setupQueries": 0, "findings": 0, "ignoredFindings": 0}

    def emit(self, event):
        if not self.path:
            return
        if self._fh is None:
            self._fh = open(self.path, "a", encoding="utf-8")
            self._pid = os.getpid()
        elif self._pid != os.getpid():
            return  # a forked worker: only the parent process writes events
        self._fh.write(json.dumps(event, ensure_ascii=False, default=str) + "\n")
        self._fh.flush()

    def test(self, test_id, outcome, duration_ms, message=None, queries=None):
        key = {"passed": "passed", "failed": "failed", "error": "errors", "skipped": "skipped"}
        self.counts[key[outcome]] += 1
        self.reported.add(test_id)
        event = {
            "type": "test",
            "id": test_id,
            "outcome": outcome,
            "durationMs": round(max(duration_ms or 0.0, 0.0), 3),
        }
        if message:
            event["message"] = message
        findings = ()
        if queries is not None:
            findings = queries.get("findings", ())
            for name in ("queries", "setupQueries", "topQueries", "queriesUngrouped", "findingsOmitted"):
                if name in queries:
                    event[name] = queries[name]
            self.queries["queries"] += queries.get("queries", 0)
            self.queries["setupQueries"] += queries.get("setupQueries", 0)
        self.emit(event)
        for finding in findings:
            self.queries["ignoredFindings" if "ignored" in finding else "findings"] += 1
            self.emit(dict({"type": "finding"}, **finding))


_events = _Events()


# The query recording of this process (tldr_queries.Recording): off, or a Session.
_queries = tldr_queries.Recording()


# --------------------------------------------------------------------------- ids and messages


def _class_path(test):
    cls = type(test)
    return "%s.%s" % (cls.__module__, cls.__qualname__)


def test_id(test):
    """A stable dotted id for a test, a failed import or a class/module fixture error."""
    if isinstance(test, unittest.case._SubTest):
        test = test.test_case
    if isinstance(test, unittest.loader._FailedTest):
        tid = test.id()
        return tid[len(_FAILED_TEST_PREFIX):] if tid.startswith(_FAILED_TEST_PREFIX) else tid
    if isinstance(test, unittest.suite._ErrorHolder):
        m = _HOLDER_RE.match(test.id())
        if m:
            return "%s.%s" % (m.group("parent"), m.group("method"))
        return test.id()
    try:
        return test.id()
    except Exception:
        return str(test)


def _frames(tb):
    while tb is not None:
        yield tb.tb_frame
        tb = tb.tb_next


def _fixture_id(test, err, started):
    """Id for an error/skip reported against a real test outside its start/stop window.

    That happens only in parallel mode, where Django's worker result attributes a class or
    module fixture error to a neighbouring test (Django 3.2: setUpClass errors to the class's
    last test; all versions: tearDownClass errors to the last test that ran)."""
    names = []
    if err is not None and err[2] is not None:
        try:
            names = [f.f_code.co_name for f in _frames(err[2])]
        except Exception:
            names = []
    for name in names:
        if name in _MODULE_FIXTURES:
            return "%s.%s" % (type(test).__module__, name)
        if name in _CLASS_FIXTURES:
            return "%s.%s" % (_class_path(test), name)
    tid = test_id(test)
    return "%s.%s" % (_class_path(test), "tearDownClass" if tid in started else "setUpClass")


def _subtest_description(subtest):
    """"[msg] (k=v, ...)" like unittest's, but robust to the message sentinel that does not
    survive pickling in parallel mode."""
    parts = []
    msg = getattr(subtest, "_message", None)
    if msg is not None and type(msg) is not object:
        parts.append("[%s]" % (msg,))
    params = getattr(subtest, "params", None)
    if params:
        parts.append("(%s)" % ", ".join("%s=%r" % item for item in params.items()))
    return " ".join(parts) or "(<subtest>)"


def _skip_runner_frames(tb):
    """The traceback from the first frame that is not unittest's or tldr's own. unittest skips
    these by a ``__unittest`` global, which frames lose when a parallel worker pickles them."""
    start = tb
    while start is not None:
        name = str(start.tb_frame.f_globals.get("__name__", ""))
        if name.split(".")[0] not in ("unittest", "tldr_queries"):
            return start
        start = start.tb_next
    return tb


def _format_err(result, test, err):
    etype, value, tb = err
    tb = _skip_runner_frames(tb)
    err = (etype, value, tb)
    try:
        full = unittest.TestResult._exc_info_to_string(result, err, test)
    except Exception:
        try:
            full = "".join(traceback.format_exception(etype, value, tb))
        except Exception:
            full = ""
    try:
        summary = "".join(traceback.format_exception_only(etype, value)).rstrip().splitlines()
    except Exception:
        summary = [repr(value)]
    lines = full.rstrip().splitlines()
    # The exception line goes first (it is what a reader needs); drop its repeat at the end.
    if summary and len(lines) >= len(summary) and lines[-len(summary):] == summary:
        lines = lines[: -len(summary)]
    summary = summary[:8]
    room = max(MESSAGE_MAX_LINES - len(summary), 4)
    if len(lines) > room:
        lines = lines[:1] + ["  ..."] + lines[-(room - 2):]
    text = "\n".join(summary + lines)
    if len(text) > MESSAGE_MAX_CHARS:
        text = text[: MESSAGE_MAX_CHARS - 3] + "..."
    return text


# --------------------------------------------------------------------------- result class


class _EventsResultMixin:
    """Mixed in front of the runner's result class (TextTestResult, DebugSQL..., PDB...).

    Serial mode: durations are measured between startTest and stopTest. Parallel mode: Django
    replays the workers' events on this object after each TestCase class finishes; the worker
    result (_TldrRemoteTestResult) adds a ``tldrDuration`` event with the duration measured in
    the worker, which wins over the replay timing (as does unittest's addDuration, 3.12+)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._tldr_cur = None
        self._tldr_started = set()
        _events.result_attached = True
        _lifeline.result = self

    # -- window bookkeeping
    def _tldr_in_window(self, test):
        if isinstance(test, unittest.case._SubTest):
            test = test.test_case
        cur = self._tldr_cur
        return cur is not None and (cur["test"] is test or cur["id"] == test_id(test))

    def _tldr_record(self, test, outcome, message, err=None):
        if self._tldr_in_window(test):
            cur = self._tldr_cur
            if _RANK[outcome] > _RANK[cur["outcome"]]:
                cur["outcome"] = outcome
            if message:
                cur["messages"].append(message)
            return
        # Outside any test: a class/module fixture error, or a replayed misattribution.
        if isinstance(test, (unittest.suite._ErrorHolder, unittest.loader._FailedTest)):
            tid = test_id(test)
        elif isinstance(test, unittest.TestCase):
            tid = _fixture_id(test, err, self._tldr_started)
        else:
            tid = test_id(test)
        _events.test(tid, outcome, 0.0, message)

    # -- unittest protocol
    def startTest(self, test):
        super().startTest(test)
        tid = test_id(test)
        self._tldr_started.add(tid)
        self._tldr_cur = {
            "test": test,
            "id": tid,
            "t0": time.perf_counter(),
            "outcome": None,
            "messages": [],
            "duration": None,
            "queries": None,
        }
        _queries.begin(test)

    def stopTest(self, test):
        queries = _queries.finish(test, test_id(test))
        super().stopTest(test)
        cur = self._tldr_cur
        if cur is None or not self._tldr_in_window(test):
            return
        if queries is not None:
            cur["queries"] = queries
        self._tldr_cur = None
        duration = cur["duration"]
        if duration is None:
            duration = (time.perf_counter() - cur["t0"]) * 1000.0
        outcome = cur["outcome"]
        messages = cur["messages"]
        if outcome is None:
            outcome = "error"
            messages = messages + ["test did not finish (interrupted)"]
        _events.test(cur["id"], outcome, duration, "\n---\n".join(messages) or None, cur["queries"])

    def tldrDuration(self, test, elapsed_ms):  # replayed from _TldrRemoteTestResult
        if self._tldr_in_window(test):
            self._tldr_cur["duration"] = float(elapsed_ms)

    def tldrQueries(self, test, queries):  # replayed from _TldrRemoteTestResult
        if self._tldr_in_window(test):
            self._tldr_cur["queries"] = queries

    def tldrOutsideQueries(self, test, count):  # replayed from _TldrRemoteTestRunner, once per subsuite
        _events.queries["setupQueries"] += int(count)

    def addDuration(self, test, elapsed):  # Python 3.12+ (and Django 5's parallel replay)
        parent = getattr(super(), "addDuration", None)
        if parent is not None:
            parent(test, elapsed)
        if self._tldr_in_window(test) and self._tldr_cur["duration"] is None:
            self._tldr_cur["duration"] = float(elapsed) * 1000.0

    def addSuccess(self, test):
        super().addSuccess(test)
        self._tldr_record(test, "passed", None)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._tldr_record(test, "failed", _format_err(self, test, err), err)

    def addError(self, test, err):
        super().addError(test, err)
        self._tldr_record(test, "error", _format_err(self, test, err), err)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._tldr_record(test, "skipped", str(reason) if reason else None)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        try:
            summary = "".join(traceback.format_exception_only(err[0], err[1])).strip()
        except Exception:
            summary = ""
        self._tldr_record(test, "passed", ("expected failure: " + summary) if summary else None)

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._tldr_record(test, "failed", "unexpected success (test is marked @expectedFailure)")

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is None:
            return
        failed = issubclass(err[0], test.failureException)
        message = "%s %s" % (_subtest_description(subtest), _format_err(self, test, err))
        self._tldr_record(test, "failed" if failed else "error", message, err)


_result_classes = {}


def _with_events(base):
    if issubclass(base, _EventsResultMixin):
        return base
    cls = _result_classes.get(base)
    if cls is None:
        cls = type("Tldr" + base.__name__, (_EventsResultMixin, base), {"__module__": __name__})
        _result_classes[base] = cls
    return cls


# --------------------------------------------------------------------------- parallel workers


class _TldrRemoteTestResult(RemoteTestResult):
    """Django's worker result plus ``tldrDuration`` and ``tldrQueries`` events, sent before
    ``stopTest``: the worker records the queries of the tests it runs.

    Module-level so multiprocessing can pickle the runner class by reference; the events
    it adds are plain tuples of str, int, float, None, and dicts and lists of them."""

    def startTest(self, test):
        self._tldr_t0 = time.perf_counter()
        super().startTest(test)
        _queries.begin(test)

    def stopTest(self, test):
        queries = _queries.finish(test, test_id(test))
        if queries is not None:
            self.events.append(("tldrQueries", self.test_index, queries))
        t0 = getattr(self, "_tldr_t0", None)
        if t0 is not None:
            self.events.append(("tldrDuration", self.test_index, (time.perf_counter() - t0) * 1000.0))
            self._tldr_t0 = None
        super().stopTest(test)


class _TldrRemoteTestRunner(RemoteTestRunner):
    resultclass = _TldrRemoteTestResult

    def run(self, test):
        # One subsuite in a worker (forked: the parent's settings; spawned: read here again).
        session = None
        try:
            session = _queries.load()
        except SettingsError:
            pass  # the parent checked the same value before any test ran
        _queries.local = session is not None
        if session is not None:
            session.recorder.run_started()
        result = super().run(test)
        if session is not None:
            result.events.append(("tldrOutsideQueries", 0, session.recorder.run_finished()))
        return result


# --------------------------------------------------------------------------- suites and shards


def parse_shard(value):
    """'I/N' -> (I, N), 1 <= I <= N; raises ValueError otherwise."""
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", value or "")
    if not m:
        raise ValueError("expected I/N, e.g. 1/4, got %r" % value)
    index, total = int(m.group(1)), int(m.group(2))
    if total < 1 or not 1 <= index <= total:
        raise ValueError("expected I/N with 1 <= I <= N, got %r" % value)
    return index, total


def _is_parallel(suite):
    return hasattr(suite, "subsuites") and hasattr(suite, "processes")


def _flatten(suite):
    if isinstance(suite, unittest.TestCase):
        return [suite]
    parts = suite.subsuites if _is_parallel(suite) else suite
    tests = []
    for part in parts:
        if part is not None:  # unittest drops tests from a suite once they have run
            tests.extend(_flatten(part))
    return tests


def shard_ids(ids, index, total, durations=None):
    """The ids of shard `index` of `total`. Without durations: every N-th of the sorted ids. With
    durations (id -> seconds of an earlier run): longest first, each to the shard with the least
    time so far (ties: the lower shard), tests without a recorded time counted at the mean. Both
    are deterministic, so N jobs that list the same ids run each exactly once."""
    ordered = sorted(set(ids))
    if not durations:
        return {tid for i, tid in enumerate(ordered) if i % total == index - 1}
    known = [durations[tid] for tid in ordered if tid in durations]
    mean = sum(known) / len(known) if known else 1.0
    cost = {tid: durations.get(tid, mean) for tid in ordered}
    loads = [0.0] * total
    keep = set()
    for tid in sorted(ordered, key=lambda t: (-cost[t], t)):
        shard = min(range(total), key=lambda s: (loads[s], s))
        loads[shard] += cost[tid]
        if shard == index - 1:
            keep.add(tid)
    return keep


def load_durations(path):
    """JSON {test id: seconds} (what `tldr ci --write-durations` writes); raises ValueError."""
    try:
        with open(path, encoding="utf-8") as fh:
            raw = json.load(fh)
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError("cannot read %s: %s" % (path, exc))
    if not isinstance(raw, dict):
        raise ValueError("%s: expected a JSON object of test id -> seconds" % path)
    return {k: float(v) for k, v in raw.items() if isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0}


def _parallel_type(value):
    """--parallel value for Django 3.2: an int or "auto"."""
    if value == "auto":
        from django.test.runner import default_test_processes

        return default_test_processes()
    try:
        return int(value)
    except ValueError:
        import argparse

        raise argparse.ArgumentTypeError("%r is not an integer or the string 'auto'" % value)


# --------------------------------------------------------------------------- tldr is gone


class _Lifeline:
    """What the run does once tldr is gone. Only while tests run is the run stopped at once (an
    interrupt during database setup or teardown would leave databases behind); a run still
    setting up stops as it reaches the tests. The lock makes exactly one side act."""

    def __init__(self):
        self._lock = threading.Lock()
        self._in_tests = False
        self._parallel = False
        self.gone = False
        self.result = None  # the run's result object (ours), set when it is made

    def install(self):
        # A run still creating its databases gets to finish that and tear down: a big project's
        # migrations take a while, so the last-resort exit waits longer than the default.
        tldr_lifeline.install(LIFELINE_ENV, on_lost=self._on_lost, grace_seconds=120.0)

    def _on_lost(self):  # the watcher thread
        with self._lock:
            self.gone = True
            if not self._in_tests:
                return
            if self._parallel and self.result is not None:
                # Django's parallel loop sees this within 0.1 s and terminates its pool itself
                # (workers included); an interrupt instead would leave the pool respawning them.
                self.result.stop()
                return
            # Serial: unittest's Ctrl-C handler stops after the running test; mark this SIGINT as
            # the second one, which interrupts it.
            handler = getattr(unittest.signals, "_interrupt_handler", None)
            if handler is not None:
                handler.called = True
            tldr_lifeline.interrupt_main()

    def enter_tests(self, parallel):
        with self._lock:
            if self.gone:
                raise KeyboardInterrupt("tldr is gone")
            self._in_tests = True
            self._parallel = parallel

    def leave_tests(self):
        with self._lock:
            self._in_tests = False


_lifeline = _Lifeline()


# --------------------------------------------------------------------------- prepared runs

try:
    from tldr_start import prepared as _prepared
    from tldr_start.marks import same_usage
except ImportError:  # this file on its own: never prepared
    _prepared = None


class _PreparedSetup:
    """The test databases of a prepared run (tldr_start/prepared.py), set up before the run was
    asked for, with the databases a plain TestCase uses. Then the connections' names are put back
    and the run waits: the tests are discovered only at go, as in a fresh run — their modules
    imported then (an edited test runs as it is now), with the project's own database names.

    Django's own set-up call takes them only when it asks for exactly those databases and nothing
    they depend on changed: no session reached the test databases since (``_usage_marks``), no
    file read while setting up changed, and discovery added no model, no migration signal
    receiver and changed no database setting. Otherwise that call sets
    them up again, as a fresh run would. What the set-up printed is printed only when it is used,
    where Django's call is: the output is a fresh run's.
    """

    def __init__(self, kwargs, config, names, printed, depends, unchanged, opened):
        self.kwargs = kwargs
        self.config = config
        self.names = names
        self.printed = printed
        self.depends = depends
        self.unchanged = unchanged  # None, or why not
        self.opened = opened  # the sessions opened at wake (_OpenedAhead), handed over or closed at take

    @classmethod
    def ahead(cls, runner, handoff):
        from django.db import connections

        if _not_preparable(runner):
            os._exit(0)  # nobody adopts this run; nothing of it has run
        kwargs = _plain_databases(runner)
        before = _set_up_from()
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            config = runner._tldr_setup_databases(**kwargs)
        if runner._tldr_interrupted_setup:
            os._exit(0)  # discarded while it set up (the stop signal was held until it was done)
        names = [(c, old, c.settings_dict["NAME"]) for c, old, _destroy in config]
        for connection in connections.all():
            connection.close()
        _name_databases((c, old) for c, old, _test in names)
        servers = {}
        for connection, _old, test in names:
            servers.setdefault(_server_of(connection), (_MarksSession(connection), set()))[1].add(test)
        marks = {}
        for server, (session, tests) in servers.items():
            marks[server] = _quiet_marks(session, tests)
            if marks[server] is None:
                os._exit(0)  # used by another session, or unwatchable: nobody adopts this run
        connections.close_all()
        sys.stdout.flush()
        sys.stderr.flush()
        # Once adopted and unchanged: the sessions the run's tests will open (none until then).
        opened = _OpenedAhead([])

        def end_sessions():
            for session, _tests in servers.values():
                session.close()

        def end_all():  # discarded while it waits: what it holds open is closed first
            end_sessions()
            opened.close()

        handoff.on_discard = end_all
        handoff.paused()
        os.environ.update(handoff.wait())

        def changed(at_go):
            # The files once, when the request came (as the server checks its own before a fork);
            # the test databases then and again at go.
            why = None if at_go else handoff.changed()
            for server, (session, tests) in servers.items():
                if why:
                    break
                try:
                    now = session.marks(tests, opened.pids)
                except Exception as exc:
                    why = "the database server did not answer (%s)" % (str(exc).strip() or type(exc).__name__)
                else:
                    if not same_usage(marks[server], now, opened.sessions):
                        why = "the test database was used since (%s, now %s)" % (_said(marks[server]), _said(now))
            return why

        why = changed(at_go=False)  # while tldr checks the services
        handoff.ready()
        if why is None:
            # Opened now, while tldr still checks the services, rather than after go.
            opened = _OpenedAhead(names)
        handoff.wait_go()
        why = why or changed(at_go=True)
        end_sessions()
        handoff.proceed(why)
        return cls(kwargs, config, names, (out.getvalue(), err.getvalue()), before, why, opened)

    def take(self, kwargs):
        """The prepared set-up for Django's call with ``kwargs``, or None (the call sets the
        databases up again)."""
        if self.unchanged is not None or kwargs != self.kwargs or _set_up_from() != self.depends:
            self.opened.close()
            return None
        for connection, _old, _test in self.names:
            connection.close()
        _name_databases((c, test) for c, _old, test in self.names)
        self.opened.hand_over()
        sys.stdout.write(self.printed[0])
        sys.stderr.write(self.printed[1])
        return self.config


class _OpenedAhead:
    """The test databases' sessions of an adopted prepared run, opened before go: each is what
    the connection's own ``get_new_connection`` returns for the parameters it will ask with once
    its name is the test database's, and is handed to exactly that call (``hand_over``) — Django
    still runs its own ``connect()`` around it (settings checks, autocommit, the connection's
    initial state, ``connection_created``). Any other call, or a run that does not use the set-up,
    gets nothing of it and it is closed. ``pids``: their backends, which the check at go does not
    count as another session on a test database."""

    def __init__(self, names):
        self.ahead = []
        self.pids = []
        self.sessions = {}  # test database → sessions opened to it here
        for connection, _old, test in names:
            if (connection.settings_dict.get("OPTIONS") or {}).get("pool"):
                continue  # a pool's connections are the pool's
            try:
                params = _params_named(connection, test)
                raw = connection.get_new_connection(params)
            except Exception:
                continue  # the run opens it itself, as a fresh run does
            self.ahead.append((connection, params, raw))
            self.sessions[test] = self.sessions.get(test, 0) + 1
            pid = _backend_pid(raw)
            if pid is not None:
                self.pids.append(pid)

    def hand_over(self):
        for connection, params, raw in self.ahead:
            original = connection.get_new_connection

            def once(conn_params, connection=connection, params=params, raw=raw, original=original):
                del connection.get_new_connection  # the class's own again, for every later call
                if conn_params == params:
                    return raw
                _close_quietly(raw)
                return original(conn_params)

            connection.get_new_connection = once
        self.ahead = []

    def close(self):
        for _connection, _params, raw in self.ahead:
            _close_quietly(raw)
        self.ahead = []


def _params_named(connection, name):
    """The connection parameters ``connection`` asks with once its database is ``name``."""
    settings_dict = connection.settings_dict
    old = settings_dict["NAME"]
    settings_dict["NAME"] = name
    try:
        return connection.get_connection_params()
    finally:
        settings_dict["NAME"] = old


def _backend_pid(raw):
    try:
        info = getattr(raw, "info", None)  # psycopg 3
        return int(info.backend_pid) if info is not None else int(raw.get_backend_pid())
    except Exception:
        return None


def _close_quietly(raw):
    try:
        raw.close()
    except Exception:
        pass


def _name_databases(pairs):
    """What create_test_db and destroy_test_db do to a connection's name (it is closed)."""
    from django.conf import settings

    for connection, name in pairs:
        settings.DATABASES[connection.alias]["NAME"] = name
        connection.settings_dict["NAME"] = name


def _not_preparable(runner):
    """Why this run cannot be set up ahead (None: it can)."""
    from django.conf import settings
    from django.db import connections
    from django.test.runner import DiscoverRunner

    if (getattr(runner, "parallel", 1) or 1) > 1:
        return "it runs in several processes (their clones of the test database)"
    base = type(runner).__mro__[type(runner).__mro__.index(_TldrRunnerMixin) + 1]
    for name in ("run_tests", "get_databases", "setup_databases", "build_suite"):
        if getattr(base, name, None) is not getattr(DiscoverRunner, name, None):
            return "the project's test runner has its own %s" % name
    for alias in connections:
        if connections[alias].vendor != "postgresql":
            return "database %s is not PostgreSQL" % alias
        if (settings.DATABASES[alias].get("TEST") or {}).get("MIRROR"):
            return "database %s is a test mirror" % alias
    return None


def _plain_databases(runner):
    """What Django's run asks of setup_databases for tests that use only what a TestCase uses by
    default: ``aliases`` and (Django >= 4.0) ``serialized_aliases``."""
    from django.test import TestCase

    class _Plain(TestCase):
        def runTest(self):
            pass

    with contextlib.redirect_stdout(io.StringIO()):
        databases = runner.get_databases(runner.test_suite([_Plain()]))
    if isinstance(databases, dict):
        return {"aliases": databases, "serialized_aliases": {a for a, s in databases.items() if s}}
    return {"aliases": databases}


def _set_up_from():
    """What a set-up depends on that discovering the tests can change."""
    from django.apps import apps
    from django.conf import settings
    from django.db.models.signals import post_migrate, pre_migrate

    models = sorted(m._meta.label for m in apps.get_models(include_auto_created=True, include_swapped=True))
    receivers = [tuple(r[0] for r in s.receivers) for s in (pre_migrate, post_migrate)]
    return (models, receivers, repr(settings.DATABASES))


def _server_of(connection):
    s = connection.settings_dict
    return (s.get("HOST") or "", str(s.get("PORT") or ""))


# Whether a test database was used by anyone since it was set up: PostgreSQL (14+) counts every
# session established to a database (pg_stat_database.sessions), and a session that has ended
# has reported before it leaves pg_stat_activity. A database dropped and made again has another
# oid. No session now and the same count: nobody connected, so nothing in it changed.
_USAGE = (
    "SELECT d.datname, d.oid::bigint, s.sessions, "
    "(SELECT count(*) FROM pg_stat_activity a WHERE a.datid = d.oid AND a.pid <> ALL(%s::int[])) "
    "FROM pg_database d JOIN pg_stat_database s ON s.datid = d.oid "
    "WHERE d.datname = ANY(%s) ORDER BY 1"
)


class _MarksSession:
    """Where a prepared run reads its marks: one session to the server's maintenance database
    (``postgres``, as Django's own set-up uses for CREATE DATABASE), kept open while the run waits,
    so the checks at wake cost a query each rather than a new session (~10 ms with SCRAM) — and
    never one to a test database (its sessions are what the marks count; a session held there
    would make DROP DATABASE fail) nor to the project's own. Without a ``postgres`` database the
    project's connection is used and closed after each check, as Django falls back too."""

    def __init__(self, connection):
        self.connection = connection
        s = connection.settings_dict
        options = {k: v for k, v in (s.get("OPTIONS") or {}).items() if k != "pool"}  # a session of its own
        options["application_name"] = "tldr prepared run"  # what pg_stat_activity shows
        self.maintenance = connection.__class__({**s, "NAME": None, "OPTIONS": options}, alias="__tldr_prepared_marks__")
        self.held = True

    def cursor(self):
        if self.held:
            try:
                return self.maintenance.cursor()
            except Exception:
                self.close()
                self.held = False
        return self.connection.cursor()

    def marks(self, names, own=()):
        """``_usage_marks`` now; once more on a new session when the held one was ended meanwhile
        (an idle-session timeout, a restart: the marks then differ anyway)."""
        try:
            return _usage_marks(self, names, own)
        except Exception:
            self.close()
            return _usage_marks(self, names, own)
        finally:
            if not self.held:
                self.connection.close()

    def close(self):
        try:
            self.maintenance.close()
        except Exception:  # ended by the server meanwhile
            pass


def _usage_marks(connection, names, own=()):
    """``own``: backends of this run's own sessions, not counted."""
    with connection.cursor() as cursor:
        cursor.execute(_USAGE, [list(own), sorted(names)])
        rows = [tuple(row) for row in cursor.fetchall()]
    return rows if len(rows) == len(names) else None


def _quiet_marks(connection, names, wait_s=2.0):
    """The test databases' marks once their last session (the set-up's own) has ended; None
    when that does not happen soon, or the server cannot tell (before 14, track_counts off)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int, current_setting('track_counts')")
        version, counts = cursor.fetchone()
    if version < 140000 or counts != "on":
        return None
    deadline = time.monotonic() + wait_s
    while True:
        marks = _usage_marks(connection, names)
        if marks is not None and all(row[3] == 0 for row in marks):
            return marks
        if marks is None or time.monotonic() > deadline:
            return None
        time.sleep(0.005)


def _said(marks):
    return ", ".join("%s: %s sessions, %s connected" % (row[0], row[2], row[3]) for row in marks or ()) or "gone"


class _HeldInterrupts:
    """Holds SIGINT while the test databases are created or dropped: an interrupt there leaves a
    half-made database or one never dropped (a person's second Ctrl-C, tldr ci's second SIGINT at
    its --timeout deadline). ``pending`` counts what arrived; with ``replay`` each is delivered
    once the work is done, to the handler that was there before (unittest's)."""

    def __init__(self, replay=True):
        self.replay = replay

    def __enter__(self):
        self.pending = 0
        self.previous = None
        if threading.current_thread() is not threading.main_thread():
            return self
        try:
            self.previous = signal.signal(signal.SIGINT, self._hold)
        except (ValueError, OSError):
            self.previous = None
        return self

    def _hold(self, signum, frame):
        self.pending += 1

    def __exit__(self, *exc):
        if self.previous is None:
            return False
        signal.signal(signal.SIGINT, self.previous)
        for _ in range(self.pending if self.replay else 0):
            signal.raise_signal(signal.SIGINT)  # the restored handler runs before this returns
        return False


def _stop_workers(timeout=3.0):
    """When the run was interrupted anyway (a project's own result class): parallel workers
    outlive an interrupted parent until they finish their test, holding connections to the
    clones the teardown drops."""
    import multiprocessing

    children = multiprocessing.active_children()
    for child in children:
        try:
            child.terminate()
        except Exception:
            pass
    deadline = time.monotonic() + timeout
    for child in children:
        try:
            child.join(max(deadline - time.monotonic(), 0.1))
            if child.is_alive():
                os.kill(child.pid, signal.SIGKILL)
        except Exception:  # already reaped, or gone meanwhile
            pass


def _suffixed(name, suffix, limit=63 - 4):
    """``name_suffix`` within PostgreSQL's 63-byte identifiers (room left for clone numbers)."""
    tail = "_" + suffix
    return name[: max(limit - len(tail), 1)] + tail


def _use_own_test_databases(suffix):
    from django.db import connections

    for alias in connections:
        connection = connections[alias]
        test = connection.settings_dict.setdefault("TEST", {})
        if test.get("MIRROR"):
            continue
        name = connection.creation._get_test_db_name()
        if connection.vendor == "sqlite" and connection.creation.is_in_memory_db(name):
            continue
        test["NAME"] = _suffixed(name, suffix)


# --------------------------------------------------------------------------- the runner


class _TldrRunnerMixin:
    @classmethod
    def add_arguments(cls, parser):
        super().add_arguments(parser)
        action = getattr(parser, "_option_string_actions", {}).get("--parallel")
        if action is not None and action.type is int:  # Django < 4.0: accept "auto" too
            action.type = _parallel_type

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        raw = os.environ.get(SHARD_ENV, "").strip()
        self.tldr_shard = None
        if raw:
            try:
                self.tldr_shard = parse_shard(raw)
            except ValueError as exc:
                sys.stderr.write("tldr_testrunner: %s: %s\n" % (SHARD_ENV, exc))
                sys.exit(2)
        self.tldr_durations = None
        durations = os.environ.get(DURATIONS_ENV, "").strip()
        if durations and self.tldr_shard is not None:
            try:
                self.tldr_durations = load_durations(durations)
            except ValueError as exc:
                sys.stderr.write("tldr_testrunner: %s: %s\n" % (DURATIONS_ENV, exc))
                sys.exit(2)
        try:
            _queries.load()
        except SettingsError as exc:
            sys.stderr.write("tldr_testrunner: %s: %s\n" % (QUERIES_ENV, exc))
            sys.exit(2)
        self._tldr_ids = []
        self._tldr_prepared = None
        _lifeline.install()

    def setup_databases(self, **kwargs):
        prepared, self._tldr_prepared = getattr(self, "_tldr_prepared", None), None
        config = prepared.take(kwargs) if prepared is not None else None
        return config if config is not None else self._tldr_setup_databases(**kwargs)

    def _tldr_setup_databases(self, **kwargs):
        suffix = os.environ.get(DB_SUFFIX_ENV, "").strip()
        if suffix:
            _use_own_test_databases(suffix)
        # Django tears down only what setup_databases returned: an interrupt held here stops the
        # run at its next step (run_checks, inside the try whose finally tears down), before any test.
        held = _HeldInterrupts(replay=False)
        with held:
            config = super().setup_databases(**kwargs)
        self._tldr_interrupted_setup = held.pending
        return config

    def _tldr_stop_if_interrupted(self):
        if getattr(self, "_tldr_interrupted_setup", 0):
            self._tldr_interrupted_setup = 0
            raise KeyboardInterrupt("interrupted while the test databases were set up")

    def run_checks(self, *args, **kwargs):
        self._tldr_stop_if_interrupted()
        return super().run_checks(*args, **kwargs)

    def teardown_databases(self, old_config, **kwargs):
        with _HeldInterrupts():
            return super().teardown_databases(old_config, **kwargs)

    def build_suite(self, *args, **kwargs):
        if _prepared is not None and _prepared.armed():
            self._tldr_prepared = _PreparedSetup.ahead(self, _prepared.take())
        suite = super().build_suite(*args, **kwargs)
        if self.tldr_shard is not None:
            suite = self._tldr_apply_shard(suite)
        if _is_parallel(suite) and getattr(suite, "runner_class", None) is RemoteTestRunner:
            suite.runner_class = _TldrRemoteTestRunner  # worker-side durations
        _events.reset()
        self._tldr_ids = [test_id(t) for t in _flatten(suite)]
        shard = "%d/%d" % self.tldr_shard if self.tldr_shard else None
        _events.emit(
            {
                "type": "start",
                "total": len(self._tldr_ids),
                "shard": shard,
                "parallel": suite.processes if _is_parallel(suite) else 1,
                "django": django.get_version(),
                "python": "%d.%d.%d" % sys.version_info[:3],
            }
        )
        return suite

    def _tldr_apply_shard(self, suite):
        index, total = self.tldr_shard
        keep = shard_ids([test_id(t) for t in _flatten(suite)], index, total, self.tldr_durations)
        if _is_parallel(suite):
            subsuites = []
            for sub in suite.subsuites:
                kept = [t for t in _flatten(sub) if test_id(t) in keep]
                if kept:
                    subsuites.append(type(sub)(kept))
            processes = min(suite.processes, len(subsuites))
            self.parallel = max(processes, 1)  # also the number of test database clones
            if processes > 1:
                suite.subsuites = subsuites
                suite.processes = processes
                return suite
            return self.test_suite([t for sub in subsuites for t in _flatten(sub)])
        return self.test_suite([t for t in _flatten(suite) if test_id(t) in keep])

    def get_resultclass(self):
        base = super().get_resultclass()
        if base is None:
            base = getattr(self.test_runner, "resultclass", None) or unittest.TextTestResult
        return _with_events(base)

    def run_suite(self, suite, **kwargs):
        _events.result_attached = False
        t0 = time.perf_counter()
        result = None
        session = _queries.session
        # Parallel: the workers record (_TldrRemoteTestRunner); this process only replays.
        _queries.local = session is not None and not _is_parallel(suite)
        if _queries.local:
            session.recorder.run_started()
        try:
            self._tldr_stop_if_interrupted()  # a runner whose run_tests skips run_checks
            _lifeline.enter_tests(parallel=_is_parallel(suite))
            result = super().run_suite(suite, **kwargs)
            return result
        except KeyboardInterrupt:
            if _lifeline.gone:
                _stop_workers()
            raise
        finally:
            _lifeline.leave_tests()
            if _queries.local:
                _events.queries["setupQueries"] += session.recorder.run_finished()
                _queries.local = False
            if result is not None and not _events.result_attached:
                try:
                    _synthesize_events(getattr(self, "_tldr_ids", ()), result)
                except Exception as exc:  # never hide the run's own outcome
                    sys.stderr.write("tldr_testrunner: could not report results: %r\n" % (exc,))
            counts = dict(_events.counts)
            end = {
                "type": "end",
                "passed": counts["passed"],
                "failed": counts["failed"],
                "errors": counts["errors"],
                "skipped": counts["skipped"],
                "durationMs": round((time.perf_counter() - t0) * 1000.0, 3),
                "stopped": result is None or bool(getattr(result, "shouldStop", False)),
            }
            if session is not None:
                end.update(_events.queries)
            _events.emit(end)

    def suite_result(self, suite, result, **kwargs):
        failures = super().suite_result(suite, result, **kwargs)
        if not failures:  # Django 3.2 ignores unexpected successes; tldr counts them
            failures = len(getattr(result, "unexpectedSuccesses", ()) or ())
        if not failures:
            failures = _events.counts["failed"] + _events.counts["errors"]
        return failures


def _synthesize_events(all_ids, result):
    """Fallback when the project's runner did not use our result class: rebuild the
    outcomes from the result's lists (no durations)."""
    seen = set()

    def report(items, outcome, with_message=True):
        for item in items or ():
            test = item[0] if isinstance(item, tuple) else item
            tid = test_id(test)
            seen.add(tid)
            message = None
            if with_message and isinstance(item, tuple) and len(item) > 1:
                lines = str(item[1]).strip().splitlines()
                if lines and lines[0].startswith("Traceback"):
                    lines = lines[-1:] + lines[:-1]  # the exception line first
                if len(lines) > MESSAGE_MAX_LINES:
                    lines = lines[:2] + ["  ..."] + lines[-(MESSAGE_MAX_LINES - 3):]
                message = "\n".join(lines)
            _events.test(tid, outcome, 0.0, message)

    report(getattr(result, "errors", ()), "error")
    report(getattr(result, "failures", ()), "failed")
    report(getattr(result, "unexpectedSuccesses", ()), "failed", False)
    report(getattr(result, "skipped", ()), "skipped")
    report(getattr(result, "expectedFailures", ()), "passed", False)
    if not getattr(result, "shouldStop", False):
        for tid in all_ids:
            if tid not in seen:
                seen.add(tid)
                _events.test(tid, "passed", 0.0)


def _resolve_base():
    from django.conf import settings
    from django.utils.module_loading import import_string

    def is_self(path):
        return path.rsplit(".", 1)[0] == __name__ or path == "%s.TldrTestRunner" % __name__

    candidates = [os.environ.get(BASE_ENV, "").strip(), getattr(settings, "TEST_RUNNER", "")]
    for path in candidates:
        if path and not is_self(path):
            return import_string(path)
    from django.test.runner import DiscoverRunner

    return DiscoverRunner


def _build_runner_class():
    base = _resolve_base()
    cls = type(
        "TldrTestRunner",
        (_TldrRunnerMixin, base),
        {
            "__module__": __name__,
            "__qualname__": "TldrTestRunner",
            "__doc__": "%s with tldr's per-test events and sharding." % base.__name__,
        },
    )
    return cls


def __getattr__(name):
    # Built on first access: Django imports the runner after settings are configured, and
    # TLDR_BASE_TEST_RUNNER / settings.TEST_RUNNER decide the base class.
    if name == "TldrTestRunner":
        cls = _build_runner_class()
        globals()["TldrTestRunner"] = cls
        return cls
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
