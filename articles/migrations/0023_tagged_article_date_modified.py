"""Each tagging holds its article's Article.date_modified (the publication, or a later significant
update), so that a tag's latest change is one step into the index (tag, -date_modified).

Database triggers keep the copy equal to the article whatever writes it: ``save()``,
``QuerySet.update()``, ``bulk_create``, ``loaddata``, taggit's m2m, raw SQL. A tagging takes its
article's value when written (its own value is ignored); a change of an article's ``published_at``
or ``modified_at`` is copied to its taggings. Existing rows are filled here.

Beware: on SQLite, a later migration that rebuilds ``articles_article`` or
``articles_taggedarticle`` (most ``AlterField``) drops their triggers with the old table; such a
migration must create them again (tests/test_sitemaps.py fails if not).
"""

from django.db import migrations, models

POSTGRESQL = [
    """CREATE FUNCTION articles_taggedarticle_date_modified() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        SELECT GREATEST(published_at, COALESCE(modified_at, published_at)) INTO NEW.date_modified
        FROM articles_article WHERE id = NEW.content_object_id;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER articles_taggedarticle_date_modified
    BEFORE INSERT OR UPDATE OF content_object_id, date_modified ON articles_taggedarticle
    FOR EACH ROW EXECUTE FUNCTION articles_taggedarticle_date_modified()""",
    """CREATE FUNCTION articles_article_tags_date_modified() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE articles_taggedarticle
        SET date_modified = GREATEST(NEW.published_at, COALESCE(NEW.modified_at, NEW.published_at))
        WHERE content_object_id = NEW.id;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER articles_article_tags_date_modified
    AFTER UPDATE OF published_at, modified_at ON articles_article
    FOR EACH ROW WHEN (OLD.published_at IS DISTINCT FROM NEW.published_at
        OR OLD.modified_at IS DISTINCT FROM NEW.modified_at)
    EXECUTE FUNCTION articles_article_tags_date_modified()""",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS articles_article_tags_date_modified ON articles_article",
    "DROP FUNCTION IF EXISTS articles_article_tags_date_modified()",
    "DROP TRIGGER IF EXISTS articles_taggedarticle_date_modified ON articles_taggedarticle",
    "DROP FUNCTION IF EXISTS articles_taggedarticle_date_modified()",
]

# SQLite's MAX(a, b) is GREATEST; dates are stored as ISO text, which sorts as they do.
SQLITE = [
    """CREATE TRIGGER articles_taggedarticle_date_modified_insert AFTER INSERT ON articles_taggedarticle
    BEGIN
        UPDATE articles_taggedarticle SET date_modified = (
            SELECT MAX(published_at, COALESCE(modified_at, published_at))
            FROM articles_article WHERE id = NEW.content_object_id)
        WHERE id = NEW.id;
    END""",
    """CREATE TRIGGER articles_taggedarticle_date_modified_update
    AFTER UPDATE OF content_object_id, date_modified ON articles_taggedarticle
    WHEN NEW.date_modified IS NOT (SELECT MAX(published_at, COALESCE(modified_at, published_at))
        FROM articles_article WHERE id = NEW.content_object_id)
    BEGIN
        UPDATE articles_taggedarticle SET date_modified = (
            SELECT MAX(published_at, COALESCE(modified_at, published_at))
            FROM articles_article WHERE id = NEW.content_object_id)
        WHERE id = NEW.id;
    END""",
    """CREATE TRIGGER articles_article_tags_date_modified
    AFTER UPDATE OF published_at, modified_at ON articles_article
    WHEN OLD.published_at IS NOT NEW.published_at OR OLD.modified_at IS NOT NEW.modified_at
    BEGIN
        UPDATE articles_taggedarticle
        SET date_modified = MAX(NEW.published_at, COALESCE(NEW.modified_at, NEW.published_at))
        WHERE content_object_id = NEW.id;
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS articles_article_tags_date_modified",
    "DROP TRIGGER IF EXISTS articles_taggedarticle_date_modified_update",
    "DROP TRIGGER IF EXISTS articles_taggedarticle_date_modified_insert",
]
FILL = """UPDATE articles_taggedarticle SET date_modified = (
    SELECT {greatest}(published_at, COALESCE(modified_at, published_at))
    FROM articles_article WHERE articles_article.id = articles_taggedarticle.content_object_id)"""


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [*POSTGRESQL, FILL.format(greatest="GREATEST")]
    elif vendor == "sqlite":
        statements = [*SQLITE, FILL.format(greatest="MAX")]
    else:
        statements = []
    for statement in statements:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    drops = {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}.get(schema_editor.connection.vendor, [])
    for statement in drops:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("articles", "0022_article_reviews_idx")]

    operations = [
        migrations.AddField(
            model_name="taggedarticle",
            name="date_modified",
            field=models.DateTimeField(editable=False, null=True, serialize=False),
        ),
        migrations.AddIndex(
            model_name="taggedarticle",
            index=models.Index(fields=["tag", "-date_modified"], name="tagged_article_lastmod_idx"),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
