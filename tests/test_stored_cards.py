"""Cards drawn once and kept on the article's row (articles.cards): served only while still true."""

import json
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from articles import cards
from articles.models import Article, Tag
from people.models import Person

from .factories import make_article
from .queries import queries_for

# Committed for real: the cards are drawn by the task the commit queues (the immediate backend).
pytestmark = pytest.mark.django_db(transaction=True)


def kept(article):
    return Article.objects.get(pk=article.pk).stored_cards


def forget_cards():
    Article._base_manager.update(stored_cards={})


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def signed(article, *names):
    for position, name in enumerate(names, start=1):
        person = Person.objects.create(name=name, slug=Person.unique_slug(name))
        article.bylines.create(person=person, position=position)
    return article


@pytest.fixture
def queued(monkeypatch):
    """The drawings queued, not run: as between a change and the worker's turn."""
    calls = []
    monkeypatch.setattr(cards, "render_stored_cards", SimpleNamespace(enqueue=calls.append))
    return calls


def test_a_committed_change_draws_the_card_in_each_language():
    article = signed(make_article(tags=["Cardiologie"], image=True), "Anne Leroy")

    stored = kept(article)
    assert set(stored) == {"version", "fr", "en"}
    fingerprint, before, tags, after = stored["fr"]
    assert '<h2><a href="/papers/' in before and "Anne Leroy" in before
    assert '<a href="/tags/cardiologie/">Cardiologie</a>' in tags
    assert 'href="/en/papers/' in stored["en"][1] and "By" in stored["en"][1]


@pytest.mark.parametrize(
    "url", ["/", "/en/", "/tags/sante/", "/en/tags/sante/", "/authors/anne-leroy/", "/?page=2"]
)
def test_pages_are_the_same_with_kept_cards_or_drawn_ones(client, url):
    for number in range(23):
        article = make_article(tags=["Santé", f"Sujet {number % 3}"], image=number % 2 == 0)
        if number % 4 == 0:
            signed(article, *(["Anne Leroy"] if number == 0 else [f"Auteur {number}", f"Autre {number}"]))
    Article.objects.filter(pk__in=[article.pk]).update(importance=Article.Importance.HIGH)  # « À la une »
    assert all(kept(article) for article in Article.objects.all())

    with_kept_cards = page(client, url)
    forget_cards()

    assert page(client, url) == with_kept_cards


def test_a_renamed_tag_shows_at_once_even_before_its_cards_are_drawn_again(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_article(tags=["Oncologie"])
    tag = Tag.objects.get(name="Oncologie")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:  # the task has not run yet
        tag.name = "Cancérologie"
        tag.save()

    html = page(client, "/")
    assert ">Cancérologie</a>" in html and ">Oncologie<" not in html
    for callback in callbacks:
        callback()
    assert "Cancérologie" in kept(Article.objects.get())["fr"][2]


def test_a_corrected_author_name_shows_at_once(client, monkeypatch):
    signed(make_article(), "Anne Leory")
    person = Person.objects.get()
    monkeypatch.setattr(cards, "render_stored_cards", SimpleNamespace(enqueue=list))  # not drawn yet
    person.name = "Anne Leroy"
    person.save()

    html = page(client, "/")
    assert "Anne Leroy" in html and "Anne Leory" not in html


def test_a_kept_card_that_no_longer_matches_is_never_served(client):
    article = make_article(title="Le vrai titre")
    Article._base_manager.filter(pk=article.pk).update(
        stored_cards={"fr": ["an old fingerprint", "<p>Un titre d’avant</p>", "", ""]}
    )
    # A title changed by a raw write that no signal announced: the fingerprint tells.
    Article._base_manager.filter(pk=article.pk).update(title="Le titre corrigé")

    html = page(client, "/")
    assert "Le titre corrigé" in html and "Un titre d’avant" not in html and "Le vrai titre" not in html


def test_a_kept_card_is_served_whatever_index_the_database_walks(client):
    """The card's fingerprint holds the tags as the page's query reads them: in the order of the
    taggings, not in whichever index's order the planner chose (it changes its mind after
    ANALYZE, and every kept card then went unserved)."""
    later, earlier = Tag.objects.create(name="Zona"), Tag.objects.create(name="Asthme")
    article = make_article(title="Un article étiqueté")
    article.tags.add(earlier)  # the first tagging names the second tag
    article.tags.add(later)
    stored = kept(article)
    # Marked, so that the page says whether it served the kept card or drew one.
    stored["fr"][1] = stored["fr"][1].replace("Un article étiqueté", "Carte gardée")
    Article._base_manager.filter(pk=article.pk).update(stored_cards=stored)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    listed = Article.objects.filter(pk=article.pk).cards().get()

    assert [tag["tag.name"] for tag in json.loads(listed.embedded_tags)] == ["Asthme", "Zona"]
    assert "Carte gardée" in page(client, "/")


def test_a_transaction_of_many_changes_queues_one_drawing(queued):
    with transaction.atomic():
        articles = [make_article(tags=["Santé"], image=True) for _ in range(5)]

    assert queued == [sorted(article.pk for article in articles)]


def test_kept_cards_cost_no_query_more(client):
    signed(make_article(tags=["Santé"], image=True), "Anne Leroy")
    for _ in range(4):
        make_article(tags=["Santé"], image=True)
    with_kept = queries_for(client, "/")
    forget_cards()

    assert queries_for(client, "/") == with_kept == 2  # « À la une », then the latest


def test_the_command_draws_the_cards_another_template_drew_or_none():
    for _ in range(3):
        make_article(tags=["Santé"])
    make_article(status=Article.Status.DRAFT)  # nobody sees its card
    Article._base_manager.filter(pk=Article.objects.published().first().pk).update(stored_cards={})
    out = StringIO()

    call_command("render_articles", stdout=out)
    call_command("render_articles", stdout=out)

    assert out.getvalue().splitlines()[1::2] == [
        "1 articles' cards drawn again.",
        "0 articles' cards drawn again.",
    ]
    assert all(
        kept(article)["version"] == cards.template_version() for article in Article.objects.published()
    )
