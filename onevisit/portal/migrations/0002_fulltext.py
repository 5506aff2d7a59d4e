"""The full-text index of the search entries: an FTS5 table kept in step by triggers on
SQLite; a GIN index over the weighted tsvector on PostgreSQL (the expression the search
queries with)."""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE portal_search_fts USING fts5(
        title_index, body_index, content='portal_searchentry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER portal_search_ai AFTER INSERT ON portal_searchentry BEGIN
        INSERT INTO portal_search_fts(rowid, title_index, body_index)
        VALUES (new.id, new.title_index, new.body_index);
    END""",
    """CREATE TRIGGER portal_search_ad AFTER DELETE ON portal_searchentry BEGIN
        INSERT INTO portal_search_fts(portal_search_fts, rowid, title_index, body_index)
        VALUES ('delete', old.id, old.title_index, old.body_index);
    END""",
    """CREATE TRIGGER portal_search_au AFTER UPDATE ON portal_searchentry BEGIN
        INSERT INTO portal_search_fts(portal_search_fts, rowid, title_index, body_index)
        VALUES ('delete', old.id, old.title_index, old.body_index);
        INSERT INTO portal_search_fts(rowid, title_index, body_index)
        VALUES (new.id, new.title_index, new.body_index);
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS portal_search_au",
    "DROP TRIGGER IF EXISTS portal_search_ad",
    "DROP TRIGGER IF EXISTS portal_search_ai",
    "DROP TABLE IF EXISTS portal_search_fts",
]
POSTGRES = [
    """CREATE INDEX portal_search_gin ON portal_searchentry USING gin (
        (setweight(to_tsvector('simple', title_index), 'A') ||
         setweight(to_tsvector('simple', body_index), 'B')))"""
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS portal_search_gin"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
