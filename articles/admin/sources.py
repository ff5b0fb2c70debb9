"""The article list's queues of sources in trouble, and the one-click decisions on them.

« Source dead » and « Source moved » (articles.link_checks) show since when the link fails, its
last answer and its final address, with buttons to adopt that address or mark the link checked;
« Source updated » (articles.retractions) shows what Crossref recorded against a cited DOI, the
retractions first, with buttons to note a retraction as seen, or to publish a note on a
correction or an expression of concern, or to dismiss it. The buttons post the list's own form
(with its CSRF token) to the decisions' addresses: one click, no script. Editors alone decide
(``workflow.may_write_notes``); the server refuses anyone else.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import formats
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .. import link_checks, retractions, workflow
from ..models import LinkCheck, SourceLink, SourceUpdate

SOURCE_QUEUES = ("source_dead", "source_moved")
UPDATE_QUEUE = "source_updated"


def checked_sources():
    return Prefetch(
        "links",
        queryset=SourceLink.objects.filter(kind=SourceLink.Kind.SOURCE).select_related("link_check"),
        to_attr="checked_sources",
    )


def pending_updates():
    return Prefetch("source_updates", queryset=SourceUpdate.objects.pending(), to_attr="pending_updates")


def button(url, label):
    return format_html(
        '<button type="submit" form="changelist-form" formaction="{}" formmethod="post" class="button">'
        "{}</button>",
        url,
        label,
    )


class SourceHealthPages:
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("source-link/<int:pk>/adopt/", view(self.adopt_view), name="articles_source_adopt"),
            path("source-link/<int:pk>/checked/", view(self.checked_view), name="articles_source_checked"),
            path(
                "source-update/<int:pk>/<str:decision>/",
                view(self.decide_view),
                name="articles_source_update_decide",
            ),
            *super().get_urls(),
        ]

    def queue(self, request):
        return request.GET.get("queue", "")

    def get_list_display(self, request):
        # The queue's own column in the room of the tags, importance, author and picture.
        if self.queue(request) in SOURCE_QUEUES:
            return ["title", "status_display", "published_at", "source_state"]
        if self.queue(request) == UPDATE_QUEUE:
            return ["title", "status_display", "published_at", "source_updates"]
        return super().get_list_display(request)

    def get_ordering(self, request):
        if self.queue(request) == UPDATE_QUEUE:
            # A retraction or a withdrawal first: readers already see it.
            retracted = SourceUpdate.objects.pending().public().filter(article=OuterRef("pk"))
            return [Exists(retracted).desc(), "-published_at"]
        return super().get_ordering(request)

    @admin.display(description=_("source"))
    def source_state(self, article):
        parts = []
        for link in getattr(article, "checked_sources", ()):
            check = getattr(link, "link_check", None)
            if check is None:
                continue
            if check.dead_since:
                parts.append(
                    format_html(
                        "<strong>{}</strong> {} ({})",
                        gettext("Dead: failing since"),
                        formats.date_format(check.first_failure_at or check.dead_since),
                        check.error or check.status_code,
                    )
                )
            if check.final_url:
                adopt = reverse("admin:articles_source_adopt", args=[check.pk])
                parts.append(
                    format_html('{} <a href="{}">{}</a>', gettext("Now at"), check.final_url, check.final_url)
                )
                parts.append(button(adopt, gettext("Adopt this address")))
            parts.append(
                button(reverse("admin:articles_source_checked", args=[check.pk]), gettext("Mark checked"))
            )
        return format_html_join(" ", "{}", ((part,) for part in parts))

    @admin.display(description=_("source updated"))
    def source_updates(self, article):
        rows = []
        for update in getattr(article, "pending_updates", ()):
            decide = "admin:articles_source_update_decide"
            if update.is_public:
                actions = [button(reverse(decide, args=[update.pk, "seen"]), gettext("Seen"))]
            else:
                actions = [
                    button(reverse(decide, args=[update.pk, "note"]), gettext("Publish a note")),
                    button(reverse(decide, args=[update.pk, "dismiss"]), gettext("Dismiss")),
                ]
            rows.append(
                format_html(
                    '<p><strong>{}</strong> {} — doi:{}, <a href="{}">{}</a> {}</p>',
                    update.get_kind_display(),
                    formats.date_format(update.day),
                    update.doi,
                    update.notice_url,
                    gettext("notice"),
                    format_html_join(" ", "{}", ((action,) for action in actions)),
                )
            )
        return format_html_join("", "{}", ((row,) for row in rows))

    def editor_only(self, request):
        if not workflow.may_write_notes(request.user):
            raise PermissionDenied

    def back(self, queue):
        url = reverse("admin:articles_article_changelist")
        return HttpResponseRedirect(f"{url}?{urlencode({'queue': queue})}")

    @method_decorator(require_POST)
    def adopt_view(self, request, pk):
        self.editor_only(request)
        check = get_object_or_404(LinkCheck.objects.select_related("link__article"), pk=pk)
        if not check.final_url:
            messages.error(request, gettext("This link has no other address to adopt."))
            return self.back("source_dead")
        try:
            with transaction.atomic():
                link_checks.adopt_final_address(check)
        except IntegrityError:
            messages.error(request, gettext("The article already links to that address."))
            return self.back("source_moved")
        messages.success(
            request,
            gettext("« %(title)s » now cites %(url)s.")
            % {"title": check.link.article.title, "url": check.link.url},
        )
        return self.back("source_moved")

    @method_decorator(require_POST)
    def checked_view(self, request, pk):
        self.editor_only(request)
        check = get_object_or_404(LinkCheck.objects.select_related("link__article"), pk=pk)
        link_checks.mark_checked(check)
        messages.success(
            request,
            gettext("The source of « %(title)s » is marked checked.") % {"title": check.link.article.title},
        )
        return self.back("source_dead")

    @method_decorator(require_POST)
    def decide_view(self, request, pk, decision):
        self.editor_only(request)
        update = get_object_or_404(SourceUpdate.objects.select_related("article"), pk=pk)
        title = update.article.title
        if decision == "note" and not update.is_public:
            retractions.publish_note(update)
            text = gettext("A note on « %(title)s » tells readers; edit it in the article's form if need be.")
        elif decision == "dismiss" and not update.is_public:
            retractions.decide(update, SourceUpdate.Decision.DISMISSED)
            text = gettext("Dismissed: readers of « %(title)s » are told nothing.")
        elif decision == "seen" and update.is_public:
            retractions.decide(update, SourceUpdate.Decision.SEEN)
            text = gettext("Noted as seen: readers of « %(title)s » are told at the top of the page.")
        else:
            raise PermissionDenied
        messages.success(request, text % {"title": title})
        return self.back(UPDATE_QUEUE)
