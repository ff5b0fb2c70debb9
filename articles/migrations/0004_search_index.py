"""Full-text search on PostgreSQL.

The ``unaccent`` extension; a ``french_unaccent`` text search configuration
(French stemming, accents ignored); a trigger that keeps
``Article.search_document`` equal to the weighted title (A), summary (B) and
body (C) whatever way a row is written; and a GIN index on that column.
On other databases only the (empty) column is added: search falls back to
substring matching there (articles.search).
"""

import django.contrib.postgres.search
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

CREATE = """
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION french_unaccent
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
    END IF;
END $$;

CREATE FUNCTION articles_article_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_document :=
        setweight(to_tsvector('french_unaccent', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('french_unaccent', coalesce(NEW.summary, '')), 'B')
        || setweight(to_tsvector('french_unaccent', coalesce(NEW.body, '')), 'C');
    RETURN NEW;
END $$;

CREATE TRIGGER articles_article_search_document
    BEFORE INSERT OR UPDATE OF title, summary, body, search_document ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_document();

UPDATE articles_article SET title = title;

CREATE INDEX article_search_idx ON articles_article USING gin (search_document);
"""

DROP = """
DROP INDEX IF EXISTS article_search_idx;
DROP TRIGGER IF EXISTS articles_article_search_document ON articles_article;
DROP FUNCTION IF EXISTS articles_article_search_document();
DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent;
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_roles")]

    operations = [
        UnaccentExtension(),
        migrations.AddField(
            model_name="article",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True, serialize=False
            ),
        ),
        migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP)),
    ]
