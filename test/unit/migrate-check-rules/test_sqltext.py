import unittest

from tldr_migrate_check import sqltext


class SqlText(unittest.TestCase):
    def test_statements_split_outside_quotes_dollar_quotes_and_comments(self):
        sql = "ALTER TABLE a ADD x int; -- c;\nUPDATE \"b;\" SET y=';'; CREATE FUNCTION f() AS $$ select 1; $$ LANGUAGE sql;"
        self.assertEqual(len(sqltext.statements(sql)), 3)

    def test_ddl_tables_unquote_and_drop_the_schema(self):
        sql = 'ALTER TABLE IF EXISTS ONLY public."Orders" ADD c int; CREATE UNIQUE INDEX CONCURRENTLY ix ON shop_order (x)'
        self.assertEqual(sqltext.ddl_tables(sql), ["Orders", "shop_order"])

    def test_data_statements(self):
        self.assertTrue(sqltext.is_data_sql(["SELECT 1", ("UPDATE t SET a = %s", [1])]))
        self.assertTrue(sqltext.is_data_sql("WITH x AS (SELECT 1) DELETE FROM t"))
        self.assertFalse(sqltext.is_data_sql("ALTER TABLE t ADD c int"))
        self.assertFalse(sqltext.is_data_sql(""))

    def test_volatile_defaults(self):
        sql = "ALTER TABLE o ADD COLUMN token uuid DEFAULT gen_random_uuid() NOT NULL, ADD COLUMN t timestamptz DEFAULT now()"
        self.assertEqual(sqltext.volatile_defaults(sql), [("o", "token", "gen_random_uuid")])
