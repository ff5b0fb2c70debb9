"""The curator in the admin: sources with their last fetch, and the review of ingested drafts."""

import pytest
from django.contrib.admin.models import LogEntry
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from intake.models import Source

from .admin_forms import form_data
from .factories import client_for, make_article, staff
from .queries import queries_for
from .test_ingest import FEEDS, PAE_LINK, SEED_TAGS, WORDPRESS, by_link, ingest, make_source
from .test_review_cards import ReviewPage

REVIEW = "/admin/intake/source/review/"


@pytest.fixture
def editor_client(client, db):
    return client_for(client, staff("redactrice", "Editors"))


@pytest.fixture
def ingested(db):
    make_source(tags=SEED_TAGS)
    make_source("Santé publique", "https://sante.example.org/atom.xml")
    ingest("--source", "Interventional News", WORDPRESS)
    ingest("--source", "Santé publique", str(FEEDS / "atom.xml"))
    ingest(str(FEEDS / "rss1.xml"))


@pytest.mark.django_db
class TestSourceAdmin:
    def test_an_editor_adds_a_source_with_its_tags(self, editor_client):
        form = form_data(editor_client.get("/admin/intake/source/add/"), "source_form")
        response = editor_client.post(
            "/admin/intake/source/add/",
            {
                **form,  # with its categories and rules, none
                "name": "Interventional News",
                "feed_url": "https://interventionalnews.com/feed/",
                "tags": 'France, Actualité, "Interventional News — Latest"',
                "is_active": "on",
            },
        )

        assert response.status_code == 302
        source = Source.objects.get()
        assert sorted(source.tags.names()) == sorted(SEED_TAGS)
        assert source.keep_footer is False  # an unticked box

    def test_a_feed_address_must_be_http_or_https(self, editor_client):
        response = editor_client.post(
            "/admin/intake/source/add/", {"name": "Local", "feed_url": "file:///etc/passwd", "tags": ""}
        )

        assert response.status_code == 200
        assert not Source.objects.exists()

    def test_the_admin_index_lists_sources_under_feed_intake(self, editor_client):
        response = editor_client.get("/admin/")

        assertContains(response, "Collecte des flux")
        assertContains(response, 'href="/admin/intake/source/"')

    def test_the_addresses_from_before_intake_was_an_app_lead_to_the_new_ones(self, editor_client):
        response = editor_client.get("/admin/articles/source/review/?p=2")

        assert response.status_code == 301
        assert response["Location"] == REVIEW + "?p=2"
        assert editor_client.get("/en/admin/articles/source/")["Location"] == "/en/admin/intake/source/"
        assert editor_client.get(response["Location"]).status_code == 200

    def test_the_list_shows_each_sources_last_fetch(self, editor_client, tmp_path):
        make_source("Broken News", "http://127.0.0.1:9/feed")  # nothing listens on port 9
        make_source("Never fetched", "https://never.example.org/feed", is_active=False)
        ingest()

        response = editor_client.get("/admin/intake/source/")

        assertContains(response, "Broken News")
        assertContains(response, "feed-state feed-failing")
        assertContains(response, '<span class="feed-state feed-new">Pas encore récupéré</span>', html=True)
        assertContains(response, "127.0.0.1")
        assertContains(response, REVIEW)


