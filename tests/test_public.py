"""What readers see: the list, the article at its permalink, tags, and what stays hidden."""

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from articles import pagination, views, writing
from articles.models import Article

from .conftest import SEED_PERMALINK
from .factories import make_article
from .hostile import executable_markup
from .pages import current_page, featured_titles, listed_titles, page_link, related_titles
from .queries import queries_for

SEED_URL = f"/papers/{SEED_PERMALINK}"
SEED_TITLE = (
    "NICE publishes a guidance supporting the use of selective internal radiation therapy "
    "for neuroendocrine tumors with liver metastasis"
)
SEED_SOURCE = (
    "https://interventionalnews.com/nice-publishes-a-guidance-supporting-the-use-of-selective-"
    "internal-radiation-therapy-for-neuroendocrine-tumors-with-liver-metastasis/"
)


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
        assert (
            body.count(f'<a href="{SEED_SOURCE}" rel="noopener noreferrer nofollow">') == 2
        )  # imported: credit + source
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
        assertContains(response, f"<h1>{SEED_TITLE}</h1>")
        # Its 132 characters would not fit a browser's tab: the tab's title stops at a word.
        assertContains(
            response,
            "<title>NICE publishes a guidance supporting the use of selective internal… — Newsroom</title>",
        )

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

        titles = listed_titles(first)
        assert titles == [f"Jour {day:02d}" for day in range(20)]
        assert listed_titles(second) == [f"Jour {d:02d}" for d in range(20, 25)]
        assert listed_titles(client.get(page_link(first, "next"))) == listed_titles(second)
        assert client.get("/?page=3").status_code == 404
        assert client.get("/?page=abc").status_code == 404

    def test_same_number_of_queries_for_5_and_50_articles(self, client):
        for _ in range(5):
            make_article(tags=["Santé", "France", f"tag-{_}"], image=True, source=True)
        few = queries_for(client, "/")
        for _ in range(45):
            make_article(tags=["Santé", "Europe", f"autre-{_}", "x", "y"], image=True, source=True)
        many = queries_for(client, "/")

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


def json_ld_blocks(response):
    """The JSON-LD blocks of a page, parsed: each must be valid JSON."""
    import json
    import re

    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), flags=re.S
    )
    return [json.loads(block) for block in blocks]


def meta(response, attribute, name):
    import re

    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', response.content.decode())
    return match and match.group(1)


LISTING_PATHS = [
    "/",
    "/tags/visible/",
    "/archives/{year}/",
    "/archives/{year}/{month:02d}/",
    "/search/?q=Visibilité",
    "/feed/",
    "/feed/atom/",
    "/tags/visible/feed/",
    "/sitemap-articles.xml",
    "/sitemap-news.xml",
    "/en/",
    "/en/search/?q=Visibilité",
]


@pytest.mark.django_db
class TestOneDraftThroughEveryListing:
    """A draft and a scheduled article appear nowhere, then everywhere once public."""

    def listings(self, client, when):
        pages = {}
        for path in LISTING_PATHS:
            local = timezone.localtime(when)
            response = client.get(path.format(year=local.year, month=local.month))
            pages[path] = response.content.decode() if response.status_code == 200 else ""
        return pages

    def test_hidden_until_published_then_everywhere(self, client):
        now = timezone.now()
        # All three end up on one day, hence in one month's and one year's archive, whatever the
        # hour: between 00:00 and 01:00 on the 1st in Paris, now - 1 hour is the month before.
        earlier = now - timedelta(hours=1)
        make_article(title="Visibilité témoin", tags=["Visible"], published_at=earlier)
        draft = make_article(
            title="Visibilité brouillon", tags=["Visible"], status=Article.Status.DRAFT, published_at=earlier
        )
        future = make_article(
            title="Visibilité programmée", tags=["Visible"], published_at=now + timedelta(hours=1)
        )

        for path, content in self.listings(client, earlier).items():
            assert "Visibilité témoin" in content or "visibilite-temoin" in content, path
            assert "brouillon" not in content, path
            assert "programm" not in content, path

        Article.objects.filter(pk=draft.pk).update(status=Article.Status.PUBLISHED)
        Article.objects.filter(pk=future.pk).update(published_at=earlier)

        for path, content in self.listings(client, earlier).items():
            assert "brouillon" in content, path
            assert "programm" in content, path


