"""The admin's home page is the editor's desk: what waits, what is scheduled or expires this week,
which sources fail, what was published last, and thirty days of intake and publication drawn in SVG.
Authors find their own work there; staff without rights find nothing of the newsroom's."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles import grouping
from articles.models import Article, ArticleNote
from intake.models import IngestedItem, Source

from .factories import client_for, make_article, staff
from .queries import queries_for

pytestmark = pytest.mark.django_db

# A Wednesday morning in Paris (UTC+1 in December): the desk's "now" for these tests.
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
HOME = "/admin/"
BAR = re.compile(
    r'<rect class="bar bar-(\w+)" x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)">'
    r"<title>([^<]*)</title></rect>"
)


@pytest.fixture
def clock(monkeypatch):
    """The site's clock stands at NOW (sessions, saves and the desk alike)."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def desk_editor(clock, client):
    return client_for(client, staff("redactrice", "Editors"))


def ingested(title, seen, status=Article.Status.REVIEW, source=None):
    """An article made from a feed item first seen at ``seen``."""
    article = make_article(title=title, status=status, origin=Article.Origin.INGESTED, published_at=seen)
    item = IngestedItem.objects.create(
        link_normalized=f"https://feed.example.org/{article.pk}",
        source=source,
        article=article,
        fingerprint="f",
    )
    IngestedItem.objects.filter(pk=item.pk).update(first_seen_at=seen)
    return article


def newsroom_week(now, size=1, first=0):
    """A newsroom's week, ``size`` times over: each panel of the desk has something to show."""
    author = User.objects.filter(username="hugo").first() or staff("hugo", "Authors")
    for copy in range(first, first + size):
        ingested(f"Un essai venu du flux {copy}", now - timedelta(days=3, hours=copy))
        ingested(f"Une alerte venue du flux {copy}", now - timedelta(hours=5))
        ingested(
            f"Déjà publié depuis le flux {copy}", now - timedelta(days=1), status=Article.Status.PUBLISHED
        )
        make_article(title=f"Une enquête écrite ici {copy}", status=Article.Status.REVIEW, author=author)
        make_article(title=f"Un brouillon {copy}", status=Article.Status.DRAFT)
        make_article(title=f"Programmé demain {copy}", published_at=now + timedelta(days=1))
        make_article(title=f"Programmé dans dix jours {copy}", published_at=now + timedelta(days=10))
        make_article(title=f"Expire vendredi {copy}", expires_at=now + timedelta(days=2))
        make_article(title=f"Expire en janvier {copy}", expires_at=now + timedelta(days=40))
        Source.objects.create(
            name=f"Flux en panne {copy}",
            feed_url=f"https://broken.example.org/{copy}/feed",
            last_outcome=Source.Outcome.FAILED,
            last_message="Le serveur a répondu 503 Service Unavailable.",
            last_fetched_at=now - timedelta(hours=2),
        )
        Source.objects.create(
            name=f"Flux en forme {copy}",
            feed_url=f"https://fine.example.org/{copy}/feed",
            last_outcome=Source.Outcome.OK,
            last_fetched_at=now - timedelta(hours=1),
        )


def section(response, name):
    """One panel of the desk, by its heading's id (desk-waiting, desk-scheduled…)."""
    html = response.content.decode()
    start = html.index(f'<section class="module desk-panel" aria-labelledby="desk-{name}">')
    return html[start : html.index("</section>", start)]


def desk_part(response):
    """The desk's HTML: what comes before Django's list of apps."""
    html = response.content.decode()
    return html[html.index('<div class="desk">') : html.index('<div class="app-')]


def assert_html_in(html, fragment):
    """``fragment`` is in ``html``, compared as HTML (attributes' order, spaces)."""
    from django.test.html import parse_html

    assert parse_html(fragment) in parse_html(html)


