"""Readers in a real browser (Debian's Chromium through Playwright): the journey, axe-core, phones.

The screenshots in docs/screenshots/ shown in the README are written by this module.
"""

import contextlib
import importlib
import json
import mimetypes
import os
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from demo import loading as demo
from publication.identity import current as current_identity

from .conftest import SEED_PERMALINK

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parent.parent
AXE = PROJECT / "tests" / "vendor" / "axe-core" / "axe.min.js"
# The README's pictures; a second suite running at the same time (make test) writes its own elsewhere.
SCREENSHOTS = Path(os.environ.get("NEWSROOM_SCREENSHOTS_DIR") or PROJECT / "docs" / "screenshots")
PHONE = {"width": 360, "height": 740}
PHONE_390 = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LAPTOP = {"width": 1280, "height": 800}
LAPTOP_1366 = {"width": 1366, "height": 768}

# The demo's "now", fixed so that the screenshots change only when the pages do: the site's
# clock starts there for these tests (the browser's own clock is left alone).
DEMO_NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
ADMIN_PASSWORD = "un-mot-de-passe-solide"


@pytest.fixture(scope="module")
def demo_site(django_db_setup, live_server, django_db_blocker, tmp_path_factory):
    """The demo `make run` loads, dated from DEMO_NOW, once for a module whose tests only read it
    (loading it takes seconds): its tables are emptied after the module's last test, as
    transactional_db empties them after each test."""
    media_root = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=media_root), django_db_blocker.unblock():
        with site_clock(DEMO_NOW):
            # Emptied tables have lost their groups too: made again with the migration's own function.
            importlib.import_module("articles.migrations.0003_roles").create_roles(apps, None)
            demo.load(now=DEMO_NOW)
            loaded = timezone.now()
        yield live_server.url, media_root, loaded
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def _live_server_helper(request):
    """pytest-django's own, which gives every test of the live server transactional_db (the tables
    emptied after it), without that: the module's tests share one demo (demo_site)."""
    if "live_server" not in request.fixturenames:
        yield
        return
    live_server = request.getfixturevalue("live_server")
    live_server._live_server_modified_settings.enable()
    yield
    live_server._live_server_modified_settings.disable()


@contextlib.contextmanager
def site_clock(start):
    """The site's clock starts at ``start`` and runs (the browser's own clock is left alone)."""
    started = time.monotonic()
    real_now = timezone.now
    timezone.now = lambda: start + timedelta(seconds=time.monotonic() - started)
    try:
        yield
    finally:
        timezone.now = real_now


@pytest.fixture
def site(demo_site, django_db_blocker, settings):
    """The module's demo on its live server, the site's clock running from the moment it was loaded."""
    base_url, media_root, loaded = demo_site
    settings.MEDIA_ROOT = media_root
    with django_db_blocker.unblock(), site_clock(loaded):
        yield base_url, media_root


def demo_story(start):
    """The demo's article whose title starts with ``start``."""
    return Article.objects.get(title__startswith=start)


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
            // Chromium's own banner on a page made by XSLT (a feed) is not the site's to fix.
            const context = {exclude: [["xslt-warning-banner"]]};
            const results = await axe.run(context, {runOnly: {type: "tag", values: tags}});
            return results.violations
                .filter(v => ["serious", "critical"].includes(v.impact))
                .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(" "))}));
        }""",
        AXE_TAGS,
    )


def pages_to_check(base_url):
    return {
        "home": f"{base_url}/",
        "article": f"{base_url}{demo_story('Cancer du poumon').get_absolute_url()}",
        "seed article": f"{base_url}/papers/{SEED_PERMALINK}",
        "tag": f"{base_url}/tags/oncologie/",
        "search": f"{base_url}/search/?q=radiothérapie",
        "archive": f"{base_url}/archives/{DEMO_NOW:%Y/%m}/",
        "english home": f"{base_url}/en/",
        "feed": f"{base_url}/feed/",
        "english feed": f"{base_url}/en/feed/atom/",
        "api documentation": f"{base_url}/api/v1/docs",
    }


def test_reader_goes_home_article_tag_search_then_english(reader):
    base_url, page = reader
    private = set(Article.objects.exclude(pk__in=Article.objects.published()).values_list("title", flat=True))
    page.set_viewport_size(DESKTOP)
    page.goto(base_url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "Dernières actualités"
    assert page.get_by_role("heading", name="À la une").is_visible()
    assert private.isdisjoint(page.locator("main .card h3").all_inner_texts())

    stroke = demo_story("AVC : la thrombectomie")
    page.get_by_role("link", name="AVC : la thrombectomie").first.click()
    page.wait_for_url(f"{base_url}{stroke.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == stroke.title
    image = page.get_by_role("img", name="Illustration générée : un réseau de neurones")
    assert image.evaluate("img => img.complete && img.naturalWidth") > 0
    assert image.evaluate("img => img.currentSrc").endswith(".webp")  # Chromium takes the WebP source
    assert page.get_by_text("Crédit image : Illustration : la rédaction (image générée) — CC0").is_visible()

    page.get_by_role("link", name="Neurologie", exact=True).click()
    page.wait_for_url(f"{base_url}/tags/neurologie/")
    assert page.get_by_role("heading", level=1).inner_text() == "Étiquette : Neurologie"

    search = page.get_by_role("searchbox", name="Rechercher dans l’actualité")
    search.fill("radiothérapie")
    search.press("Enter")
    page.wait_for_url("**/search/?q=radioth*")
    results = page.locator("main .card h2").all_inner_texts()
    assert "Cancer du sein : la radiothérapie en cinq séances devient la norme" in results
    assert private.isdisjoint(results)

    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/search/?q=radioth*")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Search"
    assert page.locator("main .card h2").all_inner_texts() == results
    page.get_by_role("link", name="Cancer du sein").first.click()
    page.wait_for_url("**/en/papers/2026-11-14-cancer-du-sein-*")
    expect(page.get_by_role("heading", name="Key points")).to_be_visible()
    assert page.locator("main time").first.inner_text() == "November 14, 2026"


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


def titles_within(page, viewport):
    """The cards' titles the first screen shows whole, top to bottom."""
    return page.evaluate(
        """(height) => [...document.querySelectorAll("main .card :is(h2, h3)")]
            .filter(title => {
                const box = title.getBoundingClientRect();
                return box.top >= 0 && box.bottom <= height;
            })
            .map(title => title.innerText)""",
        viewport["height"],
    )


