"""The article list's own filters: the editors' work queues.

What "scheduled" and "expiring" mean is asked of ``ArticleQuerySet``, as the list's
status column asks the article's matching properties.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import Article


class WorkQueueFilter(admin.SimpleListFilter):
    """The day's work: what waits for review, what is scheduled, what expires, one's own drafts."""

    title = _("work queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("review", _("To review")),
            ("scheduled", _("Scheduled")),
            ("expiring", _("Expiring")),
            ("mine", _("My drafts")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "review":
            return queryset.filter(status=Article.Status.REVIEW)
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "expiring":
            return queryset.expiring()
        if self.value() == "mine":
            return queryset.filter(status=Article.Status.DRAFT, author=request.user)
        return queryset
