"""Is this manage.py Django's own template, and which settings module does it set?

Setting Django up before manage.py runs gives the same result only when manage.py does nothing
before ``execute_from_command_line`` but set ``DJANGO_SETTINGS_MODULE`` with
``os.environ.setdefault``: any other statement (loading a .env file, changing sys.path, starting
coverage) could change what the settings see. ``inspect`` accepts exactly the shapes of
``django-admin startproject``'s templates (Django 1.x to 5.x) and names the first statement that
is not one of them.
"""
import ast
import os

__all__ = ["Template", "inspect", "settings_module"]


class Template:
    """What ``inspect`` found: ``standard`` (bool), ``settings`` (the setdefault literal or None),
    ``reason`` (why it is not standard, with the line)."""

    def __init__(self, standard, settings, reason):
        self.standard = standard
        self.settings = settings
        self.reason = reason

    def __repr__(self):
        return "Template(standard=%r, settings=%r, reason=%r)" % (self.standard, self.settings, self.reason)


class _NotStandard(Exception):
    pass


def inspect(path):
    """Reads and checks ``path``; a missing or unparsable file is not standard."""
    try:
        with open(path, "rb") as fh:
            source = fh.read()
        tree = ast.parse(source, filename=path)
    except (OSError, SyntaxError, ValueError) as exc:
        return Template(False, None, "cannot read %s: %s" % (os.path.basename(path), exc))
    found = {"settings": None}
    try:
        _module_body(tree.body, found)
    except _NotStandard as exc:
        return Template(False, found["settings"], str(exc))
    return Template(True, found["settings"], None)


def settings_module(environ, template):
    """``DJANGO_SETTINGS_MODULE`` as manage.py would leave it: the environment's value wins over
    the template's setdefault literal (that is what setdefault does); None when neither has one."""
    value = environ.get("DJANGO_SETTINGS_MODULE")
    if value:
        return value
    return template.settings


def _refuse(node, what):
    raise _NotStandard("manage.py line %d: %s runs before Django starts" % (getattr(node, "lineno", 0), what))


def _is_docstring(node):
    return isinstance(node, ast.Expr) and isinstance(_constant(node.value), str)


def _constant(node):
    # ast.Str on 3.7; ast.Constant from 3.8
    if isinstance(node, ast.Constant):
        return node.value
    return getattr(node, "s", None) if node.__class__.__name__ == "Str" else None


def _module_body(body, found):
    for node in body:
        if _is_docstring(node) or _is_plain_import(node) or _is_execute_import(node):
            continue
        if isinstance(node, ast.FunctionDef) and node.name == "main":
            if node.decorator_list or node.args.args or node.args.vararg or node.args.kwarg:
                _refuse(node, "a main() with decorators or arguments")
            _main_body(node.body, found)
            continue
        if _is_main_guard(node):
            if node.orelse:
                _refuse(node, "an else branch of the __main__ guard")
            if len(node.body) == 1 and _is_call_of(node.body[0], "main"):
                continue
            _main_body(node.body, found)
            continue
        _refuse(node, "`%s`" % _describe(node))


def _main_body(body, found):
    for node in body:
        if _is_docstring(node):
            continue
        setting = _settings_setdefault(node)
        if setting is not None:
            found["settings"] = setting
            continue
        if _is_execute_import(node):
            continue
        if isinstance(node, ast.Try) and all(_is_execute_import(n) for n in node.body) and not node.orelse and not node.finalbody:
            # Only reached when Django cannot be imported: then the bootstrap cannot start it either.
            continue
        if _is_call_of(node, "execute_from_command_line", argv=True):
            continue
        _refuse(node, "`%s`" % _describe(node))


def _is_plain_import(node):
    return isinstance(node, ast.Import) and all(a.name in ("os", "sys") and a.asname is None for a in node.names)


def _is_execute_import(node):
    return (
        isinstance(node, ast.ImportFrom)
        and node.module == "django.core.management"
        and node.level == 0
        and [(a.name, a.asname) for a in node.names] == [("execute_from_command_line", None)]
    )


def _is_main_guard(node):
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    test = node.test
    return (
        isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Eq)
        and _constant(test.comparators[0]) == "__main__"
    )


def _is_call_of(node, name, argv=False):
    if not isinstance(node, ast.Expr) or not isinstance(node.value, ast.Call):
        return False
    call = node.value
    if not isinstance(call.func, ast.Name) or call.func.id != name or call.keywords:
        return False
    if not argv:
        return not call.args
    return len(call.args) == 1 and _is_attr(call.args[0], "sys", "argv")


def _is_attr(node, owner, name):
    return isinstance(node, ast.Attribute) and node.attr == name and isinstance(node.value, ast.Name) and node.value.id == owner


def _settings_setdefault(node):
    """The literal of ``os.environ.setdefault("DJANGO_SETTINGS_MODULE", "<literal>")``, else None."""
    if not isinstance(node, ast.Expr) or not isinstance(node.value, ast.Call):
        return None
    call = node.value
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "setdefault" and _is_attr(func.value, "os", "environ")):
        return None
    if call.keywords or len(call.args) != 2 or _constant(call.args[0]) != "DJANGO_SETTINGS_MODULE":
        return None
    value = _constant(call.args[1])
    return value if isinstance(value, str) and value else None


def _describe(node):
    try:
        text = ast.unparse(node)  # 3.9+
    except AttributeError:
        text = type(node).__name__
    first = text.strip().splitlines()[0] if text.strip() else type(node).__name__
    return first if len(first) <= 80 else first[:77] + "..."
