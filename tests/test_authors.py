"""What an author may read of other people's work in the admin: nothing.

The rule (articles.workflow, the README's workflow table): editors see every article;
an author sees only their own, anywhere in the admin — the list and its filters,
search, change form, preview, history, versions, calendar, completions — and no tag
that only someone else's unpublished article has. Someone else's article answers 403.
Recovering a deleted article is for editors.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains
from reversion.models import Version

from articles.models import Article, PermalinkRedirect

from .admin_forms import form_data
from .factories import client_for, make_article, staff
from .test_admin import add_article_form
from .test_workflow import CHANGELIST, change_url, save_form

pytestmark = pytest.mark.django_db
Status = Article.Status
SECRET = "Scoop confidentiel"  # in the title, tag, publisher and note of someone else's draft


@pytest.fixture
def colleague(db):
    return staff("collegue", "Authors")


@pytest.fixture
def editor_client(editor):
    from django.test import Client

    return client_for(Client(), editor)


@pytest.fixture
def theirs(colleague, editor_client):
    """A colleague's draft, planned for tomorrow, sent back once with an editor's note, with a version."""
    article = make_article(
        author=colleague,
        status=Status.REVIEW,
        title=SECRET,
        tags=[f"{SECRET} étiquette"],
        planned_for=timezone.localdate() + timedelta(days=1),
    )
    article.links.create(url="https://scoop.example.org/etude", publisher=f"{SECRET} éditeur")
    response = save_form(editor_client, article, _move="send_back", note=f"{SECRET} : note de l’éditrice")
    assert response.status_code == 302
    return article


@pytest.fixture
def mine(author):
    return make_article(
        author=author, status=Status.DRAFT, title="Mon brouillon", planned_for=timezone.localdate()
    )


def test_the_list_its_filters_and_search_show_only_their_own_articles(author_client, theirs, mine):
    page = author_client.get(CHANGELIST)
    searched = author_client.get(CHANGELIST, {"q": "Scoop"})

    assert [article.title for article in page.context["cl"].result_list] == ["Mon brouillon"]
    assertNotContains(page, "Scoop")  # nor in the tag, author or publisher filters
    assertNotContains(page, "collegue")
    assert list(searched.context["cl"].result_list) == []


def test_editors_see_every_article(editor_client, theirs, mine):
    page = editor_client.get(CHANGELIST)

    assert {article.title for article in page.context["cl"].result_list} == {SECRET, "Mon brouillon"}
    assertContains(page, f"{SECRET} étiquette")
    assertContains(page, f"{SECRET} éditeur")


@pytest.mark.parametrize(
    "address",
    [
        "{change}",
        "{base}{pk}/preview/",
        "{base}{pk}/history/",
        "{base}{pk}/history/{version}/",
        "{base}{pk}/history/{version}/changes/",
    ],
)
def test_someone_elses_article_answers_403_and_shows_nothing(author_client, theirs, address):
    version = Version.objects.get_for_object(theirs).first()
    url = address.format(change=change_url(theirs), base=CHANGELIST, pk=theirs.pk, version=version.pk)

    response = author_client.get(url)

    assert response.status_code == 403, url
    assert "Scoop" not in response.content.decode()


def test_their_own_article_opens_with_its_preview_history_and_versions(author_client, mine, editor_client):
    save_form(editor_client, mine, title="Mon brouillon relu")
    version = Version.objects.get_for_object(mine).first()

    for url in [
        change_url(mine),
        f"{CHANGELIST}{mine.pk}/preview/",
        f"{CHANGELIST}{mine.pk}/history/",
        f"{CHANGELIST}{mine.pk}/history/{version.pk}/",
        f"{CHANGELIST}{mine.pk}/history/{version.pk}/changes/",
    ]:
        assert author_client.get(url).status_code == 200, url


def test_the_calendar_shows_only_their_own_planned_articles(author_client, editor_client, theirs, mine):
    assertNotContains(author_client.get(f"{CHANGELIST}calendar/"), "Scoop")
    assertContains(author_client.get(f"{CHANGELIST}calendar/"), "Mon brouillon")
    assertContains(editor_client.get(f"{CHANGELIST}calendar/"), SECRET)


def test_article_completion_offers_only_their_own_articles(author_client, editor_client, theirs, mine):
    query = {"app_label": "articles", "model_name": "permalinkredirect", "field_name": "article", "term": ""}

    # Django answers anyone who may view articles, whatever the field asked through.
    response = author_client.get("/admin/autocomplete/", query)

    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["Mon brouillon"]
    assert SECRET in editor_client.get("/admin/autocomplete/", query).content.decode()


@pytest.mark.parametrize(
    ("model_name", "field_name"),
    [("tag", "article"), ("article", "redirects")],
)
def test_completion_through_a_reverse_relation_is_refused_not_a_server_error(
    author_client, editor_client, model_name, field_name
):
    # No form has a field on the other side of a relation; Django's view failed on one (500).
    query = {"app_label": "articles", "model_name": model_name, "field_name": field_name, "term": ""}

    assert author_client.get("/admin/autocomplete/", query).status_code == 403
    assert editor_client.get("/admin/autocomplete/", query).status_code == 403


def test_tag_completion_and_tag_list_leave_out_tags_only_someone_elses_draft_has(author_client, theirs, mine):
    make_article(title="Public", tags=["Cardiologie"])
    make_article(author=mine.author, status=Status.DRAFT, tags=["Mon sujet"])

    add_form = author_client.get(f"{CHANGELIST}add/")
    tags = author_client.get("/admin/articles/tag/")

    for page in (add_form, tags):
        assertContains(page, "Cardiologie")
        assertContains(page, "Mon sujet")
        assertNotContains(page, "Scoop")


def test_a_duplicate_source_is_said_without_naming_someone_elses_article(author_client, theirs):
    form = add_article_form(status="draft", **{"links-0-url": "https://scoop.example.org/etude"})
    del form["published_at_0"], form["published_at_1"], form["importance"], form["author"]

    response = author_client.post(f"{CHANGELIST}add/", form, follow=True)

    assertContains(response, "Un autre article, qui n’est pas le vôtre, a la même source.")
    assertNotContains(response, "Scoop")
    assertNotContains(response, change_url(theirs))


@pytest.fixture
def deleted(editor_client):
    """An article an editor added, then deleted: the admin keeps its versions."""
    assert editor_client.post(f"{CHANGELIST}add/", add_article_form(title="Supprimé")).status_code == 302
    article = Article.objects.get(title="Supprimé")
    response = editor_client.post(f"{CHANGELIST}{article.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    return Version.objects.get_deleted(Article).get()


def test_an_author_may_not_recover_a_deleted_article(author_client, editor_client, deleted):
    recover = f"{CHANGELIST}recover/{deleted.pk}/"

    assert author_client.get(f"{CHANGELIST}recover/").status_code == 403
    assert author_client.get(recover).status_code == 403
    assert author_client.post(recover, {"title": "Ressuscité", "status": "draft"}).status_code == 403
    assertNotContains(author_client.get(CHANGELIST), "recover/")
    assert not Article.objects.exists()

    assertContains(editor_client.get(CHANGELIST), "Récupérer les articles supprimés")
    assertContains(editor_client.get(f"{CHANGELIST}recover/"), "Supprimé")
    page = editor_client.get(recover)
    assert editor_client.post(recover, form_data(page)).status_code == 302
    assert Article.objects.get().title == "Supprimé"


def test_a_version_opens_only_through_its_own_article(author_client, mine, theirs):
    # The version of someone else's article, asked for through one's own: refused, nothing restored.
    version = Version.objects.get_for_object(theirs).first()
    url = f"{CHANGELIST}{mine.pk}/history/{version.pk}/"

    assert author_client.get(url).status_code == 404
    assert author_client.post(url, {"title": "Détourné", "status": "draft"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == SECRET


def test_only_editors_delete_redirects(client, editor_client, theirs):
    target = make_article(title="Cible")
    redirect = PermalinkRedirect.objects.create(old_permalink="2024-01-01-ancienne", article=target)
    # Staff given the delete permission by hand, but not an editor.
    clerk = User.objects.create_user("commis", password="x" * 12, is_staff=True)
    clerk.user_permissions.add(*Permission.objects.filter(codename__endswith="_permalinkredirect"))
    delete_url = f"/admin/articles/permalinkredirect/{redirect.pk}/delete/"

    assert client_for(client, clerk).post(delete_url, {"post": "yes"}).status_code == 403
    assert PermalinkRedirect.objects.filter(pk=redirect.pk).exists()

    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not PermalinkRedirect.objects.filter(pk=redirect.pk).exists()
