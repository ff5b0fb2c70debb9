"""Sitemaps and robots.txt: what crawlers are told, and only what the public may see."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles.models import Article
from articles.sitemaps import ArticleSitemap

from .factories import make_article
from .queries import queries_for

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
HOST = "http://testserver"


def get_xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)  # noqa: S314 -- our own output; raises if malformed


def locations(urlset):
    return [url.findtext(f"{SM}loc") for url in urlset.findall(f"{SM}url")]


@pytest.fixture
def content():
    may = timezone.make_aware(datetime(2024, 5, 24, 15, 22))
    public = make_article(title="Publié", slug="publie", tags=["Oncologie"], published_at=may)
    make_article(title="Brouillon", slug="brouillon", tags=["Secret"], status=Article.Status.DRAFT)
    make_article(
        title="Programmé",
        slug="programme",
        tags=["Futur"],
        published_at=timezone.now() + timedelta(days=1),
    )
    return public


def test_index_lists_the_sections(client, content):
    index = get_xml(client, "/sitemap.xml")

    sitemaps = [sitemap.findtext(f"{SM}loc") for sitemap in index.findall(f"{SM}sitemap")]
    # Articles and tags are paged by ranges of ids: on PostgreSQL, whose sequences go on from
    # test to test, three rows may straddle two ranges, and the index then lists a second page.
    for section in ("articles", "tags"):
        second = f"{HOST}/sitemap-{section}.xml?p=2"
        if second in sitemaps:
            assert sitemaps[sitemaps.index(second) - 1] == f"{HOST}/sitemap-{section}.xml"
            sitemaps.remove(second)
    assert sitemaps == [
        f"{HOST}/sitemap-articles.xml",
        f"{HOST}/sitemap-tags.xml",
        f"{HOST}/sitemap-archives.xml",
        f"{HOST}/sitemap-pages.xml",  # the publication's own pages (tests/test_publication.py)
    ]
    assert all(sitemap.findtext(f"{SM}lastmod") for sitemap in index.findall(f"{SM}sitemap")[:3])


def test_lastmod_moves_with_a_significant_update_never_with_a_mere_save(client, content):
    """As dateModified and « Mis à jour » do (tests/test_corrections.py): a typo fixed today says
    nothing new to a search engine; a correction note (Article.modified_at) does."""

    def lastmods():
        articles = get_xml(client, "/sitemap-articles.xml").find(f"{SM}url").findtext(f"{SM}lastmod")
        tag = get_xml(client, "/sitemap-tags.xml").find(f"{SM}url").findtext(f"{SM}lastmod")
        archives = {
            url.findtext(f"{SM}lastmod") for url in get_xml(client, "/sitemap-archives.xml").iter(f"{SM}url")
        }
        return articles, tag, archives

    Article.objects.filter(pk=content.pk).update(updated_at=timezone.now())  # a mere save, today
    assert lastmods() == ("2024-05-24", "2024-05-24", {"2024-05-24"})

    noted = timezone.make_aware(datetime(2024, 6, 3, 9, 0))
    Article.objects.filter(pk=content.pk).update(modified_at=noted)  # what a note does
    assert lastmods() == ("2024-06-03", "2024-06-03", {"2024-06-03"})


def test_articles_in_both_languages_with_lastmod_and_alternates(client, content):
    urlset = get_xml(client, "/sitemap-articles.xml")

    assert locations(urlset) == [
        f"{HOST}/papers/2024-05-24-publie",
        f"{HOST}/en/papers/2024-05-24-publie",
    ]
    first = urlset.find(f"{SM}url")
    assert first.findtext(f"{SM}lastmod") == "2024-05-24"  # its publication: nothing significant since
    alternates = {link.get("hreflang"): link.get("href") for link in first.findall(f"{XHTML}link")}
    assert alternates == {
        "fr": f"{HOST}/papers/2024-05-24-publie",
        "en": f"{HOST}/en/papers/2024-05-24-publie",
        "x-default": f"{HOST}/papers/2024-05-24-publie",
    }


def test_tags_only_with_public_articles(client, content):
    urlset = get_xml(client, "/sitemap-tags.xml")

    assert locations(urlset) == [f"{HOST}/tags/oncologie/", f"{HOST}/en/tags/oncologie/"]
    assert all(url.findtext(f"{SM}lastmod") for url in urlset.findall(f"{SM}url"))


def test_archives_for_years_and_months_with_public_articles(client, content):
    urlset = get_xml(client, "/sitemap-archives.xml")

    assert sorted(locations(urlset)) == sorted(
        [
            f"{HOST}/archives/2024/",
            f"{HOST}/en/archives/2024/",
            f"{HOST}/archives/2024/05/",
            f"{HOST}/en/archives/2024/05/",
        ]
    )
    for location in locations(urlset):
        assert client.get(location.removeprefix(HOST)).status_code == 200


def test_every_listed_page_answers_200(client, content):
    for section in ("articles", "tags", "archives"):
        for location in locations(get_xml(client, f"/sitemap-{section}.xml")):
            assert client.get(location.removeprefix(HOST)).status_code == 200, location


def index_pages(client, section):
    """The addresses of a section's pages, as the index lists them."""
    index = get_xml(client, "/sitemap.xml")
    listed = [sitemap.findtext(f"{SM}loc").removeprefix(HOST) for sitemap in index.findall(f"{SM}sitemap")]
    return [url for url in listed if url.split("?")[0] == f"/sitemap-{section}.xml"]


