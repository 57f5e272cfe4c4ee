"""Project-wide checks: conflicts, model changes without a migration, unapplied migrations, and
which migrations to lint."""
import os

from .document import Fatal, log
from .graph import is_third_party
from .project import CWD, q, rel
from .rules.registry import hint


def check_conflicts(checker):
    conflicts = checker.loader.detect_conflicts()
    checker.conflicted_apps = set(conflicts)
    for app in sorted(conflicts):
        leaves = sorted(conflicts[app])
        checker.doc["conflicts"].append({"app": app, "leaves": leaves})
        last = (app, leaves[-1])
        checker.add(
            "conflict",
            "error",
            app,
            leaves[-1],
            rel(checker.graph.migration_file(last)) or checker.graph.migrations_dir(app),
            None,
            "App '%s' has %d leaf migrations: %s" % (app, len(leaves), ", ".join(leaves)),
            hint("conflict").replace("APP", app),
        )


def questioner():
    import inspect

    from django.db.migrations.questioner import NonInteractiveMigrationQuestioner
    from django.db.models.fields import NOT_PROVIDED

    class Questioner(NonInteractiveMigrationQuestioner):
        # makemigrations --check --dry-run exits(3) on these; we only describe the changes, so any
        # placeholder default will do.
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


def autodetect(loader, from_state, to_state):
    from django.db.migrations.autodetector import MigrationAutodetector

    detector = MigrationAutodetector(from_state, to_state, questioner())
    changes = detector.changes(graph=loader.graph, trim_to_apps=None, convert_apps=None, migration_name=None)
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


def check_missing(checker):
    from django.apps import apps
    from django.db.migrations.state import ProjectState

    loader = checker.loader
    to_state = ProjectState.from_apps(apps)
    variants = []
    try:
        variants.append(autodetect(loader, loader.project_state(), to_state))
    except Exception as exc:
        if not checker.conflicted_apps:
            raise Fatal("cannot compute the migration state: %s: %s" % (type(exc).__name__, exc)) from exc
        # The branches of a conflict cannot be combined: take one leaf per conflicted app at a time;
        # a change is missing when it is missing whichever branch wins.
        log("project state with all leaves failed (%s); checking conflicting branches one by one" % exc)
        conflicts = loader.detect_conflicts()
        base = [n for n in loader.graph.leaf_nodes() if n[0] not in conflicts]
        widest = max(len(v) for v in conflicts.values())
        errors = []
        for i in range(widest):
            nodes = base + [(app, sorted(names)[min(i, len(names) - 1)]) for app, names in sorted(conflicts.items())]
            try:
                variants.append(autodetect(loader, loader.project_state(nodes), to_state))
            except Exception as inner:
                errors.append("%s: %s" % (type(inner).__name__, inner))
        if not variants:
            raise Fatal("cannot compute the migration state: %s" % "; ".join(errors))
    first = variants[0]
    for app_label in sorted(first):
        changes = [c for c in first[app_label] if all(c in v.get(app_label, ()) for v in variants[1:])]
        if not changes:
            continue
        checker.doc["missing"].append({"app": app_label, "changes": changes})
        shown = "; ".join(changes[:10]) + ("; and %d more" % (len(changes) - 10) if len(changes) > 10 else "")
        checker.add(
            "missing-migration",
            "error",
            app_label,
            None,
            checker.graph.migrations_dir(app_label),
            None,
            "Model changes in app '%s' have no migration: %s" % (app_label, shown),
            hint("missing-migration").replace("APP", app_label),
        )


def check_unapplied(checker):
    applied = checker.loader.applied_migrations
    order = checker.graph.order
    checker.unapplied = [n for n in sorted(checker.loader.graph.nodes, key=lambda n: order[n]) if n not in applied]
    db_name = checker.connection.settings_dict.get("NAME")
    for app, name in checker.unapplied:
        checker.doc["unapplied"].append({"app": app, "migration": name})
        checker.add(
            "unapplied",
            "error",
            app,
            name,
            rel(checker.graph.migration_file((app, name))),
            None,
            "Migration %s.%s is not applied to database %s (alias %s)" % (app, name, q(db_name), checker.alias),
            hint("unapplied"),
        )


def select_checked(checker, since_files):
    """The unapplied migrations of the project's own apps, or the ones in ``since_files``."""
    graph = checker.graph
    if since_files is None:
        keys = [k for k in checker.unapplied if not is_third_party(graph.migration_file(k))]
        skipped = len(checker.unapplied) - len(keys)
        if skipped:
            log("not linting %d unapplied third-party migration(s)" % skipped)
        return keys
    wanted = set()
    for item in since_files:
        path = item if os.path.isabs(item) else os.path.join(CWD, item)
        wanted.add(os.path.normcase(os.path.realpath(path)))
    keys = []
    for key in graph.graph.nodes:
        path = graph.migration_file(key)
        if path and os.path.normcase(os.path.realpath(path)) in wanted:
            keys.append(key)
    return sorted(keys, key=lambda k: graph.order[k])
