"""Tags (django-taggit, one model of our own) and which article has which; exported by articles.models."""

from importlib import import_module

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
    # The article's Article.date_modified and published_at, copied by database triggers
    # (migrations 0023 and 0024) whatever writes the article or the tagging: a tag's latest change
    # is then one step into an index (the tags' sitemap), and a tag's list of articles a walk down
    # another in its order (ArticleQuerySet.narrowed), not a sort of the tag's every article.
    date_modified = models.DateTimeField(null=True, editable=False, serialize=False)
    published_at = models.DateTimeField(null=True, editable=False, serialize=False)

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
            models.Index(fields=["tag", "-published_at", "-content_object"], name="tagged_article_list_idx"),
        ]

    def natural_key(self):
        return self.content_object.natural_key() + self.tag.natural_key()

    natural_key.dependencies = ["articles.article", "articles.tag"]

    def __str__(self):
        # What a version of the article records of this tagging: its tag's name then.
        return self.tag.name


# On SQLite a migration that rebuilds a table (most AlterField, an AddField without null=True)
# drops its triggers with it: those that keep TaggedArticle's and ArticleAuthor's copies of their
# article's dates (migration 0024) are made again after every migrate (apps.py), and the dates copied.
LIST_DATES = "articles.migrations.0024_list_dates"


def restore_sqlite_triggers(using="default", **kwargs):
    """post_migrate receiver: on SQLite, make any missing trigger of LIST_DATES again, and copy the dates."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        table = connection.introspection.get_table_description(cursor, "articles_taggedarticle")
        if "published_at" not in {column.name for column in table}:  # before migration 0024
            return
        list_dates = import_module(LIST_DATES)
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {name for (name,) in cursor.fetchall()}
        missing = [sql for sql in list_dates.SQLITE if list_dates.trigger_name(sql) not in present]
        if not missing:
            return
        for statement in [*missing, *list_dates.fill(connection.vendor)]:
            cursor.execute(statement)
