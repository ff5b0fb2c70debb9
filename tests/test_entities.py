"""Text written with HTML entities, as WordPress writes it, reads as text on every page.

A title arrives as « Abbott&#8217;s new stent &amp; catheter system » from a
markdown file, a fixture or a feed; readers, feed readers, search engines and
editors see « Abbott’s new stent & catheter system », never « &amp;#8217; ».
"""

import datetime
import html
import importlib
import json
import re
import types
from io import StringIO
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles import migrations as article_migrations
from articles.models import Article, ImageCredit, SourceLink

from .factories import make_article
from .test_export import empty_database, export, files
from .test_import import import_markdown

TITLE = "Abbott’s new stent & catheter system"
TITLE_WRITTEN = "Abbott&#8217;s new stent &amp; catheter system"
ALT = "Le stent d’Abbott & son cathéter"
ALT_WRITTEN = "Le stent d&#8217;Abbott &amp; son cath&#233;ter"
CREDIT = "Photo © Abbott & fils"
CREDIT_WRITTEN = "Photo &#169; Abbott &amp; fils"
RIGHTS = "droits réservés"
RIGHTS_WRITTEN = "droits r&#233;serv&#233;s"
PUBLISHER = "Cardio & Vasculaire"
PUBLISHER_WRITTEN = "Cardio &amp; Vasculaire"
SUMMARY = "Le nouveau système d’Abbott […]"
SUMMARY_WRITTEN = "Le nouveau système d&#8217;Abbott [&#8230;]"
SOURCE_URL = "https://cardio.example.org/abbott-stent/"
IMAGE_URL = "https://cardio.example.org/stent.jpg"
# What a page holding the text shows, escaped once; never a second time.
DOUBLE_ESCAPED = re.compile(r"&amp;(#\d+|#x[0-9a-f]+|amp|lt|gt|quot);", re.IGNORECASE)


def recently():
    """An hour ago: in the news sitemap's two days, and in this month's archive."""
    return (timezone.now() - datetime.timedelta(hours=1)).replace(microsecond=0)


def markdown_file(folder, moment):
    credit_line = f"{CREDIT_WRITTEN} — {RIGHTS_WRITTEN} — {SOURCE_URL}"
    text = (
        "---\n"
        f"title: {json.dumps(TITLE_WRITTEN)}\n"
        f'date: "{moment:%Y-%m-%dT%H:%M:%S}.000Z"\n'
        f"summary: {json.dumps(SUMMARY_WRITTEN, ensure_ascii=False)}\n"
        f'sourceUrl: "{SOURCE_URL}"\n'
        f'tags: ["Cardiologie", "{PUBLISHER_WRITTEN} — Latest"]\n'
        f'imageUrl: "{IMAGE_URL}"\n'
        f"imageCredit: {json.dumps(credit_line, ensure_ascii=False)}\n"
        "---\n\n"
        f"![{ALT_WRITTEN}]({IMAGE_URL})\n\n"
        f"*Crédit image : {credit_line}*\n\n"
        f"## L’essentiel\n\n{SUMMARY_WRITTEN}\n\n"
        f"## Lien source\n\n{SOURCE_URL}\n"
    )
    path = Path(folder) / "abbott.md"
    path.write_text(text, encoding="utf-8")
    return path


def arrive_by_markdown(tmp_path):
    moment = recently().astimezone(datetime.UTC)
    out, err, status = import_markdown(markdown_file(tmp_path, moment))
    assert status == 0, err


