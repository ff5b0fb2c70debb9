"""The public pages' cache: served without queries, forgotten on every change, never private.

The test settings turn the page cache off (a DummyCache); these tests turn it on
with Django's local-memory cache, as production runs without REDIS_URL.
"""

import io
import os
import shutil
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from django.template.response import SimpleTemplateResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles import pagination
from articles.models import Article, ImageCredit, SourceLink, Tag, TaggedArticle

from .factories import make_article
from .pages import listed_titles
from .test_import import SEED_FILE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    """A fresh local-memory cache for each test."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(uuid.uuid4()),
        },
    }


def get(client, url, **headers):
    """GET url; return the response and the number of queries it took."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    return response, len(captured)


def text(response):
    return response.content.decode()


@pytest.fixture
def editor_client(db):
    user = User.objects.create_user("redactrice", "r@example.org", "mot-de-passe-de-test", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "url",
    ["/", "/?page=1", "/en/", "/tags/sante/", "/archives/", "/search/?q=Grippe", "/feed/", "/sitemap.xml"],
)
def test_a_repeat_request_is_served_without_a_query(client, url):
    make_article(title="Grippe saisonnière", tags=["Santé"], image=True, source=True)

    first, first_queries = get(client, url)
    again, again_queries = get(client, url)

    assert first.status_code == again.status_code == 200
    assert first_queries > 0
    assert again_queries == 0
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]


def test_article_page_from_the_cache_keeps_its_security_headers(client):
    url = make_article(tags=["Santé"]).get_absolute_url()
    get(client, url)

    response, queries = get(client, url)

    assert queries == 0
    assert response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Language"] == "fr"


def test_headers_for_browsers_and_a_cdn(client):
    make_article()

    response, _ = get(client, "/")

    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert cache_control == {"public", "max-age=30", "s-maxage=60"}
    assert "Cookie" in response["Vary"]
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith("GMT")


def test_a_repeat_with_the_etag_or_the_date_gets_304(client):
    make_article(title="Grippe saisonnière")
    first, _ = get(client, "/")

    by_etag, queries = get(client, "/", if_none_match=first["ETag"])
    by_date, _ = get(client, "/", if_modified_since=first["Last-Modified"])
    other, _ = get(client, "/", if_none_match='"something-else"')

    assert by_etag.status_code == by_date.status_code == 304
    assert by_etag.content == b""
    assert queries == 0
    assert other.status_code == 200 and "Grippe saisonnière" in text(other)


def test_an_edit_shows_at_once_everywhere(client):
    article = make_article(title="Titre d’origine", tags=["Santé"])
    for url in ("/", article.get_absolute_url(), "/tags/sante/", "/feed/"):
        assert "Titre d’origine" in text(get(client, url)[0])

    article.title = "Titre corrigé"
    article.save()

    for url in ("/", article.get_absolute_url(), "/tags/sante/", "/feed/"):
        page = text(get(client, url)[0])
        assert "Titre corrigé" in page, url
        assert "Titre d’origine" not in page, url


def test_publishing_and_unpublishing_show_at_once(client):
    draft = make_article(title="Article en attente", status=Article.Status.DRAFT)
    assert "Article en attente" not in text(get(client, "/")[0])
    assert get(client, draft.get_absolute_url())[0].status_code == 404

    draft.status = Article.Status.PUBLISHED
    draft.save()
    assert "Article en attente" in text(get(client, "/")[0])
    assert get(client, draft.get_absolute_url())[0].status_code == 200

    draft.status = Article.Status.UNPUBLISHED
    draft.save()
    assert "Article en attente" not in text(get(client, "/")[0])
    assert get(client, draft.get_absolute_url())[0].status_code == 404


def test_a_tag_change_shows_at_once(client):
    article = make_article(title="Vaccins", tags=["Santé"])
    url = article.get_absolute_url()
    assert "Prévention" not in text(get(client, url)[0])
    assert get(client, "/tags/prevention/")[0].status_code == 404

    article.tags.add("Prévention")
    assert "Prévention" in text(get(client, url)[0])
    assert "Vaccins" in text(get(client, "/tags/prevention/")[0])

    article.tags.remove("Santé")
    assert "Vaccins" not in text(get(client, "/tags/sante/")[0])


def test_a_credit_or_source_change_shows_at_once(client):
    article = make_article(image=True, source=True)
    url = article.get_absolute_url()
    get(client, url)

    credit = ImageCredit.objects.get(article=article)
    credit.credit = "Photo : CHU de Nantes"
    credit.save()
    assert "Photo : CHU de Nantes" in text(get(client, url)[0])

    source = SourceLink.objects.get(article=article)
    source.url = "https://www.has-sante.fr/nouvelle-source"
    source.save()
    assert "https://www.has-sante.fr/nouvelle-source" in text(get(client, url)[0])

    source.delete()
    assert "https://www.has-sante.fr/nouvelle-source" not in text(get(client, url)[0])


