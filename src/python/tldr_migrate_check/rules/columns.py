"""Column rules: NOT NULL without a database default, type changes, volatile defaults."""
import re

from .. import sqltext
from .registry import Hit, rule


def not_null_hint(django_version, alter=False):
    db_default = django_version >= (5, 0)
    if alter:
        return (
            "Backfill the NULL rows in an earlier migration and deploy code that always writes the column "
            "before making it NOT NULL%s; if this migration is that last step, silence this rule for it in "
            "migrations.ignore with a reason." % (", or give it a db_default" if db_default else "")
        )
    return (
        "Add the column as nullable (null=True)%s, backfill the existing rows in a separate migration, "
        "deploy code that always writes it, then make it NOT NULL with AlterField. A Python default is only "
        "used while the column is added: rows inserted by code still running without the field fail."
        % (" or with a database default (db_default=…, Django ≥ 5.0; not db_default=None)" if db_default else "")
    )


@rule(
    "adding-not-nullable-field",
    "error",
    not_null_hint((5, 0)),
    "AddField / AlterField to NOT NULL without a (non-NULL) database default on an existing table",
    operations=("AddField", "AlterField"),
)
def adding_not_nullable_field(ctx, op):
    from django.db import migrations

    field = op.field
    if field.many_to_many or getattr(field, "generated", False) or not ctx.existing(op.model_name):
        return
    ms = ctx.model_state(op.model_name)
    table = ctx.q(ctx.table(ms))
    column = ctx.q(ctx.column(field, op.name))
    label = ctx.label(ms, op.name)
    null_default = ctx.db_default(field)[0] and not ctx.has_db_default(field)
    if isinstance(op, migrations.AddField):
        if field.null or ctx.has_db_default(field) or field.primary_key:
            return
        if null_default:
            how = "with db_default=None (a NULL default is no default)"
        elif field.has_default():
            how = "with a Python default only (%r)" % (field.default,)
        else:
            how = "without a default"
        yield Hit(
            "AddField %s adds NOT NULL column %s.%s %s to existing table %s: code still running without the "
            "field cannot insert rows" % (label, table, column, how, table),
            hint=not_null_hint(ctx.django_version),
        )
        return
    if ctx.fresh_field(op.model_name, op.name):
        return
    old = ms.fields.get(op.name)
    if old is None or old.many_to_many or not old.null or field.null or ctx.has_db_default(field):
        return
    yield Hit(
        "AlterField %s makes column %s.%s NOT NULL on existing table %s without a database default%s"
        % (label, table, column, table, " (db_default=None is no default)" if null_default else ""),
        hint=not_null_hint(ctx.django_version, alter=True),
    )


def varchar_widening(old, new):
    """varchar(n) -> varchar(m >= n) / text: no rewrite on PostgreSQL."""
    old_m = re.match(r"^varchar\((\d+)\)$", old or "")
    if not old_m:
        return False
    if new == "text":
        return True
    new_m = re.match(r"^varchar\((\d+)\)$", new or "")
    return bool(new_m) and int(new_m.group(1)) >= int(old_m.group(1))


@rule(
    "alter-column-type",
    "error",
    """Changing a column type rewrites or locks the table and breaks code still running with the old type:
    add a new column of the new type, backfill it, switch the code to it, then drop the old column.""",
    "AlterField that changes the column type (decided by the observed rewrite when the scratch run watched it)",
    operations=("AlterField",),
    observed="confirm",
)
def alter_column_type(ctx, op):
    ms = ctx.model_state(op.model_name)
    if ms is None or not ctx.existing(op.model_name) or ctx.fresh_field(op.model_name, op.name):
        return
    old, new = ms.fields.get(op.name), op.field
    if old is None or old.many_to_many or new.many_to_many:
        return
    old_type = ctx.db_type(op.model_name, op.name, old)
    # A foreign key's column type follows its target: compute it on the state after the operation.
    state = ctx.state_after(op) if new.is_relation else None
    new_type = ctx.db_type(op.model_name, op.name, new, state=state)
    if not old_type or not new_type or old_type == new_type or varchar_widening(old_type, new_type):
        return
    table = ctx.table(ms)
    yield Hit(
        "AlterField %s changes the type of column %s.%s from %s to %s"
        % (ctx.label(ms, op.name), ctx.q(table), ctx.q(ctx.column(new, op.name)), old_type, new_type),
        table=table,
    )


def volatile_function(expression):
    """The name of a VOLATILE SQL function in a database default expression, or None."""
    seen, stack = 0, [expression]
    while stack and seen < 100:
        node = stack.pop()
        seen += 1
        extra = getattr(node, "extra", None) or {}
        texts = [extra.get("function"), getattr(node, "function", None), extra.get("template"), getattr(node, "template", None), getattr(node, "sql", None)]
        for text in texts:
            if isinstance(text, str):
                for name in re.findall(r"(\w+)\s*(?:\(|$)", text):
                    if name.lower() in sqltext.VOLATILE_FUNCTIONS:
                        return name.lower()
        getter = getattr(node, "get_source_expressions", None)
        if getter is not None:
            try:
                stack.extend(e for e in getter() if e is not None)
            except Exception:
                pass
    return None


@rule(
    "volatile-default",
    "error",
    """A volatile default is evaluated for every existing row, so PostgreSQL rewrites the whole table under
    an ACCESS EXCLUSIVE lock: add the column nullable without a default, set the default for new rows with
    ALTER COLUMN … SET DEFAULT, backfill existing rows in batches, then add NOT NULL.""",
    "a column added with a volatile database default (static; with an observation, table-rewrite reports it)",
    operations=("AddField", "RunSQL"),
    observed="replace",
)
def volatile_default(ctx, op):
    from django.db import migrations

    if isinstance(op, migrations.RunSQL):
        existing = ctx.existing_tables()
        for table, column, function in sqltext.volatile_defaults(op.sql):
            if table in existing:
                yield Hit(
                    "RunSQL adds column %s.%s with the volatile default %s() to existing table %s"
                    % (ctx.q(table), ctx.q(column), function, ctx.q(table)),
                    table=table,
                )
        return
    if op.field.many_to_many or not ctx.existing(op.model_name):
        return
    function = volatile_function(ctx.db_default(op.field)[1])
    if function is None:
        return
    ms = ctx.model_state(op.model_name)
    table = ctx.table(ms)
    yield Hit(
        "AddField %s adds column %s.%s with the volatile database default %s() to existing table %s"
        % (ctx.label(ms, op.name), ctx.q(table), ctx.q(ctx.column(op.field, op.name)), function, ctx.q(table)),
        table=table,
    )
