import unittest

from helpers import covered_rules

from tldr_migrate_check.rules import RULES

JUDGED = ("operation", "migration", "observation")


class Registry(unittest.TestCase):
    def test_every_code_has_a_severity_a_hint_and_what_it_finds(self):
        for code, rule in RULES.items():
            self.assertIn(rule.severity, ("error", "warning"), code)
            self.assertGreater(len(rule.hint), 20, code)
            self.assertTrue(rule.finds, code)
            if rule.scope in JUDGED:
                self.assertTrue(callable(rule.judge), code)
            if rule.scope == "operation":
                self.assertTrue(rule.classes(), "%s names no operation this Django has" % code)

    def test_every_judged_rule_has_an_unsafe_and_a_safe_unit_case(self):
        covered = covered_rules()
        for code, rule in RULES.items():
            if rule.scope in JUDGED:
                self.assertTrue({"unsafe", "safe"} <= covered.get(code, set()), "%s: unit cases %s" % (code, covered.get(code)))

    def test_subclasses_match(self):
        from django.contrib.postgres.operations import AddIndexConcurrently
        from django.db import models

        matching = [r.code for r in RULES.values() if r.matches(AddIndexConcurrently("order", models.Index(fields=["x"], name="i")))]
        self.assertIn("add-index-blocking", matching)
