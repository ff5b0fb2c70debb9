"""Tags (django-taggit, one model of our own) and which article has which; exported by articles.models."""

from django.db import connections, models
from django.db.models.functions import Lower
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.models import TagBase, TaggedItemBase

from .managers import TaggedArticleManager, TagManager
from .reversing import reverse_one


class Tag(TagBase):
    """A tag whose name is unique whatever its case, with a plain ASCII slug; an internal one is
    the newsroom's alone."""

    slug = models.SlugField(_("slug"), unique=True, max_length=100)
    # A tag for the newsroom's own sorting (a feed's name, a file to follow): readers never see it,
    # and TagQuerySet.public() and Article.tags_by_name leave it out of every public page.
    is_internal = models.BooleanField(
        _("internal"), default=False, help_text=_("Reserved for the newsroom: readers never see it.")
    )

    objects = TagManager()

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="tag_name_case_insensitive_unique"),
        ]

    def natural_key(self):
        return (self.name,)

    def slugify(self, tag, i=None):
        slug = slugify(tag)[:90] or "tag"
        return slug if i is None else f"{slug}-{i}"

    def get_absolute_url(self):
        return reverse_one("articles:tag", "slug", self.slug)


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey("articles.Article", on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_articles")
    # The article's Article.date_modified, copied by database triggers (migration
    # 0020_tagged_article_date_modified) whatever writes the article or the tagging: a tag's
    # latest change is then one step into an index (the tags' sitemap), not a sort of its articles.
    date_modified = models.DateTimeField(null=True, editable=False, serialize=False)

    objects = TaggedArticleManager()

    class Meta:
        verbose_name = _("tagged article")
        verbose_name_plural = _("tagged articles")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tag_once_per_article"),
        ]
        # A tag's page and feed go from the tag to its articles without reading the rows.
        indexes = [
            models.Index(fields=["tag", "content_object"], name="tagged_article_by_tag_idx"),
            models.Index(fields=["tag", "-date_modified"], name="tagged_article_lastmod_idx"),
        ]

    def natural_key(self):
        return self.content_object.natural_key() + self.tag.natural_key()

    natural_key.dependencies = ["articles.article", "articles.tag"]

    def __str__(self):
        # What a version of the article records of this tagging: its tag's name then.
        return self.tag.name


# The triggers of migration 0023 on SQLite, which keep TaggedArticle.date_modified equal to its
# article's. A migration that rebuilds a table on SQLite (most AlterField, an AddField without
# null=True) drops its triggers with it: they are made again after every migrate
# (``restore_sqlite_triggers``, apps.py), and the dates copied again.
ARTICLE_DATE = """(SELECT MAX(published_at, COALESCE(modified_at, published_at))
            FROM articles_article WHERE id = NEW.content_object_id)"""
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS articles_taggedarticle_date_modified_insert
    AFTER INSERT ON articles_taggedarticle
    BEGIN
        UPDATE articles_taggedarticle SET date_modified = {ARTICLE_DATE}
        WHERE id = NEW.id;
    END""",  # noqa: S608 -- constant text, no value from outside
    f"""CREATE TRIGGER IF NOT EXISTS articles_taggedarticle_date_modified_update
    AFTER UPDATE OF content_object_id, date_modified ON articles_taggedarticle
    WHEN NEW.date_modified IS NOT {ARTICLE_DATE}
    BEGIN
        UPDATE articles_taggedarticle SET date_modified = {ARTICLE_DATE}
        WHERE id = NEW.id;
    END""",  # noqa: S608 -- as above
    """CREATE TRIGGER IF NOT EXISTS articles_article_tags_date_modified
    AFTER UPDATE OF published_at, modified_at ON articles_article
    WHEN OLD.published_at IS NOT NEW.published_at OR OLD.modified_at IS NOT NEW.modified_at
    BEGIN
        UPDATE articles_taggedarticle
        SET date_modified = MAX(NEW.published_at, COALESCE(NEW.modified_at, NEW.published_at))
        WHERE content_object_id = NEW.id;
    END""",
]
SQLITE_FILL = """UPDATE articles_taggedarticle SET date_modified = (
    SELECT MAX(published_at, COALESCE(modified_at, published_at))
    FROM articles_article WHERE articles_article.id = articles_taggedarticle.content_object_id)"""


def restore_sqlite_triggers(using="default", **kwargs):
    """post_migrate receiver: on SQLite, make any missing date_modified trigger again, and copy the dates."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        table = connection.introspection.get_table_description(cursor, "articles_taggedarticle")
        if "date_modified" not in {column.name for column in table}:  # before migration 0020
            return
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            ["articles_%date_modified%"],
        )
        if cursor.fetchone()[0] == len(SQLITE_TRIGGERS):
            return
        for statement in SQLITE_TRIGGERS:
            cursor.execute(statement)
        cursor.execute(SQLITE_FILL)
