"""The article list's own filters: the editors' work queues, the publishers, and a tag typed in a
box (completing from the tags the user may see) rather than a list of every tag.

What "scheduled" and "expiring" mean is asked of ``ArticleQuerySet``, as the list's
status column asks the article's matching properties. Like the list, the filters offer
only what the user may see (``ArticleAdmin.get_queryset``).
"""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from ..models import Article, SourceLink, SourceUpdate, Tag
from .sources import checked_sources, pending_updates


class WorkQueueFilter(admin.SimpleListFilter):
    """The day's work: what waits for review, what is scheduled, what expires, one's own drafts,
    and the public articles whose medical review is due again (ArticleQuerySet.review_due)."""

    title = _("work queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("review", _("To review")),
            ("scheduled", _("Scheduled")),
            ("expiring", _("Expiring")),
            ("mine", _("My drafts")),
            ("review_due", _("Medical review due")),
            ("source_updated", _("Source retracted or corrected")),
            ("source_dead", _("Source dead")),
            ("source_moved", _("Source moved")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "review":
            return queryset.filter(status=Article.Status.REVIEW)
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "expiring":
            return queryset.expiring()
        if self.value() == "review_due":
            return queryset.review_due()
        if self.value() in ("source_dead", "source_moved"):
            return self.sources(queryset, dead=self.value() == "source_dead")
        if self.value() == "source_updated":
            # A retraction or a withdrawal first (SourceHealthPages.get_ordering): readers see it already.
            pending = SourceUpdate.objects.pending().filter(article=OuterRef("pk"))
            return queryset.filter(Exists(pending)).prefetch_related(pending_updates())
        if self.value() == "mine":
            return queryset.filter(status=Article.Status.DRAFT, author=request.user)
        return queryset

    def sources(self, queryset, dead):
        """Articles whose original source is dead, or alive at another address (link_checks)."""
        links = SourceLink.objects.filter(article=OuterRef("pk"), kind=SourceLink.Kind.SOURCE)
        if dead:
            links = links.filter(link_check__dead_since__isnull=False)
        else:
            links = links.filter(link_check__dead_since__isnull=True).exclude(link_check__final_url="")
            links = links.filter(link_check__isnull=False)
        return queryset.filter(Exists(links)).prefetch_related(checked_sources())


class PublisherFilter(admin.SimpleListFilter):
    """The publishers of the sources of the articles the user may see."""

    title = _("publisher")
    parameter_name = "links__publisher"

    def lookups(self, request, model_admin):
        publishers = (
            SourceLink.objects.filter(article__in=model_admin.get_queryset(request))
            .exclude(publisher="")
            .order_by("publisher")
            .values_list("publisher", flat=True)
            .distinct()
        )
        return [(publisher, publisher) for publisher in publishers]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(links__publisher=self.value()).distinct()
        return queryset


class TagFilter(admin.SimpleListFilter):
    """A tag by its name, typed in a box that completes from the tags of the articles the user may
    see: a plain GET form, so it works without a script; "All" clears it."""

    title = _("tags")
    parameter_name = "tag"
    template = "admin/articles/article/tag_filter.html"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        tags = Tag.objects.used_by(model_admin.get_queryset(request)).order_by("name")
        self.tag_names = tags.values_list("name", flat=True)
        # The list's other choices (filters, search, order) go with the form; a page number does not.
        self.other_params = [
            (name, value)
            for name, values in request.GET.lists()
            if name not in (self.parameter_name, "p")
            for value in values
        ]

    def has_output(self):
        return True

    def lookups(self, request, model_admin):
        return []

    def queryset(self, request, queryset):
        name = (self.value() or "").strip()
        if name:
            return queryset.filter(tags__name__iexact=name).distinct()
        return queryset
