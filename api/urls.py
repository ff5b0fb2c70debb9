"""/api/v1/: the API's operations (api.endpoints), its OpenAPI document and its documentation page.

Every API address answers through api.answers (cache, ETag, CORS, read-only); the documentation
page is an HTML page of the site, through its page cache, and /api/v1/ leads to it.
"""

from django.urls import URLPattern, path, re_path
from django.views.generic import RedirectView

from articles.caching import cached_page

from . import docs
from .answers import api_answer, unknown_address
from .endpoints import api

ninja_patterns, _, namespace = api.urls

app_name = namespace
urlpatterns = [
    path("docs", cached_page(docs.documentation), name="docs"),
    # The root, by ninja's name for it: ninja reverses it to know where the API's paths start.
    path("", RedirectView.as_view(pattern_name="api:docs"), name="api-root"),
    *(
        URLPattern(pattern.pattern, api_answer(pattern.callback), pattern.default_args, pattern.name)
        for pattern in ninja_patterns
        if pattern.name != "api-root"
    ),
    # Last: any other address under the API.
    re_path(r"^(?P<rest>.+)$", unknown_address, name="unknown"),
]
