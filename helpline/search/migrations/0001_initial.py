"""Full-text indexes: SQLite FTS5 in the embedded shape, tsvector + GIN on PostgreSQL."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_ticket_fts USING fts5("
    "account, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_contact_fts USING fts5("
    "account, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')",
]
SQLITE_REVERSE = ["DROP TABLE IF EXISTS search_ticket_fts", "DROP TABLE IF EXISTS search_contact_fts"]

POSTGRES = [
    "CREATE TABLE IF NOT EXISTS search_ticket_doc ("
    " ticket_id bigint PRIMARY KEY, account_id bigint NOT NULL, document tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS search_ticket_doc_gin ON search_ticket_doc USING gin (document)",
    "CREATE INDEX IF NOT EXISTS search_ticket_doc_account ON search_ticket_doc (account_id, ticket_id DESC)",
    "CREATE TABLE IF NOT EXISTS search_contact_doc ("
    " contact_id bigint PRIMARY KEY, account_id bigint NOT NULL, document tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS search_contact_doc_gin ON search_contact_doc USING gin (document)",
]
POSTGRES_REVERSE = ["DROP TABLE IF EXISTS search_ticket_doc", "DROP TABLE IF EXISTS search_contact_doc"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
