"""tldr's warm Django: a parent that set Django up once and forks one child per command.

    python -m tldr_forkserver --socket PATH [--idle-timeout S] [--watch FILE]… [--preload MOD]… [--reason TEXT]

Run in the backend folder (manage.py's) with tldr's helper folder on PYTHONPATH and the
environment tldr gives backend commands. Stdout: one JSON line per event for the supervisor —
``ready`` (listening), ``refused`` (cannot serve, exit 3), ``stale`` (exit 75: start a fresh one),
``exit`` (stop request, signal or idle timeout: exit 0). The wire protocol is in ``protocol`` and
the README of this folder; ``boot`` (the parent's start), ``watch`` (staleness), ``server``
(requests), ``session`` (one request's relay), ``child`` (the command's process).
"""