class TestEditorsDesk:
    def test_each_panel_has_its_count_and_a_link_to_the_list_it_counts(self, desk_editor):
        newsroom_week(NOW)

        response = desk_editor.get(HOME)

        assertContains(
            response,
            '<a href="/admin/intake/source/review/"><strong>2</strong> sujets des flux</a>',
            html=True,
        )
        assertContains(
            response,
            '<a href="/admin/articles/article/?status__exact=review&amp;ingested_item__isnull=True">'
            "<strong>1</strong> article écrit ou importé</a>",
            html=True,
        )
        assertContains(
            response,
            '<a href="/admin/articles/article/?queue=scheduled'
            '&amp;published_at__lt=2026-12-09+11%3A00%3A00%2B01%3A00">'
            "<strong>1</strong> article programmé</a>",
            html=True,
        )
        assertContains(response, "<strong>1</strong> article quitte le site cette semaine", html=True)
        assertContains(
            response,
            '<a href="/admin/intake/source/?last_outcome__exact=failed">'
            "<strong>1</strong> source dont la dernière collecte a échoué</a>",
            html=True,
        )
        # Published: the one from the feed, the two scheduled, the two expiring.
        assertContains(response, "<strong>5</strong> articles publiés", html=True)

    def test_the_drafts_of_one_story_wait_as_one(self, desk_editor):
        one = ingested("Thrombectomie : l’essai EVOLVE", NOW - timedelta(hours=3))
        other = ingested("Thrombectomy works in large strokes", NOW - timedelta(hours=2))
        ingested("Grippe : la saison commence tôt", NOW - timedelta(hours=1))
        grouping.merge([one, other])

        response = desk_editor.get(HOME)

        assertContains(
            response,
            '<a href="/admin/intake/source/review/"><strong>2</strong> sujets des flux</a>',
            html=True,
        )
        assert "(3 brouillons)" in section(response, "waiting")

    def test_the_oldest_waiting_draft_says_since_when(self, desk_editor):
        newsroom_week(NOW)
        oldest = Article.objects.get(title="Un essai venu du flux 0")

        response = desk_editor.get(HOME)

        assertContains(
            response,
            f'<p>Le plus ancien : <a href="/admin/articles/article/{oldest.pk}/change/">'
            "Un essai venu du flux 0</a>,"
            ' <span class="desk-age">depuis 3\xa0jours</span></p>',
            html=True,
        )

    def test_the_panels_list_what_they_count_with_its_dates(self, desk_editor):
        newsroom_week(NOW)
        tomorrow = Article.objects.get(title="Programmé demain 0")
        public = Article.objects.get(title="Déjà publié depuis le flux 0")

        response = desk_editor.get(HOME)
        desk = desk_part(response)

        assert "Une enquête écrite ici 0" in section(response, "reviews") and "Un brouillon 0" not in desk
        scheduled, expiring = section(response, "scheduled"), section(response, "expiring")
        assert "Programmé demain 0" in scheduled and "Programmé dans dix jours 0" not in desk
        assert "Expire vendredi 0" in expiring and "Expire en janvier 0" not in expiring
        assert_html_in(
            scheduled,
            f'<li><time datetime="2026-12-03T11:00:00+01:00">jeu 3 déc. 11:00</time>'
            f' <a href="/admin/articles/article/{tomorrow.pk}/change/">Programmé demain 0</a></li>',
        )
        failing = Source.objects.get(name="Flux en panne 0")
        assert f'href="/admin/intake/source/{failing.pk}/change/"' in desk
        assert "Le serveur a répondu 503 Service Unavailable." in desk and "Flux en forme" not in desk
        assert "il y a 2\xa0heures" in desk
        assert f'href="/admin/articles/article/{public.pk}/change/"' in desk
        assert f'href="{public.get_absolute_url()}"' in desk

    def test_the_links_lead_to_lists_of_what_the_panels_count(self, desk_editor):
        newsroom_week(NOW, size=2)
        desk = desk_part(desk_editor.get(HOME))
        links = dict(re.findall(r'<a href="([^"]+)"><strong>(\d+)</strong>', desk))

        listed = {}
        for link in links:
            response = desk_editor.get(link.replace("&amp;", "&"))
            assert response.status_code == 200, link
            if "cl" in response.context:
                listed[link] = str(response.context["cl"].result_count)
        assert len(links) == 6 and len(listed) == 5
        assert {link: links[link] for link in listed} == listed
        review = desk_editor.get("/admin/intake/source/review/")
        assert review.content.decode().count('class="story-card"') == int(
            links["/admin/intake/source/review/"]
        )

    def test_the_last_five_public_articles_are_listed_newest_first(self, desk_editor):
        for hours in range(1, 8):
            make_article(title=f"Publié il y a {hours} heures", published_at=NOW - timedelta(hours=hours))
        make_article(title="Programmé plus tard", published_at=NOW + timedelta(hours=3))

        desk = desk_part(desk_editor.get(HOME))

        titles = re.findall(r">(Publié il y a \d heures)<", desk)
        assert titles == [f"Publié il y a {hours} heures" for hours in range(1, 6)]

    def test_an_empty_newsroom_shows_zeros_and_an_empty_chart(self, desk_editor):
        response = desk_editor.get(HOME)

        assertContains(response, "<strong>0</strong> sujet des flux", html=True)
        assertContains(response, "<strong>0</strong> source dont la dernière collecte a échoué", html=True)
        bars = BAR.findall(response.content.decode())
        assert len(bars) == 60 and {height for _, height, _ in bars} == {"0.0"}

    def test_djangos_list_of_apps_stays_below_the_desk(self, desk_editor):
        html = desk_editor.get(HOME).content.decode()

        assert (
            html.index('<div class="desk">')
            < html.index("Collecte des flux")
            < html.index("Actions récentes")
        )


