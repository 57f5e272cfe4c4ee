"""Walks one migration's operations over its project state and hands each operation to the
rules registered for its type; then runs the migration-scope rules over what it saw."""


from .document import log
from .project import q
from .rules import registry
from .sqltext import ddl_tables, is_data_sql

# Operations that change the schema of the model they name (the model is in one of these attributes).
SCHEMA_OPERATIONS = (
    "AddField", "AlterField", "RemoveField", "RenameField", "AddIndex", "RemoveIndex", "RenameIndex",
    "AddConstraint", "RemoveConstraint", "AlterUniqueTogether", "AlterIndexTogether", "DeleteModel",
    "RenameModel", "AlterModelTable",
)


class OperationContext:
    """What a rule sees: the operation's place (app, migration, line), the project state just
    before it, the models and fields created by this migration (``fresh``), and helpers."""

    def __init__(self, linter, line, state, fresh):
        self.linter = linter
        self.app_label = linter.app_label
        self.migration = linter.migration
        self.connection = linter.connection
        self.django_version = linter.django_version
        self.line = line
        self.state = state
        self.fresh = fresh

    # --- models and tables

    @staticmethod
    def model_key(app_label, name):
        return (app_label, name.lower())

    def model_state(self, name, state=None):
        return (state or self.state).models.get(self.model_key(self.app_label, name))

    @staticmethod
    def managed(model_state):
        if model_state is None:
            return False
        options = model_state.options
        return options.get("managed", True) and not options.get("proxy", False) and not options.get("swapped")

    def existing(self, name):
        """The model's table existed before this migration (it was not created by it)."""
        key = self.model_key(self.app_label, name)
        return key not in self.fresh and self.managed(self.state.models.get(key))

    def field_key(self, model_name, field_name):
        return (self.app_label, model_name.lower(), field_name.lower())

    def fresh_field(self, model_name, field_name):
        """The column was added by this migration (nothing can use it yet)."""
        return self.field_key(model_name, field_name) in self.fresh

    def table(self, model_state):
        from django.db.backends.utils import truncate_name

        table = model_state.options.get("db_table")
        if table:
            return table
        return truncate_name(
            "%s_%s" % (model_state.app_label, model_state.name.lower()), self.connection.ops.max_name_length()
        )

    def existing_tables(self):
        """Tables of the managed models that existed before this migration."""
        return {
            self.table(ms)
            for key, ms in self.state.models.items()
            if key not in self.fresh and self.managed(ms)
        }

    @staticmethod
    def label(model_state, field_name=None):
        text = "%s.%s" % (model_state.app_label, model_state.name)
        return text + "." + field_name if field_name else text

    @staticmethod
    def column(field, name):
        try:
            clone = field.clone()
            clone.set_attributes_from_name(name)
            return clone.column or name
        except Exception:
            return getattr(field, "db_column", None) or name

    q = staticmethod(q)

    # --- fields

    def db_type(self, model_name, field_name, field, state=None):
        if not field.is_relation:
            try:
                return field.db_type(self.connection)
            except Exception:
                pass
        try:
            model = (state or self.state).apps.get_model(self.app_label, model_name)
            return model._meta.get_field(field_name).db_type(self.connection)
        except Exception as exc:
            log("cannot compute the column type of %s.%s.%s: %s" % (self.app_label, model_name, field_name, exc))
            return None

    def state_after(self, operation):
        after = self.state.clone()
        operation.state_forwards(self.app_label, after)
        return after

    @staticmethod
    def db_default(field):
        """(given, expression) of the field's database default; a plain value comes as Value(value)."""
        from django.db.models import Value
        from django.db.models.fields import NOT_PROVIDED

        value = getattr(field, "db_default", NOT_PROVIDED)
        if value is NOT_PROVIDED:
            return False, None
        return True, value if hasattr(value, "resolve_expression") else Value(value)

    def has_db_default(self, field):
        """A usable database default: given, and not NULL (``db_default=None`` is no default)."""
        from django.db.models import Value

        given, value = self.db_default(field)
        return given and not (isinstance(value, Value) and value.value is None)

    @staticmethod
    def together(value):
        from django.db.models.options import normalize_together

        if not value:
            return set()
        return {tuple(item) for item in normalize_together(value)}


