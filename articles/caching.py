"""The public pages' cache: whole pages for anonymous readers, never stale, never private.

``cached_page`` wraps every public view, in one place (articles/urls.py and
newsroom/urls.py). A page is kept in Django's cache (local memory, or Redis
when REDIS_URL is set: newsroom/settings.py) with the tokens of what it shows
(``articles.cache_scope``): the site-wide one, and every list or, for an
article's page, the article, its tags and its story. A write
replaces the tokens of what it reaches, once committed (``content_changed``,
connected in apps.py to every write path): a page kept under an old token is
never served again, and a draft saved or an item ingested replaces none. A hit
reads its tokens back in one look (with Redis, each process keeps its own copy
of the pages it served, so that a hit is one round trip: ``Lookup``); the next
scheduled change and the site's identity are kept beside the tokens, so a cold
page looks up neither. A page is
also kept no longer than the next moment a scheduled article appears or a public
one expires, so published() holds at every second without anyone saving anything.

A request with a session cookie (an editor, logged in or not yet logged out)
is rendered for itself, marked private, and neither read from the cache nor
written to it. Anonymous pages carry an ETag and Last-Modified, so a repeat
request gets 304, and a Cache-Control for a CDN in front: a short max-age for
browsers, s-maxage for shared caches, neither beyond the next scheduled change.
"""

import atexit
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
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.http import HttpResponse, HttpResponseNotAllowed
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
# A shared cache that does not answer costs speed, never a page or a save.
CACHE_ERRORS = (RedisError, OSError)
GENERATION_KEY = "newsroom:generation"
# Replaced before any other token on every change: a page whose render it overlapped is not kept.
EPOCH_KEY = "newsroom:epoch"
NEXT_CHANGE_KEY = "newsroom:next-change"
PAGE_SECONDS = 600  # how long the server keeps a page, at most
BROWSER_SECONDS = 30  # Cache-Control max-age
SHARED_SECONDS = 60  # Cache-Control s-maxage, for a CDN or proxy in front
# The names pages depend on (cache_scope): everything, every list, and the one that moves with any.
SITE, LISTS, EPOCH = "site", "lists", "epoch"
NEAR = "near"  # the cache alias of a process's own copies of shared pages (near_store)
# What a cached page answers: it only reads (OPTIONS says so).
READ_METHODS = ("GET", "HEAD", "OPTIONS")


def key_of(name):
    if name == SITE:
        return GENERATION_KEY
    if name == EPOCH:
        return EPOCH_KEY
    return f"newsroom:token:{name}"


def tokens(names, db=None):
    """The current token of each name (cache_scope), as every process of the site sees it.

    Tokens live in the ``generation`` cache (a file every process on the machine reads, or
    Redis), each replaced after a committed change; a name never seen gets one. Inside a
    transaction that has changed content, this connection sees its own uncommitted rows: the
    names it changed then have tokens of its own (``Pending``), which no other connection reads.
    """
    store = generation_store()
    keys = {name: key_of(name) for name in names}
    found = store.get_many(list(keys.values()))
    values = {}
    for name, key in keys.items():
        value = found.get(key)
        if value is None:
            # Never the value of a name before: a page kept under an old one is never read again.
            store.add(key, _new_token(), timeout=None)
            value = store.get(key) or _new_token()
        values[name] = value
    pending = _pending(db or connection)
    if pending is not None:
        values.update((name, value) for name, value in pending.private.items() if name in values)
    return values


def generation():
    """The site-wide token: moved by a change to what every page shows (people, tags, the identity)."""
    return tokens([SITE])[SITE]


def generation_store():
    return caches["generation"]


def near_store():
    """This process's own copies of the pages it served, in front of a shared cache (Redis; the
    ``near`` alias in newsroom/settings.py), or None: without Redis, the pages already are in
    this process's memory."""
    return caches[NEAR] if NEAR in settings.CACHES else None


