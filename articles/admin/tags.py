"""The admin of tags and of the old addresses that redirect to articles."""

from django.contrib import admin


class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    readonly_fields = ["slug"]


class PermalinkRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_permalink", "article", "created_at"]
    search_fields = ["old_permalink", "article__title"]
    autocomplete_fields = ["article"]
