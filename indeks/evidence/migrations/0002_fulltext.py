"""Full-text index of extracted page text: FTS5 on SQLite, a GIN index on PostgreSQL (vendor-conditional)."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE evidence_pagetext_fts USING fts5("
    "text, content='evidence_pagetext', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER evidence_pagetext_ai AFTER INSERT ON evidence_pagetext BEGIN "
    "INSERT INTO evidence_pagetext_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER evidence_pagetext_ad AFTER DELETE ON evidence_pagetext BEGIN "
    "INSERT INTO evidence_pagetext_fts(evidence_pagetext_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER evidence_pagetext_au AFTER UPDATE ON evidence_pagetext BEGIN "
    "INSERT INTO evidence_pagetext_fts(evidence_pagetext_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO evidence_pagetext_fts(rowid, text) VALUES (new.id, new.text); END",
    "INSERT INTO evidence_pagetext_fts(evidence_pagetext_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS evidence_pagetext_au",
    "DROP TRIGGER IF EXISTS evidence_pagetext_ad",
    "DROP TRIGGER IF EXISTS evidence_pagetext_ai",
    "DROP TABLE IF EXISTS evidence_pagetext_fts",
]


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = 'indonesian'")
            config = "indonesian" if cursor.fetchone() else "simple"
        schema_editor.execute(
            f"CREATE INDEX evidence_pagetext_tsv ON evidence_pagetext USING gin (to_tsvector('{config}'::regconfig, text))"
        )
        schema_editor.execute(
            "CREATE INDEX evidence_document_title_tsv ON evidence_document "
            f"USING gin (to_tsvector('{config}'::regconfig, title || ' ' || number))"
        )


def backward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)
    elif connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS evidence_pagetext_tsv")
        schema_editor.execute("DROP INDEX IF EXISTS evidence_document_title_tsv")


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
