"""The change form's moves over HTTP: a button for each move the user may make, each saving the
form and making its move in one POST, with its own message; refused moves say why."""

import datetime
from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles import workflow
from articles.models import Article

from .admin_forms import form_data
from .factories import make_article
from .test_workflow import change_url, history, moment, save_form

Status = Article.Status
pytestmark = pytest.mark.django_db


def buttons(page):
    """The moves a change form offers, by the name each button posts."""
    html = page.content.decode()
    return [part.split('"', 1)[0] for part in html.split('name="_move" value="')[1:]]


class TestButtons:
    def test_an_author_is_offered_only_to_submit_her_draft(self, author_client, author):
        draft = make_article(author=author, status=Status.DRAFT)

        page = author_client.get(change_url(draft))

        assert buttons(page) == ["submit"]
        assertContains(page, "Soumettre à relecture</button>")
        assertNotContains(page, 'name="status"')  # the status is read, never typed in

    def test_an_editor_is_offered_the_moves_of_an_article_in_review(self, editor_client, author):
        article = make_article(author=author, status=Status.REVIEW)

        page = editor_client.get(change_url(article))

        assert buttons(page) == ["send_back", "publish", "schedule", "archive"]
        for name, label in [
            ("send_back", "Renvoyer à l’auteur"),
            ("publish", "Publier maintenant"),
            ("schedule", "Programmer"),
            ("archive", "Archiver"),
        ]:
            assertContains(page, f'value="{name}"')
            assertContains(page, f"{label}</button>")

    @pytest.mark.parametrize(
        ("status", "moves"),
        [
            (Status.PUBLISHED, ["unpublish", "archive"]),
            (Status.UNPUBLISHED, ["publish", "schedule", "archive", "reopen"]),
            (Status.ARCHIVED, ["reopen"]),
        ],
    )
    def test_an_editor_is_offered_what_each_status_allows(self, editor_client, status, moves):
        assert buttons(editor_client.get(change_url(make_article(status=status)))) == moves

    def test_an_article_in_review_shows_its_author_no_button(self, author_client, author):
        article = make_article(author=author, status=Status.REVIEW)

        assert buttons(author_client.get(change_url(article))) == []


class TestMoves:
    def test_submitting_saves_the_form_moves_the_article_and_says_so(self, author_client, author):
        draft = make_article(author=author, status=Status.DRAFT, title="Avant")

        response = save_form(author_client, draft, _move="submit", title="L’étude pilote")

        assert response.status_code == 302
        draft.refresh_from_db()
        assert (draft.title, draft.status) == ("L’étude pilote", Status.REVIEW)
        assertContains(author_client.get(response["Location"]), "Envoyé en relecture : « L’étude pilote ».")
        assert history(draft) == ["Envoyé en relecture ; Modification de Titre."]

    def test_sending_back_needs_a_note_and_loses_nothing_without_one(self, editor_client, author):
        article = make_article(author=author, status=Status.REVIEW, title="Avant")

        response = save_form(editor_client, article, _move="send_back", title="Titre raccourci", note="  ")

        assert response.status_code == 200
        assertContains(response, "Dites pourquoi l’article est renvoyé à son auteur : il lira cette note.")
        assertContains(response, 'value="Titre raccourci"')  # still in the form
        article.refresh_from_db()
        assert (article.title, article.status) == ("Avant", Status.REVIEW)

    def test_sending_back_with_a_note(self, editor_client, author):
        article = make_article(author=author, status=Status.REVIEW, title="À revoir")

        response = save_form(editor_client, article, _move="send_back", note="Citez l’étude.")

        article.refresh_from_db()
        assert article.status == Status.DRAFT
        assertContains(editor_client.get(response["Location"]), "Renvoyé à l’auteur : « À revoir ».")

    def test_scheduling_says_when_in_french_and_paris_time(self, editor_client):
        article = make_article(status=Status.REVIEW, title="Sous embargo")
        year = timezone.localdate().year + 1
        at_eight = timezone.make_aware(datetime.datetime(year, 12, 3, 8, 0))

        response = save_form(editor_client, article, _move="schedule", **moment("published_at", at_eight))

        article.refresh_from_db()
        assert (article.status, article.published_at) == (Status.PUBLISHED, at_eight)
        assert not Article.objects.published().filter(pk=article.pk).exists()
        said = f"Programmé pour le 3 décembre {year} à 8 h : « Sous embargo »."
        assertContains(editor_client.get(response["Location"]), said)
        assert history(article) == [
            f"Programmé pour le 3 décembre {year} à 8 h ; Modification de Date de publication."
        ]

    def test_scheduling_needs_a_date_to_come(self, editor_client):
        article = make_article(status=Status.REVIEW)

        response = save_form(
            editor_client,
            article,
            _move="schedule",
            **moment("published_at", timezone.now() - timedelta(hours=1)),
        )

        assert response.status_code == 200
        assertContains(response, "Pour programmer l’article, donnez-lui une date de publication à venir.")
        article.refresh_from_db()
        assert article.status == Status.REVIEW

    def test_publishing_now_brings_a_date_to_come_back_to_now(self, editor_client, client):
        article = make_article(status=Status.REVIEW, title="Tout de suite")

        save_form(
            editor_client,
            article,
            _move="publish",
            **moment("published_at", timezone.now() + timedelta(days=2)),
        )

        article.refresh_from_db()
        assert article.status == Status.PUBLISHED
        assert article.published_at <= timezone.now()
        assert Article.objects.published().filter(pk=article.pk).exists()

    def test_publishing_now_dates_a_draft_started_days_ago_today(self, editor_client, client):
        started = timezone.now().replace(microsecond=0) - timedelta(days=5)
        article = make_article(status=Status.REVIEW, title="Écrit lundi", published_at=started)

        save_form(editor_client, article, _move="publish")

        article.refresh_from_db()
        assert timezone.now() - article.published_at < timedelta(minutes=1)
        # The day it was published on in Paris: today, unless midnight passed since the click.
        assert article.permalink.startswith(timezone.localdate(article.published_at).isoformat())
        assertContains(client.get("/"), "Écrit lundi")

    def test_publishing_now_keeps_a_date_the_editor_typed_in_the_same_form(self, editor_client):
        article = make_article(status=Status.REVIEW, title="Antidaté")
        typed = timezone.now().replace(second=0, microsecond=0) - timedelta(days=3)

        save_form(editor_client, article, _move="publish", **moment("published_at", typed))

        article.refresh_from_db()
        assert article.published_at == typed

    def test_a_scheduled_article_may_be_published_now_after_all(self, editor_client, client, editor):
        tomorrow = timezone.now().replace(microsecond=0) + timedelta(days=1)
        article = make_article(status=Status.PUBLISHED, published_at=tomorrow, title="Sous embargo")
        other = make_article(status=Status.PUBLISHED, published_at=tomorrow, title="Aussi sous embargo")

        assert buttons(editor_client.get(change_url(article))) == ["publish", "unpublish", "archive"]
        response = save_form(editor_client, article, _move="publish")

        article.refresh_from_db()
        assert article.status == Status.PUBLISHED and article.published_at <= timezone.now()
        assertContains(editor_client.get(response["Location"]), "Publié : « Sous embargo ».")
        assert client.get(article.get_absolute_url()).status_code == 200
        # The bulk action too; an article already out is offered no « Publier maintenant ».
        assert workflow.apply(editor, other, "publish") == "Publié"
        other.refresh_from_db()
        assert Article.objects.published().filter(pk=other.pk).exists()
        assert buttons(editor_client.get(change_url(other))) == ["unpublish", "archive"]

    def test_an_editor_adds_and_submits_in_one_post(self, editor_client):
        from .test_admin import add_article_form

        form = add_article_form(_move="submit")
        del form["status"]

        response = editor_client.post("/admin/articles/article/add/", form)

        assert response.status_code == 302
        assert Article.objects.get().status == Status.REVIEW


