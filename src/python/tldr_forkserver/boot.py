"""The parent's start: Django set up once, with a record of everything that start depended on.

While ``django.setup()`` and the preloads run, the parent records the environment variables read
(``tldr_start.environ``), every file opened for reading (a settings module's ``.env``, a JSON
config), top-level imports that failed (an optional app that is not installed), and whether
anything looked at ``sys.argv`` — settings that do (``TESTING = "test" in sys.argv``) would be
set up for the wrong command, so such a project is refused. Afterwards: no database connection,
no thread, and ``gc.freeze()`` so the children's garbage collection leaves the shared pages alone.
"""
import builtins
import gc
import importlib
import io
import os
import sys
import time
import weakref

from tldr_start import environ as envmod
from tldr_start.django_boot import setup_ahead
from tldr_start.manage_py import inspect, settings_module
from tldr_start.program import Program

from .safety import close_connections, threads

__all__ = ["Boot", "BootRefused", "boot", "DEFAULT_PRELOAD"]

# Imported by most commands tldr sends; loading them once in the parent is most of a warm
# `manage.py test`'s saving. Modules missing in a Django version are skipped.
DEFAULT_PRELOAD = (
    "django.core.management.commands.check",
    "django.core.management.commands.createcachetable",
    "django.core.management.commands.migrate",
    "django.core.management.commands.makemigrations",
    "django.core.management.commands.showmigrations",
    "django.core.management.commands.test",
    "django.db.migrations.autodetector",
    "django.db.migrations.executor",
    "django.db.migrations.loader",
    "django.db.migrations.questioner",
    "django.test",
    "django.test.runner",
    "django.test.testcases",
    "django.test.utils",
)

# With a project that loads Celery at its start (the usual `from .celery import app` in the
# project package): what sending or running a task imports on first use (a test that calls
# `.delay()` or `.apply()` pays ~50 ms for it). Imports only: no connection, no thread.
CELERY_PRELOAD = (
    "celery.app.amqp",
    "celery.app.task",
    "celery.app.trace",
    "celery.backends.base",
    "celery.canvas",
    "celery.result",
    "kombu.message",
    "kombu.transport.virtual",
)

# tldr's own helpers that children import (the test runner and its query recording): none reads
# the environment, the clock or the cwd when imported. tldr_migrate_check does (its start time,
# its cwd), so it is not preloaded.
# A request whose PYTHONPATH lacks tldr's helper folder gets a child without them (watch.HELPER_PACKAGES).
HELPER_PRELOAD = ("tldr_lifeline", "tldr_queries", "tldr_queries.detect", "tldr_queries.recorder", "tldr_queries.relations", "tldr_testrunner")


class BootRefused(Exception):
    """This project cannot be served warm (the reason says why); the cold path still works."""


class Boot:
    """What the parent set up (``settings``, ``program``), and what that depended on."""

    def __init__(self):
        self.cwd = os.getcwd()
        self.program = None
        self.settings = None
        self.start_env = dict(os.environ)
        self.env_reads = {}
        self.env_iterated = None
        self.env_writes = {}
        self.pythonpath = envmod.pythonpath_entries(self.start_env)
        self.opened = set()
        self.missing = set()
        self.preloaded = []
        # What the start wrote to stdout / stderr (fd → bytes), for every child to write first.
        self.printed = {1: b"", 2: b""}
        # Descriptors the start opened (a log file): a plain start has them open too, so children keep them.
        self.fds = set()
        # Weak references to the io objects the start opened (open / io.open): a child flushes
        # and closes the ones still open when it ends, as the interpreter's teardown would.
        self.files = []
        # Descriptors the server was started with (its stdio, maybe a socket pair from Node): not the start's.
        self.inherited_fds = set()
        self.django = None
        # Why commands are not served (a project module the preload imports raised), and the
        # files behind that failure, watched so that fixing them restarts the parent.
        self.broken = None
        self.broken_files = set()
        self.import_ms = self.setup_ms = self.preload_ms = 0.0


