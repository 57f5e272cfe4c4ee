"""Scratch databases: names that record their owner, dropping them, and sweeping the ones whose
owning run died (SIGKILL leaves them behind; a live run's database is never touched).

A name is ``tldr_scratch_<host>_<pid>_<start>_<random>``: ``host`` hashes this machine's name,
``pid`` is the helper's process, ``start`` hashes the boot id and the process's start time, so
a reused pid or a reboot is told apart from the run that created the database. Put in the name
(not a COMMENT) so the record exists from the moment the database does.
"""
import copy
import hashlib
import os
import re
import secrets
import socket
import subprocess

from .document import log
from .project import q

PREFIX = "tldr_scratch_"
NAME_RE = re.compile(r"^tldr_scratch_([0-9a-f]{8})_(\d+)_([0-9a-f]{8})_[0-9a-f]+$")

# Scratch databases this process created and has not dropped yet: name -> (wrapper class, settings).
ACTIVE = {}


def _hash(text):
    return hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()[:8]


def host_token():
    return _hash(socket.gethostname())


def start_token(pid):
    """A hash of when ``pid`` started (boot id + start ticks on Linux, ``ps`` elsewhere); None when
    there is no such process, "" when it cannot be told."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as fh:
            stat = fh.read().decode("ascii", "replace")
        ticks = stat[stat.rindex(")") + 2 :].split()[19]
        try:
            with open("/proc/sys/kernel/random/boot_id") as fh:
                boot = fh.read().strip()
        except OSError:
            boot = ""
        return _hash("%s:%s" % (boot, ticks))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, IndexError):
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    try:
        out = subprocess.run(["ps", "-o", "lstart=", "-p", str(pid)], capture_output=True, text=True, timeout=5)
        return _hash(out.stdout.strip()) if out.stdout.strip() else None
    except Exception:
        return ""


def new_name():
    own = start_token(os.getpid()) or "0" * 8
    return "%s%s_%d_%s_%s" % (PREFIX, host_token(), os.getpid(), own, secrets.token_hex(3))


def owner_gone(name):
    """True when ``name`` is a scratch database of a run on this machine that no longer exists."""
    match = NAME_RE.match(name)
    if not match or match.group(1) != host_token():
        return False
    pid, recorded = int(match.group(2)), match.group(3)
    now = start_token(pid)
    if now is None:
        return True
    # "" (cannot tell) and a placeholder record keep the database: never drop a live run's.
    return bool(now) and recorded != "0" * 8 and now != recorded


def drop(cursor, name, server_version):
    if server_version >= 130000:
        cursor.execute("DROP DATABASE IF EXISTS %s WITH (FORCE)" % q(name))
    else:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        cursor.execute("DROP DATABASE IF EXISTS %s" % q(name))


def server_version(cursor):
    cursor.execute("SHOW server_version_num")
    return int(cursor.fetchone()[0])


def sweep(connection):
    """Drops the scratch databases of dead runs on this machine; returns [{database, pid}]."""
    dropped = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [PREFIX.replace("_", "\\_") + "%"])
        names = sorted(row[0] for row in cursor.fetchall())
        gone = [n for n in names if owner_gone(n)]
        if not gone:
            return dropped
        version = server_version(cursor)
        for name in gone:
            try:
                drop(cursor, name, version)
            except Exception as exc:
                log("could not drop left-over scratch database %s: %s" % (name, str(exc).strip()))
                continue
            pid = int(NAME_RE.match(name).group(2))
            log("dropped left-over scratch database %s (its run, pid %d, is gone)" % (name, pid))
            dropped.append({"database": name, "pid": pid})
    return dropped


class CannotCreate(Exception):
    """No scratch database: the reversibility run is skipped for this reason."""


def close_quietly(connection):
    if connection is not None:
        try:
            connection.close()
        except Exception:
            pass


def maintenance_connection(original):
    """A connection to the server for CREATE / DROP DATABASE: the ``postgres`` database, else the project's."""
    errors = []
    for name in ("postgres", original.settings_dict.get("NAME")):
        settings_dict = copy.deepcopy(original.settings_dict)
        settings_dict["NAME"] = name
        candidate = original.__class__(settings_dict, "__tldr_maintenance__")
        try:
            candidate.ensure_connection()
            return candidate
        except Exception as exc:
            errors.append("%s: %s" % (name, str(exc).strip()))
            close_quietly(candidate)
    raise CannotCreate("cannot connect to the server: %s" % "; ".join(errors))


def create(maintenance, name, source, copy_source):
    """Creates ``name``: a copy of ``source`` (CREATE DATABASE … TEMPLATE) when ``copy_source`` and no
    other session is on it, else an empty database. Returns "template" or "migrate"."""
    remember(name, maintenance)
    with maintenance.cursor() as cursor:
        if copy_source:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [source])
            others = cursor.fetchone()[0]
            if others:
                log("%d other session(s) on %s: cannot use it as a template" % (others, source))
            else:
                try:
                    cursor.execute("CREATE DATABASE %s TEMPLATE %s" % (q(name), q(source)))
                    return "template"
                except Exception as exc:
                    log("CREATE DATABASE … TEMPLATE failed (%s); migrating an empty database" % str(exc).strip())
        try:
            cursor.execute("CREATE DATABASE %s" % q(name))
        except Exception as exc:
            forget(name)
            raise CannotCreate("cannot create a scratch database: %s" % str(exc).strip())
        return "migrate"


def connect(original, name, alias):
    """A connection like ``original`` (same class and settings) to database ``name``."""
    settings_dict = copy.deepcopy(original.settings_dict)
    settings_dict["NAME"] = name
    return original.__class__(settings_dict, alias)


def remember(name, maintenance):
    ACTIVE[name] = (maintenance.__class__, copy.deepcopy(maintenance.settings_dict))


def forget(name):
    ACTIVE.pop(name, None)


def drop_active():
    """Drops every scratch database this process still has, on a connection of its own (the stop
    hook: safe to call from any thread, more than once)."""
    for name, (cls, settings_dict) in list(ACTIVE.items()):
        connection = cls(settings_dict, "__tldr_stop__")
        try:
            with connection.cursor() as cursor:
                drop(cursor, name, server_version(cursor))
            ACTIVE.pop(name, None)
            log("scratch database %s dropped" % name)
        except Exception as exc:
            log("could not drop scratch database %s: %s (the next check drops it)" % (name, exc))
        finally:
            try:
                connection.close()
            except Exception:
                pass
