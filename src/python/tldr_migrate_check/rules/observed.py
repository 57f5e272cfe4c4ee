"""What the scratch run saw each statement do decides these findings."""
from .registry import Hit, rule


@rule(
    "table-rewrite",
    "error",
    """Rewriting a table holds ACCESS EXCLUSIVE for as long as copying every row takes: nothing reads or
    writes it meanwhile. Avoid the rewrite: add a new column (nullable, no volatile default), backfill it in
    batches, switch the code to it and drop the old column later (for a volatile default: add the column
    without one, then ALTER COLUMN … SET DEFAULT for new rows and backfill).""",
    "observed on the scratch database: a statement rewrote an existing table",
    scope="observation",
)
def table_rewrite(observation):
    seen = set()
    for entry in observation["statements"]:
        if not entry["rewrite"] or entry.get("index"):
            continue
        key = (entry["table"], entry.get("line"))
        if key in seen:
            continue
        seen.add(key)
        yield entry.get("line"), Hit(
            "%s rewrote existing table \"%s\" under %s, observed on the scratch database: %s"
            % (entry.get("kind") or "A statement", entry["table"], entry["lock"], entry["statement"])
        )
