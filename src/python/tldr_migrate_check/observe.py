"""Watching the checked migrations on the scratch database: after each statement the schema
editor runs, the relation locks this backend holds (``pg_locks``) and whether an existing table
or index got a new ``relfilenode`` (it was rewritten).

Only atomic migrations are watched: their locks are held until the migration commits, so what
``pg_locks`` shows after a statement is what it took. Non-atomic ones are judged statically.
"""
import sys
import time

from .document import log

# pg_locks.mode → the SQL name, weakest first.
LOCK_MODES = (
    ("AccessShareLock", "ACCESS SHARE"),
    ("RowShareLock", "ROW SHARE"),
    ("RowExclusiveLock", "ROW EXCLUSIVE"),
    ("ShareUpdateExclusiveLock", "SHARE UPDATE EXCLUSIVE"),
    ("ShareLock", "SHARE"),
    ("ShareRowExclusiveLock", "SHARE ROW EXCLUSIVE"),
    ("ExclusiveLock", "EXCLUSIVE"),
    ("AccessExclusiveLock", "ACCESS EXCLUSIVE"),
)
STRENGTH = {mode: i for i, (mode, _) in enumerate(LOCK_MODES)}
SQL_NAME = dict(LOCK_MODES)

_USER_RELATIONS = """
    c.relkind IN ('r', 'p', 'm', 'i')
    AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
"""
# Every user table and index before the migration: oid, name, kind, file, its table (indexes).
RELATIONS_SQL = (
    """SELECT c.oid, c.relname, c.relkind, c.relfilenode, COALESCE(t.relname, '')
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_index i ON i.indexrelid = c.oid
    LEFT JOIN pg_class t ON t.oid = i.indrelid
    WHERE"""
    + _USER_RELATIONS
)
# The relation locks this backend holds now, with each relation's file (NULL: dropped since).
LOCKS_SQL = """SELECT l.relation, c.relname, c.relfilenode, l.mode
    FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation
    WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"""
STATEMENT_LIMIT = 100
ENTRY_LIMIT = 30


def short(sql):
    text = " ".join(str(sql).split())
    return text if len(text) <= STATEMENT_LIMIT else text[: STATEMENT_LIMIT - 1] + "…"


def catalog_read(sql):
    text = str(sql).lstrip()[:400].lower()
    return text.startswith("select") and ("pg_" in text or "information_schema" in text)


def raw_query(connection, sql):
    """Runs ``sql`` on the DB-API connection underneath Django's (no execute wrappers, same transaction)."""
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def statement_origin(migration):
    """(from the schema editor?, operation index, nested index) of the statement being executed,
    read from the call stack: Migration.apply's ``operation``, SeparateDatabaseAndState's
    ``database_operation``."""
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor

    frame = sys._getframe(2)
    schema, inner = False, None
    while frame is not None:
        name = frame.f_code.co_name
        if name == "execute" and not schema:
            schema = isinstance(frame.f_locals.get("self"), BaseDatabaseSchemaEditor)
        elif name == "database_forwards" and inner is None and "database_operation" in frame.f_locals:
            inner = frame.f_locals.get("database_operation")
        elif name == "apply" and frame.f_locals.get("self") is migration:
            operation = frame.f_locals.get("operation")
            index = next((i for i, op in enumerate(migration.operations) if op is operation), None)
            nested = None
            if inner is not None and index is not None:
                inner_ops = getattr(operation, "database_operations", None) or []
                nested = next((i for i, op in enumerate(inner_ops) if op is inner), None)
            return schema, index, nested
        frame = frame.f_back
    return schema, None, None  # deferred SQL, run when the schema editor closes


