"""Counts every query of a test run, per test and phase, with each test-method query's shape and
call site.

One execute wrapper (``connection.execute_wrappers``, the hook behind
``connection.execute_wrapper()``) on every connection: those that exist when a test starts and
every connection opened later (``connection_created``: other threads, parallel workers after
Django's ``_init_worker`` closed theirs). It goes first in the list, so a wrapper the project
pushes and pops keeps working, and it sees the queries another wrapper blocks, as
``CaptureQueriesContext`` does.

Phases: ``BETWEEN`` (a run's class and module fixtures, setUpTestData, the transaction around
each test), ``SETUP`` (a test's setUp, tearDown and cleanups), ``TEST`` (its test method, found by
wrapping the test's ``_callTestMethod``). Only TEST queries get a shape and a site.
"""
import sys

from .detect import TestQueries
from .shape import normalize

__all__ = ["Recorder", "IDLE", "BETWEEN", "SETUP", "TEST"]

IDLE, BETWEEN, SETUP, TEST = "idle", "between", "setup", "test"

# unittest leaves this module's frames (the test-method wrapper) out of failure tracebacks.
__unittest = True

# Shapes of recent SQL texts (Django's SQL keeps its %s placeholders: a loop repeats one text).
_SHAPE_CACHE_SIZE = 1024  # at most ~8 MB of keys and shapes, typically well under 1 MB
_CACHED_SQL_MAX = 4096


def _boundary(recorder, call_test_method):
    def tldr_test_method(method):
        recorder.phase = TEST
        try:
            return call_test_method(method)
        finally:
            recorder.phase = SETUP

    return tldr_test_method


# The site search stops here: frames further out belong to unittest and the runner.
BOUNDARY_CODE = _boundary(None, None).__code__


class Recorder:
    def __init__(self, finder):
        self.finder = finder
        self.phase = IDLE
        self.current = None
        self.outside = 0
        self.test_file = None
        self._request = 0
        self._in_request = False
        self._shapes = {}
        self._files = {}
        self._installed = False

    # -- wiring
    def install(self):
        """Connects the signals (idempotent; again in a spawned worker)."""
        if self._installed:
            return
        from django.core.signals import request_finished, request_started
        from django.db.backends.signals import connection_created

        connection_created.connect(self._on_connection, weak=False, dispatch_uid="tldr-queries-connection")
        request_started.connect(self._on_request_started, weak=False, dispatch_uid="tldr-queries-request-started")
        request_finished.connect(self._on_request_finished, weak=False, dispatch_uid="tldr-queries-request-finished")
        self._installed = True

    def _wrap(self, connection):
        wrappers = connection.execute_wrappers
        if self._execute not in wrappers:
            wrappers.insert(0, self._execute)

    def _wrap_this_thread(self):
        from django.db import connections

        for alias in connections:
            self._wrap(connections[alias])

    def _on_connection(self, sender, connection, **kwargs):
        self._wrap(connection)

    def _on_request_started(self, sender, **kwargs):
        self._request += 1
        self._in_request = True

    def _on_request_finished(self, sender, **kwargs):
        self._in_request = False

    # -- the run and its tests
    def run_started(self):
        self.install()
        self._wrap_this_thread()
        self.outside = 0
        self.phase = BETWEEN

    def run_finished(self):
        """Queries made outside any test since run_started (class fixtures, setUpTestData)."""
        self.phase = IDLE
        return self.outside

    def begin(self, test):
        self.install()
        self._wrap_this_thread()
        self.current = TestQueries()
        self.test_file = self._file_of(type(test))
        self._in_request = False
        original = getattr(test, "_callTestMethod", None)
        if original is not None:
            try:
                test._callTestMethod = _boundary(self, original)
            except AttributeError:  # __slots__: its queries then count as setup, never judged
                pass
        self.phase = SETUP

    def finish(self, test):
        """This test's TestQueries (None when begin was not called for it)."""
        record, self.current = self.current, None
        if self.phase != IDLE:
            self.phase = BETWEEN
        getattr(test, "__dict__", {}).pop("_callTestMethod", None)
        return record

    def _file_of(self, cls):
        path = self._files.get(cls)
        if path is None:
            module = sys.modules.get(cls.__module__)
            path = getattr(module, "__file__", None) or ""
            self._files[cls] = path
        return path or None

    # -- every query
    def _execute(self, execute, sql, params, many, context):
        phase = self.phase
        if phase == TEST:
            record = self.current
            if record is None:
                self.outside += 1
            else:
                try:
                    self._record(record, sql)
                except Exception:  # the recording must never fail the project's query
                    record.add("(not shaped)", None, 0)
        elif phase == SETUP:
            record = self.current
            if record is not None:
                record.setup += 1
            else:
                self.outside += 1
        elif phase == BETWEEN:
            self.outside += 1
        return execute(sql, params, many, context)

    def _record(self, record, sql):
        cacheable = type(sql) is str and len(sql) <= _CACHED_SQL_MAX
        shape = self._shapes.get(sql) if cacheable else None
        if shape is None:
            shape = normalize(sql)
            if cacheable:
                if len(self._shapes) >= _SHAPE_CACHE_SIZE:
                    self._shapes.clear()
                self._shapes[sql] = shape
        # frame 0: _record, 1: _execute, 2: Django's CursorWrapper
        site = self.finder.find(sys._getframe(2), BOUNDARY_CODE, self.test_file)
        record.add(shape, site, self._request if self._in_request else 0)
