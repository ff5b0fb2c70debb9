"""An article's public log of notes: corrections, updates and retraction notices; exported by
articles.models.

Editors alone write them (``workflow.may_write_notes``). A note is dated and shown to readers with
the article (a correction or retraction at the top of the page), in its structured data
(``correction``) and, through ``Article.modified_at`` which a new note moves, in the feeds.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .managers import ContentManager


class Correction(models.Model):
    """One dated note of an article's public log."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        UPDATE = "update", _("Update")
        RETRACTION = "retraction", _("Retraction notice")

    # Shown at the top of the page: what readers must know before reading on.
    AT_THE_TOP = (Kind.CORRECTION, Kind.RETRACTION)
    TEXT_LENGTH = 2000
    # A note is dated when it is written; a clock a little ahead is forgiven.
    CLOCK_MARGIN = datetime.timedelta(minutes=5)

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="corrections", verbose_name=_("article")
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.CORRECTION,
        help_text=_(
            "Correction: an error put right. Update: news added since. Retraction notice: the article "
            "no longer stands (shown prominently)."
        ),
    )
    published_at = models.DateTimeField(_("date"), default=timezone.now)
    text = models.TextField(
        _("text"), max_length=TEXT_LENGTH, help_text=_("What changed and why, as readers will read it.")
    )

    objects = ContentManager()

    class Meta:
        verbose_name = _("correction or update")
        verbose_name_plural = _("corrections and updates")
        ordering = ["article", "published_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} ({timezone.localdate(self.published_at):%Y-%m-%d})"

    @classmethod
    def is_future(cls, moment):
        """Whether a note dated ``moment`` would be dated after it was written."""
        return moment > timezone.now() + cls.CLOCK_MARGIN

    def clean(self):
        super().clean()
        if self.published_at and self.is_future(self.published_at):
            raise ValidationError(
                {"published_at": _("A note is dated when it is written: not in the future.")},
                code="note_in_future",
            )