def test_scheduled_and_expiring_articles_change_the_page_on_time(client):
    soon = timezone.now() + timedelta(seconds=2)
    make_article(title="Article programmé", published_at=soon)
    make_article(title="Article qui expire", expires_at=soon)

    before, _ = get(client, "/")
    cached, queries = get(client, "/")
    assert queries == 0
    assert "Article programmé" not in text(cached) and "Article qui expire" in text(cached)
    # Neither the server nor a CDN keeps the page past the scheduled moment.
    max_age = int(before["Cache-Control"].split("s-maxage=")[1].split(",")[0])
    assert max_age <= 2

    time.sleep(max(0, (soon - timezone.now()).total_seconds()) + 0.1)

    after = text(get(client, "/")[0])
    assert "Article programmé" in after
    assert "Article qui expire" not in after


def test_a_slow_render_does_not_keep_the_page_past_the_scheduled_moment(client, monkeypatch):
    """A page's life is counted from when its render began: counted from when it was kept, a
    render of 1.5 s kept it that long past a scheduled article (found by an attack from outside)."""
    soon = timezone.now() + timedelta(seconds=3)
    make_article(title="Article programmé", published_at=soon)
    make_article(title="Article en ligne")
    render = SimpleTemplateResponse.render

    def slow_render(response):
        time.sleep(1.5)
        return render(response)

    with monkeypatch.context() as patched:
        patched.setattr(SimpleTemplateResponse, "render", slow_render)
        first, _ = get(client, "/")
    assert "Article en ligne" in text(first) and "Article programmé" not in text(first)
    max_age = int(first["Cache-Control"].split("s-maxage=")[1].split(",")[0])
    assert max_age <= (soon - timezone.now()).total_seconds()

    time.sleep(max(0, (soon - timezone.now()).total_seconds()) + 0.1)

    assert "Article programmé" in text(get(client, "/")[0])


def test_a_logged_in_editor_never_gets_a_cached_page(client, editor_client):
    make_article(title="Grippe saisonnière")
    get(client, "/")
    assert get(client, "/")[1] == 0  # cached for readers

    response, queries = get(editor_client, "/")

    assert queries > 0
    assert response["Cache-Control"] == "private, no-cache"
    assert "ETag" not in response
    assert "Cookie" in response["Vary"]


def test_a_logged_in_editor_never_stores_a_page_for_readers(client, editor_client):
    make_article(title="Grippe saisonnière")
    get(editor_client, "/")
    get(editor_client, "/")

    response, queries = get(client, "/")

    assert queries > 0  # rendered for the reader: nothing was kept from the editor's visits
    assert "public" in response["Cache-Control"]


def test_a_session_cookie_alone_bypasses_the_cache(client):
    make_article()
    get(client, "/")
    client.cookies["sessionid"] = "not-a-session"

    response, queries = get(client, "/")

    assert queries > 0
    assert response["Cache-Control"] == "private, no-cache"


def test_not_found_pages_are_not_kept(client):
    get(client, "/papers/2024-01-01-pas-encore")
    article = make_article(title="Pas encore", permalink="2024-01-01-pas-encore")

    assert get(client, article.get_absolute_url())[0].status_code == 200


class TestDeepPages:
    def test_a_deep_page_lists_the_same_articles_through_the_index(self, client, monkeypatch):
        for number in range(45):
            make_article(title=f"Numéro {number:02d}", published_at=timezone.now() - timedelta(hours=number))
        shallow = listed_titles(client.get("/?page=3"))

        monkeypatch.setattr(pagination, "DEEP_OFFSET", 20)
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/?page=3&fresh=1")
        deep = listed_titles(response)

        assert deep == shallow == [f"Numéro {number:02d}" for number in range(40, 45)]
        assert any(" IN (SELECT" in query["sql"] for query in captured.captured_queries)

    def test_a_page_never_counts_the_articles(self, client):
        for number in range(45):
            make_article(published_at=timezone.now() - timedelta(hours=number))
        get(client, "/?page=2")

        with CaptureQueriesContext(connection) as captured:
            response = client.get("/?page=3")
        # the page's articles (and one more, for "older"), with their tags and bylines (articles.embedded)
        assert len(captured) == 1
        assert not any("COUNT(" in query["sql"] for query in captured.captured_queries)
        assertContains(response, 'rel="prev" href="?page=2&amp;after=')
        assertNotContains(response, 'rel="next"')

        make_article(title="Le plus récent", published_at=timezone.now())
        assert "Le plus récent" in text(get(client, "/")[0])
        assert len(listed_titles(client.get("/?page=3&again=1"))) == 6


