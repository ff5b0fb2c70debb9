"""Search: what a reader finds at /search/?q=…, on SQLite and on PostgreSQL."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles import pagination, views
from articles.models import Article, Tag, TaggedArticle
from articles.search import search_terms

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

    def test_a_deep_page_of_results_keeps_its_ranking(self, client, monkeypatch):
        # From DEEP_OFFSET on, a page's ids are picked in a subquery first: the rank must
        # still name the articles' table there (it was a 503 « maintenance » page on SQLite).
        monkeypatch.setattr(pagination, "DEEP_OFFSET", 2)
        monkeypatch.setattr(views.PublishedArticleMixin, "paginate_by", 2)
        now = timezone.now()
        make_article(title="Ancienne", body="Le mot embolisation.", published_at=now - timedelta(days=9))
        for number in range(4):
            make_article(title=f"Embolisation {number}", published_at=now - timedelta(hours=number))

        third = client.get("/search/", {"q": "embolisation", "page": 3})

        assert third.status_code == 200
        assert listed_titles(third) == ["Ancienne"]  # a body match ranks below every title
        assert client.get("/search/", {"q": "embolisation", "page": 4}).status_code == 404

    def test_same_number_of_queries_for_few_and_many_results(self, client):

        for number in range(3):
            make_article(title=f"Santé {number}", tags=["Santé", f"t{number}"], image=True)
        few = queries_for(client, "/search/", {"q": "santé"})
        for number in range(30):
            make_article(title=f"Santé bis {number}", tags=["Santé", f"u{number}", "v"], image=True)

        assert queries_for(client, "/search/", {"q": "santé"}) == few <= 4


@pytest.mark.django_db
class TestCaseAccentsAndRanking:
    def test_case_and_accents_do_not_matter(self, client):
        make_article(title="Étude de cohorte")
        make_article(title="Une étude randomisée")
        make_article(title="Sans rapport", summary="Cardiologie.")
        make_article(title="Encore une ETUDE")

        expected = ["Encore une ETUDE", "Une étude randomisée", "Étude de cohorte"]
        # Decomposed, fullwidth, and with a soft hyphen or a direction mark inside.
        for query in (
            "etude",
            "ÉTUDE",
            "étude",
            "Étude",
            "ETUDE",
            "e\u0301tude",
            "ｅｔｕｄｅ",
            "étu\u00adde",
            "\u200fétude",
        ):
            assert sorted(found(client, query)) == expected, query

    def test_words_without_accents_find_the_accented_words(self, client):
        make_article(title="Accident vasculaire ischémique")
        make_article(title="Embolisation des artères géniculées", body="Gonarthrose : la douleur baisse.")
        make_article(title="Sans rapport", summary="Cardiologie.")

        assert found(client, "ischemique") == ["Accident vasculaire ischémique"]
        assert found(client, "geniculees") == ["Embolisation des artères géniculées"]
        assert found(client, "arteres GENICULEES") == ["Embolisation des artères géniculées"]
        assert found(client, "ischemique geniculees") == []

    def test_title_matches_rank_above_summary_above_body(self, client):
        now = timezone.now()
        make_article(title="Note", body="Un mot sur l’embolisation.", published_at=now)
        make_article(title="Brève", summary="L’embolisation, encore.", published_at=now - timedelta(days=10))
        make_article(title="Embolisation", published_at=now - timedelta(days=30))

        assert found(client, "embolisation") == ["Embolisation", "Brève", "Note"]

    def test_equal_matches_come_newest_first_and_tags_alone_last(self, client):
        now = timezone.now()
        make_article(title="Étiquette seule", tags=["Embolisation"], published_at=now)
        for days in (3, 1, 2):
            make_article(title=f"Embolisation, il y a {days} jours", published_at=now - timedelta(days=days))

        assert found(client, "embolisation") == [
            "Embolisation, il y a 1 jours",
            "Embolisation, il y a 2 jours",
            "Embolisation, il y a 3 jours",
            "Étiquette seule",
        ]

    def test_tags_are_searched_without_case_or_accents(self, client):
        make_article(title="Nouvelles du jour", tags=["Actualité"])
        make_article(title="Brouillon étiqueté", tags=["Actualité"], status=Article.Status.DRAFT)

        assert found(client, "actualite") == ["Nouvelles du jour"]
        assert found(client, "ACTUALITÉ") == ["Nouvelles du jour"]

    def test_a_draft_is_never_found_whatever_its_words(self, client):
        for status in (Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.UNPUBLISHED):
            make_article(title=f"Étude ischémique {status}", tags=["Étude"], status=status)

        assert found(client, "etude") == []
        assert found(client, "ischemique") == []

    @pytest.mark.parametrize(
        "query",
        [
            '"embolisation',
            'embolisation"',
            "embolisation*",
            "*",
            "^embolisation",
            "-embolisation",
            "+embolisation",
            "(embolisation",
            "embolisation)",
            "{title}: embolisation",
            "title:embolisation",
            "body : embolisation",
            "NEAR(embolisation prostate)",
            "embolisation NOT",
            "AND",
            "OR embolisation",
            "embolisation AND",
            "embolisation OR prostate",
            "embolisation NEAR/2 prostate",
            "a:b:c:*",
            '"""',
            "'; DROP TABLE articles_article; --",
            "embolisation\x00",
        ],
    )
    def test_search_syntax_is_read_as_words(self, client, query):
        make_article(title="Embolisation de la prostate")

        titles = found(client, query)  # 200, never a syntax error

        if search_terms(query) == ["embolisation"]:
            assert titles == ["Embolisation de la prostate"]
        assert Article.objects.count() == 1


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


