"""The curator's side of feed ingestion in the admin: the sources, and the ingested drafts waiting
for review, registered here (the articles' admin knows nothing of intake).

The review page (``review``, its cards built by ``cards``) shows one card per story; publishing
and discarding go through ``articles.workflow.move_many`` (by way of the article admin's
``bulk.move_selected``), like the article list's bulk actions.

The sources' list shows each feed's health (``health``: OK, failing since, silent) and a 30-day
sparkline of its items; a source's page lists its last runs and has a « Fetch now » button,
which runs ``tasks.fetch_source`` once the request's transaction commits.
"""

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import formats
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_tasks import TaskResultStatus

from articles import workflow
from articles.admin.articles import return_after_saving
from articles.admin.forms import TagAutocompleteWidget

from . import health, review, tasks
from .admin_rules import CategoryMappingInline, RuleInline, categories_seen
from .ingest import BUSY, FAILED
from .models import FeedRun, Source

RUNS_SHOWN = 20  # on a source's page

# An article opened from the review page comes back to it once saved.
REVIEW_MARKER = "review"
return_after_saving(REVIEW_MARKER, "admin:intake_source_review")


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return list(health.STATES.items())

    def queryset(self, request, queryset):
        if self.value() in health.STATES:
            return queryset.filter(health.in_state(self.value(), health.clock()))
        return queryset


class SourceChangeList(ChangeList):
    """The sources' list, each row's items of the last 30 days read in one query for the page."""

    def get_results(self, request):
        super().get_results(request)
        now = health.clock()
        charts = health.sparklines(*health.items_per_day(self.result_list, now))
        for source in self.result_list:
            source.sparkline, source.now = charts[source.pk], now


# What a source's page shows of its health (intake.health), read-only: the runs write it.
HEALTH_FIELDS = [
    "state",
    "failing_since",
    "consecutive_failures",
    "next_fetch_at",
    "last_success_at",
    "last_new_item_at",
    "items_per_day",
    "last_fetched_at",
    "last_outcome",
    "last_error",
]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "feed_url", "is_active", "state", "items", "last_fetched_at"]
    list_filter = [StateFilter, "is_active", "last_outcome"]
    search_fields = ["name", "feed_url"]
    fieldsets = [
        (None, {"fields": ["name", "feed_url", "tags", "is_active", "keep_footer", "categories"]}),
        (_("Health"), {"fields": HEALTH_FIELDS}),
    ]
    readonly_fields = ["categories", *HEALTH_FIELDS]
    inlines = [CategoryMappingInline, RuleInline]  # editors only: see intake.admin_rules
    change_list_template = "admin/intake/source/change_list.html"
    change_form_template = "admin/intake/source/change_form.html"

    class Media:
        css = {"all": ["intake/health.css"]}

    def get_changelist(self, request, **kwargs):
        return SourceChangeList

    @admin.display(description=_("state"), ordering="consecutive_failures")
    def state(self, source):
        state = health.state(source, getattr(source, "now", None) or health.clock())
        return format_html('<span class="feed-state feed-{}">{}</span>', state.key, state.text)

    @admin.display(description=_("items, 30 days"))
    def items(self, source):
        if not hasattr(source, "sparkline"):
            return ""
        return render_to_string("admin/intake/source/sparkline.html", {"chart": source.sparkline})

    @admin.display(description=_("items per day"))
    def items_per_day(self, source):
        dates, counts = health.items_per_day([source], health.clock())
        return formats.number_format(sum(counts[source.pk]) / len(dates), 1)

    @admin.display(description=_("last error"))
    def last_error(self, source):
        run = source.runs.filter(outcome=FeedRun.Outcome.FAILED, location="").first()
        if run is None or not source.consecutive_failures:
            return "—"
        return health.error_text(run)

    @admin.display(description=_("categories seen in the feed"))
    def categories(self, source):
        return categories_seen(source)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tags":
            kwargs["widget"] = TagAutocompleteWidget
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        runs = FeedRun.objects.filter(source_id=object_id)[:RUNS_SHOWN] if object_id.isdigit() else []
        for run in runs:
            run.error_text = health.error_text(run) if run.outcome == FeedRun.Outcome.FAILED else ""
            run.seconds = (run.finished_at - run.started_at).total_seconds()
        extra_context = {**(extra_context or {}), "runs": runs}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("review/", view(self.review_view), name="intake_source_review"),
            path("<int:source_id>/fetch/", view(self.fetch_view), name="intake_source_fetch"),
            *super().get_urls(),
        ]

    @method_decorator(require_POST)
    def fetch_view(self, request, source_id):
        """« Fetch now »: the source's feed fetched by a task once this request commits; its outcome
        reported when the task has run already (the immediate backend), else its being queued."""
        source = get_object_or_404(Source, pk=source_id)
        if not self.has_change_permission(request, source):
            raise PermissionDenied
        results = []
        transaction.on_commit(lambda: results.append(tasks.fetch_source.enqueue(source.pk)))
        back = HttpResponseRedirect(reverse("admin:intake_source_change", args=[source.pk]))
        if not results or not results[0].is_finished:
            messages.info(request, gettext("The fetch is queued: its outcome will show here once done."))
            return back
        result = results[0]
        # A task that raised (a bug: ingest_sources records a feed's own failures) reads as a failure.
        status = result.return_value if result.status == TaskResultStatus.SUCCESSFUL else FAILED
        level, message = fetch_outcome(status, source.runs.first())
        messages.add_message(request, level, message)
        return back

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


def fetch_outcome(status, run):
    """What « Fetch now » says of a fetch done (``status`` an ``ingest`` one, ``run`` the last)."""
    if status == BUSY or run is None:
        return messages.WARNING, gettext("Another run is fetching this source: try again in a moment.")
    if status == FAILED:
        return messages.ERROR, gettext("The fetch failed: %(error)s") % {"error": health.error_text(run)}
    if run.outcome == FeedRun.Outcome.NOT_MODIFIED:
        return messages.SUCCESS, gettext("Fetched: not modified since the last fetch.")
    count = run.items_new
    return messages.SUCCESS, ngettext(
        "Fetched: %(count)d new item.", "Fetched: %(count)d new items.", count
    ) % {"count": count}


# Sources were the articles app's until intake became an app of its own.
OLD_ADMIN_PATH, ADMIN_PATH = "/admin/articles/source/", "/admin/intake/source/"


def old_admin_address(request, rest=""):
    """An address of the sources' admin from before the move, bookmarked or in the history: for good."""
    return HttpResponsePermanentRedirect(request.get_full_path().replace(OLD_ADMIN_PATH, ADMIN_PATH, 1))
