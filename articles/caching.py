"""The public pages' cache: whole pages for anonymous readers, never stale, never private.

``cached_page`` wraps every public view, in one place (articles/urls.py and
newsroom/urls.py). A page is kept in Django's cache (local memory, or Redis
when REDIS_URL is set: newsroom/settings.py) under a key that holds the
*generation*, a counter that any change to an article, its tags, image credit,
links or old addresses moves on (``forget_pages``, called by ``content_changed``,
connected in apps.py, and by the bulk writes of articles.writing): every page
kept before a change is never read again. A page is also kept no
longer than the next moment a scheduled article appears or a public one
expires, so published() holds at every second without anyone saving anything.

A request with a session cookie (an editor, logged in or not yet logged out)
is rendered for itself, marked private, and neither read from the cache nor
written to it. Anonymous pages carry an ETag and Last-Modified, so a repeat
request gets 304, and a Cache-Control for a CDN in front: a short max-age for
browsers, s-maxage for shared caches, neither beyond the next scheduled change.
"""

import contextlib
import hashlib
import logging
import math
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
# A shared cache that does not answer costs speed, never a page or a save.
CACHE_ERRORS = (RedisError,)
GENERATION_KEY = "newsroom:generation"
PAGE_SECONDS = 600  # how long the server keeps a page, at most
BROWSER_SECONDS = 30  # Cache-Control max-age
SHARED_SECONDS = 60  # Cache-Control s-maxage, for a CDN or proxy in front


def generation():
    """The current generation; a new or evicted counter starts from the clock, never from an old number."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY) or 0
    return value


def bump_generation():
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.set(GENERATION_KEY, time.time_ns(), timeout=None)
    except CACHE_ERRORS:
        logger.exception("The cache does not answer: pages kept before this change live out their time")


def forget_pages(using=None):
    """Forget every page now, and again once the change is committed.

    The second bump drops a page that another request rendered from the old rows
    while the transaction was still open. Called by ``content_changed`` on every
    save and deletion, and by a bulk write, which sends no signal (articles.writing).
    """
    bump_generation()
    transaction.on_commit(bump_generation, using=using)


def content_changed(sender, using=None, **kwargs):
    """Signal receiver (apps.py): an article or one of its parts was saved or deleted."""
    forget_pages(using)


def next_change(current_generation):
    """When published() will next answer differently by itself, or None: cached with the generation."""
    from .models import Article

    key = f"newsroom:next-change:{current_generation}"
    now = timezone.now()
    found = cache.get(key)
    if found is None or (found[0] is not None and found[0] <= now):
        found = (Article.objects.next_visibility_change(now),)
        timeout = PAGE_SECONDS if found[0] is None else min(PAGE_SECONDS, (found[0] - now).total_seconds())
        if timeout >= 1:
            cache.set(key, found, timeout=int(timeout))
    return found[0]


def lifetime(current_generation):
    """How many seconds a page rendered now stays true, at most PAGE_SECONDS."""
    moment = next_change(current_generation)
    if moment is None:
        return PAGE_SECONDS
    return max(0, min(PAGE_SECONDS, math.floor((moment - timezone.now()).total_seconds())))


def cached_count(name, queryset):
    """queryset.count(), kept with the generation: the sitemap index counts a million rows once per change."""
    if not enabled():
        return queryset.count()
    try:
        current = generation()
        key = f"newsroom:count:{current}:{digest(name)}"
        count = cache.get(key)
        if count is None:
            count = queryset.count()
            seconds = lifetime(current)
            if seconds:
                cache.set(key, count, timeout=seconds)
    except CACHE_ERRORS:
        return queryset.count()
    return count


def digest(text):
    return hashlib.sha256(text.encode()).hexdigest()


def enabled():
    """False with Django's DummyCache (the test settings): pages are then rendered as they are."""
    return not isinstance(caches["default"], DummyCache)


def is_private(request):
    """A request that may carry someone's identity: never cached, never served from the cache."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return True
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated)


class StoredPage:
    """What the cache keeps of a response: its bytes, headers, validator and time."""

    def __init__(self, response):
        self.content = response.content
        self.headers = dict(response.headers)
        self.etag = f'"{hashlib.md5(self.content, usedforsecurity=False).hexdigest()}"'
        self.last_modified = parse_http_date_safe(response.get("Last-Modified", "")) or int(time.time())

    def response(self):
        response = HttpResponse(self.content)
        for name, value in self.headers.items():
            response[name] = value
        response["ETag"] = self.etag
        response["Last-Modified"] = http_date(self.last_modified)
        return response


def cached_page(view):
    """Serve ``view``'s pages from the cache to anonymous readers (see the module's docstring)."""

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        if is_private(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            patch_vary_headers(response, ["Cookie"])
            return response
        if request.method not in ("GET", "HEAD") or not enabled():
            return view(request, *args, **kwargs)
        try:
            current = generation()
            key = f"newsroom:page:{current}:{digest(request.build_absolute_uri())}"
            stored = cache.get(key)
            seconds = lifetime(current)
        except CACHE_ERRORS:
            logger.exception("The cache does not answer: %s rendered without it", request.path)
            return view(request, *args, **kwargs)
        if stored is None:
            response = view(request, *args, **kwargs)
            if callable(getattr(response, "render", None)):
                response = response.render()
            if response.status_code != 200 or response.streaming or response.cookies:
                return response
            stored = StoredPage(response)
            if seconds and request.method == "GET":
                with contextlib.suppress(CACHE_ERRORS):
                    cache.set(key, stored, timeout=seconds)
        response = stored.response()
        patch_cache_control(
            response,
            public=True,
            max_age=min(BROWSER_SECONDS, seconds),
            s_maxage=min(SHARED_SECONDS, seconds),
        )
        patch_vary_headers(response, ["Cookie"])
        return get_conditional_response(
            request, etag=stored.etag, last_modified=stored.last_modified, response=response
        )

    return cached_view