@pytest.mark.django_db
class TestTheIndexFollowsEveryWrite:
    """The index is kept by the database itself (a trigger on PostgreSQL, FTS5 triggers on
    SQLite): whatever path writes a row, its new words are found and its old ones are not."""

    def test_save(self, client):
        article = make_article(title="Ancien titre")
        assert found(client, "embolisation") == []

        article.title = "Embolisation de la prostate"
        article.save()

        assert found(client, "embolisation") == ["Embolisation de la prostate"]
        assert found(client, "ancien") == []

    def test_queryset_update(self, client):
        article = make_article(title="Ancien titre", body="Un mot sur la curiethérapie.")

        Article.objects.filter(pk=article.pk).update(body="Un mot sur l’échographie.", summary="Étude.")

        assert found(client, "echographie etude") == ["Ancien titre"]
        assert found(client, "curietherapie") == []

    def test_bulk_create_and_bulk_tagging(self, client):
        now = timezone.now()
        articles = Article.objects.bulk_create(
            Article(
                title=f"Étude en lot {number}",
                slug=f"etude-en-lot-{number}",
                permalink=f"2024-01-01-etude-en-lot-{number}",
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(hours=number),
            )
            for number in range(3)
        )
        tag = Tag.objects.create(name="Gériatrie")
        TaggedArticle.objects.bulk_create([TaggedArticle(content_object=articles[2], tag=tag)])

        assert found(client, "etude lot") == ["Étude en lot 0", "Étude en lot 1", "Étude en lot 2"]
        assert found(client, "geriatrie") == ["Étude en lot 2"]

    def test_a_renamed_tag_and_a_removed_one(self, client):
        article = make_article(title="Nouvelles du jour", tags=["Actualité"])
        Tag.objects.filter(name="Actualité").update(name="Pédiatrie")

        assert found(client, "actualite") == []
        assert found(client, "pediatrie") == ["Nouvelles du jour"]

        article.tags.clear()
        assert found(client, "pediatrie") == []

    def test_a_deleted_article_and_raw_sql(self, client):
        kept = make_article(title="Gardé")
        gone = make_article(title="Étude supprimée")
        with connection.cursor() as cursor:
            cursor.execute("UPDATE articles_article SET summary = %s WHERE id = %s", ["Étude", kept.pk])
        gone.delete()

        assert found(client, "etude") == ["Gardé"]

    def test_loaddata(self, client, seed):
        assert seed.title in found(client, "selective internal radiation therapy")
        assert found(client, "neuroendocrine") == [seed.title]