class TestRefusals:
    def test_a_forged_publish_by_an_author_is_refused_with_the_reason(self, author_client, author):
        draft = make_article(author=author, status=Status.DRAFT, title="Mon brouillon")

        response = save_form(author_client, draft, _move="publish")

        assert response.status_code == 200
        assertContains(response, "Seul un éditeur peut faire « Publier » sur « Mon brouillon ».")
        draft.refresh_from_db()
        assert draft.status == Status.DRAFT

    def test_a_move_the_status_does_not_allow_is_refused_with_the_reason(self, editor_client):
        archived = make_article(status=Status.ARCHIVED, title="Rangé")

        response = save_form(editor_client, archived, _move="publish")

        assertContains(response, "« Rangé » est « Archivé » : l’action « Publier » ne s’y applique pas.")
        archived.refresh_from_db()
        assert archived.status == Status.ARCHIVED

    def test_an_unknown_move_is_refused(self, editor_client):
        article = make_article(status=Status.REVIEW)

        response = save_form(editor_client, article, _move="delete")

        assertContains(response, "Aucune action ne s’appelle « delete ».")

    def test_a_posted_status_is_checked_as_the_move_leading_there(self, author_client, author):
        draft = make_article(author=author, status=Status.DRAFT, title="Le mien")

        forged = save_form(author_client, draft, status="archived")
        unknown = save_form(author_client, draft, status="gone")

        assertContains(forged, "Vous ne pouvez pas faire passer « Le mien » de « Brouillon » à « Archivé ».")
        assertContains(unknown, "« gone » n’est pas un statut.")
        draft.refresh_from_db()
        assert draft.status == Status.DRAFT

    def test_the_form_read_as_a_browser_posts_it_moves_nothing(self, author_client, author):
        draft = make_article(author=author, status=Status.DRAFT)
        page = author_client.get(change_url(draft))

        response = author_client.post(change_url(draft), form_data(page))

        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.status == Status.DRAFT


def test_the_forms_first_button_saves_without_moving(author_client, author):
    """Enter in a field presses a form's first submit button: it must be « Enregistrer », no move."""
    draft = make_article(author=author, status=Status.DRAFT)
    html = author_client.get(change_url(draft)).content.decode()
    form = html[html.index('id="article_form"') :]

    first = min(form.index(marker) for marker in ('type="submit"', "<button") if marker in form)

    assert form[first:].startswith('type="submit" value="Enregistrer" class="default" name="_save"')
