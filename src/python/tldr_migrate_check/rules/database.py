"""What the scratch-database run finds (src: ``reversibility``): codes and hints."""
from .registry import declare

declare(
    "apply-fails",
    "error",
    "Make the migration work on the data your database has (the scratch copy has your rows): backfill or "
    "clean the rows in an earlier migration, then run `tldr migrate --check` again; `tldr migrate` fails the "
    "same way.",
    "applying the migration to a scratch copy of the database fails (e.g. NULLs under a new NOT NULL)",
    "database",
)
declare(
    "irreversible",
    "error",
    "Give every operation a reverse that undoes exactly what the forward step did (reverse_code=, "
    "reverse_sql=), so a bad deploy can be rolled back; re-run `tldr migrate --check`.",
    "migrating back to before the checked migrations fails on a scratch copy of the database",
    "database",
)
declare(
    "not-idempotent",
    "error",
    "The forward step depends on leftovers of an earlier run: make the reverse undo everything the forward "
    "did (data included), or make the forward tolerate a previous run (IF NOT EXISTS, get_or_create / "
    "update_or_create).",
    "forward → backward → forward leaves a different schema",
    "database",
)


def apply_fails_hint(message, lock_timeout=None):
    """The recipe for the database's message; the generic one when none fits."""
    text = message.lower()
    if "lock timeout" in text:
        return (
            "Another session held a lock on the table longer than migrations.lock_timeout (%s) allows: run the "
            "migration when that session is done (see pg_stat_activity), or raise migrations.lock_timeout."
            % (lock_timeout or "set")
        )
    if "contains null values" in text:
        return (
            "Existing rows have no value for the new NOT NULL column: add it nullable (or with a non-NULL "
            "db_default), backfill the rows in a separate migration, then make it NOT NULL."
        )
    if "could not create unique index" in text or "duplicate key" in text:
        return (
            "Existing rows hold duplicates: remove or merge them in an earlier data migration, then add the "
            "unique index (AddIndexConcurrently, then ADD CONSTRAINT … UNIQUE USING INDEX)."
        )
    if "check constraint" in text:
        return (
            "Existing rows violate the CHECK constraint: fix them in an earlier data migration, or add the "
            "constraint NOT VALID and VALIDATE CONSTRAINT once they are fixed."
        )
    if "foreign key constraint" in text:
        return (
            "Existing rows point at rows that do not exist: clean them up first, or add the foreign key NOT "
            "VALID and VALIDATE CONSTRAINT once they are fixed."
        )
    from .registry import hint

    return hint("apply-fails")