def test_every_public_article_is_listed_once_across_the_pages(client, content, monkeypatch):
    """Past its limit of addresses (1,000: 500 articles in two languages; here 4) the index points
    to further pages. Pages are ranges of ids: a page may hold fewer articles than its limit (here
    three drafts in a row leave a range without any), never more, and none twice or private."""
    public = [content]
    for number in range(3):
        public.append(make_article(title=f"Encore {number}"))
    for number in range(3):
        make_article(title=f"Brouillon {number}", status=Article.Status.DRAFT)
    public.append(make_article(title="Après les brouillons"))
    make_article(title="Demain", published_at=timezone.now() + timedelta(days=1))
    monkeypatch.setattr(ArticleSitemap, "limit", 4)

    pages = index_pages(client, "articles")
    listed = [locations(get_xml(client, page)) for page in pages]

    assert pages[:2] == ["/sitemap-articles.xml", "/sitemap-articles.xml?p=2"]
    assert pages == ["/sitemap-articles.xml"] + [
        f"/sitemap-articles.xml?p={n}" for n in range(2, len(pages) + 1)
    ]
    assert max(len(page) for page in listed) <= 4
    assert [] in listed  # the drafts' range: listed, and an empty list
    everything = [location for page in listed for location in page]
    expected = [f"{HOST}{prefix}{article.get_absolute_url()}" for article in public for prefix in ("", "/en")]
    assert sorted(everything) == sorted(expected)
    assert client.get(f"/sitemap-articles.xml?p={len(pages) + 1}").status_code == 404


def test_an_article_no_longer_public_leaves_its_page(client, content):
    other = make_article(title="Autre")

    Article.objects.filter(pk=content.pk).update(status=Article.Status.UNPUBLISHED)

    listed = [
        location for page in index_pages(client, "articles") for location in locations(get_xml(client, page))
    ]
    assert listed == [f"{HOST}{other.get_absolute_url()}", f"{HOST}/en{other.get_absolute_url()}"]


def test_the_index_costs_the_same_queries_for_few_and_many_articles(client):
    """Neither a count nor a scan: the articles', tags' and archives' sections read one outline
    (first and last ids, latest change); the publication's pages their latest change."""
    for number in range(5):
        make_article(tags=[f"t{number}"])
    few = queries_for(client, "/sitemap.xml")
    for number in range(45):
        make_article(tags=[f"u{number}"], published_at=timezone.now() - timedelta(days=40 * number))

    assert queries_for(client, "/sitemap.xml") == few <= 2


def test_a_million_ids_make_two_thousand_pages_each_dated_by_its_section(client):
    """The index of a site whose ids run to 1,000,000 lists 2,000 pages of 500 articles, each
    with the date of the section's latest change, to the second and in the site's time zone."""
    older = make_article(pk=1, tags=["Ancien"], published_at=timezone.make_aware(datetime(2025, 3, 1, 8)))
    bastille_day = timezone.make_aware(datetime(2026, 7, 14, 9, 30, 5, 999))
    latest = make_article(pk=1_000_000, published_at=bastille_day)

    index = get_xml(client, "/sitemap.xml")

    entries = [(sitemap.findtext(f"{SM}loc"), sitemap.findtext(f"{SM}lastmod")) for sitemap in index]
    articles = [entry for entry in entries if entry[0].startswith(f"{HOST}/sitemap-articles.xml")]
    assert [location for location, _lastmod in articles] == [f"{HOST}/sitemap-articles.xml"] + [
        f"{HOST}/sitemap-articles.xml?p={n}" for n in range(2, 2001)
    ]
    assert {lastmod for _location, lastmod in articles} == {"2026-07-14T09:30:05+02:00"}
    assert older.published_at < latest.published_at
    assert dict(entries)[f"{HOST}/sitemap-tags.xml"] == "2026-07-14T09:30:05+02:00"


def test_every_section_of_the_index_answers(client, content):
    make_article(title="Étiqueté", tags=["Cardiologie"])
    index = get_xml(client, "/sitemap.xml")
    for location in [sitemap.findtext(f"{SM}loc") for sitemap in index.findall(f"{SM}sitemap")]:
        assert client.get(location.removeprefix(HOST)).status_code == 200, location


def test_google_news_sitemap_has_the_last_two_days(client, content):
    make_article(title="Hier <&>", slug="hier", published_at=timezone.now() - timedelta(days=1))
    make_article(title="Il y a trois jours", slug="avant", published_at=timezone.now() - timedelta(days=3))

    urlset = get_xml(client, "/sitemap-news.xml")

    [url] = urlset.findall(f"{SM}url")
    assert url.findtext(f"{SM}loc").startswith(f"{HOST}/papers/") and url.findtext(f"{SM}loc").endswith(
        "-hier"
    )
    news = url.find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}title") == "Hier <&>"
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Newsroom"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "fr"
    assert news.findtext(f"{NEWS}publication_date")


