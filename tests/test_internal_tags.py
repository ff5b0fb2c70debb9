"""Internal tags: the newsroom's own sorting, kept for editors and hidden from readers everywhere.

An article tagged « Oncologie » (public) and « Flux ESMO » (internal): readers see the first on
every page, feed, sitemap and structured data, and never the second; its page, its feed and a
search for its name give them nothing. Editors see it in the admin, its filters and its search,
on the review page and in the markdown export.
"""

import io
import uuid
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Tag

from .factories import make_article
from .pages import listed_titles, related_titles
from .queries import queries_for
from .test_public import json_ld_blocks

pytestmark = pytest.mark.django_db

INTERNAL = "Flux ESMO"
PUBLIC = "Oncologie"
ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def article():
    article = make_article(
        title="Immunothérapie du mélanome", tags=[PUBLIC, INTERNAL], image=True, source=True
    )
    Tag.objects.filter(name=INTERNAL).update(is_internal=True)
    return Article.objects.get(pk=article.pk)


def shows(page, name):
    """Whether a page names the tag, or links to it (a sitemap holds only its address)."""
    return name in page or Tag.objects.get(name=name).slug in page


def text(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def xml(response):
    assert response.status_code == 200, response.status_code
    return ET.fromstring(response.content)  # noqa: S314 -- our own output; raises if malformed


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_article_page_shows_only_the_public_tag(client, article, prefix):
    page = text(client.get(f"{prefix}{article.get_absolute_url()}"))

    assert '<a href="/tags/oncologie/">Oncologie</a>' in page.replace(f'href="{prefix}/tags', 'href="/tags')
    assert '<meta property="article:tag" content="Oncologie">' in page
    assert not shows(page, INTERNAL)


def test_the_structured_data_keywords_leave_it_out(client, article):
    [data] = json_ld_blocks(client.get(article.get_absolute_url()))

    assert data["keywords"] == [PUBLIC]


@pytest.mark.parametrize("url", ["/", "/en/", "/tags/oncologie/", "/search/?q=melanome"])
def test_cards_leave_it_out(client, article, url):
    response = client.get(url)

    assert listed_titles(response) == ["Immunothérapie du mélanome"]
    assert ">Oncologie</a>" in text(response)
    assert not shows(text(response), INTERNAL)


@pytest.mark.parametrize("url", ["/tags/flux-esmo/", "/en/tags/flux-esmo/", "/tags/flux-esmo/feed/"])
def test_its_page_and_feed_do_not_exist_for_readers(client, article, url):
    assert client.get(url).status_code == 404


def test_the_feeds_categories_leave_it_out(client, article):
    rss = xml(client.get("/feed/"))
    atom = xml(client.get("/feed/atom/"))
    tag_feed = xml(client.get("/tags/oncologie/feed/"))

    assert [c.text for c in rss.iter("category")] == [PUBLIC]
    assert [c.get("term") for c in atom.iter(f"{ATOM}category")] == [PUBLIC]
    assert [c.text for c in tag_feed.iter("category")] == [PUBLIC]


def test_the_tags_sitemap_leaves_it_out(client, article):
    urlset = xml(client.get("/sitemap-tags.xml"))

    assert [loc.text for loc in urlset.iter(f"{SM}loc")] == [
        "http://testserver/tags/oncologie/",
        "http://testserver/en/tags/oncologie/",
    ]


def test_searching_for_its_name_finds_nothing_for_readers_and_the_article_for_editors(
    client, admin_client, article
):
    readers = client.get("/search/", {"q": "ESMO"})
    editors = text(admin_client.get("/admin/articles/article/", {"q": "ESMO"}))

    assert listed_titles(readers) == []
    assert listed_titles(client.get("/search/", {"q": "oncologie"})) == ["Immunothérapie du mélanome"]
    assert "Immunothérapie du mélanome" in editors


def test_sharing_only_an_internal_tag_does_not_make_articles_related(client, article):
    neighbour = make_article(title="Mélanome : le suivi", tags=[INTERNAL])
    cousin = make_article(title="Cancer du sein", tags=[PUBLIC])

    assert related_titles(client.get(article.get_absolute_url())) == [cousin.title]
    assert related_titles(client.get(neighbour.get_absolute_url())) == []


@pytest.mark.parametrize("page", ["detail", "/", "/feed/", "/tags/oncologie/"])
def test_an_internal_tag_costs_no_query(client, page):
    """The same queries as an article with its public tags alone: internal ones are left out in Python."""

    def count(tags, internal):
        Article.objects.all().delete()
        article = make_article(title="Le même article", tags=tags, image=True, source=True)
        Tag.objects.filter(name__in=internal).update(is_internal=True)
        return queries_for(client, article.get_absolute_url() if page == "detail" else page)

    public_only = count([PUBLIC], [])  # first, so that anything read once per process is read already

    assert count([PUBLIC, INTERNAL, "Suivi interne"], [INTERNAL, "Suivi interne"]) == public_only


class TestEditorsKeepIt:
    def test_the_tag_list_shows_and_filters_internal_tags(self, admin_client, article):
        everything = text(admin_client.get("/admin/articles/tag/"))
        internal = text(admin_client.get("/admin/articles/tag/", {"is_internal__exact": "1"}))

        assert "Interne" in everything and "Par interne" in everything
        assert INTERNAL in internal and f">{PUBLIC}<" not in internal

    def test_an_editor_makes_a_tag_internal_in_its_form(self, admin_client, article):
        tag = Tag.objects.get(name=PUBLIC)
        form = text(admin_client.get(f"/admin/articles/tag/{tag.pk}/change/"))

        assert "Réservé à la rédaction : invisible des lecteurs" in form
        response = admin_client.post(
            f"/admin/articles/tag/{tag.pk}/change/", {"name": PUBLIC, "is_internal": "on"}
        )

        assert response.status_code == 302
        assert Tag.objects.get(pk=tag.pk).is_internal
        assert client_page_tags(article) == []

    def test_the_article_list_and_form_show_it(self, admin_client, article):
        listing = text(admin_client.get("/admin/articles/article/"))
        form = text(admin_client.get(f"/admin/articles/article/{article.pk}/change/"))

        assert INTERNAL in listing
        assert INTERNAL in form
        assert INTERNAL in text(admin_client.get("/admin/articles/article/", {"tag": INTERNAL.lower()}))

    def test_the_markdown_export_keeps_it(self, article, tmp_path):
        call_command("export_markdown", str(tmp_path), stdout=io.StringIO())

        [exported] = tmp_path.iterdir()
        assert 'tags: ["Oncologie", "Flux ESMO"]\n' in exported.read_text()  # as the article was tagged

    def test_the_review_page_shows_it(self, admin_client):
        from .test_ingest import WORDPRESS, ingest, make_source

        make_source(tags=[INTERNAL])
        Tag.objects.filter(name=INTERNAL).update(is_internal=True)
        ingest("--source", "Interventional News", WORDPRESS)

        review = text(admin_client.get("/admin/intake/source/review/"))

        assert INTERNAL in review


def client_page_tags(article):
    """The tags a reader sees on the article's page, by name."""
    from django.test import Client

    page = text(Client().get(article.get_absolute_url()))
    return [name for name in (PUBLIC, INTERNAL) if f">{name}</a>" in page]


class TestWithThePageCache:
    """Production's cache: flipping a tag to internal is seen on the very next request."""

    @pytest.fixture(autouse=True)
    def page_cache(self, settings):
        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": str(uuid.uuid4()),
            },
        }

    def cached_twice(self, client, url):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert len(captured) == 0  # served from the cache
        return text(response)

    @pytest.mark.parametrize("flip", ["save", "update"])
    def test_a_tag_made_internal_leaves_the_cached_pages(self, client, flip):
        article = make_article(title="Immunothérapie du mélanome", tags=[PUBLIC, INTERNAL])
        pages = [article.get_absolute_url(), "/", "/feed/", "/sitemap-tags.xml"]
        for url in pages:
            assert shows(self.cached_twice(client, url), INTERNAL)
        assert client.get("/tags/flux-esmo/").status_code == 200

        if flip == "save":
            tag = Tag.objects.get(name=INTERNAL)
            tag.is_internal = True
            tag.save()
        else:
            Tag.objects.filter(name=INTERNAL).update(is_internal=True)

        for url in pages:
            page = text(client.get(url))
            assert not shows(page, INTERNAL) and shows(page, PUBLIC)
        assert client.get("/tags/flux-esmo/").status_code == 404
