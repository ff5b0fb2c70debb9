"""The feeds' health in a real browser: the sources' list with each state and its sparkline drawn by
the site's own style sheet (no inline style), and « Fetch now » drawn as the tools beside it."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone

from demo import feed_health
from intake.models import FeedRun, IngestedItem, Source

from .test_browser_public import SCREENSHOTS

pytestmark = pytest.mark.browser

PASSWORD = "un-mot-de-passe-solide"
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def newsroom(live_server, transactional_db):
    # The groups and their rights are migrations' rows, which another test's flush may have taken.
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="intake", content_type__model="source")
    )
    user = User.objects.create_user("redactrice", password=PASSWORD, is_staff=True)
    user.groups.add(editors)
    now = timezone.now()
    ok = Source.objects.create(
        name="Radiologie interventionnelle Europe", feed_url="https://ri.example/feed/"
    )
    for day in range(29, -1, -1):
        moment = now - datetime.timedelta(days=day)
        feed_health.run(ok, moment, FeedRun.Outcome.OK, items_new=day % 5)
        for number in range(day % 5):
            item = IngestedItem.objects.create(
                link_normalized=f"https://ri.example/{day}/{number}", source=ok, fingerprint="f" * 64
            )
            IngestedItem.objects.filter(pk=item.pk).update(first_seen_at=moment)
    Source.objects.filter(pk=ok.pk).update(last_fetched_at=now)
    feed_health.make_troubled_sources(now)
    return live_server.url


def test_the_sources_list_draws_states_and_sparklines_and_fetch_now_sits_with_the_tools(newsroom, browser):
    site = newsroom
    page = browser.new_context(locale="fr-FR", viewport=LAPTOP).new_page()
    page.goto(f"{site}/admin/login/?next=/admin/intake/source/")
    page.get_by_label("Nom d’utilisateur").fill("redactrice")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(f"{site}/admin/intake/source/")

    assert page.get_by_text("Silencieux depuis 20 jours").is_visible()
    failing = page.locator(".feed-failing")
    assert failing.is_visible() and failing.inner_text().startswith("En échec depuis le")
    assert failing.evaluate("state => getComputedStyle(state).fontWeight") == "700"
    sparkline = page.locator("svg.feed-sparkline").first
    box = sparkline.bounding_box()
    assert (round(box["width"]), round(box["height"])) == (120, 24)
    tall = page.locator("svg.feed-sparkline rect.bar-in:not([height='0.0'])")
    assert tall.count() == 24  # four days in five brought something
    fill = tall.first.evaluate("bar => getComputedStyle(bar).fill")
    assert fill not in ("rgb(0, 0, 0)", "none"), fill  # the style sheet's colour
    inline = "document.querySelectorAll('style, [style]').length"
    assert page.evaluate(inline) == 0
    table = page.locator("#result_list")
    assert table.bounding_box()["width"] <= page.locator("#changelist .results").bounding_box()["width"] + 1
    page.screenshot(path=str(SCREENSHOTS / "sources.png"))

    page.get_by_role("link", name=feed_health.FAILING_FEED["name"]).click()
    page.wait_for_url("**/change/")
    button = page.get_by_role("button", name="Récupérer maintenant")
    history = page.locator(".object-tools a").first
    assert button.is_visible()
    background = "element => getComputedStyle(element).backgroundColor"
    assert button.evaluate(background) == history.evaluate(background)
    assert page.get_by_text("le serveur a répondu 503 Service Unavailable").first.is_visible()
    page.locator(".feed-runs").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "source-runs.png"))
    page.context.close()
