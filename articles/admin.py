from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Article, ImageCredit, SourceLink, Tag


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


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "published_at", "author", "tag_list", "importance"]
    list_filter = ["status", "importance", "published_at", "tags"]
    search_fields = ["title", "summary", "links__url"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["public_link", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "tags"]}),
        (_("Publication"), {"fields": ["status", "published_at", "importance", "author"]}),
        (_("Address"), {"fields": ["permalink", "public_link", "created_at", "updated_at"]}),
    ]
    inlines = [ImageCreditInline, SourceLinkInline]
    list_select_related = ["author"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description=_("tags"))
    def tag_list(self, article):
        return ", ".join(tag.name for tag in article.tags.all())

    @admin.display(description=_("public address"))
    def public_link(self, article):
        if not article.pk:
            return "—"
        url = article.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    readonly_fields = ["slug"]
