import json
import os
import unittest

import support  # noqa: F401

from tldr_queries.settings import DEFAULT_THRESHOLD, SettingsError, from_env, parse

CWD = os.path.join(os.sep, "work", "backend")


def settings(value=None, switch=None):
    return parse(json.dumps(value) if value is not None else "", switch, cwd=CWD)


class ParseTests(unittest.TestCase):
    def test_defaults(self):
        s = settings()
        self.assertEqual((s.enabled, s.threshold, s.ignore), (True, DEFAULT_THRESHOLD, []))
        self.assertEqual(DEFAULT_THRESHOLD, 5)

    def test_values_and_tldrs_own_keys(self):
        s = settings({"threshold": 3, "fail": True, "enabled": True, "ignore": []})
        self.assertEqual(s.threshold, 3)

    def test_the_off_switch(self):
        for value in ("0", "off", "false", "No", " OFF "):
            self.assertFalse(settings(switch=value).enabled, value)
        for value in ("1", "on", ""):
            self.assertTrue(settings(switch=value).enabled, value)
        self.assertFalse(settings({"enabled": False}).enabled)

    def test_from_env(self):
        s = from_env({"TLDR_N_PLUS_ONE_CONFIG": '{"threshold": 9}', "TLDR_QUERY_RECORDING": "off"})
        self.assertEqual((s.enabled, s.threshold), (False, 9))
        self.assertTrue(from_env({}).enabled)

    def test_errors_name_the_problem(self):
        cases = [
            ("{", "not JSON"),
            ("[1]", "expected a JSON object"),
            ('{"threshold": 1}', "threshold: expected a whole number of at least 2, got 1"),
            ('{"threshold": "5"}', "threshold"),
            ('{"threshold": true}', "threshold"),
            ('{"enabled": "yes"}', "enabled: expected true or false"),
            ('{"ignore": {}}', "ignore: expected a list"),
            ('{"ignore": ["x"]}', "ignore[0]: expected an object"),
            ('{"ignore": [{"reason": "r"}]}', 'ignore[0]: give exactly one of "test" or "site"'),
            ('{"ignore": [{"test": "a", "site": "b", "reason": "r"}]}', "exactly one"),
            ('{"ignore": [{"site": "a.py:3"}]}', "ignore[0].reason: a reason is required"),
            ('{"ignore": [{"site": "a.py:3", "reason": "  "}]}', "reason is required"),
            ('{"ignore": [{"test": "", "reason": "r"}]}', "ignore[0].test: expected a non-empty string"),
        ]
        for text, message in cases:
            with self.assertRaises(SettingsError, msg=text) as caught:
                parse(text, cwd=CWD)
            self.assertIn(message, str(caught.exception), text)


class IgnoreTests(unittest.TestCase):
    def entries(self, *entries):
        return settings({"ignore": [dict(e, reason="because") for e in entries]})

    def test_a_test_id_or_a_dotted_prefix(self):
        s = self.entries({"test": "app.tests.Case"})
        self.assertIsNotNone(s.ignored_by("app.tests.Case.test_x", "a.py", 1))
        self.assertIsNotNone(s.ignored_by("app.tests.Case", "a.py", 1))
        self.assertIsNone(s.ignored_by("app.tests.CaseTwo.test_x", "a.py", 1))
        self.assertIsNone(s.ignored_by("app.tests.Other.test_x", "a.py", 1))

    def test_a_site_with_or_without_a_line(self):
        s = self.entries({"site": "app/reports.py:12"}, {"site": "./app/views.py"})
        self.assertEqual(s.ignored_by("t", "app/reports.py", 12).as_dict(), {"site": "app/reports.py:12", "reason": "because"})
        self.assertIsNone(s.ignored_by("t", "app/reports.py", 13))
        self.assertIsNotNone(s.ignored_by("t", "app/views.py", 99))
        self.assertIsNone(s.ignored_by("t", "other/views.py", 99))

    def test_site_paths_are_normalised_against_the_project_folder(self):
        s = self.entries({"site": os.path.join(CWD, "app", "x.py") + ":3"}, {"site": "../fixtures/y.py:4"})
        self.assertIsNotNone(s.ignored_by("t", "app/x.py", 3))
        self.assertIsNotNone(s.ignored_by("t", "../fixtures/y.py", 4))

    def test_the_first_matching_entry_is_named(self):
        s = self.entries({"test": "app"}, {"site": "app/x.py"})
        self.assertEqual(s.ignored_by("app.tests.T.test_a", "app/x.py", 1).kind, "test")


if __name__ == "__main__":
    unittest.main()
