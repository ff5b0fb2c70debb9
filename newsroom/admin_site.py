"""The admin site: Django's own, but for its home page, which is the editor's desk
(newsroom/desk.py), and its completion view, which refuses a relation's far side.

``/admin/autocomplete/`` names a model and one of its fields; Django's view accepts the
reverse side of a relation (an article's ``redirects``, a tag's ``article``), which no form
has, and then fails on it with a server error. Such a field is refused like any unknown one.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied
from django.db.models import ForeignObjectRel


class CompletionView(AutocompleteJsonView):
    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        if isinstance(source_field, ForeignObjectRel):
            raise PermissionDenied
        return term, model_admin, source_field, to_field_name


class NewsroomAdminSite(admin.AdminSite):
    index_template = "admin/desk/index.html"

    def index(self, request, extra_context=None):
        from . import desk  # not at the top: this module is loaded with the apps, before the models

        return super().index(request, {**(extra_context or {}), "desk": desk.for_user(request.user)})

    def each_context(self, request):
        """The header and titles name the site as its identity does (publication/identity.py)."""
        from publication.identity import current  # not at the top: loaded before the models

        name = current(request).name
        return {**super().each_context(request), "site_header": name, "site_title": name}

    def get_urls(self):
        from django.urls import path

        from articles.admin.notifications import preferences_view  # loaded with the apps, as above

        mine = path(
            "notifications/",
            self.admin_view(lambda request: preferences_view(request, self)),
            name="notifications",
        )
        return [mine, *super().get_urls()]

    def autocomplete_view(self, request):
        return CompletionView.as_view(admin_site=self)(request)


class NewsroomAdminConfig(AdminConfig):
    default_site = "newsroom.admin_site.NewsroomAdminSite"
