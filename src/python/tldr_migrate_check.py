"""tldr migration inspector.

Run by ``tldr migrate --check`` once, inside the user's Django project (cwd = the
folder of manage.py), with the managed environment::

    <python> tldr_migrate_check.py --output RESULT.json
        [--since-files a/migrations/0002_x.py,b/migrations/0003_y.py]
        [--reversibility] [--database default]

It boots Django once and writes exactly one JSON document to ``--output``
(stdout / stderr only carry logs). Exit status: 0 when the checks ran (findings
do not change it), 2 for bad arguments, 3 for a fatal problem (the document then
carries ``error``), 130 when interrupted.

Self-contained on purpose: standard library + Django only, Python 3.8+,
Django 3.2 to 5.2.
"""

import argparse
import ast
import copy
import json
import os
import re
import secrets
import signal
import sys
import time
import traceback
import tldr_lifeline  # the helper's own folder: sys.path[0] when run as a script

SCHEMA_VERSION = 1
START = time.monotonic()


def log(*parts):
    print("[tldr-migrate-check]", *parts, file=sys.stderr, flush=True)


def elapsed_ms(since):
    return int(round((time.monotonic() - since) * 1000))


# --------------------------------------------------------------------------- #
# Result document
# --------------------------------------------------------------------------- #


def empty_document():
    return {
        "v": SCHEMA_VERSION,
        "django": None,
        "settings": None,
        "checked": [],
        "unapplied": [],
        "conflicts": [],
        "missing": [],
        "findings": [],
        "reversibility": {"ran": False, "reason": "not requested"},
        "durationMs": 0,
    }


def write_document(path, doc):
    doc["durationMs"] = elapsed_ms(START)
    directory = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(directory, ".%s.%d.tmp" % (os.path.basename(path), os.getpid()))
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1, default=str)
        fh.write("\n")
    os.replace(tmp, path)


class Fatal(Exception):
    """A problem that stops the checks: reported in ``error``, exit 3."""


# --------------------------------------------------------------------------- #
# Paths, settings discovery
# --------------------------------------------------------------------------- #

CWD = os.getcwd()

SETTINGS_RE = re.compile(
    r"""os\.environ\.setdefault\(\s*['"]DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([\w.]+)['"]\s*\)"""
)


_REAL_CWD = os.path.realpath(CWD)


def rel(path):
    if not path:
        return None
    try:
        return os.path.relpath(os.path.realpath(path), _REAL_CWD).replace(os.sep, "/")
    except ValueError:  # another drive on Windows
        return path.replace(os.sep, "/")


def find_settings_module():
    value = os.environ.get("DJANGO_SETTINGS_MODULE")
    if value:
        return value
    manage = os.path.join(CWD, "manage.py")
    try:
        with open(manage, encoding="utf-8") as fh:
            match = SETTINGS_RE.search(fh.read())
    except OSError:
        raise Fatal(
            "DJANGO_SETTINGS_MODULE is not set and there is no manage.py in %s to read it from" % CWD
        )
    if not match:
        raise Fatal(
            "DJANGO_SETTINGS_MODULE is not set and manage.py in %s does not set a default "
            "(os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", ...))" % CWD
        )
    return match.group(1)


# --------------------------------------------------------------------------- #
# Source locations of operations
# --------------------------------------------------------------------------- #


def _statements(body):
    """Statements of a class body, descending into if/try/with/for blocks but
    not into nested functions or classes."""
    for node in body:
        yield node
        for attr in ("body", "orelse", "finalbody"):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                break
            inner = getattr(node, attr, None)
            if isinstance(inner, list):
                for sub in _statements(inner):
                    yield sub
        for handler in getattr(node, "handlers", None) or []:
            for sub in _statements(handler.body):
                yield sub


def _call_name(node):
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute):
            return func.attr
        if isinstance(func, ast.Name):
            return func.id
    return None


def _literal_elements(node):
    if isinstance(node, (ast.List, ast.Tuple)) and not any(
        isinstance(e, ast.Starred) for e in node.elts
    ):
        return node.elts
    return None


class OpLocations:
    """Maps an operation (by position, nested positions for
    SeparateDatabaseAndState.database_operations) to its line number."""

    def __init__(self, path):
        self.path = path
        self.tree = None
        self.assignments = []
        self._cache = {}
        if not path or not path.endswith(".py"):
            return
        try:
            with open(path, encoding="utf-8") as fh:
                self.tree = ast.parse(fh.read(), filename=path)
        except (OSError, SyntaxError, ValueError) as exc:
            log("cannot parse %s: %s" % (path, exc))
            return
        classes = [n for n in self.tree.body if isinstance(n, ast.ClassDef) and n.name == "Migration"]
        if not classes:
            return
        for node in _statements(classes[-1].body):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "operations" for t in node.targets
            ):
                self.assignments.append(node)
            elif (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and node.target.id == "operations"
                and node.value is not None
            ):
                self.assignments.append(node)
        self.class_line = classes[-1].lineno

    @staticmethod
    def _match(elements, ops):
        if elements is None or len(elements) != len(ops):
            return False
        for elt, op in zip(elements, ops):
            name = _call_name(elt)
            if name is not None and name != type(op).__name__:
                return False
        return True

    def lines(self, ops):
        """[(line, nested)] for the runtime ``ops``; nested is the same
        structure for SeparateDatabaseAndState database operations."""
        fallback = None
        if self.assignments:
            fallback = self.assignments[-1].lineno
        elif self.tree is not None and hasattr(self, "class_line"):
            fallback = self.class_line
        chosen = None
        for assign in self.assignments:
            elements = _literal_elements(assign.value)
            if self._match(elements, ops):
                chosen = elements
                break
        if chosen is None:
            for assign in self.assignments:
                elements = _literal_elements(assign.value)
                if elements is not None and len(elements) == len(ops):
                    chosen = elements
                    break
        return self._build(chosen, ops, fallback)

    def _build(self, elements, ops, fallback):
        result = []
        for index, op in enumerate(ops):
            node = elements[index] if elements is not None else None
            line = node.lineno if node is not None else fallback
            nested = None
            inner_ops = getattr(op, "database_operations", None)
            if type(op).__name__ == "SeparateDatabaseAndState" and inner_ops is not None:
                inner_elements = None
                if isinstance(node, ast.Call):
                    value = None
                    for kw in node.keywords:
                        if kw.arg == "database_operations":
                            value = kw.value
                    if value is None and node.args:
                        value = node.args[0]
                    candidate = _literal_elements(value) if value is not None else None
                    if candidate is not None and len(candidate) == len(inner_ops):
                        inner_elements = candidate
                nested = self._build(inner_elements, inner_ops, line)
            result.append((line, nested))
        return result


