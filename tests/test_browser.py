"""A reader in a real browser: Debian's Chromium driven by Playwright."""

import pytest
from django.core.management import call_command

from .conftest import SEED_PERMALINK

pytestmark = pytest.mark.browser


@pytest.fixture
def site(live_server, transactional_db):
    call_command("loaddata", "seed", verbosity=0)
    return live_server.url


def test_reader_opens_the_seed_article_from_the_home_page_on_a_phone(site, page):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(site + "/")

    page.get_by_role("link", name="NICE publishes a guidance").click()

    page.wait_for_url(f"{site}/papers/{SEED_PERMALINK}")
    assert page.get_by_role("heading", level=1).inner_text().startswith("NICE publishes a guidance")
    assert page.get_by_role("heading", name="L’essentiel").is_visible()
    assert page.get_by_text("Crédit image : Image de l’article").is_visible()
    assert page.get_by_role("heading", name="Lien source").is_visible()
    # Nothing sticks out of a 360 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_admin_scripts_run_under_the_content_security_policy(live_server, transactional_db, page):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("chef", password="un mot de passe assez long")
    violations = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and violations.append(message.text),
    )

    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill("chef")
    page.get_by_label("Mot de passe").fill("un mot de passe assez long")
    page.get_by_role("button", name="Connexion").click()
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.get_by_label("Titre").press_sequentially("Une étude sur l’IRM")

    # Scripts from 'self' run: the admin's own (the shortcuts beside the dates) and ours (tags as chips).
    assert page.locator(".datetimeshortcuts").first.is_visible()
    page.get_by_label("Étiquettes").press_sequentially("Imagerie,")
    assert page.locator(".tag-chip").all_inner_texts() == ["Imagerie\n×"]
    assert violations == []
