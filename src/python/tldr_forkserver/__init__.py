"""tldr's warm Django: a parent that set Django up once and forks one child per command.

    python -m tldr_forkserver --socket PATH [--idle-timeout S] [--watch FILE]… [--preload MOD]… [--reason TEXT]

Run in the backend folder (manage.py's) with tldr's helper folder on PYTHONPATH and the
environment tldr gives backend commands. Stdout: one JSON line per event for the supervisor —
``ready`` (listening), ``refused`` (cannot serve, exit 3), ``stale`` (exit 75: start a fresh one),
``exit`` (stop request, signal or idle timeout: exit 0). Modules: ``protocol`` (frames),
``boot`` (the parent's start and what it depended on), ``watch`` (staleness), ``safety`` (what
must hold before a fork), ``requests`` (which runs it serves), ``server`` (the accept loop),
``session`` (one request's relay), ``child`` (the command's process), ``ending`` and
``finalise`` (how the child ends: the interpreter's shutdown without the module teardown),
``main`` (arguments).
"""
