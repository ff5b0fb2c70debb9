"""Full-text search on SQLite: what migration 0004 does on PostgreSQL.

Two FTS5 tables with the ``unicode61`` tokenizer and ``remove_diacritics 2``,
so that case and accents are ignored (« etude » finds « Étude »):

- ``articles_article_search`` (title, summary, body), external content over
  ``articles_article``: it holds only the index, not a second copy of the text;
- ``articles_tag_search`` (name), external content over ``articles_tag``.

Triggers on both tables keep the indexes equal to the rows whatever way a row
is written: ``save()``, ``QuerySet.update()``, ``bulk_create``, ``loaddata``,
raw SQL. Existing rows are indexed here. On PostgreSQL this migration does nothing.

Beware: on SQLite, a later migration that rebuilds ``articles_article`` or
``articles_tag`` (most ``AlterField``) drops their triggers with the old table;
such a migration must create them again (tests/test_search.py fails if not).
"""

from django.db import migrations

TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'"

CREATE = [
    f"""CREATE VIRTUAL TABLE articles_article_search USING fts5(
        title, summary, body, content = 'articles_article', content_rowid = 'id', {TOKENIZE})""",
    """CREATE TRIGGER articles_article_search_insert AFTER INSERT ON articles_article BEGIN
        INSERT INTO articles_article_search (rowid, title, summary, body)
        VALUES (new.id, new.title, new.summary, new.body);
    END""",
    """CREATE TRIGGER articles_article_search_delete AFTER DELETE ON articles_article BEGIN
        INSERT INTO articles_article_search (articles_article_search, rowid, title, summary, body)
        VALUES ('delete', old.id, old.title, old.summary, old.body);
    END""",
    """CREATE TRIGGER articles_article_search_update AFTER UPDATE OF id, title, summary, body
    ON articles_article
    WHEN old.id IS NOT new.id OR old.title IS NOT new.title
        OR old.summary IS NOT new.summary OR old.body IS NOT new.body
    BEGIN
        INSERT INTO articles_article_search (articles_article_search, rowid, title, summary, body)
        VALUES ('delete', old.id, old.title, old.summary, old.body);
        INSERT INTO articles_article_search (rowid, title, summary, body)
        VALUES (new.id, new.title, new.summary, new.body);
    END""",
    f"""CREATE VIRTUAL TABLE articles_tag_search USING fts5(
        name, content = 'articles_tag', content_rowid = 'id', {TOKENIZE})""",
    """CREATE TRIGGER articles_tag_search_insert AFTER INSERT ON articles_tag BEGIN
        INSERT INTO articles_tag_search (rowid, name) VALUES (new.id, new.name);
    END""",
    """CREATE TRIGGER articles_tag_search_delete AFTER DELETE ON articles_tag BEGIN
        INSERT INTO articles_tag_search (articles_tag_search, rowid, name) VALUES ('delete', old.id, old.name);
    END""",
    """CREATE TRIGGER articles_tag_search_update AFTER UPDATE OF id, name ON articles_tag
    WHEN old.id IS NOT new.id OR old.name IS NOT new.name
    BEGIN
        INSERT INTO articles_tag_search (articles_tag_search, rowid, name) VALUES ('delete', old.id, old.name);
        INSERT INTO articles_tag_search (rowid, name) VALUES (new.id, new.name);
    END""",
    # The rows already there.
    "INSERT INTO articles_article_search (articles_article_search) VALUES ('rebuild')",
    "INSERT INTO articles_tag_search (articles_tag_search) VALUES ('rebuild')",
]

DROP = [
    "DROP TRIGGER IF EXISTS articles_article_search_insert",
    "DROP TRIGGER IF EXISTS articles_article_search_delete",
    "DROP TRIGGER IF EXISTS articles_article_search_update",
    "DROP TABLE IF EXISTS articles_article_search",
    "DROP TRIGGER IF EXISTS articles_tag_search_insert",
    "DROP TRIGGER IF EXISTS articles_tag_search_delete",
    "DROP TRIGGER IF EXISTS articles_tag_search_update",
    "DROP TABLE IF EXISTS articles_tag_search",
]


def on_sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_ingest_sources")]

    operations = [migrations.RunPython(on_sqlite(CREATE), on_sqlite(DROP))]
