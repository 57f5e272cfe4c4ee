"""What a file looked like when it was read: its mtime (ns) and size; None when it was missing.
The fork server's staleness check and a prepared run's compare these."""
import os

__all__ = ["file_mark"]


def file_mark(path):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)
