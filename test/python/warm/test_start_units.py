"""Pure logic of tldr_start: manage.py templates, program argv, environment recording, exit codes;
which runs the fork server prepares, and what a prepared run watches."""
import os
import sys
import tempfile
import textwrap
import unittest

import support

sys.path.insert(0, support.HELPERS)

from tldr_start import environ as envmod  # noqa: E402
from tldr_start.exiting import trimmed  # noqa: E402
from tldr_start.manage_py import inspect, settings_module  # noqa: E402
from tldr_start.program import Program, ProgramError  # noqa: E402
from tldr_start import prepared  # noqa: E402
from tldr_start.marks import same_usage  # noqa: E402
from tldr_forkserver.requests import preparable, prepared_key, test_run  # noqa: E402

DJANGO_5 = '''\
#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys


def main():
    """Run administrative tasks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django."
        ) from exc
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
'''

DJANGO_1 = '''\
#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'old.settings')
    try:
        from django.core.management import execute_from_command_line
    except ImportError:
        try:
            import django
        except ImportError:
            raise ImportError("Couldn't import Django.")
        raise
    execute_from_command_line(sys.argv)
'''


class ManagePyTemplates(unittest.TestCase):
    def inspect(self, text):
        with tempfile.NamedTemporaryFile("w", suffix="manage.py", delete=False) as fh:
            fh.write(textwrap.dedent(text))
        try:
            return inspect(fh.name)
        finally:
            os.unlink(fh.name)

    def test_the_startproject_templates_are_standard(self):
        for text, settings in ((DJANGO_5, "proj.settings"), (DJANGO_1, "old.settings")):
            found = self.inspect(text)
            self.assertTrue(found.standard, found.reason)
            self.assertEqual(found.settings, settings)

    def test_the_example_backend_is_standard(self):
        found = inspect(os.path.join(support.EXAMPLE, "manage.py"))
        self.assertTrue(found.standard, found.reason)
        self.assertEqual(found.settings, "tldr.settings")

    def test_anything_before_django_starts_is_named_with_its_line(self):
        dotenv = DJANGO_5.replace('    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n', '    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n    load_dotenv()\n')
        found = self.inspect(dotenv)
        self.assertFalse(found.standard)
        self.assertIn("line 10", found.reason)
        self.assertIn("load_dotenv()", found.reason)
        for extra in ("import dotenv\n", "sys.path.insert(0, 'src')\n", "from pathlib import Path\n"):
            found = self.inspect(extra + DJANGO_5)
            self.assertFalse(found.standard, extra)
            self.assertIn("line 1", found.reason)

    def test_a_computed_settings_module_is_not_standard(self):
        found = self.inspect(DJANGO_5.replace('"proj.settings"', 'os.environ["X"] + ".settings"'))
        self.assertFalse(found.standard)

    def test_unreadable_or_broken_files_are_not_standard(self):
        self.assertFalse(inspect("/nonexistent/manage.py").standard)
        self.assertFalse(self.inspect("def main(:\n").standard)

    def test_the_environment_wins_over_the_setdefault_literal(self):
        found = self.inspect(DJANGO_5)
        self.assertEqual(settings_module({"DJANGO_SETTINGS_MODULE": "x.y"}, found), "x.y")
        self.assertEqual(settings_module({}, found), "proj.settings")


class ProgramArgv(unittest.TestCase):
    def test_scripts_and_modules(self):
        script = Program.parse(["manage.py", "check", "--deploy"])
        self.assertEqual((script.kind, script.target, script.args), ("script", "manage.py", ["check", "--deploy"]))
        self.assertTrue(script.is_manage_py)
        module = Program.parse(["-m", "tldr_migrate_check", "--output", "x"])
        self.assertEqual((module.kind, module.target, module.args), ("module", "tldr_migrate_check", ["--output", "x"]))

    def test_interpreter_options_are_refused(self):
        for argv in ([], ["-c", "pass"], ["-X", "dev", "manage.py"], ["-m"], ["-m", "-x"]):
            with self.assertRaises(ProgramError, msg=argv):
                Program.parse(argv)

    def test_django_options_that_choose_settings(self):
        self.assertEqual(Program.parse(["manage.py", "check", "--settings=a.b"]).django_options(), ["--settings"])
        self.assertEqual(Program.parse(["manage.py", "check", "--pythonpath", "x", "--settings", "a"]).django_options(), ["--pythonpath", "--settings"])
        self.assertEqual(Program.parse(["manage.py", "shell", "--", "--settings"]).django_options(), [])
        self.assertEqual(Program.parse(["manage.py", "check", "--settingsx"]).django_options(), [])


