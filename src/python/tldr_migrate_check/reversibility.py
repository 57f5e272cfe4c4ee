"""The scratch-database run: apply the checked migrations to a copy of the database (watching
each statement), migrate back to before them, and forward again, comparing catalog snapshots.

``apply-fails``: applying a checked migration fails on the copy (the data breaks it); the other
migrations go on where the graph allows. ``irreversible``: migrating back fails or does not
restore the schema. ``not-idempotent``: forward again fails or gives another schema.
"""
import contextlib
import time
import traceback

from . import scratch
from .document import elapsed_ms, log
from .graph import ancestors, descendants
from .executor import MigrationFailed, error_text, run_plan
from .locations import OpLocations
from .observe import Observer
from .project import rel
from .rules.database import apply_fails_hint
from .rules.registry import hint
from .snapshot import describe_diff, take_snapshot


class SkipReversibility(Exception):
    pass


class Reversibility:
    def __init__(self, checker, checked, observe=True, lock_timeout=None):
        self.checker = checker
        self.checked = list(checked)
        self.alias = checker.alias
        self.loader = checker.loader
        self.observe = observe
        self.lock_timeout = lock_timeout
        self.observations = {}
        self.watch_seconds = None
        self.server_version = 0

    def skip(self, reason):
        log("reversibility skipped: %s" % reason)
        return {"ran": False, "reason": reason}

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
        self.D = descendants(self.loader.graph, self.checked)
        applied0 = set(self.loader.applied_migrations)
        started = time.monotonic()
        name = scratch.new_name()
        source = connection.settings_dict.get("NAME")
        maintenance = scratch_connection = self.method = None
        from django.db import connections

        try:
            connection.close()
            maintenance = scratch.maintenance_connection(connection)
            with maintenance.cursor() as cursor:
                self.server_version = scratch.server_version(cursor)
            if applied0 & self.D:
                log("checked migrations are already applied to %s: migrating an empty database" % source)
            copy_source = not (applied0 & self.D) and maintenance.settings_dict["NAME"] != source
            self.method = scratch.create(maintenance, name, source, copy_source)
            if self.method == "migrate":
                applied0 = set()
            log("scratch database %s created (%s)" % (name, self.method))
            # The scratch database takes the alias itself, so routers and RunPython code that use the
            # default manager hit the scratch copy, never the developer's database.
            scratch_connection = self.connection = connections[self.alias] = scratch.connect(connection, name, self.alias)
            self.exercise(applied0)
            report = {"ran": True, "scratchDatabase": name, "method": self.method, "durationMs": elapsed_ms(started)}
            if self.watch_seconds is not None:
                report["watchMs"] = int(round(self.watch_seconds * 1000))
            return report
        except (SkipReversibility, scratch.CannotCreate) as exc:
            return self.skip(str(exc))
        except Exception as exc:  # keep the other results
            traceback.print_exc()
            return self.skip("the reversibility check failed: %s" % error_text(exc))
        finally:
            scratch.close_quietly(scratch_connection)
            connections[self.alias] = connection
            if name in scratch.ACTIVE:  # it may exist even when CREATE was interrupted
                self.drop(maintenance, name)
            scratch.close_quietly(maintenance)

    def drop(self, maintenance, name):
        try:
            with maintenance.cursor() as cursor:
                scratch.drop(cursor, name, self.server_version)
            scratch.forget(name)
            log("scratch database %s dropped" % name)
        except Exception as exc:
            log("could not drop scratch database %s: %s (the next check drops it)" % (name, exc))

    # --- executing plans

    def migrate(self, keys, backwards, on_event=None):
        run_plan(self.connection, keys, backwards, on_event)

    def failure_location(self, failure):
        key = failure.key
        if key is None:
            return None, None, None, None
        path = self.checker.graph.migration_file(key)
        line = None
        migration = self.loader.graph.nodes.get(key)
        if migration is not None and failure.op_index is not None:
            locations = OpLocations(path).lines(migration.operations)
            if failure.op_index < len(locations):
                line = locations[failure.op_index][0]
        return key[0], key[1], rel(path), line

    def cause_text(self, failure):
        text = error_text(failure.cause)
        if self.lock_timeout and "lock timeout" in text.lower():
            text += " (migrations.lock_timeout is %s)" % self.lock_timeout
        return text

    def schema_watch(self, action_name, expected, code, message):
        """An executor callback: after each ``action_name``, compare the schema with ``expected[key]``
        and report the first difference (only the first: later ones follow from it) as ``code``."""
        reported = {"done": False}

        def on_event(action, key, migration):
            if action == action_name and not reported["done"] and key in expected:
                snapshot = take_snapshot(self.connection)
                if snapshot != expected[key]:
                    reported["done"] = True
                    text, tables = describe_diff(expected[key], snapshot)
                    self.finding(code, key, None, message(key, text, tables))

        return on_event

    # --- the run

    def exercise(self, applied0):
        graph = self.loader.graph
        after_forward = applied0 | ancestors(graph, set(self.checked))
        before = after_forward - self.D  # the state "just before the checked migrations"
        try:
            self.migrate(before - applied0, backwards=False)
        except MigrationFailed as failure:
            app, name, _, _ = self.failure_location(failure)
            raise SkipReversibility(
                "migrating the scratch database up to the checked migrations failed at %s.%s: %s"
                % (app, name, self.cause_text(failure))
            )

        # (1) forwards, watched, with a snapshot before and after each migration
        pre, post, applied, complete = self.forward(after_forward - before)
        if not complete:
            return

        # (2) backwards to just before the checked migrations
        on_backward = self.schema_watch(
            "unapply_success",
            pre,
            "irreversible",
            lambda key, text, tables: "Migrating %s.%s backwards does not restore the schema it started from: %s"
            % (key[0], key[1], text),
        )
        try:
            self.migrate(applied, backwards=True, on_event=on_backward)
        except MigrationFailed as failure:
            self.failed("irreversible", failure, "Migrating %s.%s backwards fails: %s (the rest of the reversibility check was skipped)")
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
            self.migrate(applied, backwards=False, on_event=on_again)
        except MigrationFailed as failure:
            self.failed("not-idempotent", failure, "Re-applying %s.%s after migrating back fails: %s")

    def forward(self, keys):
        """Applies ``keys``; a migration that fails is ``apply-fails`` and the ones that do not depend
        on it are applied after it. Returns (pre, post, applied, complete): ``complete`` is False when
        the scratch database cannot be trusted any more (a non-atomic migration failed half-way)."""
        graph = self.loader.graph
        observer = Observer(self.connection, set(self.checked) & keys) if self.observe else None
        pre, post, applied = {}, {}, set()
        last = {"snapshot": take_snapshot(self.connection)}

        def on_event(action, key, migration):
            if observer is not None:
                observer.on_event(action, key, migration)
            # Nothing touches the database between one migration's end and the next one's start: the
            # snapshot after one is the one before the next.
            if action == "apply_start":
                pre[key] = last["snapshot"]
            elif action == "apply_success":
                applied.add(key)
                post[key] = last["snapshot"] = take_snapshot(self.connection)

        remaining = set(keys)
        complete = True
        while remaining:
            wrapper = self.connection.execute_wrapper(observer) if observer is not None else contextlib.nullcontext()
            try:
                with wrapper:
                    self.migrate(remaining, backwards=False, on_event=on_event)
                break
            except MigrationFailed as failure:
                if observer is not None:
                    observer.abandon()
                key = failure.key
                app, name, file, line = self.failure_location(failure)
                if key is None or key not in remaining or key in applied:
                    raise SkipReversibility("applying %s.%s to the scratch database failed: %s" % (app, name, self.cause_text(failure)))
                if key not in self.checked:
                    raise SkipReversibility(
                        "applying %s.%s (not checked) to the scratch database failed: %s" % (app, name, self.cause_text(failure))
                    )
                self.checker.add(
                    "apply-fails",
                    "error",
                    app,
                    name,
                    file,
                    line,
                    "Applying %s.%s to a %s fails: %s"
                    % (
                        app,
                        name,
                        "copy of the database (with its rows)" if self.method == "template" else "scratch database",
                        self.cause_text(failure),
                    ),
                    apply_fails_hint(str(failure.cause), self.lock_timeout),
                )
                blocked = descendants(graph, {key})
                remaining -= applied | blocked
                if not getattr(graph.nodes[key], "atomic", True):
                    log("%s.%s is not atomic and failed half-way: the rest of the reversibility check is skipped" % key)
                    complete = False
                    break
                if blocked - {key}:
                    log("not applying %d migration(s) that depend on %s.%s" % (len(blocked) - 1, app, name))
        if observer is not None:
            self.observations = observer.results
            self.watch_seconds = observer.spent
        return pre, post, applied, complete

    def failed(self, code, failure, message):
        """``code`` at the failing operation; ``message`` takes app, migration and the database's error."""
        app, name, file, line = self.failure_location(failure)
        self.add(code, app, name, file, line, message % (app, name, self.cause_text(failure)))

    def finding(self, code, key, line, message):
        self.add(code, key[0], key[1], rel(self.checker.graph.migration_file(key)), line, message)

    def add(self, code, app, name, file, line, message):
        self.checker.add(code, "error", app, name, file, line, message, hint(code))
