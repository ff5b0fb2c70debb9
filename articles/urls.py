from django.urls import path, register_converter
from django.views.generic import RedirectView

from . import feeds, views
from .caching import cached_page


class PermalinkConverter:
    """A permalink as Article.permalink may hold it: longer addresses, or ones holding control
    characters (PostgreSQL refuses a NUL byte in a query), are simply not found."""

    regex = r"[^/\x00-\x1f\x7f]{1,300}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(PermalinkConverter, "permalink")

app_name = "articles"

# Every page here is public: served from the page cache to anonymous readers (articles.caching).
urlpatterns = [
    path("", cached_page(views.ArticleListView.as_view()), name="list"),
    # The site's permalinks have no trailing slash; the slash form is a 301 to them.
    path("papers/<permalink:permalink>", cached_page(views.ArticleDetailView.as_view()), name="detail"),
    path(
        "papers/<permalink:permalink>/",
        RedirectView.as_view(pattern_name="articles:detail", permanent=True, query_string=True),
    ),
    path("tags/<slug:slug>/", cached_page(views.TagArticleListView.as_view()), name="tag"),
    path("tags/<slug:slug>/feed/", cached_page(feeds.TagFeed()), name="tag-feed"),
    path("archives/", cached_page(views.ArticleArchiveIndexView.as_view()), name="archive"),
    path("archives/<int:year>/", cached_page(views.ArticleYearArchiveView.as_view()), name="archive-year"),
    path(
        "archives/<int:year>/<int:month>/",
        cached_page(views.ArticleMonthArchiveView.as_view()),
        name="archive-month",
    ),
    path("search/", cached_page(views.SearchView.as_view()), name="search"),
    path("feed/", cached_page(feeds.LatestArticlesFeed()), name="feed"),
    path("feed/atom/", cached_page(feeds.LatestArticlesAtomFeed()), name="feed-atom"),
]
