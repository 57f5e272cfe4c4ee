"""Source lines of a migration's operations, read from its file with ``ast`` (Django keeps none)."""
import ast

from .document import log


def _statements(body):
    """Statements of a class body, descending into if/try/with/for blocks but
    not into nested functions or classes."""
    for node in body:
        yield node
        for attr in ("body", "orelse", "finalbody"):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                break
            inner = getattr(node, attr, None)
            if isinstance(inner, list):
                for sub in _statements(inner):
                    yield sub
        for handler in getattr(node, "handlers", None) or []:
            for sub in _statements(handler.body):
                yield sub


def _call_name(node):
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute):
            return func.attr
        if isinstance(func, ast.Name):
            return func.id
    return None


def _literal_elements(node):
    if isinstance(node, (ast.List, ast.Tuple)) and not any(
        isinstance(e, ast.Starred) for e in node.elts
    ):
        return node.elts
    return None


class OpLocations:
    """Maps an operation (by position, nested positions for
    SeparateDatabaseAndState.database_operations) to its line number."""

    def __init__(self, path):
        self.path = path
        self.tree = None
        self.assignments = []
        self._cache = {}
        if not path or not path.endswith(".py"):
            return
        try:
            with open(path, encoding="utf-8") as fh:
                self.tree = ast.parse(fh.read(), filename=path)
        except (OSError, SyntaxError, ValueError) as exc:
            log("cannot parse %s: %s" % (path, exc))
            return
        classes = [n for n in self.tree.body if isinstance(n, ast.ClassDef) and n.name == "Migration"]
        if not classes:
            return
        for node in _statements(classes[-1].body):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "operations" for t in node.targets
            ):
                self.assignments.append(node)
            elif (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and node.target.id == "operations"
                and node.value is not None
            ):
                self.assignments.append(node)
        self.class_line = classes[-1].lineno

    @staticmethod
    def _match(elements, ops):
        if elements is None or len(elements) != len(ops):
            return False
        for elt, op in zip(elements, ops):
            name = _call_name(elt)
            if name is not None and name != type(op).__name__:
                return False
        return True

    def lines(self, ops):
        """[(line, nested)] for the runtime ``ops``; nested is the same
        structure for SeparateDatabaseAndState database operations."""
        fallback = None
        if self.assignments:
            fallback = self.assignments[-1].lineno
        elif self.tree is not None and hasattr(self, "class_line"):
            fallback = self.class_line
        chosen = None
        for assign in self.assignments:
            elements = _literal_elements(assign.value)
            if self._match(elements, ops):
                chosen = elements
                break
        if chosen is None:
            for assign in self.assignments:
                elements = _literal_elements(assign.value)
                if elements is not None and len(elements) == len(ops):
                    chosen = elements
                    break
        return self._build(chosen, ops, fallback)

    def _build(self, elements, ops, fallback):
        result = []
        for index, op in enumerate(ops):
            node = elements[index] if elements is not None else None
            line = node.lineno if node is not None else fallback
            nested = None
            inner_ops = getattr(op, "database_operations", None)
            if type(op).__name__ == "SeparateDatabaseAndState" and inner_ops is not None:
                inner_elements = None
                if isinstance(node, ast.Call):
                    value = None
                    for kw in node.keywords:
                        if kw.arg == "database_operations":
                            value = kw.value
                    if value is None and node.args:
                        value = node.args[0]
                    candidate = _literal_elements(value) if value is not None else None
                    if candidate is not None and len(candidate) == len(inner_ops):
                        inner_elements = candidate
                nested = self._build(inner_elements, inner_ops, line)
            result.append((line, nested))
        return result

