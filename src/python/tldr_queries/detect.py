"""One test's recorded queries -> what the runner reports: counts, top shapes, n-plus-one findings.

A finding: one SELECT shape issued from one call site at least ``threshold`` times in the test
method (inside one request when the queries ran in a test-client request, so a test that loops
over URLs is not a finding). Queries of setUp / tearDown / cleanups are counted apart and never
judged. Pure apart from the ``relations`` and ``path`` callables it is given.
"""
from .shape import is_select

__all__ = ["TestQueries", "summarize", "truncate", "SHAPE_MAX_CHARS", "TOP_QUERIES", "MAX_FINDINGS", "MAX_GROUPS"]

SHAPE_MAX_CHARS = 240  # a reported shape; the full one is only ever kept in memory
TOP_QUERIES = 3  # shapes per test event
MAX_FINDINGS = 10  # per test; the rest are counted in findingsOmitted
MAX_GROUPS = 500  # distinct (shape, site, request) per test; more are counted, not told apart


class TestQueries:
    """What one test issued: ``queries`` in the test method, ``setup`` in its setUp/tearDown,
    ``groups`` {(shape, site, request): count} of the test method's queries (site = (file, line) or None)."""

    __slots__ = ("queries", "setup", "groups", "ungrouped")

    def __init__(self):
        self.queries = 0
        self.setup = 0
        self.groups = {}
        self.ungrouped = 0

    def add(self, shape, site, request):
        self.queries += 1
        key = (shape, site, request)
        groups = self.groups
        if key in groups:
            groups[key] += 1
        elif len(groups) < MAX_GROUPS:
            groups[key] = 1
        else:
            self.ungrouped += 1


def truncate(shape, limit=SHAPE_MAX_CHARS):
    return shape if len(shape) <= limit else shape[: limit - 1].rstrip() + "…"


def _location(site, path):
    if site is None:
        return {}
    return {"file": path(site[0]), "line": site[1]}


def _top(groups, path):
    by_shape = {}
    for (shape, site, _request), count in groups.items():
        entry = by_shape.setdefault(shape, {"count": 0, "sites": {}})
        entry["count"] += count
        entry["sites"][site] = entry["sites"].get(site, 0) + count
    ranked = sorted(by_shape.items(), key=lambda item: -item[1]["count"])[:TOP_QUERIES]
    top = []
    for shape, entry in ranked:
        site = max(entry["sites"].items(), key=lambda item: item[1])[0]
        top.append(dict({"shape": truncate(shape), "count": entry["count"]}, **_location(site, path)))
    return top


def _repeats(groups, threshold):
    """{(shape, site): the most times it ran in one request (or outside requests)} at or over threshold."""
    found = {}
    for (shape, site, _request), count in groups.items():
        if count >= threshold and site is not None and is_select(shape):
            key = (shape, site)
            found[key] = max(found.get(key, 0), count)
    return found


def summarize(record, test_id, settings, relations, path):
    """The runner's report of one test: {"queries", "setupQueries", "topQueries", "findings", ...}.

    ``relations()``: the Relations of the installed models (built on the first finding);
    ``path(filename)``: the project-relative path of a file."""
    out = {"queries": record.queries, "setupQueries": record.setup, "topQueries": _top(record.groups, path)}
    if record.ungrouped:
        out["queriesUngrouped"] = record.ungrouped  # counted, yet neither in topQueries nor judged
    repeats = _repeats(record.groups, settings.threshold)
    if not repeats:
        return out
    from .relations import parse

    tables = set()
    for shape, _site, _request in record.groups:
        parts = parse(shape) if is_select(shape) else None
        if parts is not None:
            tables.add(parts.table)
    findings = []
    for (shape, site), count in sorted(repeats.items(), key=lambda item: -item[1]):
        finding = {"code": "n-plus-one", "severity": "warning", "test": test_id}
        finding.update(_location(site, path))
        finding.update({"count": count, "shape": truncate(shape)})
        finding.update(relations().hint(shape, count, tables).as_dict())
        entry = settings.ignored_by(test_id, finding["file"], finding["line"])
        if entry is not None:
            finding["ignored"] = entry.as_dict()
        findings.append(finding)
    kept = findings[:MAX_FINDINGS]
    out["findings"] = kept
    if len(findings) > len(kept):
        out["findingsOmitted"] = len(findings) - len(kept)
    return out

