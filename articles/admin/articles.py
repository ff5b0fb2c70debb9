"""The article admin: the list (columns, filters, bulk actions), the change form with its
inlines, and saving with the workflow's side effects.

Who may see and do what is asked of ``articles.workflow``; this module only shows it. Its
pages of its own (preview, changes, calendar) are in ``pages``, its history and versions in
``versions``, its forms in ``forms``.
"""

import json

import reversion
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin

from .. import grouping, workflow, writing
from ..models import Article, ArticleAuthor, Correction, ImageCredit, SourceLink, UploadedImageField
from ..normalize import normalize_url
from ..rendering import web_url
from ..reversing import reverse_one
from ..search import admin_search_results
from .bulk import actions_for, bulk_move, send_back, unpublish_with_notice
from .filters import PublisherFilter, TagFilter, WorkQueueFilter
from .forms import (
    AUTHOR_STATUS_HELP,
    ArticleAdminForm,
    ImageThumbnailInput,
    PartForm,
    SourceLinkFormSet,
    address_offer,
)
from .moves import ArticleMoves
from .pages import ArticlePages
from .sources import SourceHealthPages
from .versions import ArticleVersions

Status = Article.Status

# Pages of other apps that open the change form and want the editor back after saving (the review
# of ingested drafts links to ``?from=review``): a marker names a page by its fixed URL name, so
# the address the editor is sent to never comes from the request.
RETURN_MARKER = "from"
RETURN_PAGES = {}


def return_after_saving(marker, url_name):
    """Send an editor who opened the change form with ``?from=<marker>`` back to ``url_name``."""
    RETURN_PAGES[marker] = url_name


class ImageCreditInline(admin.StackedInline):
    model = ImageCredit
    form = PartForm
    extra = 1
    max_num = 1
    fields = ["image", "image_url", "alt_text", "credit", "rights", "credit_url"]
    formfield_overrides = {UploadedImageField: {"widget": ImageThumbnailInput}}


class SourceLinkInline(admin.TabularInline):
    model = SourceLink
    form = PartForm
    formset = SourceLinkFormSet
    extra = 1
    fields = ["kind", "url", "publisher", "position"]


class ArticleAuthorInline(admin.TabularInline):
    """The byline, in order: people chosen among the profiles (people.Person)."""

    model = ArticleAuthor
    form = PartForm
    extra = 1
    fields = ["person", "position"]
    autocomplete_fields = ["person"]
    verbose_name = _("author")
    verbose_name_plural = _("byline")