class TestActivityChart:
    def test_one_bar_per_day_and_series_with_the_exact_count_in_its_title(self, desk_editor):
        for hours in (1, 2, 3):
            ingested(f"Reçu ce matin {hours}", NOW - timedelta(hours=hours))
        ingested("Reçu il y a deux jours", NOW - timedelta(days=2))
        make_article(title="Publié hier", published_at=NOW - timedelta(days=1))
        make_article(title="Publié hier aussi", published_at=NOW - timedelta(days=1, hours=1))

        bars = BAR.findall(desk_editor.get(HOME).content.decode())

        assert [series for series, _, _ in bars] == ["in", "published"] * 30
        titles = [title for _, _, title in bars]
        assert titles[-2:] == [
            "mercredi 2 décembre : 3 éléments reçus",
            "mercredi 2 décembre : 0 article publié",
        ]
        assert titles[-4:-2] == ["mardi 1 décembre : 0 élément reçu", "mardi 1 décembre : 2 articles publiés"]
        assert titles[-6] == "lundi 30 novembre : 1 élément reçu"
        assert titles[0] == "mardi 3 novembre : 0 élément reçu"
        tallest = max(bars, key=lambda bar: float(bar[1]))
        assert tallest[2] == "mercredi 2 décembre : 3 éléments reçus"

    def test_days_are_paris_days(self, desk_editor):
        ingested("Reçu à 0 h 30 à Paris", datetime(2026, 12, 1, 23, 30, tzinfo=UTC))
        ingested("Reçu le premier jour à minuit", datetime(2026, 11, 2, 23, 0, tzinfo=UTC))
        ingested("Reçu la veille du premier jour", datetime(2026, 11, 2, 22, 59, tzinfo=UTC))

        bars = BAR.findall(desk_editor.get(HOME).content.decode())

        assert bars[-2][2] == "mercredi 2 décembre : 1 élément reçu"
        assert bars[0][2] == "mardi 3 novembre : 1 élément reçu"
        assert sum(int(title.split(" : ")[1].split()[0]) for series, _, title in bars if series == "in") == 2

    def test_the_chart_is_an_accessible_image_drawn_without_script_or_style(self, desk_editor):
        ingested("Reçu ce matin", NOW - timedelta(hours=1))
        make_article(title="Publié ce matin", published_at=NOW - timedelta(hours=2))

        response = desk_editor.get(HOME)
        html = response.content.decode()
        start = html.index('<svg class="desk-chart"')
        svg = html[start : html.index("</svg>", start)]

        assert 'role="img"' in svg and 'aria-labelledby="desk-chart-title"' in svg
        assert '<title id="desk-chart-title">Éléments reçus et articles publiés, par jour</title>' in svg
        assertContains(
            response,
            '<p id="desk-activity-summary">Du 3 novembre au 2 décembre : 1 élément reçu des flux'
            " (au plus 1 en un jour), 1 article publié (au plus 1 en un jour).</p>",
            html=True,
        )
        assert ">Éléments reçus</text>" in svg and ">Articles publiés</text>" in svg  # the legend
        assert ">2 déc.</text>" in svg and ">27 nov.</text>" in svg  # every fifth day, today's included
        assert "style=" not in html and "<script>" not in html
        assert re.search(r'x="\d+,\d', svg) is None  # coordinates are never written the French way
        assert "Content-Security-Policy" in response.headers


