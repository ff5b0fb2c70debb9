"""The editors' side: the Django admin."""

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains

from articles.models import Article

from .factories import make_article


def add_article_form(**overrides):
    # A past moment typed as the editor types it, whatever the hour the test runs: "today at now
    # minus a minute" is tomorrow's 23:59 between 00:00 and 00:01 (a scheduled article), and a
    # time that does not exist, or exists twice, around the changes of hour.
    moment = (timezone.localtime() - timezone.timedelta(days=1)).replace(
        hour=12, minute=0, second=0, microsecond=0
    )
    data = {
        "title": "Nouvelle recommandation de la HAS",
        "slug": "nouvelle-recommandation-de-la-has",
        "summary": "La HAS publie une recommandation.",
        "body": "Un **commentaire** de la rédaction.",
        "tags": 'Oncologie, "Santé publique"',
        "status": "published",
        "published_at_0": moment.strftime("%d/%m/%Y"),
        "published_at_1": moment.strftime("%H:%M:%S"),
        "importance": "3",
        "permalink": "",
        "author": "",
        "image-TOTAL_FORMS": "1",
        "image-INITIAL_FORMS": "0",
        "image-MIN_NUM_FORMS": "0",
        "image-MAX_NUM_FORMS": "1",
        "image-0-image_url": "https://www.has-sante.fr/image.jpg",
        "image-0-alt_text": "Le logo de la HAS",
        "image-0-credit": "HAS",
        "image-0-rights": "tous droits réservés",
        "image-0-credit_url": "https://www.has-sante.fr/",
        "links-TOTAL_FORMS": "1",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "1000",
        "links-0-kind": "source",
        "links-0-url": "https://www.has-sante.fr/recommandation?utm_source=rss",
        "links-0-publisher": "HAS",
        "links-0-position": "0",
        # The public notes (corrections and updates): editors' alone, none on a new article.
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "0",
        "bylines-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
class TestArticleAdmin:
    def test_superuser_adds_an_article_that_appears_on_the_site(self, admin_client, admin_user):
        response = admin_client.post("/admin/articles/article/add/", add_article_form())

        assert response.status_code == 302, response.context["adminform"].form.errors
        article = Article.objects.get()
        assert article.author == admin_user
        assert sorted(article.tags.names()) == ["Oncologie", "Santé publique"]
        assert article.image.credit_line == "HAS — tous droits réservés — https://www.has-sante.fr/"
        assert article.source.url_normalized == "https://www.has-sante.fr/recommandation"
        home = admin_client.get("/")
        assertContains(home, "Nouvelle recommandation de la HAS")
        page = admin_client.get(article.get_absolute_url())
        assertContains(page, "<strong>commentaire</strong>")
        assertContains(page, "Crédit image : HAS — tous droits réservés —")

    def test_refuses_a_javascript_source_url(self, admin_client):
        response = admin_client.post(
            "/admin/articles/article/add/", add_article_form(**{"links-0-url": "javascript:alert(1)"})
        )

        assert response.status_code == 200
        assertContains(response, "Saisissez une URL valide.")
        assert not Article.objects.exists()

    def test_refuses_two_original_sources(self, admin_client):
        form = add_article_form(
            **{
                "links-TOTAL_FORMS": "2",
                "links-1-kind": "source",
                "links-1-url": "https://autre.example.org/",
                "links-1-position": "1",
            }
        )

        response = admin_client.post("/admin/articles/article/add/", form)

        assertContains(response, "Un article a une seule source d’origine.")
        assert not Article.objects.exists()

    def test_pages_speak_french(self, admin_client):
        make_article(title="Un article", tags=["France"])

        changelist = admin_client.get("/admin/articles/article/")
        add = admin_client.get("/admin/articles/article/add/")

        assertContains(changelist, "Un article")
        assertContains(changelist, "Date de publication")
        assertContains(add, "L’essentiel")
        assertContains(add, "Crédit image")

    def test_anonymous_visitors_are_sent_to_the_login_page(self, client):
        response = client.get("/admin/articles/article/")

        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
class TestDailyWorkColumns:
    def test_list_shows_status_schedule_tags_and_thumbnail(self, admin_client, admin_user):
        # The author and publisher filters offer the authors and publishers of the listed articles.
        make_article(title="Illustré", image=True, tags=["Oncologie"], source=True, author=admin_user)
        make_article(title="Demain", published_at=timezone.now() + timezone.timedelta(days=1))

        response = admin_client.get("/admin/articles/article/")

        assertContains(response, 'src="https://images.example.org/')
        assertContains(response, "Oncologie")
        assertContains(response, "Programmé pour le")
        for title in ["file de travail", "statut", "étiquettes", "importance", "auteur", "éditeur"]:
            assertContains(response, f'data-filter-title="{title}"')
        assertContains(response, "Calendrier éditorial")

    def test_list_takes_the_same_number_of_queries_for_3_and_30_articles(
        self, admin_client, django_assert_max_num_queries
    ):
        for _ in range(3):
            make_article(image=True, tags=["Oncologie"])
        admin_client.get("/admin/articles/article/")  # warm the session and content types
        with django_assert_max_num_queries(20) as few:
            admin_client.get("/admin/articles/article/")
        for _ in range(27):
            make_article(image=True, tags=["Oncologie"])
        with django_assert_max_num_queries(len(few.captured_queries)):
            admin_client.get("/admin/articles/article/")

    def test_search_finds_an_article_by_its_source_address(self, admin_client):
        article = make_article(title="Trouvé", source=True)
        make_article(title="Autre")

        response = admin_client.get("/admin/articles/article/", {"q": article.source.url})

        assert [found.title for found in response.context["cl"].result_list] == ["Trouvé"]

    def test_publisher_filter(self, admin_client):
        make_article(title="Chez Example", source=True)
        make_article(title="Sans source")

        response = admin_client.get("/admin/articles/article/", {"links__publisher": "Example News"})

        assert [found.title for found in response.context["cl"].result_list] == ["Chez Example"]

    def test_tag_field_offers_existing_tags(self, admin_client):
        make_article(tags=["Santé publique"])

        response = admin_client.get("/admin/articles/article/add/")

        assertContains(response, 'list="tag-names-id_tags"')
        assertContains(response, '<option value="Santé publique">', html=True)

    def test_status_help_text_speaks_french(self, admin_client):
        response = admin_client.get("/admin/articles/article/add/")

        assertContains(response, "En relecture : attend un éditeur.")
        assertContains(response, "Date d’expiration")
        assertContains(response, "Prévu pour le")


@pytest.mark.django_db
def test_the_admin_names_the_site_and_lists_tags_once(admin_client):
    index = admin_client.get("/admin/")

    assertContains(index, "<title>Site d’administration | Newsroom</title>", html=True)
    assertContains(index, '<a href="/admin/">Newsroom</a>', html=True)
    assert "Administration de Django" not in index.content.decode()
    assertContains(index, '<a href="/admin/articles/tag/">Étiquettes</a>', count=1, html=True)
    assert index.content.decode().count(">Étiquettes</a>") == 1
    assert "/admin/taggit/" not in index.content.decode()
    assert admin_client.get("/admin/taggit/tag/").status_code == 404
