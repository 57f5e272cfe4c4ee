"""The rule registry: every finding code the helper reports, with its severity and hint (the hint
lives with the rule). Operation rules also name the operation types they judge (subclasses
match); ``walker`` dispatches each operation to them.

Scopes: ``operation`` (a function of one operation), ``migration`` (a function of a whole
migration's summary), ``observation`` (a function of what the scratch run saw), ``project`` and
``database`` (produced by the checks and the reversibility run; registered for their hint).

``observed`` says how the scratch run's observation decides an operation rule's findings:
``confirm`` keeps a finding only when the statements of that migration rewrote its table;
``replace`` drops it whenever the migration was observed (``table-rewrite`` reports what was seen).
"""

RULES = {}


class Rule:
    __slots__ = ("code", "severity", "hint", "finds", "operations", "scope", "observed", "judge", "_classes")

    def __init__(self, code, severity, hint, finds, operations, scope, observed, judge):
        self.code = code
        self.severity = severity
        self.hint = " ".join(hint.split())
        self.finds = finds
        self.operations = tuple(operations)
        self.scope = scope
        self.observed = observed
        self.judge = judge
        self._classes = None

    def classes(self):
        """The operation classes named in ``operations`` that this Django has."""
        if self._classes is None:
            from django.db import migrations

            try:
                from django.contrib.postgres import operations as postgres
            except Exception:  # psycopg not installed
                postgres = None
            found = []
            for name in self.operations:
                cls = getattr(migrations, name, None) or getattr(postgres, name, None)
                if isinstance(cls, type):
                    found.append(cls)
            self._classes = tuple(found)
        return self._classes

    def matches(self, operation):
        return self.scope == "operation" and isinstance(operation, self.classes())

    def describe(self):
        return {
            "code": self.code,
            "severity": self.severity,
            "scope": self.scope,
            "operations": list(self.operations),
            "finds": self.finds,
            "hint": self.hint,
        }


def rule(code, severity, hint, finds, operations=(), scope="operation", observed=None):
    """Registers the decorated function as the rule for ``code``."""

    def register(judge):
        _add(Rule(code, severity, hint, finds, operations, scope, observed, judge))
        return judge

    return register


def declare(code, severity, hint, finds, scope):
    """Registers a code whose findings another module produces (checks, reversibility)."""
    _add(Rule(code, severity, hint, finds, (), scope, None, None))


def _add(entry):
    if entry.code in RULES:
        raise RuntimeError("finding code %r registered twice" % entry.code)
    if entry.severity not in ("error", "warning"):
        raise RuntimeError("%s: severity must be error or warning" % entry.code)
    RULES[entry.code] = entry


def get(code):
    return RULES[code]


def hint(code):
    return RULES[code].hint


def operation_rules(operation):
    return [r for r in RULES.values() if r.matches(operation)]


def of_scope(scope):
    return [r for r in RULES.values() if r.scope == scope]


class Hit:
    """One finding of a rule: the message, and optionally a hint for this case and the table
    whose observed rewrite decides it (``observed`` rules)."""

    __slots__ = ("message", "hint", "table")

    def __init__(self, message, hint=None, table=None):
        self.message = message
        self.hint = hint
        self.table = table
