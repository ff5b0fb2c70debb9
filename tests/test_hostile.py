"""Hostile content never runs: scripts, event handlers and script URLs in every field, on every page.

Hostile text arrives by three routes, and each is checked:

- tests/data/hostile.json is loaded with loaddata, which bypasses every form and
  model validation: what it holds reaches the pages exactly as a careless import
  or a tampered database would leave it;
- tests/data/hostile.md goes through ``import_markdown``, as a file from elsewhere would;
- an editor types hostile text into the admin's form.

Pages are read the way a browser reads them (``executable_markup``), feeds and
sitemaps the way a feed reader does (``executable_in_xml``: text shown as HTML
is HTML), and the browser test opens them in Chromium.
"""

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import reversion
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from pytest_django.asserts import assertContains
from reversion.models import Version

from articles.models import Article

from .factories import make_article
from .hostile import (
    assert_no_inline_scripts_allowed,
    executable_in_xml,
    executable_markup,
    json_script_urls,
    structured_data,
)

DATA = Path(__file__).parent / "data"
HOSTILE_FIXTURE = DATA / "hostile.json"
HOSTILE_MARKDOWN = DATA / "hostile.md"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
# The elements each format defines: anything else in a feed was injected.
RSS_TAGS = {
    "rss", "channel", "title", "link", "description", "language", "lastBuildDate", "item", "pubDate",
    "guid", "category", "enclosure", "source", f"{ATOM}link",
}  # fmt: skip
ATOM_TAGS = {
    f"{ATOM}{name}"
    for name in ("feed", "title", "link", "id", "updated", "subtitle", "entry", "published", "summary",
                 "category", "author", "name")
}  # fmt: skip
SITEMAP_TAGS = {
    f"{SITEMAP}{name}" for name in ("urlset", "url", "loc", "lastmod", "sitemapindex", "sitemap")
} | {f"{XHTML}link"} | {
    f"{NEWS}{name}" for name in ("news", "publication", "name", "language", "publication_date", "title")
}  # fmt: skip

PUBLIC_PAGES = [
    "/",
    "/?page=1",
    "/papers/2024-06-01-hostile",
    "/papers/2024-06-02-hostile-urls",  # its related articles show the hostile title
    "/papers/2024-06-03-hostile-import",
    "/tags/hostile-tag/",
    "/tags/hostile-quote/",
    "/archives/",
    "/archives/2024/",
    "/archives/2024/06/",
    "/search/?q=Étude",
    "/search/?q=importé",
    "/search/?q=<script>alert('query')</script>\"><img src=x onerror=alert('query-img')>",
    "/en/",
    "/en/papers/2024-06-01-hostile",
    "/en/papers/2024-06-03-hostile-import",
]
FEEDS = [
    ("/feed/", RSS_TAGS),
    ("/feed/atom/", ATOM_TAGS),
    ("/tags/hostile-tag/feed/", RSS_TAGS),
    ("/tags/hostile-quote/feed/", RSS_TAGS),
    ("/en/feed/atom/", ATOM_TAGS),
    ("/sitemap.xml", SITEMAP_TAGS),
    ("/sitemap-articles.xml", SITEMAP_TAGS),
    ("/sitemap-tags.xml", SITEMAP_TAGS),
    ("/sitemap-archives.xml", SITEMAP_TAGS),
]


def load_hostile_content():
    """The fixture and the markdown file, each hostile article with two versions to compare."""
    call_command("loaddata", str(HOSTILE_FIXTURE), verbosity=0)
    call_command("import_markdown", str(HOSTILE_MARKDOWN), stdout=StringIO(), stderr=StringIO())
    author = get_user_model().objects.get(username="hostile")
    for article in Article.objects.all():
        with reversion.create_revision():
            reversion.add_to_revision(article)
            reversion.set_user(author)
        with reversion.create_revision():
            article.summary = "<script>alert('diff-summary')</script>" + article.summary
            article.save()
            reversion.add_to_revision(article)
            reversion.set_comment("<img src=x onerror=alert('revision-comment')>")
    return {a.slug: a for a in Article.objects.all()}


@pytest.fixture
def hostile(db):
    return load_hostile_content()


