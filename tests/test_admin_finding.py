"""Finding articles in the admin: the search box folds case and accents as the public search does,
the list filters by origin (written, imported, ingested) and by a tag typed in a box."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article

from .factories import make_article
from .test_workflow import CHANGELIST

pytestmark = pytest.mark.django_db
Status = Article.Status


def titles(response):
    return {article.title for article in response.context["cl"].result_list}


@pytest.mark.parametrize(
    "query",
    ["resultats definitifs", "RÉSULTATS DÉFINITIFS", "Résultats définitifs", "résultats"],
)
def test_the_search_box_folds_case_and_accents(editor_client, query):
    make_article(title="Essai PILOTE : résultats définitifs", status=Status.DRAFT)
    make_article(title="Autre sujet", summary="Rien à voir.")

    response = editor_client.get(CHANGELIST, {"q": query})

    assert titles(response) == {"Essai PILOTE : résultats définitifs"}


@pytest.mark.parametrize("field", ["summary", "body"])
def test_the_search_box_reads_summaries_and_bodies(editor_client, field):
    make_article(title="Un titre", **{field: "Les résultats définitifs de l’étude."})

    assert titles(editor_client.get(CHANGELIST, {"q": "resultats definitifs"})) == {"Un titre"}


def test_an_author_searches_only_their_own(author_client, author):
    make_article(title="Résultats à moi", author=author, status=Status.DRAFT)
    make_article(title="Résultats d’un autre", status=Status.DRAFT)

    assert titles(author_client.get(CHANGELIST, {"q": "resultats"})) == {"Résultats à moi"}


def test_the_list_filters_by_origin(editor_client):
    for origin in Article.Origin:
        make_article(title=f"Article {origin.value}", origin=origin)

    page = editor_client.get(CHANGELIST)
    for label in ("Écrit ici", "Importé d’un fichier", "Repris d’un flux"):
        assertContains(page, label)
    for origin in Article.Origin:
        assert titles(editor_client.get(CHANGELIST, {"origin__exact": origin.value})) == {
            f"Article {origin.value}"
        }


def test_the_tag_filter_is_a_box_completing_from_the_tags(editor_client):
    make_article(title="En cardiologie", tags=["Cardiologie", "Essais"])
    make_article(title="En oncologie", tags=["Oncologie"])

    page = editor_client.get(CHANGELIST, {"status__exact": "published"})
    assertContains(page, '<input type="hidden" name="status__exact" value="published">', html=True)
    assertContains(page, '<option value="Cardiologie">')
    # A tag's name as typed, whatever its case; the list's other filters kept.
    filtered = editor_client.get(CHANGELIST, {"tag": "cardiologie ", "status__exact": "published"})
    assert titles(filtered) == {"En cardiologie"}
    assertContains(filtered, 'name="tag" value="cardiologie "')
    assert titles(editor_client.get(CHANGELIST, {"tag": "Inconnue"})) == set()


def test_the_tag_filter_offers_an_author_only_their_articles_tags(author_client, author):
    make_article(title="À moi", tags=["Mon étiquette"], author=author, status=Status.DRAFT)
    make_article(title="Brouillon d’un autre", tags=["Scoop"], status=Status.DRAFT)

    page = author_client.get(CHANGELIST)
    assertContains(page, '<option value="Mon étiquette">')
    assertNotContains(page, "Scoop")
