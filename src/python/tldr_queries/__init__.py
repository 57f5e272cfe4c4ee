"""tldr's query recording for ``tldr test``: per test, every query counted, each test-method
query's shape and call site, and n-plus-one findings (a SELECT repeated from one line).

    shape.py      the SQL shape normaliser
    sites.py      the call site: the first frame in the project's own code
    relations.py  which relation a repeated query loads (models' _meta) and the hint
    detect.py     one test's queries -> counts, top shapes, findings
    settings.py   TLDR_N_PLUS_ONE_CONFIG / TLDR_QUERY_RECORDING
    recorder.py   the execute wrapper and the phases of a test (needs Django)

Everything but recorder.py is pure and runs without a database; tldr_testrunner.py wires it in.
"""
import os

__all__ = ["Session"]

HELPERS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Session:
    """The recording of one process (the runner, or one parallel worker): settings, recorder and
    the relation lookups, built on first use."""

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