@pytest.mark.django_db
class TestHomePage:
    def test_top_stories_lead_the_home_page(self, client):
        now = timezone.now()
        make_article(title="Ordinaire récent", published_at=now)
        make_article(
            title="Important", importance=Article.Importance.HIGH, published_at=now - timedelta(hours=2)
        )
        make_article(
            title="À la une", importance=Article.Importance.TOP, published_at=now - timedelta(hours=5)
        )
        make_article(
            title="Ancien mais majeur",
            importance=Article.Importance.TOP,
            published_at=now - timedelta(days=20),
        )
        make_article(title="Brouillon majeur", importance=Article.Importance.TOP, status=Article.Status.DRAFT)

        response = client.get("/")

        assert featured_titles(response) == ["À la une", "Important"]
        assertContains(response, '<h2 id="featured-heading">À la une</h2>', html=True)
        assertContains(response, "<h2>Toute l’actualité</h2>", html=True)
        assertNotContains(response, "Brouillon majeur")

    def test_a_top_story_is_never_repeated_in_the_list_below_it(self, client):
        now = timezone.now()
        for number in range(24):
            make_article(title=f"Ordinaire {number}", published_at=now - timedelta(hours=number))
        make_article(
            title="Essai décisif",
            importance=Article.Importance.TOP,
            published_at=now - timedelta(hours=3, minutes=30),
        )

        home = client.get("/")
        content = home.content.decode()

        assert featured_titles(home) == ["Essai décisif"]
        assert "Essai décisif" not in listed_titles(home)
        assert content.count('<a href="/papers/') == content.count("<h3><a ") == 20  # one link per story
        assert listed_titles(home) == [f"Ordinaire {number}" for number in range(19)]
        # The next page starts after the first page's last article, as it always did; elsewhere the
        # top story is an article like any other.
        older = client.get("/?page=2")
        assert listed_titles(older)[0] == "Ordinaire 19" and "Essai décisif" not in listed_titles(older)
        assert "Essai décisif" in listed_titles(client.get("/search/?q=décisif"))

    def test_no_top_stories_block_without_important_recent_articles(self, client):
        make_article(title="Ordinaire")

        response = client.get("/")

        assertNotContains(response, "featured-heading")
        assertContains(response, '<h2><a href="', count=1)

    def test_page_links_are_numbered(self, client):
        now = timezone.now()
        for number in range(130):
            make_article(published_at=now - timedelta(hours=number))

        response = client.get("/?page=4")

        assertContains(response, '<a aria-current="page" href="?page=4">', count=1)
        assertContains(response, 'href="?page=1"')
        assertContains(response, '<span aria-hidden="true">…</span>', count=1)
        assert page_link(response, "prev").startswith("?page=3&after=")
        assert page_link(response, "next").startswith("?page=5&before=")
        assertNotContains(response, "page=6")  # known to exist only once page 5 is read

    def test_older_and_newer_links_start_from_an_article_and_agree_with_numbers(self, client):
        now = timezone.now()
        for number in range(130):
            make_article(title=f"Numéro {number:03d}", published_at=now - timedelta(hours=number))
        by_number = {number: listed_titles(client.get(f"/?page={number}")) for number in range(1, 8)}

        page = client.get("/")
        for number in range(2, 8):  # every "older articles" link, down to the last page
            page = client.get(page_link(page, "next"))
            assert listed_titles(page) == by_number[number]
            assert current_page(page) == number
        assert page_link(page, "next") is None
        assert queries_for(client, page_link(page, "prev")) == queries_for(client, "/?page=6")  # rows, tags
        for number in range(6, 0, -1):  # and every "newer articles" link back up
            page = client.get(page_link(page, "prev"))
            assert listed_titles(page) == by_number[number]
        assert page_link(page, "prev") is None

    def test_an_anchor_that_is_no_longer_public_falls_back_to_the_page_number(self, client):
        now = timezone.now()
        articles = [make_article(published_at=now - timedelta(hours=number)) for number in range(45)]
        second = listed_titles(client.get("/?page=2"))
        anchor = articles[19]
        anchor.status = Article.Status.UNPUBLISHED
        anchor.save()

        for query in (f"?page=2&before={anchor.pk}", "?page=2&before=abc", "?page=2&after=99999999"):
            response = client.get("/" + query)
            assert response.status_code == 200
            assert listed_titles(response) == listed_titles(client.get("/?page=2&x=" + query[1:]))
        assert second[1:] == listed_titles(client.get("/?page=2"))[:19]
        last = client.get(f"/?page=3&after={anchor.pk}")  # by number: the last page, nothing older
        assert len(listed_titles(last)) == 4 and page_link(last, "next") is None

    def test_a_deep_page_links_to_the_first_and_its_neighbours_without_counting(self, client):
        now = timezone.now()
        for number in range(130):
            make_article(published_at=now - timedelta(hours=number))

        with CaptureQueriesContext(connection) as queries:
            response = client.get("/?page=7")

        assert len(listed_titles(response)) == 10  # the last page: 130 = 6 × 20 + 10
        assertContains(response, 'href="?page=1"')
        assert page_link(response, "prev").startswith("?page=6&after=")
        assertContains(response, '<span aria-hidden="true">…</span>', count=1)
        assertNotContains(response, 'rel="next"')
        assert not any("COUNT(" in query["sql"] for query in queries.captured_queries)
        assert client.get("/?page=8").status_code == 404