# --------------------------------------------------------------------------- #
# The checker
# --------------------------------------------------------------------------- #


def q(name):
    return '"%s"' % str(name).replace('"', '""')


class Checker:
    def __init__(self, args):
        self.args = args
        self.doc = empty_document()
        self.findings = self.doc["findings"]

    # ---------------------------------------------------------------- setup

    def boot(self):
        settings_module = find_settings_module()
        os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
        self.doc["settings"] = settings_module
        try:
            import django
        except ImportError as exc:
            raise Fatal("cannot import Django with %s: %s" % (sys.executable, exc)) from exc
        self.doc["django"] = django.get_version()
        self.django_version = django.VERSION
        try:
            django.setup()
        except Exception as exc:
            raise Fatal(
                "cannot set up Django with settings %r: %s: %s" % (settings_module, type(exc).__name__, exc)
            ) from exc

        from django.db import connections

        alias = self.args.database
        if alias not in connections.databases:
            raise Fatal(
                "no database alias %r in settings.DATABASES (have: %s)"
                % (alias, ", ".join(sorted(connections.databases)) or "none")
            )
        self.alias = alias
        self.connection = connections[alias]

    # ------------------------------------------------------------- findings

    def add(self, code, severity, app, migration, file, line, message, hint):
        self.findings.append(
            {
                "code": code,
                "severity": severity,
                "app": app,
                "migration": migration,
                "file": file,
                "line": line,
                "message": message,
                "hint": hint,
            }
        )

    # ----------------------------------------------------------------- run

    def run(self):
        self.boot()
        from django.db import DatabaseError
        from django.db.migrations.loader import MigrationLoader

        try:
            loader = MigrationLoader(self.connection, ignore_no_migrations=True)
        except DatabaseError as exc:
            raise Fatal(
                "cannot read applied migrations from database alias %r (%s): %s"
                % (self.alias, self.connection.settings_dict.get("NAME"), str(exc).strip())
            ) from exc
        self.loader = loader
        graph = loader.graph
        self.order = self.plan_order(graph)

        self.check_conflicts()
        self.check_missing()
        self.check_unapplied()

        checked = self.select_checked()
        for key in checked:
            self.doc["checked"].append({"app": key[0], "migration": key[1], "file": rel(self.migration_file(key))})
        for key in checked:
            try:
                self.lint_migration(key)
            except Exception as exc:  # a broken migration must not hide the others
                log("lint of %s.%s failed: %s" % (key[0], key[1], exc))
                traceback.print_exc()

        if self.args.reversibility:
            self.doc["reversibility"] = Reversibility(self, checked).run()
        else:
            self.doc["reversibility"] = {"ran": False, "reason": "not requested (--reversibility not given)"}
        self.doc["checked"].sort(key=lambda c: self.order.get((c["app"], c["migration"]), 0))

    # --------------------------------------------------------- graph helpers

    @staticmethod
    def plan_order(graph):
        order = {}
        for leaf in sorted(graph.leaf_nodes()):
            for node in graph.forwards_plan(leaf):
                if node not in order:
                    order[node] = len(order)
        for node in sorted(graph.nodes):
            order.setdefault(node, len(order))
        return order

    def migration_file(self, key):
        cache = self.__dict__.setdefault("_files", {})
        if key not in cache:
            cache[key] = self._migration_file(key)
        return cache[key]

    def _migration_file(self, key):
        migration = self.loader.graph.nodes.get(key)
        if migration is None:
            return None
        module = sys.modules.get(type(migration).__module__)
        path = getattr(module, "__file__", None)
        if path and path.endswith(".pyc"):
            source = path[:-1]
            path = source if os.path.exists(source) else path
        return path

    def migrations_dir(self, app_label):
        from django.apps import apps
        from django.db.migrations.loader import MigrationLoader

        module_name, _ = MigrationLoader.migrations_module(app_label)
        if module_name:
            module = sys.modules.get(module_name)
            if module is not None:
                path = getattr(module, "__file__", None)
                if path:
                    return rel(os.path.dirname(path))
                paths = list(getattr(module, "__path__", []) or [])
                if paths:
                    return rel(paths[0])
        try:
            return rel(os.path.join(apps.get_app_config(app_label).path, "migrations"))
        except LookupError:
            return None

    @staticmethod
    def is_third_party(path):
        if not path:
            return True
        parts = os.path.realpath(path).replace(os.sep, "/").split("/")
        return "site-packages" in parts or "dist-packages" in parts

    # -------------------------------------------------------------- conflicts

    def check_conflicts(self):
        conflicts = self.loader.detect_conflicts()
        self.conflicted_apps = set(conflicts)
        for app in sorted(conflicts):
            leaves = sorted(conflicts[app])
            self.doc["conflicts"].append({"app": app, "leaves": leaves})
            last = (app, leaves[-1])
            self.add(
                "conflict",
                "error",
                app,
                leaves[-1],
                rel(self.migration_file(last)) or self.migrations_dir(app),
                None,
                "App '%s' has %d leaf migrations: %s" % (app, len(leaves), ", ".join(leaves)),
                "Merge the branches with `tldr manage makemigrations --merge %s` (or renumber one of "
                "them onto the other) and commit the result." % app,
            )

    # ---------------------------------------------------- missing migrations

    def questioner(self):
        import inspect

        from django.db.migrations.questioner import NonInteractiveMigrationQuestioner
        from django.db.models.fields import NOT_PROVIDED

        class Questioner(NonInteractiveMigrationQuestioner):
            # makemigrations --check --dry-run exits(3) on these; we only
            # describe the changes, so any placeholder default will do.
            def ask_not_null_addition(self, field_name, model_name):
                return None

            def ask_not_null_alteration(self, field_name, model_name):
                return NOT_PROVIDED

            def ask_auto_now_add_addition(self, field_name, model_name):
                return None

            def ask_unique_callable_default_addition(self, field_name, model_name):
                return None

        kwargs = {"specified_apps": set(), "dry_run": True}
        params = inspect.signature(NonInteractiveMigrationQuestioner.__init__).parameters
        if "verbosity" in params:
            kwargs["verbosity"] = 0
        if "log" in params:
            kwargs["log"] = lambda *a, **k: log(*a)
        return Questioner(**kwargs)

    def autodetect(self, from_state, to_state):
        from django.db.migrations.autodetector import MigrationAutodetector

        detector = MigrationAutodetector(from_state, to_state, self.questioner())
        changes = detector.changes(graph=self.loader.graph, trim_to_apps=None, convert_apps=None, migration_name=None)
        result = {}
        for app_label, migrations in changes.items():
            descriptions = []
            for migration in migrations:
                for operation in migration.operations:
                    try:
                        descriptions.append(operation.describe())
                    except Exception:
                        descriptions.append(type(operation).__name__)
            if descriptions:
                result[app_label] = descriptions
        return result

    def check_missing(self):
        from django.apps import apps
        from django.db.migrations.state import ProjectState

        to_state = ProjectState.from_apps(apps)
        variants = []
        try:
            variants.append(self.autodetect(self.loader.project_state(), to_state))
        except Exception as exc:
            if not self.conflicted_apps:
                raise Fatal("cannot compute the migration state: %s: %s" % (type(exc).__name__, exc)) from exc
            # The branches of a conflict cannot be combined: take one leaf per
            # conflicted app at a time; a change is missing when it is missing
            # whichever branch wins.
            log("project state with all leaves failed (%s); checking conflicting branches one by one" % exc)
            graph = self.loader.graph
            conflicts = self.loader.detect_conflicts()
            base = [n for n in graph.leaf_nodes() if n[0] not in conflicts]
            widest = max(len(v) for v in conflicts.values())
            errors = []
            for i in range(widest):
                nodes = base + [
                    (app, sorted(names)[min(i, len(names) - 1)]) for app, names in sorted(conflicts.items())
                ]
                try:
                    variants.append(self.autodetect(self.loader.project_state(nodes), to_state))
                except Exception as inner:
                    errors.append("%s: %s" % (type(inner).__name__, inner))
            if not variants:
                raise Fatal("cannot compute the migration state: %s" % "; ".join(errors))
        first = variants[0]
        for app_label in sorted(first):
            changes = [c for c in first[app_label] if all(c in v.get(app_label, ()) for v in variants[1:])]
            if not changes:
                continue
            self.doc["missing"].append({"app": app_label, "changes": changes})
            shown = "; ".join(changes[:10]) + ("; and %d more" % (len(changes) - 10) if len(changes) > 10 else "")
            self.add(
                "missing-migration",
                "error",
                app_label,
                None,
                self.migrations_dir(app_label),
                None,
                "Model changes in app '%s' have no migration: %s" % (app_label, shown),
                "Run `tldr makemigrations %s`, review the new migration and commit it." % app_label,
            )

    # ----------------------------------------------------------- unapplied

    def check_unapplied(self):
        applied = self.loader.applied_migrations
        self.applied = set(applied)
        unapplied = [n for n in sorted(self.loader.graph.nodes, key=lambda n: self.order[n]) if n not in applied]
        self.unapplied = unapplied
        db_name = self.connection.settings_dict.get("NAME")
        for app, name in unapplied:
            self.doc["unapplied"].append({"app": app, "migration": name})
            self.add(
                "unapplied",
                "error",
                app,
                name,
                rel(self.migration_file((app, name))),
                None,
                "Migration %s.%s is not applied to database %s (alias %s)" % (app, name, q(db_name), self.alias),
                "Run `tldr migrate` to apply it.",
            )

    # ------------------------------------------------------------ selection

    def select_checked(self):
        graph = self.loader.graph
        if self.args.since_files is None:
            keys = [k for k in self.unapplied if not self.is_third_party(self.migration_file(k))]
            skipped = [k for k in self.unapplied if k not in keys]
            if skipped:
                log("not linting %d unapplied third-party migration(s)" % len(skipped))
            return keys
        wanted = set()
        for item in self.args.since_files:
            path = item if os.path.isabs(item) else os.path.join(CWD, item)
            wanted.add(os.path.normcase(os.path.realpath(path)))
        keys = []
        for key in graph.nodes:
            path = self.migration_file(key)
            if path and os.path.normcase(os.path.realpath(path)) in wanted:
                keys.append(key)
        return sorted(keys, key=lambda k: self.order[k])

    # ----------------------------------------------------------------- lint

    def state_before(self, key):
        """Project state just before ``key``. Checked migrations come in plan
        order, so the state left by the previous one is reused when it holds
        only ancestors of ``key``: the missing ancestors are applied to it
        (linear instead of quadratic in the number of migrations)."""
        graph = self.loader.graph
        cached = getattr(self, "_lint_state", None)
        if cached is not None and key not in self._lint_applied:
            missing, hits = set(), set()
            stack = [p.key for p in graph.node_map[key].parents]
            while stack:
                node = stack.pop()
                if node in self._lint_applied:
                    hits.add(node)
                elif node not in missing:
                    missing.add(node)
                    stack.extend(p.key for p in graph.node_map[node].parents)
            # every newest applied node must be an ancestor of ``key``
            if self._lint_maximal <= hits:
                for node in sorted(missing, key=self.order.get):
                    graph.nodes[node].mutate_state(cached, preserve=False)
                    self._note_applied(node)
                return cached
        state = self.loader.project_state(key, at_end=False)
        applied = set(graph.forwards_plan(key))
        applied.discard(key)
        self._lint_state = state
        self._lint_applied = applied
        self._lint_maximal = {
            n for n in applied if not any(c.key in applied for c in graph.node_map[n].children)
        }
        return state

    def _note_applied(self, node):
        self._lint_applied.add(node)
        self._lint_maximal.difference_update(p.key for p in self.loader.graph.node_map[node].parents)
        self._lint_maximal.add(node)

    def lint_migration(self, key):
        migration = self.loader.graph.nodes[key]
        path = self.migration_file(key)
        locations = OpLocations(path).lines(migration.operations)
        state = self.state_before(key)
        try:
            OperationLinter(self, key, rel(path), state).lint(migration.operations, locations, state, set())
        except Exception:
            self._lint_state = None  # the state may be half-mutated
            raise
        # the linter applied the migration's operations to ``state``
        self._note_applied(key)


