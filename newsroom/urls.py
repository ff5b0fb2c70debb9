from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path

from articles.caching import cached_page
from articles.sitemaps import NEWS_SITEMAP, SITEMAPS, sitemap
from articles.sitemaps import index as sitemap_index
from intake.admin import old_admin_address
from newsroom.views import healthz, robots_txt
from publication.sitemaps import SitePageSitemap

handler500 = "newsroom.views.server_error"
# The articles' sections, and the publication's own pages.
ALL_SITEMAPS = {**SITEMAPS, "pages": SitePageSitemap}

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots"),
    # The JSON API: one address for every language (its content is French), never translated.
    path("api/v1/", include("api.urls")),
    path(
        "sitemap.xml",
        cached_page(sitemap_index),
        {"sitemaps": ALL_SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    # Before the sections, whose pattern would take "news" for a section name.
    path(
        "sitemap-news.xml",
        cached_page(sitemap),
        {"sitemaps": NEWS_SITEMAP, "template_name": "sitemaps/news.xml", "content_type": "application/xml"},
        name="sitemap-news",
    ),
    path(
        "sitemap-<section>.xml",
        cached_page(sitemap),
        {"sitemaps": ALL_SITEMAPS},
        name="sitemap-section",
    ),
]

# French needs no prefix, so the old permalinks stay as they were; English lives under /en/.
urlpatterns += i18n_patterns(
    re_path(r"^admin/articles/source/(?P<rest>.*)$", old_admin_address),
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
    path("", include("people.urls")),
    path("", include("newsletter.urls")),
    # The publication's own pages, at the addresses their editors chose: last, after every other.
    path("", include("publication.urls")),
    prefix_default_language=False,
)

# In development, runserver serves uploaded images; in production the web server does.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
