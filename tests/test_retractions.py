"""Retractions, withdrawals, corrections and expressions of concern of the studies the articles cite
(manage.py check_retractions), asked of a real server on 127.0.0.1 answering as Crossref's REST API
does: what readers see at once (a retraction), what waits for an editor (a correction, a concern),
the editors' queue and its decisions, and politeness (a DOI asked lately is not asked again, a
contact address in the user agent, a daily limit)."""

import datetime
import json
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles import grouping, retractions
from articles.models import Article, Correction, DoiCheck, SourceUpdate

from .factories import make_article
from .link_server import LinkServer, relation

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/articles/article/"
QUEUE = {"queue": "source_updated"}


class Clock:
    def __init__(self):
        self.moment = timezone.now()

    def __call__(self):
        return self.moment

    def advance(self, **delta):
        self.moment += datetime.timedelta(**delta)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def crossref(settings):
    with LinkServer() as server:
        settings.CROSSREF_API_URL = server.url("")
        settings.CROSSREF_MAILTO = "veille@example.org"
        yield server


def citing(doi, **fields):
    """A public article whose text cites ``doi``, its story keys read as the desk reads them."""
    article = make_article(body=f"L’étude (https://doi.org/{doi}) montre…", **fields)
    grouping.index([article])
    return article


@pytest.fixture
def studies(crossref):
    """One article per answer Crossref may give about the DOI it cites."""
    crossref.work("10.1000/retracted", [relation("retraction", "10.1000/retraction-notice", (2026, 11, 20))])
    crossref.work("10.1000/withdrawn", [relation("withdrawal", "10.1000/withdrawal-notice")])
    crossref.work("10.1000/corrected", [relation("correction", "10.1000/erratum", (2026, 10, 2))])
    crossref.work("10.1000/concern", [relation("expression_of_concern", "10.1000/eoc", (2026, 9, 5))])
    crossref.work("10.1000/plain")  # no updated-by at all
    crossref.work("10.1000/new-version", [relation("new_version", "10.1000/v2")])
    crossref.serve("/works/10.1000/slow", silent=True)
    # 10.1000/unknown: 404, as Crossref answers a DOI it does not know
    names = ["retracted", "withdrawn", "corrected", "concern", "plain", "new-version", "slow", "unknown"]
    return {name: citing(f"10.1000/{name}", title=f"Article sur l’étude {name}") for name in names}


def run(clock, **options):
    return retractions.check_retractions(clock=clock, **options)


def listed(page, article):
    return f'href="/admin/articles/article/{article.pk}/change/' in page.content.decode()


def structured_data(page):
    text = page.content.decode()
    start = text.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    return json.loads(text[start : text.index("</script>", start)])


