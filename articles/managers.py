"""The articles' managers and querysets: ``ArticleQuerySet.published()``, the one rule of what the
public sees, with ``scheduled()`` and ``expiring()``; the natural-key managers; and querysets whose
bulk writes announce themselves.

``save()`` and ``delete()`` send Django's ``post_save`` and ``post_delete``, but
``QuerySet.update()``, ``bulk_create()`` and ``bulk_update()`` (which goes through
``update()``) send nothing. Every model a public page shows uses ``ContentQuerySet``,
which sends ``rows_written`` after such a write, so that whoever must know (the page
cache, articles.caching) hears of every write path but raw SQL through one signal.
"""

import contextvars

from django.db import models
from django.dispatch import Signal
from django.utils import timezone

# Sent with sender=<model class>, using=<database alias> and ``changes`` after a bulk write:
# the rows written, as (before, after) pairs of their WRITE_SCOPE columns (a dict, or the
# instance written; None for a row created or deleted), or None when not known (more than
# SCOPE_LIMIT rows, a value computed by the database, a model with no scope): the page cache
# (articles.cache_scope) then forgets everything.
rows_written = Signal()

# The columns that say which public pages a row is on, by model: the article's status and story,
# or the article (and tag) a part belongs to. Read before a write, in one small query.
WRITE_SCOPE = {
    "articles.Article": ("pk", "status", "story_id"),
    "articles.TaggedArticle": ("content_object_id", "tag_id"),
    "articles.ImageCredit": ("article_id",),
    "articles.SourceLink": ("article_id",),
    "articles.PermalinkRedirect": ("article_id",),
    "articles.Correction": ("article_id",),
    "articles.ArticleAuthor": ("article_id",),
    "articles.SourceUpdate": ("article_id",),
}
SCOPE_LIMIT = 100
# Set while bulk_update() runs its update()s: it sends one signal for the lot.
_quiet = contextvars.ContextVar("rows_written_quiet", default=False)


def is_computed(value):
    return hasattr(value, "resolve_expression")


class ContentQuerySet(models.QuerySet):
    def scope_rows(self):
        """The WRITE_SCOPE columns of the rows this queryset matches, or None: more than SCOPE_LIMIT."""
        fields = WRITE_SCOPE.get(self.model._meta.label)
        if not fields:
            return None
        rows = list(self.order_by().values(*fields)[: SCOPE_LIMIT + 1])
        return rows if len(rows) <= SCOPE_LIMIT else None

    def update(self, **kwargs):
        before = None if _quiet.get() else self.scope_rows()
        count = super().update(**kwargs)
        if count and not _quiet.get():
            changes = None
            values = {self.model._meta.get_field(name).attname: value for name, value in kwargs.items()}
            if before is not None and not any(is_computed(value) for value in values.values()):
                values = {name: getattr(value, "pk", value) for name, value in values.items()}
                changes = [(row, {**row, **{k: v for k, v in values.items() if k in row}}) for row in before]
            rows_written.send(sender=self.model, using=self.db, changes=changes)
        return count

    update.alters_data = True

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        before = self.filter(pk__in=[obj.pk for obj in objs]).scope_rows()
        token = _quiet.set(True)
        try:
            count = super().bulk_update(objs, fields, batch_size=batch_size)
        finally:
            _quiet.reset(token)
        if count:
            changes = None
            attnames = {self.model._meta.get_field(name).attname for name in fields}
            if before is not None:
                by_pk = {obj.pk: obj for obj in objs}
                changes = [
                    (row, {**row, **{name: getattr(by_pk[row["pk"]], name) for name in attnames & set(row)}})
                    for row in before
                ]
                if any(is_computed(value) for _, after in changes for value in after.values()):
                    changes = None
            rows_written.send(sender=self.model, using=self.db, changes=changes)
        return count

    bulk_update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            changes = [(None, obj) for obj in created] if len(created) <= SCOPE_LIMIT * 10 else None
            rows_written.send(sender=self.model, using=self.db, changes=changes)
        return created

    bulk_create.alters_data = True

    def delete(self):
        before = self.scope_rows()
        deleted = super().delete()
        if deleted[0]:
            changes = None if before is None else [(row, None) for row in before]
            rows_written.send(sender=self.model, using=self.db, changes=changes)
        return deleted

    delete.alters_data = True
    delete.queryset_only = True


