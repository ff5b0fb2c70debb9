"""The article list and form in a real browser at 1366 × 768: the list leaves its titles room,
and the change form's tags are chips one adds and removes (the README's pictures of the list
and the form are test_browser_day's)."""

import pytest
from django.contrib.auth.models import User

from articles.models import Article

from .factories import make_article
from .test_browser_workflow import log_in, newsroom  # noqa: F401 -- a fixture

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1366, "height": 768}
LONG_TITLE = "Thrombectomie mécanique après un AVC ischémique : les résultats définitifs de l’étude pilote"


def test_the_list_leaves_titles_room_at_1366(newsroom, browser):  # noqa: F811
    editor = User.objects.get(username="redactrice")
    for number in range(8):
        make_article(
            title=f"{LONG_TITLE} ({number + 1})",
            tags=["Neurologie", "Essais cliniques", "AVC"],
            image=True,
            source=True,
            author=editor,
            origin=list(Article.Origin)[number % 3],
        )
    page = browser.new_context(locale="fr-FR", viewport=LAPTOP).new_page()
    log_in(page, newsroom, "redactrice")

    title = page.locator("#result_list th.field-title").first
    width = title.bounding_box()["width"]
    page_width = page.evaluate("document.documentElement.scrollWidth")
    print(f"title column {width:.0f} px, page {page_width} px wide")  # noqa: T201
    assert width >= 300
    assert page_width <= LAPTOP["width"]  # no sideways scrolling
    page.context.close()


def test_tags_are_chips_one_adds_and_removes(newsroom, page):  # noqa: F811
    make_article(tags=["Oncologie", "Santé publique", "Cardiologie"])
    log_in(page, newsroom, "autrice")
    page.goto(f"{newsroom}/admin/articles/article/add/")
    page.set_viewport_size(LAPTOP)
    page.get_by_label("Titre").fill("L’étude pilote")
    assert page.get_by_label("Titre").bounding_box()["width"] >= 600

    tags = page.get_by_label("Étiquettes")
    tags.press_sequentially("Oncologie, santé publique, Essai")
    tags.press("Enter")  # adds the tag; does not save the form
    assert page.locator(".tag-chip").all_inner_texts() == ["Oncologie\n×", "santé publique\n×", "Essai\n×"]
    page.get_by_role("button", name="Retirer l’étiquette Oncologie").click()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.get_by_text("a été ajouté avec succès").wait_for()

    article = Article.objects.get(title="L’étude pilote")
    assert article.slug == "l-etude-pilote"
    assert sorted(tag.name for tag in article.tags.all()) == ["Essai", "Santé publique"]
