from django.urls import path, register_converter
from django.views.generic import RedirectView

from . import feeds, views


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

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    # The site's permalinks have no trailing slash; the slash form is a 301 to them.
    path("papers/<permalink:permalink>", views.ArticleDetailView.as_view(), name="detail"),
    path(
        "papers/<permalink:permalink>/",
        RedirectView.as_view(pattern_name="articles:detail", permanent=True, query_string=True),
    ),
    path("tags/<slug:slug>/", views.TagArticleListView.as_view(), name="tag"),
    path("tags/<slug:slug>/feed/", feeds.TagFeed(), name="tag-feed"),
    path("archives/", views.ArticleArchiveIndexView.as_view(), name="archive"),
    path("archives/<int:year>/", views.ArticleYearArchiveView.as_view(), name="archive-year"),
    path("archives/<int:year>/<int:month>/", views.ArticleMonthArchiveView.as_view(), name="archive-month"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed-atom"),
]