class TokenFileCache(FileBasedCache):
    """The tokens' store on a machine without Redis (newsroom/settings.py): Django's file cache,
    which never culls. Its tokens are a few per article, tag and story, and must not vanish at
    random past MAX_ENTRIES: the site-wide one gone, every page would be cold (never stale)."""

    def _cull(self):
        pass

    def _key_to_file(self, key, version=None):
        # Read on every request, a few times: the file of a key is worked out once (the key's
        # checks and hash cost as much as reading the file).
        files = self.__dict__.setdefault("_files", {})
        found = files.get((key, version))
        if found is None:
            if len(files) > 10_000:
                files.clear()
            found = files[key, version] = super()._key_to_file(key, version)
        return found


class KeptRedisClient(RedisCacheClient):
    """Django's Redis cache client with one ``redis.Redis`` per server kept, not one built for
    every operation: building one fills its table of ~170 reply handlers, 0.18 ms each time,
    three times for a page served from the cache (1.3 ms a page against 0.4 ms from memory).
    A ``redis.Redis`` is safe to share between threads; its connections stay in their pool."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = super().get_client(key, write=write)
        return client


class RedisCache(DjangoRedisCache):
    """The cache of pages and tokens when REDIS_URL is set (newsroom/settings.py)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptRedisClient


# Set when a change's tokens could not be replaced (the cache did not answer): this process
# replaces the site-wide token at its next look into the cache, or its next change, or as it
# exits, whichever comes first with the cache answering.
_missed_change = False


def bump(names):
    """Replace the tokens of ``names``: every page kept under the old ones is never read again.

    The epoch and the names in one write (a single MSET with Redis): a cache that stalls past
    its timeout still applies all of them once it answers, never the epoch alone. A write the
    cache refused is made up for by the site-wide token (``_missed_change``): a Redis that
    stalled for a second during a save left every page it reached stale for ten minutes."""
    global _missed_change
    if _missed_change:
        names = {*names, SITE}
    store = generation_store()
    try:
        # EPOCH first: on the file store each is its own write, and it must move before the others.
        store.set_many(
            {EPOCH_KEY: _new_token(), **{key_of(name): _new_token() for name in names}}, timeout=None
        )
    except CACHE_ERRORS:
        logger.exception("The cache does not answer: every page is forgotten once it does")
        # A cache that refuses writes may still delete (a full Redis whose policy is noeviction):
        # without the site-wide token, no process serves a page kept before this change, even
        # once this one has exited (a command run from cron).
        with contextlib.suppress(*CACHE_ERRORS):
            store.delete(GENERATION_KEY)
        if not _missed_change:
            atexit.register(make_up_missed_change)
        _missed_change = True
        return
    _missed_change = False
    if names & {SITE, LISTS} and enabled():
        # Looked up once per change, not by every cold page.
        with contextlib.suppress(*CACHE_ERRORS, DatabaseError):
            next_change(tokens([SITE, LISTS]))


def make_up_missed_change():
    """Replace the site-wide token if a change's could not be (``_missed_change``): called before
    this process reads the cache, and as it exits (a command run from cron)."""
    if _missed_change:
        bump({SITE})


def bump_generation():
    """Replace the site-wide token: every page kept before now is never read again."""
    bump({SITE})


def _new_token():
    # Unique, not counted: two processes replacing it at once can never land on a value
    # that a page rendered in between was already stored under.
    return uuid.uuid4().hex


class Pending:
    """The names an open transaction has changed: replaced for every process once it commits.

    Registered with transaction.on_commit (dropped, with the rows, by a rollback). Until then its
    own connection reads them under private tokens, new at each change."""

    def __init__(self):
        self.names = set()
        self.private = {}
        self.next_change = None

    def note(self, names):
        self.names |= names
        # The epoch too: a page whose render this change overlapped is not kept (Lookup.keep).
        self.private.update((name, _new_token()) for name in names | {EPOCH})

    def __call__(self):
        bump(self.names)


