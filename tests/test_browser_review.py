"""The review of ingested drafts in a real browser, on a laptop: one card per story, publish one,
and the reader finds the other sources under « Aussi couvert par »."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User

from articles.models import Article
from intake.models import Source

from .test_stories import FEEDS, MEDSCAPE_A, NEJM_A, QUOTIDIEN_A, ingest_all, rss

pytestmark = pytest.mark.browser

PASSWORD = "un-mot-de-passe-solide"
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def newsroom(live_server, transactional_db, tmp_path):
    importlib.import_module("articles.migrations.0003_roles").create_roles(apps, None)
    user = User.objects.create_user("redactrice", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    for name in FEEDS:
        Source.objects.create(name=name, feed_url=f"https://{name}.example/feed/")
    ingest_all({name: rss(tmp_path, name, items) for name, items in FEEDS.items()})
    return live_server.url


def test_an_editor_publishes_a_card_and_the_reader_sees_its_coverage(newsroom, browser):
    site = newsroom
    editor = browser.new_context(locale="fr-FR", viewport=LAPTOP).new_page()
    editor.goto(f"{site}/admin/login/?next=/admin/intake/source/review/")
    editor.get_by_label("Nom d’utilisateur").fill("redactrice")
    editor.get_by_label("Mot de passe").fill(PASSWORD)
    editor.get_by_role("button", name="Connexion").click()
    editor.wait_for_url(f"{site}/admin/intake/source/review/")

    # Ten items, three stories and two loners: five cards.
    cards = editor.locator("article.story-card")
    assert cards.count() == 5
    lead = Article.objects.get(links__url=QUOTIDIEN_A)
    card = editor.locator("article.story-card", has_text=lead.title)
    assert card.get_by_text("Aussi chez : medscape, nejm").is_visible()
    assert card.get_by_role("button", name="Séparer").count() == 2

    # « Tout sélectionner » (top and bottom) is the script's: it ticks every card, and back.
    select_all = editor.get_by_label("Tout sélectionner").first
    assert select_all.is_visible()
    select_all.check()
    assert editor.locator("input.select-card:checked").count() == 5
    select_all.uncheck()
    assert editor.locator("input.select-card:checked").count() == 0

    card.get_by_text(lead.title, exact=True).click()  # its label ticks the card
    editor.get_by_role("button", name="Publier", exact=True).first.click()
    editor.get_by_text("Publié : 1 article.").wait_for()
    assert editor.get_by_text("Ajouté à la couverture : 2 articles.").is_visible()
    assert editor.locator("article.story-card").count() == 4
    editor.context.close()

    reader = browser.new_context(locale="fr-FR").new_page()
    reader.goto(f"{site}{Article.objects.get(links__url=QUOTIDIEN_A).get_absolute_url()}")
    coverage = reader.locator("section.coverage")
    assert coverage.get_by_role("heading", name="Aussi couvert par").is_visible()
    assert coverage.get_by_role("link", name="nejm").get_attribute("href") == NEJM_A
    assert coverage.get_by_role("link", name="medscape").get_attribute("href") == MEDSCAPE_A
    reader.context.close()