class TestAuthorsDesk:
    def test_an_author_sees_her_drafts_those_sent_back_and_those_in_review(self, clock, client):
        author = staff("autrice", "Authors")
        someone_else = staff("autre", "Authors")
        make_article(title="Mon brouillon", status=Article.Status.DRAFT, author=author)
        sent_back = make_article(title="Mon brouillon renvoyé", status=Article.Status.DRAFT, author=author)
        ArticleNote.objects.create(
            article=sent_back,
            kind=ArticleNote.Kind.SENT_BACK,
            text="Sourcer le chiffre du deuxième paragraphe.",
        )
        make_article(title="Mon article en relecture", status=Article.Status.REVIEW, author=author)
        make_article(title="Le brouillon d’un autre", status=Article.Status.DRAFT, author=someone_else)
        ingested("Un brouillon des flux", NOW - timedelta(days=1))

        response = client_for(client, author).get(HOME)
        desk = desk_part(response)

        assertContains(
            response,
            '<a href="/admin/articles/article/?queue=mine"><strong>2</strong> brouillons</a>',
            html=True,
        )
        assertContains(response, "<strong>1</strong> brouillon qui vous a été renvoyé", html=True)
        assertContains(
            response,
            '<a href="/admin/articles/article/?status__exact=review">'
            "<strong>1</strong> article attend un éditeur</a>",
            html=True,
        )
        assert "Sourcer le chiffre du deuxième paragraphe." in desk
        assert "Mon article en relecture" in desk
        for hidden in (
            "Le brouillon d’un autre",
            "Un brouillon des flux",
            "Brouillons des flux à relire",
            "desk-chart",
        ):
            assert hidden not in response.content.decode()

    def test_staff_without_rights_see_no_desk(self, clock, client):
        newsroom_week(NOW)
        nobody = User.objects.create_user("stagiaire", is_staff=True)  # in no group

        response = client_for(client, nobody).get(HOME)

        assertContains(response, "Vous n’avez pas la permission")
        for hidden in ('class="desk"', "Un essai venu du flux", "Flux en panne", "brouillons des flux"):
            assertNotContains(response, hidden)


class TestQueries:
    def test_the_editors_desk_costs_the_same_queries_whatever_the_data(self, desk_editor):
        newsroom_week(NOW)
        small = queries_for(desk_editor, HOME)
        newsroom_week(NOW, size=6, first=1)

        assert queries_for(desk_editor, HOME) == small
        assert small <= 25

    def test_the_authors_desk_costs_the_same_queries_whatever_the_data(self, clock, client):
        author = staff("autrice", "Authors")
        author_client = client_for(client, author)
        make_article(title="Mon brouillon", status=Article.Status.DRAFT, author=author)
        small = queries_for(author_client, HOME)
        for number in range(12):
            draft = make_article(title=f"Brouillon {number}", status=Article.Status.DRAFT, author=author)
            if number % 2:
                ArticleNote.objects.create(article=draft, kind=ArticleNote.Kind.SENT_BACK, text="À revoir.")
            make_article(title=f"En relecture {number}", status=Article.Status.REVIEW, author=author)

        assert queries_for(author_client, HOME) == small
