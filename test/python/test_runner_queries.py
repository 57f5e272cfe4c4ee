"""The runner's side of the recording: settings read again for every runner, one Session per
process (tldr_queries.Recording), and tracebacks without the runner's frames."""
import os
import sys
import unittest
from unittest import mock

import support  # noqa: F401

import tldr_queries
import tldr_testrunner
from tldr_queries.settings import SettingsError


class LoadTests(unittest.TestCase):
    def load(self, **env):
        with mock.patch.dict(os.environ, env, clear=False):
            for name in ("TLDR_N_PLUS_ONE_CONFIG", "TLDR_QUERY_RECORDING"):
                if name not in env:
                    os.environ.pop(name, None)
            return self.queries.load()

    def setUp(self):
        self.queries = tldr_queries.Recording()

    def test_settings_are_read_again_and_the_session_kept(self):
        first = self.load(TLDR_N_PLUS_ONE_CONFIG='{"threshold": 3}')
        self.assertEqual(first.settings.threshold, 3)
        second = self.load(TLDR_N_PLUS_ONE_CONFIG='{"threshold": 7}')
        self.assertIs(second, first)
        self.assertEqual(second.settings.threshold, 7)

    def test_off_and_on_again(self):
        first = self.load()
        self.assertIsNone(self.load(TLDR_QUERY_RECORDING="off"))
        self.assertIsNone(self.queries.session)
        self.assertIs(self.load(), first)

    def test_a_malformed_value_raises(self):
        with self.assertRaises(SettingsError):
            self.load(TLDR_N_PLUS_ONE_CONFIG='{"threshold": 0}')


class TracebackTests(unittest.TestCase):
    def test_leading_unittest_and_tldr_frames_are_skipped(self):
        class Frame:
            def __init__(self, name):
                self.f_globals = {"__name__": name}

        class Tb:
            def __init__(self, name, next_tb=None):
                self.tb_frame = Frame(name)
                self.tb_next = next_tb

        user = Tb("app.tests", Tb("unittest.case"))
        tb = Tb("unittest.case", Tb("tldr_queries.recorder", Tb("unittest.case", user)))
        self.assertIs(tldr_testrunner._skip_runner_frames(tb), user)
        only_runner = Tb("unittest.case", Tb("tldr_queries.recorder"))
        self.assertIs(tldr_testrunner._skip_runner_frames(only_runner), only_runner)
        self.assertIsNone(tldr_testrunner._skip_runner_frames(None))

    def test_real_traceback(self):
        try:
            raise ValueError("x")
        except ValueError:
            tb = sys.exc_info()[2]
        self.assertIs(tldr_testrunner._skip_runner_frames(tb), tb)


if __name__ == "__main__":
    unittest.main()
