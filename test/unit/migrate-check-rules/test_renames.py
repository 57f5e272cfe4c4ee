import unittest

from django.db import migrations, models
from helpers import codes, lint, order_model

ORDER = [order_model()]


class RenameColumn(unittest.TestCase):
    rule = "rename-column"

    def test_unsafe_rename_field(self):
        self.assertEqual(codes(lint([migrations.RenameField("order", "note", "memo")], ORDER)), [self.rule])

    def test_safe_db_column_keeps_the_column(self):
        before = [order_model(("memo", models.TextField(db_column="legacy")))]
        self.assertEqual(lint([migrations.RenameField("order", "memo", "remark")], before), [])


class RenameTable(unittest.TestCase):
    rule = "rename-table"

    def test_unsafe_rename_model_and_alter_model_table(self):
        self.assertEqual(codes(lint([migrations.RenameModel("Order", "Purchase")], ORDER)), [self.rule])
        self.assertEqual(codes(lint([migrations.AlterModelTable("order", "shop_orders")], ORDER)), [self.rule])

    def test_safe_explicit_db_table_stays(self):
        before = [order_model(db_table="orders")]
        self.assertEqual(lint([migrations.RenameModel("Order", "Purchase")], before), [])
