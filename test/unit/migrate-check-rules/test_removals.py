import unittest

from django.db import migrations, models
from helpers import codes, lint, order_model

ORDER = [order_model()]


class DropColumn(unittest.TestCase):
    rule = "drop-column"

    def test_unsafe_remove_field(self):
        found = lint([migrations.RemoveField("order", "note")], ORDER)
        self.assertEqual(codes(found), [self.rule])
        self.assertIn('drops column "shop_order"."note"', found[0]["message"])

    def test_safe_state_only_and_fresh_column(self):
        state_only = migrations.SeparateDatabaseAndState(state_operations=[migrations.RemoveField("order", "note")])
        self.assertEqual(lint([state_only], ORDER), [])
        added = migrations.AddField("order", "memo", models.TextField(null=True))
        self.assertEqual(lint([added, migrations.RemoveField("order", "memo")], ORDER), [])


class DropTable(unittest.TestCase):
    rule = "drop-table"

    def test_unsafe_delete_model(self):
        self.assertEqual(codes(lint([migrations.DeleteModel("Order")], ORDER)), [self.rule])

    def test_safe_model_created_by_the_same_migration(self):
        self.assertEqual(lint([order_model(), migrations.DeleteModel("Order")]), [])
