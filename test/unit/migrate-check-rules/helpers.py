"""Lint operations over an in-memory ProjectState, the way the helper lints one migration."""
import os
import unittest

import django
from django.db import connection, migrations, models

from tldr_migrate_check import rules  # noqa: F401  (registers every rule)
from tldr_migrate_check.walker import MigrationLinter

APP = "shop"


class FakeChecker:
    def __init__(self):
        self.connection = connection
        self.django_version = django.VERSION
        self.findings = []

    def add(self, code, severity, app, migration, file, line, message, hint, **private):
        self.findings.append(
            dict(code=code, severity=severity, app=app, migration=migration, file=file, line=line, message=message, hint=hint)
        )


def order_model(*extra_fields, **options):
    """CreateModel Order(id, note varchar(100), qty integer, …) in app ``shop``."""
    fields = [
        ("id", models.AutoField(primary_key=True)),
        ("note", models.CharField(max_length=100)),
        ("qty", models.IntegerField(default=0)),
    ] + list(extra_fields)
    return migrations.CreateModel(name="Order", fields=fields, options=options)


def customer_model():
    return migrations.CreateModel(
        name="Customer", fields=[("id", models.AutoField(primary_key=True)), ("name", models.CharField(max_length=50))]
    )


def state_of(*operations):
    """The ProjectState after ``operations`` (models created here are "existing" for the linted migration)."""
    from django.db.migrations.state import ProjectState

    state = ProjectState()
    for operation in operations:
        operation.state_forwards(APP, state)
    return state


def lint(operations, before=(), atomic=True):
    """Findings of a migration ``0002_x`` of app ``shop`` made of ``operations`` (operation i on line i + 1),
    linted over the state that ``before`` builds."""
    migration = migrations.Migration("0002_x", APP)
    migration.operations = list(operations)
    migration.atomic = atomic
    checker = FakeChecker()
    locations = [(i + 1, None) for i in range(len(migration.operations))]
    MigrationLinter(checker, (APP, "0002_x"), "shop/migrations/0002_x.py", migration, locations).lint(state_of(*before))
    return checker.findings


def codes(findings):
    return sorted(f["code"] for f in findings)


def django_at_least(*version):
    return django.VERSION >= version


HERE = os.path.dirname(os.path.abspath(__file__))


def cases(suite):
    """Every test case in a (nested) suite."""
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            yield from cases(test)
        else:
            yield test


def covered_rules():
    """{rule code: {"unsafe", "safe"}} from the test cases' ``rule`` and method names."""
    suite = unittest.defaultTestLoader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    covered = {}
    for test in cases(suite):
        rule = getattr(type(test), "rule", None)
        if rule:
            covered.setdefault(rule, set()).add(test._testMethodName.split("_")[1])
    return covered
