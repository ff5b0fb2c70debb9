"""The desk's private exchange on an article: the editor's reasons for sending it back, the
author's replies, review remarks; exported by articles.models.

Notes are kept forever, in the order they were written, with who wrote them and when. They are
the desk's alone: no public page, feed, sitemap or export reads them. Who may write one is asked
of ``workflow.may_note``; a note that goes with a move (sending back, resubmitting) is written by
``workflow.apply`` in the same transaction as the move.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ArticleNote(models.Model):
    """One message of an article's thread."""

    class Kind(models.TextChoices):
        SENT_BACK = "sent_back", _("Sent back")
        REPLY = "reply", _("Author's reply")
        REMARK = "remark", _("Remark")

    TEXT_LENGTH = 5000

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="notes", verbose_name=_("article")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="article_notes",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REMARK)
    text = models.TextField(_("note"), max_length=TEXT_LENGTH)
    created_at = models.DateTimeField(_("written"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["article", "created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} ({timezone.localtime(self.created_at):%Y-%m-%d %H:%M})"


def sent_back(articles):
    """Of ``articles``, the drafts sent back to their author and not published since."""
    notes = ArticleNote.objects.filter(article=OuterRef("pk"), kind=ArticleNote.Kind.SENT_BACK)
    since_published = notes.filter(created_at__gt=OuterRef("first_published_at"))
    return articles.filter(status="draft").filter(
        (Q(first_published_at__isnull=True) & Exists(notes)) | Exists(since_published)
    )


def with_last_note(articles, kind=ArticleNote.Kind.SENT_BACK):
    """``articles``, each with the text of its last note of ``kind`` as ``last_note``."""
    last = ArticleNote.objects.filter(article=OuterRef("pk"), kind=kind).order_by("-created_at", "-pk")
    return articles.annotate(last_note=Subquery(last.values("text")[:1]))
