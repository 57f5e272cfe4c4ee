import unittest
from unittest import mock

from tldr_migrate_check import reversibility


class Node:
    def __init__(self, key, parents=(), atomic=True):
        self.key, self.parents, self.children, self.atomic = key, list(parents), [], atomic
        self.operations = []


class Graph:
    """a.1 ← a.2, and b.1 on its own."""

    def __init__(self):
        a1, b1 = Node(("a", "1")), Node(("b", "1"))
        a2 = Node(("a", "2"), [a1])
        a1.children.append(a2)
        self.node_map = {n.key: n for n in (a1, a2, b1)}
        self.nodes = self.node_map


class ForwardGoesOnPastAFailure(unittest.TestCase):
    def run_forward(self, fail_at, graph=None):
        checker = type("C", (), {})()
        findings = []
        checker.add = lambda *a: findings.append(a)
        checker.graph = type("G", (), {"migration_file": staticmethod(lambda key: None)})()
        run = reversibility.Reversibility.__new__(reversibility.Reversibility)
        run.checker, run.checked, run.observe, run.lock_timeout, run.method = checker, [("a", "1"), ("a", "2"), ("b", "1")], False, None, "template"
        run.loader = type("L", (), {"graph": graph or Graph()})()
        applied_order = []

        def migrate(keys, backwards, on_event=None):
            for key in sorted(keys):
                if key == fail_at:
                    raise reversibility.MigrationFailed(key, 0, Exception('column "x" contains null values'))
                on_event("apply_start", key, None)
                on_event("apply_success", key, None)
                applied_order.append(key)

        run.migrate = migrate
        run.connection = None
        with mock.patch.object(reversibility, "take_snapshot", lambda connection: frozenset()):
            return run.forward({("a", "1"), ("a", "2"), ("b", "1")}), findings, applied_order

    def test_the_independent_migration_is_applied_after_the_failure(self):
        (pre, post, applied, complete), findings, order = self.run_forward(("a", "1"))
        self.assertTrue(complete)
        self.assertEqual(applied, {("b", "1")})
        self.assertEqual([f[0] for f in findings], ["apply-fails"])
        self.assertIn("contains null values", findings[0][6])
        self.assertIn("NOT NULL", findings[0][7])

    def test_a_non_atomic_failure_stops_the_run(self):
        graph = Graph()
        graph.node_map[("b", "1")].atomic = False
        with mock.patch.object(reversibility, "descendants", lambda g, keys: set(keys)):
            (_, _, applied, complete), findings, _ = self.run_forward(("b", "1"), graph)
        self.assertFalse(complete)
        self.assertEqual(applied, {("a", "1"), ("a", "2")})
