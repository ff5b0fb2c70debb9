from django.urls import path, register_converter

from articles.caching import cached_page

from . import feeds, views


class WeekConverter:
    regex = r"[0-9]{4}-W[0-9]{2}"  # ASCII digits: one address per week

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


register_converter(WeekConverter, "week")

app_name = "newsletter"

urlpatterns = [
    # Public and the same for everyone: from the page cache, under its generation (articles.caching).
    path("digest/", cached_page(views.DigestIndexView.as_view()), name="digests"),
    path("digest/feed/", cached_page(feeds.DigestFeed()), name="feed"),
    path("digest/<week:week>/", cached_page(views.DigestView.as_view()), name="digest"),
    # Each reader's own: never cached.
    path("newsletter/", views.SubscribeView.as_view(), name="subscribe"),
    path("newsletter/check-your-inbox/", views.SubscribedView.as_view(), name="subscribed"),
    path("newsletter/confirm/<str:token>/", views.ConfirmView.as_view(), name="confirm"),
    path("newsletter/unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
    path("newsletter/preferences/<str:token>/", views.PreferencesView.as_view(), name="preferences"),
]