def arrive_by_fixture(tmp_path):
    moment = recently().astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    permalink = "2024-06-03-abbott-stent"
    rows = [
        {
            "model": "articles.article",
            "fields": {
                "title": TITLE_WRITTEN,
                "slug": "abbott-stent",
                "permalink": permalink,
                "status": "published",
                "published_at": moment,
                "summary": SUMMARY_WRITTEN,
                "body": "",
                "origin": "imported",
                "created_at": moment,
                "updated_at": moment,
            },
        },
        {"model": "articles.tag", "fields": {"name": "Cardiologie", "slug": "cardiologie"}},
        {
            "model": "articles.taggedarticle",
            "fields": {"content_object": [permalink], "tag": ["Cardiologie"]},
        },
        {
            "model": "articles.imagecredit",
            "fields": {
                "article": [permalink],
                "image": "",
                "image_url": IMAGE_URL,
                "alt_text": ALT_WRITTEN,
                "credit": CREDIT_WRITTEN,
                "rights": RIGHTS_WRITTEN,
                "credit_url": SOURCE_URL,
            },
        },
        {
            "model": "articles.sourcelink",
            "fields": {
                "article": [permalink],
                "kind": "source",
                "url": SOURCE_URL,
                "url_normalized": SOURCE_URL.rstrip("/"),
                "publisher": PUBLISHER_WRITTEN,
                "position": 0,
            },
        },
    ]
    fixture = tmp_path / "abbott.json"
    fixture.write_text(json.dumps(rows), encoding="utf-8")
    call_command("loaddata", str(fixture), verbosity=0)


def arrive_by_feed(tmp_path):
    """An Atom feed that encodes its plain-text titles (type="text") once more, as some do."""
    moment = recently().astimezone(datetime.UTC)
    feed = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">
  <title>{html.escape(PUBLISHER_WRITTEN)}</title>
  <id>urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427</id>
  <updated>{moment:%Y-%m-%dT%H:%M:%SZ}</updated>
  <entry>
    <title>{html.escape(TITLE_WRITTEN)}</title>
    <link href="{SOURCE_URL}"/>
    <id>tag:cardio.example.org,2024:abbott</id>
    <updated>{moment:%Y-%m-%dT%H:%M:%SZ}</updated>
    <summary type="html">{html.escape(SUMMARY_WRITTEN)}</summary>
    <media:content url="{IMAGE_URL}" medium="image"/>
  </entry>
