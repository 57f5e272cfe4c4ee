import unittest

from django.db import migrations, models
from helpers import codes, lint, order_model

ORDER = [order_model()]


def indexed_order():
    return [order_model(indexes=[models.Index(fields=["note"], name="shop_note_idx")])]


class AddIndexBlocking(unittest.TestCase):
    rule = "add-index-blocking"

    def test_unsafe_add_index_and_db_index(self):
        self.assertEqual(codes(lint([migrations.AddIndex("order", models.Index(fields=["note"], name="i1"))], ORDER)), [self.rule])
        self.assertEqual(codes(lint([migrations.AlterField("order", "note", models.CharField(max_length=100, db_index=True))], ORDER)), [self.rule])

    def test_safe_concurrently(self):
        from django.contrib.postgres.operations import AddIndexConcurrently

        self.assertEqual(lint([AddIndexConcurrently("order", models.Index(fields=["note"], name="i1"))], ORDER, atomic=False), [])


class AddUniqueBlocking(unittest.TestCase):
    rule = "add-unique-blocking"

    def test_unsafe_unique_constraint_and_unique_field(self):
        constraint = models.UniqueConstraint(fields=["note"], name="u1")
        self.assertEqual(codes(lint([migrations.AddConstraint("order", constraint)], ORDER)), [self.rule])
        self.assertEqual(codes(lint([migrations.AlterField("order", "note", models.CharField(max_length=100, unique=True))], ORDER)), [self.rule])

    def test_safe_on_a_new_table(self):
        constraint = models.UniqueConstraint(fields=["note"], name="u1")
        self.assertEqual(lint([order_model(), migrations.AddConstraint("order", constraint)]), [])


class RemoveIndexBlocking(unittest.TestCase):
    rule = "remove-index-blocking"

    def test_unsafe_remove_index(self):
        found = lint([migrations.RemoveIndex("order", "shop_note_idx")], indexed_order())
        self.assertEqual(codes(found), [self.rule])
        self.assertIn('"shop_note_idx"', found[0]["message"])

    def test_unsafe_dropping_db_index(self):
        before = [order_model(("code", models.CharField(max_length=20, db_index=True)))]
        self.assertEqual(codes(lint([migrations.AlterField("order", "code", models.CharField(max_length=20))], before)), [self.rule])

    def test_safe_remove_index_concurrently(self):
        from django.contrib.postgres.operations import RemoveIndexConcurrently

        self.assertEqual(lint([RemoveIndexConcurrently("order", "shop_note_idx")], indexed_order(), atomic=False), [])

    def test_safe_index_of_a_new_table(self):
        ops = indexed_order() + [migrations.RemoveIndex("order", "shop_note_idx")]
        self.assertEqual(lint(ops), [])
