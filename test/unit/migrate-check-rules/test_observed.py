import unittest

from helpers import FakeChecker

from tldr_migrate_check.checker import Checker
from tldr_migrate_check.rules import registry

KEY = ("shop", "0002_x")


def statement(table, lock="ACCESS EXCLUSIVE", rewrite=False, line=3, **extra):
    return dict(statement="ALTER TABLE …", table=table, lock=lock, rewrite=rewrite, line=line, kind="AlterField", **extra)


class TableRewrite(unittest.TestCase):
    rule = "table-rewrite"

    def judge(self, statements):
        return list(registry.get(self.rule).judge({"statements": statements}))

    def test_unsafe_rewrite_with_the_lock_it_held(self):
        (line, hit), = self.judge([statement("shop_order", rewrite=True)])
        self.assertEqual(line, 3)
        self.assertIn('AlterField rewrote existing table "shop_order" under ACCESS EXCLUSIVE', hit.message)

    def test_safe_lock_without_rewrite_and_index_rebuild(self):
        self.assertEqual(self.judge([statement("shop_order"), statement("shop_order", rewrite=True, index="shop_pkey")]), [])

    def test_one_finding_per_table_and_operation(self):
        self.assertEqual(len(self.judge([statement("shop_order", rewrite=True)] * 2)), 1)


class ObservationDecides(unittest.TestCase):
    """Observed rules: ``confirm`` findings stay only when the rewrite was seen, ``replace`` ones go."""

    rule = None

    def checker(self, *findings):
        checker = Checker.__new__(Checker)
        checker.findings = list(findings)
        return checker

    def finding(self, code, mode, table="shop_order", key=KEY):
        return dict(code=code, app=key[0], migration=key[1], message="m", _observed={"mode": mode, "table": table})

    def test_confirmed_by_a_rewrite(self):
        checker = self.checker(self.finding("alter-column-type", "confirm"))
        checker.decide(KEY, {("shop_order", "ACCESS EXCLUSIVE")})
        self.assertEqual(len(checker.findings), 1)
        self.assertIn('observed: rewrote "shop_order" under ACCESS EXCLUSIVE', checker.findings[0]["message"])

    def test_dropped_without_a_rewrite_and_when_replaced(self):
        checker = self.checker(self.finding("alter-column-type", "confirm"), self.finding("volatile-default", "replace"))
        checker.decide(KEY, {("other_table", "ACCESS EXCLUSIVE")})
        self.assertEqual(checker.findings, [])

    def test_other_migrations_untouched(self):
        other = self.finding("alter-column-type", "confirm", key=("shop", "0003_y"))
        checker = self.checker(other)
        checker.decide(KEY, set())
        self.assertEqual(checker.findings, [other])


class FakeCheckerIsUsable(unittest.TestCase):
    def test_fake(self):
        FakeChecker().add("drop-table", "error", "a", "m", "f", 1, "msg", "hint")
