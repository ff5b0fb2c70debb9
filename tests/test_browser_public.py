"""Readers in a real browser (Debian's Chromium through Playwright): the journey, axe-core, phones.

The screenshots in docs/screenshots/ shown in the README are written by this module.
"""

import json
import mimetypes
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, SourceLink

from .conftest import SEED_PERMALINK
from .factories import make_article, make_uploaded_image

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parent.parent
AXE = PROJECT / "tests" / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOTS = PROJECT / "docs" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

STORIES = [
    (
        "Cancer du foie : la radiothérapie interne sélective recommandée",
        ["Oncologie", "France"],
        (18, 98, 160),
    ),
    ("AVC : la thrombectomie étendue aux patients arrivés tard", ["Neurologie", "Europe"], (150, 60, 40)),
    ("Insuffisance cardiaque : un nouvel essai de phase III", ["Cardiologie"], (40, 120, 80)),
    ("Radiothérapies hypofractionnées : ce que change la HAS", ["Oncologie", "Actualité"], (110, 70, 140)),
]


@pytest.fixture
def site(live_server, transactional_db, settings, tmp_path):
    """The seed article and, after it, a few illustrated stories: fixed dates keep the screenshots stable."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("loaddata", "seed", verbosity=0)
    for day, (title, tags, color) in enumerate(STORIES, start=1):
        article = make_article(
            title=title,
            tags=tags,
            summary=f"{title}. Résumé rédigé par la rédaction, avec le lien vers la source originale.",
            body="Le **commentaire** de la rédaction, et [l’étude](https://journal.example.org/etude).",
            published_at=timezone.make_aware(datetime(2024, 5, 24 + day, 9, 30)),
        )
        SourceLink.objects.create(
            article=article, url=f"https://journal.example.org/story-{day}", publisher="Journal Exemple"
        )
        make_uploaded_image(
            article, name=f"story{day}.jpg", size=(1200, 675), color=color, alt_text=f"Illustration : {title}"
        )
    make_article(title="Brouillon invisible", tags=["Oncologie"], status=Article.Status.DRAFT)
    return live_server.url, settings.MEDIA_ROOT


def serve_locally(tab, media_root):
    """Uploads are served from MEDIA_ROOT as a web server would; no request leaves this machine."""

    def handle(route):
        url = urlsplit(route.request.url)
        if url.hostname not in {"127.0.0.1", "localhost"}:
            return route.abort()
        if url.path.startswith("/media/"):
            path = media_root / url.path.removeprefix("/media/")
            if not path.is_file():
                return route.fulfill(status=404)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return route.fulfill(status=200, body=path.read_bytes(), headers={"Content-Type": content_type})
        return route.continue_()

    tab.route("**/*", handle)


@pytest.fixture
def reader(site, page):
    """A reader's tab, under the site's own headers."""
    base_url, media_root = site
    serve_locally(page, media_root)
    return base_url, page


@pytest.fixture
def auditor(site, browser):
    """A tab that may inject axe-core: a Content-Security-Policy would rightly refuse its script."""
    base_url, media_root = site
    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    tab = context.new_page()
    serve_locally(tab, media_root)
    yield base_url, tab
    context.close()


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def serious_violations(page):
    """What the pinned axe-core finds on the page, keeping the serious and critical violations."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return results.violations
                .filter(v => ["serious", "critical"].includes(v.impact))
                .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(" "))}));
        }""",
        AXE_TAGS,
    )


def pages_to_check(base_url):
    return {
        "home": f"{base_url}/",
        "article": f"{base_url}/papers/{SEED_PERMALINK}",
        "tag": f"{base_url}/tags/oncologie/",
        "search": f"{base_url}/search/?q=radiothérapie",
        "archive": f"{base_url}/archives/2024/05/",
        "english home": f"{base_url}/en/",
    }


def test_reader_goes_home_article_tag_search_then_english(reader):
    base_url, page = reader
    page.set_viewport_size(DESKTOP)
    page.goto(base_url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "Dernières actualités"
    assert page.get_by_text("Brouillon invisible").count() == 0

    page.get_by_role("link", name="AVC : la thrombectomie").click()
    page.wait_for_url("**/papers/2024-05-26-*")
    assert page.get_by_role("heading", level=1).inner_text().startswith("AVC : la thrombectomie")
    image = page.get_by_role("img", name="Illustration : AVC")
    assert image.evaluate("img => img.complete && img.naturalWidth") > 0
    assert image.evaluate("img => img.currentSrc").endswith(".webp")  # Chromium takes the WebP source
    assert page.get_by_text("Crédit image : Photo : Hôpital Exemple — CC BY 4.0").is_visible()

    page.get_by_role("link", name="Neurologie", exact=True).click()
    page.wait_for_url(f"{base_url}/tags/neurologie/")
    assert page.get_by_role("heading", level=1).inner_text() == "Étiquette : Neurologie"

    search = page.get_by_role("searchbox", name="Rechercher dans l’actualité")
    search.fill("radiothérapie")
    search.press("Enter")
    page.wait_for_url("**/search/?q=radioth*")
    results = page.locator("main .card h2").all_inner_texts()
    assert "Cancer du foie : la radiothérapie interne sélective recommandée" in results
    assert "Brouillon invisible" not in results

    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/search/?q=radioth*")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Search"
    assert page.locator("main .card h2").all_inner_texts() == results
    page.get_by_role("link", name="Cancer du foie").first.click()
    assert page.get_by_role("heading", name="Key points").is_visible()
    assert page.locator("main time").first.inner_text() == "May 25, 2024"


def test_keyboard_reader_can_skip_to_the_content(reader):
    base_url, page = reader
    page.goto(base_url + "/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    assert skip.evaluate("link => link === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_axe_finds_no_serious_or_critical_violation(auditor, color_scheme):
    base_url, page = auditor
    page.emulate_media(color_scheme=color_scheme)
    found = {}
    for name, url in pages_to_check(base_url).items():
        page.goto(url)
        violations = serious_violations(page)
        if violations:
            found[name] = violations

    assert found == {}, json.dumps(found, indent=2, ensure_ascii=False)


def test_nothing_scrolls_sideways_on_a_360_pixel_phone(reader):
    base_url, page = reader
    page.set_viewport_size(PHONE)
    too_wide = {}
    for name, url in pages_to_check(base_url).items():
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[name] = width

    assert too_wide == {}


def test_screenshots_for_the_readme(reader):
    """docs/screenshots/: the home page and an article, on a wide screen and on a phone."""
    base_url, page = reader
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shots = {
        "home.png": (f"{base_url}/", DESKTOP),
        "article.png": (f"{base_url}/papers/2024-05-25-{slug(STORIES[0][0])}", DESKTOP),
        "article-phone.png": (f"{base_url}/papers/2024-05-25-{slug(STORIES[0][0])}", PHONE),
    }
    for name, (url, viewport) in shots.items():
        page.set_viewport_size(viewport)
        page.goto(url)
        page.wait_for_load_state("networkidle")
        for image in page.locator("img").all():
            image.scroll_into_view_if_needed()
        page.evaluate("window.scrollTo(0, 0)")
        path = SCREENSHOTS / name
        page.screenshot(path=str(path), full_page=name == "article-phone.png")
        assert path.stat().st_size > 10_000


def slug(title):
    from django.utils.text import slugify

    return slugify(title)
