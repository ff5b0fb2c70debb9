"""HTTP around every API address (api.urls applies ``api_answer`` to each): anonymous, read-only,
cached as the public pages are, with ETag/304 and CORS.

- Read-only: GET and HEAD answer; OPTIONS is a CORS preflight; every other method is a 405 that
  says which are allowed. No CSRF check is needed, for nothing is written.
- Anonymous: no answer depends on who asks, so none reads the session or sets a cookie, and a
  reader logged in to the site gets the same, cacheable answer (no ``Vary: Cookie``).
- Cached as the public pages are (articles.caching): under the tokens of what each answer shows
  (every list, unless the view declares less), and no longer than the next moment a scheduled
  article appears or one expires. A draft published or an article unpublished changes the answer at once.
- ETag (a hash of the answer) and Last-Modified on every 200, cache or no cache: a repeat request
  with If-None-Match gets 304.
- CORS: ``Access-Control-Allow-Origin: *`` on GET, HEAD and OPTIONS, never with credentials; the
  ETag and Link headers are exposed, and If-None-Match may be sent.
- One language: the content is French and the API's own words English, whoever asks; no answer
  varies on Accept-Language (``SameInEveryLanguage`` takes away what LocaleMiddleware adds).
- An address the API does not have is a JSON 404 (``unknown_address``), not the site's HTML page.
"""

import contextlib
import logging
from functools import wraps

from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.cache import cc_delim_re, get_conditional_response, patch_cache_control

from articles.caching import BROWSER_SECONDS, CACHE_ERRORS, SHARED_SECONDS, Lookup, StoredPage, enabled

logger = logging.getLogger(__name__)

READ_METHODS = ("GET", "HEAD")
ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS")
PREFLIGHT_SECONDS = 86_400


def api_answer(view):
    """``view`` (an API address's view) as the module's docstring says."""

    @wraps(view)
    def answer(request, *args, **kwargs):
        if request.method == "OPTIONS":
            return with_cors(preflight())
        if request.method not in READ_METHODS:
            response = JsonResponse({"detail": "The API is read-only: GET, HEAD or OPTIONS."}, status=405)
            response["Allow"] = ", ".join(ALLOWED_METHODS)
            return response
        return with_cors(cached_answer(view, request, *args, **kwargs))

    answer.csrf_exempt = True
    return answer


def unknown_address(request, rest):
    """Any address under the API that names no operation, whatever the method: a JSON 404 that
    says where the documentation is."""
    documentation = request.build_absolute_uri(reverse("api:docs"))
    response = JsonResponse({"detail": f"No such address in the API: see {documentation}"}, status=404)
    patch_cache_control(response, no_cache=True)
    return with_cors(response)


unknown_address.csrf_exempt = True


def cached_answer(view, request, *args, **kwargs):
    """The view's answer, from the cache when it holds a current one, with its validators."""
    lookup = seconds = stored = None
    if enabled():
        try:
            lookup = Lookup("api", request)
            stored = lookup.stored
        except CACHE_ERRORS:
            logger.exception("The cache does not answer: %s answered without it", request.path)
            lookup = None
    if stored is None:
        response = as_get(view, request, *args, **kwargs)
        if response.status_code != 200:
            patch_cache_control(response, no_cache=True)
            return response
        stored = StoredPage(response, until=lookup and lookup.until)
        if lookup is not None:
            with contextlib.suppress(CACHE_ERRORS):
                stored = lookup.keep(response, head=True)  # a HEAD was answered as a GET
    if lookup is not None:
        seconds = stored.seconds_left()
    response = stored.response()
    if seconds is None:
        seconds = BROWSER_SECONDS  # no server cache (tests, DummyCache): browsers may still keep it
    patch_cache_control(
        response, public=True, max_age=min(BROWSER_SECONDS, seconds), s_maxage=min(SHARED_SECONDS, seconds)
    )
    return get_conditional_response(
        request, etag=stored.etag, last_modified=stored.last_modified, response=response
    )


def as_get(view, request, *args, **kwargs):
    """A HEAD is answered as a GET (the server sends the headers alone), as Django's views do."""
    method, request.method = request.method, "GET"
    try:
        return view(request, *args, **kwargs)
    finally:
        request.method = method


def preflight():
    response = HttpResponse(status=204)
    response["Allow"] = ", ".join(ALLOWED_METHODS)
    response["Access-Control-Allow-Methods"] = ", ".join(ALLOWED_METHODS)
    response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
    response["Access-Control-Max-Age"] = str(PREFLIGHT_SECONDS)
    return response


def with_cors(response):
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
    response.same_in_every_language = True
    return response


class SameInEveryLanguage:
    """Middleware, listed before LocaleMiddleware: an API answer (every one goes through
    ``with_cors``) is the same in every language, so it loses the ``Vary: Accept-Language`` that
    LocaleMiddleware gives every address outside i18n_patterns. A shared cache keeps one copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "same_in_every_language", False) and response.has_header("Vary"):
            fields = cc_delim_re.split(response["Vary"])
            kept = [field for field in fields if field.lower() != "accept-language"]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response