# --------------------------------------------------------------------------- #
# Operation rules
# --------------------------------------------------------------------------- #


HINTS = {
    "drop-column": (
        "Deploy code that no longer reads the field first, remove it from the model state with "
        "SeparateDatabaseAndState(state_operations=[RemoveField(...)]), and drop the column in a later migration."
    ),
    "drop-table": (
        "Deploy code that no longer uses the model first, remove it from the model state with "
        "SeparateDatabaseAndState(state_operations=[DeleteModel(...)]), and drop the table in a later migration."
    ),
    "rename-column": (
        "Don't rename in place: add the new column, backfill it, switch reads and writes to it, then drop the "
        "old column in a later release (or keep the column and rename only the field with db_column='old_name')."
    ),
    "rename-table": (
        "Don't rename in place: keep the table with Meta.db_table = 'old_name', or create the new table, "
        "backfill it, switch the code to it, then drop the old table in a later release."
    ),
    "alter-column-type": (
        "Changing a column type rewrites or locks the table and breaks code still running with the old type: "
        "add a new column of the new type, backfill it, switch the code to it, then drop the old column."
    ),
    "add-index-blocking": (
        "Create the index with django.contrib.postgres.operations.AddIndexConcurrently in a migration with "
        "atomic = False (for db_index=True, add the index that way inside "
        "SeparateDatabaseAndState and keep the field change in state_operations)."
    ),
    "add-unique-blocking": (
        "Build the unique index first with AddIndexConcurrently (atomic = False), then attach it with "
        "RunSQL('ALTER TABLE … ADD CONSTRAINT … UNIQUE USING INDEX …') inside SeparateDatabaseAndState "
        "(state_operations=[the AddConstraint/AlterField]), or accept the write lock on a small table."
    ),
    "runpython-irreversible": (
        "Pass reverse_code=… (or migrations.RunPython.noop when nothing has to be undone) so the migration "
        "can be rolled back."
    ),
    "runsql-irreversible": (
        "Pass reverse_sql=… (or migrations.RunSQL.noop when nothing has to be undone) so the migration can "
        "be rolled back."
    ),
}


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
        % (" or with a database default (db_default=…, Django ≥ 5.0)" if db_default else "")
    )


