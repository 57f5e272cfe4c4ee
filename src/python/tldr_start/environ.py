"""Which environment variables Django's start-up depended on.

Settings modules read ``os.environ`` when they are imported; a process that set Django up with
one environment cannot run a command for another unless every variable the start-up read has
the same value. ``Recording`` is an ``os._Environ`` over the same data that notes each key read
(and whether the whole environment was iterated); ``interpreter_keys`` are the variables the
interpreter or C libraries read before or beside Python code (no recording sees those).
"""
import os
import sys

__all__ = ["Recording", "record", "interpreter_keys", "differences", "pythonpath_entries", "per_run", "PER_RUN_KEYS"]

# Read by the interpreter at start (PYTHON*), by the C library (locale, time zone, loader), or by
# C extensions when they are imported: any change means another process, not another request.
_INTERPRETER_PREFIXES = ("PYTHON", "LC_", "LD_", "DYLD_", "OPENSSL_", "MALLOC_")
_INTERPRETER_NAMES = ("LANG", "LANGUAGE", "TZ", "SSL_CERT_FILE", "SSL_CERT_DIR")
# Handled by its own rule (``pythonpath_entries``): tldr adds its helper folder for some commands.
PYTHONPATH = "PYTHONPATH"
# tldr's own per-run variables (set by tldr for one command: its events file, shard, database
# suffix, lifeline, query recording): never part of what start-up saw. Only these names — a
# project's own TLDR_* variable (read by its settings) is compared like any other.
PER_RUN_KEYS = frozenset(
    (
        "TLDR_TEST_EVENTS",
        "TLDR_TEST_SHARD",
        "TLDR_TEST_DURATIONS",
        "TLDR_TEST_DB_SUFFIX",
        "TLDR_QUERY_RECORDING",
        "TLDR_N_PLUS_ONE_CONFIG",
        "TLDR_LIFELINE_FD",
        "TLDR_BASE_TEST_RUNNER",
        "TLDR_CI_DIFF_BASE",
        "TLDR_MIGRATE_CHECK_OUTPUT",
        "TLDR_WARM_FULL_EXIT",
    )
)


def per_run(key):
    return key in PER_RUN_KEYS


def interpreter_keys(environ):
    return sorted(k for k in environ if k != PYTHONPATH and (k.startswith(_INTERPRETER_PREFIXES) or k in _INTERPRETER_NAMES))


class Recording(os._Environ):
    """``os.environ`` that remembers what was read: ``reads`` maps key → value at first read (None
    when unset); ``iterated`` is (file, line) of the first code that listed every variable."""

    def __init__(self, environ):
        super().__init__(environ._data, environ.encodekey, environ.decodekey, environ.encodevalue, environ.decodevalue)
        self.reads = {}
        # Set before anything read them: what they held before does not matter.
        self.written = set()
        self.iterated = None
        self.active = True

    def __getitem__(self, key):
        if self.active and key not in self.reads and key not in self.written and not _listing(sys._getframe(1)):
            try:
                self.reads[key] = super().__getitem__(key)
            except KeyError:
                self.reads[key] = None
        return super().__getitem__(key)

    def __setitem__(self, key, value):
        if self.active and key not in self.reads:
            self.written.add(key)
        super().__setitem__(key, value)

    def __delitem__(self, key):
        if self.active and key not in self.reads:
            self.written.add(key)
        super().__delitem__(key)

    def __iter__(self):
        if self.active:
            site = _caller()
            # The standard library lists the environment at import without deciding anything
            # from it (wsgiref's CGIHandler keeps a copy): not a dependency on every variable.
            if self.iterated is None and not site[0].startswith(_STDLIB):
                self.iterated = site
        return super().__iter__()


_STDLIB = os.path.dirname(os.__file__) + os.sep if os.path.isabs(getattr(os, "__file__", "") or "") else "\0"
_LISTING = ("__iter__", "copy", "__or__", "__ror__", "__ior__")


def _is_abc_or_os(filename):
    return filename.endswith(("os.py", "_collections_abc.py")) or filename in ("<frozen os>", "<frozen _collections_abc>")


def _listing(frame):
    """A read made while listing the whole environment (items(), copy()): counted as iteration."""
    return frame.f_code.co_name in _LISTING and _is_abc_or_os(frame.f_code.co_filename)


def _caller():
    """(file, line) of the first frame outside os / collections.abc (``copy()`` iterates too)."""
    frame = sys._getframe(2)
    while frame is not None and _is_abc_or_os(frame.f_code.co_filename):
        frame = frame.f_back
    if frame is None:
        return ("?", 0)
    return (frame.f_code.co_filename, frame.f_lineno)


class record:
    """``with record() as env:`` — ``os.environ`` records reads inside the block. Code that kept a
    reference to it keeps a working mapping afterwards (recording stops)."""

    def __enter__(self):
        self._original = os.environ
        self.recording = Recording(os.environ)
        os.environ = self.recording
        return self.recording

    def __exit__(self, *exc):
        self.recording.active = False
        os.environ = self._original
        return False


def differences(keys, expected, actual):
    """The keys among ``keys`` whose value differs between two environments (names only: values
    may be secrets)."""
    return sorted(k for k in keys if expected.get(k) != actual.get(k))


def pythonpath_entries(environ):
    value = environ.get(PYTHONPATH, "")
    return [p for p in value.split(os.pathsep) if p]
