"""One run of every check: boot, graph, project checks, lint, the scratch run, observations."""
import traceback

from . import checks, scratch
from .document import Fatal, empty_document, log
from .graph import Graph, LintStates
from .locations import OpLocations
from .project import boot, rel
from .reversibility import Reversibility
from .rules import registry
from .walker import MigrationLinter

OBSERVATION_LIMIT = 30


class Checker:
    def __init__(self, args):
        self.args = args
        self.doc = empty_document()
        self.findings = self.doc["findings"]
        self.conflicted_apps = set()
        self.unapplied = []

    def add(self, code, severity, app, migration, file, line, message, hint, **private):
        finding = {
            "code": code,
            "severity": severity,
            "app": app,
            "migration": migration,
            "file": file,
            "line": line,
            "message": message,
            "hint": hint,
        }
        finding.update({"_" + k: v for k, v in private.items()})
        self.findings.append(finding)

    def run(self):
        self.alias = self.args.database
        self.django_version, self.connection = boot(self.doc, self.alias)
        from django.db import DatabaseError
        from django.db.migrations.loader import MigrationLoader

        from . import rules  # noqa: F401  (registers every rule)

        try:
            self.loader = MigrationLoader(self.connection, ignore_no_migrations=True)
        except DatabaseError as exc:
            raise Fatal(
                "cannot read applied migrations from database alias %r (%s): %s"
                % (self.alias, self.connection.settings_dict.get("NAME"), str(exc).strip())
            ) from exc
        self.graph = Graph(self.loader)
        self.sweep()

        checks.check_conflicts(self)
        checks.check_missing(self)
        checks.check_unapplied(self)

        checked = checks.select_checked(self, self.args.since_files)
        for key in checked:
            self.doc["checked"].append({"app": key[0], "migration": key[1], "file": rel(self.graph.migration_file(key))})
        states = LintStates(self.graph)
        for key in checked:
            self.lint(states, key)

        if self.args.reversibility:
            run = Reversibility(self, checked, observe=self.args.observe, lock_timeout=self.args.lock_timeout)
            self.doc["reversibility"] = run.run()
            self.apply_observations(run.observations)
        else:
            self.doc["reversibility"] = {"ran": False, "reason": "not requested (--reversibility not given)"}
        for finding in self.findings:
            finding.pop("_observed", None)
        order = self.graph.order
        self.doc["checked"].sort(key=lambda c: order.get((c["app"], c["migration"]), 0))

    def sweep(self):
        if self.connection.vendor != "postgresql":
            return
        try:
            self.doc["sweptScratch"] = scratch.sweep(self.connection)
        except Exception as exc:
            log("could not look for left-over scratch databases: %s" % str(exc).strip())

    def lint(self, states, key):
        migration = self.graph.migration(key)
        path = self.graph.migration_file(key)
        try:
            state = states.before(key)
            MigrationLinter(self, key, rel(path), migration, OpLocations(path).lines(migration.operations)).lint(state)
        except Exception as exc:  # a broken migration must not hide the others
            states.forget()
            log("lint of %s.%s failed: %s" % (key[0], key[1], exc))
            traceback.print_exc()
            return
        # the linter applied the migration's operations to the state
        states.note_applied(key)

    def apply_observations(self, observed):
        """What the scratch run saw decides the ``observed`` rules, and reports ``table-rewrite``."""
        for key in sorted(observed, key=lambda k: self.graph.order.get(k, 0)):
            migration = self.graph.migration(key)
            path = self.graph.migration_file(key)
            locations = OpLocations(path).lines(migration.operations)
            seen = [dict(entry, line=line_of(locations, entry), kind=kind_of(migration, entry)) for entry in observed[key]]
            statements = [{k: v for k, v in e.items() if k not in ("operation", "nested", "kind")} for e in seen]
            observation = {
                "app": key[0],
                "migration": key[1],
                "statements": statements[:OBSERVATION_LIMIT],
                "more": max(0, len(statements) - OBSERVATION_LIMIT),
            }
            self.doc["observations"].append(observation)
            rewritten = {(e["table"], e["lock"]) for e in statements if e["rewrite"] and not e.get("index")}
            self.decide(key, rewritten)
            entry = registry.get("table-rewrite")
            for line, hit in entry.judge({"statements": seen}):
                self.add(entry.code, entry.severity, key[0], key[1], rel(path), line, hit.message, hit.hint or entry.hint)

    def decide(self, key, rewritten):
        kept = []
        for finding in self.findings:
            observed = finding.get("_observed")
            if not observed or (finding["app"], finding["migration"]) != key:
                kept.append(finding)
                continue
            if observed["mode"] == "replace":
                continue
            locks = sorted(lock for table, lock in rewritten if table == observed["table"])
            if locks:
                finding["message"] += " (observed: rewrote \"%s\" under %s)" % (observed["table"], locks[-1])
                kept.append(finding)
        self.findings[:] = kept


def kind_of(migration, entry):
    """The type of the operation a statement came from (SeparateDatabaseAndState: the inner one)."""
    index, nested = entry.get("operation"), entry.get("nested")
    if index is None or index >= len(migration.operations):
        return None
    operation = migration.operations[index]
    inner = getattr(operation, "database_operations", None)
    if nested is not None and inner and nested < len(inner):
        operation = inner[nested]
    return type(operation).__name__


def line_of(locations, entry):
    index, nested = entry.get("operation"), entry.get("nested")
    if index is None or index >= len(locations):
        return None
    line, inner = locations[index]
    if nested is not None and inner and nested < len(inner):
        return inner[nested][0]
    return line
