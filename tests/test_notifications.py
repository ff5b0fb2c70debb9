"""Notifications, over HTTP and through a real SMTP server: the author is told when an article is
sent back, scheduled or published, the editors when one waits for review; each user may turn the
e-mail off or choose its language; the desk counts what waits."""

import datetime

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains

from articles.models import Article, MailPreference

from .factories import client_for, make_article, staff
from .test_workflow import moment, save_form

Status = Article.Status
pytestmark = pytest.mark.django_db
NOTE = "Citez l’étude d’origine plutôt que le communiqué."


def subject(message):
    """The subject as a mail reader shows it (a long one is folded onto the header's next line)."""
    return str(message["Subject"]).strip()


@pytest.fixture
def mail(smtp_server, settings, django_capture_on_commit_callbacks):
    """The SMTP server, with the tasks enqueued on commit run (at once, as in ``make run``)."""
    settings.SITE_URL = "https://redaction.example.org"

    class Mail:
        server = smtp_server

        def __call__(self, post):
            with django_capture_on_commit_callbacks(execute=True):
                response = post()
            assert response.status_code == 302, response.content.decode()[:2000]
            return response

    return Mail()


def test_the_author_is_told_by_email_when_her_article_is_sent_back(mail, editor_client, author):
    article = make_article(author=author, status=Status.REVIEW, title="L’étude pilote")

    mail(lambda: save_form(editor_client, article, _move="send_back", note=NOTE))

    [message] = mail.server.to("autrice@example.org")
    assert subject(message) == "[Newsroom] « L’étude pilote » vous est renvoyé"
    text, html = mail.server.text(message), mail.server.text(message, "html")
    link = f"https://redaction.example.org/admin/articles/article/{article.pk}/change/"
    assert "redactrice vous l’a renvoyé." in text
    assert NOTE in text and link in text
    assert NOTE in html and f'href="{link}"' in html
    assert len(mail.server.messages) == 1  # the editor is not told of her own move


def test_editors_are_told_when_an_article_waits_for_review(mail, author_client, author, editor):
    other_editor = staff("chef", "Editors")
    colleague = staff("autre", "Authors")
    article = make_article(author=author, status=Status.DRAFT, title="À relire")

    mail(lambda: save_form(author_client, article, _move="submit", note="Prêt, je crois."))

    assert {message["To"] for message in mail.server.messages} == {editor.email, other_editor.email}
    assert not mail.server.to(colleague.email) and not mail.server.to(author.email)
    [message] = mail.server.to(editor.email)
    assert subject(message) == "[Newsroom] « À relire » attend votre relecture"
    assert "autrice l’a envoyé en relecture." in mail.server.text(message)
    assert "Prêt, je crois." in mail.server.text(message)


def test_the_author_is_told_when_her_article_is_scheduled_then_published(mail, editor_client, author):
    article = make_article(author=author, status=Status.REVIEW, title="Sous embargo")
    year = timezone.localdate().year + 1
    at_eight = timezone.make_aware(datetime.datetime(year, 12, 3, 8, 0))

    mail(lambda: save_form(editor_client, article, _move="schedule", **moment("published_at", at_eight)))

    [scheduled] = mail.server.to(author.email)
    assert subject(scheduled) == f"[Newsroom] « Sous embargo » est programmé pour le 3 décembre {year} à 8 h"
    assert "redactrice l’a programmé." in mail.server.text(scheduled)


def test_published_now(mail, editor_client, author):
    article = make_article(author=author, status=Status.REVIEW, title="Tout de suite")

    mail(lambda: save_form(editor_client, article, _move="publish"))

    [published] = mail.server.to(author.email)
    assert subject(published) == "[Newsroom] « Tout de suite » est publié"


def test_bulk_moves_tell_the_authors_too(mail, editor_client, author):
    article = make_article(author=author, status=Status.REVIEW, title="En lot")

    mail(
        lambda: editor_client.post(
            "/admin/articles/article/", {"action": "publish", "_selected_action": [article.pk]}
        )
    )

    assert [subject(m) for m in mail.server.to(author.email)] == ["[Newsroom] « En lot » est publié"]


def test_a_refused_move_tells_no_one(smtp_server, django_capture_on_commit_callbacks, author_client, author):
    article = make_article(author=author, status=Status.DRAFT)

    with django_capture_on_commit_callbacks(execute=True):
        response = save_form(author_client, article, _move="publish")

    assert response.status_code == 200
    assert smtp_server.messages == []


def test_each_user_turns_the_email_off_on_her_own_page(mail, client, editor_client, author):
    author_client = client_for(client.__class__(), author)
    page = author_client.get("/admin/")
    assertContains(page, '<a href="/admin/notifications/">Mes notifications</a>', html=True)
    form = author_client.get("/admin/notifications/")
    assertContains(form, "autrice@example.org")

    saved = author_client.post("/admin/notifications/", {"language": "fr"}, follow=True)  # box unticked

    assertContains(saved, "Vos préférences de notification sont enregistrées.")
    assert MailPreference.objects.get(user=author).email is False
    article = make_article(author=author, status=Status.REVIEW)
    mail(lambda: save_form(editor_client, article, _move="send_back", note=NOTE))
    assert mail.server.messages == []


def test_the_email_is_in_the_language_the_user_chose(mail, editor_client, author):
    MailPreference.objects.create(user=author, language="en")
    article = make_article(author=author, status=Status.REVIEW, title="The pilot study")

    mail(lambda: save_form(editor_client, article, _move="send_back", note=NOTE))

    [message] = mail.server.to(author.email)
    assert subject(message) == "[Newsroom] “The pilot study” was sent back to you"
    assert "redactrice sent it back to you." in mail.server.text(message)


def test_the_desk_counts_what_waits(client, editor_client, author):
    make_article(author=author, status=Status.REVIEW, title="En relecture")
    sent_back = make_article(author=author, status=Status.REVIEW, title="À reprendre")
    save_form(editor_client, sent_back, _move="send_back", note=NOTE)

    editors_desk = editor_client.get("/admin/")
    authors_desk = client_for(client.__class__(), author).get("/admin/")

    assertContains(editors_desk, "<strong>1</strong> en attente de relecture", html=True)
    assertContains(authors_desk, "<strong>1</strong> renvoyé", html=True)
    assertContains(authors_desk, NOTE)


def test_the_mail_quotes_the_note_written_with_the_move_and_no_older_one(mail, author_client, author, editor):
    article = make_article(author=author, status=Status.DRAFT, title="Deuxième tour")
    article.notes.create(author=author, kind="reply", text="Une réponse d’un tour précédent.")

    mail(lambda: save_form(author_client, article, _move="submit"))

    [message] = mail.server.to(editor.email)
    assert "Une réponse d’un tour précédent." not in mail.server.text(message)
    assert "La note de" not in mail.server.text(message)
