"""Hostile content never runs: scripts, event handlers and script URLs in every field.

tests/data/hostile.json is loaded with loaddata, which bypasses every form and
model validation: what it holds reaches the pages exactly as a careless import
or a tampered database would leave it.
"""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from pytest_django.asserts import assertContains

from articles.models import Article

from .hostile import executable_markup

HOSTILE_FIXTURE = Path(__file__).parent / "data" / "hostile.json"
PUBLIC_PAGES = [
    "/",
    "/papers/2024-06-01-hostile",
    "/papers/2024-06-02-hostile-urls",
    "/tags/hostile-tag/",
    "/tags/hostile-quote/",
]


@pytest.fixture
def hostile(db):
    call_command("loaddata", str(HOSTILE_FIXTURE), verbosity=0)
    return {a.slug: a for a in Article.objects.all()}


def admin_pages(articles):
    author = get_user_model().objects.get(username="hostile")
    pages = ["/admin/articles/article/", "/admin/articles/tag/", f"/admin/auth/user/{author.pk}/change/"]
    for article in articles.values():
        pages += [
            f"/admin/articles/article/{article.pk}/change/",
            f"/admin/articles/article/{article.pk}/history/",
        ]
    return pages


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_carry_nothing_that_runs(client, hostile, path):
    response = client.get(path)

    assert response.status_code == 200
    assert executable_markup(response.content.decode()) == []


def test_hostile_text_is_shown_as_text_not_lost(client, hostile):
    response = client.get("/papers/2024-06-01-hostile")

    assertContains(response, "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt; Étude")
    assertContains(response, "<strong>normal</strong>")
    assertContains(response, "&lt;img src=x onerror=alert(&#x27;tag-name&#x27;)&gt;</a>")
    # Addresses that are not web addresses are dropped, never linked; the text around them stays.
    assert "Lien source" not in response.content.decode()
    urls = client.get("/papers/2024-06-02-hostile-urls")
    assertContains(urls, "Crédit image : Agence — tous droits réservés</figcaption>")


def test_admin_pages_carry_nothing_that_runs(admin_client, hostile):
    for path in admin_pages(hostile):
        response = admin_client.get(path)

        assert response.status_code == 200, path
        assert executable_markup(response.content.decode()) == [], path


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


@pytest.mark.browser
def test_no_dialog_opens_in_a_real_browser(live_server, transactional_db, page, admin_user):
    call_command("loaddata", str(HOSTILE_FIXTURE), verbosity=0)
    articles = {a.slug: a for a in Article.objects.all()}

    for path in PUBLIC_PAGES:
        page.goto(live_server.url + path)
        page.mouse.move(200, 300)
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill("admin")
    page.get_by_label("Mot de passe").fill("password")
    page.get_by_role("button", name="Connexion").click()
    for path in admin_pages(articles):
        page.goto(live_server.url + path)
    # The `page` fixture fails the test if any dialog opened.
