"""Renaming columns and tables under running code."""
import copy

from .registry import Hit, rule


@rule(
    "rename-column",
    "error",
    """Don't rename in place: add the new column, backfill it, switch reads and writes to it, then drop the
    old column in a later release (or keep the column and rename only the field with db_column='old_name').""",
    "RenameField that renames a column of an existing table",
    operations=("RenameField",),
)
def rename_column(ctx, op):
    if not ctx.existing(op.model_name) or ctx.fresh_field(op.model_name, op.old_name):
        return
    ms = ctx.model_state(op.model_name)
    field = ms.fields.get(op.old_name)
    if field is None:
        return
    if field.many_to_many:
        yield Hit(
            "RenameField %s → %s renames the many-to-many field (and its join table's columns)"
            % (ctx.label(ms, op.old_name), op.new_name)
        )
        return
    old_column, new_column = ctx.column(field, op.old_name), ctx.column(field, op.new_name)
    if old_column != new_column:
        yield Hit(
            "RenameField %s → %s renames column %s.%s to %s"
            % (ctx.label(ms, op.old_name), op.new_name, ctx.q(ctx.table(ms)), ctx.q(old_column), ctx.q(new_column))
        )


@rule(
    "rename-table",
    "error",
    """Don't rename in place: keep the table with Meta.db_table = 'old_name', or create the new table,
    backfill it, switch the code to it, then drop the old table in a later release.""",
    "RenameModel / AlterModelTable that renames an existing table",
    operations=("RenameModel", "AlterModelTable"),
)
def rename_table(ctx, op):
    from django.db import migrations

    if isinstance(op, migrations.RenameModel):
        if not ctx.existing(op.old_name):
            return
        ms = ctx.model_state(op.old_name)
        renamed = copy.copy(ms)
        renamed.name = op.new_name
        old_table, new_table = ctx.table(ms), ctx.table(renamed)  # an explicit db_table stays: nothing renamed
        if new_table != old_table:
            yield Hit(
                "RenameModel %s → %s renames table %s to %s"
                % (ctx.label(ms), op.new_name, ctx.q(old_table), ctx.q(new_table))
            )
        return
    if not ctx.existing(op.name):
        return
    ms = ctx.model_state(op.name)
    old_table = ctx.table(ms)
    new_table = op.table or None
    if new_table is None:
        default = copy.copy(ms)
        default.options = dict(ms.options)
        default.options.pop("db_table", None)
        new_table = ctx.table(default)
    if new_table != old_table:
        yield Hit("AlterModelTable %s renames table %s to %s" % (ctx.label(ms), ctx.q(old_table), ctx.q(new_table)))