def admin_pages(articles):
    author = get_user_model().objects.get(username="hostile")
    pages = [
        "/admin/articles/article/",
        "/admin/articles/article/?q=hostile",
        "/admin/articles/tag/",
        f"/admin/auth/user/{author.pk}/change/",
        "/admin/articles/article/calendar/?start=2024-05-27",
    ]
    for article in articles.values():
        first, latest = Version.objects.get_for_object(article).order_by("pk")
        base = f"/admin/articles/article/{article.pk}"
        pages += [
            f"{base}/change/",
            f"{base}/history/",
            f"{base}/history/{latest.pk}/changes/",
            f"{base}/history/{first.pk}/",  # the restore form
            f"{base}/preview/",
        ]
    return pages


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_carry_nothing_that_runs(client, hostile, path):
    response = client.get(path)

    assert response.status_code == 200
    assert_no_inline_scripts_allowed(response)
    html = response.content.decode()
    assert executable_markup(html) == []
    for data in structured_data(html):
        assert json_script_urls(data) == []


@pytest.mark.parametrize(("path", "tags"), FEEDS, ids=[feed[0] for feed in FEEDS])
def test_feeds_and_sitemaps_carry_nothing_that_runs(client, hostile, path, tags):
    response = client.get(path)

    assert response.status_code == 200
    assert executable_in_xml(response.content, tags) == []


def test_news_sitemap_carries_nothing_that_runs(client, hostile):
    Article.objects.update(published_at=timezone.now() - timedelta(hours=1))  # the news of the day

    response = client.get("/sitemap-news.xml")

    assert response.content.decode().count("<url>") == 3
    assert executable_in_xml(response.content, SITEMAP_TAGS) == []


def test_hostile_text_is_shown_as_text_not_lost(client, hostile):
    response = client.get("/papers/2024-06-01-hostile")

    assertContains(response, "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; Étude")
    assertContains(response, "<strong>normal</strong>")
    assertContains(response, "&lt;img src=x onerror=alert(&#39;tag-name&#39;)&gt;</a>")
    # Addresses that are not web addresses are dropped, never linked; the text around them stays.
    assert "Lien source" not in response.content.decode()
    [data] = structured_data(response.content.decode())
    assert data["headline"] == hostile["hostile"].title
    assert "isBasedOn" not in data and "image" not in data
    urls = client.get("/papers/2024-06-02-hostile-urls")
    assertContains(urls, "Crédit image : Agence — tous droits réservés</figcaption>")
    assertContains(urls, "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; Étude", count=1)  # related


def test_feed_summaries_are_text_for_readers_that_show_html(client, hostile):
    from xml.etree import ElementTree as ET

    rss = ET.fromstring(client.get("/feed/").content)  # noqa: S314 -- the site's own output

    descriptions = [item.findtext("description") for item in rss.iter("item")]
    assert "&lt;svg onload=alert(&#x27;summary&#x27;)&gt;Résumé&lt;/svg&gt;" in descriptions[-1]
    assert all(item.find("enclosure") is None or item.find("enclosure").get("url").startswith("http")
               for item in rss.iter("item"))  # fmt: skip


def test_admin_pages_carry_nothing_that_runs(admin_client, hostile):
    for path in admin_pages(hostile):
        response = admin_client.get(path)

        assert response.status_code == 200, path
        assert_no_inline_scripts_allowed(response)
        assert executable_markup(response.content.decode()) == [], path


def test_hostile_text_typed_in_the_admin_runs_nowhere(admin_client):
    from .test_admin import add_article_form

    response = admin_client.post(
        "/admin/articles/article/add/",
        add_article_form(
            title="<script>alert('admin-title')</script>\"><svg onload=alert('admin-title-svg')>",
            summary="<img src=x onerror=alert('admin-summary')>",
            body="[x](javascript:alert('admin-body'))\n\n<iframe src=//evil.example></iframe>\n\n"
            "Texte\n{: onclick=\"alert('admin-attr-list')\" }",
            tags="\"<img src=x onerror=alert('admin-tag')>\"",
            **{
                "image-0-alt_text": "\" onerror=\"alert('admin-alt')",
                "image-0-credit": "<b onmouseover=alert('admin-credit')>AP</b>",
                "links-0-publisher": "<script>alert('admin-publisher')</script>",
            },
        ),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    tag = article.tags.get()

    for path in [article.get_absolute_url(), "/", tag.get_absolute_url(), "/search/?q=alert"]:
        assert executable_markup(admin_client.get(path).content.decode()) == [], path
    assert executable_in_xml(admin_client.get("/feed/").content, RSS_TAGS) == []
    for path in [
        f"/admin/articles/article/{article.pk}/change/",
        f"/admin/articles/article/{article.pk}/history/",
    ]:
        assert executable_markup(admin_client.get(path).content.decode()) == [], path


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("image-0-image_url", "javascript:alert(1)"),
        ("image-0-credit_url", " JaVaScRiPt:alert(1)"),
        ("links-0-url", "data:text/html,<script>alert(1)</script>"),
        ("links-0-url", "vbscript:msgbox(1)"),
    ],
)
def test_admin_refuses_addresses_that_are_not_web_addresses(admin_client, field, value):
    from .test_admin import add_article_form

    response = admin_client.post("/admin/articles/article/add/", add_article_form(**{field: value}))

    assertContains(response, "Saisissez une URL valide.")
    assert not Article.objects.exists()


