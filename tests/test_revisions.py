"""Versions of articles: kept on every save with their tags, shown as readable changes, restored."""

import pytest
from pytest_django.asserts import assertContains
from reversion.models import Version

from articles import revisions
from articles.models import Article

from .admin_forms import form_data
from .factories import make_article
from .test_admin import add_article_form
from .test_workflow import CHANGELIST, change_url, client_for, staff

Status = Article.Status


@pytest.fixture
def editor(db):
    return staff("redactrice", "Editors")


@pytest.fixture
def editor_client(client, editor):
    return client_for(client, editor)


def add_then_edit(client):
    """An article added with two tags, then edited: new title, summary, tags and source."""
    assert client.post(f"{CHANGELIST}add/", add_article_form(status="draft")).status_code == 302
    article = Article.objects.get()
    page = client.get(change_url(article))
    response = client.post(
        change_url(article),
        form_data(
            page,
            title="Titre corrigé",
            summary="Un autre résumé.",
            tags="Cardiologie",
            **{"links-0-url": "https://www.has-sante.fr/autre"},
        ),
    )
    assert response.status_code == 302
    return article


@pytest.mark.django_db
class TestVersions:
    def test_every_save_keeps_a_version_with_who_and_the_tags(self, editor_client, editor):
        article = add_then_edit(editor_client)

        versions = list(Version.objects.get_for_object(article).order_by("pk"))

        assert len(versions) == 2
        assert all(version.revision.user == editor for version in versions)
        tags = [revisions.snapshot(version)["étiquettes"] for version in versions]
        assert tags == ["Oncologie, Santé publique", "Cardiologie"]

    def test_history_lists_versions_and_shows_what_changed(self, editor_client):
        article = add_then_edit(editor_client)

        history = editor_client.get(f"{CHANGELIST}{article.pk}/history/")
        assertContains(history, "Voir les modifications", count=2)
        latest = Version.objects.get_for_object(article).order_by("pk").last()
        changes = editor_client.get(f"{CHANGELIST}{article.pk}/history/{latest.pk}/changes/")

        assertContains(changes, "<del>Nouvelle recommandation de la HAS</del>", html=True)
        assertContains(changes, "<ins>Titre corrigé</ins>", html=True)
        assertContains(changes, "<del>Oncologie, Santé publique</del>", html=True)
        assertContains(changes, "<ins>Cardiologie</ins>", html=True)
        assertContains(changes, "https://www.has-sante.fr/autre")

    def test_restore_brings_back_fields_tags_and_links(self, editor_client):
        article = add_then_edit(editor_client)
        first = Version.objects.get_for_object(article).order_by("pk").first()
        restore_url = f"{CHANGELIST}{article.pk}/history/{first.pk}/"

        page = editor_client.get(restore_url)
        assertContains(page, "Nouvelle recommandation de la HAS")
        response = editor_client.post(restore_url, form_data(page))

        assert response.status_code == 302
        article.refresh_from_db()
        assert article.title == "Nouvelle recommandation de la HAS"
        assert article.summary == "La HAS publie une recommandation."
        assert sorted(article.tags.names()) == ["Oncologie", "Santé publique"]
        assert [link.url for link in article.links.all()] == [
            "https://www.has-sante.fr/recommandation?utm_source=rss"
        ]
        assert Version.objects.get_for_object(article).count() == 3

    def test_looking_at_an_old_version_changes_nothing(self, editor_client):
        article = add_then_edit(editor_client)
        first = Version.objects.get_for_object(article).order_by("pk").first()

        editor_client.get(f"{CHANGELIST}{article.pk}/history/{first.pk}/")

        article.refresh_from_db()
        assert article.title == "Titre corrigé"
        assert list(article.tags.names()) == ["Cardiologie"]

    def test_an_author_cannot_restore_an_article_that_is_no_longer_theirs_to_edit(self, client, editor):
        author = staff("autrice", "Authors")
        article = make_article(author=author, status=Status.DRAFT, title="Brouillon")
        editor_client = client_for(client.__class__(), editor)
        editor_client.post(change_url(article), form_data(editor_client.get(change_url(article))))
        editor_client.post(CHANGELIST, {"action": "publish", "_selected_action": [article.pk]})
        draft_version = Version.objects.get_for_object(article).order_by("pk").first()
        author_client = client_for(client.__class__(), author)

        restore_url = f"{CHANGELIST}{article.pk}/history/{draft_version.pk}/"
        response = author_client.post(restore_url, {"status": "draft"})

        assert response.status_code == 403
        article.refresh_from_db()
        assert article.status == Status.PUBLISHED

    def test_a_bulk_action_keeps_a_version_saying_what_it_did(self, editor_client, editor):
        article = make_article(status=Status.REVIEW)

        editor_client.post(CHANGELIST, {"action": "publish", "_selected_action": [article.pk]})

        version = Version.objects.get_for_object(article).get()
        assert (version.revision.user, version.revision.comment) == (editor, "Publié")
