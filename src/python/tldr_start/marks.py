"""What a file looked like when it was read: its mtime (ns) and size; None when it was missing.
The fork server's staleness check and a prepared run's compare these. And whether a prepared
run's test databases were used since its set-up (``same_usage``)."""
import os

__all__ = ["file_mark", "same_usage"]


def file_mark(path):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def same_usage(before, now, own):
    """Whether ``now`` says nobody else used the test databases since ``before`` (rows of
    ``(name, oid, sessions established, sessions connected now but this run's own)``): the same
    databases, nobody else connected, and no more sessions established than this run's own
    (``own``: database name → sessions it opened since; PostgreSQL counts each once it has
    reported it, at the latest when it ends)."""
    if now is None or before is None or len(now) != len(before):
        return False
    for (name, oid, sessions, _connected), (name_now, oid_now, sessions_now, connected_now) in zip(before, now):
        if (name_now, oid_now, connected_now) != (name, oid, 0) or not sessions <= sessions_now <= sessions + own.get(name, 0):
            return False
    return True
