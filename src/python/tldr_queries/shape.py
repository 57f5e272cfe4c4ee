"""A query's shape: its SQL with literals and parameters removed, so that the queries one line of
code issues in a loop all have the same shape.

    SELECT "a"."id" FROM "a" WHERE "a"."id" = %s LIMIT 21   ->  SELECT "a"."id" FROM "a" WHERE "a"."id" = ? LIMIT ?
    ... WHERE "b"."id" IN (%s, %s, %s)                      ->  ... WHERE "b"."id" IN (...)
    INSERT ... VALUES (%s, %s), (%s, %s)                    ->  INSERT ... VALUES (...)
    SAVEPOINT "s1403_x2"                                    ->  SAVEPOINT ?

Strings (also E'..', dollar-quoted), numbers and placeholders (%s, %(name)s, $1, ?) become ``?``;
comments go; whitespace runs become one space. Quoted identifiers stay: they name the tables and
columns that the relation hints read. Pure, stdlib only.
"""
import re

__all__ = ["normalize", "is_select", "MAX_SQL_CHARS"]

# Longer SQL (a bulk insert of thousands of rows) is shaped from its start: the shape of one
# statement never costs more than this much work, and the cut is marked.
MAX_SQL_CHARS = 8000

# One pass over what changes; words and punctuation are never matched, so they cost nothing.
# Quoted identifiers are matched only to be kept whole (a digit or quote inside one is no literal).
_TOKEN = re.compile(
    r"""
      (?P<ident>"(?:[^"]|"")*"?)
    | (?P<space>\s+|--[^\n]*|/\*.*?(?:\*/|\Z))
    | (?P<literal>
          (?:(?<![\w$])[EeBbXxNnUu]&?)?'(?:[^'\\]|''|\\.)*'?
        | \$(?P<tag>(?:[A-Za-z_]\w*)?)\$.*?(?:\$(?P=tag)\$|\Z)
        | %\(\w+\)s | %s | \$\d+ | \?
        | (?<![\w$.])(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?
      )
    """,
    re.S | re.X,
)


# Without quotes, dollars or comments (nearly all of Django's SQL) literals are just parameters
# and numbers: one substitution with no Python call per match.
_PLAIN_LITERAL = re.compile(r'%\(\w+\)s|%s|\$\d+|\?|(?<![\w$."])(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?')
_NEEDS_TOKENS = ("'", "$", "--", "/*")


def _replace(match):
    kind = match.lastgroup
    if kind == "ident":
        return match.group(0)
    return " " if kind == "space" else "?"


_PLACEHOLDER_TUPLE = r"\(\s*(?:\?|DEFAULT|NULL)(?:\s*,\s*(?:\?|DEFAULT|NULL))*\s*\)"
_IN_LIST = re.compile(r"\bIN\s*\(\s*\?(?:\s*,\s*\?)*\s*\)", re.I)
_ARRAY_LIST = re.compile(r"\bARRAY\s*\[\s*\?(?:\s*,\s*\?)*\s*\]", re.I)
_VALUES_ROWS = re.compile(r"\bVALUES\s*%s(?:\s*,\s*%s)*" % (_PLACEHOLDER_TUPLE, _PLACEHOLDER_TUPLE), re.I)
_SAVEPOINT = re.compile(r'\b(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\s+(?:"(?:[^"]|"")*"|\w+)', re.I)
_SPACES = re.compile(r"\s+")
_SELECT_START = re.compile(r"^\(*\s*(?:SELECT|WITH)\b", re.I)


def normalize(sql):
    """The shape of one SQL text (str or bytes); '' for nothing."""
    if isinstance(sql, bytes):
        sql = sql.decode("utf-8", "replace")
    elif not isinstance(sql, str):
        sql = str(sql)
    cut = len(sql) > MAX_SQL_CHARS
    if cut:
        sql = sql[:MAX_SQL_CHARS]
    if any(mark in sql for mark in _NEEDS_TOKENS):
        shape = _TOKEN.sub(_replace, sql)
    else:
        shape = _PLAIN_LITERAL.sub("?", sql)
    shape = _SPACES.sub(" ", shape).strip()
    upper = shape.upper()  # the passes below only where they can apply
    if "IN (" in upper or "IN(" in upper:
        shape = _IN_LIST.sub("IN (...)", shape)
    if "ARRAY" in upper:
        shape = _ARRAY_LIST.sub("ARRAY[...]", shape)
    if "VALUES" in upper:
        shape = _VALUES_ROWS.sub("VALUES (...)", shape)
    if "SAVEPOINT" in upper:
        shape = _SAVEPOINT.sub(lambda m: "%s ?" % m.group(1).upper(), shape)
    return shape + " …" if cut else shape


def is_select(shape):
    """A read: what select_related / prefetch_related can fold into fewer queries."""
    return bool(_SELECT_START.match(shape))