def content_changed(sender, using=None, **kwargs):
    """Receiver of every write to what readers see (apps.py): forget the pages it reaches once committed.

    Connected to post_save, post_delete, m2m_changed and managers.rows_written, so that
    a save, a deletion, a change of tags, ``loaddata`` and a queryset's ``update()``,
    ``delete()``, ``bulk_create()`` or ``bulk_update()`` all reach readers. What a write
    reaches is cache_scope's answer; a transaction replaces those tokens once, on commit.
    """
    from . import cache_scope

    if enabled():
        names = cache_scope.changed(sender, **kwargs)
    else:  # no page kept (the tests' DummyCache): only what each process remembers, the identity
        names = {SITE} if sender._meta.app_label == "publication" else set()
    if names:
        forget(names, using or DEFAULT_DB_ALIAS)


def forget(names, alias=DEFAULT_DB_ALIAS):
    db = connections[alias]
    if not db.in_atomic_block:
        bump(names)
        return
    pending = _pending(db)
    if pending is None:
        pending = Pending()
        transaction.on_commit(pending, using=alias)
    pending.note(names)


def _pending(db):
    """This connection's open transaction's changes (Pending), or None."""
    return next((callback for _, callback, _ in db.run_on_commit if isinstance(callback, Pending)), None)


def next_change(current):
    """When published() will next answer differently by itself, or None: kept with the site and
    lists tokens (``current``), beside them, looked up again once the moment named has passed."""
    from .models import Article

    now = timezone.now()
    under = (current[SITE], current[LISTS])
    pending = _pending(connection)
    private = pending is not None and (pending.private.keys() & {SITE, LISTS})
    found = pending.next_change if private else generation_store().get(NEXT_CHANGE_KEY)
    if found is None or found[0] != under or (found[1] is not None and found[1] <= now):
        found = (under, Article.objects.next_visibility_change(now))
        if private:
            pending.next_change = found
        else:
            generation_store().set(NEXT_CHANGE_KEY, found, timeout=None)
    return found[1]


def deadline(current):
    """The moment (a timestamp) a page rendered now stops being true: the next scheduled change,
    at most PAGE_SECONDS from now."""
    moment = next_change(current)
    limit = time.time() + PAGE_SECONDS
    return limit if moment is None else min(limit, moment.timestamp())


def lifetime(current):
    """How many whole seconds a page rendered now stays true, at most PAGE_SECONDS."""
    return max(0, math.floor(deadline(current) - time.time()))


def cached_count(name, queryset):
    """queryset.count(), kept with the lists: the sitemap index counts a million rows once per change."""
    if not enabled():
        return queryset.count()
    try:
        current = tokens([SITE, LISTS])
        key = f"newsroom:count:{current[SITE]}:{current[LISTS]}:{digest(name)}"
        count = cache.get(key)
        if count is None:
            count = queryset.count()
            seconds = lifetime(current)
            if seconds:
                cache.set(key, count, timeout=seconds)
    except CACHE_ERRORS:
        return queryset.count()
    return count


def depends_on(request, names):
    """Declare what the page being rendered shows (cache_scope): without it, a page depends on
    every list."""
    request.page_depends_on = set(names)


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
    """What the cache keeps of a response: its bytes, headers, validator and time, the tokens it
    was rendered under and the moment it stops being true."""

    def __init__(self, response, depends=None, until=None):
        self.content = response.content
        self.headers = dict(response.headers)
        self.etag = f'"{hashlib.md5(self.content, usedforsecurity=False).hexdigest()}"'
        self.last_modified = parse_http_date_safe(response.get("Last-Modified", "")) or int(time.time())
        self.depends = depends or {}
        self.until = until or time.time()

    def response(self):
        response = HttpResponse(self.content)
        for name, value in self.headers.items():
            response[name] = value
        response["ETag"] = self.etag
        response["Last-Modified"] = http_date(self.last_modified)
        return response

    def is_current(self, known):
        """Whether every token the page was rendered under is still current (one read for those
        not in ``known``)."""
        depends = getattr(self, "depends", None)
        if not depends:
            return False
        missing = [name for name in depends if name not in known]
        current = {**known, **tokens(missing)} if missing else known
        return all(current[name] == value for name, value in depends.items())

    def seconds_left(self):
        return max(0, math.floor(self.until - time.time()))


