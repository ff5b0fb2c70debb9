"""RSS and Atom feeds: well-formed, complete, absolute, and only what the public may see."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.utils import timezone

from articles import writing
from articles.models import Article

from .factories import make_article, make_uploaded_image
from .queries import queries_for

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
HOST = "http://testserver"


def get_xml(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response, ET.fromstring(response.content)  # noqa: S314 -- our own output; raises if malformed


@pytest.fixture
def articles():
    public = make_article(title="Publié <b>&</b> « guillemets »", tags=["Oncologie"], image=True, source=True)
    make_article(title="Brouillon", tags=["Oncologie"], status=Article.Status.DRAFT)
    make_article(title="Programmé", tags=["Oncologie"], published_at=timezone.now() + timedelta(hours=2))
    other = make_article(title="Autre sujet", tags=["Cardiologie"])
    return public, other


def test_rss_has_every_required_element_with_absolute_urls(client, articles):
    public, _other = articles
    response, rss = get_xml(client, "/feed/")

    assert (
        response["Content-Type"] == "application/xml; charset=utf-8"
    )  # so that browsers apply its stylesheet
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    channel = rss.find("channel")
    assert channel.findtext("title") == "Newsroom"
    assert channel.findtext("link") == f"{HOST}/"
    assert channel.findtext("description") == "L’actualité médicale choisie, avec le lien vers chaque source."
    assert channel.findtext("language") == "fr"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Publié <b>&</b> « guillemets »", "Autre sujet"]
    item = items[0]
    assert item.findtext("link") == f"{HOST}{public.get_absolute_url()}"
    assert item.findtext("guid") == item.findtext("link")
    assert item.findtext("description") == public.summary
    assert parsedate_to_datetime(item.findtext("pubDate")) == public.published_at.replace(microsecond=0)
    assert [category.text for category in item.findall("category")] == ["Oncologie"]
    enclosure = item.find("enclosure")
    assert enclosure.get("url") == public.image.image_url
    assert enclosure.get("type") == "image/jpeg"
    assert enclosure.get("length") == "0"
    source = item.find("source")
    assert source.get("url") == public.source.url and source.text == "Example News"


def test_atom_has_every_required_element(client, articles):
    public, _other = articles
    response, feed = get_xml(client, "/feed/atom/")

    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "Newsroom"
    assert feed.findtext(f"{ATOM}id") == f"{HOST}/"
    assert feed.findtext(f"{ATOM}updated")
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"{HOST}/feed/atom/"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    entry = entries[0]
    for element in ("title", "id", "updated", "published", "summary"):
        assert entry.findtext(f"{ATOM}{element}"), element
    links = {link.get("rel"): link for link in entry.findall(f"{ATOM}link")}
    assert links["alternate"].get("href") == f"{HOST}{public.get_absolute_url()}"
    assert links["enclosure"].get("href") == public.image.image_url
    assert links["via"].get("href") == public.source.url


def test_uploaded_image_is_an_absolute_enclosure_with_its_size(client, media_root):
    article = make_article(title="Avec photo")
    credit = make_uploaded_image(article)

    _response, rss = get_xml(client, "/feed/")
    enclosure = rss.find("channel/item/enclosure")

    assert enclosure.get("url") == f"{HOST}{credit.image.url}"
    assert enclosure.get("length") == str(credit.image.size)
    assert enclosure.get("type") == "image/jpeg"


def test_tag_feed_has_only_public_articles_with_the_tag(client, articles):
    _response, rss = get_xml(client, "/tags/oncologie/feed/")

    channel = rss.find("channel")
    assert channel.findtext("title") == "Newsroom — Oncologie"
    assert channel.findtext("link") == f"{HOST}/tags/oncologie/"
    assert [item.findtext("title") for item in channel.findall("item")] == ["Publié <b>&</b> « guillemets »"]
    assert client.get("/tags/no-such-tag/feed/").status_code == 404


def test_english_feed_lives_under_en(client, articles):
    public, _other = articles
    french_url = public.get_absolute_url()
    _response, rss = get_xml(client, "/en/feed/")

    channel = rss.find("channel")
    assert channel.findtext("language") == "en"
    assert channel.findtext("description") == "Curated medical news, with a link to every source."
    assert channel.find("item").findtext("link") == f"{HOST}/en{french_url}"


def test_a_draft_appears_once_published(client):
    draft = make_article(title="Bientôt", status=Article.Status.DRAFT)
    assert b"Bient" not in client.get("/feed/").content

    Article.objects.filter(pk=draft.pk).update(status=Article.Status.PUBLISHED)

    assert "Bientôt" in client.get("/feed/").content.decode()


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/", "/tags/sante/feed/"])
def test_feeds_take_at_most_three_queries_however_many_items(client, url):

    for number in range(3):
        make_article(tags=["Santé", f"t{number}"], image=True, source=True)
    few = queries_for(client, url)
    for number in range(25):
        make_article(tags=["Santé", f"u{number}", "v"], image=True, source=True)

    assert queries_for(client, url) == few <= 3


STYLESHEET = '<?xml-stylesheet href="/static/feeds/feed.xsl" media="screen" type="text/xsl"?>'


@pytest.mark.parametrize(
    "url", ["/feed/", "/feed/atom/", "/tags/oncologie/feed/", "/en/feed/", "/en/feed/atom/"]
)
def test_a_browser_gets_the_feeds_stylesheet_and_readers_still_get_the_feed(client, articles, url):
    response, root = get_xml(client, url)  # parsed as XML, as a feed reader does

    # The instruction comes before the root element: browsers read it there, XML parsers skip it.
    assert response.content.decode().startswith('<?xml version="1.0" encoding="utf-8"?>\n' + STYLESHEET + "<")
    assert root.tag in {"rss", f"{ATOM}feed"}
    # Browsers apply a stylesheet only to a document served as XML.
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    stylesheet = client.get("/static/feeds/feed.xsl")
    assert stylesheet.status_code == 200
    # As XML, whatever serves the static files: WhiteNoise named it application/octet-stream, with
    # nosniff, which a browser may refuse as a stylesheet.
    assert stylesheet["Content-Type"] == "application/xml"
    xsl = ET.fromstring(b"".join(stylesheet.streaming_content))  # noqa: S314 -- our own file
    assert xsl.tag == "{http://www.w3.org/1999/XSL/Transform}stylesheet"


def test_the_feeds_send_readers_to_the_source_without_tracking(client):
    make_article(
        title="Suivi",
        source=writing.Source("https://journal.example/article?utm_campaign=rss&page=2&fbclid=z", "Journal"),
    )

    _response, rss = get_xml(client, "/feed/")
    _response, atom = get_xml(client, "/feed/atom/")

    assert rss.find("channel/item/source").get("url") == "https://journal.example/article?page=2"
    assert (
        atom.find(f"{ATOM}entry/{ATOM}link[@rel='via']").get("href")
        == "https://journal.example/article?page=2"
    )
