import json
import os
import unittest

import support  # noqa: F401

from tldr_queries.detect import MAX_FINDINGS, MAX_GROUPS, SHAPE_MAX_CHARS, TestQueries, summarize, truncate
from tldr_queries.relations import Relations
from tldr_queries.settings import parse

LAZY_AUTHOR = 'SELECT "a"."id" FROM "nplusone_cases_author" "a" WHERE "nplusone_cases_author"."id" = ? LIMIT ?'
AUTHOR = 'SELECT "nplusone_cases_author"."id", "nplusone_cases_author"."name" FROM "nplusone_cases_author" WHERE "nplusone_cases_author"."id" = ? LIMIT ?'
BOOKS = 'SELECT "nplusone_cases_book"."id" FROM "nplusone_cases_book" ORDER BY "nplusone_cases_book"."id" ASC'
REPORTS = os.path.join(os.getcwd(), "app", "reports.py")
VIEWS = os.path.join(os.getcwd(), "app", "views.py")


def record(*queries, setup=0):
    """queries: (shape, site, request, times)"""
    r = TestQueries()
    r.setup = setup
    for shape, site, request, times in queries:
        for _ in range(times):
            r.add(shape, site, request)
    return r


_relations = None


def relations():
    global _relations
    if _relations is None:
        _relations = Relations()
    return _relations


def run(r, threshold=5, ignore=(), test="app.tests.T.test_x"):
    settings = parse(json.dumps({"threshold": threshold, "ignore": list(ignore)}))
    return summarize(r, test, settings, relations, lambda f: os.path.relpath(f).replace(os.sep, "/"))


