"""RunPython / RunSQL: reverses, and data changes inside a schema migration."""
from .. import sqltext
from .registry import Hit, rule


def code_name(code):
    return getattr(code, "__qualname__", None) or getattr(code, "__name__", None) or repr(code)


@rule(
    "runpython-irreversible",
    "warning",
    """Pass reverse_code=… (or migrations.RunPython.noop when nothing has to be undone) so the migration can
    be rolled back.""",
    "RunPython without reverse_code",
    operations=("RunPython",),
)
def runpython_irreversible(ctx, op):
    if op.reverse_code is None:
        yield Hit(
            "RunPython(%s) has no reverse_code: migrating back past %s.%s fails"
            % (code_name(op.code), ctx.app_label, ctx.linter.migration_name)
        )


@rule(
    "runsql-irreversible",
    "warning",
    """Pass reverse_sql=… (or migrations.RunSQL.noop when nothing has to be undone) so the migration can be
    rolled back.""",
    "RunSQL without reverse_sql",
    operations=("RunSQL",),
)
def runsql_irreversible(ctx, op):
    if op.reverse_sql is None:
        yield Hit(
            "RunSQL(%r) has no reverse_sql: migrating back past %s.%s fails"
            % (sqltext.snippet(op.sql), ctx.app_label, ctx.linter.migration_name)
        )


def describe_data(operation):
    if type(operation).__name__ == "RunSQL":
        return "RunSQL(%r)" % sqltext.snippet(operation.sql, 50)
    return "RunPython(%s)" % code_name(operation.code)


@rule(
    "mixed-schema-and-data",
    "warning",
    """Put the data change in a migration of its own (after the schema change, or before it), so the
    schema change's locks are released at its commit instead of being held for the whole backfill; for big
    tables backfill in batches from a non-atomic migration (atomic = False).""",
    "RunPython / RunSQL data changes in the same atomic migration as schema changes to an existing table",
    operations=("RunPython", "RunSQL"),
    scope="migration",
)
def mixed_schema_and_data(linter):
    if not getattr(linter.migration, "atomic", True) or not linter.connection.features.can_rollback_ddl:
        return
    schema = [item for item in linter.summary if item[0] == "schema"]
    data = [item for item in linter.summary if item[0] == "data"]
    if not schema:
        return
    first = schema[0]
    others = len({item[3] for item in schema}) - 1
    where = "%s on existing table %s%s" % (
        type(first[1]).__name__,
        '"%s"' % first[3],
        " (and %d more table%s)" % (others, "" if others == 1 else "s") if others else "",
    )
    for _, operation, line, _ in data:
        yield line, Hit(
            "%s changes data in the same atomic migration as %s: the schema change's locks are held until the "
            "data change ends" % (describe_data(operation), where)
        )
