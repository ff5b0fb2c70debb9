"""The newsroom's content: articles, their tags, image credit and source links.

``Article`` and ``ImageCredit`` are defined here; the other models live beside them and are
exported from here (``from articles.models import Tag``): ``tagging.py`` (``Tag``,
``TaggedArticle``), ``links.py`` (``SourceLink``, ``PermalinkRedirect``), ``corrections.py``
(``Correction``, the article's public notes), ``bylines.py`` (``ArticleAuthor``: an article's
authors, people.Person, in order). Their managers and
querysets, with ``published()``, are in ``managers.py``; their field classes in ``fields.py``.
"""

import calendar
from operator import attrgetter

import reversion
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from . import rendering
from .bylines import ArticleAuthor
from .corrections import Correction
from .embedded import instances as embedded_instances
from .embedded import prefetched
from .fields import UploadedImageField, WebURLField
from .images import clean_upload, renditions, validate_image_format
from .links import PermalinkRedirect, SourceLink
from .managers import ArticleManager, ByArticleManager
from .notes import ArticleNote
from .preferences import MailPreference
from .rendering import link_rel
from .reversing import reverse_one
from .slugs import SLUG_LENGTH, slug_for
from .source_health import DoiCheck, LinkCheck, SourceUpdate
from .stories import Story, StoryKey
from .tagging import Tag, TaggedArticle