@pytest.mark.django_db
class TestOutboundLinks:
    def links(self, response):
        from .test_images import ImageCollector

        class LinkCollector(ImageCollector):
            def __init__(self):
                super().__init__()
                self.links = {}

            def handle_starttag(self, tag, attrs):
                if tag == "a" and dict(attrs).get("href", "").startswith("https://"):
                    self.links[dict(attrs)["href"]] = dict(attrs).get("rel")

        collector = LinkCollector()
        collector.feed(response.content.decode())
        return collector.links

    def test_links_in_our_own_text_open_without_a_referrer(self, client):
        article = make_article(body="Voir [l’étude](https://example.org/etude).", image=True, source=True)

        links = self.links(client.get(article.get_absolute_url()))

        assert links["https://example.org/etude"] == "noopener noreferrer"
        assert links[article.source.url] == "noopener noreferrer"
        assert links[article.image.credit_url] == "noopener noreferrer"

    def test_links_in_imported_text_are_not_vouched_for(self, client, tmp_path):
        from .test_import import import_markdown, markdown, write

        import_markdown(
            write(
                tmp_path,
                "a.md",
                markdown(
                    "Voir [l’étude](https://example.org/etude).",
                    imageUrl='"https://img.example.org/a.jpg"',
                    imageCredit='"AP — https://img.example.org/credit"',
                ),
            )
        )
        article = Article.objects.get()

        links = self.links(client.get(article.get_absolute_url()))

        assert article.origin == Article.Origin.IMPORTED
        assert links == {
            "https://img.example.org/credit": "noopener noreferrer nofollow",
            "https://example.org/etude": "noopener noreferrer nofollow",
            "https://news.example.org/essai/": "noopener noreferrer nofollow",
        }

    def test_links_in_ingested_text_are_not_vouched_for(self, client):
        article = make_article(body="[source](https://example.org/a)", origin=Article.Origin.INGESTED)

        links = self.links(client.get(article.get_absolute_url()))

        assert links["https://example.org/a"] == "noopener noreferrer nofollow"


# What the page a browser built holds that could run: the DOM, after the parser and any
# script had their way, so a sanitizer regression shows even where the script policy
# (CSP) would have blocked it.
RUNNABLE_IN_DOM = """() => {
    const found = [];
    const scriptUrl = /^(javascript|vbscript|data):/i;
    for (const element of document.querySelectorAll("*")) {
        for (const attribute of element.attributes) {
            const name = attribute.name.toLowerCase();
            const value = attribute.value.replace(/[\\u0000-\\u0020]/g, "");
            if (name.startsWith("on")) found.push(`${element.tagName} ${name}`);
            if (["href", "src", "action", "formaction", "xlink:href", "data", "srcset"].includes(name)
                && scriptUrl.test(value)) found.push(`${element.tagName} ${name}=${value.slice(0, 40)}`);
        }
    }
    for (const script of document.querySelectorAll("script")) {
        if (["application/ld+json", "application/json"].includes(script.type)) continue;
        const src = script.src ? new URL(script.src) : null;
        const own = src && src.origin === location.origin;
        const ownScript = /^(\\/static\\/|(\\/en)?\\/admin\\/jsi18n\\/$)/;
        if (own && ownScript.test(src.pathname)) continue;
        found.push(`script ${script.src || script.textContent.slice(0, 40)}`);
    }
    for (const element of document.querySelectorAll("iframe, frame, object, embed, base, meta[http-equiv]")) {
        found.push(element.tagName);
    }
    return found;
}"""


@pytest.mark.browser
def test_nothing_that_runs_reaches_the_page_a_browser_builds(live_server, transactional_db, page, admin_user):
    articles = load_hostile_content()

    for path in PUBLIC_PAGES:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.mouse.move(200, 300)
        for link in page.locator("main a").all()[:5]:
            link.hover()
        assert page.evaluate(RUNNABLE_IN_DOM) == [], path

    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill("admin")
    page.get_by_label("Mot de passe").fill("password")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(live_server.url + "/admin/")
    assert page.get_by_role("button", name="Déconnexion").is_visible()  # the login worked

    for path in admin_pages(articles):
        response = page.goto(live_server.url + path)
        assert response.status == 200 and page.url == live_server.url + path, path  # not the login page
        assert page.evaluate(RUNNABLE_IN_DOM) == [], path
    # The `page` fixture fails the test if any dialog opened.
