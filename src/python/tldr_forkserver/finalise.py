"""What the interpreter's module teardown would finalise in a fork child: only the child's own objects.

Py_FinalizeEx clears every module, which decrefs every object the child inherited from the
parent: thousands of copy-on-write page faults, half a warm ``manage.py check``. The objects the
parent created before ``gc.freeze()`` sit in the frozen generation, which ``gc.get_objects(n)``
never lists; what the child created is in generations 0–2. Of those, the ones whose end a
program can see get it here, newest first (modules are cleared in reverse import order; a wrapper
is made after what it wraps):

1. instances whose class defines ``__del__`` in Python (tempfile's closer deletes its file);
   an exception is reported through ``sys.unraisablehook`` as the interpreter reports it;
2. then io objects not closed, through their own finaliser (``_io._IOBase.__del__``: close,
   errors silenced, ResourceWarning as usual) — an unclosed buffered file is flushed; then the
   files the parent's start opened (``Boot.files``).

Other C-level finalisers of the child's objects do not run (a suspended generator's ``finally``,
a socket's close): the kernel closes their descriptors at exit.
"""
import gc
import sys
import types

from _io import _IOBase

__all__ = ["finalise_young", "unraisable"]

_NONE, _PYTHON_DEL, _IO = 0, 1, 2


def finalise_young(start_files=()):
    kinds = {}
    python_del, io_objects = [], []
    for generation in (0, 1, 2):
        for obj in reversed(gc.get_objects(generation)):
            cls = type(obj)
            kind = kinds.get(cls)
            if kind is None:
                kind = kinds[cls] = _kind(cls)
            if kind == _PYTHON_DEL:
                python_del.append(obj)
            elif kind == _IO:
                io_objects.append(obj)
    for obj in python_del:
        method = type(obj).__del__
        try:
            method.__get__(obj, type(obj))()
        except BaseException as exc:
            unraisable(exc, method)
    for ref in start_files:
        obj = ref()
        if obj is not None:
            io_objects.append(obj)
    for obj in io_objects:
        try:
            _IOBase.__del__(obj)
        except BaseException:
            pass


def _kind(cls):
    method = getattr(cls, "__del__", None)
    if method is None:
        return _NONE
    if not isinstance(method, types.WrapperDescriptorType):
        return _PYTHON_DEL
    return _IO if issubclass(cls, _IOBase) else _NONE


def unraisable(exc, obj, drop_frames=1):
    """PyErr_WriteUnraisable(obj) for ``exc`` caught here: the traceback without this module's
    frame(s), through whatever ``sys.unraisablehook`` the program left."""
    tb = exc.__traceback__
    for _ in range(drop_frames):
        tb = tb.tb_next if tb is not None else None
    try:
        sys.unraisablehook(_hook_args()((type(exc), exc, tb, None, obj)))
    except BaseException:
        pass


_HOOK_ARGS = []


def _hook_args():
    """sys.UnraisableHookArgs is not exposed: the type of what one unraisable passes."""
    if not _HOOK_ARGS:
        seen, hook = [], sys.unraisablehook
        sys.unraisablehook = seen.append
        try:
            _Raises()
        finally:
            sys.unraisablehook = hook
        _HOOK_ARGS.append(type(seen[0]))
    return _HOOK_ARGS[0]


class _Raises:
    def __del__(self):
        raise RuntimeError("probe")
