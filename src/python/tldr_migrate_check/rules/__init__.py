"""Every finding code, one module per rule family; importing this package registers them all."""
from . import registry  # noqa: F401
from . import project, columns, removals, renames, indexes, constraints, code, database, observed  # noqa: F401

RULES = registry.RULES
