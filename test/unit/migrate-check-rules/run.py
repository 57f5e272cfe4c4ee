"""Unit tests of the migration-check rules: in-memory ProjectStates, no database.

    <python> test/unit/migrate-check-rules/run.py      (test/unit/migrate-check-rules.test.ts runs it)

Prints one JSON line: {"django", "tests", "failures", "errors", "rules": {code: ["safe", "unsafe"]}} and exits
1 when a test failed. Each TestCase names the rule it covers in ``rule``; test_registry checks that
every operation, migration and observation rule has an unsafe and a safe case.
"""
import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "src", "python"))
sys.path.insert(0, HERE)

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.configure(
    DATABASES={"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "tldr_unit_never_connected"}},
    INSTALLED_APPS=[],
    USE_TZ=True,
)
django.setup()


def main():
    from helpers import covered_rules

    suite = unittest.defaultTestLoader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    result = unittest.TextTestRunner(stream=sys.stderr, verbosity=1).run(suite)
    summary = {
        "django": django.get_version(),
        "tests": result.testsRun,
        "failures": [test.id() + "\n" + text for test, text in result.failures],
        "errors": [test.id() + "\n" + text for test, text in result.errors],
        "rules": {code: sorted(kinds) for code, kinds in covered_rules().items()},
    }
    print(json.dumps(summary))
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
