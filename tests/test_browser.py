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
