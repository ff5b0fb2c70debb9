"""Versions of articles: kept on every save with their tags, shown as readable changes, restored."""

import pytest
import reversion
from pytest_django.asserts import assertContains
from reversion.models import Version

from articles import revisions
from articles.models import Article, Tag

from .admin_forms import form_data
from .factories import client_for, make_article, staff
from .test_admin import add_article_form
from .test_workflow import CHANGELIST, change_url

Status = Article.Status


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


def restore(client, article, version):
    """Open ``version`` of ``article`` in its history and save it, as an editor restores it."""
    url = f"{CHANGELIST}{article.pk}/history/{version.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    return page, client.post(url, form_data(page), follow=True)


def first_version(article):
    return Version.objects.get_for_object(article).order_by("pk").first()


@pytest.mark.django_db
class TestRestoreLeavesSharedTagsAlone:
    """Tags are shared by every article that has them: restoring one article's version never
    creates, renames or deletes one; only that article's taggings come back."""

    def test_a_restore_does_not_rename_a_shared_tag(self, editor_client, client):
        article = add_then_edit(editor_client)  # first version: Oncologie, Santé publique
        other = make_article(title="L’autre article", tags=["Oncologie"])
        Tag.objects.filter(name="Oncologie").update(name="Cancérologie")

        page, response = restore(editor_client, article, first_version(article))

        assert response.status_code == 200
        assert sorted(article.tags.names()) == ["Cancérologie", "Santé publique"]  # the same tag, relinked
        assert not Tag.objects.filter(name="Oncologie").exists()
        assertContains(client.get(other.get_absolute_url()), "Cancérologie")

    def test_a_restore_does_not_recreate_a_deleted_tag_and_says_so(self, editor_client):
        article = add_then_edit(editor_client)
        Tag.objects.filter(name="Santé publique").delete()

        page, response = restore(editor_client, article, first_version(article))

        message = "L’étiquette « Santé publique » a été supprimée depuis : elle n’est pas rétablie."
        assertContains(page, message)
        assertContains(response, message)
        assert list(article.tags.names()) == ["Oncologie"]
        assert not Tag.objects.filter(name="Santé publique").exists()

    def test_a_tag_added_since_leaves_the_article_but_stays_with_the_others(self, editor_client, client):
        article = add_then_edit(editor_client)  # now tagged Cardiologie only
        other = make_article(title="L’autre article", tags=["Cardiologie"])

        restore(editor_client, article, first_version(article))

        assert "Cardiologie" not in article.tags.names()
        assert list(other.tags.names()) == ["Cardiologie"]
        assertContains(client.get("/tags/cardiologie/"), "L’autre article")

    def test_a_version_that_holds_tag_rows_restores_without_writing_them(self, editor_client, client):
        # Versions saved before tags stopped being versioned hold the Tag rows themselves.
        article = make_article(title="Ancienne version", tags=["Oncologie"])
        reversion.register(Tag)
        try:
            with reversion.create_revision():
                reversion.add_to_revision(article)
                reversion.add_to_revision(Tag.objects.get(name="Oncologie"))
        finally:
            reversion.unregister(Tag)
        other = make_article(title="L’autre article", tags=["Oncologie"])
        Tag.objects.filter(name="Oncologie").update(name="Cancérologie")

        restore(editor_client, article, first_version(article))

        assert list(Tag.objects.values_list("name", flat=True)) == ["Cancérologie"]
        assert list(article.tags.names()) == ["Cancérologie"]
        assertContains(client.get(other.get_absolute_url()), "Cancérologie")


@pytest.mark.django_db
class TestWhatChangedInsideLongText:
    LONG = (
        "Les auteurs ont inclus 412 patients dans douze centres.\n\n"
        "Le critère principal était la survie sans récidive à deux ans ; elle atteint 78 % dans le groupe "
        "traité contre 64 % dans le groupe témoin. Les effets indésirables graves sont rares."
    )

    def test_a_one_word_change_in_a_long_body_is_marked_word_by_word(self, editor_client):
        article = make_article(title="Un long corps", body=self.LONG)
        with reversion.create_revision():
            reversion.add_to_revision(article)
        page = editor_client.get(change_url(article))
        changed = self.LONG.replace("412 patients", "421 patients").replace("rares.", "rares <b>!</b>")
        editor_client.post(change_url(article), form_data(page, body=changed))
        latest = Version.objects.get_for_object(article).order_by("-pk").first()

        response = editor_client.get(f"{CHANGELIST}{article.pk}/history/{latest.pk}/changes/")

        assertContains(response, '<td colspan="2" class="word-diff">')
        assertContains(response, "<del>412</del><ins>421</ins>")
        assertContains(response, "<del>rares.</del><ins>rares &lt;b&gt;!&lt;/b&gt;</ins>")  # escaped
        assertContains(response, "douze centres.<br><br>Le critère")  # the lines kept, unmarked
        assertContains(response, "Les auteurs ont inclus ", count=1)  # once, not as before and after
