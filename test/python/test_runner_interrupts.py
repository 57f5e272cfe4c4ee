"""The runner holds SIGINT while the test databases are created or dropped (a person's second
Ctrl-C, tldr ci's second SIGINT at its --timeout deadline): the work finishes, then the run stops
before any test (setup) or the signal reaches the handler that was there before (teardown)."""
import os
import signal
import unittest
from unittest import mock

import support  # noqa: F401

import tldr_testrunner


class _Base:
    """Stands in for Django's DiscoverRunner: each step records itself; a step can be interrupted."""

    def __init__(self):
        self.calls = []
        self.interrupt_in = ()

    def _step(self, name):
        self.calls.append(name + ":start")
        if name in self.interrupt_in:
            signal.raise_signal(signal.SIGINT)  # as from the terminal or tldr, mid-step
        self.calls.append(name + ":end")

    def setup_databases(self, **kwargs):
        self._step("setup")
        return "old-config"

    def run_checks(self, databases):
        self._step("checks")

    def teardown_databases(self, old_config, **kwargs):
        self._step("teardown")


class _Runner(tldr_testrunner._TldrRunnerMixin, _Base):
    def __init__(self, *interrupt_in):  # the mixin's own __init__ reads tldr's environment: not needed here
        _Base.__init__(self)
        self.interrupt_in = interrupt_in


class HeldInterruptTests(unittest.TestCase):
    def setUp(self):
        self.seen = []
        previous = signal.signal(signal.SIGINT, lambda signum, frame: self.seen.append(signum))
        self.addCleanup(signal.signal, signal.SIGINT, previous)
        patcher = mock.patch.dict(os.environ, {}, clear=False)
        patcher.start()
        self.addCleanup(patcher.stop)
        os.environ.pop(tldr_testrunner.DB_SUFFIX_ENV, None)

    def test_an_interrupt_during_setup_lets_it_finish_then_stops_before_the_tests(self):
        runner = _Runner("setup")
        self.assertEqual(runner.setup_databases(aliases={"default"}), "old-config")
        self.assertEqual(runner.calls, ["setup:start", "setup:end"])
        with self.assertRaises(KeyboardInterrupt):
            runner.run_checks({"default"})  # inside Django's try: its finally tears the databases down
        self.assertEqual(runner.calls, ["setup:start", "setup:end"])
        self.assertEqual(self.seen, [])  # held, then turned into the stop: not delivered twice

    def test_an_interrupt_during_teardown_is_delivered_once_it_is_done(self):
        runner = _Runner("teardown")
        runner.teardown_databases("old-config")
        self.assertEqual(runner.calls, ["teardown:start", "teardown:end"])
        self.assertEqual(self.seen, [signal.SIGINT])

    def test_without_an_interrupt_nothing_changes(self):
        runner = _Runner()
        config = runner.setup_databases(aliases={"default"})
        runner.run_checks({"default"})
        runner.teardown_databases(config)
        self.assertEqual(runner.calls, ["setup:start", "setup:end", "checks:start", "checks:end", "teardown:start", "teardown:end"])
        self.assertEqual(self.seen, [])
        self.assertIsNot(signal.getsignal(signal.SIGINT), signal.default_int_handler)

    def test_an_interrupt_outside_setup_and_teardown_is_not_held(self):
        runner = _Runner("checks")
        runner.setup_databases(aliases={"default"})
        runner.run_checks({"default"})
        self.assertEqual(self.seen, [signal.SIGINT])


if __name__ == "__main__":
    unittest.main()