class EnvironmentRecording(unittest.TestCase):
    def test_reads_are_recorded_with_their_value_writes_first_are_not(self):
        os.environ["TLDR_UNIT_A"] = "1"
        os.environ.pop("TLDR_UNIT_MISSING", None)
        try:
            with envmod.record() as recording:
                os.environ.get("TLDR_UNIT_A")
                os.getenv("TLDR_UNIT_MISSING")
                os.environ.setdefault("TLDR_UNIT_SET", "x")
                os.environ["TLDR_UNIT_WRITTEN"] = "y"
                os.environ.get("TLDR_UNIT_WRITTEN")
                "TLDR_UNIT_IN" in os.environ
            self.assertEqual(recording.reads["TLDR_UNIT_A"], "1")
            self.assertIsNone(recording.reads["TLDR_UNIT_MISSING"])
            self.assertIsNone(recording.reads["TLDR_UNIT_SET"])
            self.assertIsNone(recording.reads["TLDR_UNIT_IN"])
            self.assertNotIn("TLDR_UNIT_WRITTEN", recording.reads)
            self.assertIsNone(recording.iterated)
            self.assertIs(type(os.environ), os._Environ)
        finally:
            for key in ("TLDR_UNIT_A", "TLDR_UNIT_SET", "TLDR_UNIT_WRITTEN"):
                os.environ.pop(key, None)

    def test_listing_the_environment_is_iteration_not_a_read_of_every_key(self):
        with envmod.record() as recording:
            dict(os.environ.items())
        self.assertEqual(recording.reads, {})
        self.assertEqual(recording.iterated[0], __file__)
        with envmod.record() as recording:
            os.environ.copy()
        self.assertEqual(recording.reads, {})
        self.assertIsNotNone(recording.iterated)

    def test_interpreter_keys(self):
        env = {"PYTHONHASHSEED": "0", "LC_ALL": "C", "LANG": "C", "LD_PRELOAD": "x", "TZ": "UTC", "PYTHONPATH": "a", "DATABASE_URL": "x"}
        self.assertEqual(envmod.interpreter_keys(env), ["LANG", "LC_ALL", "LD_PRELOAD", "PYTHONHASHSEED", "TZ"])


class Tracebacks(unittest.TestCase):
    def test_a_traceback_starts_at_the_programs_first_frame(self):
        with tempfile.TemporaryDirectory() as folder:
            script = os.path.join(folder, "manage.py")
            with open(script, "w") as fh:
                fh.write("def inner():\n    raise RuntimeError('x')\n\ninner()\n")
            program = Program.parse([script])
            try:
                program.run()
            except RuntimeError as exc:
                tb = trimmed(exc.__traceback__)
            finally:
                sys.modules["__main__"] = sys.modules.get("__main__")
            files = []
            while tb is not None:
                files.append((tb.tb_frame.f_code.co_filename, tb.tb_frame.f_code.co_name))
                tb = tb.tb_next
            self.assertEqual(files, [(script, "<module>"), (script, "inner")])

    def test_an_exception_before_the_program_keeps_its_whole_traceback(self):
        try:
            raise ValueError("in tldr's own code")
        except ValueError as exc:
            self.assertIs(trimmed(exc.__traceback__), exc.__traceback__)


RUNNER = ["manage.py", "test", "--noinput", "--testrunner", "tldr_testrunner.TldrTestRunner"]


