import unittest

import django
from django.db import migrations, models
from helpers import codes, customer_model, lint, order_model

BEFORE = [customer_model(), order_model()]


def check(condition, name):
    if django.VERSION >= (5, 1):
        return models.CheckConstraint(condition=condition, name=name)
    return models.CheckConstraint(check=condition, name=name)


def fk(**kwargs):
    return models.ForeignKey("shop.customer", on_delete=models.SET_NULL, null=True, db_index=False, **kwargs)


class AddForeignKeyValidating(unittest.TestCase):
    rule = "add-foreign-key-validating"

    def test_unsafe_add_field(self):
        found = lint([migrations.AddField("order", "customer", fk())], BEFORE)
        self.assertEqual(codes(found), [self.rule])
        self.assertIn('to "shop_customer"', found[0]["message"])

    def test_unsafe_runsql_without_not_valid(self):
        sql = "ALTER TABLE shop_order ADD CONSTRAINT fk FOREIGN KEY (customer_id) REFERENCES shop_customer (id)"
        self.assertEqual(codes(lint([migrations.RunSQL(sql, migrations.RunSQL.noop)], BEFORE)), [self.rule])

    def test_safe_not_valid_and_no_constraint(self):
        sql = "ALTER TABLE shop_order ADD CONSTRAINT fk FOREIGN KEY (customer_id) REFERENCES shop_customer (id) NOT VALID"
        self.assertEqual(lint([migrations.RunSQL(sql, migrations.RunSQL.noop)], BEFORE), [])
        self.assertEqual(lint([migrations.AddField("order", "customer", fk(db_constraint=False))], BEFORE), [])

    def test_safe_on_a_new_table(self):
        self.assertEqual(lint([customer_model(), order_model(("customer", fk()))]), [])


class AddCheckConstraintValidating(unittest.TestCase):
    rule = "add-check-constraint-validating"

    def test_unsafe_add_constraint(self):
        found = lint([migrations.AddConstraint("order", check(models.Q(qty__gte=0), "qty_gte_0"))], BEFORE)
        self.assertEqual(codes(found), [self.rule])

    def test_unsafe_alter_field_to_positive(self):
        found = lint([migrations.AlterField("order", "qty", models.PositiveIntegerField(default=0))], BEFORE)
        self.assertEqual(codes(found), [self.rule])
        self.assertIn('"qty" >= 0', found[0]["message"])

    def test_safe_not_valid_runsql_and_new_table(self):
        sql = 'ALTER TABLE shop_order ADD CONSTRAINT qty_gte_0 CHECK ("qty" >= 0) NOT VALID'
        self.assertEqual(lint([migrations.RunSQL(sql, migrations.RunSQL.noop)], BEFORE), [])
        self.assertEqual(lint([order_model(), migrations.AddConstraint("order", check(models.Q(qty__gte=0), "c"))]), [])
