"""Project-wide checks (src: ``checks``): their codes and hints."""
from .registry import declare

declare(
    "missing-migration",
    "error",
    "Run `tldr makemigrations APP`, review the new migration and commit it.",
    "model changes with no migration (like makemigrations --check --dry-run)",
    "project",
)
declare(
    "conflict",
    "error",
    "Merge the branches with `tldr manage makemigrations --merge APP` (or renumber one of them onto the "
    "other) and commit the result.",
    "an app with more than one leaf migration",
    "project",
)
declare(
    "unapplied",
    "error",
    "Run `tldr migrate` to apply it.",
    "migrations not applied to the managed database",
    "project",
)