def layout_shift(page):
    """The page's cumulative layout shift since it started loading (images without a size move text)."""
    return page.evaluate(
        """() => new Promise(resolve => {
            let total = 0;
            new PerformanceObserver(list => {
                for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
            }).observe({type: "layout-shift", buffered: true});
            setTimeout(() => resolve(total), 200);
        })"""
    )


def test_a_phone_shows_three_stories_in_its_first_screen(reader):
    """A 390 × 844 phone, as a reader holds it: the top story and at least two more, whole, before
    any scrolling; none told twice; nothing moves as images arrive. docs/screenshots/home-phone.png."""
    base_url, page = reader
    page.set_viewport_size(PHONE_390)
    page.goto(base_url + "/")
    page.wait_for_load_state("networkidle")

    first_screen = titles_within(page, PHONE_390)
    assert len(first_screen) >= 3, first_screen
    assert first_screen[0] == demo_story("Cancer du poumon").title  # the top story leads
    titles = page.locator("main .card :is(h2, h3)").all_inner_texts()
    assert len(titles) == len(set(titles))
    assert layout_shift(page) < 0.01
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_390["width"]
    path = SCREENSHOTS / "home-phone.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000

    # In English too, whose navigation's words are longer (« Français »): the masthead stays one line.
    page.goto(base_url + "/en/")
    page.wait_for_load_state("networkidle")
    assert len(titles_within(page, PHONE_390)) >= 3


@pytest.mark.parametrize(
    ("path", "subscribe", "explanation"),
    [
        ("/feed/", "S’abonner", "Cette page est un flux"),
        ("/en/feed/atom/", "How to subscribe", "This page is a feed"),
    ],
)
def test_a_feed_opened_in_a_browser_explains_how_to_subscribe(reader, path, subscribe, explanation):
    """Under the site's Content-Security-Policy, as served: the feed's XSLT page, in its language."""
    base_url, page = reader
    page.set_viewport_size(PHONE_390)
    response = page.goto(base_url + path)
    if not page.evaluate("typeof XSLTProcessor !== 'undefined'"):
        pytest.skip("this Chromium no longer applies XSLT: it shows the feed as XML")

    policy = response.headers["content-security-policy"]
    assert "style-src 'self'" in policy and "unsafe-inline" not in policy
    # The feed's title is the publication's name (the demo's identity).
    assert page.get_by_role("heading", level=1).inner_text() == current_identity().name
    assert page.get_by_role("heading", name=subscribe).is_visible()
    assert page.get_by_text(explanation).is_visible()
    assert page.locator(".feed-address").inner_text() == base_url + path
    public = Article.objects.published().order_by("-published_at")
    items = page.locator("main article.card h3")
    assert items.count() == min(public.count(), 30) and items.first.inner_text() == public.first().title
    # Styled by the site's stylesheet, linked (the policy lets it through), and nothing inline of its
    # own: the only styled element is Chromium's own warning that XSLT is deprecated.
    assert (
        page.locator(".feed-about").evaluate("box => getComputedStyle(box).backgroundColor")
        != "rgba(0, 0, 0, 0)"
    )
    inline = "document.querySelectorAll('script, style, [style]:not(xslt-warning-banner)').length"
    assert page.evaluate(inline) == 0  # the document's own elements: not the banner's shadow tree
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_390["width"]