class TestWhatCrossrefSays:
    def test_each_answer(self, crossref, clock, studies):
        summary = run(clock)
        assert summary.asked == 8
        kinds = {
            name: sorted(SourceUpdate.objects.filter(article=article).values_list("kind", flat=True))
            for name, article in studies.items()
        }
        assert kinds == {
            "retracted": ["retraction"],
            "withdrawn": ["withdrawal"],
            "corrected": ["correction"],
            "concern": ["expression_of_concern"],
            "plain": [],
            "new-version": [],
            "slow": [],
            "unknown": [],
        }
        retraction = SourceUpdate.objects.get(kind="retraction")
        assert retraction.notice_doi == "10.1000/retraction-notice"
        assert retraction.updated_on == datetime.date(2026, 11, 20)
        assert summary.unknown == 1
        assert [doi for doi, _ in summary.errors] == ["10.1000/slow"]
        assert "no answer from Crossref within 2 seconds" in summary.errors[0][1]

    def test_a_hostile_answer_is_read_as_data(self, client, crossref, clock):
        """A notice DOI with quotes, markup, controls or NUL (PostgreSQL refuses NUL) and dates no
        calendar holds: the run goes on, the notice links the work's own DOI, the date is unknown."""
        hostile = '10.1000/X"><script>alert(1)</script>\n?#%zz \u0000'
        crossref.work("10.1000/hostile", [relation("retraction", hostile)])
        crossref.work("10.1000/far", [relation("retraction", "10.1000/far-notice", (10**20, 1, 1))])
        body = b'{"message": {"updated-by": [{"type": "withdrawal", "DOI": "10.1000/w", '
        body += b'"updated": {"date-parts": [[1e999, 1, 1]]}}]}}'
        crossref.serve("/works/10.1000/infinite", body=body, headers={"Content-Type": "application/json"})
        deep = b'{"message": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"  # RecursionError, not ValueError
        crossref.serve("/works/10.1000/deep", body=deep, headers={"Content-Type": "application/json"})
        articles = [citing(f"10.1000/{name}") for name in ("hostile", "far", "infinite", "deep")]
        summary = run(clock)
        assert summary.asked == 4 and len(summary.found) == 3
        assert summary.errors == [("10.1000/deep", "Crossref's answer is not the JSON of a work")]
        updates = {update.doi: update for update in SourceUpdate.objects.all()}
        assert updates["10.1000/hostile"].notice_doi == ""
        assert updates["10.1000/far"].updated_on is None and updates["10.1000/infinite"].updated_on is None
        assert updates["10.1000/far"].notice_doi == "10.1000/far-notice"
        page = client.get(articles[0].get_absolute_url())
        assertContains(page, 'href="https://doi.org/10.1000/hostile"')
        assertNotContains(page, "alert(1)")

    def test_a_status_line_with_controls_is_kept_printable(self, crossref, clock):
        crossref.serve("/works/10.1000/broken", raw=b"HTTP/1.1 500 \x00\x1b[31m\r\n\r\n")
        citing("10.1000/broken")
        summary = run(clock)
        assert summary.asked == 1 and len(summary.errors) == 1
        outcome = DoiCheck.objects.get(doi="10.1000/broken").outcome
        assert "500" in outcome and not any(ord(char) < 32 for char in outcome)

    def test_politely(self, crossref, clock, studies):
        run(clock)
        agents = {headers["User-Agent"] for _, _, headers in crossref.requests}
        assert agents == {"newsroom/1.0 (mailto:veille@example.org)"}
        assert {method for method, _, _ in crossref.requests} == {"GET"}

    def test_a_doi_asked_lately_is_not_asked_again(self, settings, crossref, clock, studies):
        settings.CROSSREF_RECHECK_DAYS = 14
        run(clock)
        asked = len(crossref.requests)
        clock.advance(days=13)
        summary = run(clock)
        # Only the one that did not answer is asked again.
        assert summary.asked == 1 and crossref.requests[asked:][0][1] == "/works/10.1000/slow"
        clock.advance(days=2)
        assert run(clock).asked == 8
        # Nothing is found twice.
        assert SourceUpdate.objects.count() == 4

    def test_the_daily_limit(self, settings, crossref, clock, studies):
        settings.CROSSREF_DAILY_LIMIT = 3
        summary = run(clock)
        assert summary.asked == 3 and "daily limit" in summary.stopped and summary.left_for_tomorrow == 5
        clock.advance(hours=2)
        assert run(clock).asked == 0
        clock.advance(days=1)
        assert run(clock).asked == 3

    def test_crossref_asking_to_slow_down_stops_the_run(self, crossref, clock):
        crossref.serve("/works/10.1000/a", 429)
        crossref.work("10.1000/b")
        citing("10.1000/a")
        citing("10.1000/b")
        summary = run(clock)
        assert summary.asked == 1 and "429" in summary.stopped
        assert crossref.count("/works/10.1000/b") == 0
        crossref.work("10.1000/a")
        assert run(clock).asked == 2  # the next run asks both

    def test_only_the_dois_of_public_articles(self, crossref, clock):
        crossref.work("10.1000/draft", [relation("retraction", "10.1000/x")])
        citing("10.1000/draft", status=Article.Status.DRAFT)
        assert run(clock).asked == 0 and crossref.requests == []

    def test_a_run_leaves_alone_the_dois_another_run_has_claimed(self, crossref, clock, studies):
        retractions.add_missing_checks()
        DoiCheck.objects.filter(doi="10.1000/retracted").update(
            claim="other", claimed_until=clock.moment + datetime.timedelta(minutes=5)
        )
        assert run(clock).asked == 7 and crossref.count("/works/10.1000/retracted") == 0

    def test_the_command(self, crossref, studies):
        out = StringIO()
        call_command("check_retractions", stdout=out)
        text = out.getvalue()
        assert "8 DOIs asked of Crossref: 4 new notices, 1 unknown to Crossref, 1 without an answer." in text
        assert "Retraction: 10.1000/retracted → 10.1000/retraction-notice (shown to readers)" in text
        assert "Correction: 10.1000/corrected → 10.1000/erratum (waits for an editor)" in text
        out = StringIO()
        call_command("check_retractions", stdout=out)
        assert "1 DOIs asked" in out.getvalue()  # the slow one only