# Exported: every model of the app, and the fields its migrations name as articles.models.*.
__all__ = [
    "Article",
    "ArticleNote",
    "Correction",
    "ArticleAuthor",
    "DoiCheck",
    "ImageCredit",
    "MailPreference",
    "LinkCheck",
    "PermalinkRedirect",
    "SourceLink",
    "SourceUpdate",
    "Story",
    "StoryKey",
    "Tag",
    "TaggedArticle",
    "UploadedImageField",
    "WebURLField",
]


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")
        ARCHIVED = "archived", _("Archived")

    class Origin(models.TextChoices):
        WRITTEN = "written", _("Written here")
        IMPORTED = "imported", _("Imported from a file")
        INGESTED = "ingested", _("Ingested from a feed")

    class Importance(models.IntegerChoices):
        LOW = 1, _("Low")
        NORMAL = 2, _("Normal")
        HIGH = 3, _("High")
        TOP = 4, _("Top story")

    title = models.CharField(_("title"), max_length=1000)
    slug = models.SlugField(
        _("slug"),
        max_length=255,
        blank=True,
        help_text=_(
            "The end of the article's address. Left blank, it is made from the title, and follows "
            "the title until the article is first published; typed by hand, it stays."
        ),
    )
    # The slug was typed by hand (the admin form): it no longer follows the title.
    slug_locked = models.BooleanField(_("slug set by hand"), default=False, editable=False)
    permalink = models.CharField(
        _("permalink"),
        max_length=300,
        unique=True,
        blank=True,
        help_text=_(
            "The article's public address after /papers/, as YYYY-MM-DD-slug. "
            "Left blank, it is made from the publication date and the slug."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_(
            "Draft: being written, visible only in the admin. In review: waiting for an editor. "
            "Published: on the public site from its publication date (scheduled while that date "
            "is to come) until its expiry date. Unpublished: taken off the site. Archived: kept, "
            "no longer worked on."
        ),
    )
    published_at = models.DateTimeField(
        _("publication date"),
        default=timezone.now,
        help_text=_("Readers see the article from this moment on; a later date schedules it."),
    )
    expires_at = models.DateTimeField(
        _("expiry date"),
        null=True,
        blank=True,
        help_text=_("Optional: readers no longer see the article from this moment on."),
    )
    planned_for = models.DateField(
        _("planned for"),
        null=True,
        blank=True,
        help_text=_("The day the editors plan to run the story; it schedules nothing."),
    )
    first_published_at = models.DateTimeField(_("first published"), null=True, editable=False)
    summary = models.TextField(_("summary"), blank=True, help_text=_("Shown as “L’essentiel”."))
    body = models.TextField(_("body"), blank=True, help_text=_("Markdown."))
    # The body as readers see it, rendered by every save (render_body) with the stamp of what
    # rendered it: readers get it through body_html_for_readers, which never shows it stale.
    body_html = models.TextField(blank=True, default="", editable=False, serialize=False)
    rendered_with = models.CharField(max_length=64, blank=True, default="", editable=False, serialize=False)
    importance = models.PositiveSmallIntegerField(
        _("importance"),
        choices=Importance.choices,
        null=True,
        blank=True,
        help_text=_("Editorial priority; the most important stories lead the home page."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    # Where the text comes from: links in text the newsroom did not write get rel="nofollow".
    origin = models.CharField(
        _("origin"),
        max_length=20,
        choices=Origin.choices,
        default=Origin.WRITTEN,
        editable=False,
        help_text=_(
            "Written here: by the newsroom, in the admin. Imported from a file: by import_markdown. "
            "Ingested from a feed: by the feed ingestion."
        ),
    )
    # The byline (people.Person, named by string: articles does not import people) and the
    # medical review: who checked the article, when, and when it is to be checked again.
    authors = models.ManyToManyField(
        "people.Person",
        through="ArticleAuthor",
        blank=True,
        related_name="articles",
        verbose_name=_("authors"),
    )
    reviewed_by = models.ForeignKey(
        "people.Person",
        verbose_name=_("medical reviewer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviewed_articles",
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    next_review_on = models.DateField(
        _("next review"),
        null=True,
        blank=True,
        help_text=_(
            "Left blank, or when the review date changes: the review date plus MEDICAL_REVIEW_MONTHS months."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # « Mis à jour le … » and dateModified: moved only by a significant change (a note, or an
    # editor's "significant update"), by articles.writing.significant_update; never by a mere save.
    modified_at = models.DateTimeField(_("last significant update"), null=True, blank=True, editable=False)
    # A public notice left when an editor unpublished an article readers saw: its address then
    # answers 410 with the title, this date and the reason (articles.workflow, ArticleQuerySet.withdrawn).
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(
        _("reason for withdrawal"),
        blank=True,
        help_text=_("Shown to readers at the article's address when it is unpublished with a public notice."),
    )

    tags = TaggableManager(through="TaggedArticle", blank=True, verbose_name=_("tags"))

    # The story the article tells, with the other sources that told it (articles.grouping),
    # and the links and identifiers its source's own text cited, kept to read its keys again.
    story = models.ForeignKey(
        "articles.Story",
        verbose_name=_("story"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        editable=False,
    )
    # The article's card as lists show it, drawn after each change, in each language (articles.cards).
    stored_cards = models.JSONField(
        _("kept cards"), default=dict, blank=True, editable=False, serialize=False
    )
    cited = models.JSONField(_("cited by the source"), default=list, blank=True, editable=False)

    # The weighted title, summary and body for full-text search, written by a PostgreSQL
    # trigger (migration 0010, articles.search); left empty on other databases.
    search_document = SearchVectorField(null=True, editable=False, serialize=False)

    objects = ArticleManager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        indexes = [
            # Every public list walks this index in order; with expires_at in it, a deep
            # page's offset is counted in the index alone (ArticlePaginator), and with the
            # importance, a week's digest finds its most important articles there too
            # (newsletter.content.week_articles: 2,740 rows read from the table a week at
            # 1,000,000 articles).
            models.Index(
                fields=["status", "-published_at", "-id", "expires_at", "importance"],
                name="article_public_idx",
            ),
            models.Index(
                fields=["status", "expires_at"],
                condition=models.Q(expires_at__isnull=False),
                name="article_expiry_idx",
            ),
            # The API's ?since= (published or significantly updated since): with the list's index,
            # one bitmap OR of two index scans, not a walk of every public article.
            models.Index(
                fields=["modified_at"],
                condition=models.Q(modified_at__isnull=False),
                name="article_modified_idx",
            ),
            # A reviewer's page lists the latest public articles they reviewed (people.views): walked
            # in this order from the reviewer, not sorted out of every public article.
            models.Index(fields=["reviewed_by", "-reviewed_on", "-published_at"], name="article_reviews_idx"),
        ]
        permissions = [("publish_article", _("Can publish, schedule, unpublish and archive articles"))]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        stored = self.stored_state()
        # What readers could see before this save: the page cache (articles.cache_scope) reads it.
        self.stored_before_save = stored
        self.derive_fields(stored)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"body", "origin"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, *self.RENDERED_FIELDS}
        super().save(*args, **kwargs)
        if stored and stored["permalink"] != self.permalink:
            self.permalink_changed(stored)

    def get_absolute_url(self):
        return reverse_one("articles:detail", "permalink", self.permalink)

    def natural_key(self):
        return (self.permalink,)

    SLUG_LENGTH = SLUG_LENGTH

    @staticmethod
    def slug_for(title):
        """The slug a title makes (articles.slugs): the one place an article's slug is made from its title."""
        return slug_for(title)

    @staticmethod
    def permalink_for(slug, published_at):
        """The permalink derived from a slug and a publication time: its day in the site's time zone."""
        return f"{timezone.localdate(published_at):%Y-%m-%d}-{slug}"

    def derive_fields(self, stored=None):
        """Fill in the slug, the permalink and the first publication, as every save does.

        ``stored`` is the row as stored_state() read it (None for a new article);
        a bulk write, which calls no save(), calls this itself (articles.writing).
        """
        self.slug = self.slug_to_save(stored)
        self.permalink = self.permalink_to_save(stored)
        self.note_first_publication()
        self.next_review_on = self.next_review_to_save(stored)
        self.render_body()

    RENDERED_FIELDS = ("body_html", "rendered_with")

    def render_body(self):
        """Store the body rendered (``body_html``) with the stamp of what rendered it: every save
        does, a bulk write through derive_fields(), a raw save (``loaddata``, a version restored)
        through the pre_save receiver ``render_loaded_body``, a row left behind ``render_articles``."""
        self.body_html = rendering.render_markdown(self.body, self.link_rel)
        self.rendered_with = rendering.rendered_stamp(self.body, self.link_rel)

    @property
    def body_html_for_readers(self):
        """The body as readers see it: the stored HTML while its stamp is the one the body would
        get now, else rendered now (a row written by an older renderer, or around save())."""
        if self.rendered_with == rendering.rendered_stamp(self.body, self.link_rel):
            return mark_safe(self.body_html)  # noqa: S308 -- rendered and sanitized by render_body
        return rendering.render_markdown(self.body, self.link_rel)

    def slug_to_save(self, stored=None):
        """The slug a save gives the article: made from the title when there is none, or while it
        follows the title (a title of punctuation alone makes none; the address still needs one)."""
        if not self.slug or self.slug_follows_title(stored):
            return self.slug_for(self.title) or "article"
        return self.slug

    def slug_follows_title(self, stored=None):
        """A new title makes a new slug until readers may have seen the article, unless the slug
        was set by hand: a draft's address is nobody's yet, a public one is kept (the admin offers
        to change it, the old one redirecting)."""
        return (
            stored is not None
            and stored["title"] != self.title
            and not self.slug_locked
            and stored["slug"] == self.slug
            and not self.was_public(stored)
        )

    @classmethod
    def was_public(cls, stored, now=None):
        """Whether readers may have seen the stored article (stored_state()) at its address."""
        now = now or timezone.now()
        return (stored["first_published_at"] is not None and stored["first_published_at"] <= now) or (
            stored["status"] == cls.Status.PUBLISHED and stored["published_at"] <= now
        )

    def next_review_to_save(self, stored=None):
        """The next review: given by hand, it stays, unless the review date moved and it did not;
        otherwise the review date plus MEDICAL_REVIEW_MONTHS."""
        if self.reviewed_on is None:
            return self.next_review_on
        review_moved = stored is not None and stored["reviewed_on"] != self.reviewed_on
        if self.next_review_on and not (review_moved and stored["next_review_on"] == self.next_review_on):
            return self.next_review_on
        return add_months(self.reviewed_on, settings.MEDICAL_REVIEW_MONTHS)

    def permalink_to_save(self, stored=None):
        """The permalink a save gives the article: one given by hand stays; one made from the
        date and slug (or none) follows them."""
        if not self.permalink or (
            stored
            and self.permalink == stored["permalink"]
            and stored["permalink"] == self.make_permalink(stored["slug"], stored["published_at"])
        ):
            return self.make_permalink(self.slug_to_save(stored))
        return self.permalink

    def clean(self):
        """Refuse an address that is already another article's, or another article's old address:
        taking it would silently break the link readers followed (a redirect belongs to its article)."""
        super().clean()
        permalink = self.permalink_to_save(self.stored_state())
        others = Article.objects.exclude(pk=self.pk) if self.pk else Article.objects.all()
        if others.filter(permalink=permalink).exists():
            raise ValidationError(
                _("The address “%(permalink)s” is already another article's: choose another slug."),
                code="permalink_taken",
                params={"permalink": permalink},
            )
        redirects = PermalinkRedirect.objects.filter(old_permalink=permalink)
        if redirects.exclude(article_id=self.pk).exists():
            raise ValidationError(
                _(
                    "The address “%(permalink)s” is an old address of another article, which readers "
                    "still reach through it: choose another slug."
                ),
                code="permalink_redirected",
                params={"permalink": permalink},
            )

    def stored_state(self):
        if self.pk is None:
            return None
        fields = ("title", "permalink", "slug", "published_at", "status", "first_published_at")
        fields += ("reviewed_on", "next_review_on", "story_id")
        return Article.objects.filter(pk=self.pk).values(*fields).first()

    def note_first_publication(self):
        """Keep the moment readers could first see the article, while it has not come yet."""
        now = timezone.now()
        if self.status == self.Status.PUBLISHED:
            if self.first_published_at is None or self.first_published_at > now:
                self.first_published_at = self.published_at
        elif self.first_published_at and self.first_published_at > now:
            self.first_published_at = None

    def permalink_changed(self, stored):
        """Keep the old address answering, for good, once readers may have seen it.

        A redirect belongs to the article it leads to: this article's own redirect from its new
        address (it went back to an earlier one) is dropped, another article's is never deleted
        nor repointed (``clean`` refuses such an address in the admin)."""
        PermalinkRedirect.objects.filter(old_permalink=self.permalink, article=self).delete()
        if self.was_public(stored):
            PermalinkRedirect.objects.get_or_create(
                old_permalink=stored["permalink"], defaults={"article": self}
            )

    def make_permalink(self, slug=None, published_at=None):
        return self.permalink_for(slug or self.slug, published_at or self.published_at)

    @cached_property
    def tags_by_name(self):
        """The tags readers see, in name order, as public pages, feeds and structured data show
        them: read in the article's own query by with_card_data() (articles.embedded), or read now.
        Internal tags are left out here, in Python, so that a page costs no query more; the admin
        reads ``tags`` itself."""
        embedded = getattr(self, "embedded_tags", False)
        tags = self.tags.all() if embedded is False else embedded_instances(Tag, embedded, "tag.")
        return sorted((tag for tag in tags if not tag.is_internal), key=attrgetter("name"))

    @cached_property
    def byline(self):
        """The article's authors (people.Person) in order: read in the article's own query by
        with_bylines() (articles.embedded), or read now."""
        embedded = getattr(self, "embedded_bylines", False)
        if embedded is False:
            return [byline.person for byline in self.bylines.select_related("person")]
        person = self._meta.get_field("bylines").related_model._meta.get_field("person").related_model
        return embedded_instances(person, embedded, "person.", order=("position", "id"))

    def unpack_page_data(self):
        """Give the article the rows with_page_data() read as JSON, as prefetch_related would have:
        ``links`` (each with its ``link_check``, or none), ``corrections``, and ``retractions``."""
        link_check = SourceLink._meta.get_field("link_check")
        links = embedded_instances(SourceLink, self.embedded_links, order=("position", "id"))
        checks = embedded_instances(LinkCheck, self.embedded_links, "link_check.")
        for link, check in zip(links, checks, strict=True):
            link.article = self
            link_check.set_cached_value(link, check if check.pk is not None else None)
        prefetched(self, "links", links)
        notes = embedded_instances(Correction, self.embedded_corrections, order=("published_at", "id"))
        prefetched(self, "corrections", notes)
        updates = self.embedded_retractions
        self.retractions = embedded_instances(SourceUpdate, updates, order=("found_at", "id"))

    @property
    def date_modified(self):
        """dateModified: the last significant update, never before the publication."""
        return max(self.published_at, self.modified_at) if self.modified_at else self.published_at

    @property
    def updated_for_readers(self):
        """The moment « Mis à jour le … » shows: a significant update later than the first publication."""
        first = self.first_published_at or self.published_at
        return self.modified_at if self.modified_at and self.modified_at > first else None

    @property
    def link_rel(self):
        """The rel of links this article's content makes: search engines vouch only for our own text."""
        return link_rel(nofollow=self.origin != self.Origin.WRITTEN)

    @property
    def is_published(self):
        """The admin's mirror of ArticleQuerySet.published()."""
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at <= now
            and (self.expires_at is None or self.expires_at > now)
        )

    def moment_to_come(self, field, now=None):
        """The mirror of ArticleQuerySet.moment_to_come: published, and its ``field`` moment still to come."""
        moment = getattr(self, field)
        return (
            self.status == self.Status.PUBLISHED and moment is not None and moment > (now or timezone.now())
        )

    @property
    def is_scheduled(self):
        """The admin's mirror of ArticleQuerySet.scheduled()."""
        return self.moment_to_come("published_at")

    @property
    def is_expiring(self):
        """The admin's mirror of ArticleQuerySet.expiring()."""
        return self.moment_to_come("expires_at")

    @property
    def has_expired(self):
        return (
            self.status == self.Status.PUBLISHED
            and bool(self.expires_at)
            and self.expires_at <= timezone.now()
        )

    @property
    def source(self):
        """The original source link, read from prefetched links when there are some."""
        return next((link for link in self.links.all() if link.kind == SourceLink.Kind.SOURCE), None)


def render_loaded_body(sender, instance, raw=False, **kwargs):
    """pre_save of Article: a raw save (``loaddata``, a backup or a version restored) calls no
    save(), and brings no rendered body (it is not serialised): render it here."""
    if raw:
        instance.render_body()


def add_months(day, months):
    """The same day ``months`` later, or the month's last day (31 January + 1 month: 28 or 29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


class ImageCredit(models.Model):
    """The article's image, uploaded or linked, and whose it is.

    The site's credit line reads "text — rights — URL", for instance
    "Image de l’article — droits possiblement réservés — https://…": the three
    parts are stored apart so that each can be shown and exported again.
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, related_name="image", verbose_name=_("article")
    )
    image = UploadedImageField(
        _("uploaded image"),
        upload_to="images/%Y/%m/",
        blank=True,
        validators=[validate_image_format],
        help_text=_("JPEG, PNG, WebP or GIF. Its metadata (EXIF, GPS position) is removed."),
    )
    image_url = WebURLField(_("image address"), blank=True)
    alt_text = models.CharField(
        _("alternative text"),
        max_length=1000,  # the title's, which it is when a file or feed gives none
        blank=True,
        help_text=_("What the image shows, for readers who cannot see it."),
    )
    credit = models.CharField(
        _("credit"), max_length=300, blank=True, help_text=_("Who made the image, e.g. “Image de l’article”.")
    )
    rights = models.CharField(
        _("rights"),
        max_length=300,
        blank=True,
        help_text=_("The licence or rights note, e.g. “droits possiblement réservés”."),
    )
    credit_url = WebURLField(_("credit address"), blank=True, help_text=_("Where the image comes from."))

    # The upright size of the uploaded image, set with its renditions (articles.images).
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)

    # The credit of an image taken from the article a story comes from (the seed's, the feeds').
    ARTICLE_IMAGE_CREDIT = "Image de l’article"
    ARTICLE_IMAGE_RIGHTS = "droits possiblement réservés"
    # The credit line's parts are written "text — rights — URL" wherever it is shown or exported.
    CREDIT_SEPARATOR = " — "

    natural_key_fields = ()
    objects = ByArticleManager()

    class Meta:
        verbose_name = _("image credit")
        verbose_name_plural = _("image credits")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(image="") | ~models.Q(image_url=""),
                name="image_uploaded_or_linked",
                violation_error_message=_("Upload an image or give its address."),
            ),
        ]

    def __str__(self):
        return self.credit_line

    def save(self, *args, **kwargs):
        if self.image and not self.image._committed:
            # A new upload is stored re-encoded without its metadata, under a clean name, or not at
            # all: clean_upload raises ValidationError for a file it cannot decode and re-encode.
            cleaned = clean_upload(self.image)
            self.image = cleaned.content
            self.decoded_image = cleaned.image  # for its renditions (articles.images.update_renditions)
        super().save(*args, **kwargs)

    def natural_key(self):
        return self.article.natural_key()

    natural_key.dependencies = ["articles.article"]

    @property
    def src(self):
        return self.image.url if self.image else self.image_url

    @property
    def renditions(self):
        """(WebP, fallback) renditions of an uploaded image, or None for a linked one."""
        return renditions(self.image, self.image_width)

    @property
    def credit_line(self):
        return self.join_credit(self.credit, self.rights, self.credit_url)

    @classmethod
    def join_credit(cls, *parts):
        return cls.CREDIT_SEPARATOR.join(part for part in parts if part)


# Every version of an article holds its taggings, image credit and links as they
# were after the save: the admin adds the article once its inlines and tags are
# saved (see ArticleAdmin.save_related), and following the relations then
# captures them whole. Tags are shared by other articles, so a version holds none,
# and restoring one never writes a tag (articles.revisions.restore).
reversion.register(TaggedArticle)
reversion.register(ImageCredit)
reversion.register(SourceLink)
reversion.register(Correction)
reversion.register(ArticleAuthor)
reversion.register(Article, follow=["taggedarticle_set", "image", "links", "corrections", "bylines"])
