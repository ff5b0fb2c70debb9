"""Running on several machines: the shared Redis cache, pooled connections, images on S3."""

import json
import signal
import subprocess
import time
import uuid

import pytest
import redis
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import caching
from articles.models import Article

from .conftest import debian_program
from .factories import make_article
from .servers import free_port, manage
from .test_settings import PRODUCTION

SHOW_SETTINGS = (
    "import json; from django.conf import settings; from django.core.cache import caches; "
    "from django.core.files.storage import storages; s = storages['default']; "
    "print(json.dumps({'cache': type(caches['default']).__name__, "
    "'cache_location': settings.CACHES['default'].get('LOCATION'), "
    "'near': type(caches['near']).__name__ if 'near' in settings.CACHES else None, "
    "'pool': settings.DATABASES['default'].get('OPTIONS', {}).get('pool'), "
    "'conn_max_age': settings.DATABASES['default']['CONN_MAX_AGE'], "
    "'storage': type(s).__name__, 'image_url': s.url('images/2024/05/scanner.jpg')}))"
)


def effective_settings(**env):
    result = manage("shell", "-c", SHOW_SETTINGS, env={**PRODUCTION, **env})
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_one_machine_keeps_pages_in_its_own_memory_and_images_on_disk():
    found = effective_settings(REDIS_URL="", AWS_STORAGE_BUCKET_NAME="")

    assert found["cache"] == "LocMemCache"
    assert found["near"] is None  # the pages already are in each worker's memory
    assert found["storage"] == "FileSystemStorage"
    assert found["image_url"] == "/media/images/2024/05/scanner.jpg"


def test_redis_url_gives_every_worker_one_shared_cache():
    found = effective_settings(REDIS_URL="redis://cache.internal:6379/1")

    assert found["cache"] == "RedisCache"
    assert found["cache_location"] == "redis://cache.internal:6379/1"
    assert found["near"] == "LocMemCache"  # each worker's copies of the pages it served


def test_images_go_to_the_s3_bucket_when_it_is_named():
    found = effective_settings(
        AWS_STORAGE_BUCKET_NAME="newsroom-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.org",
        AWS_S3_CUSTOM_DOMAIN="media.example.org",
        AWS_ACCESS_KEY_ID="key",
        AWS_SECRET_ACCESS_KEY="secret",  # noqa: S106 -- a dummy for the settings check
    )

    assert found["storage"] == "S3Storage"
    assert found["image_url"] == "https://media.example.org/images/2024/05/scanner.jpg"


def test_a_connection_pool_on_postgresql_when_asked():
    database = "postgres://newsroom@db.internal:5432/newsroom"
    pooled = effective_settings(DATABASE_URL=database, DJANGO_DB_POOL="1", DJANGO_DB_POOL_MAX="8")
    persistent = effective_settings(DATABASE_URL=database)

    assert pooled["pool"] == {"min_size": 1, "max_size": 8, "timeout": 10}
    assert pooled["conn_max_age"] == 0
    assert persistent["pool"] is None
    assert persistent["conn_max_age"] == 60


@pytest.fixture
def redis_url(redis_server):
    return redis_server[0]


