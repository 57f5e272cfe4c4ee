"""Never stale: what the parent's start depended on, checked before every fork.

Files (mtime + size): every loaded module's file, every file the start opened, the files tldr
names (``--watch``: env files), and the project's lock files (``uv.lock``, ``pyproject.toml``,
``requirements*.txt``). Folders (the names that could be imported from them): every ``sys.path``
folder and every project package folder (a new ``admin.py`` would be auto-discovered by a plain
start). Migration folders: each ``*.py`` file with mtime + size. The environment: see ``env_change``.
``check()`` returns the first reason the parent is stale, or None.
"""
import glob
import os
import sys

from tldr_start.marks import file_mark
from tldr_start import environ as envmod

__all__ = ["Watch", "import_names", "forget_unreachable_helpers", "HELPER_PACKAGES"]

LOCK_PATTERNS = ("uv.lock", "pyproject.toml", "requirements*.txt", "Pipfile.lock", "poetry.lock")
_MODULE_SUFFIXES = (".py", ".pyc", ".so", ".pyd", ".pth", ".egg-link", ".zip", ".egg")
# The parent's own machinery: loaded from tldr's helper folder, never the program's business.
_OWN_PACKAGES = ("tldr_forkserver", "tldr_start")
# tldr's helpers the parent preloads (boot.HELPER_PRELOAD): a request whose PYTHONPATH lacks their
# folder is still served, and its child forgets them (``forget_unreachable_helpers``).
HELPER_PACKAGES = ("tldr_lifeline", "tldr_queries", "tldr_testrunner")


def import_names(folder):
    """The names importable from ``folder`` (packages, namespace folders, modules, .pth files)."""
    names = set()
    try:
        # scandir: the entry type comes with the listing, no stat per entry (site-packages is big).
        with os.scandir(folder) as entries:
            for entry in entries:
                name = entry.name
                if name.startswith(".") or name == "__pycache__":
                    continue
                if name.endswith(_MODULE_SUFFIXES):
                    names.add(name)
                elif "." not in name and entry.is_dir():
                    names.add(name + "/")
    except OSError:
        return None
    return names


def _module_of(name):
    return name.rstrip("/").split(".", 1)[0]