@pytest.mark.django_db
class TestArchives:
    @pytest.fixture
    def articles(self):
        def at(year, month, day, **fields):
            return make_article(
                published_at=timezone.make_aware(timezone.datetime(year, month, day, 10)), **fields
            )

        at(2024, 5, 24, title="Mai 2024")
        at(2024, 3, 2, title="Mars 2024")
        at(2023, 12, 31, title="Décembre 2023")
        at(2024, 4, 1, title="Avril brouillon", status=Article.Status.DRAFT)

    def test_index_lists_months_with_articles(self, client, articles):
        response = client.get("/archives/")

        assertContains(response, '<a href="/archives/2024/05/">mai 2024</a>', html=True)
        assertContains(response, '<a href="/archives/2024/03/">mars 2024</a>', html=True)
        assertContains(response, '<a href="/archives/2023/12/">décembre 2023</a>', html=True)
        assertNotContains(response, "avril")

    def test_year_lists_its_articles_and_months(self, client, articles):
        response = client.get("/archives/2024/")

        assert listed_titles(response) == ["Mai 2024", "Mars 2024"]
        assertContains(response, "<h1>Archives : 2024</h1>", html=True)
        assertContains(response, '<a href="/archives/2024/05/">mai</a>', html=True)

    def test_month_lists_its_articles(self, client, articles):
        response = client.get("/archives/2024/05/")

        assert listed_titles(response) == ["Mai 2024"]
        assertContains(response, "<h1>Archives : mai 2024</h1>", html=True)

    def test_periods_without_public_articles_are_404(self, client, articles):
        assert client.get("/archives/2024/04/").status_code == 404  # only a draft
        assert client.get("/archives/2022/").status_code == 404
        assert client.get("/archives/2024/13/").status_code == 404
        next_year = timezone.now().year + 1
        make_article(title="Programmé", published_at=timezone.now().replace(year=next_year))
        assert client.get(f"/archives/{next_year}/").status_code == 404


@pytest.mark.django_db
class TestRelatedArticles:
    def test_most_shared_tags_first_then_newest(self, client):
        now = timezone.now()
        article = make_article(title="Principal", tags=["A", "B", "C"], published_at=now)
        make_article(title="Un tag récent", tags=["A"], published_at=now - timedelta(hours=1))
        make_article(title="Deux tags", tags=["A", "B"], published_at=now - timedelta(days=9))
        make_article(title="Un tag ancien", tags=["C"], published_at=now - timedelta(days=5))
        make_article(title="Aucun tag commun", tags=["Z"], published_at=now - timedelta(hours=2))
        make_article(title="Brouillon lié", tags=["A", "B", "C"], status=Article.Status.DRAFT)

        response = client.get(article.get_absolute_url())

        assert related_titles(response) == [
            "Deux tags",
            "Un tag récent",
            "Un tag ancien",
        ]
        assertContains(response, '<h2 id="related-heading">Articles liés</h2>', html=True)


@pytest.mark.django_db
class TestSourceLink:
    TRACKED = (
        "https://www.nejm.example/doi/full/10.1056/NEJMoa2401?utm_source=rss&id=42&fbclid=abc&gclid=x#results"
    )
    CLEAN = "https://www.nejm.example/doi/full/10.1056/NEJMoa2401?id=42#results"

    def test_the_source_reads_as_its_publisher_and_title_and_leads_there_without_tracking(self, client):
        article = make_article(
            title="Un essai « décisif » & attendu",
            source=writing.Source(self.TRACKED, publisher="The New England Journal of Medicine"),
        )

        response = client.get(article.get_absolute_url())
        section = re.search(
            r'<section class="source">.*?</section>', response.content.decode(), re.DOTALL
        ).group()
        [(href, text)] = re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', section)

        assert html.unescape(href) == self.CLEAN
        assert html.unescape(re.sub(r"<[^>]+>", "", text)) == (
            "The New England Journal of Medicine — Un essai « décisif » & attendu"
        )
        assert "utm_source" not in response.content.decode() and "fbclid" not in response.content.decode()
        [data] = json_ld_blocks(response)
        assert data["isBasedOn"] == self.CLEAN
        assert article.source.url == self.TRACKED  # the address is kept as given, for editors


