"""The desk's notes on an article, over HTTP: kept as a thread, in order, with who and when, on the
form and in the history; the exchange of sending back and resubmitting loses none of them; never
shown to readers."""

import pytest
from django.contrib.auth.models import User
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, ArticleNote

from .factories import client_for, make_article, staff
from .test_workflow import change_url, history, save_form

Status = Article.Status
pytestmark = pytest.mark.django_db

SENT_BACK = "Citez l’étude d’origine plutôt que le communiqué."
REPLY = "C’est fait : le lien vers l’article du NEJM est dans les sources."


def exchange(author_client, editor_client, article):
    """Submit, send back with a note, reply and resubmit: the day's commonest exchange."""
    assert save_form(author_client, article, _move="submit").status_code == 302
    assert save_form(editor_client, article, _move="send_back", note=SENT_BACK).status_code == 302
    assert (
        save_form(author_client, article, _move="submit", note=REPLY, title="Titre sourcé").status_code == 302
    )


@pytest.fixture
def two_clients(client, author, editor):
    return client_for(client, author), client_for(client.__class__(), editor)


def test_submit_send_back_reply_and_resubmit_leave_both_notes_on_the_form(two_clients, author, editor):
    author_client, editor_client = two_clients
    article = make_article(author=author, status=Status.DRAFT, title="Brouillon")

    exchange(author_client, editor_client, article)

    article.refresh_from_db()
    assert article.status == Status.REVIEW
    notes = [(note.kind, note.author, note.text) for note in article.notes.all()]
    assert notes == [("sent_back", editor, SENT_BACK), ("reply", author, REPLY)]
    for client in (editor_client, author_client):
        page = client.get(change_url(article)).content.decode()
        assert page.index(SENT_BACK) < page.index(REPLY)  # in the order written
        assert "redactrice</strong>" in page and "autrice</strong>" in page  # who
        assert "Renvoi à l’auteur" in page and "Réponse de l’auteur" in page
        assert page.count("<time datetime=") >= 2  # when


def test_the_history_shows_the_thread_beside_the_versions(two_clients, author):
    author_client, editor_client = two_clients
    article = make_article(author=author, status=Status.DRAFT)
    exchange(author_client, editor_client, article)

    history = editor_client.get(f"/admin/articles/article/{article.pk}/history/")

    assertContains(history, "Renvoyé à l’auteur")
    assertContains(history, SENT_BACK)
    assertContains(history, REPLY)


def test_an_editor_leaves_a_remark_without_moving_the_article(editor_client, author):
    article = make_article(author=author, status=Status.REVIEW)

    response = save_form(editor_client, article, note="Je relis cet après-midi.")

    assert response.status_code == 302
    [note] = article.notes.all()
    assert (note.kind, note.text) == ("remark", "Je relis cet après-midi.")
    article.refresh_from_db()
    assert article.status == Status.REVIEW
    assert "note" not in history(article)[0].lower()  # the thread holds it, not the list of fields


def test_an_author_writes_in_her_own_articles_notes_only(author_client, author):
    colleague = staff("autre", "Authors")
    theirs = make_article(author=colleague, status=Status.DRAFT)

    response = author_client.post(change_url(theirs), {"note": "Je passe par là."})

    assert response.status_code == 403
    assert not ArticleNote.objects.exists()


def test_a_note_with_control_characters_is_refused_and_kept_in_the_form(editor_client):
    article = make_article(status=Status.REVIEW)

    response = save_form(editor_client, article, note="Voir\x08 la source")

    assertContains(response, "caractères de contrôle invisibles")
    assert not ArticleNote.objects.exists()


def test_notes_are_never_shown_to_readers(client, editor_client):
    article = make_article(status=Status.PUBLISHED, title="Publié avec une note")
    save_form(editor_client, article, note="Secret de rédaction : à vérifier.")
    assert article.notes.exists()
    client.logout()

    for url in (article.get_absolute_url(), "/", "/feed/", "/feed/atom/", "/search/?q=Secret"):
        response = client.get(url)
        assert response.status_code == 200, url
        assertNotContains(response, "Secret de rédaction")


def test_deleting_the_notes_author_keeps_the_note(editor_client, author):
    article = make_article(author=author, status=Status.REVIEW)
    save_form(editor_client, article, _move="send_back", note=SENT_BACK)

    User.objects.filter(username="redactrice").delete()

    [note] = Article.objects.get(pk=article.pk).notes.all()
    assert (note.author, note.text) == (None, SENT_BACK)


def test_sending_back_in_bulk_asks_for_the_note_then_writes_it_in_each_thread(editor_client, author):
    first = make_article(author=author, status=Status.REVIEW, title="Premier")
    second = make_article(author=author, status=Status.REVIEW, title="Second")
    published = make_article(status=Status.PUBLISHED, title="Déjà en ligne")
    selected = {"action": "send_back", "_selected_action": [first.pk, second.pk, published.pk]}

    asking = editor_client.post("/admin/articles/article/", selected)
    assertContains(asking, "Note aux auteurs")
    empty = editor_client.post("/admin/articles/article/", selected | {"note": " "})
    assertContains(empty, "Ce champ est obligatoire.")
    assert not ArticleNote.objects.exists()
    done = editor_client.post("/admin/articles/article/", selected | {"note": SENT_BACK}, follow=True)

    assertContains(done, "Renvoyé à l’auteur : 2 articles.")
    assertContains(
        done, "« Déjà en ligne » est « Publié » : l’action « Renvoyer à l’auteur » ne s’y applique pas."
    )
    for article in (first, second):
        article.refresh_from_db()
        assert article.status == Status.DRAFT
        assert [note.text for note in article.notes.all()] == [SENT_BACK]
    assert not published.notes.exists()


def test_an_author_is_not_offered_to_send_back(author_client):
    assertNotContains(author_client.get("/admin/articles/article/"), 'value="send_back"')
