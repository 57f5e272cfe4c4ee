"""``django.setup()`` ahead of the program, and the program's own call made harmless.

Django's ``execute_from_command_line`` calls ``django.setup()`` itself. A second full call would
run ``logging.config.dictConfig`` again — with ``disable_existing_loggers`` (dictConfig's default)
that silences every logger the apps created in between, which ``python manage.py`` never does.
So after setting Django up ahead of time, the next ``django.setup()`` does only the rest of its
work (the script prefix; ``apps.populate`` returns at once) and puts the original back, so later
calls (Django's ``--parallel`` test workers) configure logging as they always do.
"""
import os
import time

__all__ = ["setup_ahead", "skip_next_logging_setup"]


def setup_ahead(settings):
    """Sets ``DJANGO_SETTINGS_MODULE`` (as manage.py's setdefault would) and calls ``django.setup()``.
    Returns (import ms, setup ms). Exceptions propagate: the caller decides what a failure means."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    started = time.perf_counter()
    import django
    import django.core.management  # noqa: F401  (manage.py's own first import)

    imported = time.perf_counter()
    django.setup()
    done = time.perf_counter()
    return (imported - started) * 1000.0, (done - imported) * 1000.0


def skip_next_logging_setup():
    import django

    original = django.setup

    def setup(set_prefix=True):
        django.setup = original
        from django.apps import apps
        from django.conf import settings
        from django.urls import set_script_prefix

        if set_prefix:
            set_script_prefix("/" if settings.FORCE_SCRIPT_NAME is None else settings.FORCE_SCRIPT_NAME)
        apps.populate(settings.INSTALLED_APPS)

    setup.__doc__ = original.__doc__
    setup.__wrapped__ = original
    django.setup = setup
