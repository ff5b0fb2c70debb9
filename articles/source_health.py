"""What became of an article's sources since it was published; exported by articles.models.

- ``LinkCheck``: the last check of an original source link (``articles.link_checks`` writes it):
  its answer, where it ended up after redirects, and since when it fails. A dead source gets, on
  the public page, a link to its archived copy at the Internet Archive.
- ``SourceUpdate``: a retraction, withdrawal, correction or expression of concern that Crossref
  records for a DOI the article cites (``articles.retractions`` writes it). A retraction or a
  withdrawal is a public fact, shown at the top of the page at once; a correction or an expression
  of concern waits for an editor, who publishes a note (``articles.corrections``) or dismisses it.
- ``DoiCheck``: when each DOI was last asked of Crossref, so that it is asked again only days later.

Readers see ``LinkCheck.dead_since`` and the public ``SourceUpdate`` rows, and nothing else of
these: the checks write the rest without forgetting the cached pages (``rows_written`` is sent
when what readers see changes).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import WebURLField
from .managers import ContentManager
from .rendering import web_url

ARCHIVE_URL = "https://web.archive.org/web/{day:%Y%m%d}/{url}"


class LinkCheck(models.Model):
    """The last check of an original source link, and the run of failures it belongs to."""

    link = models.OneToOneField(
        "articles.SourceLink", on_delete=models.CASCADE, related_name="link_check", verbose_name=_("link")
    )
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True, db_index=True)
    status_code = models.PositiveSmallIntegerField(_("answer"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    final_url = WebURLField(
        _("final address"), blank=True, help_text=_("Where the link led after redirects, when elsewhere.")
    )
    first_failure_at = models.DateTimeField(_("first failure"), null=True, blank=True)
    failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    dead_since = models.DateTimeField(
        _("dead since"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "Set on a 404 or 410, or after failures spread over days; readers get the archived copy."
        ),
    )
    # A run's claim on the row (articles.link_checks): no other run checks it until then.
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    claim = models.CharField(max_length=32, blank=True, editable=False)

    # The checks' own writes go through a plain manager: a check that changes nothing readers see
    # forgets no page (link_checks sends rows_written when dead_since changes).
    objects = models.Manager()

    class Meta:
        verbose_name = _("source link check")
        verbose_name_plural = _("source link checks")

    def __str__(self):
        return f"{self.link_id}: {self.status_code or self.error or '-'}"

    @property
    def is_dead(self):
        return self.dead_since is not None


def archived_copy_url(link, published_at):
    """The Internet Archive's copy of ``link`` nearest to ``published_at``: built, never fetched.

    Only of a web address elsewhere, written as a valid URL (rendering.web_url) as the source's own
    link is: a stored address with spaces, newlines or bidi controls, or a path, makes none."""
    url = web_url(link.reader_url)
    if not url.lower().startswith(("http://", "https://")):
        return ""
    return ARCHIVE_URL.format(day=published_at, url=url)


class SourceUpdateQuerySet(models.QuerySet):
    def public(self):
        """What readers are told at once: the cited study retracted or withdrawn."""
        return self.filter(kind__in=SourceUpdate.PUBLIC_KINDS)

    def pending(self):
        """What waits for an editor: the editors' queue « Source updated »."""
        return self.filter(decision=SourceUpdate.Decision.PENDING)


class SourceUpdate(models.Model):
    """A notice Crossref records against a DOI an article cites (its ``updated-by`` relations)."""

    class Kind(models.TextChoices):
        RETRACTION = "retraction", _("Retraction")
        WITHDRAWAL = "withdrawal", _("Withdrawal")
        CORRECTION = "correction", _("Correction")
        CONCERN = "expression_of_concern", _("Expression of concern")

    class Decision(models.TextChoices):
        PENDING = "pending", _("To decide")
        NOTED = "noted", _("Note published")
        DISMISSED = "dismissed", _("Dismissed")
        SEEN = "seen", _("Seen")

    # A public fact, shown to readers as soon as it is known; the others wait for an editor.
    PUBLIC_KINDS = (Kind.RETRACTION, Kind.WITHDRAWAL)

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="source_updates", verbose_name=_("article")
    )
    doi = models.CharField(_("cited DOI"), max_length=300)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    notice_doi = models.CharField(_("notice DOI"), max_length=300, blank=True)
    updated_on = models.DateField(_("date of the notice"), null=True, blank=True)
    found_at = models.DateTimeField(_("found"))
    decision = models.CharField(
        _("decision"),
        max_length=20,
        choices=Decision.choices,
        default=Decision.PENDING,
        help_text=_(
            "To decide: waits in the editors' queue. Note published: readers were told in a note. "
            "Dismissed: readers need not be told. Seen: a retraction an editor has read (readers see it "
            "anyway)."
        ),
    )

    objects = ContentManager.from_queryset(SourceUpdateQuerySet)()

    class Meta:
        verbose_name = _("source update")
        verbose_name_plural = _("source updates")
        ordering = ["article", "found_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "doi", "kind", "notice_doi"], name="source_update_once_per_article"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.doi}"

    @property
    def is_public(self):
        return self.kind in self.PUBLIC_KINDS

    @property
    def notice_url(self):
        return f"https://doi.org/{self.notice_doi}" if self.notice_doi else f"https://doi.org/{self.doi}"

    @property
    def day(self):
        """The notice's own date, or the day it was found when Crossref gives none."""
        return self.updated_on or timezone.localdate(self.found_at)


class DoiCheck(models.Model):
    """When a DOI was last asked of Crossref, and what came back: asked again only days later."""

    doi = models.CharField(_("DOI"), max_length=300, unique=True)
    checked_at = models.DateTimeField(_("last answered"), null=True, blank=True, db_index=True)
    # Every request, answered or not: what the daily limit counts.
    asked_at = models.DateTimeField(_("last asked"), null=True, blank=True, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    claim = models.CharField(max_length=32, blank=True, editable=False)

    class Meta:
        verbose_name = _("DOI check")
        verbose_name_plural = _("DOI checks")

    def __str__(self):
        return self.doi