def _sql_snippet(sql):
    if isinstance(sql, (list, tuple)):
        parts = []
        for item in sql:
            parts.append(item[0] if isinstance(item, (list, tuple)) else item)
        sql = "; ".join(str(p) for p in parts)
    sql = " ".join(str(sql).split())
    return sql if len(sql) <= 80 else sql[:77] + "..."


class OperationLinter:
    def __init__(self, checker, key, file, state):
        from django.db import migrations, models
        from django.db.models.fields import NOT_PROVIDED

        self.checker = checker
        self.app_label, self.migration_name = key
        self.file = file
        self.connection = checker.connection
        self.ops = migrations
        self.models = models
        self.NOT_PROVIDED = NOT_PROVIDED
        self.django_version = checker.django_version
        try:
            from django.contrib.postgres.operations import AddIndexConcurrently
        except Exception:  # psycopg not installed, old Django
            AddIndexConcurrently = None
        self.AddIndexConcurrently = AddIndexConcurrently

    # ------------------------------------------------------------ utilities

    def emit(self, code, severity, line, message):
        self.checker.add(
            code, severity, self.app_label, self.migration_name, self.file, line, message, HINTS[code]
        )

    def emit_hint(self, code, severity, line, message, hint):
        self.checker.add(code, severity, self.app_label, self.migration_name, self.file, line, message, hint)

    @staticmethod
    def model_key(app_label, name):
        return (app_label, name.lower())

    def model_state(self, state, app_label, name):
        return state.models.get(self.model_key(app_label, name))

    def managed(self, model_state):
        if model_state is None:
            return False
        options = model_state.options
        return options.get("managed", True) and not options.get("proxy", False) and not options.get("swapped")

    def existing(self, state, fresh, app_label, name):
        """The table existed before this migration (it was not created by it)."""
        key = self.model_key(app_label, name)
        model_state = state.models.get(key)
        return key not in fresh and self.managed(model_state)

    def table(self, model_state):
        from django.db.backends.utils import truncate_name

        table = model_state.options.get("db_table")
        if table:
            return table
        return truncate_name(
            "%s_%s" % (model_state.app_label, model_state.name.lower()), self.connection.ops.max_name_length()
        )

    def label(self, model_state, field_name=None):
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

    def db_type(self, state, app_label, model_name, field_name, field):
        if not field.is_relation:
            try:
                return field.db_type(self.connection)
            except Exception:
                pass
        try:
            model = state.apps.get_model(app_label, model_name)
            return model._meta.get_field(field_name).db_type(self.connection)
        except Exception as exc:
            log("cannot compute the column type of %s.%s.%s: %s" % (app_label, model_name, field_name, exc))
            return None

    def has_db_default(self, field):
        return getattr(field, "db_default", self.NOT_PROVIDED) is not self.NOT_PROVIDED

    @staticmethod
    def _together(value):
        from django.db.models.options import normalize_together

        if not value:
            return set()
        return {tuple(item) for item in normalize_together(value)}

    @staticmethod
    def widening(old, new):
        """varchar(n) -> varchar(m >= n) / text: no rewrite on PostgreSQL."""
        old_m = re.match(r"^varchar\((\d+)\)$", old or "")
        if not old_m:
            return False
        if new == "text":
            return True
        new_m = re.match(r"^varchar\((\d+)\)$", new or "")
        return bool(new_m) and int(new_m.group(1)) >= int(old_m.group(1))

    # ---------------------------------------------------------------- walk

    def lint(self, operations, locations, state, fresh):
        """Lint ``operations`` (applied from ``state``, mutated in place)."""
        app_label = self.app_label
        for index, operation in enumerate(operations):
            line, nested = locations[index] if index < len(locations) else (None, None)
            name = type(operation).__name__
            if name == "SeparateDatabaseAndState" and hasattr(operation, "database_operations"):
                # Only the database operations touch the database; they run on
                # their own copy of the state.
                if operation.database_operations:
                    db_state = state.clone()
                    self.lint(
                        operation.database_operations,
                        nested or [(line, None)] * len(operation.database_operations),
                        db_state,
                        set(fresh),
                    )
                for state_op in operation.state_operations:
                    self.track_fresh(state_op, state, fresh)
                    state_op.state_forwards(app_label, state)
                continue
            try:
                self.judge(operation, line, state, fresh)
            except Exception as exc:
                log("rule check of %s in %s.%s failed: %s" % (name, app_label, self.migration_name, exc))
            self.track_fresh(operation, state, fresh)
            operation.state_forwards(app_label, state)

    def field_key(self, model_name, field_name):
        return (self.app_label, model_name.lower(), field_name.lower())

    def fresh_field(self, fresh, model_name, field_name):
        """The column was added by this migration (nothing can use it yet)."""
        return self.field_key(model_name, field_name) in fresh

    def track_fresh(self, operation, state, fresh):
        ops = self.ops
        app_label = self.app_label
        if isinstance(operation, ops.AddField):
            fresh.add(self.field_key(operation.model_name, operation.name))
        elif isinstance(operation, ops.RemoveField):
            fresh.discard(self.field_key(operation.model_name, operation.name))
        elif isinstance(operation, ops.RenameField):
            old = self.field_key(operation.model_name, operation.old_name)
            if old in fresh:
                fresh.discard(old)
                fresh.add(self.field_key(operation.model_name, operation.new_name))
        elif isinstance(operation, ops.CreateModel):
            fresh.add(self.model_key(app_label, operation.name))
        elif isinstance(operation, ops.RenameModel):
            old = self.model_key(app_label, operation.old_name)
            if old in fresh:
                fresh.discard(old)
                fresh.add(self.model_key(app_label, operation.new_name))
        elif isinstance(operation, ops.DeleteModel):
            fresh.discard(self.model_key(app_label, operation.name))

    # --------------------------------------------------------------- rules

    def judge(self, op, line, state, fresh):
        ops = self.ops
        app = self.app_label
        if isinstance(op, ops.AddField):
            self.judge_add_field(op, line, state, fresh)
        elif isinstance(op, ops.AlterField):
            self.judge_alter_field(op, line, state, fresh)
        elif isinstance(op, ops.RemoveField):
            ms = self.model_state(state, app, op.model_name)
            if self.existing(state, fresh, app, op.model_name) and not self.fresh_field(fresh, op.model_name, op.name):
                field = ms.fields.get(op.name)
                if field is not None and field.many_to_many:
                    what = "drops the many-to-many join table of"
                    self.emit(
                        "drop-column",
                        "error",
                        line,
                        "RemoveField %s %s the field" % (self.label(ms, op.name), what),
                    )
                elif field is not None:
                    self.emit(
                        "drop-column",
                        "error",
                        line,
                        "RemoveField %s drops column %s.%s"
                        % (self.label(ms, op.name), q(self.table(ms)), q(self.column(field, op.name))),
                    )
        elif isinstance(op, ops.DeleteModel):
            ms = self.model_state(state, app, op.name)
            if self.existing(state, fresh, app, op.name):
                self.emit(
                    "drop-table", "error", line, "DeleteModel %s drops table %s" % (self.label(ms), q(self.table(ms)))
                )
        elif isinstance(op, ops.RenameField):
            ms = self.model_state(state, app, op.model_name)
            if self.existing(state, fresh, app, op.model_name) and not self.fresh_field(
                fresh, op.model_name, op.old_name
            ):
                field = ms.fields.get(op.old_name)
                if field is None:
                    return
                old_column = self.column(field, op.old_name)
                new_column = self.column(field, op.new_name)
                if field.many_to_many:
                    self.emit(
                        "rename-column",
                        "error",
                        line,
                        "RenameField %s → %s renames the many-to-many field (and its join table's columns)"
                        % (self.label(ms, op.old_name), op.new_name),
                    )
                elif old_column != new_column:
                    self.emit(
                        "rename-column",
                        "error",
                        line,
                        "RenameField %s → %s renames column %s.%s to %s"
                        % (self.label(ms, op.old_name), op.new_name, q(self.table(ms)), q(old_column), q(new_column)),
                    )
        elif isinstance(op, ops.RenameModel):
            ms = self.model_state(state, app, op.old_name)
            if self.existing(state, fresh, app, op.old_name):
                old_table = self.table(ms)
                renamed = copy.copy(ms)
                renamed.name = op.new_name
                new_table = self.table(renamed)  # an explicit db_table stays, so nothing is renamed
                if new_table != old_table:
                    self.emit(
                        "rename-table",
                        "error",
                        line,
                        "RenameModel %s → %s renames table %s to %s"
                        % (self.label(ms), op.new_name, q(old_table), q(new_table)),
                    )
        elif isinstance(op, ops.AlterModelTable):
            ms = self.model_state(state, app, op.name)
            if self.existing(state, fresh, app, op.name):
                old_table = self.table(ms)
                new_table = op.table or None
                if new_table is None:
                    tmp = copy.copy(ms)
                    tmp.options = dict(ms.options)
                    tmp.options.pop("db_table", None)
                    new_table = self.table(tmp)
                if new_table != old_table:
                    self.emit(
                        "rename-table",
                        "error",
                        line,
                        "AlterModelTable %s renames table %s to %s" % (self.label(ms), q(old_table), q(new_table)),
                    )
        elif isinstance(op, ops.AddIndex):
            if self.AddIndexConcurrently is not None and isinstance(op, self.AddIndexConcurrently):
                return
            ms = self.model_state(state, app, op.model_name)
            if self.existing(state, fresh, app, op.model_name):
                self.emit(
                    "add-index-blocking",
                    "warning",
                    line,
                    "AddIndex %s creates index %s on existing table %s without CONCURRENTLY (writes to the "
                    "table block while it builds)" % (self.label(ms), q(op.index.name), q(self.table(ms))),
                )
        elif isinstance(op, ops.AddConstraint):
            ms = self.model_state(state, app, op.model_name)
            if isinstance(op.constraint, self.models.UniqueConstraint) and self.existing(
                state, fresh, app, op.model_name
            ):
                self.emit(
                    "add-unique-blocking",
                    "warning",
                    line,
                    "AddConstraint %s adds unique constraint %s to existing table %s (builds a unique index "
                    "while writes are blocked, and fails on duplicate rows)"
                    % (self.label(ms), q(op.constraint.name), q(self.table(ms))),
                )
        elif isinstance(op, ops.AlterUniqueTogether):
            self.judge_together(op, line, state, fresh, "unique_together")
        elif getattr(ops, "AlterIndexTogether", None) is not None and isinstance(op, ops.AlterIndexTogether):
            self.judge_together(op, line, state, fresh, "index_together")
        elif isinstance(op, ops.RunPython):
            if op.reverse_code is None:
                code = op.code
                fname = getattr(code, "__qualname__", None) or getattr(code, "__name__", None) or repr(code)
                self.emit(
                    "runpython-irreversible",
                    "warning",
                    line,
                    "RunPython(%s) has no reverse_code: migrating back past %s.%s fails"
                    % (fname, self.app_label, self.migration_name),
                )
        elif isinstance(op, ops.RunSQL):
            if op.reverse_sql is None:
                self.emit(
                    "runsql-irreversible",
                    "warning",
                    line,
                    "RunSQL(%r) has no reverse_sql: migrating back past %s.%s fails"
                    % (_sql_snippet(op.sql), self.app_label, self.migration_name),
                )

    def judge_together(self, op, line, state, fresh, option):
        app = self.app_label
        ms = self.model_state(state, app, op.name)
        if not self.existing(state, fresh, app, op.name):
            return
        old = self._together(ms.options.get(option))
        new = self._together(getattr(op, "option_value", None) or getattr(op, option, None))
        added = sorted(new - old)
        if not added:
            return
        fields = ", ".join("(%s)" % ", ".join(t) for t in added)
        if option == "unique_together":
            self.emit(
                "add-unique-blocking",
                "warning",
                line,
                "AlterUniqueTogether %s adds unique_together %s to existing table %s (builds a unique index "
                "while writes are blocked)" % (self.label(ms), fields, q(self.table(ms))),
            )
        else:
            self.emit(
                "add-index-blocking",
                "warning",
                line,
                "AlterIndexTogether %s adds index_together %s on existing table %s without CONCURRENTLY"
                % (self.label(ms), fields, q(self.table(ms))),
            )

    def judge_add_field(self, op, line, state, fresh):
        app = self.app_label
        field = op.field
        if field.many_to_many or not self.existing(state, fresh, app, op.model_name):
            return
        ms = self.model_state(state, app, op.model_name)
        table = q(self.table(ms))
        column = q(self.column(field, op.name))
        label = self.label(ms, op.name)
        generated = getattr(field, "generated", False)
        if not field.null and not generated and not self.has_db_default(field) and not field.primary_key:
            how = (
                "with a Python default only (%r)" % (field.default,)
                if field.has_default()
                else "without a default"
            )
            self.emit_hint(
                "adding-not-nullable-field",
                "error",
                line,
                "AddField %s adds NOT NULL column %s.%s %s to existing table %s: code still running without the "
                "field cannot insert rows" % (label, table, column, how, table),
                not_null_hint(self.django_version),
            )
        if field.unique:
            self.emit(
                "add-unique-blocking",
                "warning",
                line,
                "AddField %s adds column %s.%s with a unique constraint to existing table %s" % (label, table, column, table),
            )
        elif field.db_index:
            self.emit(
                "add-index-blocking",
                "warning",
                line,
                "AddField %s adds an index on %s.%s without CONCURRENTLY (db_index=True%s)"
                % (label, table, column, ", foreign keys are indexed by default" if field.is_relation else ""),
            )

    def judge_alter_field(self, op, line, state, fresh):
        app = self.app_label
        ms = self.model_state(state, app, op.model_name)
        if ms is None or not self.existing(state, fresh, app, op.model_name):
            return
        if self.fresh_field(fresh, op.model_name, op.name):
            return
        old = ms.fields.get(op.name)
        new = op.field
        if old is None or old.many_to_many or new.many_to_many:
            return
        table = q(self.table(ms))
        label = self.label(ms, op.name)
        column = q(self.column(new, op.name))
        old_type = self.db_type(state, app, op.model_name, op.name, old)
        # The new column type needs the state after the operation (foreign keys
        # follow their target); compute it on a copy when the field is relational.
        if new.is_relation:
            after = state.clone()
            op.state_forwards(app, after)
            new_type = self.db_type(after, app, op.model_name, op.name, new)
        else:
            new_type = self.db_type(state, app, op.model_name, op.name, new)
        if old.null and not new.null and not self.has_db_default(new) and not getattr(new, "generated", False):
            self.emit_hint(
                "adding-not-nullable-field",
                "error",
                line,
                "AlterField %s makes column %s.%s NOT NULL on existing table %s without a database default"
                % (label, table, column, table),
                not_null_hint(self.django_version, alter=True),
            )
        if old_type and new_type and old_type != new_type and not self.widening(old_type, new_type):
            self.emit(
                "alter-column-type",
                "error",
                line,
                "AlterField %s changes the type of column %s.%s from %s to %s" % (label, table, column, old_type, new_type),
            )
        if new.unique and not old.unique:
            self.emit(
                "add-unique-blocking",
                "warning",
                line,
                "AlterField %s makes column %s.%s unique on existing table %s" % (label, table, column, table),
            )
        elif new.db_index and not old.db_index and not new.unique:
            self.emit(
                "add-index-blocking",
                "warning",
                line,
                "AlterField %s adds an index on %s.%s without CONCURRENTLY (db_index=True)" % (label, table, column),
            )


