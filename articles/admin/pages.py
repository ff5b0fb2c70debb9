"""The article admin's pages of its own: the preview (of the stored article, or of the form as it
stands, before any save), what a version changed, the editorial calendar.

``ArticlePages`` is mixed into ``ArticleAdmin``, whose permissions (``get_object``,
``has_view_or_change_permission``) decide who sees them.
"""

import copy
import datetime

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext
from reversion.models import Version

from .. import revisions
from ..diffing import is_long, word_diff
from ..models import Article

CALENDAR_WEEKS = 4


class ArticlePages:
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            # Its own Cache-Control (private, no-cache) rather than the admin's never_cache.
            path(
                "<path:object_id>/preview/",
                view(self.preview_view, cacheable=True),
                name="articles_article_preview",
            ),
            # A POST of the change form's contents (admin_view checks its CSRF token).
            path(
                "preview/", view(self.form_preview_view, cacheable=True), name="articles_article_form_preview"
            ),
            path(
                "<path:object_id>/preview/form/",
                view(self.form_preview_view, cacheable=True),
                name="articles_article_form_preview",
            ),
            path(
                "<path:object_id>/history/<int:version_id>/changes/",
                view(self.changes_view),
                name="articles_article_changes",
            ),
            path("calendar/", view(self.calendar_view), name="articles_article_calendar"),
            *super().get_urls(),
        ]

    def get_viewable_object(self, request, object_id):
        """The article, for those who may see it; someone else's article is refused (403), and to
        staff without any right on articles, as to anyone for a missing one, it does not exist."""
        article = self.get_object(request, unquote(object_id))
        if article is None or not self.has_view_or_change_permission(request):
            raise Http404
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def preview_view(self, request, object_id):
        """The article as readers would see it, whatever its status."""
        article = self.get_viewable_object(request, object_id)
        response = TemplateResponse(request, "admin/articles/article/preview.html", {"article": article})
        response["Cache-Control"] = "private, no-cache"
        return response

    def form_preview_view(self, request, object_id=None):
        """The article as readers would see it with the form's contents as posted, before any save
        (a new article's too): saved, rendered and rolled back in one transaction, so that the
        page is the public template's, with the slug, the tags and the parts as saving would make
        them. Files being uploaded are left out: nothing is written to the media storage."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.get_viewable_object(request, object_id) if object_id else None
        allowed = (
            self.has_change_permission(request, article) if article else self.has_add_permission(request)
        )
        if not allowed:
            raise PermissionDenied
        change = article is not None
        form = self.get_form(request, article, change)(request.POST, instance=article or self.model())
        without_files = copy.copy(request)  # its POST read above: the copy keeps it, not its files
        without_files._files = MultiValueDict()
        with transaction.atomic():
            if not form.is_valid():
                context = {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "title": gettext("The preview needs a valid form"),
                    "errors": form.errors,
                }
                return TemplateResponse(
                    request, "admin/articles/article/preview_errors.html", context, status=400
                )
            article = form.save(commit=False)
            if article.author_id is None:
                article.author = request.user
            article.save()
            form.save_m2m()
            formsets, _ = self._create_formsets(without_files, article, change)
            for formset in formsets:
                if formset.is_valid():
                    formset.save()
            context = {"article": self.model.objects.get(pk=article.pk), "unsaved": True}
            response = TemplateResponse(request, "admin/articles/article/preview.html", context)
            response.render()
            transaction.set_rollback(True)
        response["Cache-Control"] = "private, no-cache"
        return response

    def changes_view(self, request, object_id, version_id):
        """Field by field, what one version changed from the one before; inside long texts, word by word."""
        article = self.get_viewable_object(request, object_id)
        version = get_object_or_404(Version.objects.get_for_object(article), pk=version_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "title": gettext("What changed in “%(title)s”") % {"title": article.title},
            "version": version,
            "changes": [
                {
                    "label": change.label,
                    "old": change.old,
                    "new": change.new,
                    "words": word_diff(change.old, change.new) if is_long(change.old, change.new) else None,
                }
                for change in revisions.changes(revisions.previous_version(version), version)
            ],
        }
        return TemplateResponse(request, "admin/articles/article/changes.html", context)

    def calendar_view(self, request):
        """Planned, scheduled, published and expiring articles by day, four weeks from a Monday."""
        if not self.has_view_or_change_permission(request):
            raise Http404
        today = timezone.localdate()
        try:
            start = datetime.date.fromisoformat(request.GET.get("start", ""))
        except ValueError:
            start = today
        # Weeks before and after must stay dates too: 9999-12-31 or 0001-01-01 would overflow.
        start = min(max(start, CALENDAR_FIRST_DAY), CALENDAR_LAST_DAY)
        start -= datetime.timedelta(days=start.weekday())
        end = start + datetime.timedelta(weeks=CALENDAR_WEEKS)
        days = calendar_days(self.get_queryset(request), start, end)
        weeks = [list(days.items())[n : n + 7] for n in range(0, len(days), 7)]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Editorial calendar"),
            "weeks": weeks,
            "today": today,
            "previous": start - datetime.timedelta(weeks=CALENDAR_WEEKS),
            "next": end,
        }
        return TemplateResponse(request, "admin/articles/article/calendar.html", context)


CALENDAR_FIRST_DAY = datetime.date(1900, 1, 1)
CALENDAR_LAST_DAY = datetime.date(2999, 12, 31)


def calendar_days(articles, start, end):
    """Each day from ``start`` to ``end`` (excluded), with its (label, article) entries of ``articles``.

    A published article appears on its publication day, as scheduled while that day is to
    come (``Article.is_scheduled``, the mirror of ``scheduled()``), and on its expiry day.
    """
    days = {start + datetime.timedelta(days=n): [] for n in range((end - start).days)}
    zone = timezone.get_current_timezone()
    low = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    high = datetime.datetime.combine(end, datetime.time.min, tzinfo=zone)
    published = Article.Status.PUBLISHED
    articles = articles.filter(
        Q(planned_for__gte=start, planned_for__lt=end)
        | Q(status=published, published_at__gte=low, published_at__lt=high)
        | Q(status=published, expires_at__gte=low, expires_at__lt=high)
    ).distinct()
    for article in articles:
        if article.planned_for in days:
            days[article.planned_for].append((gettext("planned"), article))
        if article.status == published:
            day = timezone.localdate(article.published_at)
            if day in days:
                label = gettext("scheduled") if article.is_scheduled else gettext("published")
                days[day].append((label, article))
            if article.expires_at and timezone.localdate(article.expires_at) in days:
                days[timezone.localdate(article.expires_at)].append((gettext("expires"), article))
    return days
