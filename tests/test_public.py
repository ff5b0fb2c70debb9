"""What readers see: the list, the article at its permalink, tags, and what stays hidden."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from articles.models import Article

from .conftest import SEED_PERMALINK
from .factories import make_article

SEED_URL = f"/papers/{SEED_PERMALINK}"
SEED_TITLE = (
    "NICE publishes a guidance supporting the use of selective internal radiation therapy "
    "for neuroendocrine tumors with liver metastasis"
)
SEED_SOURCE = (
    "https://interventionalnews.com/nice-publishes-a-guidance-supporting-the-use-of-selective-"
    "internal-radiation-therapy-for-neuroendocrine-tumors-with-liver-metastasis/"
)


class ExecutableMarkupFinder(HTMLParser):
    """Collects every element or attribute of a page that a browser could run."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        # A JSON-LD block is data a browser never runs; any other script is code.
        if tag == "script" and dict(attrs).get("type") == "application/ld+json":
            return
        if tag in {"script", "iframe", "object", "embed"}:
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.found.append(f"{tag}[{name}={value}]")


def executable_markup(html):
    finder = ExecutableMarkupFinder()
    finder.feed(html)
    return finder.found


def article_html(response):
    """The <article> element of a detail page: what the reader reads."""
    content = response.content.decode()
    start = content.index('<article class="article">')
    return content[start : content.index("</article>", start)]


class TestSeedArticle:
    def test_permalink_shows_every_field_once(self, client, seed):
        response = client.get(SEED_URL)

        assert response.status_code == 200
        assertContains(response, f"<h1>{SEED_TITLE}</h1>", count=1, html=True)
        body = article_html(response)
        assert body.count("24 mai 2024") == 1
        assert (
            body.count(
                '<img src="https://interventionalnews.com/wp-content/uploads/sites/13/2023/06/'
                f'Pg4-NICE-logo-15cm.jpg" alt="{SEED_TITLE}">'
            )
            == 1
        )
        assert body.count("Crédit image :") == 1
        assert body.count("Image de l’article — droits possiblement réservés — ") == 1
        assert body.count("<h2>L’essentiel</h2>") == 1
        assert body.count("Terumo Europe recently shared") == 1
        assert body.count("<h2>Lien source</h2>") == 1
        assert body.count(f'<a href="{SEED_SOURCE}" rel="noopener noreferrer">') == 2  # credit + source
        for tag, slug in [
            ("France", "france"),
            ("Actualité", "actualite"),
            ("Interventional News — Latest", "interventional-news-latest"),
        ]:
            assert body.count(f'<a href="/tags/{slug}/">{tag}</a>') == 1
        # The generated parts of the old markdown body are not repeated as text.
        assert "![" not in body and "*Crédit image" not in body and "## " not in body

    def test_summary_entity_reads_as_an_ellipsis(self, client, seed):
        response = client.get(SEED_URL)

        assertContains(response, "a key milestone […] The post")
        assertNotContains(response, "&amp;#8230;")
        assertNotContains(response, "&#8230;")

    def test_page_is_french_with_the_title(self, client, seed):
        response = client.get(SEED_URL)

        assertContains(response, '<html lang="fr">')
        assertContains(response, f"<title>{SEED_TITLE} — Newsroom</title>")

    def test_trailing_slash_form_redirects_permanently(self, client, seed):
        response = client.get(SEED_URL + "/")

        assertRedirects(response, SEED_URL, status_code=301)

    def test_listed_on_home_page(self, client, seed):
        response = client.get("/")

        assertContains(response, f'<a href="{SEED_URL}">{SEED_TITLE}</a>', html=True)


@pytest.mark.django_db
class TestVisibility:
    def test_draft_is_not_public(self, client):
        draft = make_article(title="Brouillon secret", status=Article.Status.DRAFT)

        assert client.get(draft.get_absolute_url()).status_code == 404
        assertNotContains(client.get("/"), "Brouillon secret")

    def test_future_article_is_not_public_until_its_time(self, client):
        future = make_article(title="Article programmé", published_at=timezone.now() + timedelta(hours=1))

        assert client.get(future.get_absolute_url()).status_code == 404
        assertNotContains(client.get("/"), "Article programmé")

        Article.objects.filter(pk=future.pk).update(published_at=timezone.now() - timedelta(minutes=1))
        assert client.get(future.get_absolute_url()).status_code == 200

    def test_unknown_permalink_is_404_in_the_site_design(self, client):
        response = client.get("/papers/2024-01-01-nothing-here")

        assert response.status_code == 404
        assertContains(response, "Page introuvable", status_code=404)

    def test_tag_page_lists_only_public_articles_with_the_tag(self, client):
        make_article(title="Publié et tagué", tags=["Oncologie"])
        make_article(title="Publié sans le tag", tags=["Cardiologie"])
        make_article(title="Brouillon tagué", tags=["Oncologie"], status=Article.Status.DRAFT)

        response = client.get("/tags/oncologie/")

        assertContains(response, "Publié et tagué")
        assertNotContains(response, "Publié sans le tag")
        assertNotContains(response, "Brouillon tagué")
        assert client.get("/tags/no-such-tag/").status_code == 404


@pytest.mark.django_db
class TestList:
    def test_newest_first_twenty_per_page(self, client):
        now = timezone.now()
        for day in range(25):
            make_article(title=f"Jour {day:02d}", published_at=now - timedelta(days=day))

        first = client.get("/")
        second = client.get("/?page=2")

        titles = [a.title for a in first.context["article_list"]]
        assert titles == [f"Jour {day:02d}" for day in range(20)]
        assert [a.title for a in second.context["article_list"]] == [f"Jour {d:02d}" for d in range(20, 25)]
        assertContains(first, 'href="?page=2"')
        assert client.get("/?page=3").status_code == 404
        assert client.get("/?page=abc").status_code == 404

    def test_same_number_of_queries_for_5_and_50_articles(self, client):
        def queries_for_home_page():
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/").status_code == 200
            return len(queries)

        for _ in range(5):
            make_article(tags=["Santé", "France", f"tag-{_}"], image=True, source=True)
        few = queries_for_home_page()
        for _ in range(45):
            make_article(tags=["Santé", "Europe", f"autre-{_}", "x", "y"], image=True, source=True)
        many = queries_for_home_page()

        assert few == many
        assert many <= 4


@pytest.mark.django_db
class TestBodyIsSanitized:
    def test_script_and_event_handlers_never_reach_the_page(self, client):
        article = make_article(
            body=(
                "Texte **important**.\n\n"
                "<script>alert('x')</script>\n\n"
                '<img src="https://example.org/a.png" onerror="alert(1)">\n\n'
                "[cliquez](javascript:alert(2))\n\n"
                '<a href="JaVaScRiPt:alert(3)">lien</a>\n\n'
                'Paragraphe\n{: onclick="alert(4)" }\n'
            )
        )

        response = client.get(article.get_absolute_url())

        assertContains(response, "<strong>important</strong>")
        assertContains(response, '<img src="https://example.org/a.png">')
        assertContains(response, "<p>Paragraphe</p>")
        assert executable_markup(response.content.decode()) == []

    def test_links_in_the_body_open_safely(self, client):
        article = make_article(body="[Étude](https://journal.example.org/etude)")

        response = client.get(article.get_absolute_url())

        assertContains(
            response, '<a href="https://journal.example.org/etude" rel="noopener noreferrer">Étude</a>'
        )
