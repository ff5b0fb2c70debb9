"""A newsroom's day in a real browser: an author drafts, an editor previews and publishes, a reader reads."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User

from articles.models import Article

from .factories import make_article

pytestmark = pytest.mark.browser

PASSWORD = "un-mot-de-passe-solide"
TITLE = "La HAS recommande le dépistage organisé du cancer du poumon"


@pytest.fixture
def newsroom(live_server, transactional_db):
    # transactional_db empties the tables between tests, groups included: make them again
    # with the migration's own function.
    roles = importlib.import_module("articles.migrations.0003_roles")
    roles.create_roles(apps, None)
    for name, group in [("autrice", "Authors"), ("redactrice", "Editors")]:
        user = User.objects.create_user(name, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=group))
    return live_server.url


def log_in(page, site, username):
    page.goto(f"{site}/admin/login/?next=/admin/articles/article/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(f"{site}/admin/articles/article/")


def test_author_drafts_editor_previews_and_publishes_reader_reads(newsroom, page, browser):
    site = newsroom

    # The author writes a draft with tags, an image credit and a source link.
    log_in(page, site, "autrice")
    page.get_by_role("link", name="Ajouter article").click()
    page.get_by_label("Titre").press_sequentially(TITLE)
    assert page.get_by_label("Identifiant d’adresse").input_value() == ""  # the server makes it
    page.get_by_label("Résumé").fill("La Haute Autorité de santé recommande un dépistage organisé.")
    page.get_by_label("Étiquettes").fill("Oncologie, Santé publique")
    page.locator("#id_image-0-image_url").fill("https://www.has-sante.fr/poumon.jpg")
    page.locator("#id_image-0-alt_text").fill("Une radiographie du thorax")
    page.locator("#id_image-0-credit").fill("HAS")
    page.locator("#id_image-0-rights").fill("tous droits réservés")
    page.locator("#id_links-0-url").fill("https://www.has-sante.fr/depistage-poumon?utm_source=rss")
    page.locator("#id_links-0-publisher").fill("Haute Autorité de santé")
    moves = page.get_by_role("group", name="Enregistrer et :").get_by_role("button")
    assert moves.all_inner_texts() == ["Soumettre à relecture"]
    page.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    page.get_by_text("a été ajouté avec succès").wait_for()
    assert Article.objects.get().slug.startswith("la-has-recommande-le-depistage")

    # …and submits it for review: from then on it is the editors'.
    page.get_by_role("button", name="Soumettre à relecture").click()
    page.get_by_text(f"Envoyé en relecture : « {TITLE} ».").wait_for()
    assert Article.objects.get().status == Article.Status.REVIEW

    # The editor finds it among the articles to review, previews it, publishes it.
    editor = browser.new_context(locale="fr-FR").new_page()
    log_in(editor, site, "redactrice")
    editor.get_by_role("link", name="À relire").click()
    editor.get_by_role("link", name=TITLE).click()
    with editor.context.expect_page() as preview_opened:
        editor.get_by_role("link", name="Aperçu").click()
    preview = preview_opened.value
    preview.wait_for_load_state()
    assert preview.get_by_role("heading", level=1).inner_text() == TITLE
    assert preview.get_by_role("status").inner_text().startswith("Aperçu — statut : En relecture")
    assert preview.get_by_text("Crédit image : HAS — tous droits réservés").is_visible()
    preview.close()
    editor.get_by_role("button", name="Publier maintenant").click()
    editor.get_by_text(f"Publié : « {TITLE} ».").wait_for()
    editor.context.close()

    # An anonymous reader sees it on the home page and at its permalink.
    reader = browser.new_context(locale="fr-FR").new_page()
    reader.goto(f"{site}/")
    reader.get_by_role("link", name=TITLE).click()
    article = Article.objects.get()
    reader.wait_for_url(f"{site}{article.get_absolute_url()}")
    assert reader.get_by_role("heading", level=1).inner_text() == TITLE
    assert reader.get_by_text("Crédit image : HAS — tous droits réservés").is_visible()
    # The source by its publisher and the article's title, leading there without tracking.
    source = reader.locator(".source a")
    assert "Haute Autorité de santé" in source.text_content()
    assert source.get_attribute("href") == "https://www.has-sante.fr/depistage-poumon"
    assert {tag.name for tag in article.tags.all()} == {"Oncologie", "Santé publique"}
    reader.context.close()


def test_tag_field_completes_the_tag_being_typed(newsroom, page):
    make_article(tags=["Oncologie", "Santé publique", "Cardiologie"])
    log_in(page, newsroom, "redactrice")
    page.goto(f"{newsroom}/admin/articles/article/add/")

    page.get_by_label("Étiquettes").press_sequentially("Oncologie, sant")

    # A comma makes the name a chip; the box completes the next one, without quotes.
    assert page.locator(".tag-chip").all_inner_texts() == ["Oncologie\n×"]
    options = page.locator("datalist#tag-names-id_tags option")
    assert [options.nth(n).get_attribute("value") for n in range(options.count())] == ["Santé publique"]
