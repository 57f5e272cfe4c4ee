"""Starting the user's Django program early and exactly as ``python manage.py …`` would.

Shared by the cold-path bootstrap (``tldr_bootstrap.py``) and the warm fork server
(``tldr_forkserver``): both set Django up *before* they know the command will run, then run the
user's ``manage.py`` (or a ``-m`` module) as the interpreter would have.

Modules: ``manage_py`` (is this manage.py Django's template, and which settings module does it
set), ``environ`` (recording which variables start-up read; which ones the interpreter itself
uses), ``program`` (argv, ``sys.path[0]``, a fresh ``__main__``, running the script or module),
``django_boot`` (``django.setup()`` ahead of time, without configuring logging twice),
``exiting`` (how the interpreter ends a program: exit status, tracebacks, atexit), ``prepared``
(the fork server's prepared test run: its pause, and what it read before it).

Standard library only (Django is imported when asked), Python 3.8+, Django 3.2 to 5.2.
"""