class PreparedRuns(unittest.TestCase):
    def request(self, argv, **extra):
        request = {"argv": argv, "env": {"A": "1", "TLDR_TEST_EVENTS": "/tmp/one"}, "cwd": "/srv", "prepare": True, "lateEnv": ["TLDR_TEST_EVENTS"], "lifeline": True}
        request.update(extra)
        return request

    def test_only_tldrs_runner_with_the_kept_database_is_prepared(self):
        self.assertTrue(preparable(self.request(RUNNER + ["--keepdb", "--", "app"])))
        self.assertFalse(preparable(self.request(RUNNER + ["--", "app"])), "without --keepdb it would hold a database of its own")
        self.assertFalse(preparable(self.request(RUNNER + ["--", "--keepdb"])), "a label, not the option")
        self.assertFalse(preparable(self.request(["manage.py", "test", "--keepdb"])), "another runner would not pause")
        self.assertFalse(preparable(self.request(RUNNER + ["--keepdb"], prepare=False)))
        self.assertFalse(preparable(self.request(RUNNER + ["--keepdb"], env={"TLDR_TEST_DB_SUFFIX": "x"})))
        self.assertFalse(preparable(self.request(["manage.py", "check"])))
        self.assertTrue(test_run(self.request(["manage.py", "test"])))
        self.assertFalse(test_run(self.request(["manage.py", "check"])))

    def test_two_runs_match_but_for_their_own_variables(self):
        one = self.request(RUNNER + ["--keepdb"])
        self.assertEqual(prepared_key(one), prepared_key(dict(one, env={"A": "1", "TLDR_TEST_EVENTS": "/tmp/two"}, hold=True)))
        for change in ({"env": {"A": "2", "TLDR_TEST_EVENTS": "/tmp/one"}}, {"argv": RUNNER + ["--keepdb", "--", "x"]}, {"cwd": "/other"}, {"lifeline": False}, {"graceMs": 5}, {"lateEnv": []}):
            self.assertNotEqual(prepared_key(one), prepared_key(dict(one, **change)), change)


class PreparedUsage(unittest.TestCase):
    BEFORE = [("test_a", 16384, 10, 0), ("test_b", 16385, 4, 0)]

    def test_unchanged_and_its_own_sessions_pass(self):
        self.assertTrue(same_usage(self.BEFORE, list(self.BEFORE), {}))
        # The run's own session to test_a, opened at wake: counted once PostgreSQL reported it, or not yet.
        self.assertTrue(same_usage(self.BEFORE, [("test_a", 16384, 11, 0), ("test_b", 16385, 4, 0)], {"test_a": 1}))
        self.assertTrue(same_usage(self.BEFORE, list(self.BEFORE), {"test_a": 1}))

    def test_anyone_elses_session_fails(self):
        for now in (
            [("test_a", 16384, 11, 0), ("test_b", 16385, 4, 0)],  # a session came and went
            [("test_a", 16384, 12, 0), ("test_b", 16385, 4, 0)],  # one more than the run's own
            [("test_a", 16384, 10, 1), ("test_b", 16385, 4, 0)],  # someone connected now
            [("test_a", 16399, 10, 0), ("test_b", 16385, 4, 0)],  # dropped and made again
            [("test_a", 16384, 10, 0)],  # one is gone
            None,
        ):
            own = {"test_a": 1} if now and now[0][2] == 12 else {}
            self.assertFalse(same_usage(self.BEFORE, now, own), now)
        self.assertFalse(same_usage(self.BEFORE, [("test_a", 16384, 10, 0), ("test_b", 16385, 5, 0)], {"test_a": 1}), "its own session was to the other one")


class PreparedReads(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="tldr-prepared-reads-")
        self.addCleanup(__import__("shutil").rmtree, self.dir, True)
        self.write("probe_mod_a.py", "X = 1\n")
        sys.path.insert(0, self.dir)
        self.addCleanup(sys.path.remove, self.dir)
        self.addCleanup(lambda: sys.modules.pop("probe_mod_a", None))

    def write(self, name, text):
        with open(os.path.join(self.dir, name), "w") as fh:
            fh.write(text)

    def armed(self):
        r, w = os.pipe()
        self.addCleanup(os.close, r)
        prepared.arm(r, w)
        handoff = prepared.take()
        self.assertFalse(prepared.armed())
        return handoff

    def test_what_it_imported_and_listed_is_watched_and_unwatched_after_the_pause(self):
        original = os.listdir
        handoff = self.armed()
        __import__("probe_mod_a")
        self.assertIn("probe_mod_a.py", os.listdir(self.dir))
        handoff.paused()
        self.assertIs(os.listdir, original)
        self.assertIsNone(handoff.changed())
        self.write("probe_mod_b.py", "")  # discovery would find it now
        self.assertIn(handoff.changed(), ("%s changed since" % self.dir, "%s changed since" % os.path.join(self.dir, "probe_mod_b.py")))

    def test_an_edit_after_the_import_counts_even_before_the_pause(self):
        handoff = self.armed()
        __import__("probe_mod_a")
        path = os.path.join(self.dir, "probe_mod_a.py")
        os.utime(path, ns=(0, os.stat(path).st_mtime_ns + 10**9))  # edited during the set-up
        handoff.paused()
        self.assertIn("probe_mod_a.py changed since", handoff.changed() or "")


if __name__ == "__main__":
    unittest.main()