@pytest.mark.django_db
def test_the_admin_search_ignores_case_and_accents_in_every_status(rf):
    from django.contrib import admin

    from articles.search import admin_search_results

    make_article(title="Étude en brouillon", status=Article.Status.DRAFT)
    make_article(title="Ischémie", tags=["Gériatrie"], status=Article.Status.REVIEW)
    make_article(title="Sans rapport", source=True)
    model_admin = admin.site._registry[Article]

    def titles(term):
        found, _ = admin_search_results(model_admin, rf.get("/"), Article.objects.all(), term)
        return sorted(found.values_list("title", flat=True))

    assert titles("etude") == ["Étude en brouillon"]
    assert titles("ISCHEMIE") == ["Ischémie"]
    assert titles("geriatrie") == ["Ischémie"]
    assert titles("brouil") == ["Étude en brouillon"]  # the admin's own substring search stays
    assert titles("news.example.org") == ["Sans rapport"]  # and its source addresses
    assert titles('"NEAR(*') == []
    assert len(titles("")) == 3


COMMON_BODY = "Une étude sur l’embolisation des artères."
FILLER = " Le suivi des patients continue." * 50  # an article's length: the table spans many pages


@pytest.fixture(scope="class")
def archive(django_db_setup, django_db_blocker):
    """3,000 public articles, newest first: « embolisation » in every other body, a tag on every
    third, and « cryoablation » in three: the title of an old one, a summary, a recent body.

    Written once for the class (its tests run one after the other, whatever the order of the
    others), outside any test's transaction, and deleted after: 3,000 articles with their search
    documents took 8 to 13 s to write on PostgreSQL, for each test."""
    with django_db_blocker.unblock():
        articles = make_archive()
    yield articles
    with django_db_blocker.unblock():
        Article.objects.filter(pk__in=[article.pk for article in articles]).delete()
        Tag.objects.filter(name="Oncologie").delete()


def make_archive():
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
    if connection.vendor != "postgresql":
        return articles
    with connection.cursor() as cursor:
        # What VACUUM ANALYZE does after a large import, as far as a transaction may.
        cursor.execute("SELECT gin_clean_pending_list('article_search_idx'::regclass)")
        cursor.execute("ANALYZE articles_article")
        cursor.execute("ANALYZE articles_taggedarticle")
        cursor.execute("ANALYZE articles_tag")
    return articles


@pytest.mark.django_db
class TestSearchAtScale:
    @on_postgresql
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
        # On SQLite bm25 also weighs the body's length: Article 10's, a few words longer, ranks
        # below the others there (PostgreSQL's ts_rank does not count length).
        longer = {10} if connection.vendor == "sqlite" else set()
        newest_bodies = [f"Article {number}" for number in range(0, 60, 2) if number not in longer][:19]
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


@pytest.mark.django_db
def test_the_admin_search_box_ignores_case_and_accents(admin_client):
    make_article(title="Étude en brouillon", status=Article.Status.DRAFT)
    make_article(title="Sans rapport")

    response = admin_client.get("/admin/articles/article/", {"q": "ETUDE"})

    assert response.status_code == 200
    assert "Étude en brouillon" in response.content.decode()
    assert "Sans rapport" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers; PostgreSQL's are in 0004")
def test_search_triggers_dropped_by_a_table_rebuild_come_back_after_migrate(client):
    """A later migration that rebuilds the articles' table on SQLite drops its triggers with it."""
    article = make_article(title="Ancien titre")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER articles_article_search_update")

    call_command("migrate", verbosity=0)
    Article.objects.filter(pk=article.pk).update(title="Hépatite corrigée")

    assert found(client, "hepatite") == ["Hépatite corrigée"]
    assert found(client, "ancien") == []
