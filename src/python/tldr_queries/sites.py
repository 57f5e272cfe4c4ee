"""Where a query came from: the first stack frame in the project's own code.

Walking outward from the database call, frames in the standard library, site-/dist-packages
(Django, Celery, any installed package), tldr's own helpers and Python internals are skipped.
The first frame left that is not in a test file is the call site. Frames in test files (the
running test's module, ``tests.py``, ``test_*.py``, ``*_tests.py``, anything in a ``tests``
package — judged on the path below its import root, so a checkout under ``~/test/`` is no test)
are taken only when no project frame exists below the test method — a loop in the test
itself, or in its own helpers. Pure over frame-like objects (``f_code.co_filename``, ``f_lineno``,
``f_back``), so it is unit-tested with fakes.
"""
import os
import site
import sys
import sysconfig

__all__ = ["SiteFinder", "LIBRARY", "TEST", "PROJECT", "relative_path"]

LIBRARY, TEST, PROJECT = "library", "test", "project"

# A stack deeper than this (recursion) is not searched further: the site is then unknown.
MAX_DEPTH = 400


def relative_path(path, cwd=None):
    """``path`` relative to the project folder (the runner's cwd), with ``/``; as given when impossible."""
    cwd = cwd or os.getcwd()
    try:
        return os.path.relpath(os.path.realpath(path), os.path.realpath(cwd)).replace(os.sep, "/")
    except ValueError:  # another drive on Windows
        return path.replace(os.sep, "/")


def _default_library_roots():
    roots = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        try:
            roots.add(sysconfig.get_paths()[key])
        except KeyError:
            pass
    try:
        roots.update(site.getsitepackages())
    except AttributeError:  # some virtualenv versions
        pass
    try:
        roots.add(site.getusersitepackages())
    except AttributeError:
        pass
    for entry in sys.path:
        if os.path.basename(entry.rstrip(os.sep)) in ("site-packages", "dist-packages"):
            roots.add(entry)
    return roots


def _is_test_file(module_path):
    """``module_path``: the file's path below the sys.path entry it is imported from."""
    parts = module_path.replace("\\", "/").split("/")
    name = parts[-1]
    stem = name[:-3] if name.endswith(".py") else name
    if stem in ("tests", "test", "conftest") or stem.startswith("test_") or stem.endswith(("_test", "_tests")):
        return True
    return any(part in ("tests", "test") for part in parts[:-1])


class SiteFinder:
    """Classifies source files (cached per file) and finds a query's call site in a stack.

    ``library_roots``: folders whose files are never a call site (default: stdlib and installed
    packages); ``helper_roots``: tldr's helpers; ``cwd``: what reported paths are relative to;
    ``import_roots``: where modules are imported from (default: sys.path and ``cwd``)."""

    def __init__(self, library_roots=None, helper_roots=(), cwd=None, import_roots=None):
        roots = [r for r in list(_default_library_roots() if library_roots is None else library_roots) + list(helper_roots) if r]
        # Each root as given and resolved: most files match as given, without a realpath call.
        self._roots = tuple({self._norm(r) for r in roots} | {self._dir(os.path.abspath(r)) for r in roots})
        self._cwd = cwd or os.getcwd()
        imports = list(sys.path if import_roots is None else import_roots) + [self._cwd]
        # Longest first: a module's root is the deepest entry that holds it.
        self._imports = tuple(sorted({self._norm(r) for r in imports if r}, key=len, reverse=True))
        self._kinds = {}
        self._paths = {}

    @staticmethod
    def _dir(path):
        return path if path.endswith(os.sep) else path + os.sep

    @classmethod
    def _norm(cls, path):
        return cls._dir(os.path.realpath(path))

    def kind(self, filename, test_file=None):
        """LIBRARY, TEST or PROJECT for a code object's file name."""
        if test_file is not None and filename == test_file:
            return TEST
        kind = self._kinds.get(filename)
        if kind is None:
            kind = self._classify(filename)
            self._kinds[filename] = kind
        return kind

    def _classify(self, filename):
        if not filename or filename.startswith("<"):  # <frozen ...>, <string>, <template>
            return LIBRARY
        if filename.startswith(self._roots):
            return LIBRARY
        path = os.path.realpath(filename if os.path.isabs(filename) else os.path.join(self._cwd, filename))
        if path.startswith(self._roots):
            return LIBRARY
        parts = path.split(os.sep)
        if "site-packages" in parts or "dist-packages" in parts:
            return LIBRARY
        return TEST if _is_test_file(self._module_path(path)) else PROJECT

    def _module_path(self, path):
        for root in self._imports:
            if path.startswith(root):
                return path[len(root):]
        return os.path.basename(path)

    def path(self, filename):
        """The reported (project-relative) path of a file, cached."""
        rel = self._paths.get(filename)
        if rel is None:
            rel = relative_path(filename, self._cwd)
            self._paths[filename] = rel
        return rel

    def find(self, frame, stop_code=None, test_file=None):
        """(filename, line) of the call site of the query made in ``frame``'s call, or None.

        The walk ends at the frame whose code is ``stop_code`` (the test method's caller): frames
        outside the test belong to the runner. ``test_file``: the running test's module file."""
        fallback = None
        depth = 0
        kinds = self._kinds  # inlined kind(): this runs for every frame of every query
        while frame is not None and depth < MAX_DEPTH:
            code = frame.f_code
            if code is stop_code:
                break
            filename = code.co_filename
            kind = TEST if filename == test_file else kinds.get(filename) or self.kind(filename)
            if kind == PROJECT:
                return filename, frame.f_lineno
            if kind == TEST and fallback is None:
                fallback = (filename, frame.f_lineno)
            frame = frame.f_back
            depth += 1
        return fallback