class MigrationWatch:
    """The statements of one atomic migration."""

    def __init__(self, connection, key, migration):
        started = time.perf_counter()
        self.connection = connection
        self.key = key
        self.migration = migration
        self.relations, self.filenodes = {}, {}
        for oid, relname, relkind, filenode, table in raw_query(connection, RELATIONS_SQL):
            self.relations[oid] = (relname, relkind, table)
            self.filenodes[oid] = filenode
        self.held = {}
        self.entries = []
        self.dirty = False
        self.broken = False
        self.spent = time.perf_counter() - started  # seconds of this migration's run spent watching

    def statement(self, execute, sql, params, many, context):
        if self.broken:
            return execute(sql, params, many, context)
        started = time.perf_counter()
        schema, index, nested = statement_origin(self.migration)
        if not schema:
            # ORM queries (RunPython) take locks that are not what a statement of the schema change
            # took, so the next schema statement starts from a fresh look (catalog reads take none).
            self.dirty = self.dirty or not catalog_read(sql)
            self.spent += time.perf_counter() - started
            return execute(sql, params, many, context)
        if self.dirty:
            self.look(None)
            self.dirty = False
        self.spent += time.perf_counter() - started
        result = execute(sql, params, many, context)
        started = time.perf_counter()
        try:
            self.look((sql, index, nested))
        except Exception as exc:
            log("stopped watching %s.%s: %s" % (self.key[0], self.key[1], exc))
            self.broken = True
        self.spent += time.perf_counter() - started
        return result

    def look(self, statement):
        locked = {}
        for oid, current_name, filenode, mode in raw_query(self.connection, LOCKS_SQL):
            known = self.relations.get(oid)
            if known is None or known[0] == "django_migrations" or mode not in STRENGTH:
                continue  # not a user relation that existed before the migration
            relname, relkind, table = known
            relname = current_name or relname  # renamed: the new name; dropped: the old one
            best = locked.get(oid)
            if best is None or STRENGTH[mode] > STRENGTH[best[3]]:
                locked[oid] = (relname, relkind, filenode, mode, table)
        rewritten_tables = set()
        entries = []
        for oid, (relname, relkind, filenode, mode, table) in sorted(locked.items(), key=lambda x: x[1][1] == "i"):
            rewritten = filenode is not None and filenode != self.filenodes.get(oid)
            if filenode is not None:
                self.filenodes[oid] = filenode
            previous = self.held.get(oid)
            stronger = previous is None or STRENGTH[mode] > STRENGTH[previous]
            if stronger:
                self.held[oid] = mode
            if statement is None:
                continue
            if relkind == "i":
                # A table rewrite rebuilds its indexes: only an index rewritten on its own is news.
                if rewritten and table not in rewritten_tables:
                    entries.append({"table": table, "index": relname, "lock": SQL_NAME[mode], "rewrite": True})
                continue
            if rewritten:
                rewritten_tables.add(relname)
            if rewritten or stronger:
                entries.append({"table": relname, "lock": SQL_NAME[self.held[oid]], "rewrite": rewritten})
        if statement is not None:
            sql, index, nested = statement
            for entry in entries:
                entry.update({"statement": short(sql), "operation": index, "nested": nested})
            self.entries.extend(entries)

    def finish(self):
        """The entries, each with the operation it came from (deferred SQL: the last operation
        that touched the same table)."""
        last_for_table = {}
        for entry in self.entries:
            if entry["operation"] is None:
                entry["operation"], entry["nested"] = last_for_table.get(entry["table"], (None, None))
            else:
                last_for_table[entry["table"]] = (entry["operation"], entry["nested"])
        return None if self.broken else self.entries


class Observer:
    """Hooks the scratch connection's statements (``execute_wrapper``) while the checked migrations
    are applied, and collects one list of entries per watched migration."""

    def __init__(self, connection, keys):
        self.connection = connection
        self.keys = set(keys)
        self.current = None
        self.results = {}
        self.spent = 0.0

    def __call__(self, execute, sql, params, many, context):
        watch = self.current
        if watch is None:
            return execute(sql, params, many, context)
        return watch.statement(execute, sql, params, many, context)

    def on_event(self, action, key, migration):
        if action == "apply_start":
            self.current = None
            if key in self.keys and getattr(migration, "atomic", True) and self.connection.features.can_rollback_ddl:
                try:
                    self.current = MigrationWatch(self.connection, key, migration)
                except Exception as exc:
                    log("cannot watch %s.%s: %s" % (key[0], key[1], exc))
        elif action == "apply_success" and self.current is not None and self.current.key == key:
            self.spent += self.current.spent
            entries = self.current.finish()
            if entries is not None:
                self.results[key] = entries
            self.current = None

    def abandon(self):
        """The migration being watched failed: nothing it did stays."""
        if self.current is not None:
            self.spent += self.current.spent
        self.current = None