# --------------------------------------------------------------------------- #
# Reversibility on a scratch database
# --------------------------------------------------------------------------- #

# One round trip; every row is (kind, relation, name, detail1, detail2, detail3).
SNAPSHOT_SQL = """
    SELECT 'relation', c.relname::text, '', c.relkind::text, '', ''
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      AND c.relname NOT IN ('django_migrations', 'django_migrations_id_seq')
    UNION ALL
    SELECT 'column', c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod),
           CASE WHEN a.attnotnull THEN 'NOT NULL' ELSE '' END,
           COALESCE(pg_get_expr(d.adbin, d.adrelid), '')
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND a.attnum > 0 AND NOT a.attisdropped AND c.relname <> 'django_migrations'
    UNION ALL
    SELECT 'index', tablename::text, indexname::text, indexdef::text, '', ''
    FROM pg_indexes
    WHERE schemaname = 'public' AND tablename <> 'django_migrations'
    UNION ALL
    SELECT 'constraint', cl.relname::text, co.conname::text, pg_get_constraintdef(co.oid), '', ''
    FROM pg_constraint co
    JOIN pg_class cl ON cl.oid = co.conrelid
    JOIN pg_namespace n ON n.oid = co.connamespace
    WHERE n.nspname = 'public' AND cl.relname <> 'django_migrations'
"""


