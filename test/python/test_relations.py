import unittest

import support
from support import sql_of

from nplusone_cases.models import Author, Book, Profile, Tag
from relcases.models import Membership, Person, Team, Ticket
from tldr_queries.relations import Relations, parse
from tldr_queries.shape import normalize


def shape(queryset):
    return normalize(sql_of(queryset))


# The querysets Django's related descriptors and managers run for one instance (pk 1).
def forward(model, **lookup):
    return model.objects.filter(**lookup)[:21]


class ParseTests(unittest.TestCase):
    def test_table_joins_and_conditions(self):
        parts = parse(shape(Book(pk=1).tags.all()))
        self.assertEqual(parts.table, "nplusone_cases_tag")
        self.assertEqual(parts.joins, ["nplusone_cases_book_tags"])
        self.assertEqual(parts.conditions, [("nplusone_cases_book_tags", "book_id")])

    def test_in_conditions(self):
        parts = parse('SELECT "b"."id" FROM "b" WHERE ("b"."x" = ? AND "b"."author_id" IN (...))')
        self.assertEqual(parts.conditions, [("b", "x"), ("b", "author_id")])

    def test_no_from(self):
        self.assertIsNone(parse("SELECT ?"))


class HintTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.relations = Relations()

    def hint(self, queryset, tables_seen=()):
        return self.relations.hint(shape(queryset), 6, tables_seen)

    def assertHint(self, hint, fix, relation):
        self.assertEqual((hint.fix, hint.relation), (fix, relation))
        self.assertIn('.%s("%s")' % (fix, relation.split(".")[1]), hint.text)

    def test_forward_fk_chooses_the_relation_whose_model_the_test_read(self):
        # Book.author and Profile.author both point at Author: the loop read books.
        self.assertHint(self.hint(forward(Author, pk=1), {"nplusone_cases_book"}), "select_related", "Book.author")
        self.assertHint(self.hint(forward(Author, pk=1), {"nplusone_cases_profile"}), "select_related", "Profile.author")

    def test_forward_fk_with_several_candidates_lists_them(self):
        hint = self.hint(forward(Author, pk=1))
        self.assertEqual(hint.fix, "select_related")
        self.assertIsNone(hint.relation)
        self.assertIn("Book.author, Profile.author", hint.text)

    def test_forward_fk_to_a_model_one_relation_points_at(self):
        self.assertHint(self.hint(forward(Team, pk=1)), "select_related", "Membership.team")

    def test_forward_fk_with_to_field(self):
        hint = self.hint(forward(Person, code="x"), {"relcases_ticket"})
        self.assertHint(hint, "select_related", "Ticket.by_code")

    def test_forward_fk_by_pk_among_two_fks_of_one_model(self):
        hint = self.hint(forward(Person, pk=1), {"relcases_ticket"})
        self.assertIsNone(hint.relation)
        self.assertIn("Ticket.closed_by, Ticket.opened_by", hint.text)

    def test_reverse_one_to_one(self):
        self.assertHint(self.hint(forward(Profile, author_id=1)), "select_related", "Author.profile")

    def test_reverse_fk(self):
        self.assertHint(self.hint(Author(pk=1).books.all()), "prefetch_related", "Author.books")

    def test_reverse_fk_with_the_default_accessor(self):
        from nplusone_cases.models import Review

        self.assertHint(self.hint(Review.objects.filter(book_id=1)), "prefetch_related", "Book.review_set")

    def test_reverse_fk_without_an_accessor_is_general(self):
        hint = self.hint(Ticket.objects.filter(by_code_id="x"))
        self.assertIsNone(hint.fix)
        self.assertIn("ran 6 times", hint.text)

    def test_many_to_many_forward_and_reverse(self):
        self.assertHint(self.hint(Book(pk=1).tags.all()), "prefetch_related", "Book.tags")
        self.assertHint(self.hint(Tag(pk=1).books.all()), "prefetch_related", "Tag.books")

    def test_many_to_many_to_self(self):
        self.assertHint(self.hint(Person(pk=1).friends.all()), "prefetch_related", "Person.friends")

    def test_many_to_many_through_an_explicit_model(self):
        self.assertHint(self.hint(Team(pk=1).members.all()), "prefetch_related", "Team.members")
        self.assertHint(self.hint(Person(pk=1).teams.all()), "prefetch_related", "Person.teams")

    def test_rows_of_the_through_model_itself(self):
        self.assertHint(self.hint(Membership.objects.filter(team_id=1)), "prefetch_related", "Team.membership_set")

    def test_unknown_tables_and_other_queries_get_the_general_hint(self):
        for text in ('SELECT "x"."id" FROM "not_a_model" "x" WHERE "x"."id" = ?', "SELECT ?", 'SELECT COUNT(*) FROM "nplusone_cases_book"'):
            hint = self.relations.hint(text, 7)
            self.assertIsNone(hint.fix, text)
            self.assertIsNone(hint.relation, text)
            self.assertIn("ran 7 times", hint.text)

    def test_filters_on_plain_columns_are_not_relations(self):
        hint = self.hint(Book.objects.filter(title="x"))
        self.assertIsNone(hint.fix)

    def test_as_dict(self):
        self.assertEqual(
            sorted(self.hint(Author(pk=1).books.all()).as_dict()), ["fix", "hint", "relation"]
        )


class ModelsGivenTests(unittest.TestCase):
    def test_only_the_given_models_are_known(self):
        relations = Relations([Author, Book])
        self.assertEqual(sorted(relations.by_table), ["nplusone_cases_author", "nplusone_cases_book"])
        hint = relations.hint(shape(forward(Author, pk=1)), 6)
        self.assertEqual(hint.relation, "Book.author")

    def test_support_configured_django(self):
        self.assertTrue(support.settings.configured)


if __name__ == "__main__":
    unittest.main()
