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
    "fields",
    [
        {"date": "2026-02-30T10:00:00Z", "permalink": None},  # YAML's own dates, unquoted
        {"reviewedBy": '"Dr Anne Leroy"', "reviewedOn": "2026-02-30"},
        {"corrections": "[{date: 2026-13-01, kind: correction, text: Un chiffre corrigé.}]"},
    ],
)
def test_a_day_no_calendar_has_names_its_file_and_the_run_goes_on(tmp_path, fields):
    # YAML reads 2026-02-30 as a date itself, before the format's checks: it stopped the whole run.
    write(tmp_path, "a-bad.md", markdown(**fields))
    write(tmp_path, "b-good.md", markdown(permalink=None, title='"Un autre essai"'))

    out, err, status = import_markdown(tmp_path)

    assert "a-bad.md: the front matter holds a date no calendar has" in err
    assert "Traceback" not in err
    assert status == 1
    assert list(Article.objects.values_list("title", flat=True)) == ["Un autre essai"]


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


@pytest.mark.parametrize("start", ["9999-12-31", "0001-01-01", "2999-12-31", "1900-01-01"])
def test_the_calendar_answers_any_date_with_a_calendar(admin_client, start):
    response = admin_client.get("/admin/articles/article/calendar/", {"start": start})

    assert response.status_code == 200
    assert "Calendrier éditorial" in response.content.decode()


def test_a_permalink_that_collides_is_a_form_error_that_keeps_what_was_typed(admin_client):
    from django.utils import timezone

    from .admin_forms import form_data
    from .factories import make_article

    # Both on one day of the site's time zone, whatever the hour the test runs: five minutes
    # before a new article typed at 00:03 in Paris is another day, and another address.
    noon = (timezone.localtime() - timezone.timedelta(days=1)).replace(
        hour=12, minute=0, second=0, microsecond=0
    )
    make_article(title="Vaccin contre la grippe", published_at=noon - timezone.timedelta(minutes=5))
    data = form_data(
        admin_client.get("/admin/articles/article/add/"),
        title="Vaccin contre la grippe",
        slug="vaccin-contre-la-grippe",
        summary="Un résumé tapé avec soin.",
        status="published",
        published_at_0=noon.strftime("%d/%m/%Y"),
        published_at_1=noon.strftime("%H:%M:%S"),
    )

    response = admin_client.post("/admin/articles/article/add/", data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "est déjà celle d’un autre article : choisissez un autre identifiant d’adresse" in page
    assert "Un résumé tapé avec soin." in page
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "Vaccin\x08 contre la grippe"), ("summary", "Résumé\x1b."), ("tags", "France, Onco\x1blogie")],
)
def test_the_admin_refuses_a_control_character_and_keeps_what_was_typed(admin_client, field, value):
    from .admin_forms import form_data

    typed = {"title": "Vaccin contre la grippe", "slug": "vaccin-contre-la-grippe", "summary": "Un résumé."}
    data = form_data(admin_client.get("/admin/articles/article/add/"), **{**typed, field: value})

    response = admin_client.post("/admin/articles/article/add/", data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ce texte contient des caractères de contrôle invisibles (U+00" in page
    assert "contre la grippe" in page
    assert not Article.objects.exists()


def test_the_admin_refuses_a_control_character_in_an_image_credit(admin_client):
    from .admin_forms import form_data

    data = form_data(
        admin_client.get("/admin/articles/article/add/"),
        title="Vaccin contre la grippe",
        slug="vaccin-contre-la-grippe",
        **{"image-0-image_url": "https://images.example.org/a.jpg", "image-0-credit": "Photo\x07 : CHU"},
    )

    response = admin_client.post("/admin/articles/article/add/", data)

    assert "Ce texte contient des caractères de contrôle invisibles (U+0007)" in response.content.decode()
    assert not Article.objects.exists()
