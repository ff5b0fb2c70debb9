from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    # The site's permalinks have no trailing slash; the slash form is a 301 to them.
    path("papers/<str:permalink>", views.ArticleDetailView.as_view(), name="detail"),
    path(
        "papers/<str:permalink>/",
        RedirectView.as_view(pattern_name="articles:detail", permanent=True, query_string=True),
    ),
    path("tags/<slug:slug>/", views.TagArticleListView.as_view(), name="tag"),
]
