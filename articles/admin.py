"""The editors' admin: articles with their workflow, previews, versions and calendar.

Who may do what is asked of ``articles.workflow``; this module only shows it.
"""

import datetime
import json

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin
from reversion.models import Version
from taggit.forms import TagWidget

from . import revisions, workflow
from .models import Article, ImageCredit, PermalinkRedirect, SourceLink, Tag
from .normalize import normalize_url
from .rendering import web_url

Status = Article.Status


class ImageCreditInline(admin.StackedInline):
    model = ImageCredit
    extra = 1
    max_num = 1
    fields = ["image", "image_url", "alt_text", "credit", "rights", "credit_url"]


class SourceLinkFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        sources = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("kind") == SourceLink.Kind.SOURCE
        ]
        if len(sources) > 1:
            raise ValidationError(_("An article has one original source."))


class SourceLinkInline(admin.TabularInline):
    model = SourceLink
    formset = SourceLinkFormSet
    extra = 1
    fields = ["kind", "url", "publisher", "position"]


class TagAutocompleteWidget(TagWidget):
    """Taggit's comma-separated field, completing the tag being typed from the existing tags."""

    template_name = "articles/widgets/tag_autocomplete.html"

    class Media:
        js = ["articles/tag-autocomplete.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["list"] = "tag-names-" + context["widget"]["attrs"].get("id", name)
        context["widget"]["attrs"]["autocomplete"] = "off"
        context["tag_names"] = Tag.objects.values_list("name", flat=True)
        return context


class ArticleAdminForm(forms.ModelForm):
    """The change form, checked against the workflow and against other people's saves."""

    user = None  # set by ArticleAdmin.get_form
    stored_status = None  # set by ArticleAdmin.get_form when restoring a version
    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        exclude = []  # noqa: DJ006 -- the admin chooses the fields through its fieldsets
        widgets = {"tags": TagAutocompleteWidget}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.status if self.instance.pk else Status.DRAFT
        self.original_status = self.stored_status or stored
        if "status" in self.fields:
            allowed = workflow.allowed_statuses(self.user, self.instance, self.original_status)
            self.fields["status"].choices = [choice for choice in Status.choices if choice[0] in allowed]
        if self.instance.pk:
            # The save time of the very row the form shows: read apart, a save by someone
            # else in between would pass the check below and be overwritten unseen.
            self.fields["edit_token"].initial = self.instance.updated_at.isoformat()

    def stored_token(self, lock=False):
        articles = Article.objects.filter(pk=self.instance.pk)
        if lock:
            articles = articles.select_for_update()
        updated_at = articles.values_list("updated_at", flat=True).first()
        return updated_at.isoformat() if updated_at else ""

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk and cleaned_data.get("edit_token") != self.stored_token(lock=True):
            latest = revisions.versions_of(self.instance).last()
            raise ValidationError(self.conflict_message(latest), code="edit_conflict")
        target = cleaned_data.get("status", self.original_status)
        try:
            self.transition = workflow.check_move(self.user, self.instance, self.original_status, target)
        except workflow.WorkflowRefused as refusal:
            raise ValidationError(str(refusal), code="forbidden_move") from refusal
        return cleaned_data

    def conflict_message(self, latest):
        history = reverse("admin:articles_article_history", args=[self.instance.pk])
        if latest is None:
            return format_html(
                gettext(
                    "Someone else saved this article while you were editing it. Your changes are not "
                    'saved; they are still in the form below. <a href="{}">See its history</a>.'
                ),
                history,
            )
        who = latest.revision.user.get_username() if latest.revision.user else "—"
        when = formats.date_format(timezone.localtime(latest.revision.date_created), "DATETIME_FORMAT")
        changes = reverse("admin:articles_article_changes", args=[self.instance.pk, latest.pk])
        return format_html(
            gettext(
                "{who} saved this article on {when}, while you were editing it. Your changes are not "
                'saved; they are still in the form below. <a href="{changes}" target="_blank">See what '
                "{who} changed</a>, then reopen the article and make your changes again."
            ),
            who=who,
            when=when,
            changes=changes,
        )


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
        now = timezone.now()
        if self.value() == "review":
            return queryset.filter(status=Status.REVIEW)
        if self.value() == "scheduled":
            return queryset.filter(status=Status.PUBLISHED, published_at__gt=now)
        if self.value() == "expiring":
            return queryset.filter(status=Status.PUBLISHED, expires_at__gt=now)
        if self.value() == "mine":
            return queryset.filter(status=Status.DRAFT, author=request.user)
        return queryset


@admin.register(Article)
class ArticleAdmin(VersionAdmin):
    form = ArticleAdminForm
    list_display = [
        "title",
        "status_display",
        "published_at",
        "author",
        "tag_list",
        "importance",
        "thumbnail",
    ]
    list_filter = [
        WorkQueueFilter,
        "status",
        "tags",
        "importance",
        "author",
        ("links__publisher", admin.AllValuesFieldListFilter),
        "published_at",
    ]
    search_fields = ["title", "summary", "links__url"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "tags"]}),
        (
            _("Publication"),
            {
                "fields": [
                    "status",
                    "review_note",
                    "published_at",
                    "expires_at",
                    "planned_for",
                    "importance",
                    "author",
                ]
            },
        ),
        (_("Address"), {"fields": ["permalink", "public_link", "preview_link", "created_at", "updated_at"]}),
        (None, {"fields": ["edit_token"], "classes": ["hidden"]}),
    ]
    inlines = [ImageCreditInline, SourceLinkInline]
    list_select_related = ["author", "image"]
    actions = ["submit_for_review", "publish", "unpublish", "archive"]

    # No inline style: the site's Content-Security-Policy allows only its own files.
    class Media:
        css = {"all": ["articles/admin.css"]}

    change_list_template = "admin/articles/article/change_list.html"
    object_history_template = "admin/articles/article/object_history.html"

    # Who may do what: asked of the workflow.

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or workflow.can_edit(request.user, obj)
        )

    def get_readonly_fields(self, request, obj=None):
        locked = workflow.locked_fields(request.user)
        return ["public_link", "preview_link", "created_at", "updated_at", *locked]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        stored_status = getattr(request, "article_status_before_restore", None)
        return type(form.__name__, (form,), {"user": request.user, "stored_status": stored_status})

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def get_changeform_initial_data(self, request):
        return {"status": Status.DRAFT, **super().get_changeform_initial_data(request)}

    # Saving: the workflow's side effects, one version after everything is saved, the history.

    def create_revision(self, request):
        # The version is added by hand in save_related, once tags and inlines are saved.
        return reversion.create_revision(manage_manually=True)

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        obj.workflow_transition = getattr(form, "transition", None)
        workflow.prepare(obj, obj.workflow_transition, note=obj.review_note)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        reversion.add_to_revision(form.instance)
        reversion.set_user(request.user)

    def history_text(self, obj, message):
        """The admin's change message, led by the move the save made (“Publié ; Modifié Titre.”)."""
        transition = getattr(obj, "workflow_transition", None)
        if transition is None:
            return message
        if isinstance(message, list):
            message = json.dumps(message)
        details = LogEntry(change_message=message).get_change_message()
        return " ; ".join(part for part in (workflow.history_message(obj, transition), details) if part)

    def construct_change_message(self, request, form, formsets, add=False):
        # Django stores changed fields' labels in English and translates them when the
        # history is shown, which only works for labels in its own catalogue: ours are
        # stored as the editor read them.
        message = super().construct_change_message(request, form, formsets, add)
        with translation.override(None):
            english = {str(form[name].label): name for name in form.changed_data if name in form.fields}
        for entry in message:
            if "changed" in entry and "fields" in entry["changed"] and "name" not in entry["changed"]:
                fields = entry["changed"]["fields"]
                entry["changed"]["fields"] = [
                    str(form[english[label]].label) if label in english else label for label in fields
                ]
        return message

    def log_addition(self, request, obj, message):
        return super().log_addition(request, obj, self.history_text(obj, message))

    def log_change(self, request, obj, message):
        return super().log_change(request, obj, self.history_text(obj, message))

    def response_add(self, request, obj, post_url_continue=None):
        self.warn_of_duplicates(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self.warn_of_duplicates(request, obj)
        return super().response_change(request, obj)

    def warn_of_duplicates(self, request, article):
        urls = {normalize_url(link.url) for link in article.links.all()}
        others = Article.objects.filter(links__url_normalized__in=urls).exclude(pk=article.pk).distinct()
        for other in others:
            messages.warning(
                request,
                format_html(
                    gettext('Another article has the same source: <a href="{}">{}</a>.'),
                    reverse("admin:articles_article_change", args=[other.pk]),
                    other.title,
                ),
            )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # Asked of the article as it is, not as the version being restored left it.
        article = self.get_object(request, unquote(object_id))
        if article is None or not self.has_change_permission(request, article):
            raise PermissionDenied
        request.article_status_before_restore = article.status
        return super().revision_view(request, object_id, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        for action in response.context_data.get("action_list", []):
            version = action["revision"].version_set.get(
                content_type__app_label="articles",
                content_type__model="article",
                object_id=unquote(object_id),
            )
            action["changes_url"] = reverse("admin:articles_article_changes", args=[object_id, version.pk])
        return response

    def changelist_view(self, request, extra_context=None):
        # Not VersionAdmin's: its one revision around the whole list would merge the
        # bulk actions' changes to several articles into one; each gets its own.
        context = {"has_change_permission": self.has_change_permission(request), **(extra_context or {})}
        return admin.ModelAdmin.changelist_view(self, request, context)

    # Bulk actions: each article is moved by the workflow, or refused and named.

    def run_transition(self, request, queryset, name):
        done, refused = [], []
        for article in queryset:
            try:
                message = workflow.apply(request.user, article, name)
            except workflow.WorkflowRefused:
                refused.append(article)
                continue
            admin.ModelAdmin.log_change(self, request, article, message)
            done.append(article)
        label = workflow.TRANSITIONS_BY_NAME[name].done
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(action)s: %(count)d article.",
                    "%(action)s: %(count)d articles.",
                    len(done),
                )
                % {"action": label, "count": len(done)},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                format_html(
                    "{} {}",
                    ngettext(
                        "Refused for %(count)d article:",
                        "Refused for %(count)d articles:",
                        len(refused),
                    )
                    % {"count": len(refused)},
                    format_html_join(", ", "« {} »", ((article.title,) for article in refused)),
                ),
                messages.WARNING,
            )

    @admin.action(description=_("Submit for review"))
    def submit_for_review(self, request, queryset):
        self.run_transition(request, queryset, "submit")

    @admin.action(description=_("Publish (or schedule)"))
    def publish(self, request, queryset):
        self.run_transition(request, queryset, "publish")

    @admin.action(description=_("Unpublish"))
    def unpublish(self, request, queryset):
        self.run_transition(request, queryset, "unpublish")

    @admin.action(description=_("Archive"))
    def archive(self, request, queryset):
        self.run_transition(request, queryset, "archive")

    # Columns.

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, article):
        if article.is_scheduled:
            when = formats.date_format(timezone.localtime(article.published_at), "DATETIME_FORMAT")
            return gettext("Scheduled for %(when)s") % {"when": when}
        if article.has_expired:
            return gettext("Expired")
        return article.get_status_display()

    @admin.display(description=_("tags"))
    def tag_list(self, article):
        return ", ".join(tag.name for tag in article.tags.all())

    @admin.display(description=_("image"))
    def thumbnail(self, article):
        image = getattr(article, "image", None)
        src = web_url(image.src) if image is not None else ""
        if not src:
            return ""
        return format_html('<img src="{}" alt="" width="60" height="40">', src)

    @admin.display(description=_("public address"))
    def public_link(self, article):
        if not article.pk:
            return "—"
        url = article.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.display(description=_("preview"))
    def preview_link(self, article):
        if not article.pk:
            return "—"
        url = reverse("admin:articles_article_preview", args=[article.pk])
        return format_html('<a href="{}" target="_blank">{}</a>', url, gettext("Preview"))

    # Pages of their own: preview, what a version changed, the calendar.

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            # Its own Cache-Control (private, no-cache) rather than the admin's never_cache.
            path(
                "<path:object_id>/preview/",
                view(self.preview_view, cacheable=True),
                name="articles_article_preview",
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
        article = self.get_object(request, unquote(object_id))
        if article is None or not self.has_view_or_change_permission(request, article):
            raise Http404
        return article

    def preview_view(self, request, object_id):
        article = self.get_viewable_object(request, object_id)
        response = TemplateResponse(request, "admin/articles/article/preview.html", {"article": article})
        response["Cache-Control"] = "private, no-cache"
        return response

    def changes_view(self, request, object_id, version_id):
        article = self.get_viewable_object(request, object_id)
        version = get_object_or_404(Version.objects.get_for_object(article), pk=version_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "title": gettext("What changed in “%(title)s”") % {"title": article.title},
            "version": version,
            "changes": revisions.changes(revisions.previous_version(version), version),
        }
        return TemplateResponse(request, "admin/articles/article/changes.html", context)

    def calendar_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise Http404
        today = timezone.localdate()
        try:
            start = datetime.date.fromisoformat(request.GET.get("start", ""))
        except ValueError:
            start = today
        start -= datetime.timedelta(days=start.weekday())
        end = start + datetime.timedelta(weeks=4)
        days = {start + datetime.timedelta(days=n): [] for n in range((end - start).days)}

        def bounds(field):
            zone = timezone.get_current_timezone()
            low = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
            high = datetime.datetime.combine(end, datetime.time.min, tzinfo=zone)
            return {f"{field}__gte": low, f"{field}__lt": high}

        articles = Article.objects.filter(
            Q(planned_for__gte=start, planned_for__lt=end)
            | Q(status=Status.PUBLISHED, **bounds("published_at"))
            | Q(status=Status.PUBLISHED, **bounds("expires_at"))
        ).distinct()
        for article in articles:
            if article.planned_for in days:
                days[article.planned_for].append((gettext("planned"), article))
            if article.status == Status.PUBLISHED:
                day = timezone.localdate(article.published_at)
                if day in days:
                    label = gettext("scheduled") if article.is_scheduled else gettext("published")
                    days[day].append((label, article))
                if article.expires_at and timezone.localdate(article.expires_at) in days:
                    days[timezone.localdate(article.expires_at)].append((gettext("expires"), article))
        weeks = [list(days.items())[n : n + 7] for n in range(0, len(days), 7)]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Editorial calendar"),
            "weeks": weeks,
            "today": today,
            "previous": start - datetime.timedelta(weeks=4),
            "next": end,
        }
        return TemplateResponse(request, "admin/articles/article/calendar.html", context)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    readonly_fields = ["slug"]


@admin.register(PermalinkRedirect)
class PermalinkRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_permalink", "article", "created_at"]
    search_fields = ["old_permalink", "article__title"]
    autocomplete_fields = ["article"]


# Feed sources and the review of what they brought (issue 8) live in their own module.
from . import ingest_admin  # noqa: E402, F401