class MigrationLinter:
    def __init__(self, checker, key, file, migration, locations):
        self.checker = checker
        self.app_label, self.migration_name = key
        self.migration = migration
        self.file = file
        self.locations = locations
        self.connection = checker.connection
        self.django_version = checker.django_version
        # (kind, operation, line, detail) for the migration-scope rules
        self.summary = []

    def emit(self, entry, line, hit):
        extra = {"observed": {"mode": entry.observed, "table": hit.table}} if entry.observed else {}
        hint = hit.hint or entry.hint
        self.checker.add(entry.code, entry.severity, self.app_label, self.migration_name, self.file, line, hit.message, hint, **extra)

    def lint(self, state):
        """Lints the migration's operations from ``state`` (mutated in place to the state after it)."""
        self.walk(self.migration.operations, self.locations, state, set())
        for entry in registry.of_scope("migration"):
            try:
                for line, hit in entry.judge(self) or ():
                    self.emit(entry, line, hit)
            except Exception as exc:
                log("rule %s on %s.%s failed: %s" % (entry.code, self.app_label, self.migration_name, exc))

    def walk(self, operations, locations, state, fresh):
        for index, operation in enumerate(operations):
            line, nested = locations[index] if index < len(locations) else (None, None)
            name = type(operation).__name__
            if name == "SeparateDatabaseAndState" and hasattr(operation, "database_operations"):
                # Only the database operations touch the database; they run on their own copy of the state.
                if operation.database_operations:
                    self.walk(
                        operation.database_operations,
                        nested or [(line, None)] * len(operation.database_operations),
                        state.clone(),
                        set(fresh),
                    )
                for state_op in operation.state_operations:
                    track_fresh(state_op, self.app_label, fresh)
                    state_op.state_forwards(self.app_label, state)
                continue
            ctx = OperationContext(self, line, state, fresh)
            for entry in registry.operation_rules(operation):
                try:
                    for hit in entry.judge(ctx, operation) or ():
                        self.emit(entry, line, hit)
                except Exception as exc:
                    log("rule %s on %s in %s.%s failed: %s" % (entry.code, name, self.app_label, self.migration_name, exc))
            self.summarise(ctx, operation, line)
            track_fresh(operation, self.app_label, fresh)
            operation.state_forwards(self.app_label, state)

    def summarise(self, ctx, operation, line):
        """Records schema changes to existing tables and data changes, for the migration rules."""
        from django.db import migrations

        name = type(operation).__name__
        if isinstance(operation, migrations.RunPython):
            if getattr(operation.code, "__name__", None) != "noop":
                self.summary.append(("data", operation, line, None))
        elif isinstance(operation, migrations.RunSQL):
            if is_data_sql(operation.sql):
                self.summary.append(("data", operation, line, None))
            else:
                existing = ctx.existing_tables()
                for table in ddl_tables(operation.sql):
                    if table in existing:
                        self.summary.append(("schema", operation, line, table))
        elif any(isinstance(operation, getattr(migrations, n, ())) for n in SCHEMA_OPERATIONS if hasattr(migrations, n)):
            model = getattr(operation, "model_name", None) or getattr(operation, "old_name", None) or operation.name
            if ctx.existing(model):
                ms = ctx.model_state(model)
                self.summary.append(("schema", operation, line, ctx.table(ms)))


def track_fresh(operation, app_label, fresh):
    """Models and fields created by this migration so far (nothing can use them yet)."""
    from django.db import migrations as ops

    def field(model, name):
        return (app_label, model.lower(), name.lower())

    def model(name):
        return (app_label, name.lower())

    if isinstance(operation, ops.AddField):
        fresh.add(field(operation.model_name, operation.name))
    elif isinstance(operation, ops.RemoveField):
        fresh.discard(field(operation.model_name, operation.name))
    elif isinstance(operation, ops.RenameField):
        old = field(operation.model_name, operation.old_name)
        if old in fresh:
            fresh.discard(old)
            fresh.add(field(operation.model_name, operation.new_name))
    elif isinstance(operation, ops.CreateModel):
        fresh.add(model(operation.name))
    elif isinstance(operation, ops.RenameModel):
        old = model(operation.old_name)
        if old in fresh:
            fresh.discard(old)
            fresh.add(model(operation.new_name))
    elif isinstance(operation, ops.DeleteModel):
        fresh.discard(model(operation.name))


