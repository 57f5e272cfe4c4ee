"""The user's program as the interpreter would run it: ``python manage.py ARGS`` or
``python -m MODULE ARGS``.

``Program.parse(argv)`` takes what follows the interpreter on its command line;
``prepare()`` sets ``sys.argv`` and ``sys.path[0]`` the way the interpreter does before any code
runs (settings often read ``sys.argv``, so this happens before Django is set up);
``run()`` executes it in a fresh ``__main__`` module, so the program sees the globals
``python manage.py`` gives it (``__file__`` absolute, ``__loader__``, ``__spec__`` None).
"""
import builtins
import os
import runpy
import sys
import types
from importlib.machinery import SourceFileLoader

__all__ = ["Program", "ProgramError"]


class ProgramError(ValueError):
    """An argv this module does not run (an interpreter option, ``-c``, nothing)."""


class Program:
    def __init__(self, kind, target, args):
        self.kind = kind  # "script" or "module"
        self.target = target  # the script path as given, or the module name
        self.args = list(args)

    @classmethod
    def parse(cls, argv):
        argv = list(argv)
        if not argv:
            raise ProgramError("no program: expected manage.py ARGS or -m MODULE ARGS")
        if argv[0] == "-m":
            if len(argv) < 2 or not argv[1] or argv[1].startswith("-"):
                raise ProgramError("-m needs a module name")
            return cls("module", argv[1], argv[2:])
        if argv[0].startswith("-"):
            raise ProgramError("interpreter option %r: only a script or -m MODULE can run here" % argv[0])
        return cls("script", argv[0], argv[1:])

    @property
    def is_manage_py(self):
        return self.kind == "script" and os.path.basename(self.target) == "manage.py"

    @property
    def script_file(self):
        """``__file__`` as the interpreter sets it (3.9+: joined with the cwd, not normalised)."""
        return self.target if os.path.isabs(self.target) else os.path.join(os.getcwd(), self.target)

    def path0(self):
        """``sys.path[0]``: the script's real folder, or the cwd for ``-m``."""
        if self.kind == "module":
            return os.getcwd()
        return os.path.dirname(os.path.realpath(self.script_file))

    def prepare(self):
        """sys.argv and sys.path[0] as the interpreter sets them before the first line runs.
        (For ``-m``, runpy replaces argv[0] with the module's file when it finds it.)"""
        sys.argv[:] = [self.target if self.kind == "script" else "-m"] + self.args
        if sys.path:
            sys.path[0] = self.path0()
        else:
            sys.path.append(self.path0())

    def run(self):
        """Runs the program in a fresh ``__main__``; exceptions propagate (see ``exiting``)."""
        main = types.ModuleType("__main__")
        main.__dict__["__builtins__"] = builtins
        sys.modules["__main__"] = main
        if self.kind == "module":
            # What ``python -m`` itself calls, frames and all.
            runpy._run_module_as_main(self.target, alter_argv=True)
            return
        path = self.script_file
        with open(path, "rb") as fh:
            source = fh.read()
        main.__file__ = path
        main.__cached__ = None
        main.__loader__ = SourceFileLoader("__main__", path)
        main.__spec__ = None
        main.__package__ = None
        code = compile(source, path, "exec", dont_inherit=True)
        exec(code, main.__dict__)

    def django_options(self):
        """The options Django's ``execute()`` applies before it reads the settings (they change which
        settings load, so a process set up ahead of time cannot honour them)."""
        found = []
        for arg in self.args:
            if arg == "--":
                break
            for option in ("--settings", "--pythonpath"):
                if arg == option or arg.startswith(option + "="):
                    found.append(option)
        return found
