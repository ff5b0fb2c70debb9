"""The rules in the admin: edited globally (*Rules*) and per source (inlines on its form), tried
on the last items before saving, re-applied to the drafts waiting for review; the items they
blocked, each restored in one click; and the source's feed categories mapped to site tags.

Editors only (``articles.workflow.is_editor``), whatever permissions an account holds, on the
server. The work is ``intake.verdicts``'; this module asks it and reports.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from articles import workflow
from articles.admin.forms import TagAutocompleteWidget
from articles.models import SourceLink

from . import rules, verdicts
from .cards import as_id
from .models import BlockedItem, CategoryMapping, Rule


class EditorsOnly:
    """Who may see and change rules and blocked items: editors, and nobody else."""

    def has_module_permission(self, request):
        return workflow.is_editor(request.user)

    def has_view_permission(self, request, obj=None):
        return workflow.is_editor(request.user)

    def has_add_permission(self, request, *args):
        return workflow.is_editor(request.user)

    def has_change_permission(self, request, obj=None):
        return workflow.is_editor(request.user)

    def has_delete_permission(self, request, obj=None):
        return workflow.is_editor(request.user)


class RuleForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = ["source", "action", "field", "pattern", "is_regex", "tags", "importance"]
        fields += ["is_active", "position"]
        widgets = {"tags": TagAutocompleteWidget}

    def clean(self):
        cleaned = super().clean()
        pattern = cleaned.get("pattern")
        if pattern:
            error = rules.pattern_error(pattern, cleaned.get("is_regex"))
            if error:
                self.add_error("pattern", error)
        action = cleaned.get("action")
        if action == Rule.Action.TAG and not cleaned.get("tags"):
            self.add_error("tags", gettext("Give the tags this rule adds."))
        if action == Rule.Action.IMPORTANCE and not cleaned.get("importance"):
            self.add_error("importance", gettext("Give the importance this rule sets."))
        return cleaned


def effect(verdict, rule):
    """What a rule does to an item it matches, as the trial says it."""
    if rule.action == Rule.Action.BLOCK:
        return gettext("blocked")
    if rule.action == Rule.Action.KEEP:
        return gettext("kept")
    if rule.action == Rule.Action.TAG:
        return gettext("tags added: %(tags)s") % {"tags": ", ".join(verdict.tags)}
    return gettext("importance: %(importance)s") % {"importance": rule.get_importance_display()}


@admin.register(Rule)
class RuleAdmin(EditorsOnly, admin.ModelAdmin):
    form = RuleForm
    list_display = ["pattern", "action", "field", "is_regex", "applies_to", "tag_list", "importance"]
    list_display += ["is_active"]
    list_filter = ["action", "is_active", ("source", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["pattern"]
    change_form_template = "admin/intake/rule/change_form.html"
    change_list_template = "admin/intake/rule/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source").prefetch_related("tags")

    @admin.display(description=_("applies to"), ordering="source__name")
    def applies_to(self, rule):
        return rule.source.name if rule.source else gettext("every source")

    @admin.display(description=_("tags"))
    def tag_list(self, rule):
        return ", ".join(sorted((tag.name for tag in rule.tags.all()), key=str.casefold)) or "—"

    def get_changeform_initial_data(self, request):
        return {"position": 0, **super().get_changeform_initial_data(request)}

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("reapply/", view(self.reapply_view), name="intake_rule_reapply"), *super().get_urls()]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and "_try" in request.POST:
            return self.try_view(request, object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def try_view(self, request, object_id):
        """The form as filled in, checked but not saved, with the last items the rule would match."""
        add = object_id is None
        obj = None if add else self.get_object(request, unquote(object_id))
        if not add and obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not (self.has_add_permission(request) if add else self.has_change_permission(request, obj)):
            raise PermissionDenied
        subtitle = str(obj) if obj else None
        fieldsets = self.get_fieldsets(request, obj)
        form_class = self.get_form(request, obj, change=not add, fields=flatten_fieldsets(fieldsets))
        form = form_class(request.POST, instance=obj)
        trial = rows = None
        if form.is_valid():
            rule = form.save(commit=False)  # never saved: the trial only reads
            trial = verdicts.trial(rule, form.cleaned_data["tags"])
            rows = [
                (record, effect(verdict, rule), verdicts.texts(record.article)[2])
                for record, verdict in trial.matches
            ]
        admin_form = helpers.AdminForm(
            form, list(fieldsets), {}, self.get_readonly_fields(request, obj), model_admin=self
        )
        context = {
            **self.admin_site.each_context(request),
            "title": (gettext("Add %s") if add else gettext("Change %s")) % self.opts.verbose_name,
            "subtitle": subtitle,
            "adminform": admin_form,
            "object_id": object_id,
            "original": obj,
            "is_popup": False,
            "to_field": None,
            "media": self.media + admin_form.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request),
            "trial": trial,
            "trial_rows": rows,
            "trial_keeps": trial is not None and form.instance.action == Rule.Action.KEEP,
        }
        return self.render_change_form(request, context, add=add, change=not add, obj=obj)

    def reapply_view(self, request):
        """Apply the active rules to the ingested drafts waiting for review, and say what changed."""
        if not workflow.is_editor(request.user):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        counts = verdicts.reapply(request.user)
        changed = counts["changed"]
        messages.success(
            request,
            ngettext(
                "Rules re-applied: %(count)d waiting draft changed (%(blocked)d blocked, %(tagged)d tagged, "
                "%(importance)d given an importance).",
                "Rules re-applied: %(count)d waiting drafts changed (%(blocked)d blocked, %(tagged)d tagged, "
                "%(importance)d given an importance).",
                changed,
            )
            % {
                "count": changed,
                "blocked": counts["blocked"],
                "tagged": counts["tagged"],
                "importance": counts["importance"],
            },
        )
        return redirect("admin:intake_rule_changelist")


class RuleInline(EditorsOnly, admin.TabularInline):
    """A source's own rules, on its form; the global ones are under *Rules*."""

    model = Rule
    form = RuleForm
    fields = ["action", "field", "pattern", "is_regex", "tags", "importance", "is_active", "position"]
    extra = 0
    show_change_link = True  # its own page tries it on the last items before saving


