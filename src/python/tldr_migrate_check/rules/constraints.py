"""Constraints PostgreSQL validates over every existing row while it holds the table's lock."""
from .. import sqltext
from .registry import Hit, rule


def target_table(ctx, field):
    """The table a foreign key points at, from the project state."""
    target = field.remote_field.model
    if isinstance(target, str):
        app, _, name = target.rpartition(".")
        ms = ctx.state.models.get((app or ctx.app_label, name.lower()))
    else:
        ms = ctx.state.models.get((target._meta.app_label, target._meta.model_name))
    return ctx.table(ms) if ms is not None else str(target)


def runsql_validating(ctx, op, kind):
    """Tables that existed before this migration and get a ``kind`` constraint without NOT VALID."""
    existing = ctx.existing_tables()
    return [table for table, _ in sqltext.validating_constraints(op.sql, kind) if table in existing]


def constrained_fk(field):
    return field.is_relation and not field.many_to_many and getattr(field, "db_constraint", False)


@rule(
    "add-foreign-key-validating",
    "warning",
    """Add the foreign key NOT VALID first: SeparateDatabaseAndState(state_operations=[the AddField/AlterField],
    database_operations=[the same field with db_constraint=False, RunSQL('ALTER TABLE … ADD CONSTRAINT …
    FOREIGN KEY (…) REFERENCES … NOT VALID')]), then RunSQL('ALTER TABLE … VALIDATE CONSTRAINT …') in a later
    migration (it only takes SHARE UPDATE EXCLUSIVE).""",
    "a FK constraint added to an existing table, validated at once (locks both tables)",
    operations=("AddField", "AlterField", "RunSQL"),
)
def add_foreign_key_validating(ctx, op):
    from django.db import migrations

    if isinstance(op, migrations.RunSQL):
        for table in runsql_validating(ctx, op, "foreign key"):
            yield Hit(
                "RunSQL adds a foreign key to existing table %s without NOT VALID: every row is checked while both "
                "tables are locked (SHARE ROW EXCLUSIVE)" % ctx.q(table)
            )
        return
    field = op.field
    if not constrained_fk(field) or not ctx.existing(op.model_name):
        return
    ms = ctx.model_state(op.model_name)
    if isinstance(op, migrations.AlterField):
        old = ms.fields.get(op.name)
        if ctx.fresh_field(op.model_name, op.name) or old is None:
            return
        if constrained_fk(old) and old.remote_field.model == field.remote_field.model:
            return
    table = ctx.table(ms)
    yield Hit(
        "%s %s adds a foreign key from existing table %s to %s: PostgreSQL checks every row while both tables are "
        "locked (SHARE ROW EXCLUSIVE)"
        % (type(op).__name__, ctx.label(ms, op.name), ctx.q(table), ctx.q(target_table(ctx, field)))
    )


def column_check(ctx, field, name):
    """The CHECK Django puts on the column (e.g. PositiveIntegerField), or None."""
    try:
        clone = field.clone()
        clone.set_attributes_from_name(name)
        return clone.db_check(ctx.connection)
    except Exception:
        return None


@rule(
    "add-check-constraint-validating",
    "warning",
    """Add the CHECK constraint NOT VALID first: SeparateDatabaseAndState(state_operations=[AddConstraint(…)],
    database_operations=[RunSQL('ALTER TABLE … ADD CONSTRAINT … CHECK (…) NOT VALID', reverse_sql='ALTER TABLE …
    DROP CONSTRAINT …')]), then RunSQL('ALTER TABLE … VALIDATE CONSTRAINT …') in a later migration.""",
    "a CHECK constraint added to an existing table, validated at once",
    operations=("AddConstraint", "AlterField", "RunSQL"),
)
def add_check_constraint_validating(ctx, op):
    from django.db import migrations, models

    if isinstance(op, migrations.RunSQL):
        for table in runsql_validating(ctx, op, "check"):
            yield Hit(
                "RunSQL adds a CHECK constraint to existing table %s without NOT VALID: every row is checked under an "
                "ACCESS EXCLUSIVE lock" % ctx.q(table)
            )
        return
    if isinstance(op, migrations.AddConstraint):
        if isinstance(op.constraint, models.CheckConstraint) and ctx.existing(op.model_name):
            ms = ctx.model_state(op.model_name)
            yield Hit(
                "AddConstraint %s adds CHECK constraint %s to existing table %s: every row is checked under an "
                "ACCESS EXCLUSIVE lock" % (ctx.label(ms), ctx.q(op.constraint.name), ctx.q(ctx.table(ms)))
            )
        return
    ms = ctx.model_state(op.model_name)
    if ms is None or not ctx.existing(op.model_name) or ctx.fresh_field(op.model_name, op.name):
        return
    old = ms.fields.get(op.name)
    if old is None or old.many_to_many or op.field.many_to_many:
        return
    before, after = column_check(ctx, old, op.name), column_check(ctx, op.field, op.name)
    if after and after != before:
        yield Hit(
            "AlterField %s adds the CHECK (%s) to column %s.%s of existing table %s: every row is checked under an "
            "ACCESS EXCLUSIVE lock"
            % (
                ctx.label(ms, op.name),
                after,
                ctx.q(ctx.table(ms)),
                ctx.q(ctx.column(op.field, op.name)),
                ctx.q(ctx.table(ms)),
            )
        )
