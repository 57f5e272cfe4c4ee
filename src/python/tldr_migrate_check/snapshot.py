"""Catalog snapshots of the public schema, compared across the reversibility run."""


# One round trip; every row is (kind, relation, name, detail1, detail2, detail3).
SNAPSHOT_SQL = """
    SELECT 'relation', c.relname::text, '', c.relkind::text, '', ''
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      AND c.relname NOT IN ('django_migrations', 'django_migrations_id_seq')
    UNION ALL
    SELECT 'column', c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod),
           CASE WHEN a.attnotnull THEN 'NOT NULL' ELSE '' END,
           COALESCE(pg_get_expr(d.adbin, d.adrelid), '')
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND a.attnum > 0 AND NOT a.attisdropped AND c.relname <> 'django_migrations'
    UNION ALL
    SELECT 'index', tablename::text, indexname::text, indexdef::text, '', ''
    FROM pg_indexes
    WHERE schemaname = 'public' AND tablename <> 'django_migrations'
    UNION ALL
    SELECT 'constraint', cl.relname::text, co.conname::text,
           regexp_replace(pg_get_constraintdef(co.oid), ' NOT VALID$', ''), '', ''
    FROM pg_constraint co
    JOIN pg_class cl ON cl.oid = co.conrelid
    JOIN pg_namespace n ON n.oid = co.connamespace
    WHERE n.nspname = 'public' AND cl.relname <> 'django_migrations'
"""


def take_snapshot(connection):
    """The public schema (tables, columns, indexes, constraints), without
    django_migrations, as a set of rows. A constraint's NOT VALID is left out:
    VALIDATE CONSTRAINT cannot be undone and changes no rule for new rows."""
    with connection.cursor() as cursor:
        cursor.execute(SNAPSHOT_SQL)
        return frozenset(tuple(row) for row in cursor.fetchall())


RELKINDS = {"r": "table", "p": "table", "v": "view", "m": "materialized view", "S": "sequence", "f": "foreign table"}


def describe_item(item):
    kind, relation, name, one, two, three = item
    if kind == "relation":
        return "%s %s" % (RELKINDS.get(one, "relation"), relation)
    if kind == "column":
        return "column %s.%s (%s%s%s)" % (
            relation,
            name,
            one,
            ", NOT NULL" if two else "",
            ", default %s" % three if three else "",
        )
    if kind == "index":
        return "index %s: %s" % (name, one)
    if kind == "constraint":
        return "constraint %s on %s: %s" % (name, relation, one)
    return repr(item)


def describe_diff(expected, actual, limit=6):
    """Human list of differences between two snapshots."""
    missing = sorted(expected - actual)
    extra = sorted(actual - expected)
    parts = ["missing %s" % describe_item(i) for i in missing] + ["unexpected %s" % describe_item(i) for i in extra]
    text = "; ".join(parts[:limit])
    if len(parts) > limit:
        text += "; and %d more" % (len(parts) - limit)
    tables = sorted({i[1] for i in missing + extra})
    return text, tables