@pytest.mark.parametrize("url", ["/sitemap-articles.xml", "/sitemap-tags.xml", "/sitemap-archives.xml"])
def test_a_sitemap_page_takes_at_most_three_queries(client, url):

    for number in range(3):
        make_article(tags=[f"t{number}"])
    few = queries_for(client, url)
    for number in range(30):
        make_article(tags=[f"u{number}", "v"], published_at=timezone.now() - timedelta(days=40 * number))

    assert queries_for(client, url) == few <= 3


def test_robots_names_the_sitemaps_and_keeps_the_admin_out(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines and "Disallow: /en/admin/" in lines
    assert f"Sitemap: {HOST}/sitemap.xml" in lines
    assert f"Sitemap: {HOST}/sitemap-news.xml" in lines


def day(month, number):
    return timezone.make_aware(datetime(2024, month, number, 12, 0))


def tag_lastmods(client):
    urlset = get_xml(client, "/sitemap-tags.xml")
    return {url.findtext(f"{SM}loc"): url.findtext(f"{SM}lastmod") for url in urlset.findall(f"{SM}url")}


def test_a_tags_lastmod_follows_its_articles_whatever_writes_them(client):
    """Each tagging keeps its article's latest significant change (database triggers, migration
    0023, 0024): a save, a queryset's update(), a tag added through the m2m, an article unpublished."""
    tag = f"{HOST}/tags/oncologie/"
    make_article(title="Ancien", tags=["Oncologie"], published_at=day(1, 10))
    newer = make_article(title="Récent", tags=["Oncologie"], published_at=day(3, 5))
    assert tag_lastmods(client)[tag] == "2024-03-05"

    Article.objects.filter(pk=newer.pk).update(published_at=day(2, 1))
    assert tag_lastmods(client)[tag] == "2024-02-01"

    Article.objects.filter(pk=newer.pk).update(modified_at=day(2, 20))  # what a note does
    assert tag_lastmods(client)[tag] == "2024-02-20"

    Article.objects.filter(pk=newer.pk).update(status=Article.Status.UNPUBLISHED)
    assert tag_lastmods(client)[tag] == "2024-01-10"

    later = make_article(title="Plus tard", tags=["Cardiologie"], published_at=day(4, 1))
    later.tags.add("Oncologie")
    assert tag_lastmods(client)[tag] == "2024-04-01"

    later.published_at = day(4, 20)
    later.save()
    assert tag_lastmods(client)[tag] == "2024-04-20"
    assert tag_lastmods(client)[f"{HOST}/tags/cardiologie/"] == "2024-04-20"

    later.tags.remove("Oncologie")
    Article.objects.filter(title="Ancien").delete()
    assert tag not in tag_lastmods(client)  # no public article left with the tag


def test_archives_list_the_months_with_a_public_article_in_the_sites_time_zone(client):
    """Months are the site's (Europe/Paris): 23:30 UTC on 31 January is February there. A month
    holding only a draft, and the months between, have no page."""
    make_article(title="Novembre", published_at=timezone.make_aware(datetime(2023, 11, 3, 9, 0)))
    make_article(title="Février à Paris", published_at=datetime(2024, 1, 31, 23, 30, tzinfo=UTC))
    make_article(title="Brouillon", status=Article.Status.DRAFT, published_at=day(1, 15))
    noted = make_article(title="Corrigé", published_at=day(2, 10))
    Article.objects.filter(pk=noted.pk).update(modified_at=day(3, 2))

    urlset = get_xml(client, "/sitemap-archives.xml")
    lastmods = {
        url.findtext(f"{SM}loc").removeprefix(HOST): url.findtext(f"{SM}lastmod")
        for url in urlset.findall(f"{SM}url")
    }

    assert lastmods == {
        "/archives/2023/": "2023-11-03",
        "/en/archives/2023/": "2023-11-03",
        "/archives/2023/11/": "2023-11-03",
        "/en/archives/2023/11/": "2023-11-03",
        "/archives/2024/": "2024-03-02",
        "/en/archives/2024/": "2024-03-02",
        "/archives/2024/02/": "2024-03-02",
        "/en/archives/2024/02/": "2024-03-02",
    }


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers; PostgreSQL keeps its own")
def test_date_triggers_dropped_by_a_table_rebuild_come_back_after_migrate(client):
    """A later migration that rebuilds the articles' table on SQLite drops its triggers with it."""
    article = make_article(title="Étiqueté", tags=["Oncologie"], published_at=day(1, 10))
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER articles_article_list_dates")
    Article.objects.filter(pk=article.pk).update(published_at=day(2, 1))  # not copied: no trigger

    call_command("migrate", verbosity=0)
    assert tag_lastmods(client)[f"{HOST}/tags/oncologie/"] == "2024-02-01"  # copied again

    Article.objects.filter(pk=article.pk).update(published_at=day(3, 1))
    assert tag_lastmods(client)[f"{HOST}/tags/oncologie/"] == "2024-03-01"
