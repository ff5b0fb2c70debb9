"""The publication's own pages, as readers see them: published ones only, in the page's language."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.views.generic import DetailView

from .models import SitePage


class SitePageView(DetailView):
    template_name = "publication/page.html"
    context_object_name = "page"

    def get_object(self, queryset=None):
        field = "slug_en" if get_language() == "en" else "slug"
        page = get_object_or_404(SitePage.objects.published(), **{field: self.kwargs["slug"]})
        # The page in the other language is at its own address there, not at this slug translated.
        self.request.language_urls = {code: page.get_absolute_url(code) for code, _name in settings.LANGUAGES}
        return page

    def get_context_data(self, **kwargs):
        page = self.object
        return super().get_context_data(
            title=page.translated("title"), body=page.translated("body"), **kwargs
        )
