"""The change form fitted to the role: an author sees only what they may change; the preview of the
form as it stands, before any save; « Voir sur le site » only for a public article."""

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, ImageCredit

from .admin_forms import form_data
from .factories import make_article, make_uploaded_image
from .test_workflow import CHANGELIST, change_url

pytestmark = pytest.mark.django_db
Status = Article.Status
EDITORS_ONLY = (
    "Date d’expiration",
    "Importance",
    "Lien permanent",
    "Relu par",
    "Raison du retrait",
    "Modifié le",
)


def test_an_author_sees_only_what_they_may_change(author_client, author):
    page = author_client.get(f"{CHANGELIST}add/")
    for label in EDITORS_ONLY + ("Date de publication",):
        assertNotContains(page, label)
    assertNotContains(page, '<div class="readonly">-</div>')
    assertContains(page, "vous ne pouvez plus le modifier")  # what the author's status moves mean
    for label in ("Titre", "Identifiant d’adresse", "Résumé", "Corps", "Étiquettes"):
        assertContains(page, f"{label}\u00a0:")


def test_an_author_reads_the_day_planned_with_what_it_means(author_client, author):
    day = timezone.localdate() + timedelta(days=3)
    article = make_article(author=author, status=Status.DRAFT, planned_for=day)

    page = author_client.get(change_url(article))

    assertContains(page, "Publication prévue")
    assertContains(page, "le jour où il sera publié, une fois qu’un éditeur l’aura programmé")


def test_an_editor_reads_what_a_draft_publication_date_means(editor_client):
    page = editor_client.get(change_url(make_article(status=Status.DRAFT)))

    assertContains(page, "Quand l’article sera publié, une fois qu’un éditeur l’aura publié ou programmé")
    for label in EDITORS_ONLY[:3]:
        assertContains(page, label)


def test_view_on_site_only_for_a_public_article(editor_client, client):
    public = make_article()
    draft = make_article(status=Status.DRAFT)

    assertContains(editor_client.get(change_url(public)), "Voir sur le site")
    page = editor_client.get(change_url(draft))
    assertNotContains(page, "Voir sur le site")
    assertContains(page, f'href="{CHANGELIST}{draft.pk}/preview/"')
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_an_author_previews_a_new_article_before_saving_it(author_client, author):
    page = author_client.get(f"{CHANGELIST}add/")
    assertContains(page, f'formaction="{CHANGELIST}preview/"')
    data = form_data(
        page,
        title="L’étude pilote",
        summary="Un essai en cours.",
        body="Un **commentaire**.",
        tags="Cardiologie, Essais cliniques",
        **{
            "image-0-image_url": "https://images.example.org/etude.jpg",
            "image-0-alt_text": "Un cœur",
            "image-0-credit": "CHU",
            "links-0-url": "https://news.example.org/etude",
            "links-0-publisher": "Example News",
        },
    )

    response = author_client.post(f"{CHANGELIST}preview/", data)

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"
    assertContains(response, "<h1>L’étude pilote</h1>", html=True)
    assertContains(response, "<strong>commentaire</strong>", html=True)
    assertContains(response, "Aperçu du formulaire tel qu’il est, non enregistré")
    assertContains(response, "Cardiologie")
    assertContains(response, "https://images.example.org/etude.jpg")
    assertContains(response, "Example News")
    assert not Article.objects.exists() and not ImageCredit.objects.exists()


def test_the_preview_shows_unsaved_changes_to_a_stored_article(editor_client):
    article = make_article(status=Status.DRAFT, title="Titre enregistré")
    page = editor_client.get(change_url(article))
    assertContains(page, f'formaction="{CHANGELIST}{article.pk}/preview/form/"')

    response = editor_client.post(
        f"{CHANGELIST}{article.pk}/preview/form/", form_data(page, title="Titre modifié")
    )

    assertContains(response, "<h1>Titre modifié</h1>", html=True)
    assert Article.objects.get().title == "Titre enregistré"


def test_an_invalid_form_previews_nothing_and_says_why(author_client):
    data = form_data(author_client.get(f"{CHANGELIST}add/"), title="")

    response = author_client.post(f"{CHANGELIST}preview/", data)

    assertContains(response, "Rien n’a été enregistré", status_code=400)
    assert not Article.objects.exists()


def test_the_preview_keeps_the_rules(author_client, author, editor):
    from django.test import Client

    client = Client()
    theirs = make_article(status=Status.DRAFT, author=editor)
    page = author_client.get(f"{CHANGELIST}add/")

    assert author_client.get(f"{CHANGELIST}preview/").status_code == 405
    assert author_client.post(f"{CHANGELIST}{theirs.pk}/preview/form/", form_data(page)).status_code == 403
    anonymous = client.post(f"{CHANGELIST}preview/", form_data(page, title="X"))
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    client.force_login(author)
    client.handler.enforce_csrf_checks = True
    assert client.post(f"{CHANGELIST}preview/", form_data(page, title="X")).status_code == 403


@pytest.mark.parametrize(
    ("tags", "shown"),
    [
        (["Oncologie", "Santé publique"], "Oncologie, Santé publique"),
        (["Santé publique"], "Santé publique,"),  # one tag, not two words
        (["Essais, phase III", "Oncologie"], '"Essais, phase III", Oncologie'),
    ],
)
def test_tags_show_without_quotes_and_save_back_the_same(editor_client, tags, shown):
    article = make_article(status=Status.DRAFT, tags=tags)
    page = editor_client.get(change_url(article))
    assertContains(page, f'value="{shown}"'.replace('"Essais', "&quot;Essais").replace('III"', "III&quot;"))
    assertContains(page, "data-tag-field")  # the script's chips, where it runs

    assert editor_client.post(change_url(article), form_data(page)).status_code == 302

    assert sorted(tag.name for tag in Article.objects.get().tags.all()) == sorted(tags)


def test_an_uploaded_image_shows_as_a_thumbnail(editor_client, media_root):
    article = make_article(status=Status.DRAFT)
    make_uploaded_image(article, name="coeur.jpg")

    page = editor_client.get(change_url(article))

    assertContains(page, 'class="upload-thumbnail"')
    assertContains(page, "/renditions/images/")
    thumbnail = article.image.renditions[0][0]
    assert (media_root / thumbnail.url.removeprefix("/media/")).exists()