@pytest.mark.django_db
class TestMetadata:
    HOSTILE = 'Étude </script><script>alert("x")</script> & « guillemets »'

    def test_article_has_description_canonical_open_graph_and_twitter(self, client):
        article = make_article(
            title="Un scanner neuf", summary="Le résumé de l’article.", image=True, source=True
        )

        response = client.get(article.get_absolute_url())
        url = f"http://testserver{article.get_absolute_url()}"

        assertContains(response, '<meta name="description" content="Le résumé de l’article.">')
        assertContains(response, f'<link rel="canonical" href="{url}">')
        assert meta(response, "property", "og:title") == "Un scanner neuf"
        assert meta(response, "property", "og:type") == "article"
        assert meta(response, "property", "og:url") == url
        assert meta(response, "property", "og:image") == article.image.image_url
        assert meta(response, "property", "og:locale") == "fr_FR"
        assert meta(response, "name", "twitter:card") == "summary_large_image"
        assert meta(response, "name", "twitter:image") == article.image.image_url

    def test_json_ld_news_article(self, client):
        article = make_article(title="Un scanner neuf", image=True, source=True)

        [data] = json_ld_blocks(client.get(article.get_absolute_url()))

        assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
        assert data["headline"] == "Un scanner neuf"
        assert data["datePublished"] == article.published_at.isoformat()
        assert data["dateModified"] == article.published_at.isoformat()  # no significant update yet
        assert data["image"] == [article.image.image_url]
        assert data["publisher"] == {"@type": "Organization", "name": "Newsroom", "url": "http://testserver/"}
        assert data["isBasedOn"] == article.source.url

    def test_hostile_title_stays_text_in_json_ld_and_meta(self, client):
        article = make_article(title=self.HOSTILE, summary=self.HOSTILE)

        response = client.get(article.get_absolute_url())

        [data] = json_ld_blocks(response)
        assert data["headline"] == self.HOSTILE
        assert executable_markup(response.content.decode()) == []
        assertContains(response, "\\u003C/script\\u003E")


@pytest.mark.django_db
class TestErrorPages:
    def test_500_page_in_the_site_design_without_the_database(self, client):
        from django.template.loader import render_to_string

        with CaptureQueriesContext(connection) as queries:
            html = render_to_string("500.html")

        assert len(queries) == 0
        assert '<html lang="fr">' in html
        assert "<h1>Erreur du serveur</h1>" in html
        assert "site.css" in html and 'class="skip-link"' in html


@pytest.mark.django_db
class TestQueryCounts:
    """Pages cost the same number of queries for a few articles or many."""

    @pytest.mark.parametrize(
        ("url", "queries"),
        [
            # the tag, its page of articles with their images, tags and bylines (articles.embedded)
            ("/tags/sante/", 2),
            ("/archives/", 1),  # the months that have articles
            ("/archives/{year}/", 2),  # its months, its articles with their images, tags and bylines
            ("/archives/{year}/{month:02d}/", 2),
        ],
    )
    def test_listing_pages(self, client, url, queries):
        now = timezone.localtime()
        url = url.format(year=now.year, month=now.month)

        for number in range(3):
            make_article(
                tags=["Santé", f"t{number}"],
                image=True,
                published_at=timezone.now() - timedelta(seconds=number),
            )
        few = queries_for(client, url)
        for number in range(30):
            make_article(
                tags=["Santé", f"u{number}", "v"],
                image=True,
                published_at=timezone.now() - timedelta(seconds=number),
            )

        assert queries_for(client, url) == few == queries

    def test_article_page_with_related_articles(self, client):
        url = make_article(tags=["Santé", "France"], image=True, source=True).get_absolute_url()
        make_article(tags=["Santé"], image=True)
        few = queries_for(client, url)
        for number in range(10):
            make_article(tags=["Santé", "France", f"x{number}"], image=True, source=True)

        # the article with its image and reviewer, and in the same query (articles.embedded) its links
        # with their last check, its tags, notes, byline and the retractions of the studies it cites
        # (articles.retractions); then the related articles
        assert queries_for(client, url) == few == 2

    @pytest.mark.parametrize(
        "url", ["/", "/?page=2", "/tags/sante/", "/tags/sante/?page=2", "/archives/{year}/"]
    )
    def test_same_queries_at_two_page_sizes_first_and_deep_pages(self, client, monkeypatch, url):
        """5 or 20 articles a page, a first page or one read through the index (ArticlePaginator)."""
        url = url.format(year=timezone.localtime().year)
        for number in range(45):
            make_article(
                tags=["Santé", f"t{number}", *(["x", "y", "z"] if number % 2 else [])],
                image=True,
                source=True,
                importance=Article.Importance.TOP,
                published_at=timezone.now() - timedelta(minutes=number),
            )
        monkeypatch.setattr(pagination, "DEEP_OFFSET", 5)
        counts = []
        for size in (5, 20):
            monkeypatch.setattr(views.PublishedArticleMixin, "paginate_by", size)
            counts.append(queries_for(client, url))

        # At most two lists (the home page's « À la une » and the latest), each with its tags and bylines.
        assert counts[0] == counts[1] <= 6
