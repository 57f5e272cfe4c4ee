"""The recorder on a real database (sqlite, in memory) without tldr's runner: a result class
calls begin/finish around each test the way tldr_testrunner's result classes do, for a
django.test.TestCase (each test in a transaction, setUpTestData once per class)."""
import os
import unittest

import support

from django.db import connection, transaction
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from nplusone_cases import reports
from nplusone_cases.models import Author, Book, Profile, Review, Tag
from tldr_queries import Session
from tldr_queries.detect import TestQueries
from tldr_queries.recorder import BETWEEN, IDLE
from tldr_queries.settings import parse

REPORTS = reports.__file__


def create_tables():
    with connection.schema_editor() as editor:
        for model in (Author, Profile, Tag, Book, Review):
            editor.create_model(model)


class RecordingResult(unittest.TestResult):
    def __init__(self, session):
        super().__init__()
        self.session = session
        self.reports = {}

    def startTest(self, test):
        super().startTest(test)
        self.session.recorder.begin(test)

    def stopTest(self, test):
        record = self.session.recorder.finish(test)
        self.reports[test.id().rsplit(".", 1)[-1]] = (record, self.session.summarize(record, test.id()))
        super().stopTest(test)


def make_cases():
    # Made here, not at module level: test discovery must not run these on their own.
    class Cases(TestCase):
        captured = {}

        @classmethod
        def setUpTestData(cls):
            for i in range(6):
                author = Author.objects.create(name="author %d" % i)
                Book.objects.create(title="book %d" % i, author=author)

        def setUp(self):
            Author.objects.count()
            Book.objects.count()

        def tearDown(self):
            Tag.objects.count()

        def test_fk_loop(self):
            with CaptureQueriesContext(connection) as captured:
                reports.author_names()
                Tag.objects.create(name="x")
                with transaction.atomic():
                    Tag.objects.bulk_create([Tag(name="a"), Tag(name="b")])
            self.captured["test_fk_loop"] = len(captured)

        def test_own_wrapper(self):
            seen = []

            def spy(execute, sql, params, many, context):
                seen.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(spy):
                Author.objects.count()
            Author.objects.count()
            self.captured["spy"] = len(seen)

        def test_failing(self):
            Author.objects.count()
            self.fail("deliberate")

    return Cases


class RecorderTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        create_tables()
        cls.session = Session(parse('{"threshold": 5}'))
        cls.result = RecordingResult(cls.session)
        recorder = cls.session.recorder
        recorder.run_started()
        Author.objects.count()  # between tests, like a class fixture
        cls.cases = make_cases()
        unittest.defaultTestLoader.loadTestsFromTestCase(cls.cases).run(cls.result)
        cls.outside = recorder.run_finished()
        cls.phase_after = recorder.phase
        Author.objects.count()  # after the run: not recorded
        cls.outside_after = recorder.outside

    def test_the_test_method_counts_what_capture_queries_context_counts(self):
        record, _ = self.result.reports["test_fk_loop"]
        self.assertEqual(record.queries, self.cases.captured["test_fk_loop"])
        self.assertEqual(record.queries, 11)  # books, 6 authors, insert, savepoint, bulk insert, release

    def test_setup_and_teardown_are_counted_apart(self):
        for name in ("test_fk_loop", "test_own_wrapper", "test_failing"):
            record, summary = self.result.reports[name]
            self.assertEqual(record.setup, 3, name)
            self.assertEqual(summary["setupQueries"], 3, name)

    def test_queries_outside_tests(self):
        # one count() between tests, 12 rows of setUpTestData, the transactions around each test
        self.assertGreaterEqual(self.outside, 1 + 12 + 3)
        self.assertEqual(self.phase_after, IDLE)
        self.assertEqual(self.outside_after, self.outside)

    def test_the_loop_is_found_at_its_line_with_the_hint(self):
        _, summary = self.result.reports["test_fk_loop"]
        [finding] = summary["findings"]
        self.assertEqual(finding["file"], os.path.relpath(REPORTS).replace(os.sep, "/"))
        self.assertEqual(finding["line"], support.marked_line(REPORTS, "fk-loop"))
        self.assertEqual((finding["count"], finding["relation"], finding["fix"]), (6, "Book.author", "select_related"))

    def test_a_projects_own_wrapper_keeps_working(self):
        record, _ = self.result.reports["test_own_wrapper"]
        self.assertEqual(self.cases.captured["spy"], 1)
        self.assertEqual(record.queries, 2)
        self.assertEqual(connection.execute_wrappers, [self.session.recorder._execute])

    def test_a_failing_test_is_still_counted_and_its_traceback_has_no_tldr_frame(self):
        record, _ = self.result.reports["test_failing"]
        self.assertEqual(record.queries, 1)
        [(_test, text)] = self.result.failures
        self.assertNotIn("tldr_queries", text)
        self.assertIn("deliberate", text)

    def test_the_test_method_wrapper_is_removed(self):
        for test in unittest.defaultTestLoader.loadTestsFromTestCase(self.cases):
            self.assertNotIn("_callTestMethod", vars(test))

    def test_between_phase_while_no_test_runs(self):
        recorder = self.session.recorder
        recorder.run_started()
        try:
            self.assertEqual(recorder.phase, BETWEEN)
        finally:
            recorder.run_finished()


if __name__ == "__main__":
    unittest.main()


class RecordingFailureTests(unittest.TestCase):
    def test_a_failure_inside_the_recording_never_fails_the_query(self):
        session = Session(parse(""))
        recorder = session.recorder

        def broken(record, sql):
            raise RuntimeError("a bug in tldr")

        recorder._record = broken
        recorder.phase = "test"
        recorder.current = record = TestQueries()
        self.assertEqual(recorder._execute(lambda *args: "rows", "SELECT 1", None, False, {}), "rows")
        self.assertEqual((record.queries, list(record.groups)), (1, [("(not shaped)", None, 0)]))