class CorrectionInline(admin.StackedInline):
    """The article's public notes: editors' alone (workflow.may_write_notes). Anyone else's form has
    no notes, and whatever it posts of them is ignored: the server holds to the rule."""

    model = Correction
    form = PartForm
    extra = 0
    fields = ["kind", "published_at", "text"]
    classes = ["collapse"]

    def has_view_permission(self, request, obj=None):
        return workflow.may_write_notes(request.user)  # the article's own is the admin's (can_view)

    def may_write(self, request, obj):
        user = request.user
        return workflow.may_write_notes(user) and (obj is None or workflow.can_edit(user, obj))

    def has_add_permission(self, request, obj=None):
        return self.may_write(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.may_write(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.may_write(request, obj)


# Form fields that only editors see and set (workflow.may_write_notes, may_leave_notice).
EDITORS_FORM_FIELDS = ("significant_update", "withdrawal_notice")


class ArticleAdmin(ArticleMoves, SourceHealthPages, ArticlePages, ArticleVersions, VersionAdmin):
    """Articles: the list with its work queues, the change form with its workflow, the versions."""

    form = ArticleAdminForm
    list_display = [
        "title",
        "status_display",
        "publication_date",
        "author_name",
        "tag_list",
        "importance",
        "thumbnail",
    ]
    list_filter = [
        WorkQueueFilter,
        "status",
        "origin",
        # Only the tags and authors of the articles the user may see (workflow.visible_articles).
        TagFilter,
        "importance",
        ("author", admin.RelatedOnlyFieldListFilter),
        PublisherFilter,
        "published_at",
    ]
    search_fields = ["title", "summary", "links__url"]
    get_search_results = admin_search_results  # and, ignoring case and accents, bodies and tags
    date_hierarchy = "published_at"
    # No prepopulated slug: the server makes it from the title (Article.slug_follows_title), with or
    # without a script in the browser, and the same way as imports and ingestion.
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "tags"]}),
        (
            _("Publication"),
            {
                "fields": [
                    "status",
                    "withdrawal_notice",
                    "withdrawal_reason",
                    "significant_update",
                    "published_at",
                    "expires_at",
                    "planned_for",
                    "importance",
                    "author",
                ]
            },
        ),
        (_("Medical review"), {"fields": ["reviewed_by", "reviewed_on", "next_review_on"]}),
        (
            _("Address"),
            {
                "fields": [
                    "permalink",
                    "public_link",
                    "created_at",
                    "updated_at",
                    "modified_at",
                ]
            },
        ),
        (None, {"fields": ["edit_token"], "classes": ["hidden"]}),
    ]
    inlines = [ArticleAuthorInline, ImageCreditInline, SourceLinkInline, CorrectionInline]
    autocomplete_fields = ["reviewed_by"]
    list_select_related = ["author", "image"]
    actions = [
        "submit_for_review",
        "send_back",
        "publish",
        "unpublish",
        "unpublish_with_notice",
        "archive",
        "reopen",
    ]

    # No inline style: the site's Content-Security-Policy allows only its own files.
    class Media:
        css = {"all": ["articles/admin.css"]}

    change_form_template = "admin/articles/article/change_form.html"
    change_list_template = "admin/articles/article/change_list.html"
    object_history_template = "admin/articles/article/object_history.html"

    def view_on_site(self, article):
        """« View on site » for a public article only: any other's address is a 404 (the object
        tools offer the preview instead)."""
        return article.get_absolute_url() if article.is_published else None

    # Who may see and do what: asked of the workflow.

    def get_queryset(self, request):
        """The articles the user may see: the list, its filters, search, bulk actions and completions."""
        return workflow.visible_articles(request.user, self.all_articles(request))

    def all_articles(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def get_object(self, request, object_id, from_field=None):
        # Someone else's article is found, then refused by the permissions below (403):
        # hidden from the list, it is not reported as missing either.
        field = Article._meta.pk if from_field is None else Article._meta.get_field(from_field)
        try:
            return self.all_articles(request).get(**{field.name: field.to_python(object_id)})
        except (Article.DoesNotExist, ValidationError, ValueError):
            return None

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or workflow.can_view(request.user, obj)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or workflow.can_edit(request.user, obj)
        )

    def get_readonly_fields(self, request, obj=None):
        locked = workflow.locked_fields(request.user)
        return [
            "status",  # moved by the buttons of the moves (moves.py), never typed in
            "public_link",
            "planned_publication",
            "created_at",
            "updated_at",
            "modified_at",
            *locked,
        ]

    def get_fieldsets(self, request, obj=None):
        hidden = self.hidden_fields(request, obj)
        shown = [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if obj is not None and address_offer(request.user, obj):
            shown[0][1]["fields"].insert(shown[0][1]["fields"].index("slug") + 1, "change_address")
        if obj is not None and obj.planned_for and "planned_for" in hidden:
            shown[1][1]["fields"].append("planned_publication")
        return [(name, options) for name, options in shown if options["fields"]]

    def hidden_fields(self, request, obj):
        """What the user's form leaves out: an author sees only what they may change (the editors'
        fields aside, but, as planned_publication, the day planned; the desk's notes are a thread of
        their own, thread.html)."""
        if workflow.may_write_notes(request.user):
            return set()
        locked = workflow.locked_fields(request.user)
        return {*EDITORS_FORM_FIELDS, *locked, "public_link", "created_at", "updated_at", "modified_at"}

    def get_form(self, request, obj=None, change=False, **kwargs):
        if not workflow.is_editor(request.user):
            kwargs["help_texts"] = {"status": AUTHOR_STATUS_HELP, **kwargs.get("help_texts", {})}
        form = super().get_form(request, obj, change, **kwargs)
        stored_status = getattr(request, "article_status_before_restore", None)
        return type(form.__name__, (form,), {"user": request.user, "stored_status": stored_status})

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """A new article's byline starts with the profile of the user writing it, if they have one."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, ArticleAuthorInline) and obj.pk is None and request.method == "GET":
            person = getattr(request.user, "person", None)
            if person is not None:
                kwargs["initial"] = [{"person": person.pk, "position": 1}]
        return kwargs

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
        if obj.workflow_transition is not None:
            obj.status = obj.workflow_transition.target
        notice = obj.withdrawal_reason if form.cleaned_data.get("withdrawal_notice") else None
        workflow.prepare(obj, obj.workflow_transition, note=form.cleaned_data.get("note", ""), notice=notice)
        stored = Article.objects.filter(pk=obj.pk) if change else Article.objects.none()
        old = stored.values_list("permalink", flat=True).first()
        super().save_model(request, obj, form, change)
        if old:
            self.tell_of_address(request, obj, form, old)

    def tell_of_address(self, request, obj, form, old):
        """Say when a public article's address moved, or that a new title left it as it was."""
        if old != obj.permalink and obj.redirects.filter(old_permalink=old).exists():
            messages.info(
                request,
                gettext("The address is now %(new)s; the old one, %(old)s, leads there.")
                % {"new": obj.get_absolute_url(), "old": reverse_one("articles:detail", "permalink", old)},
            )
        elif "title" in form.changed_data and address_offer(request.user, obj):
            messages.info(
                request,
                gettext(
                    "The title changed; the address stays %(old)s. To make it follow the title, tick "
                    "“Change the address” and save again."
                )
                % {"old": obj.get_absolute_url()},
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Its keys read again from what was just saved, its source link included.
        grouping.index([form.instance])
        self.note_significant_update(form, formsets)
        reversion.add_to_revision(form.instance)
        reversion.set_user(request.user)

    def note_significant_update(self, form, formsets):
        """A new note, or the editor's tick, moves « Mis à jour le … »; nothing else does."""
        moments = [
            note.published_at
            for formset in formsets
            if formset.model is Correction
            for note in formset.new_objects
        ]
        if form.cleaned_data.get("significant_update"):
            moments.append(timezone.now().replace(microsecond=0))
        if moments:
            writing.significant_update(form.instance, max(moments))

    def history_text(self, obj, message):
        """The admin's change message, led by the move the save made (“Publié ; Modifié Titre.”)."""
        transition = getattr(obj, "workflow_transition", None)
        if transition is None:
            return message
        if isinstance(message, list):
            message = json.dumps(message)
        details = LogEntry(change_message=message).get_change_message() if message != "[]" else ""
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
        response = super().response_change(request, obj)
        marker = request.GET.get(RETURN_MARKER, "")
        if marker not in RETURN_PAGES or response.status_code != 302:
            return response
        if "_continue" in request.POST:  # still editing: the marker stays with the form
            if f"{RETURN_MARKER}={marker}" not in response["Location"]:
                separator = "&" if "?" in response["Location"] else "?"
                response["Location"] += separator + urlencode({RETURN_MARKER: marker})
        elif not {"_addanother", "_saveasnew"} & set(request.POST):
            response["Location"] = reverse(RETURN_PAGES[marker])
        return response

    def warn_of_duplicates(self, request, article):
        urls = {normalize_url(link.url) for link in article.links.all()}
        others = Article.objects.filter(links__url_normalized__in=urls).exclude(pk=article.pk).distinct()
        for other in others:
            if not workflow.can_view(request.user, other):
                # Someone else's: said, so that the story is not written twice, but not named.
                messages.warning(request, gettext("Another article, not yours, has the same source."))
                continue
            messages.warning(
                request,
                format_html(
                    gettext('Another article has the same source: <a href="{}">{}</a>.'),
                    reverse("admin:articles_article_change", args=[other.pk]),
                    other.title,
                ),
            )

    def add_view(self, request, form_url="", extra_context=None):
        # « Nouvel article », rather than Django's « Ajout de article ».
        return super().add_view(request, form_url, {"title": gettext("New article"), **(extra_context or {})})

    def changelist_view(self, request, extra_context=None):
        # Not VersionAdmin's: its one revision around the whole list would merge the
        # bulk actions' changes to several articles into one; each gets its own.
        context = {
            "has_change_permission": self.has_change_permission(request),
            "may_recover": self.may_recover(request),
            # « Articles », rather than Django's « Sélectionnez l’objet article à changer ».
            "title": capfirst(Article._meta.verbose_name_plural),
            **(extra_context or {}),
        }
        return admin.ModelAdmin.changelist_view(self, request, context)

    # Bulk actions: each article is moved by the workflow, or refused and named.

    submit_for_review = bulk_move("submit", _("Submit for review"))
    publish = bulk_move("publish", _("Publish (or schedule)"))
    unpublish = bulk_move("unpublish", _("Unpublish"))
    unpublish_with_notice = unpublish_with_notice
    send_back = send_back
    archive = bulk_move("archive", _("Archive"))
    reopen = bulk_move("reopen", _("Reopen as a draft"))

    def get_actions(self, request):
        return actions_for(request.user, super().get_actions(request))

    # Columns.

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, article):
        if article.is_scheduled:
            when = formats.date_format(timezone.localtime(article.published_at), "DATETIME_FORMAT")
            return gettext("Scheduled for %(when)s") % {"when": when}
        if article.has_expired:
            return gettext("Expired")
        return article.get_status_display()

    @admin.display(description=_("publication date"), ordering="published_at")
    def publication_date(self, article):
        """Short (07/12/2026 14:30), on one line: the list leaves its titles room at 1366 px."""
        return formats.date_format(timezone.localtime(article.published_at), "SHORT_DATETIME_FORMAT")

    @admin.display(description=_("author"), ordering="author__last_name")
    def author_name(self, article):
        """The author as the desk calls her, by name (her username when she has none)."""
        if article.author is None:
            return None
        return article.author.get_full_name() or article.author.get_username()

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

    @admin.display(description=_("planned publication"))
    def planned_publication(self, article):
        """The day planned, as an author reads it: nothing is published until an editor says so."""
        if not article.planned_for:
            return "—"
        return gettext("%(day)s: when it will be published, once an editor schedules it.") % {
            "day": formats.date_format(article.planned_for, "DATE_FORMAT")
        }

    @admin.display(description=_("public address"))
    def public_link(self, article):
        if not article.pk:
            return "—"
        url = article.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)
