"""Slugs and addresses: the server makes the slug, no script needed in the browser; until its first
publication a draft's slug follows its title unless set by hand; French elisions make words;
after publication a new title keeps the address until an editor chooses to change it, the old
one then leading to the new (301)."""

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.markdown_format.parser import parse_permalink
from articles.models import Article, PermalinkRedirect

from .admin_forms import form_data
from .factories import make_article
from .test_workflow import CHANGELIST, change_url, save_form

pytestmark = pytest.mark.django_db
Status = Article.Status


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("L’étude pilote", "l-etude-pilote"),
        ("L'étude pilote", "l-etude-pilote"),
        ("Qu’est-ce que l’IRM d’urgence ?", "qu-est-ce-que-l-irm-d-urgence"),
        ("Lorsqu’il n’y a pas d’effet, c’est s’adapter", "lorsqu-il-n-y-a-pas-d-effet-c-est-s-adapter"),
        ("J’ai, m’a, t’es", "j-ai-m-a-t-es"),
        ("Aujourd’hui, l’AVC", "aujourdhui-l-avc"),  # not an elision: one word
        ("Patients' outcomes", "patients-outcomes"),
    ],
)
def test_french_elisions_make_words(title, slug):
    assert Article.slug_for(title) == slug


def test_imports_and_ingestion_make_the_same_slug():
    when = timezone.now()
    assert parse_permalink("", "L’étude pilote", when).endswith("-l-etude-pilote")
    assert make_article(title="L’étude pilote").slug == "l-etude-pilote"


def test_an_author_saves_a_draft_without_a_slug(author_client, author):
    page = author_client.get(f"{CHANGELIST}add/")
    assertContains(page, 'data-prepopulated-fields="[]"')  # nothing for a script to fill in
    data = form_data(page, title="L’étude pilote", summary="Un essai.", status="draft")
    assert data["slug"] == ""

    response = author_client.post(f"{CHANGELIST}add/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert (article.slug, article.slug_locked, article.author) == ("l-etude-pilote", False, author)
    assert article.permalink.endswith("-l-etude-pilote")


def test_a_draft_slug_follows_its_title_until_publication(editor_client):
    article = make_article(title="Premier titre", status=Status.DRAFT)

    assert save_form(editor_client, article, title="L’étude pilote").status_code == 302
    article.refresh_from_db()
    assert article.slug == "l-etude-pilote" and article.permalink.endswith("-l-etude-pilote")

    assert save_form(editor_client, article, status="published").status_code == 302
    published = Article.objects.get(pk=article.pk)
    assert published.is_published

    response = save_form(editor_client, published, title="L’étude pilote, résultats définitifs")
    assert response.status_code == 302
    article = Article.objects.get(pk=article.pk)
    assert article.slug == "l-etude-pilote"
    assert article.permalink == published.permalink
    assert not PermalinkRedirect.objects.exists()
    followed = editor_client.get(response["Location"])
    assertContains(followed, "l’adresse reste")


def test_a_slug_set_by_hand_stays(editor_client):
    article = make_article(title="Premier titre", status=Status.DRAFT)

    assert save_form(editor_client, article, slug="mon-adresse").status_code == 302
    assert save_form(editor_client, Article.objects.get(), title="Autre titre").status_code == 302

    article = Article.objects.get()
    assert (article.slug, article.slug_locked) == ("mon-adresse", True)
    assert article.permalink.endswith("-mon-adresse")

    # Emptied, it is the server's again, and follows the title.
    assert save_form(editor_client, article, slug="").status_code == 302
    assert save_form(editor_client, Article.objects.get(), title="Troisième titre").status_code == 302
    article = Article.objects.get()
    assert (article.slug, article.slug_locked) == ("troisieme-titre", False)


def test_after_publication_the_editor_may_change_the_address(editor_client, client):
    article = make_article(title="Ancien titre")
    old_url = article.get_absolute_url()
    assert save_form(editor_client, article, title="L’étude pilote").status_code == 302

    page = editor_client.get(change_url(article))
    assertContains(page, "Changer l’adresse")
    new_permalink = Article.permalink_for("l-etude-pilote", article.published_at)
    assertContains(page, f"elle devient /papers/{new_permalink},")

    response = editor_client.post(change_url(article), form_data(page, change_address="on"))

    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.slug, article.permalink) == ("l-etude-pilote", new_permalink)
    assertContains(editor_client.get(response["Location"]), f"l’ancienne, {old_url}, y mène")
    redirect = client.get(old_url)
    assert (redirect.status_code, redirect["Location"]) == (301, article.get_absolute_url())
    assertNotContains(editor_client.get(change_url(article)), "Changer l’adresse")


def test_an_address_is_never_offered_to_authors_nor_for_drafts(editor_client, author_client, author):
    draft = make_article(title="Titre", status=Status.DRAFT, author=author)
    Article.objects.filter(pk=draft.pk).update(title="Autre titre")

    assertNotContains(editor_client.get(change_url(draft)), "Changer l’adresse")
    assertNotContains(author_client.get(change_url(draft)), "Changer l’adresse")


def test_an_import_without_a_permalink_keeps_an_address_made_before_elisions(tmp_path):
    from .test_import import import_markdown, markdown, write

    # Imported when « l’étude » made `letude`: its address stays, and the file updates it.
    article = make_article(
        title="L’étude pilote",
        slug="letude-pilote",
        permalink="2024-03-02-letude-pilote",
        status=Status.DRAFT,
    )
    write(tmp_path, "etude.md", markdown("Nouveau corps.", title='"L’étude pilote"', permalink=None))

    assert import_markdown(tmp_path)[2] == 0

    stored = Article.objects.get()
    assert (stored.pk, stored.permalink, stored.body) == (
        article.pk,
        "2024-03-02-letude-pilote",
        "Nouveau corps.",
    )
    # A new file without a permalink gets the new address.
    write(tmp_path, "autre.md", markdown(title='"L’autre étude"', permalink=None))
    assert import_markdown(tmp_path)[2] == 0
    assert Article.objects.filter(permalink="2024-03-02-l-autre-etude").exists()


def test_an_update_from_the_feed_keeps_the_slug_of_an_unchanged_title():
    from .test_ingest import FEEDS, GAE_LINK, SEED_TAGS, WORDPRESS, by_link, ingest, make_source

    make_source(tags=SEED_TAGS, keep_footer=True)
    ingest("--source", "Interventional News", WORDPRESS)
    # As if made by an earlier rule: the row alone, as the ingestion left it otherwise.
    article = by_link(GAE_LINK)
    former = article.permalink.replace("embolisation-of", "embolisationof")
    Article.objects.filter(pk=article.pk).update(slug=article.slug.replace("-of", "of"), permalink=former)

    out, err, status = ingest("--source", "Interventional News", str(FEEDS / "wordpress-updated.xml"))

    assert "2 updated" in out  # the other one was never touched
    updated = by_link(GAE_LINK)
    assert updated.permalink == former and updated.summary.startswith("Patients treated")


def test_a_title_whose_address_is_taken_is_refused_with_a_reason(editor_client):
    other = make_article(title="L’étude pilote", status=Status.DRAFT)
    draft = make_article(title="Premier titre", status=Status.DRAFT, published_at=other.published_at)

    response = save_form(editor_client, draft, title="L’étude pilote")

    assert response.status_code == 200
    assertContains(response, "est déjà celle d’un autre article")
    assert Article.objects.get(pk=draft.pk).title == "Premier titre"
