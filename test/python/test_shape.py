import unittest

import support  # noqa: F401

from tldr_queries.shape import MAX_SQL_CHARS, is_select, normalize


class NormalizeTests(unittest.TestCase):
    def test_placeholders_become_question_marks(self):
        self.assertEqual(
            normalize('SELECT "a"."id" FROM "a" WHERE "a"."id" = %s AND "a"."k" = %(key)s OR $1 = ?'),
            'SELECT "a"."id" FROM "a" WHERE "a"."id" = ? AND "a"."k" = ? OR ? = ?',
        )

    def test_numbers_and_strings_become_question_marks(self):
        self.assertEqual(
            normalize("SELECT x FROM t WHERE a = 12 AND b = 1.5e3 AND c = 'it''s' AND d = E'\\n' AND e = .5 LIMIT 21"),
            "SELECT x FROM t WHERE a = ? AND b = ? AND c = ? AND d = ? AND e = ? LIMIT ?",
        )

    def test_dollar_quoted_strings(self):
        self.assertEqual(normalize("SELECT $$a 'b'$$, $fn$x$fn$ FROM t"), "SELECT ?, ? FROM t")

    def test_identifiers_keep_their_digits_and_quotes(self):
        self.assertEqual(
            normalize('SELECT "t1"."c2", t3.c4, "we""ird" FROM "app_v2" t3'),
            'SELECT "t1"."c2", t3.c4, "we""ird" FROM "app_v2" t3',
        )

    def test_casts_stay(self):
        self.assertEqual(normalize("SELECT x::int, '5'::text"), "SELECT x::int, ?::text")

    def test_in_lists_of_any_length_are_one_shape(self):
        two = normalize('SELECT * FROM "b" WHERE "b"."author_id" IN (%s, %s)')
        five = normalize('SELECT * FROM "b" WHERE "b"."author_id" IN (%s,%s,%s, %s ,%s)')
        self.assertEqual(two, 'SELECT * FROM "b" WHERE "b"."author_id" IN (...)')
        self.assertEqual(two, five)
        self.assertEqual(normalize("SELECT * FROM t WHERE id IN (1, 2, 3)"), "SELECT * FROM t WHERE id IN (...)")

    def test_a_subquery_in_in_is_kept(self):
        self.assertEqual(
            normalize('SELECT * FROM "t" WHERE "t"."a" IN (SELECT U0."id" FROM "u" U0 WHERE U0."k" = %s)'),
            'SELECT * FROM "t" WHERE "t"."a" IN (SELECT U0."id" FROM "u" U0 WHERE U0."k" = ?)',
        )

    def test_arrays_collapse(self):
        self.assertEqual(normalize("SELECT * FROM t WHERE id = ANY(ARRAY[%s, %s, %s])"), "SELECT * FROM t WHERE id = ANY(ARRAY[...])")

    def test_multi_row_values_collapse(self):
        one = normalize('INSERT INTO "t" ("a", "b") VALUES (%s, %s) RETURNING "t"."id"')
        three = normalize('INSERT INTO "t" ("a", "b") VALUES (%s, %s), (%s, DEFAULT), (NULL, %s) RETURNING "t"."id"')
        self.assertEqual(one, 'INSERT INTO "t" ("a", "b") VALUES (...) RETURNING "t"."id"')
        self.assertEqual(one, three)

    def test_savepoint_names_go(self):
        self.assertEqual(normalize('SAVEPOINT "s140234_x3"'), "SAVEPOINT ?")
        self.assertEqual(normalize('RELEASE SAVEPOINT "s1_x12"'), "RELEASE SAVEPOINT ?")
        self.assertEqual(normalize('ROLLBACK TO SAVEPOINT "s9_x1"'), "ROLLBACK TO SAVEPOINT ?")

    def test_whitespace_and_comments(self):
        self.assertEqual(
            normalize("  SELECT\n\t a  -- why\n FROM /* app=x,route=%s */ t\n"),
            "SELECT a FROM t",
        )

    def test_unterminated_quotes_do_not_break_it(self):
        self.assertEqual(normalize("SELECT 'abc"), "SELECT ?")
        self.assertEqual(normalize('SELECT "abc'), 'SELECT "abc')

    def test_bytes_and_other_objects(self):
        self.assertEqual(normalize(b"SELECT 1"), "SELECT ?")
        self.assertEqual(normalize(""), "")

    def test_long_sql_is_shaped_from_its_start_and_marked(self):
        sql = 'INSERT INTO "t" ("a") VALUES ' + ", ".join(["(%s)"] * 5000)
        shape = normalize(sql)
        self.assertLess(len(shape), MAX_SQL_CHARS)
        self.assertTrue(shape.endswith(" …"))
        self.assertEqual(shape, normalize(sql + ", (%s)"))

    def test_the_plain_path_and_the_tokenizing_path_agree(self):
        # SQL without quotes, dollars or comments takes a faster path than SQL with them.
        for sql in (
            'SELECT "t1"."c2", "2fa"."x" FROM "t1" WHERE "t1"."id" IN (%s, %s) AND "t1"."n" = 1.5 LIMIT 21',
            'INSERT INTO "t" ("a") VALUES (%s), (%s) RETURNING "t"."id"',
            'SAVEPOINT "s1_x2"',
            "SELECT x FROM t WHERE a = $1 AND b = %(b)s AND c = ?",
        ):
            self.assertEqual(normalize(sql), normalize(sql + " /* tokenized */"), sql)
        self.assertEqual(normalize('SELECT "2fa"."id" FROM "2fa"'), 'SELECT "2fa"."id" FROM "2fa"')

    def test_a_string_right_after_a_word(self):
        self.assertEqual(normalize("SELECT * FROM t WHERE'x'=a AND b=N'y'"), "SELECT * FROM t WHERE?=a AND b=?")

    def test_is_select(self):
        self.assertTrue(is_select('SELECT "a"."id" FROM "a"'))
        self.assertTrue(is_select("select 1"))
        self.assertTrue(is_select("(SELECT a FROM t) UNION (SELECT a FROM u)"))
        self.assertTrue(is_select("WITH x AS (SELECT 1) SELECT * FROM x"))
        self.assertFalse(is_select('INSERT INTO "t" VALUES (...)'))
        self.assertFalse(is_select('UPDATE "t" SET "a" = ?'))
        self.assertFalse(is_select("SAVEPOINT ?"))
        self.assertFalse(is_select("SELECTED"))


if __name__ == "__main__":
    unittest.main()
