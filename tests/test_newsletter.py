"""The weekly letter, as readers and editors meet it: the digest's pages and feed, the form with
its double opt-in, the e-mails through a real SMTP server on 127.0.0.1, one-click unsubscribe,
per-tag preferences, rate limits, and the admin's export and deletion.

A run of ``send_digest`` killed halfway, and two runs at once, are in test_newsletter_sending.py.
"""

import datetime
import json
import logging
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.core import signing
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from newsletter import content, limits, tokens
from newsletter.models import Delivery, Digest, Subscriber
from newsletter.weeks import Week

from .factories import make_article

pytestmark = pytest.mark.django_db
SITE = "https://veille.example.org"
READER = "lectrice@example.net"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE
    settings.DEFAULT_FROM_EMAIL = "La veille <lettre@veille.example.org>"


def during(week, days=1, hours=12):
    """A moment inside ``week``: by default Tuesday at noon, Paris time."""
    return week.start + timedelta(days=days, hours=hours)


@pytest.fixture
def weeks():
    """The week before last and the last complete one, each with its articles."""
    last = Week.last_complete()
    before = last.previous
    make_article(
        title="Vaccin : la une de la semaine",
        importance=4,
        published_at=during(before),
        tags=["Santé publique"],
    )
    make_article(
        title="Un essai en cardiologie",
        importance=2,
        published_at=during(before, 2),
        tags=["Cardiologie", "Essais"],
    )
    make_article(title="Une étude en oncologie", published_at=during(before, 3), tags=["Oncologie"])
    make_article(
        title="Un brouillon de la semaine",
        status=Article.Status.DRAFT,
        published_at=during(before, 4),
        tags=["Oncologie"],
    )
    make_article(
        title="Un article hors semaine", published_at=before.start - timedelta(minutes=1), tags=["Oncologie"]
    )
    make_article(title="Dimanche soir, encore la semaine", published_at=before.end - timedelta(minutes=1))
    make_article(title="La semaine suivante", published_at=during(last), tags=["Oncologie"])
    return before, last


def links_in(text):
    return re.findall(r"https://\S+", text)


def path_of(url):
    assert url.startswith(SITE + "/"), url
    return urlsplit(url).path


