"""French without a prefix, English under /en/: addresses, switch, strings and dates."""

from datetime import datetime

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from .conftest import SEED_PERMALINK
from .factories import make_article

SEED_URL = f"/papers/{SEED_PERMALINK}"


def test_old_permalink_is_french_and_english_lives_under_en(client, seed):
    french = client.get(SEED_URL)
    english = client.get(f"/en{SEED_URL}")

    assertContains(french, '<html lang="fr">')
    assertContains(english, '<html lang="en">')
    assertContains(french, "<h2>L’essentiel</h2>", html=True)
    assertContains(english, "<h2>Key points</h2>", html=True)
    assertContains(english, "<h2>Source link</h2>", html=True)
    assertContains(english, "Image credit:")


def test_browser_language_does_not_move_french_pages(client, seed):
    response = client.get(SEED_URL, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert response.status_code == 200
    assertContains(response, '<html lang="fr">')


def test_dates_read_naturally_in_each_language(client, seed):
    assertContains(client.get(SEED_URL), ">24 mai 2024</time>")
    assertContains(client.get(f"/en{SEED_URL}"), ">May 24, 2024</time>")


@pytest.mark.django_db
def test_month_names_are_written_out_in_english_too(client):
    september = timezone.make_aware(datetime(2024, 9, 3, 12, 0))
    make_article(title="Rentrée", published_at=september)

    assertContains(client.get("/"), ">3 septembre 2024</time>")
    assertContains(client.get("/en/"), ">September 3, 2024</time>")


def test_switch_links_to_the_same_page_in_the_other_language(client, seed):
    french = client.get(SEED_URL)
    english = client.get(f"/en{SEED_URL}")

    assertContains(french, f'<a href="/en{SEED_URL}" hreflang="en" lang="en">English</a>', html=True)
    assertContains(english, f'<a href="{SEED_URL}" hreflang="fr" lang="fr">Français</a>', html=True)
    assertContains(french, f'<link rel="alternate" hreflang="en" href="http://testserver/en{SEED_URL}">')
    assertContains(english, f'<link rel="alternate" hreflang="fr" href="http://testserver{SEED_URL}">')


@pytest.mark.parametrize(
    "path",
    [
        "//evil.example/",
        "//evil.example/x",
        f"//evil.example{SEED_URL}",
        f"//evil.example/en{SEED_URL}",
    ],
)
def test_alternate_links_stay_on_the_site_when_the_path_names_another_host(client, seed, path):
    response = client.get("/", PATH_INFO=path)

    assert response.status_code == 404
    page = response.content.decode()
    assert "evil.example" not in page
    assert '<link rel="alternate" hreflang="fr" href="http://testserver/">' in page
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/">' in page
    assertContains(response, '<a href="/en/" hreflang="en" lang="en">English</a>', status_code=404, html=True)


@pytest.mark.django_db
def test_switch_keeps_the_search_and_the_page(client):
    response = client.get("/search/", {"q": "foie", "page": "1"})

    assertContains(response, 'href="/en/search/?q=foie&amp;page=1"')


@pytest.mark.django_db
def test_switch_on_a_missing_page_goes_to_the_other_home_page(client):
    response = client.get("/en/no/such/page")

    assert response.status_code == 404
    assertContains(response, "Page not found", status_code=404)
    assertContains(response, '<a href="/" hreflang="fr" lang="fr">Français</a>', status_code=404, html=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "french", "english"),
    [
        ("/", "Dernières actualités", "Latest news"),
        ("/archives/", "Archives", "Archives"),
        ("/search/?q=x", "Rechercher", "Search"),
    ],
)
def test_every_page_in_both_languages(client, url, french, english):
    make_article(title="Un article")

    assertContains(client.get(url), f"<h1>{french}</h1>", html=True)
    assertContains(client.get(f"/en{url}"), f"<h1>{english}</h1>", html=True)
    assertNotContains(client.get(f"/en{url}"), "Aller au contenu")
    assertContains(client.get(f"/en{url}"), "Skip to content")


@pytest.mark.django_db
def test_admin_is_french_at_admin_and_english_under_en(admin_client):
    assertContains(admin_client.get("/admin/"), "<h1>Site d’administration</h1>", html=True)
    assertContains(admin_client.get("/en/admin/"), "<h1>Site administration</h1>", html=True)


@pytest.mark.django_db
def test_healthz_and_robots_stay_outside_the_languages(client):
    assert client.get("/healthz").status_code == 200
    # (a slash is added first, as to any address a page of the site could have: /en/a-propos/)
    assert client.get("/en/healthz", follow=True).status_code == 404
    assert client.get("/robots.txt").status_code == 200


def test_catalogues_are_compiled_and_complete():
    from pathlib import Path

    locale = Path(__file__).resolve().parent.parent / "locale"
    for language in ("fr", "en"):
        po = (locale / language / "LC_MESSAGES" / "django.po").read_text()
        mo = locale / language / "LC_MESSAGES" / "django.mo"
        assert mo.is_file() and mo.stat().st_size > 0
        assert "#, fuzzy" not in po.split("\n\n", 1)[1]
    french = (locale / "fr" / "LC_MESSAGES" / "django.po").read_text().split("\n\n")[1:]
    untranslated = [entry for entry in french if entry.rstrip().endswith('msgstr ""')]
    assert untranslated == []