ContentManager = models.Manager.from_queryset(ContentQuerySet)

# The order of a list narrowed() by a join, newest first: the names its anchors filter by.
NARROWED_ORDER = ("list_date", "list_key")


class ArticleQuerySet(ContentQuerySet):
    def published(self, now=None):
        """What the public may see: the one rule every public page goes through.

        Published, its publication time reached and its expiry time (if any) not yet:
        a scheduled article appears, and an expiring one disappears, by itself. ``now``, when
        given, is the moment (articles.prepared builds the query with a stand-in).
        """
        now = now or timezone.now()
        return self.filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now),
            status=self.model.Status.PUBLISHED,
            published_at__lte=now,
        )

    def narrowed(self, now, **lookups):
        """Articles of a list narrowed by a join, newest first by the join's own copy of their
        ``published_at`` and id: ``narrowed(now, taggedarticle__tag=tag)``, or
        ``bylines__person=person``; lookups through one join, whose rows hold their article's
        publication time (kept by the database, migration 0024). The database walks that join's
        index (tag, -published_at, -article) from ``now`` down, and stops at a page's rows;
        ordered by the article's own columns, SQLite read and sorted the tag's every article.
        One filter() call, so that the order, its anchors (NARROWED_ORDER) and the narrowing are
        the same row of the join."""
        (join,) = {path.partition("__")[0] for path in lookups}
        through = self.model._meta.get_field(join).related_model
        article = next(field for field in through._meta.concrete_fields if field.related_model is self.model)
        date, key = NARROWED_ORDER
        return (
            self.filter(**lookups, **{f"{join}__published_at__lte": now})
            .alias(**{date: models.F(f"{join}__published_at"), key: models.F(f"{join}__{article.attname}")})
            .order_by(f"-{date}", f"-{key}")
        )

    def withdrawn(self):
        """Articles taken off the site with a public notice: their address answers 410 with it.
        Never public (a new publication clears the notice: articles.workflow.prepare)."""
        Status = self.model.Status
        return self.filter(withdrawn_at__isnull=False, status__in=(Status.UNPUBLISHED, Status.ARCHIVED))

    # An article published for later appears by itself at its publication time, and one that
    # expires disappears by itself at its expiry time: "still to come" is one condition on
    # either moment, written here and in Article.moment_to_come.

    def moment_to_come(self, field, now=None):
        """Published articles whose ``field`` moment is still to come."""
        return self.filter(status=self.model.Status.PUBLISHED, **{f"{field}__gt": now or timezone.now()})

    def scheduled(self):
        """Published for later: readers see them once their publication time comes."""
        return self.moment_to_come("published_at")

    def expiring(self):
        """Published with an expiry time to come (scheduled ones included): they leave the site then."""
        return self.moment_to_come("expires_at")

    def next_visibility_change(self, now):
        """The next moment after ``now`` that published() answers differently by itself, or None:
        a scheduled article's time, or a public article's expiry. Two index lookups."""
        moments = [
            self.moment_to_come(field, now).order_by(field).values_list(field, flat=True).first()
            for field in ("published_at", "expires_at")
        ]
        return min((moment for moment in moments if moment is not None), default=None)

    def with_card_data(self):
        """Everything a list of articles shows, in the rows' own query: the image by a join, the
        tags as JSON (with_tags)."""
        return self.select_related("image").with_tags()

    def with_tags(self):
        """The tags of every article as JSON in the rows' own query (articles.embedded, read back by
        Article.tags_by_name)."""
        from .embedded import embed

        tagged = self.model._meta.get_field("tags").remote_field.through
        return self.annotate(embedded_tags=embed(tagged, "content_object", TAG_FIELDS))

    def cards(self, *fields):
        """with_card_data() and the bylines, reading only the columns a card shows (CARD_FIELDS, the
        image's, and ``fields``): converting the others, dates above all, cost more than reading the rows."""
        image_credit = self.model._meta.get_field("image").related_model
        image_fields = (f"image__{field.name}" for field in image_credit._meta.concrete_fields)
        card = (*CARD_FIELDS, "stored_cards", *fields, *image_fields)
        return self.with_card_data().with_bylines().only(*card)

    def with_bylines(self):
        """The authors of every article, in order, in the rows' own query (Article.byline)."""
        from .embedded import embed, fields_of

        bylines = self.model._meta.get_field("bylines").related_model
        person = bylines._meta.get_field("person").related_model
        people = fields_of(person, "person__")
        return self.annotate(embedded_bylines=embed(bylines, "article", ["position", "id", *people]))

    def with_page_data(self):
        """Everything an article's page shows of its own rows, in the article's own query: the card's,
        the reviewer, and as JSON its links with their last check, its public notes and the notices
        of its cited study's retraction or withdrawal; Article.unpack_page_data() reads them back."""
        from .embedded import embed, fields_of

        links = self.model._meta.get_field("links").related_model
        corrections = self.model._meta.get_field("corrections").related_model
        updates = self.model._meta.get_field("source_updates").related_model
        link_check = links._meta.get_field("link_check").related_model
        return (
            self.with_card_data()
            .with_bylines()
            .select_related("reviewed_by")
            .annotate(
                embedded_links=embed(
                    links, "article", fields_of(links) + fields_of(link_check, "link_check__")
                ),
                embedded_corrections=embed(corrections, "article", fields_of(corrections)),
                embedded_retractions=embed(updates, "article", fields_of(updates), kind=updates.PUBLIC_KINDS),
            )
        )

    def review_due(self, today=None):
        """Public articles whose next medical review has come: the editors' queue « Relecture due »."""
        return self.published().filter(next_review_on__lte=today or timezone.localdate())


