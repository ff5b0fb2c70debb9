"""Titles as long as the archive's: 1,000 characters import, show and come back out.

The page's <h1> shows the whole title; a browser's tab and a link preview get it
cut at a word; its derived slug and address stop at a word within 100 characters.
"""

import html
import itertools
import json
import re
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.utils.text import slugify

from articles.models import Article

from .factories import make_article
from .test_admin import add_article_form
from .test_export import empty_database, export, files
from .test_import import import_markdown, markdown, write

SENTENCE = (
    "Essai randomisé multicentrique de la cryoablation percutanée guidée par scanner chez des "
    "patients atteints de tumeurs rénales de petite taille"
)
TITLE = " ".join(itertools.repeat(SENTENCE, 8))[:999] + "."


def meta(body, attribute, name):
    return html.unescape(re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', body)[1])


def cut_at_a_word(shown, length):
    """``shown`` is the title's start, cut between two words, within ``length`` with its ellipsis."""
    assert shown.endswith("…"), shown
    start = shown.removesuffix("…")
    assert len(shown) <= length
    assert TITLE.startswith(start)
    assert TITLE[len(start)] == " ", f"cut inside a word: {shown!r}"
    return start


@pytest.fixture
def imported(db, tmp_path):
    """The long title, from a file that gives no permalink: the site makes one."""
    write(tmp_path / "in", "long.md", markdown(title=json.dumps(TITLE, ensure_ascii=False), permalink=None))
    out, err, status = import_markdown(tmp_path / "in")
    assert status == 0, err
    return Article.objects.get()


def test_the_title_is_stored_whole(imported):
    assert len(TITLE) == 1000
    assert imported.title == TITLE


def test_the_derived_slug_and_permalink_stop_at_a_hyphen_within_100_characters(imported, client):
    slug = imported.slug

    assert 50 < len(slug) <= 100
    assert slugify(TITLE).startswith(slug + "-")
    assert imported.permalink == f"2024-03-02-{slug}"
    assert client.get(f"/papers/{imported.permalink}").status_code == 200


def test_the_page_shows_it_whole_in_its_heading_and_cut_at_a_word_elsewhere(imported, client):
    body = client.get(imported.get_absolute_url()).content.decode()

    assert f"<h1>{html.escape(TITLE)}</h1>" in body
    tab = html.unescape(re.search(r"<title>(.*?) — Newsroom</title>", body)[1])
    cut_at_a_word(tab, 70)
    for attribute, name in (("property", "og:title"), ("name", "twitter:title")):
        cut_at_a_word(meta(body, attribute, name), 110)
    structured = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', body)[1])
    cut_at_a_word(structured["headline"], 110)


@pytest.mark.parametrize("address", ["/", "/tags/france/", "/feed/", "/feed/atom/"])
def test_lists_and_feeds_show_it_whole(imported, client, address):
    response = client.get(address)

    assert response.status_code == 200
    assert html.escape(TITLE) in response.content.decode()


def test_export_writes_it_whole_and_the_round_trip_is_byte_identical(imported, tmp_path):
    export(tmp_path / "first")
    (name,) = files(tmp_path / "first")
    front_matter = yaml.safe_load((tmp_path / "first" / name).read_text(encoding="utf-8").split("---\n")[1])
    assert front_matter["title"] == TITLE
    assert front_matter["permalink"] == f"/papers/{imported.permalink}"
    empty_database()

    import_markdown(tmp_path / "first")
    export(tmp_path / "second")

    assert Article.objects.get().title == TITLE
    assert files(tmp_path / "second") == files(tmp_path / "first")


def test_a_permalink_given_by_a_file_is_kept_verbatim(db, tmp_path):
    given = "2024-03-02-" + slugify(TITLE)[:280].rstrip("-")
    write(
        tmp_path,
        "long.md",
        markdown(title=json.dumps(TITLE, ensure_ascii=False), permalink=f'"/papers/{given}"'),
    )

    out, err, status = import_markdown(tmp_path)

    assert status == 0, err
    assert Article.objects.get().permalink == given


def test_a_longer_title_is_refused_with_its_length(db, tmp_path):
    write(tmp_path, "longer.md", markdown(title=json.dumps(TITLE + "x")))

    out, err, status = import_markdown(tmp_path)

    assert status == 1
    assert "title: longer than 1000 characters (1001)" in err
    assert not Article.objects.exists()


def test_a_title_of_one_long_word_makes_a_slug_of_100_characters(db):
    assert make_article(title="Pneumono" + "o" * 200).slug == "pneumono" + "o" * 92


def test_the_admin_takes_it_whole(admin_client):
    form = admin_client.get("/admin/articles/article/add/").content.decode()
    assert re.search(r'<input type="text" name="title"[^>]* maxlength="1000"', form)

    response = admin_client.post("/admin/articles/article/add/", add_article_form(title=TITLE))

    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert article.title == TITLE
    listing = admin_client.get("/admin/articles/article/").content.decode()
    assert html.escape(TITLE) in listing


def test_a_feed_item_keeps_it_whole_with_a_short_address(db, tmp_path):
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Essais</title>'
        f"<item><title>{html.escape(TITLE)}</title><link>https://essais.example.org/long</link>"
        "<pubDate>Sat, 02 Mar 2024 10:00:00 GMT</pubDate><description>Résumé.</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )

    call_command("ingest_feeds", str(feed), stdout=StringIO(), stderr=StringIO())

    article = Article.objects.get()
    assert article.title == TITLE
    assert slugify(TITLE).startswith(article.slug + "-")
    assert article.permalink == f"2024-03-02-{article.slug}"
