"""The user's project: paths relative to its folder, the settings module, booting Django."""
import os
import re
import sys

from .document import Fatal

CWD = os.getcwd()
_REAL_CWD = os.path.realpath(CWD)

SETTINGS_RE = re.compile(
    r"""os\.environ\.setdefault\(\s*['"]DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([\w.]+)['"]\s*\)"""
)


def rel(path):
    if not path:
        return None
    try:
        return os.path.relpath(os.path.realpath(path), _REAL_CWD).replace(os.sep, "/")
    except ValueError:  # another drive on Windows
        return path.replace(os.sep, "/")


def q(name):
    return '"%s"' % str(name).replace('"', '""')


def find_settings_module():
    value = os.environ.get("DJANGO_SETTINGS_MODULE")
    if value:
        return value
    manage = os.path.join(CWD, "manage.py")
    try:
        with open(manage, encoding="utf-8") as fh:
            match = SETTINGS_RE.search(fh.read())
    except OSError:
        raise Fatal("DJANGO_SETTINGS_MODULE is not set and there is no manage.py in %s to read it from" % CWD)
    if not match:
        raise Fatal(
            "DJANGO_SETTINGS_MODULE is not set and manage.py in %s does not set a default "
            "(os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", ...))" % CWD
        )
    return match.group(1)


def put_project_first():
    """The project folder comes first on sys.path, as with ``python manage.py``."""
    if CWD not in sys.path:
        sys.path.insert(0, CWD)


def boot(doc, alias):
    """Sets Django up with the project's settings; returns (django.VERSION, connection)."""
    settings_module = find_settings_module()
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    doc["settings"] = settings_module
    try:
        import django
    except ImportError as exc:
        raise Fatal("cannot import Django with %s: %s" % (sys.executable, exc)) from exc
    doc["django"] = django.get_version()
    try:
        django.setup()
    except Exception as exc:
        raise Fatal(
            "cannot set up Django with settings %r: %s: %s" % (settings_module, type(exc).__name__, exc)
        ) from exc

    from django.db import connections

    if alias not in connections.databases:
        raise Fatal(
            "no database alias %r in settings.DATABASES (have: %s)"
            % (alias, ", ".join(sorted(connections.databases)) or "none")
        )
    return django.VERSION, connections[alias]