class _ArgvWatch(list):
    """sys.argv that notes the first code that looked at it."""

    seen = None

    def _note(self):
        if _ArgvWatch.seen is None:
            frame = sys._getframe(2)
            _ArgvWatch.seen = (frame.f_code.co_filename, frame.f_lineno)

    def __getitem__(self, index):
        self._note()
        return list.__getitem__(self, index)

    def __contains__(self, item):
        self._note()
        return list.__contains__(self, item)

    def __iter__(self):
        self._note()
        return list.__iter__(self)

    def __len__(self):
        self._note()
        return list.__len__(self)


class _Missing:
    """Last on sys.meta_path: every top-level import no finder could find."""

    def __init__(self):
        self.names = set()

    def find_spec(self, fullname, path=None, target=None):
        if path is None:
            self.names.add(fullname)
        return None


class _Opened:
    """builtins.open / io.open that note regular files opened for reading, and every file object."""

    def __init__(self):
        self.paths = set()
        self.files = []
        self.real = builtins.open

    def __enter__(self):
        real, paths, files = self.real, self.paths, self.files

        def open(file, mode="r", *args, **kwargs):
            handle = real(file, mode, *args, **kwargs)
            if isinstance(file, (str, bytes, os.PathLike)) and not any(c in mode for c in "wax+"):
                paths.add(os.path.abspath(os.fsdecode(file)))
            files.append(weakref.ref(handle))
            return handle

        builtins.open = io.open = open
        return self

    def __exit__(self, *exc):
        builtins.open = io.open = self.real
        return False


def boot(preload=DEFAULT_PRELOAD, project=True):
    """Sets Django up in this process for ``manage.py`` in the cwd; raises BootRefused."""
    state = Boot()
    manage = os.path.join(state.cwd, "manage.py")
    if not os.path.isfile(manage):
        raise BootRefused("no manage.py in %s" % state.cwd)
    template = inspect(manage)
    if not template.standard:
        raise BootRefused(template.reason)
    state.settings = settings_module(os.environ, template)
    if not state.settings:
        raise BootRefused("the settings module is unknown (no DJANGO_SETTINGS_MODULE, no setdefault in manage.py)")
    state.program = Program("script", "manage.py", [])
    state.program.prepare()
    missing = _Missing()
    sys.meta_path.append(missing)
    sys.argv = _ArgvWatch(sys.argv)
    try:
        with envmod.record() as recording, _Opened() as opened:
            try:
                state.import_ms, state.setup_ms = setup_ahead(state.settings)
            except Exception as exc:
                raise BootRefused("django.setup() raised %s: %s" % (type(exc).__name__, exc))
            started = time.perf_counter()
            state.preloaded = _preload(state, preload, project)
            state.preload_ms = (time.perf_counter() - started) * 1000.0
    finally:
        sys.argv = list(list.__iter__(sys.argv))  # not via __iter__: that would count as a read
        sys.meta_path.remove(missing)
    if _ArgvWatch.seen is not None:
        raise BootRefused("%s:%d reads sys.argv while Django starts: a process set up once cannot serve other commands" % _ArgvWatch.seen)
    state.env_reads = dict(recording.reads)
    state.env_iterated = recording.iterated
    end_env = dict(os.environ)
    state.env_writes = {k: end_env.get(k) for k in set(state.start_env) | set(end_env) if state.start_env.get(k) != end_env.get(k)}
    state.opened = {p for p in opened.paths if os.path.isfile(p) and not p.startswith(_installed_prefixes())}
    state.missing = {n for n in missing.names if "." not in n}
    state.files = [ref for ref in opened.files if ref() is not None and not ref().closed]
    import django

    state.django = django.get_version()
    close_connections()
    busy = threads()
    if busy:
        raise BootRefused("Django's start left threads running (%s): forking would copy them half-way" % ", ".join(busy))
    gc.collect()
    if hasattr(gc, "freeze"):
        gc.freeze()
    return state


def _installed_prefixes():
    """Where the interpreter and installed packages live: their data files (time zones, entry
    points, translations) change with an install, which the lock files and module files show."""
    import site

    folders = {sys.prefix, sys.base_prefix, sys.exec_prefix, getattr(sys, "base_exec_prefix", sys.prefix)}
    try:
        folders.update(site.getsitepackages())
        folders.add(site.getusersitepackages())
    except Exception:
        pass
    return tuple(os.path.join(f, "") for f in folders if f)


