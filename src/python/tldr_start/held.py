"""stdout/stderr held in memory while Django starts ahead of its command.

What a settings module prints while it loads belongs to the command that will run: the bootstrap
writes it out on go (or drops it when nothing runs); the fork server writes it at the start of
every child, as every plain start would have printed it. Anonymous memory (Linux memfd), never a
file; a terminal is left alone (the program may ask isatty() and must get the answer a plain
start gets), and so is everything where memfd is missing.
"""
import os
import sys

__all__ = ["Held"]


class Held:
    def __init__(self, skip_terminals=True):
        self.saved = {}
        self.captured = {1: b"", 2: b""}
        create = getattr(os, "memfd_create", None)
        if create is None:
            return
        _flush_std()
        for fd in (1, 2):
            try:
                if skip_terminals and os.isatty(fd):
                    continue
                held = _high(create("tldr-held-%d" % fd))
                self.saved[fd] = (_high(os.dup(fd)), held)
                os.dup2(held, fd)
            except OSError:
                continue

    def stop(self):
        """Puts the real descriptors back; what was written meanwhile is in ``captured``."""
        _flush_std()
        for fd, (original, held) in self.saved.items():
            os.dup2(original, fd)
            os.close(original)
            os.lseek(held, 0, os.SEEK_SET)
            chunks = []
            while True:
                chunk = os.read(held, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
            os.close(held)
            self.captured[fd] = b"".join(chunks)
        self.saved = {}
        return self

    def size(self):
        return sum(len(v) for v in self.captured.values())

    def write_out(self, to=None):
        """Writes what was captured to stdout, then stderr (the order within each stream is
        kept); ``to``: one descriptor for both."""
        for fd in (1, 2):
            data = self.captured[fd]
            try:
                while data:
                    data = data[os.write(to or fd, data):]
            except OSError:
                pass


def _high(fd):
    """``fd`` moved above the numbers a start uses: files the settings open get the descriptors
    they get in a plain start."""
    import fcntl

    moved = fcntl.fcntl(fd, getattr(fcntl, "F_DUPFD_CLOEXEC", fcntl.F_DUPFD), 100)
    os.close(fd)
    return moved


def _flush_std():
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except Exception:
            pass
