"""The review page, one card per story: publish a card (its lead published, the others its
coverage), choose another lead, discard, split, merge, confirm an item not in French, come
back from the change form; editors only, at a bounded cost.

The feeds are test_stories' (a journal, a trade site, a French outlet, a radiology site and a
syndicated copy telling three stories), ingested by the ingestion command itself.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.staticfiles import finders
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains
from reversion.models import Version

from articles import workflow
from articles.models import Article
from intake import cards

from .admin_forms import form_data
from .factories import client_for
from .queries import queries_for
from .test_stories import (
    FEEDS,
    MEDSCAPE_A,
    MEDSCAPE_OTHER,
    NEJM_A,
    NEJM_B,
    QUOTIDIEN_A,
    article,
    coverage_on_page,
    ingest_all,
    rss,
)
from .test_stories import feeds as feeds  # noqa: F401, PLC0414 (the fixture, shared)

REVIEW = "/admin/intake/source/review/"
THROMBECTOMY_FR = "AVC étendus : la thrombectomie fait ses preuves"


class ReviewPage(HTMLParser):
    """The review page as an editor sees it: its cards (key, lead title, other items' titles) and
    its form as a browser would submit it (every field, repeated names kept)."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.cards, self.fields, self.card, self.capture = [], [], None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "article" and "story-card" in attrs.get("class", ""):
            self.card = {"key": attrs["id"].removeprefix("card-"), "lead": "", "others": []}
            self.cards.append(self.card)
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type")
            if kind == "hidden" or (kind == "radio" and "checked" in attrs):
                self.fields.append((attrs["name"], attrs.get("value", "")))
        elif self.card and tag == "label" and attrs.get("for", "").startswith("select-"):
            self.capture = "lead"
        elif self.card and tag == "a" and attrs.get("class") == "item-title":
            self.card["others"].append("")
            self.capture = "others"

    def handle_data(self, data):
        if self.capture == "lead":
            self.card["lead"] += data
        elif self.capture == "others":
            self.card["others"][-1] += data

    def handle_endtag(self, tag):
        if tag in ("label", "a"):
            self.capture = None
        elif tag == "article":
            self.card = None

    def card_of(self, title):
        return next(card for card in self.cards if card["lead"] == title or title in card["others"])

    def post(self, *titles, **extra):
        """The form with the cards of ``titles`` ticked (every other field as shown), plus ``extra``."""
        keys = [self.card_of(title)["key"] for title in titles]
        data = {}
        for name, value in self.fields:
            data.setdefault(name, []).append(value)
        data["cards"] = keys
        data.update(extra)
        return data


def page(client):
    response = client.get(REVIEW)
    assert response.status_code == 200
    return ReviewPage(response.content.decode())


def title_of(link):
    return article(link).title


def status_of(link):
    return article(link).status


@pytest.fixture
def ingested(feeds):
    ingest_all(feeds)


@pytest.mark.django_db
class TestCards:
    def test_one_card_per_story_led_by_its_french_item_the_newest_story_first(self, editor_client, ingested):
        review = page(editor_client)

        # Three stories and the two items that share nothing: five cards for ten items.
        assert len(review.cards) == 5
        thrombectomy = review.card_of(THROMBECTOMY_FR)
        assert thrombectomy["lead"] == THROMBECTOMY_FR
        assert sorted(thrombectomy["others"]) == sorted([title_of(NEJM_A), title_of(MEDSCAPE_A)])
        assert {card["lead"] for card in review.cards} >= {title_of(NEJM_B), title_of(MEDSCAPE_OTHER)}
        # Its items were published on 1 December, the syndicated story's newest on the 3rd.
        assert review.cards[-1] == thrombectomy
        assert review.cards[0]["lead"].lower().startswith("prostate artery embolisation")

    def test_a_card_names_its_other_sources_with_their_links_and_dates(self, editor_client, ingested):
        response = editor_client.get(REVIEW)

        assertContains(response, "Aussi chez : medscape, nejm")
        assertContains(response, f'href="{MEDSCAPE_A}"')
        assertContains(response, "1 décembre 2025")
        assertContains(response, "Séparer", count=5)  # each item that is not a card's lead: 10 - 5
        assertContains(response, 'name="split"', count=5)
        assertContains(response, "pas en français")

    def test_the_actions_stand_at_the_top_and_the_bottom_with_select_all(self, editor_client, ingested):
        response = editor_client.get(REVIEW)

        text = response.content.decode()
        assertContains(response, '<button type="submit" name="action" value="publish">Publier</button>', 2)
        assertContains(response, 'value="archive">Écarter</button>', 2)
        assertContains(response, 'value="merge">Regrouper</button>', 2)
        assert text.index('value="merge"') < text.index('class="story-card"')
        assert text.rindex('value="merge"') > text.rindex('class="story-card"')
        # Shown by the script, a file of the site's own (no inline script: the CSP forbids it).
        assertContains(response, "Tout sélectionner", 2)
        assertContains(response, '<label class="select-all" hidden>', 2)
        assertContains(response, '<script src="/static/intake/review.js" defer></script>')
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
        assert "select-all-cards" in Path(finders.find("intake/review.js")).read_text(encoding="utf-8")

    def test_nothing_waiting_says_so(self, editor_client, db):
        assertContains(editor_client.get(REVIEW), "Aucun article des flux n’attend de relecture.")


@pytest.mark.django_db
class TestPublishing:
    def test_publishing_a_card_publishes_its_lead_and_archives_the_others_as_its_coverage(
        self, editor_client, ingested, client
    ):
        response = editor_client.post(
            REVIEW, page(editor_client).post(THROMBECTOMY_FR, action="publish"), follow=True
        )

        assertContains(response, "Publié : 1 article.")
        assertContains(response, "Ajouté à la couverture : 2 articles.")
        lead = article(QUOTIDIEN_A)
        assert lead.is_published
        assert (status_of(NEJM_A), status_of(MEDSCAPE_A)) == (Article.Status.ARCHIVED,) * 2
        assert len(page(editor_client).cards) == 4
        comment = f"Couverture de “{THROMBECTOMY_FR}”"
        assert LogEntry.objects.filter(change_message=comment).count() == 2
        assert Version.objects.get_for_object(article(NEJM_A)).first().revision.comment == comment
        links, _citations = coverage_on_page(client, lead)
        assert [(text, href) for text, href, _rel in links] == [("nejm", NEJM_A), ("medscape", MEDSCAPE_A)]
        assertContains(client.get(lead.get_absolute_url()), "Aussi couvert par")

    def test_an_editor_chooses_another_lead_and_confirms_it_though_it_is_in_english(
        self, editor_client, ingested
    ):
        review = page(editor_client)
        key = review.card_of(THROMBECTOMY_FR)["key"]
        data = review.post(THROMBECTOMY_FR, action="publish", **{f"lead-{key}": str(article(NEJM_A).pk)})

        confirmation = editor_client.post(REVIEW, data)

        # Nothing is published before the editor confirms; the page names what is not in French.
        assert confirmation.status_code == 200
        assertContains(confirmation, "Publier des éléments qui ne sont pas en français ?")
        assertContains(confirmation, title_of(NEJM_A))
        assertNotContains(confirmation, THROMBECTOMY_FR)
        assertContains(confirmation, "Publier quand même")
        assertContains(confirmation, f'<a href="{REVIEW}" class="button cancel-link">Annuler</a>', html=True)
        assert status_of(NEJM_A) == Article.Status.REVIEW

        confirmed = form_data(confirmation, "confirm_form")
        assert confirmed["confirmed"] == "yes"
        editor_client.post(REVIEW, {**data, "confirmed": "yes"})

        assert article(NEJM_A).is_published
        assert (status_of(QUOTIDIEN_A), status_of(MEDSCAPE_A)) == (Article.Status.ARCHIVED,) * 2
        title = title_of(NEJM_A)
        assert LogEntry.objects.filter(change_message=f"Couverture de “{title}”").count() == 2

    def test_the_confirmation_page_posts_back_what_was_chosen(self, editor_client, ingested):
        review = page(editor_client)
        data = review.post(title_of(MEDSCAPE_OTHER), action="publish")

        confirmation = editor_client.post(REVIEW, data)
        replayed = ReviewPage(confirmation.content.decode()).fields

        assert status_of(MEDSCAPE_OTHER) == Article.Status.REVIEW
        assert ("confirmed", "yes") in replayed
        editor_client.post(REVIEW, {**dict(replayed), "cards": data["cards"], "action": "publish"})
        assert article(MEDSCAPE_OTHER).is_published

    def test_a_french_card_is_published_without_a_question(self, editor_client, ingested):
        response = editor_client.post(REVIEW, page(editor_client).post(THROMBECTOMY_FR, action="publish"))

        assert response.status_code == 302 and response["Location"] == REVIEW

    def test_an_item_the_editor_did_not_see_is_neither_published_nor_archived(self, editor_client, ingested):
        review = page(editor_client)
        data = review.post(THROMBECTOMY_FR, action="publish")
        key = data["cards"][0]
        data[f"items-{key}"] = [pk for pk in data[f"items-{key}"] if pk != str(article(MEDSCAPE_A).pk)]

        editor_client.post(REVIEW, data)

        assert article(QUOTIDIEN_A).is_published
        assert status_of(NEJM_A) == Article.Status.ARCHIVED
        assert status_of(MEDSCAPE_A) == Article.Status.REVIEW
        # It waits in its card, which says that its story is published and offers its coverage.
        response = editor_client.get(REVIEW)
        assertContains(response, "Déjà publié :")
        assertContains(response, "Ajouter à sa couverture")

    def test_a_story_published_from_the_article_list_offers_its_coverage(
        self, editor_client, editor, ingested, client
    ):
        workflow.apply(editor, article(QUOTIDIEN_A), "publish")
        review = page(editor_client)
        card = review.card_of(title_of(NEJM_A))
        response = editor_client.get(REVIEW)
        published = article(QUOTIDIEN_A)
        assertContains(
            response,
            f'Déjà publié : <a href="/admin/articles/article/{published.pk}/change/">{THROMBECTOMY_FR}</a>',
        )

        # Publishing it again is refused: one article per story.
        refused = editor_client.post(REVIEW, review.post(title_of(NEJM_A), action="publish"), follow=True)
        assertContains(refused, "Déjà publié, rien n’a été publié une seconde fois : « " + THROMBECTOMY_FR)
        assert status_of(NEJM_A) == Article.Status.REVIEW

        covered = editor_client.post(REVIEW, {**review.post(), "cover": card["key"]}, follow=True)

        assertContains(covered, "Ajouté à la couverture : 2 articles.")
        assert (status_of(NEJM_A), status_of(MEDSCAPE_A)) == (Article.Status.ARCHIVED,) * 2
        assert len(coverage_on_page(client, published)[0]) == 2


@pytest.mark.django_db
class TestCorrections:
    def test_discarding_a_card_archives_all_its_items(self, editor_client, ingested):
        response = editor_client.post(
            REVIEW, page(editor_client).post(THROMBECTOMY_FR, action="archive"), follow=True
        )

        assertContains(response, "Archivé : 3 articles.")
        assert {status_of(link) for link in (QUOTIDIEN_A, NEJM_A, MEDSCAPE_A)} == {Article.Status.ARCHIVED}
        assert not Article.objects.filter(status=Article.Status.PUBLISHED).exists()

    def test_a_discarded_card_is_never_the_coverage_of_what_is_published_later(
        self, editor_client, ingested, tmp_path, client
    ):
        from io import StringIO

        from django.core.management import call_command

        from intake.models import Source

        editor_client.post(REVIEW, page(editor_client).post(THROMBECTOMY_FR, action="archive"))
        late = "https://late.example/thrombectomie"
        Source.objects.create(name="late", feed_url="https://late.example/feed/")
        feed = rss(tmp_path, "late", [("Thrombectomie : le point", late, "<p>doi:10.1056/NEJMoa2400001</p>")])
        ingest_all({"late": feed})
        call_command("rebuild_story_keys", stdout=StringIO())  # and nothing brings them back

        editor_client.post(
            REVIEW, page(editor_client).post(title_of(late), action="publish", confirmed="yes")
        )

        assert status_of(late) == Article.Status.PUBLISHED
        assert coverage_on_page(client, article(late)) == ([], [])

    def test_split_takes_an_item_out_into_a_card_of_its_own(self, editor_client, ingested):
        review = page(editor_client)

        response = editor_client.post(
            REVIEW, {**review.post(), "split": str(article(MEDSCAPE_A).pk)}, follow=True
        )

        assertContains(response, f"« {title_of(MEDSCAPE_A)} » forme maintenant une carte à part.")
        after = page(editor_client)
        assert len(after.cards) == 6
        assert after.card_of(title_of(MEDSCAPE_A))["others"] == []
        assert after.card_of(THROMBECTOMY_FR)["others"] == [title_of(NEJM_A)]

    def test_merge_makes_the_selected_cards_one(self, editor_client, ingested):
        review = page(editor_client)

        response = editor_client.post(
            REVIEW, review.post(title_of(NEJM_B), title_of(MEDSCAPE_OTHER), action="merge"), follow=True
        )

        assertContains(response, "2 cartes regroupées en une.")
        after = page(editor_client)
        assert len(after.cards) == 4
        merged = after.card_of(title_of(NEJM_B))
        assert title_of(MEDSCAPE_OTHER) in [merged["lead"], *merged["others"]]
        assert article(NEJM_B).story_id == article(MEDSCAPE_OTHER).story_id is not None

    def test_merge_needs_two_cards_and_any_action_one(self, editor_client, ingested):
        review = page(editor_client)

        one = editor_client.post(REVIEW, review.post(title_of(NEJM_B), action="merge"), follow=True)
        none = editor_client.post(REVIEW, review.post(action="publish"), follow=True)

        assertContains(one, "Sélectionnez au moins deux cartes à regrouper.")
        assertContains(none, "Sélectionnez au moins une carte.")
        assert len(page(editor_client).cards) == 5

    @pytest.mark.parametrize("forged", ["²", "٣", "9" * 30, "-1", "1 OR 1=1"])
    def test_forged_ids_change_nothing_and_break_nothing(self, editor_client, ingested, forged):
        before = sorted(Article.objects.values_list("pk", "status", "story_id"))
        for data in [
            {"split": forged},
            {"cover": f"s{forged}", f"items-s{forged}": forged},
            {"action": "publish", "cards": f"a{forged}", f"items-a{forged}": forged},
            {"action": "archive", "cards": f"a{forged}", f"items-a{forged}": [forged, "1"]},
        ]:
            assert editor_client.post(REVIEW, data).status_code == 302
        assert sorted(Article.objects.values_list("pk", "status", "story_id")) == before


@pytest.mark.django_db
class TestALargeBacklog:
    """A feed decides how many items it sends: the page and its form stay the size an editor reads."""

    @pytest.mark.filterwarnings("ignore::DeprecationWarning")  # feedparser, on the rss helper's dates past 9
    def test_the_newest_cards_are_shown_and_the_others_counted(self, editor_client, tmp_path):
        from intake.models import Source

        Source.objects.create(name="flood", feed_url="https://flood.example/feed/")
        lone = [(f"Annonce numéro {n}", f"https://flood{n}.example/p", "") for n in range(70)]
        one_story = [
            (f"Copie {n}", f"https://copy{n}.example/p", "<p>doi:10.9999/same.1</p>") for n in range(30)
        ]
        ingest_all({"flood": rss(tmp_path, "flood", lone + one_story)})

        response = editor_client.get(REVIEW)
        review = ReviewPage(response.content.decode())

        assert len(review.cards) == cards.CARDS_SHOWN == 50
        story = next(card for card in review.cards if card["lead"].startswith("Copie"))
        assert len([name for name, _value in review.fields if name == f"items-{story['key']}"]) == 20
        assertContains(response, "21 autres cartes attendent")
        posted = editor_client.post(
            REVIEW, review.post(*[card["lead"] for card in review.cards], action="archive")
        )
        assert posted.status_code == 302
        assert len(page(editor_client).cards) == 22  # the 21, and the story's ten items not shown


@pytest.mark.django_db
class TestReturnToTheReview:
    def test_saving_an_article_opened_from_the_review_returns_to_it(self, editor_client, ingested):
        lead = article(QUOTIDIEN_A)
        url = f"/admin/articles/article/{lead.pk}/change/?from=review"
        assertContains(editor_client.get(REVIEW), f'href="{url}"')
        form = editor_client.get(url)

        saved = editor_client.post(url, form_data(form, title="AVC étendus : la thrombectomie confirmée"))

        assert saved.status_code == 302
        assert saved["Location"] == REVIEW
        assert article(QUOTIDIEN_A).title == "AVC étendus : la thrombectomie confirmée"

    def test_save_and_continue_keeps_the_way_back(self, editor_client, ingested):
        lead = article(QUOTIDIEN_A)
        url = f"/admin/articles/article/{lead.pk}/change/?from=review"

        saved = editor_client.post(url, {**form_data(editor_client.get(url)), "_continue": "1"})

        assert saved["Location"] == f"/admin/articles/article/{lead.pk}/change/?from=review"

    @pytest.mark.parametrize("marker", ["https://elsewhere.example/", "//elsewhere.example", "/", "reviews"])
    def test_any_other_marker_is_no_way_out(self, editor_client, ingested, marker):
        lead = article(QUOTIDIEN_A)
        url = f"/admin/articles/article/{lead.pk}/change/"

        saved = editor_client.post(url + "?" + f"from={marker}", form_data(editor_client.get(url)))

        assert saved.status_code == 302
        assert saved["Location"] == "/admin/articles/article/"


@pytest.mark.django_db
class TestOnlyEditors:
    @pytest.mark.parametrize(
        "action",
        [{"action": "publish"}, {"action": "archive"}, {"action": "merge"}, {"split": ""}, {"cover": ""}],
    )
    def test_an_author_is_refused_every_post(self, editor_client, author, ingested, action):
        author_client = client_for(Client(), author)
        data = page(editor_client).post(THROMBECTOMY_FR, title_of(NEJM_B), **action)
        if "split" in action:
            data["split"] = str(article(MEDSCAPE_A).pk)
        if "cover" in action:
            data["cover"] = data["cards"][0]
        before = sorted(Article.objects.values_list("pk", "status", "story_id"))

        assert author_client.get(REVIEW).status_code == 403
        assert author_client.post(REVIEW, data).status_code == 403
        assert sorted(Article.objects.values_list("pk", "status", "story_id")) == before


@pytest.mark.django_db
def test_the_page_costs_the_same_queries_for_more_cards(editor_client, feeds, tmp_path):
    ingest_all({name: feeds[name] for name in ("nejm", "medscape")})
    few = queries_for(editor_client, REVIEW)
    ingest_all(feeds)
    more = {}
    for number in range(6):
        more[f"journal{number}"] = rss(
            tmp_path,
            f"journal{number}",
            [
                (f"Study number {number} in the journal", f"https://journal{number}.example/{n}", "")
                for n in range(3)
            ]
            + [
                (t, f"https://journal{number}.example/copy-{n}", d)
                for n, (t, _link, d) in enumerate(FEEDS["medscape"])
            ],
        )
    from intake.models import Source

    for name in more:
        Source.objects.create(name=name, feed_url=f"https://{name}.example/feed/")
    ingest_all(more)

    assert page(editor_client).cards and len(page(editor_client).cards) > 20
    assert queries_for(editor_client, REVIEW) == few