@pytest.mark.django_db
class TestReview:
    def test_ingested_drafts_are_cards_with_their_summaries_images_and_sources(self, editor_client, ingested):
        make_article(title="Brouillon écrit à la main", status=Article.Status.REVIEW)

        response = editor_client.get(REVIEW)

        assertContains(response, "Prostate artery embolisation: a registry of 1,000 patients")
        assertContains(response, "durable relief of urinary symptoms.")
        assertContains(response, 'src="https://sante.example.org/images/grippe.jpg"')
        assertContains(response, "Image de l’article — droits possiblement réservés — ")
        assertContains(response, "Santé publique · ")
        # Seven items that tell seven stories: a card each, the newest first.
        assertContains(response, 'name="cards"', count=7)
        titles = [card["lead"] for card in ReviewPage(response.content.decode()).cards]
        assert titles[0] == "Vaccination contre la grippe 2024–2025 : ouverture de la campagne"
        assertNotContains(response, "Brouillon écrit à la main")
        pae = by_link(PAE_LINK)
        assertContains(response, f'href="/admin/articles/article/{pae.pk}/change/?from=review"')

    def test_an_editor_publishes_several_at_once_once_told_they_are_in_english(self, editor_client, ingested):
        chosen = list(Article.objects.filter(links__url__contains="interventionalnews.com")[:2])
        review = ReviewPage(editor_client.get(REVIEW).content.decode())
        data = review.post(*(article.title for article in chosen), action="publish")

        asked = editor_client.post(REVIEW, data)
        response = editor_client.post(REVIEW, {**data, "confirmed": "yes"}, follow=True)

        assertContains(asked, "Ces 2 éléments ne se lisent pas comme du français : les publier quand même ?")
        assertContains(response, "Publié : 2 articles.")
        for article in chosen:
            article.refresh_from_db()
            assert article.is_published
            assertNotContains(response, f'value="{article.pk}"')
        assert LogEntry.objects.filter(change_message="Publié").count() == 2
        public = editor_client.get(chosen[0].get_absolute_url())
        assert public.status_code == 200

    def test_an_editor_discards_several_at_once_and_they_do_not_come_back(self, editor_client, ingested):
        chosen = list(Article.objects.filter(links__url__contains="sante.example.org"))
        review = ReviewPage(editor_client.get(REVIEW).content.decode())

        response = editor_client.post(
            REVIEW, review.post(*(article.title for article in chosen), action="archive"), follow=True
        )

        assertContains(response, "Archivé : 2 articles.")
        assert set(
            Article.objects.filter(pk__in=[a.pk for a in chosen]).values_list("status", flat=True)
        ) == {Article.Status.ARCHIVED}
        out, err, status = ingest("--source", "Santé publique", str(FEEDS / "atom.xml"))
        assert "0 created" in out
        assertNotContains(editor_client.get(REVIEW), "Rougeole")

    def test_an_author_may_neither_see_nor_publish_the_review(self, client, ingested):
        # Ingested drafts are nobody's: editors review them, authors see only their own articles.
        author = staff("autrice", "Authors")
        client_for(client, author)
        article = by_link(PAE_LINK)

        assert client.get(REVIEW).status_code == 403
        response = client.post(
            REVIEW,
            {
                "action": "publish",
                "cards": [f"a{article.pk}"],
                f"items-a{article.pk}": [article.pk],
                "confirmed": "yes",
            },
        )

        assert response.status_code == 403
        article.refresh_from_db()
        assert article.status == Article.Status.REVIEW

    def test_people_without_article_rights_get_403(self, client, db):
        from django.contrib.auth.models import User

        client.force_login(User.objects.create_user("visiteur", password="x" * 12, is_staff=True))

        assert client.get(REVIEW).status_code == 403
        assert client.post(REVIEW, {"action": "publish"}).status_code == 403

    def test_the_review_costs_the_same_queries_for_more_drafts(self, editor_client, ingested, tmp_path):
        few = queries_for(editor_client, REVIEW)
        items = "".join(
            f"<item><title>Brève {number}</title><link>https://sante.example.org/breves/{number}</link>"
            f'<enclosure url="https://sante.example.org/images/{number}.jpg" type="image/jpeg" length="1"/>'
            "</item>"
            for number in range(10)
        )
        feed = tmp_path / "more.xml"
        feed.write_text(f'<rss version="2.0"><channel><title>Brèves</title>{items}</channel></rss>')
        ingest("--source", "Santé publique", str(feed))

        assert Article.objects.filter(status=Article.Status.REVIEW).count() == 17
        assert queries_for(editor_client, REVIEW) == few