def take_snapshot(connection):
    """The public schema (tables, columns, indexes, constraints), without
    django_migrations, as a set of rows."""
    with connection.cursor() as cursor:
        cursor.execute(SNAPSHOT_SQL)
        return frozenset(tuple(row) for row in cursor.fetchall())


RELKINDS = {"r": "table", "p": "table", "v": "view", "m": "materialized view", "S": "sequence", "f": "foreign table"}


def describe_item(item):
    kind, relation, name, one, two, three = item
    if kind == "relation":
        return "%s %s" % (RELKINDS.get(one, "relation"), relation)
    if kind == "column":
        return "column %s.%s (%s%s%s)" % (
            relation,
            name,
            one,
            ", NOT NULL" if two else "",
            ", default %s" % three if three else "",
        )
    if kind == "index":
        return "index %s: %s" % (name, one)
    if kind == "constraint":
        return "constraint %s on %s: %s" % (name, relation, one)
    return repr(item)


def describe_diff(expected, actual, limit=6):
    """Human list of differences between two snapshots."""
    missing = sorted(expected - actual)
    extra = sorted(actual - expected)
    parts = ["missing %s" % describe_item(i) for i in missing] + ["unexpected %s" % describe_item(i) for i in extra]
    text = "; ".join(parts[:limit])
    if len(parts) > limit:
        text += "; and %d more" % (len(parts) - limit)
    tables = sorted({i[1] for i in missing + extra})
    return text, tables


class MigrationFailed(Exception):
    def __init__(self, key, op_index, cause):
        super().__init__(str(cause))
        self.key = key
        self.op_index = op_index
        self.cause = cause