def _failure_files(name, exc):
    """The module's own file and every file of the traceback outside the installed packages."""
    import importlib.util
    import traceback

    files = {frame.filename for frame in traceback.extract_tb(exc.__traceback__)}
    try:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            files.add(spec.origin)
    except Exception:
        pass
    installed = _installed_prefixes()
    return {os.path.abspath(f) for f in files if os.path.isfile(f) and not os.path.abspath(f).startswith(installed)}


def _preload(state, names, project=True):
    """Imports what nearly every child imports anyway, under the same recording as Django's
    start: Django's command and test modules, the database backend and, with ``project``, tldr's
    helpers, the project's URLconf (the system checks import it: check, test, migrate) and every
    app's migration modules (read from disk, no database). A failure is skipped: the child then
    fails as a cold start does."""
    loaded = []
    for name in tuple(names) + (HELPER_PRELOAD if project else ()):
        try:
            importlib.import_module(name)
            loaded.append(name)
        except Exception:
            continue
    # The database backends' modules (psycopg included) — not their connections.
    try:
        from django.conf import settings
        from django.db.utils import load_backend

        for alias in settings.DATABASES.values():
            engine = alias.get("ENGINE")
            if engine:
                load_backend(engine)
                loaded.append(engine)
    except Exception:
        pass
    if not project:
        return loaded
    from django.apps import apps
    from django.conf import settings

    # The URLconf, and the middleware modules the admin's checks import.
    urlconf = getattr(settings, "ROOT_URLCONF", None)
    project_modules = ([urlconf] if isinstance(urlconf, str) and urlconf else []) + [
        m.rsplit(".", 1)[0] for m in getattr(settings, "MIDDLEWARE", None) or () if isinstance(m, str) and "." in m
    ]
    for name in project_modules:
        try:
            importlib.import_module(name)
        except Exception as exc:
            # What it did before raising (an admin registration) stays in this process: a child
            # importing it again could fail differently from a cold start. Commands run cold
            # until the files behind the failure change (then the parent restarts).
            state.broken = "%s raised %s on import: %s" % (name, type(exc).__name__, exc)
            state.broken_files.update(_failure_files(name, exc))
            break
        loaded.append(name)
    # What Django's own system checks import (URL checks, error handlers, auth backends).
    lazy = ["django.conf.urls", "django.views.defaults", "django.views.csrf"]
    if apps.is_installed("django.contrib.auth"):
        lazy += ["django.contrib.auth.backends", "django.contrib.auth.views", "django.contrib.auth.forms", "django.contrib.auth.middleware"]
    if apps.is_installed("django.contrib.contenttypes"):
        lazy.append("django.contrib.contenttypes.fields")
    # The cache backends' modules (creating a test database runs createcachetable, which loads
    # every configured backend) — not the caches themselves.
    caches = getattr(settings, "CACHES", None)
    lazy += [c["BACKEND"].rsplit(".", 1)[0] for c in (caches.values() if isinstance(caches, dict) else ()) if isinstance(c, dict) and "." in str(c.get("BACKEND", ""))]
    for name in lazy:
        try:
            importlib.import_module(name)
            loaded.append(name)
        except Exception:
            pass
    loaded += _preload_celery()
    try:
        from django.db.migrations.loader import MigrationLoader

        MigrationLoader(None, ignore_no_migrations=True, load=False).load_disk()
        loaded.append("migrations")
    except Exception:
        pass
    return loaded


def _preload_celery():
    """Celery's task modules and the configured broker's transport module, when the project's
    start imported Celery; nothing otherwise. Reading the app's configuration reads the Django
    settings it was pointed at, as the first task a child sends would."""
    if "celery" not in sys.modules:
        return []
    loaded = []
    for name in CELERY_PRELOAD:
        try:
            importlib.import_module(name)
            loaded.append(name)
        except Exception:
            pass
    try:
        from celery import current_app
        from kombu.transport import resolve_transport

        url = current_app.conf.broker_url or ""
        scheme = url.split("://", 1)[0] if "://" in url else "amqp"
        transport = resolve_transport(scheme)  # imports the transport's module (kombu.transport.redis → redis)
        if transport is not None:
            loaded.append(getattr(transport, "__module__", scheme))
    except Exception:
        pass
    return loaded