def test_screenshots_for_the_readme(reader, browser):
    """docs/screenshots/: the demo's home page and an article, on a wide screen and on a phone,
    and the review of ingested drafts in the admin on a laptop."""
    base_url, page = reader
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    top_story = demo_story("Cancer du poumon").get_absolute_url()
    shots = {
        "home.png": (f"{base_url}/", DESKTOP),
        "article.png": (f"{base_url}{top_story}", DESKTOP),
        "article-phone.png": (f"{base_url}{top_story}", PHONE),
    }
    for name, (url, viewport) in shots.items():
        page.set_viewport_size(viewport)
        page.goto(url)
        page.wait_for_load_state("networkidle")
        for image in page.locator("img").all():
            image.scroll_into_view_if_needed()
        # Lazy images start loading as they come into view: wait for the last ones to arrive.
        page.wait_for_function("[...document.images].every(img => img.complete && img.naturalWidth > 0)")
        page.evaluate("window.scrollTo(0, 0)")
        path = SCREENSHOTS / name
        page.screenshot(path=str(path), full_page=name == "article-phone.png")
        assert path.stat().st_size > 10_000

    User.objects.create_superuser("admin", password=ADMIN_PASSWORD)
    editor = browser.new_context(locale="fr-FR", viewport=LAPTOP).new_page()
    editor.goto(f"{base_url}/admin/login/?next=/admin/intake/source/review/")
    editor.get_by_label("Nom d’utilisateur").fill("admin")
    editor.get_by_label("Mot de passe").fill(ADMIN_PASSWORD)
    editor.get_by_role("button", name="Connexion").click()
    editor.wait_for_url(f"{base_url}/admin/intake/source/review/")
    assert editor.get_by_role("heading", name="Brouillons des flux à relire").is_visible()
    assert editor.locator("article.story-card").count() == 4  # six items, two stories told twice
    assert editor.get_by_text("Aussi chez :").first.is_visible()
    path = SCREENSHOTS / "review.png"
    editor.screenshot(path=str(path))
    editor.context.close()
    assert path.stat().st_size > 10_000


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_editors_desk_on_a_laptop(site, browser, color_scheme):
    """The demo's editor opens the admin on a 1366 × 768 laptop: the desk's panels and chart, in
    either scheme, nothing wider than the screen, nothing serious for axe-core; docs/screenshots/desk.png."""
    base_url, _ = site
    editor = User.objects.get(username="claire.moreau")
    editor.set_password(ADMIN_PASSWORD)
    editor.save()
    # axe-core is injected as a script, which the Content-Security-Policy rightly refuses.
    context = browser.new_context(
        locale="fr-FR", viewport=LAPTOP_1366, color_scheme=color_scheme, bypass_csp=True
    )
    page = context.new_page()
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.get_by_label("Nom d’utilisateur").fill("claire.moreau")
    page.get_by_label("Mot de passe").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(f"{base_url}/admin/")

    waiting = page.get_by_role("region", name="Brouillons des flux à relire")
    assert waiting.get_by_role("link", name="4 sujets des flux").is_visible()
    # The demo's feeds brought their items over the last two days (demo.feed_health).
    assert waiting.get_by_text(re.compile(r"depuis (\d+\sheures|1\sjour)")).is_visible()
    chart = page.get_by_role("img", name="Éléments reçus et articles publiés, par jour")
    assert chart.is_visible() and chart.locator("rect.bar").count() == 60
    summary = page.locator("#desk-activity-summary").inner_text()
    assert summary.startswith(
        "Du 27 octobre au 25 novembre : 8 éléments reçus des flux"
    )  # two feeds, a blocked item included
    assert page.locator("#content-main .app-articles").is_visible()  # Django's list of apps, below
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP_1366["width"]
    fills = page.evaluate(
        "['in', 'published'].map(name => getComputedStyle(document.querySelector('rect.bar-' + name)).fill)"
    )
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert len({*fills, background}) == 3  # two colours, neither the page's
    assert serious_violations(page) == []
    if color_scheme == "light":
        # The page down to the desk's end: Django's list of apps below it depends on the rights
        # the editor's group holds, which the tables' emptying between tests may have taken back.
        desk = page.locator(".desk").bounding_box()
        path = SCREENSHOTS / "desk.png"
        clip = {"x": 0, "y": 0, "width": LAPTOP_1366["width"], "height": desk["y"] + desk["height"] + 10}
        page.screenshot(path=str(path), full_page=True, clip=clip)
        assert path.stat().st_size > 10_000
    context.close()
