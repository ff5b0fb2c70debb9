"""The newsroom's content: articles, their tags, image credit and source links."""

import re
from operator import attrgetter
from urllib.parse import quote

import reversion
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Prefetch
from django.db.models.functions import Lower
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from .addresses import validate_web_url
from .images import ImageUploadField, clean_upload, renditions, validate_image_format
from .managers import ContentManager, ContentQuerySet
from .normalize import normalize_url
from .rendering import link_rel

URL_PLACEHOLDER = "urlplaceholder0"
URL_SAFE_PUNCTUATION = "!$&'()*+,;=/~:@"
URL_SAFE = re.compile(rf"[A-Za-z0-9_.\-{re.escape(URL_SAFE_PUNCTUATION)}]*")
_url_templates = {}


def reverse_one(name, kwarg, value):
    """reverse() for a route with one slug or permalink argument, the route reversed once per
    language and script prefix: a page of cards and a sitemap hold hundreds of links.

    The site sets no URLconf per request, so the URLconf is not part of the key: reading it
    cost more than the rest of this function."""
    key = (name, kwarg, get_language(), get_script_prefix())
    template = _url_templates.get(key)
    if template is None:
        template = _url_templates[key] = reverse(name, kwargs={kwarg: URL_PLACEHOLDER}).split(URL_PLACEHOLDER)
    if not URL_SAFE.fullmatch(value):  # slugs and permalinks are nearly always plain ASCII already
        value = quote(value, safe=URL_SAFE_PUNCTUATION)
    return value.join(template)


class WebURLField(models.URLField):
    """A web address: http or https only, so a javascript: or data: URL never reaches a page."""

    default_validators = [validate_web_url]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 1000)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