</feed>
"""
    path = tmp_path / "cardio.xml"
    path.write_text(feed, encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("ingest_feeds", str(path), stdout=out, stderr=err)
    article = Article.objects.get()
    assert article.status == Article.Status.REVIEW
    article.status = Article.Status.PUBLISHED  # an editor tags it and publishes it
    article.save()
    article.tags.add("Cardiologie")


ARRIVALS = {"markdown": arrive_by_markdown, "fixture": arrive_by_fixture, "feed": arrive_by_feed}


@pytest.fixture(params=list(ARRIVALS))
def arrived(request, db, tmp_path):
    """The article, arrived one of the three ways, with what each way gives it."""
    ARRIVALS[request.param](tmp_path)
    article = Article.objects.select_related("image").get()
    if request.param == "feed":
        # A feed's item is credited as the seed is, and its image described by its title.
        expected = {"alt": TITLE, "credit": ImageCredit.ARTICLE_IMAGE_CREDIT}
    else:
        expected = {"alt": ALT, "credit": CREDIT}
    return article, expected


def page_text(response):
    body = response.content.decode()
    assert response.status_code == 200
    assert not DOUBLE_ESCAPED.search(body), DOUBLE_ESCAPED.search(body)[0]
    return body


class TestOnTheWayIn:
    def test_every_plain_text_field_is_stored_as_text(self, arrived):
        article, expected = arrived

        assert article.title == TITLE
        assert article.summary == SUMMARY
        assert article.image.alt_text == expected["alt"]
        assert article.image.credit == expected["credit"]
        assert article.source.publisher == PUBLISHER

    def test_the_article_page_its_share_titles_and_structured_data(self, arrived, client):
        article, expected = arrived

        body = page_text(client.get(article.get_absolute_url()))

        escaped = html.escape(TITLE, quote=False)
        assert f"<h1>{escaped}</h1>" in body
        assert f"<title>{escaped} — " in body
        for meta in ('property="og:title"', 'name="twitter:title"'):
            assert f'<meta {meta} content="{escaped}">' in body
        assert f'<meta property="og:image:alt" content="{html.escape(expected["alt"])}">' in body
        assert f'<span class="source-publisher">{html.escape(PUBLISHER)}</span>' in body
        assert f"{html.escape(expected['credit'])}" in body
        structured = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', body)[1])
        assert structured["headline"] == TITLE

    @pytest.mark.parametrize(
        "address",
        ["/", "/tags/cardiologie/", "/search/?q=Abbott", "/archives/{year}/{month:02d}/", "/en/"],
    )
    def test_lists_of_articles(self, arrived, client, address):
        article, expected = arrived
        moment = timezone.localtime(article.published_at)

        body = page_text(client.get(address.format(year=moment.year, month=moment.month)))

        assert f">{html.escape(TITLE, quote=False)}</a>" in body
        assert f'alt="{html.escape(expected["alt"])}"' in body

    @pytest.mark.parametrize("address", ["/feed/", "/feed/atom/", "/tags/cardiologie/feed/"])
    def test_feeds(self, arrived, client, address):
        body = page_text(client.get(address))

        root = ElementTree.fromstring(body.encode())  # noqa: S314 -- the site's own output
        titles = [element.text for element in root.iter() if element.tag.rsplit("}", 1)[-1] == "title"]
        assert TITLE in titles
        publishers = [element.text for element in root.iter("source")] + [
            element.get("title") for element in root.iter("{http://www.w3.org/2005/Atom}link")
        ]
        assert PUBLISHER in publishers

    def test_the_news_sitemap(self, arrived, client):
        body = page_text(client.get("/sitemap-news.xml"))

        root = ElementTree.fromstring(body.encode())  # noqa: S314 -- the site's own output
        titles = [
            element.text for element in root.iter("{http://www.google.com/schemas/sitemap-news/0.9}title")
        ]
        assert titles == [TITLE]

    def test_the_admin_list_and_change_form(self, arrived, admin_client):
        article, expected = arrived

        listing = page_text(admin_client.get("/admin/articles/article/"))
        form = page_text(admin_client.get(f"/admin/articles/article/{article.pk}/change/"))

        assert f">{html.escape(TITLE)}</a>" in listing
        assert f'name="title" value="{html.escape(TITLE)}"' in form
        assert f'value="{html.escape(expected["alt"])}"' in form
        assert f'value="{html.escape(expected["credit"])}"' in form
        assert f'value="{html.escape(PUBLISHER)}"' in form


@pytest.mark.django_db
class TestOnTheWayOut:
    def test_export_import_export_is_byte_identical(self, tmp_path):
        markdown_file(tmp_path, datetime.datetime(2024, 6, 3, 8, tzinfo=datetime.UTC))
        import_markdown(tmp_path / "abbott.md")
        export(tmp_path / "first")
        empty_database()

        import_markdown(tmp_path / "first")
        export(tmp_path / "second")

        first = files(tmp_path / "first")
        assert files(tmp_path / "second") == first
        (text,) = first.values()
        # Nothing in the text would be read as an entity: it is written as it reads.
        assert f'title: "{TITLE}"' in text.decode()
        assert f"![{ALT}]({IMAGE_URL})" in text.decode()
        assert f'imageCredit: "{CREDIT} — {RIGHTS} — {SOURCE_URL}"' in text.decode()

    def test_text_that_holds_an_entity_as_text_is_written_escaped_and_comes_back(self, tmp_path):
        # An editor writing about HTML means these characters as they are.
        typed = "Écrire &amp; et &#8217; dans une page & ailleurs"
        article = make_article(title=typed, summary=typed, tags=[typed], image=True)
        ImageCredit.objects.filter(article=article).update(alt_text=typed, credit=typed, rights=typed)

        export(tmp_path / "first")
        (text,) = files(tmp_path / "first").values()
        empty_database()
        import_markdown(tmp_path / "first")

        written = "Écrire &amp;amp; et &amp;#8217; dans une page & ailleurs"
        assert f'title: "{written}"' in text.decode()
        article = Article.objects.select_related("image").get()
        assert (article.title, article.summary, list(article.tags.names())) == (typed, typed, [typed])
        image = article.image
        assert (image.alt_text, image.credit, image.rights) == (typed, typed, typed)

    def test_a_fixture_written_from_files_loads_the_text_importing_gives(self, tmp_path):
        markdown_file(tmp_path, datetime.datetime(2024, 6, 3, 8, tzinfo=datetime.UTC))
        import_markdown(tmp_path / "abbott.md")
        imported = stored_text()
        empty_database()

        import_markdown(tmp_path / "abbott.md", to_fixture=str(tmp_path / "abbott.json"))
        call_command("loaddata", str(tmp_path / "abbott.json"), verbosity=0)

        assert stored_text() == imported


def stored_text():
    article = Article.objects.select_related("image").get()
    image = article.image
    return (
        article.title,
        article.summary,
        image.alt_text,
        image.credit,
        image.rights,
        article.source.publisher,
    )


@pytest.mark.django_db
class TestWhatIsKeptAsTyped:
    def test_the_admin_stores_what_the_editor_types(self, admin_client):
        from .test_admin import add_article_form

        typed = "Le code &amp; la page"
        response = admin_client.post(
            "/admin/articles/article/add/", add_article_form(title=typed, **{"image-0-credit": typed})
        )

        assert response.status_code == 302
        article = Article.objects.get()
        assert (article.title, article.image.credit) == (typed, typed)

    @pytest.mark.django_db(transaction=True)  # a backup reads in a transaction of its own
    def test_a_backup_restored_keeps_its_text(self, tmp_path, media_root):
        typed = "Le code &amp; la page"
        make_article(title=typed, summary=typed)
        call_command("backup", str(tmp_path / "backup"), stdout=StringIO())
        empty_database()

        call_command("restore", str(tmp_path / "backup"), stdout=StringIO())

        assert Article.objects.values_list("title", "summary").get() == (typed, typed)


def decoding_migration():
    """The migration that decodes stored text, found by its name (its number may change)."""
    (path,) = Path(article_migrations.__file__).parent.glob("*_long_titles_decoded_entities.py")
    return importlib.import_module(f"articles.migrations.{path.stem}")


@pytest.mark.django_db
class TestStoredTextIsDecodedOnce:
    def test_the_migration_decodes_what_was_stored_as_written_and_leaves_summaries(self, client, monkeypatch):
        from django.apps import apps

        migration = decoding_migration()
        monkeypatch.setattr(migration, "BATCH_SIZE", 2)  # several batches of rows
        already = "Le résumé, décodé à l’arrivée : « &amp;lt; » est écrit ainsi"
        articles = [
            make_article(title=f"Essai {n}", summary=already, image=True, source=True) for n in range(5)
        ]
        Article.objects.filter(pk__in=[a.pk for a in articles[:3]]).update(title=TITLE_WRITTEN)
        ImageCredit.objects.update(alt_text=ALT_WRITTEN, credit=CREDIT_WRITTEN, rights=RIGHTS_WRITTEN)
        SourceLink.objects.update(publisher=PUBLISHER_WRITTEN)
        Article.objects.filter(pk=articles[3].pk).update(title="Déjà « &amp;#8217; » décodé")

        migration.decode_stored_text(apps, types.SimpleNamespace(connection=connection))

        titles = list(Article.objects.order_by("pk").values_list("title", flat=True))
        assert titles == [TITLE, TITLE, TITLE, "Déjà « &#8217; » décodé", "Essai 4"]
        assert set(Article.objects.values_list("summary", flat=True)) == {already}
        assert set(ImageCredit.objects.values_list("alt_text", "credit", "rights")) == {(ALT, CREDIT, RIGHTS)}
        assert set(SourceLink.objects.values_list("publisher", flat=True)) == {PUBLISHER}
        body = client.get(articles[0].get_absolute_url()).content.decode()
        assert f"<h1>{html.escape(TITLE, quote=False)}</h1>" in body
        assert "&amp;#8217;" not in body

    def test_the_migration_leaves_text_without_entities_alone(self):
        from django.apps import apps

        make_article(title="Sans entité & sans souci", image=True, source=True)
        ImageCredit.objects.update(credit="AT&T", rights="R&D")
        before = Article.objects.values_list("title", "updated_at", "image__credit", "image__rights").get()

        decoding_migration().decode_stored_text(apps, types.SimpleNamespace(connection=connection))

        after = Article.objects.values_list("title", "updated_at", "image__credit", "image__rights").get()
        assert after == before