@pytest.fixture
def redis_server(tmp_path):
    """A real redis-server on a free loopback port, for this test only: (its URL, its process)."""
    executable = debian_program("redis-server")
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 -- our own arguments
        [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(host="127.0.0.1", port=port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0", server
    finally:
        server.send_signal(signal.SIGCONT)
        server.terminate()
        server.wait(timeout=10)


def machine(shared, name):
    """The caches of one machine of several: Redis shared, its own memory for its copies."""
    near = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"{name}-{uuid.uuid4()}"}
    return {"default": shared, "generation": shared, "near": near}


def commands_run(server, action, *args):
    """``action(*args)``'s result and how many commands Redis ran for it (the first INFO is
    counted by the second)."""
    before = server.info("stats")["total_commands_processed"]
    result = action(*args)
    return result, server.info("stats")["total_commands_processed"] - before - 1


@pytest.mark.django_db
def test_pages_shared_through_redis_are_forgotten_on_an_edit(client, settings, redis_url):
    shared = shared_redis(redis_url)
    settings.CACHES = machine(shared, "one")
    article = make_article(title="Titre d’origine", tags=["Oncologie"])
    client.get("/")
    client.get(article.get_absolute_url())

    server = redis.Redis.from_url(redis_url)
    for page in ("/", article.get_absolute_url()):
        with CaptureQueriesContext(connection) as captured:
            cached, run = commands_run(server, client.get, page)
        assert len(captured) == 0
        assert "Titre d’origine" in cached.content.decode()
        # One round trip to Redis for a page this process served: the tokens of what it shows.
        assert run == 1, page

    article.title = "Titre corrigé"
    article.save()

    assert "Titre corrigé" in client.get("/").content.decode()
    assert "Titre corrigé" in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_an_edit_on_one_machine_reaches_the_pages_another_holds(client, settings, redis_url):
    """Two machines share Redis, each with its own copies: an edit saved on one is never answered
    from the other's copy, and a page one rendered is served by the other without rendering."""
    shared = shared_redis(redis_url)
    article = make_article(title="Titre d’origine", tags=["Oncologie"])
    pages = ["/", article.get_absolute_url(), "/tags/oncologie/", "/api/v1/articles"]
    first, second = machine(shared, "first"), machine(shared, "second")
    settings.CACHES = first
    for page in pages:
        client.get(page)
    settings.CACHES = second
    for page in pages:
        with CaptureQueriesContext(connection) as captured:
            assert "Titre d’origine" in client.get(page).content.decode()
        assert len(captured) == 0, page  # the first machine's page, from Redis

    settings.CACHES = first
    article.title = "Titre corrigé"
    article.save()

    settings.CACHES = second
    for page in pages:
        assert "Titre corrigé" in client.get(page).content.decode(), page


@pytest.mark.django_db
def test_a_cache_that_does_not_answer_costs_neither_a_page_nor_a_save(client, settings, caplog):
    silent = {
        "BACKEND": "articles.caching.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    settings.CACHES = {"default": silent, "generation": silent}
    article = make_article(title="Titre d’origine")
    assert "Titre d’origine" in client.get("/").content.decode()

    article.title = "Titre corrigé"
    article.save()

    assert Article.objects.get(pk=article.pk).title == "Titre corrigé"
    assert "Titre corrigé" in client.get("/").content.decode()
    assert "The cache does not answer" in caplog.text


def shared_redis(url):
    return {
        "BACKEND": "articles.caching.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": f"test-{uuid.uuid4()}",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }


@pytest.mark.django_db(transaction=True)  # the tokens are replaced on commit
def test_an_edit_saved_while_redis_stalls_shows_once_it_answers(client, settings, redis_server, caplog):
    """Redis stopped for longer than its timeout while an editor saves: the save goes through, and
    the pages it reached are not served from the cache afterwards (they were, for ten minutes,
    when the epoch alone reached Redis: found by an attack from outside)."""
    url, server = redis_server
    shared = shared_redis(url)
    settings.CACHES = {"default": shared, "generation": shared}
    article = make_article(title="Titre d’origine", tags=["Oncologie"])
    pages = ["/", article.get_absolute_url(), "/tags/oncologie/", "/feed/", "/api/v1/articles"]
    for page in pages:
        client.get(page)

    server.send_signal(signal.SIGSTOP)
    try:
        article.title = "Titre corrigé"
        article.save()
    finally:
        server.send_signal(signal.SIGCONT)

    assert "The cache does not answer" in caplog.text
    for page in pages:
        assert "Titre corrigé" in client.get(page).content.decode(), page


@pytest.mark.django_db(transaction=True)
def test_an_edit_the_cache_refused_makes_every_page_cold_once_it_answers(
    client, settings, redis_url, monkeypatch
):
    """The tokens of a change could not be written at all (the cache refused the connection, its
    pages still there): the process that made the change replaces the site-wide token at its next
    look into the cache, so no page kept before the change is served again."""
    shared = shared_redis(redis_url)
    settings.CACHES = {"default": shared, "generation": shared}
    article = make_article(title="Titre d’origine")
    client.get("/")
    client.get(article.get_absolute_url())

    refused = caching.RedisCache(f"redis://127.0.0.1:{free_port()}/0", {"OPTIONS": shared["OPTIONS"]})
    with monkeypatch.context() as patched:
        patched.setattr(caching, "generation_store", lambda: refused)
        article.title = "Titre corrigé"
        article.save()

    assert "Titre corrigé" in client.get("/").content.decode()
    assert "Titre corrigé" in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.django_db(transaction=True)
def test_an_edit_saved_while_redis_refuses_writes_reaches_every_machine(
    client, settings, redis_url, monkeypatch, caplog
):
    """Redis full (its memory limit reached, policy noeviction: it answers reads and refuses
    writes) while a command saves an edit and exits: no machine serves a page kept from before
    the edit, while Redis is full or after. Found by an attack from outside: every machine
    confirmed its copies against tokens that could not move, until they expired."""
    shared = shared_redis(redis_url)
    first, second = machine(shared, "first"), machine(shared, "second")
    article = make_article(title="Titre d’origine", tags=["Oncologie"])
    pages = ["/", article.get_absolute_url(), "/tags/oncologie/", "/api/v1/articles"]
    settings.CACHES = second
    for page in pages:
        client.get(page)

    server = redis.Redis.from_url(redis_url)
    server.config_set("maxmemory", "1")
    try:
        settings.CACHES = first
        article.title = "Titre corrigé"
        article.save()
        monkeypatch.setattr(caching, "_missed_change", False)  # the command has exited
        assert "The cache does not answer" in caplog.text

        settings.CACHES = second
        for page in pages:
            assert "Titre corrigé" in client.get(page).content.decode(), page
    finally:
        server.config_set("maxmemory", "0")

    for page in pages:
        assert "Titre corrigé" in client.get(page).content.decode(), page
