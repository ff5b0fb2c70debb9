"""The admin of tags and of the old addresses that redirect to articles."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .. import workflow
from ..models import Article, PermalinkRedirect


class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_internal"]
    list_filter = ["is_internal"]
    search_fields = ["name"]
    fields = ["name", "slug", "is_internal"]
    readonly_fields = ["slug"]

    def get_queryset(self, request):
        # A tag typed on someone else's draft says what they are preparing (workflow.visible_tags).
        return workflow.visible_tags(request.user, super().get_queryset(request))


class PermalinkRedirectForm(forms.ModelForm):
    class Meta:
        model = PermalinkRedirect
        fields = ["old_permalink", "article"]

    def clean_old_permalink(self):
        old_permalink = self.cleaned_data["old_permalink"]
        if Article.objects.filter(permalink=old_permalink).exists():
            raise forms.ValidationError(
                _("This is an article's present address: a redirect from it would never be followed."),
                code="permalink_in_use",
            )
        return old_permalink


class PermalinkRedirectAdmin(admin.ModelAdmin):
    """An old address belongs to the article it leads to: only editors add, change or delete one."""

    form = PermalinkRedirectForm
    list_display = ["old_permalink", "article", "created_at"]
    search_fields = ["old_permalink", "article__title"]
    autocomplete_fields = ["article"]

    def has_add_permission(self, request):
        return workflow.is_editor(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return workflow.is_editor(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return workflow.is_editor(request.user) and super().has_delete_permission(request, obj)