# What a card shows of an article (templates/jinja2/includes/articles.html).
CARD_FIELDS = ("title", "permalink", "published_at", "summary")
# What the pages show of a tag (Article.tags_by_name).
TAG_FIELDS = ("tag__id", "tag__name", "tag__slug", "tag__is_internal")


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_by_natural_key(self, permalink):
        return self.get(permalink=permalink)


class TagQuerySet(ContentQuerySet):
    def used_by(self, articles):
        """Tags that at least one of ``articles`` has: one EXISTS through the tagging's index."""
        return self.filter(models.Exists(articles.filter(tags=models.OuterRef("pk"))))

    def for_readers(self):
        """Tags readers may be shown at all: not the newsroom's internal ones."""
        return self.filter(is_internal=False)

    def public(self, now=None):
        """Tags readers may see: not internal, and those of at least one public article
        (ArticleQuerySet.published(), at ``now`` when given). A tag typed on a draft stays unknown
        to the public until an article using it is public; an internal tag stays unknown for good."""
        from .models import Article

        # The tag's newest public article, down its own list's index (ArticleQuerySet.narrowed):
        # found at the first public row. As an EXISTS, PostgreSQL joined by hashing every
        # tagging of the tag first (« France » at 1,000,000 articles: 83,000 rows, 14.5 ms).
        now = now or timezone.now()
        newest = Article.objects.published(now).narrowed(now, taggedarticle__tag=models.OuterRef("pk"))
        newest = models.Subquery(newest.values("pk")[:1])
        return self.for_readers().alias(newest_public=newest).filter(newest_public__isnull=False)


class TagManager(models.Manager.from_queryset(TagQuerySet)):
    def get_by_natural_key(self, name):
        return self.get(name__iexact=name)


class TaggedArticleManager(ContentManager):
    def get_by_natural_key(self, permalink, tag_name):
        return self.get(content_object__permalink=permalink, tag__name__iexact=tag_name)


class ByArticleManager(ContentManager):
    def get_by_natural_key(self, permalink, *rest):
        return self.get(
            article__permalink=permalink, **dict(zip(self.model.natural_key_fields, rest, strict=True))
        )


class PermalinkRedirectManager(ContentManager):
    def get_by_natural_key(self, old_permalink):
        return self.get(old_permalink=old_permalink)
