"""What the rules read from RunSQL text: statements, the tables DDL names, data changes, and
constraints or defaults that PostgreSQL must check or evaluate on every row."""
import re

# Functions PostgreSQL marks VOLATILE that people use as column defaults: evaluated per row.
VOLATILE_FUNCTIONS = (
    "random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4",
    "clock_timestamp", "timeofday", "nextval", "txid_current", "pg_current_xact_id",
)

_NAME = r'(?:"(?:[^"]|"")+"|[\w$]+)'
_QUALIFIED = r"(%s(?:\s*\.\s*%s)?)" % (_NAME, _NAME)
_ALTER_TABLE = re.compile(r"^\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?" + _QUALIFIED, re.I)
_CREATE_INDEX_ON = re.compile(
    r"^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(?:%s\s+)?ON\s+(?:ONLY\s+)?%s"
    % (_NAME, _QUALIFIED),
    re.I,
)
_DATA = re.compile(r"^\s*(?:WITH\b.*\b)?(INSERT|UPDATE|DELETE|MERGE|COPY)\b", re.I | re.S)
_ADD_FK = re.compile(r"\bADD\s+(?:CONSTRAINT\s+%s\s+)?FOREIGN\s+KEY\b" % _NAME, re.I)
_ADD_CHECK = re.compile(r"\bADD\s+(?:CONSTRAINT\s+%s\s+)?CHECK\s*\(" % _NAME, re.I)
_NOT_VALID = re.compile(r"\bNOT\s+VALID\b", re.I)
_ADD_COLUMN_DEFAULT = re.compile(
    r"\bADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(%s)\b[^,]*?\bDEFAULT\s+(?:public\.|pg_catalog\.)?(\w+)\s*\(" % _NAME,
    re.I,
)


def sql_texts(sql):
    """RunSQL's ``sql`` (a string, or a list of strings / (sql, params) pairs) as strings."""
    if sql is None:
        return []
    if isinstance(sql, (list, tuple)):
        return [str(item[0] if isinstance(item, (list, tuple)) else item) for item in sql]
    return [str(sql)]


def split_statements(text):
    """Splits SQL at top-level semicolons (quotes, dollar quotes and comments honoured)."""
    out, start, i, n = [], 0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch in ("'", '"'):
            end = text.find(ch, i + 1)
            while end != -1 and text[end + 1 : end + 2] == ch:
                end = text.find(ch, end + 2)
            i = n if end == -1 else end + 1
        elif ch == "-" and text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end == -1 else end + 1
        elif ch == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end == -1 else end + 2
        elif ch == "$":
            match = re.match(r"\$(\w*)\$", text[i:])
            if match:
                end = text.find(match.group(0), i + len(match.group(0)))
                i = n if end == -1 else end + len(match.group(0))
            else:
                i += 1
        elif ch == ";":
            out.append(text[start:i])
            start = i = i + 1
        else:
            i += 1
    out.append(text[start:])
    return [s.strip() for s in (strip_comments(s) for s in out) if s.strip()]


def strip_comments(text):
    return re.sub(r"--[^\n]*|/\*.*?\*/", " ", text, flags=re.S)


def statements(sql):
    result = []
    for text in sql_texts(sql):
        result.extend(split_statements(text))
    return result


def unquote(name):
    """``"Public"."Orders"`` → ``Orders`` (the relation, without its schema)."""
    last = re.split(r'\s*\.\s*(?=(?:[^"]*"[^"]*")*[^"]*$)', name.strip())[-1]
    if last.startswith('"') and last.endswith('"'):
        return last[1:-1].replace('""', '"')
    return last.lower()


def ddl_tables(sql):
    """Tables that DDL statements in ``sql`` alter or index."""
    tables = []
    for statement in statements(sql):
        match = _ALTER_TABLE.match(statement) or _CREATE_INDEX_ON.match(statement)
        if match:
            tables.append(unquote(match.group(1)))
    return tables


def is_data_sql(sql):
    return any(_DATA.match(s) for s in statements(sql))


def validating_constraints(sql, kind):
    """(table, statement) for each ALTER TABLE … ADD [CONSTRAINT] FOREIGN KEY / CHECK without NOT VALID."""
    pattern = _ADD_FK if kind == "foreign key" else _ADD_CHECK
    found = []
    for statement in statements(sql):
        match = _ALTER_TABLE.match(statement)
        if match and pattern.search(statement) and not _NOT_VALID.search(statement):
            found.append((unquote(match.group(1)), statement))
    return found


def volatile_defaults(sql):
    """(table, column, function) for each ALTER TABLE … ADD COLUMN … DEFAULT volatile_function(…)."""
    found = []
    for statement in statements(sql):
        match = _ALTER_TABLE.match(statement)
        if not match:
            continue
        for column in _ADD_COLUMN_DEFAULT.finditer(statement):
            if column.group(2).lower() in VOLATILE_FUNCTIONS:
                found.append((unquote(match.group(1)), unquote(column.group(1)), column.group(2).lower()))
    return found


def snippet(sql, limit=80):
    text = " ".join("; ".join(sql_texts(sql)).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
