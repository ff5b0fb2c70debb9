"""Feed intake's records: the feeds the curator watches, and which item became which article.

The articles themselves, their tags and source links are the articles app's; intake
points at them and is never pointed at, so articles knows nothing of feeds.
"""

import unicodedata

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from articles.fields import WebURLField
from articles.models import Article, Tag

# A feed that makes up a category per item must not grow its source without end.
MAX_CATEGORIES = 500


def alphabetical(name):
    """A sort key putting « Événements » between « Endocrinologie » and « Finance »."""
    return unicodedata.normalize("NFKD", name.casefold())


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
        default=False,
        help_text=_("Keep “The post … appeared first on …” at the end of summaries."),
    )
    last_fetched_at = models.DateTimeField(_("last fetch"), null=True, blank=True, editable=False)
    last_outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, blank=True, editable=False
    )
    last_message = models.TextField(_("last message"), blank=True, editable=False)
    # The categories its items carried, kept so that the editor sees what there is to map.
    categories_seen = models.JSONField(_("categories seen in the feed"), default=list, editable=False)
    # What the server said of its feed, sent back so that an unchanged feed answers 304.
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    # A run claims a source until this moment (intake.ingest.claim): a second run skips it.
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    # Its health (intake.health): kept by each fetch of its own feed, never by a file read as its feed.
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0, editable=False)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True, editable=False)
    last_new_item_at = models.DateTimeField(_("last new item"), null=True, blank=True, editable=False)
    # A failing source waits before its next fetch (doubling, up to a day); empty: every scheduled run.
    next_fetch_at = models.DateTimeField(_("next fetch"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def remember_categories(self, categories):
        """Add ``categories`` (names) to those seen in the feed, once each whatever the case."""
        known, new = {name.casefold() for name in self.categories_seen}, []
        for name in categories:
            if name.casefold() not in known:
                known.add(name.casefold())
                new.append(name)
        if new:
            self.categories_seen = sorted([*self.categories_seen, *new], key=alphabetical)[:MAX_CATEGORIES]
            Source.objects.filter(pk=self.pk).update(categories_seen=self.categories_seen)


class FeedRun(models.Model):
    """One fetch of a source's feed, or one file read as its feed: when, how it went, what it brought.

    A failure is kept as a code and its parameters (``intake.health.error_text`` puts them in the
    reader's language when shown), beside the message in English that the command printed.
    """

    class Outcome(models.TextChoices):
        OK = "ok", _("Fetched")
        NOT_MODIFIED = "not_modified", _("Not modified")
        FAILED = "failed", _("Failed")

    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="runs", verbose_name=_("source")
    )
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    items_new = models.PositiveIntegerField(_("new items"), default=0)
    items_seen = models.PositiveIntegerField(_("items read"), default=0)
    # The file or address read as the source's feed; empty for its own feed.
    location = models.CharField(_("read from"), max_length=1000, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    error_params = models.JSONField(default=dict, blank=True)
    error_message = models.TextField(blank=True)

    class Meta:
        verbose_name = _("feed run")
        verbose_name_plural = _("feed runs")
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["source", "-started_at"], name="feed_run_source_started_idx"),
            # Runs older than intake.health.RUNS_KEPT are deleted at every ingest_feeds.
            models.Index(fields=["started_at"], name="feed_run_started_idx"),
        ]

    def __str__(self):
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"


class CategoryMapping(models.Model):
    """What a source's feed category becomes: a site tag, or nothing (no tag: ignored).

    A category no mapping names is ignored too; the mapping says it was looked at.
    """

    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="category_mappings", verbose_name=_("source")
    )
    category = models.CharField(_("feed category"), max_length=200)
    tag = models.ForeignKey(
        Tag,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site tag"),
        help_text=_("Empty: the category is ignored."),
    )

    class Meta:
        verbose_name = _("feed category")
        verbose_name_plural = _("feed categories")
        ordering = [Lower("category")]
        constraints = [
            models.UniqueConstraint(Lower("category"), "source", name="category_once_per_source"),
        ]

    def __str__(self):
        return self.category


class TaggedRule(TaggedItemBase):
    content_object = models.ForeignKey("Rule", on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_rules")

    class Meta:
        verbose_name = _("tagged rule")
        verbose_name_plural = _("tagged rules")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tag_once_per_rule"),
        ]


class Rule(models.Model):
    """What to do with a feed item whose title, summary or link matches: see ``intake.rules``."""

    class Action(models.TextChoices):
        BLOCK = "block", _("Block")
        KEEP = "keep", _("Keep only")
        TAG = "tag", _("Add tags")
        IMPORTANCE = "importance", _("Set the importance")

    class Field(models.TextChoices):
        ANY = "any", _("Title, summary or link")
        TITLE = "title", _("Title")
        SUMMARY = "summary", _("Summary")
        LINK = "link", _("Link")

    source = models.ForeignKey(
        Source,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rules",
        verbose_name=_("source"),
        help_text=_("Empty: the rule applies to every source."),
    )
    action = models.CharField(
        _("action"),
        max_length=20,
        choices=Action.choices,
        help_text=_(
            "Block: a matching item is kept out of review. Keep only: when a source has keep rules, an "
            "item that matches none of them is blocked. Add tags, set the importance: on a matching item."
        ),
    )
    field = models.CharField(_("where"), max_length=20, choices=Field.choices, default=Field.ANY)
    pattern = models.CharField(
        _("pattern"),
        max_length=300,
        help_text=_(
            "Words: one or more phrases separated by commas, each matched as whole words, ignoring case "
            "and accents (“essai clinique, webinaire”). Regular expression: RE2 syntax, ignoring case."
        ),
    )
    is_regex = models.BooleanField(_("regular expression"), default=False)
    tags = TaggableManager(
        through=TaggedRule,
        blank=True,
        verbose_name=_("tags"),
        help_text=_("For “Add tags”: the tags a matching item receives."),
    )
    importance = models.PositiveSmallIntegerField(
        _("importance"),
        choices=Article.Importance.choices,
        null=True,
        blank=True,
        help_text=_("For “Set the importance”: when several rules match, the highest wins."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(
        _("order"),
        default=0,
        help_text=_("Rules are tried in this order: the first block names the item's rule."),
    )

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} « {self.pattern} »"


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
    # Held back by a rule: stored archived, never written again, until an editor restores it.
    is_blocked = models.BooleanField(_("blocked"), default=False)
    blocked_by = models.ForeignKey(
        "Rule",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="blocked_items",
        verbose_name=_("blocked by"),
    )
    # Restored by an editor: the rules are never applied to it again.
    restored_at = models.DateTimeField(_("restored"), null=True, blank=True)
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


class BlockedItem(IngestedItem):
    """The items that rules held back, as the editors' list of them shows them."""

    class Meta:
        proxy = True
        verbose_name = _("blocked item")
        verbose_name_plural = _("blocked items")
