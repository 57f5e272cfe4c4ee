"""Indexes built or dropped without CONCURRENTLY, unique constraints added to existing tables."""
from .registry import Hit, rule


def altered(ctx, op):
    """(model state, old field, new field) of an AlterField on an existing column, else None."""
    ms = ctx.model_state(op.model_name)
    if ms is None or not ctx.existing(op.model_name) or ctx.fresh_field(op.model_name, op.name):
        return None
    old = ms.fields.get(op.name)
    if old is None or old.many_to_many or op.field.many_to_many:
        return None
    return ms, old, op.field


def together_change(ctx, op, option):
    """(model state, added tuples, removed tuples) of an Alter…Together on an existing table."""
    if not ctx.existing(op.name):
        return None
    ms = ctx.model_state(op.name)
    old = ctx.together(ms.options.get(option))
    new = ctx.together(getattr(op, "option_value", None) or getattr(op, option, None))
    return ms, sorted(new - old), sorted(old - new)


def fields_text(tuples):
    return ", ".join("(%s)" % ", ".join(t) for t in tuples)


@rule(
    "add-index-blocking",
    "warning",
    """Create the index with django.contrib.postgres.operations.AddIndexConcurrently in a migration with
    atomic = False (for db_index=True, add the index that way inside SeparateDatabaseAndState and keep the
    field change in state_operations).""",
    "index created without CONCURRENTLY on a table that already existed",
    operations=("AddIndex", "AddField", "AlterField", "AlterIndexTogether"),
)
def add_index_blocking(ctx, op):
    from django.db import migrations

    name = type(op).__name__
    if isinstance(op, migrations.AddIndex):
        if name == "AddIndexConcurrently" or not ctx.existing(op.model_name):
            return
        ms = ctx.model_state(op.model_name)
        yield Hit(
            "AddIndex %s creates index %s on existing table %s without CONCURRENTLY (writes to the table "
            "block while it builds)" % (ctx.label(ms), ctx.q(op.index.name), ctx.q(ctx.table(ms)))
        )
    elif isinstance(op, migrations.AddField):
        field = op.field
        if field.many_to_many or not ctx.existing(op.model_name) or field.unique or not field.db_index:
            return
        ms = ctx.model_state(op.model_name)
        yield Hit(
            "AddField %s adds an index on %s.%s without CONCURRENTLY (db_index=True%s)"
            % (
                ctx.label(ms, op.name),
                ctx.q(ctx.table(ms)),
                ctx.q(ctx.column(field, op.name)),
                ", foreign keys are indexed by default" if field.is_relation else "",
            )
        )
    elif isinstance(op, migrations.AlterField):
        found = altered(ctx, op)
        if found is None:
            return
        ms, old, new = found
        if new.db_index and not old.db_index and not new.unique:
            yield Hit(
                "AlterField %s adds an index on %s.%s without CONCURRENTLY (db_index=True)"
                % (ctx.label(ms, op.name), ctx.q(ctx.table(ms)), ctx.q(ctx.column(new, op.name)))
            )
    else:
        change = together_change(ctx, op, "index_together")
        if change and change[1]:
            ms, added, _ = change
            yield Hit(
                "AlterIndexTogether %s adds index_together %s on existing table %s without CONCURRENTLY"
                % (ctx.label(ms), fields_text(added), ctx.q(ctx.table(ms)))
            )


@rule(
    "add-unique-blocking",
    "warning",
    """Build the unique index first with AddIndexConcurrently (atomic = False), then attach it with
    RunSQL('ALTER TABLE … ADD CONSTRAINT … UNIQUE USING INDEX …') inside SeparateDatabaseAndState
    (state_operations=[the AddConstraint/AlterField]), or accept the write lock on a small table.""",
    "unique constraint / unique=True added to an existing table",
    operations=("AddConstraint", "AddField", "AlterField", "AlterUniqueTogether"),
)
def add_unique_blocking(ctx, op):
    from django.db import migrations, models

    if isinstance(op, migrations.AddConstraint):
        if isinstance(op.constraint, models.UniqueConstraint) and ctx.existing(op.model_name):
            ms = ctx.model_state(op.model_name)
            yield Hit(
                "AddConstraint %s adds unique constraint %s to existing table %s (builds a unique index while "
                "writes are blocked, and fails on duplicate rows)"
                % (ctx.label(ms), ctx.q(op.constraint.name), ctx.q(ctx.table(ms)))
            )
    elif isinstance(op, migrations.AddField):
        if op.field.many_to_many or not ctx.existing(op.model_name) or not op.field.unique:
            return
        ms = ctx.model_state(op.model_name)
        table = ctx.q(ctx.table(ms))
        yield Hit(
            "AddField %s adds column %s.%s with a unique constraint to existing table %s"
            % (ctx.label(ms, op.name), table, ctx.q(ctx.column(op.field, op.name)), table)
        )
    elif isinstance(op, migrations.AlterField):
        found = altered(ctx, op)
        if found is None:
            return
        ms, old, new = found
        if new.unique and not old.unique:
            table = ctx.q(ctx.table(ms))
            yield Hit(
                "AlterField %s makes column %s.%s unique on existing table %s"
                % (ctx.label(ms, op.name), table, ctx.q(ctx.column(new, op.name)), table)
            )
    else:
        change = together_change(ctx, op, "unique_together")
        if change and change[1]:
            ms, added, _ = change
            yield Hit(
                "AlterUniqueTogether %s adds unique_together %s to existing table %s (builds a unique index "
                "while writes are blocked)" % (ctx.label(ms), fields_text(added), ctx.q(ctx.table(ms)))
            )


@rule(
    "remove-index-blocking",
    "warning",
    """Drop the index with django.contrib.postgres.operations.RemoveIndexConcurrently in a migration with
    atomic = False; for db_index=False or index_together, keep the field or option change in
    SeparateDatabaseAndState(state_operations=[…]) and drop the index there with
    RunSQL('DROP INDEX CONCURRENTLY IF EXISTS …').""",
    "an index dropped without CONCURRENTLY (ACCESS EXCLUSIVE on the table while it waits and drops)",
    operations=("RemoveIndex", "AlterField", "AlterIndexTogether"),
)
def remove_index_blocking(ctx, op):
    from django.db import migrations

    if isinstance(op, migrations.RemoveIndex):
        if type(op).__name__ == "RemoveIndexConcurrently" or not ctx.existing(op.model_name):
            return
        ms = ctx.model_state(op.model_name)
        yield Hit(
            "RemoveIndex %s drops index %s on existing table %s without CONCURRENTLY (reads and writes of the "
            "table wait for the lock)" % (ctx.label(ms), ctx.q(op.name), ctx.q(ctx.table(ms)))
        )
    elif isinstance(op, migrations.AlterField):
        found = altered(ctx, op)
        if found is None:
            return
        ms, old, new = found
        if old.db_index and not new.db_index and not old.unique and not new.unique:
            yield Hit(
                "AlterField %s drops the index on %s.%s without CONCURRENTLY (db_index=False)"
                % (ctx.label(ms, op.name), ctx.q(ctx.table(ms)), ctx.q(ctx.column(new, op.name)))
            )
    else:
        change = together_change(ctx, op, "index_together")
        if change and change[2]:
            ms, _, removed = change
            yield Hit(
                "AlterIndexTogether %s drops index_together %s on existing table %s without CONCURRENTLY"
                % (ctx.label(ms), fields_text(removed), ctx.q(ctx.table(ms)))
            )
