"""Which relation a repeated query loads, read from its shape and the models' ``_meta``, and the
hint that fixes it.

The lazy loads Django makes, one per row of an outer loop:

    forward FK / one-to-one   book.author   FROM "author" WHERE "author"."id" = ?        select_related("author")
    reverse one-to-one        author.profile FROM "profile" WHERE "profile"."author_id" = ?  select_related("profile")
    reverse FK                author.books  FROM "book" WHERE "book"."author_id" = ?     prefetch_related("books")
    many-to-many (both ways)  book.tags     FROM "tag" JOIN "book_tags" ... WHERE "book_tags"."book_id" = ?
                                                                                          prefetch_related("tags")

A forward load names only the target table: when several relations point at it, the ones whose
model the same test also queried are kept (the outer loop's queryset). Anything else gets a
general hint.
"""
import re

__all__ = ["QueryParts", "parse", "Relations", "Hint"]

_IDENT = r'"((?:[^"]|"")+)"'
_FROM = re.compile(r"\bFROM\s+%s" % _IDENT, re.I)
_JOIN = re.compile(r"\bJOIN\s+%s" % _IDENT, re.I)
_WHERE = re.compile(r"\bWHERE\b", re.I)
_CONDITION = re.compile(r"%s\s*\.\s*%s\s*(?:=\s*\?|IN\s*\(\.\.\.\))" % (_IDENT, _IDENT), re.I)


def _hidden(rel):
    # related_name "+" (or ending in "+"): no reverse accessor (Django's rel.hidden, on every version)
    return bool(rel.related_name) and str(rel.related_name).endswith("+")


def _unquote(name):
    return name.replace('""', '"')


class QueryParts:
    """The main table, the joined tables and the ``table.column = ?`` conditions of a SELECT shape."""

    def __init__(self, table, joins, conditions):
        self.table = table
        self.joins = joins
        self.conditions = conditions

    def __repr__(self):
        return "QueryParts(%r, %r, %r)" % (self.table, self.joins, self.conditions)


def parse(shape):
    """QueryParts of a shape, or None when it has no ``FROM "table"``."""
    found = _FROM.search(shape)
    if not found:
        return None
    where = _WHERE.search(shape, found.end())
    conditions = []
    if where:
        conditions = [(_unquote(t), _unquote(c)) for t, c in _CONDITION.findall(shape, where.end())]
    joins = [_unquote(j) for j in _JOIN.findall(shape, found.end(), where.start() if where else len(shape))]
    return QueryParts(_unquote(found.group(1)), joins, conditions)


class Hint:
    """``fix``: "select_related" | "prefetch_related" | None; ``relation``: "Model.name" or None."""

    def __init__(self, text, fix=None, relation=None):
        self.text = text
        self.fix = fix
        self.relation = relation

    def as_dict(self):
        return {"hint": self.text, "fix": self.fix, "relation": self.relation}


def _related(model, name, fix):
    verb = "follows" if fix == "select_related" else "reads"
    return Hint(
        'the loop %s %s.%s with one query per %s: add .%s("%s") to the %s queryset it iterates'
        % (verb, model.__name__, name, model.__name__, fix, name, model.__name__),
        fix,
        "%s.%s" % (model.__name__, name),
    )


def general_hint(count):
    return Hint(
        "the same query ran %d times from this line: load the rows once, before the loop "
        "(select_related / prefetch_related for a relation, one query with __in otherwise)" % count
    )


class Relations:
    """Relation lookups over a set of model classes (default: every installed model)."""

    def __init__(self, models=None):
        if models is None:
            from django.apps import apps

            models = apps.get_models(include_auto_created=True)
        self.by_table = {}
        for model in models:
            meta = model._meta
            if meta.proxy or getattr(meta, "swapped", None):
                continue
            self.by_table.setdefault(meta.db_table, model)
        self._m2m_by_through = {}
        self._pointing_at = {}
        for model in self.by_table.values():
            for field in model._meta.local_many_to_many:
                through = getattr(field.remote_field, "through", None)
                if through is not None and not isinstance(through, str):
                    self._m2m_by_through.setdefault(through._meta.db_table, field)
            if model._meta.auto_created:
                continue  # an M2M's own table: its FKs are not what a loop follows
            for field in model._meta.concrete_fields:
                if field.is_relation and (field.many_to_one or field.one_to_one) and field.related_model is not None:
                    if isinstance(field.related_model, str):
                        continue
                    self._pointing_at.setdefault(field.related_model._meta.db_table, []).append(field)

    def hint(self, shape, count, tables_seen=()):
        """The Hint for a SELECT shape repeated ``count`` times; ``tables_seen``: the tables that
        the test's other queries read (to choose among several relations)."""
        parts = parse(shape)
        found = self._classify(parts, set(tables_seen)) if parts else None
        return found or general_hint(count)

    def _classify(self, parts, tables_seen):
        model = self.by_table.get(parts.table)
        for table, column in parts.conditions:
            if table in self._m2m_by_through and table in parts.joins:
                return self._many_to_many(self._m2m_by_through[table], column)
            if table != parts.table or model is None:
                continue
            own = self._fk_with_column(model, column)
            if own is not None:
                return self._reverse(own)
            forward = self._forward(parts.table, column, tables_seen)
            if forward is not None:
                return forward
        return None

    @staticmethod
    def _fk_with_column(model, column):
        for field in model._meta.concrete_fields:
            if field.is_relation and (field.many_to_one or field.one_to_one) and field.column == column:
                return field
        return None

    @staticmethod
    def _reverse(field):
        accessor = field.remote_field.get_accessor_name()
        if not accessor or _hidden(field.remote_field):
            return None
        fix = "select_related" if field.one_to_one else "prefetch_related"
        return _related(field.related_model, accessor, fix)

    def _forward(self, table, column, tables_seen):
        candidates = [f for f in self._pointing_at.get(table, ()) if f.target_field.column == column]
        if len(candidates) > 1:
            queried = [f for f in candidates if f.model._meta.db_table in tables_seen]
            candidates = queried or candidates
        if len(candidates) == 1:
            field = candidates[0]
            return _related(field.model, field.name, "select_related")
        if candidates:
            names = sorted("%s.%s" % (f.model.__name__, f.name) for f in candidates)
            shown = ", ".join(names[:4]) + (", …" if len(names) > 4 else "")
            target = candidates[0].related_model.__name__
            return Hint(
                "the loop loads one %s per row: add .select_related() for the relation it follows (%s)"
                % (target, shown),
                "select_related",
            )
        return None

    @staticmethod
    def _many_to_many(field, column):
        if column == field.m2m_column_name():
            return _related(field.model, field.name, "prefetch_related")
        if column == field.m2m_reverse_name():
            accessor = field.remote_field.get_accessor_name()
            if accessor and not _hidden(field.remote_field):
                return _related(field.related_model, accessor, "prefetch_related")
        return None