class Watch:
    def __init__(self, boot, extra_files=()):
        self.boot = boot
        self.root = os.path.realpath(boot.cwd)
        modules = [m for m in list(sys.modules.values()) if isinstance(getattr(m, "__file__", None), str)]
        self.files = {}
        for module in modules:
            self._file(module.__file__)
        self.module_count = len(self.files)
        self.real_module_files = [os.path.realpath(p) for p in self.files]
        for path in sorted(boot.opened | boot.broken_files):
            self._file(path)
        self.extra = {}
        for path in extra_files:
            self.extra[os.path.abspath(path)] = file_mark(os.path.abspath(path))
        self.locks = self._locks()
        self.roots = {}
        for entry in sys.path:
            if entry and os.path.isdir(entry):
                self.roots[entry] = import_names(entry)
        self.packages = {}
        for module in modules:
            folder = os.path.dirname(os.path.realpath(module.__file__))
            if folder.startswith(self.root + os.sep) and folder not in self.roots:
                self.packages[folder] = import_names(folder)
        self.migrations = {folder: self._migration_files(folder) for folder in _migration_folders()}
        self.top_names = {m.__name__.split(".", 1)[0] for m in modules if not m.__name__.startswith(_OWN_PACKAGES)}

    def _file(self, path):
        if path not in self.files:
            self.files[path] = file_mark(path)

    def _locks(self):
        found = {}
        for pattern in LOCK_PATTERNS:
            for path in glob.glob(os.path.join(self.boot.cwd, pattern)):
                found[path] = file_mark(path)
        return found

    @staticmethod
    def _migration_files(folder):
        try:
            names = [n for n in os.listdir(folder) if n.endswith(".py")]
        except OSError:
            return None
        return {n: file_mark(os.path.join(folder, n)) for n in names}

    def counts(self):
        return {
            "modules": self.module_count,
            "files": len(self.files) - self.module_count + len(self.extra) + len(self.locks),
            "folders": len(self.roots) + len(self.packages),
            "migrationFolders": len(self.migrations),
            "envKeys": len(self.boot.env_reads),
        }

    def _rel(self, path):
        real = os.path.realpath(path)
        return os.path.relpath(real, self.root) if real.startswith(self.root + os.sep) else path

    def check_files(self):
        for path, seen in self.files.items():
            if file_mark(path) != seen:
                return "%s changed" % self._rel(path)
        for path, seen in self.extra.items():
            if file_mark(path) != seen:
                return "%s changed" % self._rel(path)
        locks = self._locks()
        if locks != self.locks:
            changed = sorted(set(locks) ^ set(self.locks)) or sorted(p for p in locks if locks[p] != self.locks.get(p))
            return "%s changed" % self._rel(changed[0])
        for folder, names in list(self.roots.items()) + list(self.packages.items()):
            now = import_names(folder)
            if now != names:
                diff = sorted((now or set()) ^ (names or set()))
                return "%s: %s %s" % (self._rel(folder), "new" if diff and now and diff[0] in now else "removed", diff[0] if diff else "folder")
        for folder, files in self.migrations.items():
            now = self._migration_files(folder)
            if now != files:
                diff = sorted(set(now or {}) ^ set(files or {})) or sorted(n for n in (now or {}) if now[n] != files.get(n))
                return "migrations %s: %s changed" % (self._rel(folder), diff[0] if diff else "folder")
        return None

    def env_change(self, env):
        """Why ``env`` cannot be served by this parent, or None. Compared: every variable the start
        read, the interpreter's own (PYTHON*, locale, loader), everything when the start listed
        the whole environment — never tldr's own per-run variables (``PER_RUN_KEYS``; a project's own
        TLDR_* variable counts); PYTHONPATH by its own rule."""
        boot = self.boot
        keys = set(boot.env_reads) | set(envmod.interpreter_keys(boot.start_env)) | set(envmod.interpreter_keys(env))
        if boot.env_iterated is not None:
            keys |= set(boot.start_env) | set(env)
        keys = {k for k in keys if not envmod.per_run(k) and k != envmod.PYTHONPATH}
        expected = dict(boot.start_env)
        expected.update(boot.env_reads)
        changed = envmod.differences(keys, expected, env)
        if changed:
            return "environment changed: %s" % ", ".join(changed[:10])
        return self.pythonpath_change(envmod.pythonpath_entries(env))

    def pythonpath_change(self, entries):
        """A PYTHONPATH other than the parent's is fine when it takes away no folder a loaded module
        came from and adds no folder that holds a name the start imported or failed to import."""
        boot = self.boot
        if entries == boot.pythonpath:
            return None
        if "" in entries or "" in boot.pythonpath:
            return "PYTHONPATH changed"
        before = [os.path.join(boot.cwd, e) for e in boot.pythonpath]
        after = [os.path.join(boot.cwd, e) for e in entries]
        for folder in before:
            if folder in after:
                continue
            prefix = os.path.realpath(folder) + os.sep
            for path in self.real_module_files:
                if path.startswith(prefix) and not os.path.relpath(path, prefix).startswith(_OWN_PACKAGES + HELPER_PACKAGES):
                    return "PYTHONPATH: %s is gone, and a loaded module came from it" % folder
        wanted = self.top_names | boot.missing
        for folder in after:
            if folder in before:
                continue
            names = {_module_of(n) for n in (import_names(folder) or ())}
            clash = sorted(names & wanted)
            if clash:
                return "PYTHONPATH: %s holds %s, which the start imported or looked for" % (folder, clash[0])
        return None

    def sys_path_for(self, entries):
        """sys.path for a child whose PYTHONPATH is ``entries`` (already judged compatible)."""
        boot = self.boot
        current = list(sys.path)
        before = [os.path.join(boot.cwd, e) for e in boot.pythonpath]
        after = [os.path.join(boot.cwd, e) for e in entries]
        if before == after:
            return current
        if before:
            for i in range(len(current) - len(before) + 1):
                if current[i:i + len(before)] == before:
                    return current[:i] + after + current[i + len(before):]
        # No PYTHONPATH at start: the interpreter puts it right after sys.path[0].
        return current[:1] + after + current[1:]


def forget_unreachable_helpers(path):
    """In a child: the preloaded helpers that its ``sys.path`` (``path``) would not find leave
    ``sys.modules``, so importing one fails (or finds another) as in a cold start."""
    folders = {os.path.realpath(p or os.curdir) for p in path}
    for name, module in list(sys.modules.items()):
        top = _module_of(name)
        if top not in HELPER_PACKAGES:
            continue
        root = sys.modules.get(top)
        file = getattr(root, "__file__", None)
        if not isinstance(file, str):
            continue
        origin = os.path.dirname(os.path.realpath(file))
        if getattr(root, "__path__", None) is not None:
            origin = os.path.dirname(origin)  # a package: the folder that holds it
        if origin not in folders:
            del sys.modules[name]


def _migration_folders():
    try:
        from django.apps import apps
        from django.db.migrations.loader import MigrationLoader
        import importlib.util
    except Exception:
        return []
    folders = []
    for config in apps.get_app_configs():
        try:
            name, _explicit = MigrationLoader.migrations_module(config.label)
            if not name:
                continue
            spec = importlib.util.find_spec(name)
        except Exception:
            continue
        if spec is not None and spec.submodule_search_locations:
            folders.extend(os.path.realpath(p) for p in spec.submodule_search_locations)
    return sorted(set(folders))
