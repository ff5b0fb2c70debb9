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
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
# A shared cache that does not answer costs speed, never a page or a save.
CACHE_ERRORS = (RedisError, OSError)
GENERATION_KEY = "newsroom:generation"
PAGE_SECONDS = 600  # how long the server keeps a page, at most
BROWSER_SECONDS = 30  # Cache-Control max-age
SHARED_SECONDS = 60  # Cache-Control s-maxage, for a CDN or proxy in front


def generation():
    """The current generation, as every process of the site sees it.

    It is a token in the ``generation`` cache (a file every process on the machine
    reads, or Redis), replaced after each committed change. Inside a transaction that
    has changed content, this connection sees its own uncommitted rows: it then reads
    pages under a key of its own, which no other connection ever reads.
    """
    token = generation_store().get(GENERATION_KEY)
    if token is None:
        token = _new_token()
        generation_store().add(GENERATION_KEY, token, timeout=None)
        token = generation_store().get(GENERATION_KEY) or token
    if _pending(connection):
        return f"{token}.{_uncommitted}"
    return token


def generation_store():
    return caches["generation"]


def bump_generation():
    """Replace the generation: every page kept before now is never read again."""
    try:
        generation_store().set(GENERATION_KEY, _new_token(), timeout=None)
    except CACHE_ERRORS:
        logger.exception("The cache does not answer: pages kept before this change live out their time")


def _new_token():
    # Unique, not counted: two processes replacing it at once can never land on a value
    # that a page rendered in between was already stored under.
    return uuid.uuid4().hex


_uncommitted = 0


def content_changed(sender, using=None, **kwargs):
    """Receiver of every write to what readers see (apps.py): forget every page once committed.

    Connected to post_save, post_delete, m2m_changed and managers.rows_written, so that
    a save, a deletion, a change of tags, ``loaddata`` and a queryset's ``update()``,
    ``delete()``, ``bulk_create()`` or ``bulk_update()`` all reach readers. A transaction
    replaces the shared generation once, on commit; until then its own connection reads
    pages under a private key that moves on with each change (``generation()``).
    """
    global _uncommitted
    alias = using or DEFAULT_DB_ALIAS
    if not connections[alias].in_atomic_block:
        bump_generation()
        return
    _uncommitted += 1
    if not _pending(connections[alias]):
        transaction.on_commit(bump_generation, using=alias)


def _pending(db):
    """Whether this connection's open transaction has changed content (its bump still to come)."""
    return any(callback is bump_generation for _, callback, _ in db.run_on_commit)


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
