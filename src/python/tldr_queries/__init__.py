"""tldr's query recording for ``tldr test``: per test, every query counted, each test-method
query's shape and call site, and n-plus-one findings (a SELECT repeated from one line).

    shape.py      the SQL shape normaliser
    sites.py      the call site: the first frame in the project's own code
    relations.py  which relation a repeated query loads (models' _meta) and the hint
    detect.py     one test's queries -> counts, top shapes, findings
    settings.py   TLDR_N_PLUS_ONE_CONFIG / TLDR_QUERY_RECORDING
    recorder.py   the execute wrapper and the phases of a test (needs Django)
    session.py    one process' recording, as tldr_testrunner.py uses it

shape, sites, detect and settings are pure (stdlib only); relations reads the models' _meta;
nothing here needs a database but the recorder's queries. tldr_testrunner.py wires it in.
"""
from .session import HELPERS_DIR, Recording, Session

__all__ = ["Session", "Recording", "HELPERS_DIR"]
