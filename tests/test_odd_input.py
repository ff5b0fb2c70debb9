"""Odd input answers with a clear message, never a server error or a stopped run.

A date the clock arithmetic cannot hold, an invisible control character that no
feed can carry: each is named with its file and reason, and the other files of the
run are imported.
"""

import pytest

from articles.models import Article

from .test_import import import_markdown, markdown, write

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("date", ['"9999-12-31T23:30:00Z"', '"0001-01-01T00:00:00+02:00"', '"1492-10-12"'])
def test_a_date_out_of_range_names_its_file_and_the_run_goes_on(tmp_path, date):
    write(tmp_path, "a-bad.md", markdown(date=date, permalink=None))
    write(tmp_path, "b-good.md", markdown())

    out, err, status = import_markdown(tmp_path)

    assert "a-bad.md: date:" in err and "out of range (years 1900 to 2999)" in err
    assert "Traceback" not in err
    assert status == 1
    assert list(Article.objects.values_list("title", flat=True)) == ["Un essai français sur la cryoablation"]


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("title", '"Un titre\\b"', "title: holds invisible control characters (U+0008)"),
        ("summary", '"Un résumé\\e."', "summary: holds invisible control characters (U+001B)"),
        ("tags", '["France", "Onco\\elogie"]', "tags: holds invisible control characters (U+001B)"),
    ],
)
def test_a_control_character_no_feed_can_carry_is_refused_with_its_name(tmp_path, field, value, shown):
    path = write(tmp_path, "bad.md", markdown(**{field: value}))

    _, err, status = import_markdown(path)

    assert f"bad.md: {shown}" in err
    assert status == 1
    assert not Article.objects.exists()


def test_a_control_character_in_the_body_is_refused(tmp_path):
    path = write(tmp_path, "bad.md", markdown(body="Un commentaire\x0b de la rédaction.\n"))

    _, err, _ = import_markdown(path)

    assert "bad.md: body: holds invisible control characters (U+000B)" in err
    assert not Article.objects.exists()


ATOM_WITH_CONTROL_CHARACTERS = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Revue Exemple</title>
  <id>https://revue.example.org/</id>
  <updated>2024-05-24T10:00:00Z</updated>
  <entry>
    <title type="text">Un essai&amp;#8; sur l’embolisation</title>
    <link href="https://revue.example.org/essai"/>
    <id>https://revue.example.org/essai</id>
    <updated>2024-05-24T10:00:00Z</updated>
    <summary type="html">Le r&amp;eacute;sum&amp;eacute;&amp;#27; de l’essai.</summary>
  </entry>
</feed>
"""


def test_a_feed_items_control_characters_are_dropped_and_the_feeds_stay_readable(tmp_path, client):
    from xml.etree import ElementTree as ET

    from .test_ingest import ingest, make_source

    make_source(name="Revue Exemple")
    feed = write(tmp_path, "atom.xml", ATOM_WITH_CONTROL_CHARACTERS)

    _, err, status = ingest("--source", "Revue Exemple", str(feed))

    assert status == 0, err
    article = Article.objects.get()
    assert article.title == "Un essai sur l’embolisation"
    assert article.summary == "Le résumé de l’essai."
    article.status = Article.Status.PUBLISHED
    article.save()
    for url in ("/feed/", "/feed/atom/", "/sitemap-news.xml"):
        ET.fromstring(client.get(url).content)  # noqa: S314 -- the site's own output
