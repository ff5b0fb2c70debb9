"""Search: what a reader finds at /search/?q=…, on SQLite and on PostgreSQL."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles import views
from articles.models import Article, Tag, TaggedArticle

from .factories import make_article
from .pages import listed_titles
from .queries import queries_for

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")


def found(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return listed_titles(response)


@pytest.mark.django_db
class TestSearchOnEveryDatabase:
    def test_finds_words_in_title_summary_body_and_tags(self, client):
        make_article(title="Radiothérapie du foie")
        make_article(title="Résumé seulement", summary="Une étude sur la curiethérapie.")
        make_article(title="Corps seulement", body="Le mot **embolisation** est dans le texte.")
        make_article(title="Tag seulement", tags=["Oncologie"])
        make_article(title="Sans rapport", summary="Cardiologie.")

        assert found(client, "Radiothérapie") == ["Radiothérapie du foie"]
        assert found(client, "curiethérapie") == ["Résumé seulement"]
        assert found(client, "embolisation") == ["Corps seulement"]
        assert found(client, "oncologie") == ["Tag seulement"]

    def test_every_word_must_match(self, client):
        make_article(title="Radiothérapie du foie")
        make_article(title="Radiothérapie du poumon")

        assert found(client, "radiothérapie foie") == ["Radiothérapie du foie"]

    def test_only_public_articles_are_found(self, client):
        make_article(title="Embolisation publiée")
        make_article(title="Embolisation brouillon", status=Article.Status.DRAFT)
        make_article(title="Embolisation future", published_at=timezone.now() + timedelta(hours=1))

        assert found(client, "embolisation") == ["Embolisation publiée"]

    def test_page_shows_the_query_and_the_count(self, client):
        make_article(title="Embolisation publiée")

        response = client.get("/search/", {"q": "embolisation"})

        assertContains(response, "1 article trouvé pour « embolisation ».")
        assertContains(response, 'value="embolisation"')
        assertContains(response, '<meta name="robots" content="noindex">')

    def test_many_results_are_counted_up_to_a_bound(self, client, monkeypatch):
        monkeypatch.setattr(views, "SEARCH_COUNT_LIMIT", 3)
        for word in ("alpha", "bêta", "gamma", "delta", "epsilon"):
            make_article(title=f"Embolisation {word}")

        many = client.get("/search/", {"q": "embolisation"})
        one = client.get("/search/", {"q": "embolisation gamma"})

        assertContains(many, "Plus de 3 articles trouvés pour « embolisation ».")
        assert len(listed_titles(many)) == 5  # every result is listed all the same
        assertContains(one, "1 article trouvé pour « embolisation gamma ».")

    def test_no_result_says_so(self, client):
        response = client.get("/search/", {"q": "introuvable"})

        assertContains(response, "0 article trouvé pour « introuvable ».")
        assertContains(response, "Essayez d’autres mots, ou moins de mots.")

    @pytest.mark.parametrize("query", ["", "   ", "?!…;«»—", "a" * 10_000, "é " * 5_000, "%_\\'\"<>"])
    def test_empty_and_absurd_queries_answer_quickly_with_nothing(self, client, query):
        make_article(title="Un article")

        with CaptureQueriesContext(connection) as queries:
            response = client.get("/search/", {"q": query})

        assert response.status_code == 200
        assert listed_titles(response) == []
        assert len(queries) == 0  # nothing is asked of the database
        assertNotContains(response, "<script")

    def test_query_is_escaped_on_the_page(self, client):
        response = client.get("/search/", {"q": "<script>alert(1)</script> embolisation"})

        assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt; embolisation")
        assertNotContains(response, "<script>alert(1)")

    def test_pages_keep_the_query(self, client):
        now = timezone.now()
        for number in range(25):
            make_article(title=f"Embolisation {number}", published_at=now - timedelta(hours=number))

        first = client.get("/search/", {"q": "embolisation"})
        second = client.get("/search/", {"q": "embolisation", "page": 2})

        assertContains(first, 'href="?q=embolisation&amp;page=2"')
        assert len(listed_titles(first)) == 20
        assert len(listed_titles(second)) == 5

    def test_same_number_of_queries_for_few_and_many_results(self, client):

        for number in range(3):
            make_article(title=f"Santé {number}", tags=["Santé", f"t{number}"], image=True)
        few = queries_for(client, "/search/", {"q": "santé"})
        for number in range(30):
            make_article(title=f"Santé bis {number}", tags=["Santé", f"u{number}", "v"], image=True)

        assert queries_for(client, "/search/", {"q": "santé"}) == few <= 4


@on_postgresql
@pytest.mark.django_db
class TestFullTextSearchOnPostgreSQL:
    def test_accents_and_french_plurals_do_not_matter(self, client):
        make_article(title="La radiothérapie progresse")
        make_article(title="Deux radiothérapies comparées")
        make_article(title="Radiotherapie sans accent")

        assert sorted(found(client, "radiothérapie")) == [
            "Deux radiothérapies comparées",
            "La radiothérapie progresse",
            "Radiotherapie sans accent",
        ]
        assert len(found(client, "RADIOTHERAPIES")) == 3

    def test_title_matches_rank_above_body_matches(self, client):
        now = timezone.now()
        make_article(title="Note", body="Un mot sur l’embolisation.", published_at=now)
        make_article(title="Embolisation", published_at=now - timedelta(days=30))

        assert found(client, "embolisation") == ["Embolisation", "Note"]

    def test_tags_are_searched_without_accents(self, client):
        make_article(title="Nouvelles du jour", tags=["Actualité"])

        assert found(client, "actualite") == ["Nouvelles du jour"]


COMMON_BODY = "Une étude sur l’embolisation des artères."
FILLER = " Le suivi des patients continue." * 50  # an article's length: the table spans many pages


@pytest.fixture
def archive(db):
    """3,000 public articles, newest first: « embolisation » in every other body, a tag on every
    third, and « cryoablation » in three: the title of an old one, a summary, a recent body."""
    now = timezone.now()
    articles = [
        Article(
            title=f"Article {number}",
            slug=f"article-{number}",
            permalink=f"2024-01-01-article-{number}",
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(hours=number),
            summary="Cryoablation rénale." if number == 1500 else "",
            body=(COMMON_BODY if number % 2 == 0 else "Autre sujet.")
            + (" Puis une cryoablation." if number == 10 else "")
            + FILLER,
        )
        for number in range(3000)
    ]
    articles[2500].title = "Cryoablation du rein"
    articles[5].title = "Embolisation prostatique"  # recent: among the newest matches
    articles[2998].title = "Embolisation utérine"  # the oldest match of all
    Article.objects.bulk_create(articles)
    tag = Tag.objects.create(name="Oncologie")
    TaggedArticle.objects.bulk_create(
        TaggedArticle(content_object=article, tag=tag) for article in articles[::3]
    )
    with connection.cursor() as cursor:
        # What VACUUM ANALYZE does after a large import, as far as a transaction may.
        cursor.execute("SELECT gin_clean_pending_list('article_search_idx'::regclass)")
        cursor.execute("ANALYZE articles_article")
        cursor.execute("ANALYZE articles_taggedarticle")
        cursor.execute("ANALYZE articles_tag")
    return articles


@on_postgresql
class TestSearchAtScaleOnPostgreSQL:
    def test_no_search_reads_the_articles_table_from_end_to_end(self, archive, monkeypatch):
        from articles import search

        # The candidates a small part of the table, as 2,000 are of a large archive.
        monkeypatch.setattr(search, "RANKED_MATCHES", 20)
        for query in ("cryoablation", "embolisation", "oncologie", "embolisation artères"):
            plan = search.search(Article.objects.published(), query)[0:21].explain()

            assert "Seq Scan on articles_article" not in plan, query
            assert "Seq Scan on articles_taggedarticle" not in plan, query

    def test_a_rare_word_finds_every_article_that_holds_it_best_first(self, archive, client):
        assert found(client, "cryoablation") == ["Cryoablation du rein", "Article 1500", "Article 10"]

    def test_a_common_word_ranks_the_newest_matches(self, archive, client, monkeypatch):
        from articles import search

        monkeypatch.setattr(search, "RANKED_MATCHES", 100)  # 1,500 articles match

        results = search.search(Article.objects.published(), "embolisation")

        # The recent title first, then the newest of the others; the oldest title match,
        # beyond the newest hundred, is not ranked at all.
        newest_bodies = [f"Article {number}" for number in range(0, 60, 2) if number != 5][:19]
        assert found(client, "embolisation") == ["Embolisation prostatique", *newest_bodies]
        assert 100 <= results.count() <= 200
        assert "Embolisation utérine" not in [article.title for article in results]

    def test_a_tag_finds_its_newest_articles_after_the_text_matches(self, archive, client):
        archive[3].body = "Oncologie digestive."
        archive[3].save()

        assert found(client, "oncologie")[:3] == ["Article 3", "Article 0", "Article 6"]


def test_words_are_taken_from_a_query_and_oversized_ones_refused():
    from articles.search import search_terms

    assert search_terms("radiothérapie " * 1_000) == []
    assert search_terms("…!?") == []
    assert search_terms("  Radiothérapie,  foie ") == ["Radiothérapie", "foie"]


@on_postgresql
@pytest.mark.django_db
def test_an_edited_article_is_found_by_its_new_words(client):
    article = make_article(title="Ancien titre")
    assert found(client, "embolisation") == []

    article.title = "Embolisation de la prostate"
    article.save()
    assert found(client, "embolisation") == ["Embolisation de la prostate"]

    Article.objects.filter(pk=article.pk).update(body="Un mot sur la curiethérapie.")
    assert found(client, "curiethérapie") == ["Embolisation de la prostate"]
