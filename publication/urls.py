from django.urls import path

from articles.caching import cached_page

from . import views

app_name = "publication"

# Last in the URLconf: an address the site answers otherwise is refused as a page's (models.py).
urlpatterns = [
    path("<slug:slug>/", cached_page(views.SitePageView.as_view()), name="page"),
]
