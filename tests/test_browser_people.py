"""People in a real browser (Debian's Chromium through Playwright): an author page and a reviewed
article on a laptop and a phone, axe-core on both, and docs/screenshots/author.png for the README."""

import json

import pytest

from .test_browser_public import (  # noqa: F401 -- the fixtures, and the demo they load
    LAPTOP_1366,
    SCREENSHOTS,
    _live_server_helper,
    auditor,
    demo_site,
    demo_story,
    reader,
    serious_violations,
    site,
)

pytestmark = pytest.mark.browser

PHONE_390 = {"width": 390, "height": 844}
REVIEWED = "AVC : la thrombectomie"


def people_pages(base_url):
    return {
        "author": f"{base_url}/authors/anne-leroy/",
        "journalist": f"{base_url}/authors/claire-moreau/",
        "reviewed article": f"{base_url}{demo_story(REVIEWED).get_absolute_url()}",
    }


def test_author_pages_and_a_reviewed_article_on_a_laptop_and_a_phone(reader):  # noqa: F811
    base_url, page = reader
    for viewport in (LAPTOP_1366, PHONE_390):
        page.set_viewport_size(viewport)
        for name, url in people_pages(base_url).items():
            page.goto(url)
            page.wait_for_load_state("networkidle")
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], name
            for image in page.locator("img").all()[:6]:  # lazy ones load once near the screen
                image.scroll_into_view_if_needed()
            page.wait_for_load_state("networkidle")
            assert page.evaluate(
                "[...document.images].slice(0, 6).every(img => img.complete && img.naturalWidth > 0)"
            )
    page.goto(people_pages(base_url)["reviewed article"])
    assert page.get_by_text("Relu par Dr Anne Leroy").is_visible()
    page.get_by_role("link", name="Dr Anne Leroy").first.click()
    page.wait_for_url(f"{base_url}/authors/anne-leroy/")
    assert page.get_by_role("heading", level=1, name="Dr Anne Leroy").is_visible()
    assert page.get_by_role("img", name="Portrait de Dr Anne Leroy").is_visible()

    page.goto(people_pages(base_url)["journalist"])
    page.set_viewport_size(LAPTOP_1366)
    page.wait_for_load_state("networkidle")
    for image in page.locator("img").all():
        image.scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, 0)")
    path = SCREENSHOTS / "author.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_on_people_pages(auditor, color_scheme):  # noqa: F811
    base_url, page = auditor
    page.emulate_media(color_scheme=color_scheme)
    found = {}
    for name, url in people_pages(base_url).items():
        page.goto(url)
        violations = serious_violations(page)
        if violations:
            found[name] = violations

    assert found == {}, json.dumps(found, indent=2, ensure_ascii=False)