def subscribe(client, django_capture_on_commit_callbacks, email=READER, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/newsletter/", {"email": email, "language": "fr", **data})


def test_the_whole_cycle_through_a_real_smtp_server(
    client, smtp_server, weeks, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.DEBUG)
    before, last = weeks
    other = Subscriber.objects.create(email="autre@example.net", status=Subscriber.Status.CONFIRMED)

    # Subscribe: a page that says to check the inbox, and an e-mail with a link to confirm.
    form = client.get("/newsletter/")
    assertContains(form, 'name="csrfmiddlewaretoken"')
    assert "no-store" in form["Cache-Control"] or "no-cache" in form["Cache-Control"]
    response = subscribe(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == "/newsletter/check-your-inbox/"
    assert Subscriber.objects.get(email=READER).status == Subscriber.Status.PENDING
    [confirmation] = smtp_server.to(READER)
    assert "confirm" in confirmation["Subject"].lower() or "confirmez" in confirmation["Subject"].lower()
    [confirm_url] = [url for url in links_in(smtp_server.text(confirmation)) if "/newsletter/confirm/" in url]

    # Confirm: the link shows a button (a link scanner does not press it), the button confirms.
    page = client.get(path_of(confirm_url))
    assertContains(page, "<button")
    assert Subscriber.objects.get(email=READER).status == Subscriber.Status.PENDING
    client.post(path_of(confirm_url))
    assert Subscriber.objects.get(email=READER).status == Subscriber.Status.CONFIRMED

    # The digest of the week before last: top story first, then by tag, with the site's identity.
    call_command("send_digest", "--week", before.label, stdout=(out := _Out()))
    assert "sent 2, already sent 0" in out.text
    [digest] = [m for m in smtp_server.to(READER) if m is not confirmation]
    assert len(smtp_server.to("autre@example.net")) == 1
    text, html = smtp_server.text(digest), smtp_server.text(digest, "html")
    titles = [
        "Vaccin : la une de la semaine",
        "Un essai en cardiologie",
        "Dimanche soir, encore la semaine",
        "Une étude en oncologie",
    ]
    for title in titles:
        assert title in text and title in html
    assert text.index("Vaccin") < text.index("Cardiologie") < text.index("Un essai") < text.index("Oncologie")
    for absent in ("Un brouillon de la semaine", "Un article hors semaine", "La semaine suivante"):
        assert absent not in text and absent not in html
    assert "Newsroom" in digest["Subject"] and "Newsroom" in html
    assert "la semaine du" in digest["Subject"] and "À la une" in text  # in the reader's language
    unsubscribe_header = digest["List-Unsubscribe"].strip()  # folded: the line is long
    assert re.fullmatch(r"<https://veille\.example\.org/newsletter/unsubscribe/[^>]+/>", unsubscribe_header)
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = unsubscribe_header.strip("<>")
    assert unsubscribe_url in text and unsubscribe_url in html  # a visible link too
    assert re.findall(r"<img[^>]+src=\"(?!cid:)", html) == []  # nothing fetched, nothing tracked
    assert all(url.startswith(SITE) for url in re.findall(r'href="([^"]+)"', html))

    # The same week again sends nothing, to anyone.
    received = len(smtp_server.messages)
    call_command("send_digest", "--week", before.label, stdout=(out := _Out()))
    assert len(smtp_server.messages) == received
    assert "sent 0, already sent 2" in out.text

    # One-click unsubscribe, as a mail provider does it: a POST with no cookie and no CSRF token.
    provider = Client(enforce_csrf_checks=True)
    response = provider.post(
        path_of(unsubscribe_url),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert Subscriber.objects.get(email=READER).status == Subscriber.Status.UNSUBSCRIBED

    # The next week reaches the other reader, and nothing reaches the one who left.
    call_command("send_digest", "--week", last.label, stdout=_Out())
    assert len(smtp_server.to(READER)) == 2
    assert len(smtp_server.to("autre@example.net")) == 2
    assert Delivery.objects.filter(subscriber=other, sent_at__isnull=False).count() == 2

    # Never an address in the site's logs (the test's SMTP server, aiosmtpd, logs its own).
    logged = " ".join(
        record.getMessage() for record in caplog.records if not record.name.startswith("mail.log")
    )
    assert logged and READER not in logged and "autre@example.net" not in logged


class _Out:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_without_a_week_the_last_complete_one_is_sent(smtp_server, weeks, monkeypatch):
    _before, last = weeks
    # The week the fixture wrote stays the last complete one for the command, even if Monday
    # 00:00 in Paris passes between the two.
    monkeypatch.setattr(Week, "current", classmethod(lambda cls, now=None: last.next))
    Subscriber.objects.create(email=READER, status=Subscriber.Status.CONFIRMED)
    call_command("send_digest", stdout=_Out())
    [message] = smtp_server.to(READER)
    assert "La semaine suivante" in smtp_server.text(message)
    assert Digest.objects.get().week_start == last.monday


def test_a_dry_run_sends_and_writes_nothing(smtp_server, weeks):
    before, _last = weeks
    Subscriber.objects.create(email=READER, status=Subscriber.Status.CONFIRMED)
    call_command("send_digest", "--week", before.label, "--dry-run", stdout=(out := _Out()))
    assert "would send to 1 readers" in out.text
    assert smtp_server.messages == [] and not Digest.objects.exists()


def test_the_command_refuses_a_bad_week_a_week_not_over_and_plain_http(settings, weeks):
    with pytest.raises(CommandError, match="YYYY-Www"):
        call_command("send_digest", "--week", "2024-21")
    with pytest.raises(CommandError, match="no such week"):
        call_command("send_digest", "--week", "2024-W54")
    with pytest.raises(CommandError, match="not over"):
        call_command("send_digest", "--week", Week.current().label)
    settings.SITE_URL = "http://veille.example.org"
    with pytest.raises(CommandError, match="https"):
        call_command("send_digest", "--week", weeks[0].label)


def test_pending_and_unsubscribed_readers_receive_nothing(smtp_server, weeks):
    Subscriber.objects.create(email="attente@example.net")
    Subscriber.objects.create(email="partie@example.net", status=Subscriber.Status.UNSUBSCRIBED)
    call_command("send_digest", "--week", weeks[0].label, stdout=_Out())
    assert smtp_server.messages == []


def test_a_reader_of_some_tags_receives_the_top_stories_and_those_tags(smtp_server, weeks):
    reader = Subscriber.objects.create(email=READER, status=Subscriber.Status.CONFIRMED)
    reader.tags.set([_tag("Essais")])
    call_command("send_digest", "--week", weeks[0].label, stdout=_Out())
    text = smtp_server.text(smtp_server.to(READER)[0])
    assert "Vaccin : la une de la semaine" in text
    assert "Un essai en cardiologie" in text  # tagged Cardiologie and Essais: under Essais here
    assert "Une étude en oncologie" not in text and "Dimanche soir" not in text


def _tag(name):
    from articles.models import Tag

    return Tag.objects.get(name=name)


def test_the_refused_address_is_tried_again_next_time(smtp_server, weeks, monkeypatch):
    Subscriber.objects.create(email="refusee@example.net", status=Subscriber.Status.CONFIRMED)
    Subscriber.objects.create(email=READER, status=Subscriber.Status.CONFIRMED)
    smtp_server.refuse = {"refusee@example.net"}
    call_command("send_digest", "--week", weeks[0].label, stdout=(out := _Out()))
    assert "sent 1, already sent 0, refused by the server 1" in out.text
    delivery = Delivery.objects.get(subscriber__email="refusee@example.net")
    assert delivery.sent_at is None and delivery.last_error.startswith("550")
    assert "refusee@" not in delivery.last_error
    smtp_server.refuse = set()
    call_command("send_digest", "--week", weeks[0].label, stdout=(out := _Out()))
    assert "sent 1, already sent 1" in out.text
    assert len(smtp_server.to("refusee@example.net")) == 1 and len(smtp_server.to(READER)) == 1


def test_an_address_no_message_can_hold_is_refused_and_the_run_goes_on(smtp_server, weeks, caplog):
    """Typed in the admin or imported: Django's ValueError, which names the address, stopped the run
    for every reader after it, week after week."""
    Subscriber.objects.create(email=READER, status=Subscriber.Status.CONFIRMED)
    for email in ("a@b@c.example", "x@" + "ü" * 60 + ".net", "<a@b.net>, c@d.net"):
        Subscriber.objects.create(email=email, status=Subscriber.Status.CONFIRMED)  # sent to first
    call_command("send_digest", "--week", weeks[0].label, stdout=(out := _Out()))
    assert "sent 1, already sent 0, refused by the server 3" in out.text
    assert len(smtp_server.to(READER)) == 1
    errors = set(Delivery.objects.filter(sent_at__isnull=True).values_list("last_error", flat=True))
    assert errors == {"not an address an e-mail can be sent to"}
    assert "@" not in " ".join(record.getMessage() for record in caplog.records if record.name != "mail.log")


class TestDigestPages:
    def test_the_week_page_lists_top_stories_first_then_by_tag(self, client, weeks):
        before, _last = weeks
        response = client.get(f"/digest/{before.label}/")
        assert response.status_code == 200
        page = response.content.decode()
        assert (
            page.index("Vaccin")
            < page.index("Cardiologie")
            < page.index("Un essai")
            < page.index("Oncologie")
            < page.index("Une étude")
        )
        assertNotContains(response, "Un brouillon de la semaine")
        assertNotContains(response, "Un article hors semaine")
        assertNotContains(response, "La semaine suivante")
        assertContains(response, 'href="/newsletter/"')

    def test_in_english_too(self, client, weeks):
        response = client.get(f"/en/digest/{weeks[0].label}/")
        assertContains(response, "Top stories")
        assertContains(response, '<html lang="en">')

    def test_a_newly_published_article_shows_at_once_with_the_page_cache_on(self, client, settings, weeks):
        import uuid

        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": str(uuid.uuid4()),
            },
        }
        before, _last = weeks
        url = f"/digest/{before.label}/"
        assertNotContains(client.get(url), "Publiée après coup")
        assert client.get(url).status_code == 200
        make_article(title="Publiée après coup", published_at=during(before, 5))
        assertContains(client.get(url), "Publiée après coup")

    def test_weeks_without_articles_or_to_come_are_not_found(self, client, weeks):
        assert client.get(f"/digest/{weeks[0].previous.previous.label}/").status_code == 404
        assert client.get(f"/digest/{Week.current().next.label}/").status_code == 404
        assert client.get("/digest/2024-W60/").status_code == 404

    def test_a_week_has_one_address_and_odd_years_are_not_found(self, client, weeks):
        before, _last = weeks
        arabic = before.label.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
        fullwidth = before.label.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        for label in (arabic, fullwidth):
            assert client.get(f"/digest/{label}/").status_code == 404
        # 0001-W01 starts before the first date Python holds in UTC; 9999-W52 ends after the last.
        for label in ("0001-W01", "0000-W01", "9999-W52", "2026-W00", "2026-W54"):
            assert client.get(f"/digest/{label}/").status_code == 404
            with pytest.raises(CommandError, match="week"):
                call_command("send_digest", "--week", label, stdout=_Out())

    def test_the_index_and_the_feed_list_past_weeks(self, client, weeks):
        before, last = weeks
        index = client.get("/digest/")
        assertContains(index, f'href="/digest/{before.label}/"')
        assertContains(index, f'href="/digest/{last.label}/"')
        feed = client.get("/digest/feed/")
        assert feed.status_code == 200
        body = feed.content.decode()
        assert f"/digest/{before.label}/" in body and "Vaccin : la une de la semaine" in body
        assert "Un brouillon" not in body

    @pytest.mark.parametrize(("minutes", "listed"), [(30, 0), (-30, 1)])
    def test_an_article_around_monday_midnight_is_in_its_paris_week(self, client, minutes, listed):
        """Monday 00:30 in Paris is Sunday 22:30 or 23:30 in UTC: the index and the feed read UTC
        hours, and give the article to the week Paris says."""
        last = Week.last_complete()
        make_article(title="Minuit passé", published_at=last.start + timedelta(minutes=minutes))
        shown, other = (last, last.previous)[listed], (last, last.previous)[1 - listed]

        for url in ("/digest/", "/digest/feed/"):
            body = client.get(url).content.decode()
            assert f"/digest/{shown.label}/" in body, url
            assert f"/digest/{other.label}/" not in body, url
        assert "Minuit passé" in client.get(f"/digest/{shown.label}/").content.decode()

    def test_the_digest_pages_are_valid_for_the_browser(self, client, weeks):
        response = client.get(f"/digest/{weeks[0].label}/")
        assert "style=" not in response.content.decode()
        assert "<script" not in response.content.decode()


class TestALongWeek:
    """A digest holds DIGEST_LENGTH articles (here 3 of the week's 4): the most important, then the
    latest; the page, the e-mail and the feed say the week had more and where all of them are."""

    @pytest.fixture(autouse=True)
    def three(self, monkeypatch):
        monkeypatch.setattr(content, "DIGEST_LENGTH", 3)

    def test_the_page_holds_the_most_important_then_the_latest_and_links_the_archives(self, client, weeks):
        before, _last = weeks
        page = client.get(f"/digest/{before.label}/").content.decode()

        assert "Vaccin : la une" in page and "Un essai en cardiologie" in page and "Dimanche soir" in page
        assert "Une étude en oncologie" not in page  # no importance, and older than « Dimanche soir »
        assert "Cette semaine a compté plus d’articles qu’une lettre n’en tient" in page
        months = {(before.monday.year, before.monday.month), (before.sunday.year, before.sunday.month)}
        for year, month in months:
            assert f'href="/archives/{year}/{month:02d}/"' in page
            assert client.get(f"/archives/{year}/{month:02d}/").status_code == 200

    def test_a_week_across_two_months_links_both(self, client):
        week = Week.of(datetime.date(2025, 6, 30))  # Monday 30 June to Sunday 6 July
        make_article(title="Fin juin", published_at=during(week, 0))
        make_article(title="Début juillet", published_at=during(week, 4))
        make_article(title="Encore juillet", published_at=during(week, 5))
        make_article(title="Dimanche de juillet", published_at=during(week, 6))

        page = client.get(f"/digest/{week.label}/").content.decode()

        assert "Fin juin" not in page and "Dimanche de juillet" in page
        assert (
            '<a href="/archives/2025/06/">juin 2025</a>, <a href="/archives/2025/07/">juillet 2025</a>.'
            in page
        )

    def test_a_month_of_the_week_without_a_public_article_is_not_linked(self, client):
        """Its archive answers 404: the week in progress when a month begins, a site's first week."""
        week = Week.of(datetime.date(2025, 6, 30))  # Monday 30 June to Sunday 6 July
        for day in (3, 4, 5, 6):
            make_article(title=f"Juillet {day}", published_at=during(week, day))
        make_article(title="Brouillon de juin", published_at=during(week, 0), status=Article.Status.DRAFT)

        page = client.get(f"/digest/{week.label}/").content.decode()

        assert "Juillet 3" not in page and "Juillet 6" in page
        assert '<a href="/archives/2025/07/">juillet 2025</a>.' in page and "/archives/2025/06/" not in page
        assert client.get("/archives/2025/06/").status_code == 404

    @pytest.mark.skipif(
        connection.vendor != "sqlite", reason="SQLite's plan; PostgreSQL's hangs on its statistics"
    )
    def test_the_most_important_articles_are_found_in_the_index_alone(self, client, weeks):
        """The articles a digest holds are picked by importance among all its week's: from the
        lists' index, not from the table (2,740 rows read a week at 1,000,000 articles)."""
        before, _last = weeks
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/digest/{before.label}/").status_code == 200
        (cards,) = [query["sql"] for query in captured if '"importance" DESC' in query["sql"]]
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {cards}")  # noqa: S608 -- the page's own SQL, values inline
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
        assert "USING COVERING INDEX article_public_idx" in plan, plan

    def test_a_week_of_exactly_the_length_says_nothing_more(self, client, weeks):
        before, _last = weeks
        Article.objects.filter(title="Une étude en oncologie").update(status=Article.Status.DRAFT)

        page = client.get(f"/digest/{before.label}/").content.decode()

        assert "Dimanche soir" in page and "plus d’articles qu’une lettre" not in page

    def test_the_e_mail_and_the_feed_say_it_too(self, client, smtp_server, weeks):
        before, _last = weeks
        Subscriber.objects.create(email=READER, status=Subscriber.Status.CONFIRMED)
        call_command("send_digest", "--week", before.label, stdout=_Out())

        text = smtp_server.text(smtp_server.to(READER)[0])
        assert "Une étude en oncologie" not in text and "Dimanche soir" in text
        assert "plus d’articles qu’une lettre n’en tient" in text
        assert f"{SITE}/archives/{before.monday.year}/{before.monday.month:02d}/" in links_in(text)
        feed = client.get("/digest/feed/").content.decode()
        assert "Une étude en oncologie" not in feed and "plus d’articles qu’une lettre" in feed
        month = f"http://testserver/archives/{before.monday.year}/{before.monday.month:02d}/"
        assert f'&lt;a href="{month}"&gt;' in feed  # the description is HTML, escaped in the XML


class TestSubscription:
    def test_the_form_needs_its_csrf_token(self, weeks):
        browser = Client(enforce_csrf_checks=True)
        assert browser.post("/newsletter/", {"email": READER, "language": "fr"}).status_code == 403
        assert not Subscriber.objects.exists()

    def test_a_bad_address_is_said_and_nothing_is_stored(self, client):
        response = client.post("/newsletter/", {"email": "pas une adresse", "language": "fr"})
        assert response.status_code == 400
        assertContains(response, "pas une adresse", status_code=400)  # given back to correct it
        assert not Subscriber.objects.exists()

    def test_an_address_no_reader_has_is_refused(
        self, client, smtp_server, django_capture_on_commit_callbacks
    ):
        """Quoted local parts and domains that are an IP address or a single name: EmailField takes
        them, and the site's SMTP server would deliver to the address inside its network."""
        for email in (
            '"a,b@evil.example"@example.net',
            '"a\x01b"@example.net',
            "x@[10.0.0.1]",
            "x@localhost",
            "x@" + "ü" * 60 + ".net",  # EmailField takes it; its punycode label is too long to send
            "x@\xad.net",  # a soft hyphen alone: an empty label
        ):
            response = subscribe(client, django_capture_on_commit_callbacks, email=email)
            assertContains(response, "Donnez une adresse sur un nom de domaine", status_code=400)
        assert not Subscriber.objects.exists() and smtp_server.messages == []
        assert (
            subscribe(
                client, django_capture_on_commit_callbacks, email="o'brien+lettre@exämple.fr"
            ).status_code
            == 302
        )

    def test_the_page_says_the_same_whoever_the_address_is(
        self, client, smtp_server, django_capture_on_commit_callbacks
    ):
        Subscriber.objects.create(email="abonnee@example.net", status=Subscriber.Status.CONFIRMED)
        Subscriber.objects.create(email="attente@example.net")
        answers = [
            subscribe(client, django_capture_on_commit_callbacks, email=email)
            for email in ("nouvelle@example.net", "attente@example.net", "abonnee@example.net")
        ]
        assert {(answer.status_code, answer["Location"]) for answer in answers} == {
            (302, "/newsletter/check-your-inbox/")
        }
        page = client.get("/newsletter/check-your-inbox/")
        for email in ("nouvelle@example.net", "attente@example.net", "abonnee@example.net"):
            assertNotContains(page, email)
            assert len(smtp_server.to(email)) == 1
        # The confirmed reader is told so, with a link to the preferences: still subscribed, unchanged.
        [told] = smtp_server.to("abonnee@example.net")
        assert "/newsletter/preferences/" in smtp_server.text(told)
        assert Subscriber.objects.get(email="abonnee@example.net").status == Subscriber.Status.CONFIRMED

    def test_one_address_gets_at_most_three_emails_a_day(
        self, client, smtp_server, django_capture_on_commit_callbacks
    ):
        for _ in range(6):
            response = subscribe(client, django_capture_on_commit_callbacks, email="Cible@Example.net")
            assert response.status_code == 302
        assert len(smtp_server.to("cible@example.net")) == limits.EMAILS_PER_ADDRESS == 3
        assert Subscriber.objects.count() == 1

    def test_one_client_may_use_the_form_twenty_times_a_day(
        self, client, smtp_server, django_capture_on_commit_callbacks
    ):
        for number in range(limits.FORMS_PER_CLIENT):
            assert (
                subscribe(
                    client, django_capture_on_commit_callbacks, email=f"a{number}@example.net"
                ).status_code
                == 302
            )
        refused = subscribe(client, django_capture_on_commit_callbacks, email="encore@example.net")
        assert refused.status_code == 429
        assert not Subscriber.objects.filter(email="encore@example.net").exists()
        # Another client is not held back.
        other = Client(REMOTE_ADDR="192.0.2.7")
        assert (
            subscribe(other, django_capture_on_commit_callbacks, email="encore@example.net").status_code
            == 302
        )

    def test_no_address_is_stored_with_the_attempts(
        self, client, smtp_server, django_capture_on_commit_callbacks
    ):
        from newsletter.models import SubscriptionAttempt

        subscribe(client, django_capture_on_commit_callbacks)
        stored = list(SubscriptionAttempt.objects.values_list("digest", flat=True))
        assert len(stored) == 2 and all(READER not in value and "127.0.0.1" not in value for value in stored)

    def test_tags_chosen_on_the_form_and_changed_later(
        self, client, smtp_server, weeks, django_capture_on_commit_callbacks
    ):
        oncology = _tag("Oncologie")
        subscribe(client, django_capture_on_commit_callbacks, tags=[oncology.pk])
        reader = Subscriber.objects.get(email=READER)
        assert list(reader.tags.all()) == [oncology]
        reader.confirm()
        url = f"/newsletter/preferences/{tokens.make(reader, tokens.PREFERENCES)}/"
        page = client.get(url)
        assertContains(page, "Cardiologie")
        assertNotContains(page, READER)
        client.post(url, {"tags": [_tag("Cardiologie").pk], "language": "en"})
        reader.refresh_from_db()
        assert [tag.name for tag in reader.tags.all()] == ["Cardiologie"] and reader.language == "en"


class TestTokens:
    def test_a_token_serves_its_purpose_only_and_a_tampered_one_nothing(self, client):
        reader = Subscriber.objects.create(email=READER, status=Subscriber.Status.CONFIRMED)
        confirm = tokens.make(reader, tokens.CONFIRM)
        assert client.post(f"/newsletter/unsubscribe/{confirm}/").status_code == 404
        assert client.post(f"/newsletter/unsubscribe/{confirm[:-2]}xx/").status_code == 404
        reader.refresh_from_db()
        assert reader.status == Subscriber.Status.CONFIRMED

    def test_a_confirmation_link_does_not_undo_an_unsubscription(self, client):
        reader = Subscriber.objects.create(email=READER)
        confirm = tokens.make(reader, tokens.CONFIRM)
        assert client.post(f"/newsletter/confirm/{confirm}/").status_code == 200
        assert (
            client.post(f"/newsletter/unsubscribe/{tokens.make(reader, tokens.UNSUBSCRIBE)}/").status_code
            == 200
        )
        assert client.get(f"/newsletter/confirm/{confirm}/").status_code == 404
        assert client.post(f"/newsletter/confirm/{confirm}/").status_code == 404
        reader.refresh_from_db()
        assert reader.status == Subscriber.Status.UNSUBSCRIBED

    def test_an_expired_confirmation_does_nothing(self, client, monkeypatch):
        reader = Subscriber.objects.create(email=READER)
        token = tokens.make(reader, tokens.CONFIRM)
        monkeypatch.setitem(tokens.MAX_AGE, tokens.CONFIRM, timedelta(seconds=-1))
        response = client.post(f"/newsletter/confirm/{token}/")
        assert response.status_code == 404
        assertContains(response, "Il a expiré", status_code=404)
        reader.refresh_from_db()
        assert reader.status == Subscriber.Status.PENDING

    def test_a_deleted_reader_s_links_lead_nowhere(self, client):
        reader = Subscriber.objects.create(email=READER, status=Subscriber.Status.CONFIRMED)
        token = tokens.make(reader, tokens.UNSUBSCRIBE)
        reader.delete()
        assert client.post(f"/newsletter/unsubscribe/{token}/").status_code == 404
        assert signing.loads(token, salt="newsletter.unsubscribe")  # a real token, of nobody now


class TestAdmin:
    @pytest.fixture
    def admin_client(self, client):
        client.force_login(
            User.objects.create_superuser("admin", "admin@example.org", "mot-de-passe-de-test")
        )
        return client

    def test_a_reader_s_data_exported_as_json_then_deleted(self, admin_client, smtp_server, weeks):
        reader = Subscriber.objects.create(email=READER, status=Subscriber.Status.CONFIRMED)
        reader.tags.set([_tag("Oncologie")])
        call_command("send_digest", "--week", weeks[0].label, stdout=_Out())
        response = admin_client.post(
            "/admin/newsletter/subscriber/", {"action": "export_json", "_selected_action": [reader.pk]}
        )
        assert response["Content-Type"].startswith("application/json")
        assert "attachment" in response["Content-Disposition"]
        [data] = json.loads(response.content)
        assert data["email"] == READER and data["tags"] == ["Oncologie"]
        assert [entry["week"] for entry in data["digests_received"]] == [weeks[0].label]

        admin_client.post(f"/admin/newsletter/subscriber/{reader.pk}/delete/", {"post": "yes"})
        assert not Subscriber.objects.exists() and not Delivery.objects.exists()
        from django.contrib.admin.models import LogEntry

        assert READER not in " ".join(LogEntry.objects.values_list("object_repr", flat=True))

    def test_the_digests_list_counts_what_was_sent(self, admin_client, smtp_server, weeks):
        Subscriber.objects.create(email=READER, status=Subscriber.Status.CONFIRMED)
        call_command("send_digest", "--week", weeks[0].label, stdout=_Out())
        assertContains(admin_client.get("/admin/newsletter/digest/"), weeks[0].label)
