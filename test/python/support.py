"""Imported first by every test module here: puts tldr's helpers and the fixture apps on the
path and configures Django with no server (sqlite in memory), so the models' _meta is there.

    cd test/python && <python> -m unittest            (Django 5.2: example/backend/.venv/bin/python,
                                                        Django 3.2: /usr/bin/python3)
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
HELPERS = os.path.join(REPO, "src", "python")
FIXTURE_APPS = os.path.join(REPO, "test", "fixtures", "testapps")
for entry in (HERE, FIXTURE_APPS, HELPERS):
    if entry not in sys.path:
        sys.path.insert(0, entry)

import django  # noqa: E402
from django.conf import settings  # noqa: E402
from markers import marked_line  # noqa: E402,F401

if not settings.configured:
    settings.configure(
        INSTALLED_APPS=["django.contrib.contenttypes", "nplusone_cases", "relcases"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        USE_TZ=True,
    )
    django.setup()


def sql_of(queryset):
    """The SQL text Django sends for a queryset (placeholders kept, as the execute wrapper sees it)."""
    sql, _params = queryset.query.get_compiler(queryset.db).as_sql()
    return sql

