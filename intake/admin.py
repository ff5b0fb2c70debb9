"""The curator's side of feed ingestion in the admin: the sources, and the ingested drafts waiting
for review, registered here (the articles' admin knows nothing of intake).

Publishing and discarding go through ``articles.workflow.move_many`` (by way of the article
admin's ``bulk.move_selected``), like the article list's bulk actions.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles import workflow
from articles.admin.bulk import move_selected
from articles.admin.forms import TagAutocompleteWidget
from articles.models import Article, SourceLink

from .admin_rules import CategoryMappingInline, RuleInline, categories_seen
from .models import Source

# What the review page's buttons do, by workflow transition: discarding archives the draft,
# so that it is kept (and its link known) and the item never comes back.
REVIEW_ACTIONS = {"publish": _("Publish selected"), "archive": _("Discard selected")}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "feed_url", "is_active", "keep_footer", "last_fetched_at", "last_fetch"]
    list_filter = ["is_active", "last_outcome"]
    search_fields = ["name", "feed_url"]
    fields = [
        "name",
        "feed_url",
        "tags",
        "is_active",
        "keep_footer",
        "categories",
        "last_fetched_at",
        "last_outcome",
        "last_message",
    ]
    readonly_fields = ["categories", "last_fetched_at", "last_outcome", "last_message"]
    inlines = [CategoryMappingInline, RuleInline]  # editors only: see intake.admin_rules
    change_list_template = "admin/intake/source/change_list.html"

    @admin.display(description=_("categories seen in the feed"))
    def categories(self, source):
        return categories_seen(source)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tags":
            kwargs["widget"] = TagAutocompleteWidget
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description=_("last fetch outcome"), ordering="last_outcome")
    def last_fetch(self, source):
        if not source.last_outcome:
            return "—"
        return format_html(
            '<span class="fetch-{}">{}</span> {}',
            source.last_outcome,
            source.get_last_outcome_display(),
            source.last_message,
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("review/", view(self.review_view), name="intake_source_review"),
            *super().get_urls(),
        ]

    def review_view(self, request):
        """Ingested drafts in review, by source: publish or discard several at once, or open one."""
        if not workflow.is_editor(request.user):  # ingested drafts are nobody's: editors review them
            raise PermissionDenied
        if request.method == "POST":
            name = request.POST.get("action")
            if name in REVIEW_ACTIONS:
                move_selected(request, to_review().filter(pk__in=request.POST.getlist("articles")), name)
            return redirect(request.get_full_path())
        groups = {}
        for article in to_review():
            groups.setdefault(article.ingested_item.source, []).append(article)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Ingested drafts to review"),
            "groups": sorted(groups.items(), key=lambda group: (group[0] is None, str(group[0] or ""))),
            "actions": REVIEW_ACTIONS,
        }
        return TemplateResponse(request, "admin/intake/source/review.html", context)


def to_review():
    """Articles in review that came from a feed, with what the review page shows of them."""
    return (
        Article.objects.filter(status=Article.Status.REVIEW, ingested_item__isnull=False)
        .select_related("image", "ingested_item__source")
        .prefetch_related(
            Prefetch("links", queryset=SourceLink.objects.filter(kind=SourceLink.Kind.SOURCE)),
            "tags",
        )
        .order_by("-published_at", "-pk")
    )


# Sources were the articles app's until intake became an app of its own.
OLD_ADMIN_PATH, ADMIN_PATH = "/admin/articles/source/", "/admin/intake/source/"


def old_admin_address(request, rest=""):
    """An address of the sources' admin from before the move, bookmarked or in the history: for good."""
    return HttpResponsePermanentRedirect(request.get_full_path().replace(OLD_ADMIN_PATH, ADMIN_PATH, 1))
