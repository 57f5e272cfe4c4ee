import os
import sys
import tempfile
import unittest

import support  # noqa: F401

from tldr_queries.sites import LIBRARY, PROJECT, TEST, SiteFinder, relative_path

ROOT = os.path.realpath(tempfile.gettempdir())
LIB = os.path.join(ROOT, "venv", "lib", "python3.11", "site-packages")
HELPERS = os.path.join(ROOT, "tldr", "python")
PROJECT_DIR = os.path.join(ROOT, "backend")


class Code:
    def __init__(self, filename):
        self.co_filename = filename


class Frame:
    def __init__(self, filename, line, back=None, code=None):
        self.f_code = code or Code(filename)
        self.f_lineno = line
        self.f_back = back


def stack(*frames):
    """Frames listed innermost first -> the innermost frame, linked outward."""
    back = None
    for frame in reversed(frames):
        frame.f_back = back
        back = frame
    return back


def finder(**options):
    return SiteFinder(library_roots=[LIB, "/usr/lib/python3.11"], helper_roots=[HELPERS], cwd=PROJECT_DIR, import_roots=[PROJECT_DIR], **options)


def p(*parts):
    return os.path.join(PROJECT_DIR, *parts)


class KindTests(unittest.TestCase):
    def test_libraries_helpers_and_python_internals(self):
        f = finder()
        self.assertEqual(f.kind(os.path.join(LIB, "django", "db", "models", "query.py")), LIBRARY)
        self.assertEqual(f.kind("/usr/lib/python3.11/unittest/case.py"), LIBRARY)
        self.assertEqual(f.kind(os.path.join(HELPERS, "tldr_queries", "recorder.py")), LIBRARY)
        self.assertEqual(f.kind("<frozen importlib._bootstrap>"), LIBRARY)
        self.assertEqual(f.kind("<string>"), LIBRARY)
        self.assertEqual(f.kind(os.path.join(ROOT, "elsewhere", "dist-packages", "celery", "app.py")), LIBRARY)

    def test_test_files(self):
        f = finder()
        for name in (("app", "tests.py"), ("app", "test_views.py"), ("app", "views_test.py"), ("app", "tests", "helpers.py"),
                     ("app", "tests", "__init__.py"), ("conftest.py",), ("app", "model_tests.py")):
            self.assertEqual(f.kind(p(*name)), TEST, name)

    def test_project_files(self):
        f = finder()
        for name in (("app", "views.py"), ("app", "reports.py"), ("manage.py",), ("app", "testing_utils.py"), ("app", "contest.py")):
            self.assertEqual(f.kind(p(*name)), PROJECT, name)

    def test_the_running_tests_module_is_a_test_file_whatever_its_name(self):
        f = finder()
        self.assertEqual(f.kind(p("app", "checks.py"), test_file=p("app", "checks.py")), TEST)
        self.assertEqual(f.kind(p("app", "checks.py")), PROJECT)

    def test_test_folders_count_only_below_the_import_root(self):
        checkout = os.path.join(ROOT, "test", "checkout")
        f = SiteFinder(library_roots=[LIB], cwd=os.path.join(checkout, "backend"), import_roots=[os.path.join(checkout, "fixtures", "apps")])
        self.assertEqual(f.kind(os.path.join(checkout, "backend", "app", "views.py")), PROJECT)
        self.assertEqual(f.kind(os.path.join(checkout, "backend", "app", "tests", "x.py")), TEST)
        self.assertEqual(f.kind(os.path.join(checkout, "fixtures", "apps", "cases", "reports.py")), PROJECT)
        self.assertEqual(f.kind(os.path.join(checkout, "fixtures", "apps", "cases", "tests.py")), TEST)
        self.assertEqual(f.kind(os.path.join(ROOT, "tests", "nowhere", "loose.py")), PROJECT)

    def test_relative_file_names_are_read_against_the_project_folder(self):
        self.assertEqual(finder().kind("app/views.py"), PROJECT)

    def test_paths_are_relative_to_the_project_folder(self):
        f = finder()
        self.assertEqual(f.path(p("app", "views.py")), "app/views.py")
        self.assertEqual(f.path(os.path.join(ROOT, "fixtures", "x.py")), "../fixtures/x.py")
        self.assertEqual(relative_path(p("a.py"), PROJECT_DIR), "a.py")


class FindTests(unittest.TestCase):
    def test_the_first_project_frame_outward_from_the_query(self):
        top = stack(
            Frame(os.path.join(LIB, "django", "db", "backends", "utils.py"), 90),
            Frame(os.path.join(LIB, "django", "db", "models", "query.py"), 300),
            Frame(p("app", "reports.py"), 7),
            Frame(p("app", "views.py"), 40),
            Frame(p("app", "tests.py"), 12),
        )
        self.assertEqual(finder().find(top), (p("app", "reports.py"), 7))

    def test_test_helpers_only_when_no_project_frame_exists(self):
        boundary = Code(os.path.join(HELPERS, "tldr_queries", "recorder.py"))
        top = stack(
            Frame(os.path.join(LIB, "django", "db", "models", "query.py"), 300),
            Frame(p("app", "tests.py"), 30),  # a helper in the test file
            Frame(p("app", "tests.py"), 12),  # the test method
            Frame("/usr/lib/python3.11/unittest/case.py", 579),
            Frame(None, 0, code=boundary),
            Frame(p("manage.py"), 22),  # outside the test: never a site
        )
        self.assertEqual(finder().find(top, stop_code=boundary), (p("app", "tests.py"), 30))

    def test_a_project_frame_outside_a_test_callback_wins(self):
        top = stack(
            Frame(os.path.join(LIB, "django", "db", "models", "query.py"), 300),
            Frame(p("app", "tests.py"), 50),  # a signal receiver the test connected
            Frame(os.path.join(LIB, "django", "dispatch", "dispatcher.py"), 170),
            Frame(p("app", "services.py"), 9),
            Frame(p("app", "tests.py"), 12),
        )
        self.assertEqual(finder().find(top), (p("app", "services.py"), 9))

    def test_nothing_but_libraries_is_no_site(self):
        top = stack(Frame(os.path.join(LIB, "django", "db", "models", "query.py"), 1), Frame("/usr/lib/python3.11/threading.py", 2))
        self.assertIsNone(finder().find(top))

    def test_the_walk_stops_at_the_boundary(self):
        boundary = Code(os.path.join(HELPERS, "tldr_queries", "recorder.py"))
        top = stack(Frame(os.path.join(LIB, "django", "a.py"), 1), Frame(None, 0, code=boundary), Frame(p("manage.py"), 22))
        self.assertIsNone(finder().find(top, stop_code=boundary))

    def test_real_frames_and_default_roots(self):
        # This file is a test file; unittest and this interpreter's stdlib are libraries.
        f = SiteFinder(helper_roots=[support.HELPERS])
        here = f.find(sys._getframe())
        self.assertEqual(here[0], __file__)
        self.assertEqual(f.kind(unittest.__file__), LIBRARY)
        self.assertEqual(f.kind(os.path.join(support.HELPERS, "tldr_testrunner.py")), LIBRARY)


if __name__ == "__main__":
    unittest.main()
