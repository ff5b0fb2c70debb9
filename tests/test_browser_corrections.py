"""A corrected article and a withdrawal notice in a real browser (Debian's Chromium through
Playwright), on a laptop and a phone: what readers see first, nothing sideways, nothing serious for
axe-core. Writes docs/screenshots/corrected.png, shown in the README."""

import json

import pytest

from articles.models import Article
from demo.stories import NOTES

from .test_browser_public import (  # noqa: F401 -- fixtures
    SCREENSHOTS,
    _live_server_helper,
    auditor,
    demo_site,
    serious_violations,
    site,
)

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
CORRECTED = next(title for title, notes in NOTES.items() if notes[0][0] == "correction")


def first_screen(page, locator, viewport):
    """Whether ``locator`` starts within the first screen, as a reader opening the page sees it."""
    box = locator.bounding_box()
    return box is not None and box["y"] < viewport["height"]


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_a_corrected_article_and_a_withdrawal_notice(auditor, viewport, color_scheme):  # noqa: F811
    base_url, page = auditor
    page.set_viewport_size(viewport)
    page.emulate_media(color_scheme=color_scheme)
    corrected = Article.objects.get(title=CORRECTED)
    found = {}

    page.goto(f"{base_url}{corrected.get_absolute_url()}")
    page.wait_for_load_state("networkidle")
    notice = page.locator(".notice.correction")
    assert notice.is_visible() and first_screen(page, notice, viewport)
    assert page.get_by_text("Mis à jour le").is_visible()
    assert page.get_by_role("heading", name="Correctifs et mises à jour").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    found["corrected"] = serious_violations(page)
    if viewport is LAPTOP and color_scheme == "light":
        page.evaluate("window.scrollTo(0, 0)")
        path = SCREENSHOTS / "corrected.png"
        page.screenshot(path=str(path))
        assert path.stat().st_size > 10_000

    [withdrawn] = Article.objects.withdrawn()
    response = page.goto(f"{base_url}{withdrawn.get_absolute_url()}")
    assert response.status == 410
    assert page.get_by_role("heading", level=1).inner_text() == withdrawn.title
    assert page.get_by_role("heading", name="Pourquoi il a été retiré").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    found["withdrawn"] = serious_violations(page)

    found = {name: violations for name, violations in found.items() if violations}
    assert found == {}, json.dumps(found, indent=2, ensure_ascii=False)
