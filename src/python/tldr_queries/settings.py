"""The recording's settings, from the environment tldr gives the runner (see tldr_testrunner.py):

TLDR_N_PLUS_ONE_CONFIG   JSON of ``tests.n_plus_one``: {"enabled", "threshold", "ignore": [{"test"|"site", "reason"}]}
                         (other keys, e.g. "fail", are tldr's and ignored here)
TLDR_QUERY_RECORDING     0 / off / false / no: record nothing (no query counts, no findings)
"""
import json
import os

__all__ = ["Settings", "SettingsError", "IgnoreEntry", "parse", "from_env", "CONFIG_ENV", "SWITCH_ENV", "DEFAULT_THRESHOLD"]

CONFIG_ENV = "TLDR_N_PLUS_ONE_CONFIG"
SWITCH_ENV = "TLDR_QUERY_RECORDING"
DEFAULT_THRESHOLD = 5
_OFF = ("0", "off", "false", "no")


class SettingsError(ValueError):
    pass


class IgnoreEntry:
    """``{test: "app.tests.Case[.test_x]"}`` (a test id or a dotted prefix of one) or
    ``{site: "path/file.py[:line]"}`` (relative to the project folder; without a line: the whole file)."""

    def __init__(self, kind, value, reason, cwd):
        self.kind = kind
        self.value = value
        self.reason = reason
        if kind == "site":
            path, _, line = value.rpartition(":")
            if path and line.isdigit():
                self.path, self.line = path, int(line)
            else:
                self.path, self.line = value, None
            self.path = _project_path(self.path, cwd)

    def matches(self, test_id, path, line):
        if self.kind == "test":
            return test_id == self.value or test_id.startswith(self.value + ".")
        return path == self.path and (self.line is None or self.line == line)

    def as_dict(self):
        return {self.kind: self.value, "reason": self.reason}


def _project_path(path, cwd):
    if os.path.isabs(path):
        path = os.path.relpath(path, cwd)
    return os.path.normpath(path).replace(os.sep, "/")


class Settings:
    def __init__(self, enabled=True, threshold=DEFAULT_THRESHOLD, ignore=()):
        self.enabled = enabled
        self.threshold = threshold
        self.ignore = list(ignore)

    def ignored_by(self, test_id, path, line):
        """The first ignore entry that silences a finding, or None."""
        for entry in self.ignore:
            if entry.matches(test_id, path, line):
                return entry
        return None


def _entry(raw, index, cwd):
    where = "ignore[%d]" % index
    if not isinstance(raw, dict):
        raise SettingsError("%s: expected an object like {\"site\": \"app/views.py:12\", \"reason\": \"…\"}" % where)
    kinds = [k for k in ("test", "site") if k in raw]
    if len(kinds) != 1:
        raise SettingsError("%s: give exactly one of \"test\" or \"site\"" % where)
    kind = kinds[0]
    value, reason = raw.get(kind), raw.get("reason")
    if not isinstance(value, str) or not value.strip():
        raise SettingsError("%s.%s: expected a non-empty string" % (where, kind))
    if not isinstance(reason, str) or not reason.strip():
        raise SettingsError("%s.reason: a reason is required (why this finding is acceptable)" % where)
    return IgnoreEntry(kind, value.strip(), reason.strip(), cwd)


def parse(text, switch=None, cwd=None):
    """Settings from the JSON text of CONFIG_ENV (may be empty) and the SWITCH_ENV value."""
    cwd = cwd or os.getcwd()
    raw = {}
    if text and text.strip():
        try:
            raw = json.loads(text)
        except ValueError as exc:
            raise SettingsError("not JSON: %s" % exc)
        if not isinstance(raw, dict):
            raise SettingsError("expected a JSON object")
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise SettingsError("enabled: expected true or false")
    threshold = raw.get("threshold", DEFAULT_THRESHOLD)
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 2:
        raise SettingsError("threshold: expected a whole number of at least 2, got %r" % (threshold,))
    entries = raw.get("ignore")
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        raise SettingsError("ignore: expected a list")
    ignore = [_entry(item, i, cwd) for i, item in enumerate(entries)]
    if switch is not None and switch.strip().lower() in _OFF:
        enabled = False
    return Settings(enabled, threshold, ignore)


def from_env(environ=None):
    environ = os.environ if environ is None else environ
    return parse(environ.get(CONFIG_ENV, ""), environ.get(SWITCH_ENV))