class UploadedImageField(models.ImageField):
    """An uploaded image, checked by articles.images in the form and in the model alike."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ImageUploadField, **kwargs})


class ArticleQuerySet(ContentQuerySet):
    def published(self):
        """What the public may see: the one rule every public page goes through.

        Published, its publication time reached and its expiry time (if any) not yet:
        a scheduled article appears, and an expiring one disappears, by itself.
        """
        now = timezone.now()
        return self.filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now),
            status=Article.Status.PUBLISHED,
            published_at__lte=now,
        )

    # An article published for later appears by itself at its publication time, and one that
    # expires disappears by itself at its expiry time: "still to come" is one condition on
    # either moment, written here and in Article.moment_to_come.

    def moment_to_come(self, field, now=None):
        """Published articles whose ``field`` moment is still to come."""
        return self.filter(status=Article.Status.PUBLISHED, **{f"{field}__gt": now or timezone.now()})

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
        """Everything a list of articles shows, in a fixed number of queries."""
        return self.select_related("image").prefetch_related(Prefetch("tags", to_attr="prefetched_tags"))

    def cards(self):
        """with_card_data(), reading only the columns a card shows (CARD_FIELDS and the image's):
        converting the others, dates above all, cost more than reading the rows."""
        image_fields = (f"image__{field.name}" for field in ImageCredit._meta.concrete_fields)
        return self.with_card_data().only(*CARD_FIELDS, *image_fields)


# What a card shows of an article (templates/jinja2/includes/articles.html).
CARD_FIELDS = ("title", "permalink", "published_at", "summary")


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_by_natural_key(self, permalink):
        return self.get(permalink=permalink)


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

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(
        _("slug"),
        max_length=255,
        help_text=_("The end of the article's address, made from the title."),
    )
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
    review_note = models.TextField(
        _("editor's note"),
        blank=True,
        help_text=_("Why an editor sent the article back to its author."),
    )
    summary = models.TextField(_("summary"), blank=True, help_text=_("Shown as “L’essentiel”."))
    body = models.TextField(_("body"), blank=True, help_text=_("Markdown."))
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
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    tags = TaggableManager(through="TaggedArticle", blank=True, verbose_name=_("tags"))

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
            # page's offset is counted in the index alone (ArticlePaginator).
            models.Index(fields=["status", "-published_at", "-id", "expires_at"], name="article_public_idx"),
            models.Index(
                fields=["status", "expires_at"],
                condition=models.Q(expires_at__isnull=False),
                name="article_expiry_idx",
            ),
        ]
        permissions = [("publish_article", _("Can publish, schedule, unpublish and archive articles"))]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        stored = self.stored_state()
        self.derive_fields(stored)
        super().save(*args, **kwargs)
        if stored and stored["permalink"] != self.permalink:
            self.permalink_changed(stored)

    def get_absolute_url(self):
        return reverse_one("articles:detail", "permalink", self.permalink)

    def natural_key(self):
        return (self.permalink,)

    @staticmethod
    def slug_for(title):
        """The slug a title makes: the one place an article's slug is made from its title."""
        return slugify(title)[:255]

    @staticmethod
    def permalink_for(slug, published_at):
        """The permalink derived from a slug and a publication time: its day in the site's time zone."""
        return f"{timezone.localdate(published_at):%Y-%m-%d}-{slug}"

    def derive_fields(self, stored=None):
        """Fill in the slug, the permalink and the first publication, as every save does.

        ``stored`` is the row as stored_state() read it (None for a new article);
        a bulk write, which calls no save(), calls this itself (articles.writing).
        """
        if not self.slug:
            self.slug = self.slug_for(self.title)
        if not self.permalink or (
            stored
            and self.permalink == stored["permalink"]
            and stored["permalink"] == self.make_permalink(stored["slug"], stored["published_at"])
        ):
            # A permalink made from the date and slug follows them; one given by hand stays.
            self.permalink = self.make_permalink()
        self.note_first_publication()

    def stored_state(self):
        if self.pk is None:
            return None
        fields = ("permalink", "slug", "published_at", "status", "first_published_at")
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
        """Keep the old address answering, for good, once readers may have seen it."""
        PermalinkRedirect.objects.filter(old_permalink=self.permalink).delete()
        now = timezone.now()
        was_public = (stored["first_published_at"] is not None and stored["first_published_at"] <= now) or (
            stored["status"] == self.Status.PUBLISHED and stored["published_at"] <= now
        )
        if was_public:
            PermalinkRedirect.objects.update_or_create(
                old_permalink=stored["permalink"], defaults={"article": self}
            )

    def make_permalink(self, slug=None, published_at=None):
        return self.permalink_for(slug or self.slug, published_at or self.published_at)

    @cached_property
    def tags_by_name(self):
        """Its tags in name order, as pages show them: prefetched by with_card_data(), or read now.

        A list rather than ``tags.all()``: django-taggit builds a queryset for each
        article it prefetches into, which cost more than the rest of a card."""
        tags = getattr(self, "prefetched_tags", None)
        if tags is None:
            tags = self.tags.all()
        return sorted(tags, key=attrgetter("name"))

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


class TagManager(ContentManager):
    def get_by_natural_key(self, name):
        return self.get(name__iexact=name)


class Tag(TagBase):
    """A tag whose name is unique whatever its case, with a plain ASCII slug."""

    slug = models.SlugField(_("slug"), unique=True, max_length=100)

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


class TaggedArticleManager(ContentManager):
    def get_by_natural_key(self, permalink, tag_name):
        return self.get(content_object__permalink=permalink, tag__name__iexact=tag_name)


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey(Article, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_articles")

    objects = TaggedArticleManager()

    class Meta:
        verbose_name = _("tagged article")
        verbose_name_plural = _("tagged articles")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tag_once_per_article"),
        ]
        # A tag's page and feed go from the tag to its articles without reading the rows.
        indexes = [models.Index(fields=["tag", "content_object"], name="tagged_article_by_tag_idx")]

    def natural_key(self):
        return self.content_object.natural_key() + self.tag.natural_key()

    natural_key.dependencies = ["articles.article", "articles.tag"]


class ByArticleManager(ContentManager):
    def get_by_natural_key(self, permalink, *rest):
        return self.get(
            article__permalink=permalink, **dict(zip(self.model.natural_key_fields, rest, strict=True))
        )


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
        max_length=500,
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
            # A new upload: stored re-encoded without its metadata, under a clean name.
            cleaned = clean_upload(self.image)
            if cleaned is not None:
                self.image = cleaned
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
        if not self.image or not self.image_width:
            return None
        return renditions(self.image, self.image_width)

    @property
    def credit_line(self):
        return self.join_credit(self.credit, self.rights, self.credit_url)

    @classmethod
    def join_credit(cls, *parts):
        return cls.CREDIT_SEPARATOR.join(part for part in parts if part)


class SourceLink(models.Model):
    """A link to where the story comes from: the original source, or a further reading."""

    class Kind(models.TextChoices):
        SOURCE = "source", _("Original source")
        RELATED = "related", _("Further reading")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="links", verbose_name=_("article")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SOURCE)
    url = WebURLField(_("address"))
    url_normalized = models.CharField(_("normalised address"), max_length=1000, editable=False, db_index=True)
    publisher = models.CharField(
        _("publisher"), max_length=200, blank=True, help_text=_("The journal, site or regulator.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    natural_key_fields = ("url",)
    objects = ByArticleManager()

    class Meta:
        verbose_name = _("source link")
        verbose_name_plural = _("source links")
        ordering = ["article", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "url"], name="link_once_per_article"),
            models.UniqueConstraint(
                fields=["article"],
                condition=models.Q(kind="source"),
                name="one_original_source_per_article",
                violation_error_message=_("An article has one original source."),
            ),
        ]

    def __str__(self):
        return self.url

    def save(self, *args, **kwargs):
        self.derive_fields()
        super().save(*args, **kwargs)

    def derive_fields(self):
        """The normalised address, by which the same story is recognised twice: on every save,
        and by a bulk write, which calls no save() (articles.writing)."""
        self.url_normalized = normalize_url(self.url)

    def natural_key(self):
        return self.article.natural_key() + (self.url,)

    natural_key.dependencies = ["articles.article"]


class PermalinkRedirectManager(ContentManager):
    def get_by_natural_key(self, old_permalink):
        return self.get(old_permalink=old_permalink)


class PermalinkRedirect(models.Model):
    """An address an article once had: it answers for good with a 301 to the article."""

    old_permalink = models.CharField(_("old permalink"), max_length=300, unique=True)
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="redirects", verbose_name=_("article")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PermalinkRedirectManager()

    class Meta:
        verbose_name = _("permalink redirect")
        verbose_name_plural = _("permalink redirects")
        ordering = ["old_permalink"]

    def __str__(self):
        return self.old_permalink

    def natural_key(self):
        return (self.old_permalink,)

    natural_key.dependencies = ["articles.article"]


# Every version of an article holds its tags, image credit and links as they
# were after the save: the admin adds the article once its inlines and tags are
# saved (see ArticleAdmin.save_related), and following the relations then
# captures them whole.
reversion.register(Tag)
reversion.register(TaggedArticle, follow=["tag"])
reversion.register(ImageCredit)
reversion.register(SourceLink)
reversion.register(Article, follow=["taggedarticle_set", "image", "links"])