class TestEveryWritePathReachesReaders:
    """Writes that send no post_save (update, bulk writes, queryset deletes, fixtures) show at once."""

    def test_a_queryset_update_unpublishing_an_article(self, client):
        article = make_article(title="Article retiré")
        url = article.get_absolute_url()
        assert get(client, url)[0].status_code == 200 and "Article retiré" in text(get(client, "/")[0])

        Article.objects.filter(pk=article.pk).update(status=Article.Status.UNPUBLISHED)

        assert get(client, url)[0].status_code == 404
        assert "Article retiré" not in text(get(client, "/")[0])

    def test_a_queryset_delete(self, client):
        make_article(title="Article supprimé")
        assert "Article supprimé" in text(get(client, "/")[0])

        Article.objects.filter(title="Article supprimé").delete()

        assert "Article supprimé" not in text(get(client, "/")[0])

    def test_bulk_create_and_bulk_update_of_articles(self, client):
        make_article(title="Déjà là")
        assert "Nouveau en masse" not in text(get(client, "/")[0])

        (created,) = Article.objects.bulk_create(
            [
                Article(
                    title="Nouveau en masse",
                    slug="nouveau-en-masse",
                    permalink="2024-02-02-nouveau-en-masse",
                    status=Article.Status.PUBLISHED,
                    published_at=timezone.now() - timedelta(minutes=1),
                )
            ]
        )
        assert "Nouveau en masse" in text(get(client, "/")[0])

        created = Article.objects.get(permalink="2024-02-02-nouveau-en-masse")
        created.title = "Corrigé en masse"
        Article.objects.bulk_update([created], ["title"])
        page = text(get(client, "/")[0])
        assert "Corrigé en masse" in page and "Nouveau en masse" not in page

    def test_bulk_writes_on_credits_sources_tags_and_taggings(self, client):
        article = make_article(title="Article complet", tags=["Santé"], image=True, source=True)
        url = article.get_absolute_url()
        get(client, url)

        ImageCredit.objects.filter(article=article).update(credit="Photo : CHU de Lille")
        assert "Photo : CHU de Lille" in text(get(client, url)[0])

        SourceLink.objects.filter(article=article).update(publisher="Revue Exemple")
        assert "Revue Exemple" in text(get(client, url)[0])

        Tag.objects.filter(name="Santé").update(name="Santé publique")
        assert "Santé publique" in text(get(client, url)[0])

        other = Tag.objects.create(name="Cardiologie", slug="cardiologie")
        assert "Article complet" not in text(get(client, "/tags/cardiologie/")[0])
        TaggedArticle.objects.bulk_create([TaggedArticle(content_object=article, tag=other)])
        assert "Article complet" in text(get(client, "/tags/cardiologie/")[0])

        TaggedArticle.objects.filter(tag=other).delete()
        assert "Article complet" not in text(get(client, "/tags/cardiologie/")[0])

    def test_loaddata(self, client):
        assert "NICE publishes" not in text(get(client, "/")[0])

        call_command("loaddata", "seed", verbosity=0)

        assert "NICE publishes a guidance" in text(get(client, "/")[0])

    def test_a_new_batch_of_imported_articles(self, client, tmp_path):
        make_article(title="Déjà là")
        get(client, "/")
        shutil.copy(SEED_FILE, tmp_path / SEED_FILE.name)

        call_command("import_markdown", str(tmp_path), stdout=io.StringIO())

        assert "NICE publishes a guidance" in text(get(client, "/")[0])

    def test_a_change_in_another_process_reaches_this_one(self, client, settings):
        """A command run on its own (import, ingestion, a shell) moves the generation every process reads."""
        make_article(title="Grippe saisonnière")
        get(client, "/")
        assert get(client, "/")[1] == 0

        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.test_settings",
            "DJANGO_CACHE_DIR": settings.CACHES["generation"]["LOCATION"],
        }
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                "from articles import caching; caching.bump_generation()",
            ],
            env=env,
            check=True,
            cwd=settings.BASE_DIR,
        )

        response, queries = get(client, "/")
        assert queries > 0
        assert "Grippe saisonnière" in text(response)


@pytest.mark.django_db(transaction=True)
def test_other_processes_see_a_change_when_it_is_committed_not_before():
    from django.db import transaction

    from articles import caching

    shared = caching.generation_store()
    key = caching.key_of(caching.LISTS)
    before = caching.tokens([caching.LISTS])[caching.LISTS]

    with transaction.atomic():
        make_article(title="Premier")
        make_article(title="Second")
        assert shared.get(key) == before  # another process still reads the old pages
        assert caching.tokens([caching.LISTS])[caching.LISTS] != before  # this transaction reads its own

    after = shared.get(key)
    assert after != before
    assert caching.tokens([caching.LISTS])[caching.LISTS] == after
