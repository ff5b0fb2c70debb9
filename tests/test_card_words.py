"""A kept card shows the template's words as the language's catalog translated them when it was
drawn: a deploy that changes a translation (and not the template) must not leave old words."""

import pytest
from django.utils.translation import trans_real

from articles import cards
from articles.models import Article
from people.models import Person

from .factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fresh_version():
    """The cards' version worked out again, as a process started after a deploy does."""
    cards.template_version.cache_clear()
    cards.words.cache_clear()
    yield
    cards.template_version.cache_clear()
    cards.words.cache_clear()


@pytest.fixture
def new_translation(fresh_version):
    """The French catalog saying « By » another way, as after a deploy of a corrected .po."""
    catalog = trans_real.translation("fr")._catalog
    before = catalog["By"]
    catalog["By"] = "Signé par"
    cards.template_version.cache_clear()
    cards.words.cache_clear()
    yield
    catalog["By"] = before


def signed_article():
    article = make_article(title="Un article signé")
    person = Person.objects.create(name="Anne Leroy", slug="anne-leroy")
    article.bylines.create(person=person, position=1)
    return article


def test_a_changed_translation_is_shown_at_once_and_the_cards_drawn_again(client, fresh_version, request):
    article = signed_article()
    kept = Article.objects.get(pk=article.pk).stored_cards
    assert "Par <a" in kept["fr"][1]
    assert not cards.outdated(Article.objects.filter(pk=article.pk)).exists()

    request.getfixturevalue("new_translation")

    html = client.get("/").content.decode()
    assert "Signé par <a" in html and "Par <a" not in html
    # render_articles (run on every deploy) finds the card to draw again, and draws the new word.
    assert cards.outdated(Article.objects.filter(pk=article.pk)).exists()
    cards.render(Article.objects.filter(pk=article.pk))
    assert "Signé par <a" in Article.objects.get(pk=article.pk).stored_cards["fr"][1]
    assert "Signé par <a" in client.get("/").content.decode()


def test_the_cards_version_holds_each_language_words():
    assert cards.words("fr") != cards.words("en")
    assert ("By", "") in cards.template_words() and ("", "Tags") in cards.template_words()
