"""What must hold before the parent forks: no thread, no database connection, no socket besides
its own — a fork copies them half-way into every child — and only its own user on the socket."""
import os
import socket
import stat
import struct
import threading

__all__ = ["threads", "close_connections", "open_connections", "stray_sockets", "same_user", "open_fds"]


def close_connections():
    """Closes every Django database connection this process holds (normally none)."""
    try:
        from django.db import connections

        connections.close_all()
    except Exception:
        pass


def open_connections():
    """Aliases whose connection is open (must be none before a fork)."""
    try:
        from django.db import connections

        return [c.alias for c in connections.all() if getattr(c, "connection", None) is not None]
    except Exception:
        return []


def threads():
    """Names of threads besides the main one."""
    if threading.active_count() == 1:
        return []
    return sorted(t.name for t in threading.enumerate() if t is not threading.main_thread())


def same_user(conn):
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return True  # the socket file is 0600 in a private folder
    _pid, uid, _gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i")))
    return uid == os.getuid()


def stray_sockets(own):
    """The descriptors of sockets open in this process besides ``own`` (Linux; none found where
    /proc is missing). Node gives a child socket pairs for stdio: the server's inherited
    descriptors belong in ``own``."""
    try:
        fds = os.listdir("/proc/self/fd")
    except OSError:
        return []
    found = []
    for name in fds:
        fd = int(name)
        if fd in own:
            continue
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                found.append(fd)
        except OSError:
            continue
    return sorted(found)


def open_fds():
    """This process's open descriptors (Linux /proc; elsewhere the first 1024 probed)."""
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        found = set()
        for fd in range(1024):
            try:
                os.fstat(fd)
                found.add(fd)
            except OSError:
                pass
        return found
    found = set()
    for name in names:
        fd = int(name)
        try:
            os.fstat(fd)  # the listing's own descriptor is closed by now
            found.add(fd)
        except OSError:
            pass
    return found
