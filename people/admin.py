"""People in the admin: editors keep the profiles (authors may only view them, to pick a byline).

Who may add, change or delete a profile is Django's permissions, granted to the Editors group
by migration 0002_roles; the text is checked as the article form checks its own.
"""

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles.admin.forms import RefuseControlCharacters
from articles.rendering import web_url

from .models import Person


class PersonForm(RefuseControlCharacters, forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "name",
            "slug",
            "honorific",
            "credentials",
            "bio",
            "image",
            "orcid",
            "rpps",
            "website",
            "user",
        ]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    form = PersonForm
    list_display = ["name", "honorific", "credentials", "user", "public_link"]
    list_select_related = ["user"]
    search_fields = ["name", "credentials"]
    prepopulated_fields = {"slug": ["name"]}

    @admin.display(description=_("public page"))
    def public_link(self, person):
        url = web_url(person.get_absolute_url())
        return format_html('<a href="{}">{}</a>', url, url)
