"""Feed intake's records: the feeds the curator watches, and which item became which article.

The articles themselves, their tags and source links are the articles app's; intake
points at them and is never pointed at, so articles knows nothing of feeds.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from articles.fields import WebURLField
from articles.models import Article, Tag


class TaggedSource(TaggedItemBase):
    content_object = models.ForeignKey("Source", on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_sources")

    class Meta:
        verbose_name = _("tagged source")
        verbose_name_plural = _("tagged sources")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tag_once_per_source"),
        ]


class Source(models.Model):
    """An RSS or Atom feed whose items become drafts for review (``manage.py ingest_feeds``)."""

    class Outcome(models.TextChoices):
        OK = "ok", _("Fetched")
        NOT_MODIFIED = "not_modified", _("Not modified")
        FAILED = "failed", _("Failed")

    name = models.CharField(_("name"), max_length=200, unique=True)
    feed_url = WebURLField(_("feed address"), unique=True)
    tags = TaggableManager(
        through=TaggedSource,
        blank=True,
        verbose_name=_("tags"),
        help_text=_("Every item from this feed receives these tags, e.g. “France, Actualité”."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive sources are not fetched by scheduled runs.")
    )
    keep_footer = models.BooleanField(
        _("keep the feed's footer"),
        default=True,
        help_text=_("Keep “The post … appeared first on …” at the end of summaries."),
    )
    last_fetched_at = models.DateTimeField(_("last fetch"), null=True, blank=True, editable=False)
    last_outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, blank=True, editable=False
    )
    last_message = models.TextField(_("last message"), blank=True, editable=False)
    # What the server said of its feed, sent back so that an unchanged feed answers 304.
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    # A run claims a source until this moment (intake.ingest.claim): a second run skips it.
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["name"]

    def __str__(self):
        return self.name


class IngestedItem(models.Model):
    """A feed item that became an article, remembered by its normalised link.

    ``fingerprint`` is what the ingester wrote and ``article_updated_at`` when:
    an article whose ``updated_at`` or content differs has been changed since,
    and is never written again. The row outlives a deleted article, so that a
    discarded item does not come back.
    """

    link_normalized = models.CharField(_("normalised link"), max_length=1000, unique=True)
    source = models.ForeignKey(
        Source, on_delete=models.SET_NULL, null=True, related_name="items", verbose_name=_("source")
    )
    article = models.OneToOneField(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        related_name="ingested_item",
        verbose_name=_("article"),
    )
    fingerprint = models.CharField(max_length=64)
    article_updated_at = models.DateTimeField(null=True)
    first_seen_at = models.DateTimeField(_("first seen"), auto_now_add=True)

    class Meta:
        verbose_name = _("ingested item")
        verbose_name_plural = _("ingested items")
        # The desk counts the items of the last 30 days (newsroom/desk.py): the rows are kept for
        # good, and without this index every look at the desk would read all of them.
        indexes = [models.Index(fields=["first_seen_at"], name="ingested_item_first_seen_idx")]

    def __str__(self):
        return self.link_normalized
