"""The publication in a real browser (Debian's Chromium through Playwright): the demo's article and
about pages on a laptop and a phone, in light and dark, with the logo, the notice and the footer.

Screenshots go to PUBLICATION_SCREENSHOTS when it names a folder (to look at them), else nowhere.
"""

import json
import os
from pathlib import Path

import pytest

from . import test_browser_public as public
from .test_browser_public import demo_story, serious_violations

# The readers' fixtures of the public site's browser tests: the demo on a live server.
demo_site, site, reader, auditor = public.demo_site, public.site, public.reader, public.auditor
_live_server_helper = public._live_server_helper

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def pages(base_url):
    return {
        "article": f"{base_url}{demo_story('Cancer du poumon').get_absolute_url()}",
        "about": f"{base_url}/a-propos/",
        "legal": f"{base_url}/mentions-legales/",
        "english about": f"{base_url}/en/about/",
    }


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_pages_look_right_on_a_laptop_and_a_phone(reader, color_scheme):
    base_url, page = reader
    page.emulate_media(color_scheme=color_scheme)
    folder = os.environ.get("PUBLICATION_SCREENSHOTS")
    too_wide = {}
    for viewport_name, viewport in (("laptop", LAPTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        for name, url in pages(base_url).items():
            page.goto(url)
            page.wait_for_load_state("networkidle")
            logo = page.locator("img.site-logo")
            assert logo.is_visible() and logo.evaluate("img => img.complete && img.naturalWidth === 256")
            assert 30 <= logo.bounding_box()["height"] <= 48  # a logo, not a poster
            assert page.locator("footer nav.site-pages a").count() == 6
            if name == "article":
                notice = page.locator("p.medical-notice")
                assert notice.is_visible() and "ne remplace pas l’avis" in notice.inner_text()
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > viewport["width"]:
                too_wide[f"{name} ({viewport_name})"] = width
            if folder:
                path = Path(folder) / f"{name.replace(' ', '-')}-{viewport_name}-{color_scheme}.png"
                page.screenshot(path=str(path), full_page=True)

    assert too_wide == {}


def test_axe_finds_nothing_serious_on_the_publication_s_pages(auditor):
    base_url, page = auditor
    found = {}
    for color_scheme in ("light", "dark"):
        page.emulate_media(color_scheme=color_scheme)
        for name, url in pages(base_url).items():
            page.goto(url)
            violations = serious_violations(page)
            if violations:
                found[f"{name} ({color_scheme})"] = violations

    assert found == {}, json.dumps(found, indent=2, ensure_ascii=False)
