"""A prepared test run: the warm fork server's run of the next ``tldr test --keepdb``, started
before anyone asked for it and paused once its test databases are set up.

The fork server's child ``arm``s it before the program runs; tldr's test runner ``take``s it,
sets the test databases up before it discovers the tests, says ``paused`` and waits with no
connection to any of its databases open (one idle session to the server's ``postgres`` database
stays, to read the test databases' marks at wake without a new session; ``on_discard`` closes
it when the run is discarded). Adopted by a request that is the same run, it is told the request's
per-run variables, checks whether what the set-up depended on changed (while tldr still checks
the services), and at go discovers the tests — their modules imported now, as in a fresh run —
and uses the set-up only if nothing changed (tldr_testrunner.py says what counts); otherwise it
sets them up again, as a fresh run would. Nothing arms it outside the fork server, so a plain
run never pauses.

What the set-up read: the fork server's own check covers what the parent loaded; the handoff
records what this process imported after the fork (each source file's mtime and size as the
import system checked it) and every folder it listed (the folder's and each ``*.py``'s).

The two descriptors: ``pause`` (read: one JSON line with the per-run variables when the run is
adopted, then ``g`` and a newline at go; end of file at any point: end) and ``verdict``
(written: ``p`` once paused, ``r`` once adopted, then at go ``k`` and, when the set-up is not
used, why; ``x`` and a reason instead when nothing more runs, and the process ends).
"""
import json
import os
import sys
from importlib.machinery import SourceFileLoader

from .marks import file_mark

__all__ = ["arm", "armed", "take", "Handoff"]

_fds = None
_before = None  # the modules the process had when armed
_read = None  # path → (mtime_ns, size) as it was read (None: missing); a folder's with its *.py
_originals = {}


def arm(pause_fd, verdict_fd):
    """Also records, from now on, what is read: each source file as the import system checks it
    (its stat then, not later: an edit during the set-up must count), each folder as it is listed."""
    global _fds, _before, _read
    _fds = (pause_fd, verdict_fd)
    _before = set(sys.modules)
    _read = {}
    for name in ("listdir", "scandir"):
        original = getattr(os, name)
        _originals[(os, name)] = original
        setattr(os, name, _listing(original))
    original_stats = SourceFileLoader.path_stats
    _originals[(SourceFileLoader, "path_stats")] = original_stats

    def path_stats(self, path):
        _read.setdefault(os.path.abspath(path), file_mark(path))
        return original_stats(self, path)

    SourceFileLoader.path_stats = path_stats


def _listing(original):
    def listing(path="."):
        result = original(path)
        folder = os.fspath(path) if isinstance(path, (str, os.PathLike)) else None
        if isinstance(folder, str):
            _read_folder(os.path.abspath(folder), _read)
        return result

    return listing


def _read_folder(folder, into):
    into.setdefault(folder, file_mark(folder))
    try:
        names = _originals.get((os, "listdir"), os.listdir)(folder)
    except OSError:
        return
    for name in names:
        if name.endswith(".py"):
            path = os.path.join(folder, name)
            into.setdefault(path, file_mark(path))


def _disarm():
    for (owner, name), original in _originals.items():
        setattr(owner, name, original)
    _originals.clear()


def armed():
    return _fds is not None


def take():
    """The handoff, once (None when this run is not a prepared one). Reads are recorded until
    ``paused``."""
    global _fds
    fds, _fds = _fds, None
    return Handoff(*fds) if fds else None


def _read_until_now():
    read = dict(_read)
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None) if name not in _before else None
        if isinstance(path, str):
            read.setdefault(os.path.abspath(path), file_mark(path))
    _disarm()
    return read


def _now(read):
    now = {}
    for path in read:
        if os.path.isdir(path):
            _read_folder(path, now)
        else:
            now.setdefault(path, file_mark(path))
    return now


class Handoff:
    def __init__(self, pause_fd, verdict_fd):
        self.pause_fd = pause_fd
        self.verdict_fd = verdict_fd
        self.read = {}
        self.on_discard = None  # run before the process ends unadopted: closes what the wait holds open

    def paused(self):
        """Stops recording what is read; tells the relay the run waits."""
        self.read = _read_until_now()
        _write(self.verdict_fd, b"p")

    def changed(self):
        """The first file or folder read before the pause that is not as it was then, or None."""
        now = _now(self.read)
        for path in sorted(set(self.read) | set(now)):
            if self.read.get(path) != now.get(path):
                return "%s changed since" % path
        return None

    def wait(self):
        """Blocks until the run is adopted: its per-run variables. End of file (discarded): ends
        the process with nothing more run."""
        late = json.loads(self._line().decode("utf-8"))
        return {str(k): str(v) for k, v in late.items()}

    def ready(self):
        _write(self.verdict_fd, b"r")

    def wait_go(self):
        if self._line() != b"g":
            self._discarded()
        os.close(self.pause_fd)

    def _line(self):
        data = b""
        while not data.endswith(b"\n"):
            try:
                chunk = os.read(self.pause_fd, 1)  # one line at a time: the next is not here yet
            except InterruptedError:
                continue
            except OSError:
                chunk = b""
            if not chunk:
                self._discarded()
            data += chunk
        return data[:-1]

    def _discarded(self):
        """Ends the process, nothing more run."""
        if self.on_discard is not None:
            try:
                self.on_discard()
            except Exception:
                pass
        os._exit(0)

    def proceed(self, note=None):
        """Goes on; ``note``: why what was prepared is not used (it is set up again)."""
        _write(self.verdict_fd, b"k" + (note or "").encode("utf-8", "replace")[:2000])
        os.close(self.verdict_fd)

    def refuse(self, reason):
        """Nothing more runs: the client runs the command afresh."""
        _write(self.verdict_fd, b"x" + reason.encode("utf-8", "replace")[:2000])
        os._exit(0)


def _write(fd, data):
    try:
        while data:
            data = data[os.write(fd, data):]
    except OSError:
        os._exit(0)  # the relay is gone: nobody will take this run
