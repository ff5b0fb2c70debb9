"""The publication's published pages in the sitemap, in both languages."""

from django.db.models import Max

from articles.sitemaps import LocalizedSitemap

from .models import SitePage


class SitePageSitemap(LocalizedSitemap):
    def items(self):
        return SitePage.objects.published().order_by("role")

    def location(self, page):
        return page.get_absolute_url()

    def lastmod(self, page):
        return page.updated_at

    def get_latest_lastmod(self):
        return SitePage.objects.published().aggregate(latest=Max("updated_at"))["latest"]
