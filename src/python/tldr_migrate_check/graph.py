"""The migration graph as the checks need it: plan order, files, closures, lint states."""
import os
import sys

from .project import rel


def plan_order(graph):
    """A stable position for every node: leaves' forward plans, one after the other."""
    order = {}
    for leaf in sorted(graph.leaf_nodes()):
        for node in graph.forwards_plan(leaf):
            if node not in order:
                order[node] = len(order)
    for node in sorted(graph.nodes):
        order.setdefault(node, len(order))
    return order


def closure(graph, keys, attr):
    result = set()
    stack = list(keys)
    while stack:
        key = stack.pop()
        if key in result:
            continue
        result.add(key)
        stack.extend(n.key for n in getattr(graph.node_map[key], attr))
    return result


def descendants(graph, keys):
    """``keys`` and everything that depends on them."""
    return closure(graph, keys, "children")


def ancestors(graph, keys):
    """``keys`` and everything they depend on."""
    return closure(graph, keys, "parents")


def is_third_party(path):
    if not path:
        return True
    parts = os.path.realpath(path).replace(os.sep, "/").split("/")
    return "site-packages" in parts or "dist-packages" in parts


class Graph:
    def __init__(self, loader):
        self.loader = loader
        self.graph = loader.graph
        self.order = plan_order(loader.graph)
        self._files = {}

    def migration(self, key):
        return self.graph.nodes.get(key)

    def migration_file(self, key):
        if key not in self._files:
            self._files[key] = self._migration_file(key)
        return self._files[key]

    def _migration_file(self, key):
        migration = self.graph.nodes.get(key)
        if migration is None:
            return None
        module = sys.modules.get(type(migration).__module__)
        path = getattr(module, "__file__", None)
        if path and path.endswith(".pyc"):
            source = path[:-1]
            path = source if os.path.exists(source) else path
        return path

    def migrations_dir(self, app_label):
        from django.apps import apps
        from django.db.migrations.loader import MigrationLoader

        module_name, _ = MigrationLoader.migrations_module(app_label)
        if module_name:
            module = sys.modules.get(module_name)
            if module is not None:
                path = getattr(module, "__file__", None)
                if path:
                    return rel(os.path.dirname(path))
                paths = list(getattr(module, "__path__", []) or [])
                if paths:
                    return rel(paths[0])
        try:
            return rel(os.path.join(apps.get_app_config(app_label).path, "migrations"))
        except LookupError:
            return None


class LintStates:
    """Project state just before each checked migration. Checked migrations come in plan order,
    so the state left by the previous one is reused when it holds only ancestors of the next:
    the missing ancestors are applied to it (linear instead of quadratic in the migrations)."""

    def __init__(self, graph):
        self.graph = graph
        self.state = None
        self.applied = set()
        self.maximal = set()

    def before(self, key):
        graph = self.graph.graph
        if self.state is not None and key not in self.applied:
            missing, hits = set(), set()
            stack = [p.key for p in graph.node_map[key].parents]
            while stack:
                node = stack.pop()
                if node in self.applied:
                    hits.add(node)
                elif node not in missing:
                    missing.add(node)
                    stack.extend(p.key for p in graph.node_map[node].parents)
            # every newest applied node must be an ancestor of ``key``
            if self.maximal <= hits:
                for node in sorted(missing, key=self.graph.order.get):
                    graph.nodes[node].mutate_state(self.state, preserve=False)
                    self.note_applied(node)
                return self.state
        self.state = self.graph.loader.project_state(key, at_end=False)
        self.applied = set(graph.forwards_plan(key))
        self.applied.discard(key)
        self.maximal = {n for n in self.applied if not any(c.key in self.applied for c in graph.node_map[n].children)}
        return self.state

    def note_applied(self, node):
        self.applied.add(node)
        self.maximal.difference_update(p.key for p in self.graph.graph.node_map[node].parents)
        self.maximal.add(node)

    def forget(self):
        """The state may be half-mutated (a rule or state_forwards raised)."""
        self.state = None