class TestReaders:
    def test_a_retraction_is_shown_at_once_at_the_top(self, client, crossref, clock, studies):
        article = studies["retracted"]
        assertNotContains(client.get(article.get_absolute_url()), "rétractée")
        run(clock)
        page = client.get(article.get_absolute_url())
        assertContains(page, "L’étude dont rend compte cet article a été rétractée")
        assertContains(page, '<time datetime="2026-11-20">20 novembre 2026</time>', html=True)
        assertContains(page, 'href="https://doi.org/10.1000/retraction-notice"')
        text = page.content.decode()
        assert text.index("a été rétractée") < text.index("L’essentiel")  # at the top
        corrections = structured_data(page)["correction"]
        assert corrections == [
            {
                "@type": "CorrectionComment",
                "datePublished": "2026-11-20",
                "text": "L’étude dont rend compte cet article (doi:10.1000/retracted) a été rétractée.",
                "url": "https://doi.org/10.1000/retraction-notice",
            }
        ]

    def test_a_withdrawal_too(self, client, crossref, clock, studies):
        run(clock)
        page = client.get(studies["withdrawn"].get_absolute_url())
        assertContains(page, "L’étude dont rend compte cet article a été retirée")

    def test_a_correction_or_a_concern_waits_for_an_editor(self, client, crossref, clock, studies):
        run(clock)
        for name in ("corrected", "concern", "plain"):
            page = client.get(studies[name].get_absolute_url())
            assertNotContains(page, "doi.org/10.1000/erratum")
            assertNotContains(page, "doi.org/10.1000/eoc")
            assert "correction" not in structured_data(page)

    def test_the_page_cache_shows_a_retraction_at_once(self, settings, client, crossref, clock, studies):
        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": str(uuid.uuid4()),
            },
        }
        url = studies["retracted"].get_absolute_url()
        assertNotContains(client.get(url), "a été rétractée")
        run(clock)
        assertContains(client.get(url), "a été rétractée")


class TestEditors:
    def test_every_notice_is_in_the_queue_retractions_first(self, editor_client, crossref, clock, studies):
        # The retracted study's article is the oldest: it comes first all the same.
        older = timezone.now() - datetime.timedelta(days=400)
        Article.objects.filter(pk=studies["retracted"].pk).update(published_at=older)
        run(clock)
        page = editor_client.get(CHANGELIST, QUEUE)
        for name in ("retracted", "withdrawn", "corrected", "concern"):
            assert listed(page, studies[name]), name
        for name in ("plain", "new-version", "slow", "unknown"):
            assert not listed(page, studies[name]), name
        text = page.content.decode()
        rows = sorted(
            ("retracted", "withdrawn", "corrected", "concern"),
            key=lambda name: text.index(f"/admin/articles/article/{studies[name].pk}/change/"),
        )
        assert set(rows[:2]) == {"retracted", "withdrawn"}
        assertContains(page, "Publier une note")
        assertContains(page, "doi:10.1000/corrected")

    def test_publishing_a_note_on_a_correction(self, editor_client, client, crossref, clock, studies):
        run(clock)
        update = SourceUpdate.objects.get(kind="correction")
        response = editor_client.post(f"{CHANGELIST}source-update/{update.pk}/note/")
        assert response.status_code == 302
        note = Correction.objects.get(article=studies["corrected"])
        assert note.kind == Correction.Kind.UPDATE
        assert "a été corrigée par sa revue le 2 octobre 2026 : https://doi.org/10.1000/erratum" in note.text
        page = client.get(studies["corrected"].get_absolute_url())
        assertContains(page, "https://doi.org/10.1000/erratum")
        assert structured_data(page)["correction"][0]["text"] == note.text
        assert not listed(editor_client.get(CHANGELIST, QUEUE), studies["corrected"])

    def test_dismissing_a_concern(self, editor_client, client, crossref, clock, studies):
        run(clock)
        update = SourceUpdate.objects.get(kind="expression_of_concern")
        editor_client.post(f"{CHANGELIST}source-update/{update.pk}/dismiss/")
        assert not Correction.objects.exists()
        assertNotContains(client.get(studies["concern"].get_absolute_url()), "10.1000/eoc")
        assert not listed(editor_client.get(CHANGELIST, QUEUE), studies["concern"])

    def test_a_retraction_seen_stays_public(self, editor_client, client, crossref, clock, studies):
        run(clock)
        update = SourceUpdate.objects.get(kind="retraction")
        editor_client.post(f"{CHANGELIST}source-update/{update.pk}/seen/")
        assert not listed(editor_client.get(CHANGELIST, QUEUE), studies["retracted"])
        assertContains(client.get(studies["retracted"].get_absolute_url()), "a été rétractée")

    def test_a_retraction_cannot_be_dismissed_nor_authors_decide(
        self, editor_client, author_client, crossref, clock, studies
    ):
        run(clock)
        retraction = SourceUpdate.objects.get(kind="retraction")
        assert editor_client.post(f"{CHANGELIST}source-update/{retraction.pk}/dismiss/").status_code == 403
        correction = SourceUpdate.objects.get(kind="correction")
        assert author_client.post(f"{CHANGELIST}source-update/{correction.pk}/note/").status_code == 403
        assert not Correction.objects.exists()
        assert SourceUpdate.objects.pending().count() == 4


def test_the_desk_shows_them_first(editor_client, crossref, clock, studies):
    older = timezone.now() - datetime.timedelta(days=400)
    Article.objects.filter(pk=studies["retracted"].pk).update(published_at=older)
    run(clock)
    text = editor_client.get("/admin/").content.decode()
    panel = text[text.index("Sources rétractées, corrigées ou mortes") :]
    assert text.index("Sources rétractées") < text.index("Brouillons des flux à relire")
    assert "<strong>4</strong> avis sur des études citées à décider" in panel
    assert panel.index(studies["retracted"].title) < panel.index(studies["corrected"].title)
