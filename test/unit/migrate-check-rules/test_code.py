import unittest

from django.db import migrations, models
from helpers import codes, lint, order_model

ORDER = [order_model()]


def backfill(apps, schema_editor):
    pass


class RunPythonIrreversible(unittest.TestCase):
    rule = "runpython-irreversible"

    def test_unsafe_no_reverse_code(self):
        found = lint([migrations.RunPython(backfill)], ORDER)
        self.assertEqual(codes(found), [self.rule])
        self.assertIn("RunPython(backfill)", found[0]["message"])

    def test_safe_noop_reverse(self):
        self.assertEqual(lint([migrations.RunPython(backfill, migrations.RunPython.noop)], ORDER), [])


class RunSQLIrreversible(unittest.TestCase):
    rule = "runsql-irreversible"

    def test_unsafe_no_reverse_sql(self):
        self.assertEqual(codes(lint([migrations.RunSQL("UPDATE shop_order SET qty = 0")], ORDER)), [self.rule])

    def test_safe_with_reverse(self):
        self.assertEqual(lint([migrations.RunSQL("UPDATE shop_order SET qty = 0", migrations.RunSQL.noop)], ORDER), [])


class MixedSchemaAndData(unittest.TestCase):
    rule = "mixed-schema-and-data"

    def test_unsafe_backfill_after_add_field(self):
        ops = [
            migrations.AddField("order", "ref", models.CharField(max_length=10, null=True)),
            migrations.RunPython(backfill, migrations.RunPython.noop),
        ]
        found = lint(ops, ORDER)
        self.assertEqual(codes(found), [self.rule])
        self.assertEqual(found[0]["line"], 2)
        self.assertIn('AddField on existing table "shop_order"', found[0]["message"])

    def test_unsafe_runsql_data_before_runsql_ddl(self):
        ops = [
            migrations.RunSQL("UPDATE shop_order SET qty = 0 WHERE qty IS NULL", migrations.RunSQL.noop),
            migrations.RunSQL("ALTER TABLE shop_order ALTER COLUMN qty SET NOT NULL", migrations.RunSQL.noop),
        ]
        found = lint(ops, ORDER)
        self.assertEqual(codes(found), [self.rule])
        self.assertEqual(found[0]["line"], 1)

    def test_safe_data_alone_non_atomic_new_table_and_noop(self):
        data = migrations.RunPython(backfill, migrations.RunPython.noop)
        self.assertEqual(lint([data], ORDER), [])
        schema = migrations.AddField("order", "ref", models.CharField(max_length=10, null=True))
        self.assertEqual(lint([schema, data], ORDER, atomic=False), [])
        self.assertEqual(lint([order_model(), data]), [])
        noop = migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)
        self.assertEqual(lint([schema, noop], ORDER), [])
