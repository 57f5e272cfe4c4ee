"""Running exactly the migrations asked for on a connection, and locating a failure."""


class MigrationFailed(Exception):
    def __init__(self, key, op_index, cause):
        super().__init__(str(cause))
        self.key = key
        self.op_index = op_index
        self.cause = cause


def error_text(exc):
    text = " ".join(str(exc).split())
    return "%s: %s" % (type(exc).__name__, text[:400])


def locate(exc):
    """(migration key, operation index) from the frames of Migration.apply / unapply in the traceback."""
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
                op_index = next((i for i, op in enumerate(owner.operations) if op is operation), None)
        tb = tb.tb_next
    return key, op_index


def run_plan(connection, keys, backwards, on_event=None):
    """Runs exactly ``keys`` (forwards in Django's order, or backwards in the reverse order);
    ``on_event(action, key, migration)`` hears the executor's progress. Raises MigrationFailed."""
    from django.db.migrations.executor import MigrationExecutor

    current = {"key": None}

    def callback(action, migration=None, fake=False):
        if migration is not None:
            key = (migration.app_label, migration.name)
            if action.endswith("_start"):
                current["key"] = key
            if on_event is not None:
                on_event(action, key, migration)

    executor = MigrationExecutor(connection, callback)
    nodes = executor.loader.graph.nodes
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)
    order = {(m.app_label, m.name): i for i, (m, _) in enumerate(plan)}
    ordered = sorted(keys, key=lambda k: order.get(k, 1 << 30), reverse=backwards)
    if not ordered:
        return
    try:
        executor.migrate([], plan=[(nodes[k], backwards) for k in ordered])
    except Exception as exc:
        key, op_index = locate(exc)
        raise MigrationFailed(key or current["key"], op_index, exc)
