"""Full-text search on PostgreSQL: unaccent, a French configuration that ignores accents,
and a GIN index over the weighted title, summary and body (articles.search.document_vector).

Nothing happens on other databases, where search falls back to substring matching.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import UnaccentExtension
from django.contrib.postgres.search import SearchVector
from django.db import migrations

CONFIG = "french_unaccent"
INDEX_NAME = "article_search_idx"


def document_vector():
    # The same expression as articles.search.document_vector(), or the index goes unused;
    # tests/test_search.py checks that PostgreSQL's planner picks it.
    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("summary", weight="B", config=CONFIG)
        + SearchVector("body", weight="C", config=CONFIG)
    )


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"""
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{CONFIG}') THEN
                CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = french);
                ALTER TEXT SEARCH CONFIGURATION {CONFIG}
                    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
            END IF;
        END $$;
        """
    )
    Article = apps.get_model("articles", "Article")
    schema_editor.add_index(Article, GinIndex(document_vector(), name=INDEX_NAME))


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")
    schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [
        UnaccentExtension(),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