class Lookup:
    """One request's look into the cache (``prefix`` names the kind of answer): the page kept for
    its address if still current, else what ``keep`` needs to store the one rendered now.

    The tokens a page depends on are read before the view reads the database: a change
    committed while it renders makes the page kept unreadable. With Redis, each process also
    holds the pages it served in its own memory (the ``near`` cache): the tokens of everything
    that copy shows, the site's and the lists' among them, are then read in one look, and a page
    this process served is answered after a single round trip to Redis, the page itself never
    sent again while it is current. Otherwise the page is read from the shared cache and its
    tokens checked (one more read for an article's own)."""

    def __init__(self, prefix, request):
        self.request = request
        make_up_missed_change()
        self.key = f"newsroom:{prefix}:{digest(request.build_absolute_uri())}"
        near = near_store()
        held = near.get(self.key) if near is not None else None
        self.start = tokens([SITE, LISTS, *(held.depends if held is not None else ())])
        if held is not None and held.is_current(self.start):
            self.stored = held
        else:
            stored = cache.get(self.key)
            self.stored = stored if stored is not None and stored.is_current(self.start) else None
            seconds = self.stored.seconds_left() if self.stored is not None else 0
            if near is not None and seconds:
                near.set(self.key, self.stored, timeout=seconds)
        if self.stored is None:
            self.start.update(tokens([EPOCH]))
            # Counted from now, not from when the page is kept: a render that took seconds
            # must not carry a page past the next scheduled change.
            self.until = deadline(self.start)

    def keep(self, response, head=False):
        """The response as stored, kept when it may be (for the lifetime read before rendering);
        an answer to HEAD only when ``head`` says it holds the whole answer (api.answers)."""
        names = getattr(self.request, "page_depends_on", None)
        unchanged = True
        if names is None:
            depends = {SITE: self.start[SITE], LISTS: self.start[LISTS]}
        else:
            depends = tokens([SITE, *names, EPOCH])
            # Something changed while it rendered: the page is served, not kept.
            unchanged = depends.pop(EPOCH) == self.start[EPOCH]
        stored = StoredPage(response, depends, self.until)
        seconds = stored.seconds_left()
        whole = self.request.method == "GET" or head
        if unchanged and seconds and whole:
            with contextlib.suppress(CACHE_ERRORS):
                cache.set(self.key, stored, timeout=seconds)
            near = near_store()
            if near is not None:
                near.set(self.key, stored, timeout=seconds)
        return stored


def cached_page(view):
    """Serve ``view``'s pages from the cache to anonymous readers (see the module's docstring)."""

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        if request.method not in READ_METHODS:
            # Every cached page only reads: a function view (the sitemaps, the API's documentation)
            # would otherwise answer TRACE or any made-up method with the whole page.
            return HttpResponseNotAllowed(READ_METHODS)
        if request.method == "OPTIONS":
            # What it allows, and no page: as a class-based view answers (a feed gave its items).
            return HttpResponse(headers={"Allow": ", ".join(READ_METHODS), "Content-Length": "0"})
        if is_private(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            patch_vary_headers(response, ["Cookie"])
            return response
        if request.method not in ("GET", "HEAD") or not enabled():
            return view(request, *args, **kwargs)
        try:
            lookup = Lookup("page", request)
        except CACHE_ERRORS:
            logger.exception("The cache does not answer: %s rendered without it", request.path)
            return view(request, *args, **kwargs)
        stored = lookup.stored
        if stored is None:
            response = view(request, *args, **kwargs)
            if callable(getattr(response, "render", None)):
                response = response.render()
            if response.status_code != 200 or response.streaming or response.cookies:
                return response
            try:
                stored = lookup.keep(response)
            except CACHE_ERRORS:
                stored = StoredPage(response, until=lookup.until)
        seconds = stored.seconds_left()
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