class CategoryMappingInline(EditorsOnly, admin.TabularInline):
    model = CategoryMapping
    fields = ["category", "tag"]
    autocomplete_fields = ["tag"]
    extra = 1


def categories_seen(source):
    """The categories the source's feed used, each with what it becomes, for its form."""
    if not source or not source.categories_seen:
        return gettext("None yet: they appear after the next fetch.")
    mapped = {
        rules.fold(mapping.category): mapping.tag
        for mapping in CategoryMapping.objects.filter(source=source).select_related("tag")
    }
    rows = []
    for category in source.categories_seen:
        key = rules.fold(category)
        if key not in mapped:
            state = gettext("not mapped (ignored)")
        elif mapped[key] is None:
            state = gettext("ignored")
        else:
            state = gettext("→ %(tag)s") % {"tag": mapped[key].name}
        rows.append((category, state))
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{} : {}</li>", rows))


@admin.register(BlockedItem)
class BlockedItemAdmin(EditorsOnly, admin.ModelAdmin):
    """The items rules held back, newest first, each with its rule and a button putting it back in review."""

    list_display = ["title", "source", "rule", "first_seen_at", "link", "restore"]
    list_display_links = None
    list_filter = [("source", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["article__title", "link_normalized"]
    ordering = ["-first_seen_at", "-pk"]
    actions = ["restore_selected"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        links = Prefetch("article__links", queryset=SourceLink.objects.filter(kind=SourceLink.Kind.SOURCE))
        return (
            super()
            .get_queryset(request)
            .filter(is_blocked=True)
            .select_related("article", "source", "blocked_by")
            .prefetch_related(links)
        )

    @admin.display(description=_("title"), ordering="article__title")
    def title(self, record):
        if record.article is None:
            return record.link_normalized
        url = reverse("admin:articles_article_change", args=[record.article_id])
        return format_html('<a href="{}">{}</a>', url, record.article.title)

    @admin.display(description=_("rule"))
    def rule(self, record):
        rule = record.blocked_by
        if rule is None:
            return "—"
        if rule.action == Rule.Action.KEEP:
            return gettext("matches no “keep only” rule")
        return str(rule)

    @admin.display(description=_("link"))
    def link(self, record):
        source = next(iter(record.article.links.all()), None) if record.article else None
        url = source.url if source else ""
        return format_html('<a href="{}" rel="noopener noreferrer nofollow">{}</a>', url, url) if url else "—"

    @admin.display(description=_("restore"))
    def restore(self, record):
        return format_html(
            '<button type="submit" name="_restore" value="{}" class="button">{}</button>',
            record.pk,
            gettext("Restore"),
        )

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and "_restore" in request.POST:
            if not workflow.is_editor(request.user):
                raise PermissionDenied
            chosen = {as_id(value) for value in request.POST.getlist("_restore")} - {None}
            self.restore_selected(request, self.get_queryset(request).filter(pk__in=chosen))
            return redirect(request.get_full_path())
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Restore the selected items to review"))
    def restore_selected(self, request, queryset):
        if not workflow.is_editor(request.user):
            raise PermissionDenied
        restored = []
        for record in queryset.exclude(article=None):
            article = verdicts.restore(request.user, record)
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=[article],
                action_flag=CHANGE,
                change_message=gettext("Restored to review from the blocked items"),
                single_object=True,
            )
            restored.append(article)
        if restored:
            messages.success(
                request,
                format_html(
                    "{} {}",
                    ngettext("Back in review:", "Back in review:", len(restored)),
                    format_html_join(", ", "« {} »", ((article.title,) for article in restored)),
                ),
            )
