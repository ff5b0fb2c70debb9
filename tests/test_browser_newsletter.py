"""The weekly letter in a real browser (Debian's Chromium through Playwright), on the demo: the
digest's page, the subscription form walked through, and the digest e-mail as a mail reader shows
it (its HTML, the logo from the message itself, nothing fetched from anywhere).

Writes docs/screenshots/digest-page.png and docs/screenshots/digest-email.png for the README.
"""

import base64
import json

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from newsletter.models import Subscriber
from newsletter.weeks import Week

from . import test_browser_public as public
from .mail_server import Mailbox
from .test_browser_public import DESKTOP, PHONE, SCREENSHOTS, serious_violations

# The readers' fixtures: the demo on a live server, loaded once for the module.
demo_site, site, reader, auditor = public.demo_site, public.site, public.reader, public.auditor
_live_server_helper = public._live_server_helper

pytestmark = pytest.mark.browser


def last_week():
    return Week.last_complete()  # the site's clock is the demo's (test_browser_public.site)


def test_the_digest_page_on_a_wide_screen_and_a_phone(reader):
    base_url, page = reader
    page.set_viewport_size(DESKTOP)
    page.goto(f"{base_url}/digest/")
    page.get_by_role("link", name=f"La semaine du {public_range(last_week())}").click()
    page.wait_for_load_state("networkidle")
    assert page.url == f"{base_url}/digest/{last_week().label}/"
    assert page.get_by_role("heading", name="À la une").is_visible()
    headings = page.locator("main h2").all_inner_texts()
    assert headings[0].lower() == "à la une" and len(headings) > 2
    page.wait_for_function("[...document.images].every(img => img.complete && img.naturalWidth > 0)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / "digest-page.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000

    page.set_viewport_size(PHONE)
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def public_range(week):
    from django.utils import formats, translation

    with translation.override("fr"):
        return f"{formats.date_format(week.monday)} au {formats.date_format(week.sunday)}"


def test_subscribing_in_the_browser(reader, smtp_server, settings):
    settings.SITE_URL = "https://veille.example.org"
    base_url, page = reader
    page.goto(f"{base_url}/")
    page.get_by_role("link", name="La lettre de la semaine").click()
    page.get_by_label("Adresse électronique").fill("nouvelle.lectrice@example.net")
    page.get_by_label("Oncologie").check()
    page.get_by_role("button", name="S’abonner").click()
    # The answer is the next page: waited for, as a reader would (is_visible() asks only once).
    expect(page.get_by_role("heading", name="Consultez votre messagerie")).to_be_visible()
    assert "nouvelle.lectrice" not in page.content()
    reader_row = Subscriber.objects.get(email="nouvelle.lectrice@example.net")
    assert reader_row.status == Subscriber.Status.PENDING
    assert [tag.name for tag in reader_row.tags.all()] == ["Oncologie"]
    [message] = smtp_server.to("nouvelle.lectrice@example.net")
    link = next(word for word in Mailbox.text(message).split() if "/newsletter/confirm/" in word)
    page.goto(base_url + link.removeprefix("https://veille.example.org"))
    page.get_by_role("button", name="Confirmer mon abonnement").click()
    expect(page.get_by_role("heading", name="Vous êtes abonné")).to_be_visible()
    reader_row.refresh_from_db()
    assert reader_row.status == Subscriber.Status.CONFIRMED


def test_the_digest_email_as_a_mail_reader_shows_it(site, browser, smtp_server, settings):
    """The letter as sent through SMTP, its HTML shown by Chromium with the logo the message carries:
    every request the page would make is refused and counted (there must be none)."""
    settings.SITE_URL = "https://veille.example.org"
    Subscriber.objects.create(email="lecteur.test@example.net", status=Subscriber.Status.CONFIRMED)
    call_command("send_digest", "--week", last_week().label, stdout=open("/dev/null", "w"))  # noqa: SIM115
    [message] = smtp_server.to("lecteur.test@example.net")
    html = Mailbox.text(message, "html")
    [logo] = [part for part in message.walk() if part.get("Content-ID") == "<logo>"]
    inline = f"data:{logo.get_content_type()};base64,{base64.b64encode(logo.get_content()).decode()}"
    assert "cid:logo" in html

    context = browser.new_context(
        locale="fr-FR", viewport={"width": 720, "height": 900}, java_script_enabled=False
    )
    tab = context.new_page()
    requests = []
    tab.route("**/*", lambda route: (requests.append(route.request.url), route.abort()))
    tab.set_content(html.replace("cid:logo", inline))
    assert requests == []
    assert tab.get_by_role("heading", name=f"La semaine du {public_range(last_week())}").is_visible()
    assert tab.get_by_role("link", name="Se désabonner").is_visible()
    assert tab.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    path = SCREENSHOTS / "digest-email.png"
    tab.screenshot(path=str(path), full_page=True)
    context.close()
    assert path.stat().st_size > 10_000


def test_axe_finds_nothing_serious_on_the_letter_s_pages(auditor):
    base_url, page = auditor
    found = {}
    for path in ("/digest/", f"/digest/{last_week().label}/", "/newsletter/", "/en/newsletter/"):
        page.goto(base_url + path)
        violations = serious_violations(page)
        if violations:
            found[path] = violations
    assert found == {}, json.dumps(found, indent=2, ensure_ascii=False)