class Reversibility:
    def __init__(self, checker, checked):
        self.checker = checker
        self.checked = list(checked)
        self.alias = checker.alias
        self.loader = checker.loader

    def skip(self, reason):
        log("reversibility skipped: %s" % reason)
        return {"ran": False, "reason": reason}

    # --- graph sets

    @staticmethod
    def _closure(graph, keys, attr):
        result = set()
        stack = list(keys)
        while stack:
            key = stack.pop()
            if key in result:
                continue
            result.add(key)
            stack.extend(n.key for n in getattr(graph.node_map[key], attr))
        return result

    def descendants(self, graph, keys):
        """``keys`` and everything that depends on them."""
        return self._closure(graph, keys, "children")

    def ancestors(self, graph, keys):
        """``keys`` and everything they depend on."""
        return self._closure(graph, keys, "parents")

    # --- main

    def run(self):
        connection = self.checker.connection
        if connection.vendor != "postgresql":
            return self.skip("the database is %s, not PostgreSQL" % connection.vendor)
        if not self.checked:
            return self.skip("no migrations to check")
        conflicted = sorted({k[0] for k in self.checked} & self.checker.conflicted_apps)
        if conflicted:
            return self.skip("migration conflicts in %s: merge them first" % ", ".join(conflicted))
        graph = self.loader.graph
        self.D = self.descendants(graph, self.checked)
        applied0 = set(self.loader.applied_migrations)
        started = time.monotonic()
        scratch = "tldr_scratch_%s" % secrets.token_hex(6)
        source_name = connection.settings_dict.get("NAME")
        maintenance = None
        created = False
        original = connection
        scratch_connection = None
        from django.db import connections

        try:
            connection.close()
            maintenance = self.maintenance_connection(original)
            method = None
            template_possible = not (applied0 & self.D) and maintenance.settings_dict["NAME"] != source_name
            with maintenance.cursor() as cursor:
                cursor.execute("SHOW server_version_num")
                self.server_version = int(cursor.fetchone()[0])
                if template_possible:
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                        [source_name],
                    )
                    others = cursor.fetchone()[0]
                    if others:
                        log("%d other session(s) on %s: cannot use it as a template" % (others, source_name))
                    else:
                        try:
                            cursor.execute("CREATE DATABASE %s TEMPLATE %s" % (q(scratch), q(source_name)))
                            created, method = True, "template"
                        except Exception as exc:
                            log("CREATE DATABASE … TEMPLATE failed (%s); migrating an empty database" % str(exc).strip())
                elif applied0 & self.D:
                    log("checked migrations are already applied to %s: migrating an empty database" % source_name)
                if not created:
                    try:
                        cursor.execute("CREATE DATABASE %s" % q(scratch))
                    except Exception as exc:
                        return self.skip("cannot create a scratch database: %s" % str(exc).strip())
                    created, method = True, "migrate"
                    applied0 = set()
            log("scratch database %s created (%s)" % (scratch, method))

            settings_dict = copy.deepcopy(original.settings_dict)
            settings_dict["NAME"] = scratch
            scratch_connection = original.__class__(settings_dict, self.alias)
            # The scratch database takes the alias itself, so routers and
            # RunPython code that use the default manager hit the scratch copy,
            # never the developer's database.
            connections[self.alias] = scratch_connection
            self.connection = scratch_connection
            self.exercise(applied0)
            return {
                "ran": True,
                "scratchDatabase": scratch,
                "method": method,
                "durationMs": elapsed_ms(started),
            }
        except SkipReversibility as exc:
            return self.skip(str(exc))
        except Exception as exc:  # keep the other results
            traceback.print_exc()
            return self.skip("the reversibility check failed: %s" % self.error_text(exc))
        finally:
            if scratch_connection is not None:
                try:
                    scratch_connection.close()
                except Exception:
                    pass
            connections[self.alias] = original
            if created:
                self.drop(maintenance, scratch)
            if maintenance is not None:
                try:
                    maintenance.close()
                except Exception:
                    pass

    def maintenance_connection(self, original):
        errors = []
        for name in ("postgres", original.settings_dict.get("NAME")):
            settings_dict = copy.deepcopy(original.settings_dict)
            settings_dict["NAME"] = name
            candidate = original.__class__(settings_dict, "__tldr_maintenance__")
            try:
                candidate.ensure_connection()
                return candidate
            except Exception as exc:
                errors.append("%s: %s" % (name, str(exc).strip()))
                try:
                    candidate.close()
                except Exception:
                    pass
        raise SkipReversibility("cannot connect to the server: %s" % "; ".join(errors))

    def drop(self, maintenance, scratch):
        try:
            if maintenance is None:
                return
            with maintenance.cursor() as cursor:
                if getattr(self, "server_version", 0) >= 130000:
                    cursor.execute("DROP DATABASE IF EXISTS %s WITH (FORCE)" % q(scratch))
                else:
                    cursor.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid()",
                        [scratch],
                    )
                    cursor.execute("DROP DATABASE IF EXISTS %s" % q(scratch))
            log("scratch database %s dropped" % scratch)
        except Exception as exc:
            log("could not drop scratch database %s: %s (drop it by hand)" % (scratch, exc))

    # --- executing plans

    def executor(self, callback=None):
        from django.db.migrations.executor import MigrationExecutor

        return MigrationExecutor(self.connection, callback)

    def full_order(self, executor):
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)
        order = {}
        for migration, _ in plan:
            order[(migration.app_label, migration.name)] = len(order)
        return order

    def migrate(self, keys, backwards, on_event=None):
        """Run exactly ``keys`` (forwards in Django's order, or backwards in
        the reverse order). Raises MigrationFailed."""
        current = {"key": None}

        def callback(action, migration=None, fake=False):
            if migration is not None:
                key = (migration.app_label, migration.name)
                if action.endswith("_start"):
                    current["key"] = key
                if on_event is not None:
                    on_event(action, key)

        executor = self.executor(callback)
        nodes = executor.loader.graph.nodes
        order = self.full_order(executor)
        ordered = sorted(keys, key=lambda k: order.get(k, 1 << 30), reverse=backwards)
        plan = [(nodes[k], backwards) for k in ordered]
        if not plan:
            return
        try:
            executor.migrate([], plan=plan)
        except Exception as exc:
            key, op_index = self.locate(exc)
            raise MigrationFailed(key or current["key"], op_index, exc)

    @staticmethod
    def locate(exc):
        """(migration key, operation index) from the frames of Migration.apply /
        Migration.unapply in the traceback."""
        from django.db.migrations.migration import Migration

        key = op_index = None
        tb = exc.__traceback__
        while tb is not None:
            frame = tb.tb_frame
            if frame.f_code.co_name in ("apply", "unapply"):
                owner = frame.f_locals.get("self")
                if isinstance(owner, Migration):
                    key = (owner.app_label, owner.name)
                    operation = frame.f_locals.get("operation")
                    op_index = None
                    for i, candidate in enumerate(owner.operations):
                        if candidate is operation:
                            op_index = i
            tb = tb.tb_next
        return key, op_index

    def failure_location(self, failure):
        key = failure.key
        if key is None:
            return None, None, None, None
        path = self.checker.migration_file(key)
        line = None
        migration = self.loader.graph.nodes.get(key)
        if migration is not None and failure.op_index is not None:
            locations = OpLocations(path).lines(migration.operations)
            if failure.op_index < len(locations):
                line = locations[failure.op_index][0]
        return key[0], key[1], rel(path), line

    @staticmethod
    def error_text(exc):
        text = " ".join(str(exc).split())
        return "%s: %s" % (type(exc).__name__, text[:400])

    def schema_watch(self, action_name, expected, code, message):
        """An executor callback: after each `action_name`, compare the schema with `expected[key]`
        and report the first difference (only the first: later ones follow from it) as `code`."""
        reported = {"done": False}

        def on_event(action, key):
            if action == action_name and not reported["done"] and key in expected:
                snapshot = take_snapshot(self.connection)
                if snapshot != expected[key]:
                    reported["done"] = True
                    text, tables = describe_diff(expected[key], snapshot)
                    self.finding(code, key, None, message(key, text, tables))

        return on_event

    def exercise(self, applied0):
        graph = self.loader.graph
        checked = set(self.checked)
        after_forward = applied0 | self.ancestors(graph, checked)
        before = after_forward - self.D  # the state "just before the checked migrations"
        baseline_keys = before - applied0
        test_keys = after_forward - before

        try:
            self.migrate(baseline_keys, backwards=False)
        except MigrationFailed as failure:
            app, name, _, _ = self.failure_location(failure)
            raise SkipReversibility(
                "migrating the scratch database up to the checked migrations failed at %s.%s: %s"
                % (app, name, self.error_text(failure.cause))
            )

        # (1) forwards, with a snapshot before and after each migration
        pre, post = {}, {}
        last = {"snapshot": take_snapshot(self.connection)}

        def on_forward(action, key):
            # Nothing touches the database between one migration's end and the
            # next one's start: the snapshot after one is the one before the next.
            if action == "apply_start":
                pre[key] = last["snapshot"]
            elif action == "apply_success":
                post[key] = last["snapshot"] = take_snapshot(self.connection)

        try:
            self.migrate(test_keys, backwards=False, on_event=on_forward)
        except MigrationFailed as failure:
            app, name, _, _ = self.failure_location(failure)
            raise SkipReversibility(
                "applying %s.%s to the scratch database failed: %s" % (app, name, self.error_text(failure.cause))
            )

        # (2) backwards to just before the checked migrations
        on_backward = self.schema_watch(
            "unapply_success",
            pre,
            "irreversible",
            lambda key, text, tables: "Migrating %s.%s backwards does not restore the schema it started from: %s"
            % (key[0], key[1], text),
        )

        try:
            self.migrate(test_keys, backwards=True, on_event=on_backward)
        except MigrationFailed as failure:
            app, name, file, line = self.failure_location(failure)
            self.add(
                "irreversible",
                app,
                name,
                file,
                line,
                "Migrating %s.%s backwards fails: %s (the rest of the reversibility check was skipped)"
                % (app, name, self.error_text(failure.cause)),
            )
            return

        # (3) forwards again: every migration must produce the same schema
        on_again = self.schema_watch(
            "apply_success",
            post,
            "not-idempotent",
            lambda key, text, tables: "Re-applying %s.%s after migrating back gives a different schema (tables: %s): %s"
            % (key[0], key[1], ", ".join(tables), text),
        )

        try:
            self.migrate(test_keys, backwards=False, on_event=on_again)
        except MigrationFailed as failure:
            app, name, file, line = self.failure_location(failure)
            self.add(
                "not-idempotent",
                app,
                name,
                file,
                line,
                "Re-applying %s.%s after migrating back fails: %s" % (app, name, self.error_text(failure.cause)),
            )

    HINTS = {
        "irreversible": (
            "Give every operation a reverse that undoes exactly what the forward step did (reverse_code=, "
            "reverse_sql=), so a bad deploy can be rolled back; re-run `tldr migrate --check`."
        ),
        "not-idempotent": (
            "The forward step depends on leftovers of an earlier run: make the reverse undo everything the "
            "forward did (data included), or make the forward tolerate a previous run (IF NOT EXISTS, "
            "get_or_create / update_or_create)."
        ),
    }

    def finding(self, code, key, line, message):
        self.add(code, key[0], key[1], rel(self.checker.migration_file(key)), line, message)

    def add(self, code, app, name, file, line, message):
        self.checker.add(code, "error", app, name, file, line, message, self.HINTS[code])