class SummaryTests(unittest.TestCase):
    def test_counts_and_top_queries(self):
        out = run(record((BOOKS, (REPORTS, 7), 0, 1), (AUTHOR, (REPORTS, 7), 0, 3), setup=4))
        self.assertEqual((out["queries"], out["setupQueries"]), (4, 4))
        self.assertEqual(out["topQueries"], [
            {"shape": AUTHOR, "count": 3, "file": "app/reports.py", "line": 7},
            {"shape": BOOKS, "count": 1, "file": "app/reports.py", "line": 7},
        ])
        self.assertNotIn("findings", out)

    def test_top_queries_are_few_and_bounded(self):
        shapes = ["SELECT %d FROM t%s" % (i, "x" * 400) for i in range(6)]
        out = run(record(*[(s, None, 0, i + 1) for i, s in enumerate(shapes)]))
        self.assertEqual([q["count"] for q in out["topQueries"]], [6, 5, 4])
        self.assertTrue(all(len(q["shape"]) <= SHAPE_MAX_CHARS for q in out["topQueries"]))
        self.assertNotIn("file", out["topQueries"][0])

    def test_a_shape_from_two_sites_is_one_top_query_named_by_its_busiest_site(self):
        out = run(record((AUTHOR, (REPORTS, 7), 0, 2), (AUTHOR, (VIEWS, 9), 0, 3)), threshold=9)
        self.assertEqual(out["topQueries"], [{"shape": AUTHOR, "count": 5, "file": "app/views.py", "line": 9}])

    def test_a_select_repeated_from_one_site_at_the_threshold_is_a_finding(self):
        out = run(record((BOOKS, (REPORTS, 7), 0, 1), (AUTHOR, (REPORTS, 7), 0, 5)))
        [finding] = out["findings"]
        self.assertEqual(finding, {
            "code": "n-plus-one", "severity": "warning", "test": "app.tests.T.test_x",
            "file": "app/reports.py", "line": 7, "count": 5, "shape": AUTHOR,
            "hint": finding["hint"], "fix": "select_related", "relation": "Book.author",
        })
        self.assertIn('select_related("author")', finding["hint"])

    def test_below_the_threshold_is_silent(self):
        self.assertNotIn("findings", run(record((AUTHOR, (REPORTS, 7), 0, 4))))
        self.assertIn("findings", run(record((AUTHOR, (REPORTS, 7), 0, 4)), threshold=4))

    def test_two_sites_are_counted_apart(self):
        self.assertNotIn("findings", run(record((AUTHOR, (REPORTS, 7), 0, 3), (AUTHOR, (REPORTS, 8), 0, 3))))

    def test_one_query_per_request_is_not_a_loop(self):
        out = run(record(*[(AUTHOR, (VIEWS, 9), request, 1) for request in range(1, 8)]))
        self.assertNotIn("findings", out)
        self.assertEqual(out["queries"], 7)

    def test_a_loop_inside_one_request_is(self):
        out = run(record((AUTHOR, (REPORTS, 7), 3, 6), (AUTHOR, (REPORTS, 7), 4, 2)))
        self.assertEqual([f["count"] for f in out["findings"]], [6])

    def test_writes_and_unknown_sites_are_never_findings(self):
        insert = 'INSERT INTO "nplusone_cases_tag" ("name") VALUES (...) RETURNING "nplusone_cases_tag"."id"'
        out = run(record((insert, (REPORTS, 3), 0, 9), ('UPDATE "t" SET "a" = ?', (REPORTS, 4), 0, 9), (AUTHOR, None, 0, 9)))
        self.assertNotIn("findings", out)
        self.assertEqual(out["queries"], 27)

    def test_setup_queries_are_never_judged(self):
        self.assertNotIn("findings", run(record(setup=50)))

    def test_ignored_findings_are_kept_and_marked(self):
        r = record((AUTHOR, (REPORTS, 7), 0, 6), (LAZY_AUTHOR, (VIEWS, 9), 0, 5))
        out = run(r, ignore=[{"site": "app/reports.py:7", "reason": "bounded to 6 rows"}])
        by_line = {f["line"]: f for f in out["findings"]}
        self.assertEqual(by_line[7]["ignored"], {"site": "app/reports.py:7", "reason": "bounded to 6 rows"})
        self.assertNotIn("ignored", by_line[9])
        out = run(r, ignore=[{"test": "app.tests.T", "reason": "legacy"}])
        self.assertTrue(all(f["ignored"] == {"test": "app.tests.T", "reason": "legacy"} for f in out["findings"]))

    def test_findings_are_ordered_by_count_and_capped(self):
        r = record(*[(AUTHOR + " -- %d" % i, (REPORTS, i + 1), 0, 5 + i) for i in range(MAX_FINDINGS + 3)])
        out = run(r)
        self.assertEqual(len(out["findings"]), MAX_FINDINGS)
        self.assertEqual(out["findingsOmitted"], 3)
        counts = [f["count"] for f in out["findings"]]
        self.assertEqual(counts, sorted(counts, reverse=True))

    def test_long_shapes_are_truncated(self):
        long_shape = AUTHOR.replace('"name"', '"name", ' + ", ".join('"c%d"' % i for i in range(100)))
        [finding] = run(record((BOOKS, (REPORTS, 7), 0, 1), (long_shape, (REPORTS, 7), 0, 5)))["findings"]
        self.assertEqual(len(finding["shape"]), SHAPE_MAX_CHARS)
        self.assertTrue(finding["shape"].endswith("…"))
        self.assertEqual(finding["relation"], "Book.author")  # read from the whole shape
        self.assertEqual(truncate("abc", 5), "abc")


class GroupBoundTests(unittest.TestCase):
    def test_distinct_groups_are_bounded_yet_every_query_counts(self):
        r = TestQueries()
        for i in range(MAX_GROUPS + 50):
            r.add("SELECT %d" % i, None, 0)
        r.add("SELECT 0", None, 0)
        self.assertEqual(len(r.groups), MAX_GROUPS)
        self.assertEqual((r.queries, r.ungrouped), (MAX_GROUPS + 51, 50))
        self.assertEqual(r.groups[("SELECT 0", None, 0)], 2)
        out = run(r)
        self.assertEqual((out["queries"], out["queriesUngrouped"]), (MAX_GROUPS + 51, 50))
        self.assertNotIn("queriesUngrouped", run(record((AUTHOR, None, 0, 3))))


if __name__ == "__main__":
    unittest.main()
