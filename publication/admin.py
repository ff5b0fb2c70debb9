"""The publication's admin: its identity (one record) and its own pages, edited by editors only."""

from django import forms
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin

from articles import workflow
from articles.admin.forms import RefuseControlCharacters

from .models import SiteIdentity, SitePage


class EditorsOnly:
    """Editors (workflow.is_editor) see and change the publication; anyone else, whatever their
    permissions, is refused on the server."""

    def has_module_permission(self, request):
        return workflow.is_editor(request.user)

    def has_view_permission(self, request, obj=None):
        return workflow.is_editor(request.user)

    def has_change_permission(self, request, obj=None):
        return workflow.is_editor(request.user)

    def has_add_permission(self, request):
        return workflow.is_editor(request.user)

    def has_delete_permission(self, request, obj=None):
        return workflow.is_editor(request.user)


class SiteIdentityForm(RefuseControlCharacters, forms.ModelForm):
    class Meta:
        model = SiteIdentity
        fields = [
            "name",
            "tagline",
            "tagline_en",
            "logo",
            "share_image",
            "description",
            "description_en",
            "contact_email",
            "legal_name",
            "legal_address",
            "legal_details",
            "medical_notice",
            "medical_notice_en",
        ]


@admin.register(SiteIdentity)
class SiteIdentityAdmin(EditorsOnly, VersionAdmin):
    """One record: the list leads to it (or to adding it), and it is never deleted."""

    form = SiteIdentityForm
    fieldsets = [
        (None, {"fields": ["name", "tagline", "tagline_en", "logo", "share_image"]}),
        (_("Publisher"), {"fields": ["description", "description_en", "contact_email"]}),
        (_("Legal details"), {"fields": ["legal_name", "legal_address", "legal_details"]}),
        (_("Medical notice"), {"fields": ["medical_notice", "medical_notice_en"]}),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteIdentity.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            return super().changelist_view(request, extra_context)  # refused there
        if SiteIdentity.objects.filter(pk=1).exists():
            return redirect(reverse("admin:publication_siteidentity_change", args=[1]))
        return redirect(reverse("admin:publication_siteidentity_add"))


class SitePageForm(RefuseControlCharacters, forms.ModelForm):
    class Meta:
        model = SitePage
        fields = ["role", "status", "title", "slug", "body", "title_en", "slug_en", "body_en"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 20}),
            "body_en": forms.Textarea(attrs={"rows": 20}),
        }


@admin.register(SitePage)
class SitePageAdmin(EditorsOnly, VersionAdmin):
    form = SitePageForm
    list_display = ["title", "role", "status", "public_address", "updated_at"]
    list_filter = ["status", "role"]
    search_fields = ["title", "title_en", "body", "body_en"]
    prepopulated_fields = {"slug": ["title"], "slug_en": ["title_en"]}
    fieldsets = [
        (None, {"fields": ["role", "status"]}),
        (_("French"), {"fields": ["title", "slug", "body"]}),
        (_("English"), {"fields": ["title_en", "slug_en", "body_en"]}),
    ]

    @admin.display(description=_("address"))
    def public_address(self, page):
        url = page.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url) if page.is_published else url