class SkipReversibility(Exception):
    pass


# --------------------------------------------------------------------------- #
# Entry point
# --------------------------------------------------------------------------- #


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="tldr_migrate_check.py", description="Django migration checks for tldr (writes one JSON document)."
    )
    parser.add_argument("--output", required=True, help="path of the JSON result document")
    parser.add_argument(
        "--since-files",
        action="append",
        default=None,
        help="comma-separated migration files (relative to cwd) to lint instead of the unapplied ones; "
        "may be repeated; an empty value lints nothing",
    )
    parser.add_argument("--reversibility", action="store_true", help="check reversibility on a scratch database")
    parser.add_argument("--database", default="default", help="database alias (default: default)")
    args = parser.parse_args(argv)
    if args.since_files is not None:
        files = []
        for chunk in args.since_files:
            files.extend(p.strip() for p in chunk.split(",") if p.strip())
        args.since_files = files
    return args


def _on_sigterm(signum, frame):
    raise KeyboardInterrupt("terminated by signal %d" % signum)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    tldr_lifeline.install("TLDR_LIFELINE_FD")  # tldr gone: KeyboardInterrupt, the scratch database is dropped
    signal.signal(signal.SIGTERM, _on_sigterm)
    # The helper's own folder must not shadow project modules; the project
    # folder comes first, as with `python manage.py`.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    if CWD not in sys.path:
        sys.path.insert(0, CWD)

    checker = Checker(args)
    status = 0
    try:
        checker.run()
    except Fatal as exc:
        checker.doc["error"] = {"message": str(exc), "traceback": traceback.format_exc()}
        status = 3
    except KeyboardInterrupt as exc:
        checker.doc["error"] = {"message": "interrupted: %s" % (exc or "SIGINT"), "traceback": traceback.format_exc()}
        status = 130
    except Exception as exc:
        checker.doc["error"] = {"message": "%s: %s" % (type(exc).__name__, exc), "traceback": traceback.format_exc()}
        status = 3
    if "error" in checker.doc:
        log(checker.doc["error"]["message"])
    write_document(args.output, checker.doc)
    return status


if __name__ == "__main__":
    sys.exit(main())
