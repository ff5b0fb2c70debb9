"""The curator's side of feed ingestion in the admin: the sources, and the ingested drafts waiting
for review, registered here (the articles' admin knows nothing of intake).

The review page (``review``, its cards built by ``cards``) shows one card per story; publishing
and discarding go through ``articles.workflow.move_many`` (by way of the article admin's
``bulk.move_selected``), like the article list's bulk actions.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponsePermanentRedirect
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles import workflow
from articles.admin.articles import return_after_saving
from articles.admin.forms import TagAutocompleteWidget

from . import review
from .admin_rules import CategoryMappingInline, RuleInline, categories_seen
from .models import Source

# An article opened from the review page comes back to it once saved.
REVIEW_MARKER = "review"
return_after_saving(REVIEW_MARKER, "admin:intake_source_review")


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
        """Ingested drafts in review, one card per story: publish, discard, split or merge (``review``)."""
        if not workflow.is_editor(request.user):  # ingested drafts are nobody's: editors review them
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Ingested drafts to review"),
        }
        if request.method == "POST":
            return review.act(request, context)
        return review.show(request, context)


# Sources were the articles app's until intake became an app of its own.
OLD_ADMIN_PATH, ADMIN_PATH = "/admin/articles/source/", "/admin/intake/source/"


def old_admin_address(request, rest=""):
    """An address of the sources' admin from before the move, bookmarked or in the history: for good."""
    return HttpResponsePermanentRedirect(request.get_full_path().replace(OLD_ADMIN_PATH, ADMIN_PATH, 1))
