"""The recording of one process — the runner, or one parallel worker — as the runner uses it."""
import os
import sys

from .settings import from_env

__all__ = ["Session", "Recording", "HELPERS_DIR"]

HELPERS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Session:
    """Settings, recorder and the relation lookups (built on the first finding)."""

    def __init__(self, settings):
        from .recorder import Recorder
        from .sites import SiteFinder

        self.settings = settings
        self.finder = SiteFinder(helper_roots=[HELPERS_DIR])
        self.recorder = Recorder(self.finder)
        self._relations = None

    def relations(self):
        if self._relations is None:
            from .relations import Relations

            self._relations = Relations()
        return self._relations

    def summarize(self, record, test_id):
        from .detect import summarize

        return summarize(record, test_id, self.settings, self.relations, self.finder.path)


class Recording:
    """``session``: the Session, or None when recording is off. ``local``: tests run in this
    process (serial, or a parallel worker) rather than being replayed from workers."""

    def __init__(self):
        self.session = None
        self.local = False
        self._session = None

    def load(self, environ=None):
        """Reads the settings from the environment again (each runner, each worker subsuite: a
        process that forks runs, like the warm fork server, may change them); one Session per
        process. A malformed TLDR_N_PLUS_ONE_CONFIG raises SettingsError."""
        settings = from_env(environ)
        if not settings.enabled:
            self.session = None
        elif self._session is None:
            self.session = self._session = Session(settings)
        else:
            self._session.settings = settings
            self.session = self._session
        return self.session

    def begin(self, test):
        if self.local and self.session is not None:
            self.session.recorder.begin(test)

    def finish(self, test, test_id):
        """The test's report ({"queries", ...}) when this process recorded it, else None."""
        if not (self.local and self.session is not None):
            return None
        record = self.session.recorder.finish(test)
        if record is None:
            return None
        try:
            return self.session.summarize(record, test_id)
        except Exception as exc:  # a report must never fail the test run
            sys.stderr.write("tldr_testrunner: could not summarise the queries of %s: %r\n" % (test_id, exc))
            return {"queries": record.queries, "setupQueries": record.setup}
