from django.urls import path

from articles.caching import cached_page

from . import views

app_name = "people"

# Public pages: served from the page cache to anonymous readers (articles.caching).
urlpatterns = [
    path("authors/<slug:slug>/", cached_page(views.PersonArticleListView.as_view()), name="detail"),
]
