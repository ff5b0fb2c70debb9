"""The page cache's scope: a change readers cannot see leaves every cached page alone; a change to
one public article makes cold only the pages that show it, and no page is ever stale.

Real requests through the test client, with the local-memory cache of production (as in
tests/test_caching.py); a page served from the cache costs no query.
"""

import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import caching, link_checks, views, writing
from articles.models import Article, Correction, SourceLink, Story, Tag
from articles.notes import ArticleNote
from articles.source_health import LinkCheck

from .factories import make_article
from .test_caching import page_cache  # noqa: F401 -- autouse: a fresh local-memory cache for each test
from .test_ingest import SEED_TAGS, WORDPRESS, ingest, make_source

pytestmark = pytest.mark.django_db


def get(client, url):
    """GET url; return the page's text and the number of queries it took."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(captured)


def warm(client, *urls):
    for url in urls:
        get(client, url)
        assert get(client, url)[1] == 0, url


def assert_from_the_cache(client, *urls):
    for url in urls:
        assert get(client, url)[1] == 0, url


def page(client, url):
    return get(client, url)[0]


@pytest.fixture
def public(db):
    """Two public articles sharing a tag (each lists the other as related), one apart."""
    flu = make_article(title="Grippe : la vaccination recommandée", tags=["Santé"], source=True)
    figures = make_article(title="Grippe : les chiffres de la semaine", tags=["Santé"])
    apart = make_article(title="Cardiologie : un essai randomisé", tags=["Cœur"])
    return flu, figures, apart


def urls_of(*articles):
    lists = ["/", "/tags/sante/", "/feed/", "/sitemap.xml"]
    return lists + [article.get_absolute_url() for article in articles]


class TestWhatReadersCannotSeeLeavesTheCacheAlone:
    def test_a_draft_saved_retagged_and_deleted(self, client, public):
        draft = make_article(title="Brouillon", status=Article.Status.DRAFT, tags=["Santé"], source=True)
        warm(client, *urls_of(*public))

        draft.title = "Brouillon relu"
        draft.save()
        draft.tags.add("Une étiquette nouvelle")
        draft.tags.remove("Santé")
        review = Article.Status.REVIEW
        make_article(title="En relecture", status=review, tags=["Santé"], image=True, source=True)
        draft.delete()

        assert_from_the_cache(client, *urls_of(*public))

    def test_an_item_ingested(self, client, public):
        make_source(tags=SEED_TAGS, keep_footer=True)
        warm(client, *urls_of(*public))

        out, err, status = ingest("--source", "Interventional News", WORDPRESS)

        assert status == 0, err
        assert Article.objects.filter(status=Article.Status.REVIEW).count() == 4
        assert_from_the_cache(client, *urls_of(*public))

    def test_a_note_on_a_draft(self, client, public):
        draft = make_article(title="Brouillon", status=Article.Status.DRAFT, tags=["Santé"])
        warm(client, *urls_of(*public))

        note = writing.Note(timezone.now(), Correction.Kind.CORRECTION, "La dose était fausse.")
        writing.save_article(draft, notes=[note], fields=False)
        Correction.objects.create(article=draft, text="Une mise à jour.", kind=Correction.Kind.UPDATE)
        ArticleNote.objects.create(article=draft, text="À revoir avant publication.")

        assert_from_the_cache(client, *urls_of(*public))

    def test_a_link_check_on_a_draft_link(self, client, public):
        draft = make_article(title="Brouillon", status=Article.Status.DRAFT, source=True)
        link = SourceLink.objects.get(article=draft)
        warm(client, *urls_of(*public))

        check = LinkCheck.objects.create(link=link, checked_at=timezone.now(), status_code=200)
        link_checks.mark_checked(check)
        now = timezone.now()
        LinkCheck.objects.filter(pk=check.pk).update(claim="jeton")
        fields = {"checked_at": now, "status_code": 404, "error": "", "failures": 1}
        link_checks.write([(check, {**fields, "first_failure_at": now, "dead_since": now})], "jeton")

        assert LinkCheck.objects.get(pk=check.pk).is_dead
        assert_from_the_cache(client, *urls_of(*public))


class TestAPublicChangeReachesWhatShowsIt:
    def test_a_correction_is_fresh_at_once_and_an_unrelated_page_stays_cached(self, client, public):
        flu, figures, apart = public
        warm(client, *urls_of(flu, figures, apart))

        flu.title = "Grippe : la vaccination recommandée dès 65 ans"
        flu.save()
        note = writing.Note(timezone.now(), Correction.Kind.CORRECTION, "L’âge était faux.")
        writing.save_article(flu, notes=[note], fields=False)

        for url in ("/", "/tags/sante/", "/feed/", flu.get_absolute_url(), figures.get_absolute_url()):
            assert "dès 65 ans" in page(client, url), url
        assert "L’âge était faux." in page(client, flu.get_absolute_url())
        assert_from_the_cache(client, apart.get_absolute_url())

    def test_an_api_answer_follows_its_article_and_outlives_an_unrelated_one(self, client, public):
        flu, figures, apart = public
        flu_url, apart_url = (f"/api/v1/articles/{article.permalink}" for article in (flu, apart))
        warm(client, flu_url, apart_url)

        flu.title = "Grippe : la vaccination recommandée dès 65 ans"
        flu.save()

        assert "dès 65 ans" in page(client, flu_url)
        assert_from_the_cache(client, apart_url)

    def test_a_related_article_title_shows_on_the_page_that_lists_it(self, client, public):
        flu, figures, apart = public
        assert "les chiffres de la semaine" in page(client, flu.get_absolute_url())
        warm(client, flu.get_absolute_url(), apart.get_absolute_url())

        figures.title = "Grippe : les chiffres du mois"
        figures.save()

        text = page(client, flu.get_absolute_url())
        assert "les chiffres du mois" in text and "les chiffres de la semaine" not in text
        assert_from_the_cache(client, apart.get_absolute_url())

    def test_a_tag_renamed_shows_everywhere(self, client, public):
        flu, figures, apart = public
        warm(client, *urls_of(flu, figures, apart))

        tag = Tag.objects.get(name="Cœur")
        tag.name = "Cardiologie"
        tag.save()

        for url in ("/", apart.get_absolute_url()):
            assert "Cardiologie</a>" in page(client, url), url

    def test_publishing_a_draft_shows_it_on_the_home_page_and_related_pages(self, client, public):
        flu, figures, apart = public
        draft = make_article(title="Grippe : un nouveau vaccin", status=Article.Status.DRAFT, tags=["Santé"])
        warm(client, *urls_of(flu, figures, apart))

        draft.status = Article.Status.PUBLISHED
        draft.save()

        for url in ("/", "/tags/sante/", "/feed/", flu.get_absolute_url(), figures.get_absolute_url()):
            assert "un nouveau vaccin" in page(client, url), url
        assert_from_the_cache(client, apart.get_absolute_url())

    def test_unpublishing_takes_it_off_the_related_pages(self, client, public):
        flu, figures, apart = public
        warm(client, *urls_of(flu, figures, apart))

        Article.objects.filter(pk=figures.pk).update(status=Article.Status.UNPUBLISHED)

        for url in ("/", "/tags/sante/", flu.get_absolute_url()):
            assert "les chiffres de la semaine" not in page(client, url), url
        assert client.get(figures.get_absolute_url()).status_code == 404
        assert_from_the_cache(client, apart.get_absolute_url())

    def test_a_scheduled_article_appears_at_its_time(self, client, public):
        flu, figures, apart = public
        soon = timezone.now() + timedelta(seconds=2)
        make_article(title="Grippe : programmé", tags=["Santé"], published_at=soon)
        for url in ("/", flu.get_absolute_url()):
            assert "programmé" not in page(client, url)
            assert get(client, url)[1] == 0

        time.sleep(max(0, (soon - timezone.now()).total_seconds()) + 0.1)

        for url in ("/", "/tags/sante/", flu.get_absolute_url()):
            assert "Grippe : programmé" in page(client, url), url

    def test_coverage_from_an_archived_article_of_the_story(self, client, public):
        flu, figures, apart = public
        story = Story.objects.create()
        Article.objects.filter(pk=flu.pk).update(story=story)
        source = writing.Source("https://revue.example.org/grippe", publisher="Revue Exemple")
        covering = make_article(title="Couverture", status=Article.Status.ARCHIVED, source=source)
        Article.objects.filter(pk=covering.pk).update(story=story)
        assert "Revue Exemple" in page(client, flu.get_absolute_url())
        warm(client, flu.get_absolute_url(), apart.get_absolute_url(), "/")

        SourceLink.objects.filter(article=covering).update(publisher="Revue Corrigée")

        assert "Revue Corrigée" in page(client, flu.get_absolute_url())
        assert_from_the_cache(client, apart.get_absolute_url(), "/")


@pytest.mark.django_db(transaction=True)
def test_committed_changes_reach_other_readers_and_cold_pages_look_up_nothing_else(client):
    flu = make_article(title="Grippe : la vaccination", tags=["Santé"])
    apart = make_article(title="Cardiologie : un essai", tags=["Cœur"])
    caching.generation_store().clear()  # every token new, as on a new machine
    with CaptureQueriesContext(connection) as first:
        page(client, "/")
    warm(client, "/", flu.get_absolute_url(), apart.get_absolute_url())

    with transaction.atomic():
        draft = make_article(title="Brouillon", status=Article.Status.DRAFT, tags=["Santé"])
        draft.title = "Brouillon relu"
        draft.save()
    assert_from_the_cache(client, "/", flu.get_absolute_url(), apart.get_absolute_url())

    with transaction.atomic():
        flu.title = "Grippe : la vaccination dès 65 ans"
        flu.save()
    with CaptureQueriesContext(connection) as cold:
        assert "dès 65 ans" in page(client, "/")
    assert "dès 65 ans" in page(client, flu.get_absolute_url())
    assert_from_the_cache(client, apart.get_absolute_url())

    # The next scheduled change and the site's identity were kept: the cold page reads its list alone.
    sql = [query["sql"] for query in cold.captured_queries]
    assert not any("publication_" in statement for statement in sql)
    assert not any(is_next_change(statement) for statement in sql)
    first_sql = [query["sql"] for query in first.captured_queries]
    assert any("publication_" in statement for statement in first_sql)  # the tokens were new then
    assert any(is_next_change(statement) for statement in first_sql)
    assert len(sql) == len(first_sql) - 4


def is_next_change(sql):
    """The look-up of the next scheduled publication or expiry (next_visibility_change)."""
    return sql.rstrip().endswith("ASC LIMIT 1") and "articles_article" in sql


def change_while_rendering(monkeypatch, article, title):
    """The title changes (and the change is committed, outside a transaction) after the article's
    page has read the article and before it is rendered."""
    read_coverage = views.coverage

    def coverage(shown):
        Article.objects.filter(pk=article.pk).update(title=title)
        return read_coverage(shown)

    monkeypatch.setattr(views, "coverage", coverage)


@pytest.mark.django_db(transaction=True)
def test_a_page_whose_render_a_committed_change_overlapped_is_not_kept(client, monkeypatch):
    article = make_article(title="Grippe : le titre lu", tags=["Santé"])
    change_while_rendering(monkeypatch, article, "Grippe : le titre corrigé")

    assert "le titre lu" in page(client, article.get_absolute_url())  # read before the change
    monkeypatch.undo()

    assert "le titre corrigé" in page(client, article.get_absolute_url())


def test_nor_one_whose_render_this_transaction_changed_what_it_shows(client, monkeypatch):
    article = make_article(title="Grippe : le titre lu", tags=["Santé"])
    change_while_rendering(monkeypatch, article, "Grippe : le titre corrigé")

    assert "le titre lu" in page(client, article.get_absolute_url())
    monkeypatch.undo()

    assert "le titre corrigé" in page(client, article.get_absolute_url())
