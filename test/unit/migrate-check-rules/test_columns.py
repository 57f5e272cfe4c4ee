import unittest

from django.db import migrations, models
from helpers import django_at_least, lint, order_model

ORDER = [order_model()]


def only(findings, code):
    return [f for f in findings if f["code"] == code]


class AddingNotNullableField(unittest.TestCase):
    rule = "adding-not-nullable-field"

    def test_unsafe_add_without_default(self):
        found = only(lint([migrations.AddField("order", "rating", models.IntegerField())], ORDER), self.rule)
        self.assertEqual(len(found), 1)
        self.assertEqual(found[0]["line"], 1)
        self.assertIn("without a default", found[0]["message"])

    def test_unsafe_add_with_python_default_only(self):
        found = only(lint([migrations.AddField("order", "rating", models.IntegerField(default=1))], ORDER), self.rule)
        self.assertIn("Python default only", found[0]["message"])

    def test_unsafe_alter_to_not_null(self):
        before = [order_model(("memo", models.TextField(null=True)))]
        found = only(lint([migrations.AlterField("order", "memo", models.TextField(default=""))], before), self.rule)
        self.assertEqual(len(found), 1)
        self.assertIn("makes column", found[0]["message"])

    @unittest.skipUnless(django_at_least(5, 0), "db_default needs Django 5.0")
    def test_unsafe_db_default_none_is_no_default(self):
        found = only(lint([migrations.AddField("order", "rating", models.IntegerField(db_default=None))], ORDER), self.rule)
        self.assertEqual(len(found), 1)
        self.assertIn("db_default=None", found[0]["message"])

    @unittest.skipUnless(django_at_least(5, 0), "db_default needs Django 5.0")
    def test_safe_non_null_db_default(self):
        self.assertEqual(only(lint([migrations.AddField("order", "rating", models.IntegerField(db_default=0))], ORDER), self.rule), [])

    def test_safe_nullable(self):
        self.assertEqual(only(lint([migrations.AddField("order", "rating", models.IntegerField(null=True))], ORDER), self.rule), [])

    def test_safe_on_a_table_created_by_the_same_migration(self):
        ops = [order_model(), migrations.AddField("order", "rating", models.IntegerField())]
        self.assertEqual(only(lint(ops), self.rule), [])


class AlterColumnType(unittest.TestCase):
    rule = "alter-column-type"

    def test_unsafe_integer_to_bigint(self):
        found = lint([migrations.AlterField("order", "qty", models.BigIntegerField(default=0))], ORDER)
        self.assertEqual([f["code"] for f in found], [self.rule])
        self.assertIn("from integer to bigint", found[0]["message"])

    def test_safe_varchar_widening_and_varchar_to_text(self):
        self.assertEqual(lint([migrations.AlterField("order", "note", models.CharField(max_length=200))], ORDER), [])
        self.assertEqual(lint([migrations.AlterField("order", "note", models.TextField())], ORDER), [])

    def test_unsafe_varchar_narrowing(self):
        found = lint([migrations.AlterField("order", "note", models.CharField(max_length=10))], ORDER)
        self.assertEqual([f["code"] for f in found], [self.rule])


class VolatileDefault(unittest.TestCase):
    rule = "volatile-default"

    @unittest.skipUnless(django_at_least(5, 0), "db_default needs Django 5.0")
    def test_unsafe_random_uuid_db_default(self):
        from django.contrib.postgres.functions import RandomUUID
        from django.db.models.functions import Random

        for default in (RandomUUID(), Random()):
            found = only(lint([migrations.AddField("order", "token", models.UUIDField(db_default=default))], ORDER), self.rule)
            self.assertEqual(len(found), 1, default)

    @unittest.skipUnless(django_at_least(5, 0), "db_default needs Django 5.0")
    def test_safe_stable_and_constant_db_defaults(self):
        from django.db.models.functions import Now

        for field in (models.DateTimeField(db_default=Now()), models.IntegerField(db_default=7)):
            self.assertEqual(only(lint([migrations.AddField("order", "x", field)], ORDER), self.rule), [])

    def test_unsafe_runsql_add_column_volatile_default(self):
        sql = "ALTER TABLE shop_order ADD COLUMN token uuid DEFAULT gen_random_uuid()"
        found = only(lint([migrations.RunSQL(sql, migrations.RunSQL.noop)], ORDER), self.rule)
        self.assertEqual(len(found), 1)
        self.assertIn("gen_random_uuid()", found[0]["message"])

    def test_safe_runsql_stable_default_and_new_table(self):
        ok = "ALTER TABLE shop_order ADD COLUMN created timestamptz DEFAULT now()"
        self.assertEqual(only(lint([migrations.RunSQL(ok, migrations.RunSQL.noop)], ORDER), self.rule), [])
        fresh = "ALTER TABLE shop_order ADD COLUMN token uuid DEFAULT gen_random_uuid()"
        self.assertEqual(only(lint([order_model(), migrations.RunSQL(fresh, migrations.RunSQL.noop)]), self.rule), [])
