"""Pure logic of tldr_start: manage.py templates, program argv, environment recording, exit codes."""
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


if __name__ == "__main__":
    unittest.main()
