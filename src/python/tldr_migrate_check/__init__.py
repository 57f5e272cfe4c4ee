"""tldr migration inspector, run by ``tldr migrate --check`` inside the user's Django project.

    python -m tldr_migrate_check --output RESULT.json [--reversibility] [--since-file-list FILES.json]
    python -m tldr_migrate_check --list-rules [--json]

Modules: ``document`` (the one JSON result), ``project`` (settings, Django boot), ``locations``
(operation → source line), ``graph`` (plan order, files, closures, lint states), ``checks``
(conflicts, missing and unapplied migrations, selection), ``rules`` (the registry and one module
per rule family), ``walker`` (dispatches each operation to its rules), ``reversibility`` (the
scratch-database run), ``scratch`` (scratch database names, owners, sweeping), ``observe`` (locks
and rewrites per statement), ``checker`` (the whole run), ``main`` (arguments, signals, exit).

Standard library + Django only, Python 3.8+, Django 3.2 to 5.2.
"""
