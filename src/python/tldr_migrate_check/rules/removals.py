"""Dropping columns and tables that running code may still use."""
from .registry import Hit, rule


@rule(
    "drop-column",
    "error",
    """Deploy code that no longer reads the field first, remove it from the model state with
    SeparateDatabaseAndState(state_operations=[RemoveField(...)]), and drop the column in a later migration.""",
    "RemoveField on an existing table",
    operations=("RemoveField",),
)
def drop_column(ctx, op):
    if not ctx.existing(op.model_name) or ctx.fresh_field(op.model_name, op.name):
        return
    ms = ctx.model_state(op.model_name)
    field = ms.fields.get(op.name)
    if field is None:
        return
    if field.many_to_many:
        yield Hit("RemoveField %s drops the many-to-many join table of the field" % ctx.label(ms, op.name))
        return
    yield Hit(
        "RemoveField %s drops column %s.%s"
        % (ctx.label(ms, op.name), ctx.q(ctx.table(ms)), ctx.q(ctx.column(field, op.name)))
    )


@rule(
    "drop-table",
    "error",
    """Deploy code that no longer uses the model first, remove it from the model state with
    SeparateDatabaseAndState(state_operations=[DeleteModel(...)]), and drop the table in a later migration.""",
    "DeleteModel of an existing table",
    operations=("DeleteModel",),
)
def drop_table(ctx, op):
    if ctx.existing(op.name):
        ms = ctx.model_state(op.name)
        yield Hit("DeleteModel %s drops table %s" % (ctx.label(ms), ctx.q(ctx.table(ms))))
