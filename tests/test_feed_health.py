"""Feed health: every run recorded, a failing feed retried less often, a silent one flagged.

The time is a clock the test holds (``intake.health.clock``, which the runs, the command and the
sources' admin all read); the feeds are served on 127.0.0.1 by a real HTTP server.
"""

import datetime
import json
import re
import subprocess
import sys
import threading
import time
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from intake import health
from intake.ingest import claim
from intake.models import FeedRun, IngestedItem

from .factories import client_for, staff
from .feed_server import FeedServer
from .servers import PROJECT, manage, process_env
from .test_ingest import WORDPRESS, ingest, make_source

SOURCES = "/admin/intake/source/"
HOUR = datetime.timedelta(hours=1)


class Clock:
    """The time as the test says it is."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += datetime.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    held = Clock(timezone.make_aware(datetime.datetime(2026, 12, 1, 9, 0)))
    monkeypatch.setattr(health, "clock", held)
    return held


@pytest.fixture
def server():
    with FeedServer() as feed_server:
        yield feed_server


@pytest.fixture
def editor_client(client, db):
    return client_for(client, staff("redactrice", "Editors"))


def fetches(server, path):
    return server.paths().count(path)


@pytest.mark.django_db
class TestBackoff:
    def test_a_failing_feed_waits_twice_as_long_after_each_failure_up_to_a_day_then_normally_after_a_success(
        self, server, clock, settings
    ):
        settings.INGEST_INTERVAL = 60
        url = server.serve("/feed", b"", status=503)
        source = make_source("Down", url)
        started = clock()

        waits = []
        for _attempt in range(7):
            before = fetches(server, "/feed")
            ingest()
            assert fetches(server, "/feed") == before + 1
            source.refresh_from_db()
            wait = source.next_fetch_at - clock()
            waits.append(wait / HOUR)
            # Not a minute before its time: a scheduled run then leaves it alone.
            clock.now = source.next_fetch_at - datetime.timedelta(minutes=2)
            out, err, status = ingest()
            assert fetches(server, "/feed") == before + 1
            assert "1 failing feed(s) waiting for their next try" in out
            clock.now = source.next_fetch_at

        assert waits == [2, 4, 8, 16, 24, 24, 24]
        assert source.consecutive_failures == 7
        assert source.failing_since == started
        assert source.last_success_at is None
        assert FeedRun.objects.filter(source=source, outcome=FeedRun.Outcome.FAILED).count() == 7

        server.serve("/feed", "rss1.xml")
        ingest()
        source.refresh_from_db()
        assert (source.consecutive_failures, source.failing_since, source.next_fetch_at) == (0, None, None)
        assert source.last_success_at == clock()
        run = source.runs.first()
        assert (run.outcome, run.items_new, run.items_seen) == (FeedRun.Outcome.OK, 1, 1)

        clock.advance(hours=1)  # the next scheduled run fetches it again
        ingest()
        assert fetches(server, "/feed") == 9

    def test_the_wait_starts_from_the_normal_interval(self, server, clock, settings):
        settings.INGEST_INTERVAL = 15
        source = make_source("Down", server.serve("/feed", b"", status=500))

        ingest()

        source.refresh_from_db()
        assert source.next_fetch_at == clock() + datetime.timedelta(minutes=30)

    def test_failed_fetches_only_the_failing_sources_whatever_their_wait_and_force_every_one(
        self, server, clock
    ):
        make_source("Down", server.serve("/down", b"", status=500))
        make_source("Up", server.serve("/up", "rss1.xml"))
        ingest()
        clock.advance(minutes=5)

        out, err, status = ingest("--failed")

        assert sorted(server.paths()[:2]) == ["/down", "/up"] and server.paths()[2:] == ["/down"]
        assert "feeds: fetched 0, not modified 0, failed 1" in out
        clock.advance(minutes=5)

        ingest("--force")

        assert sorted(server.paths()[3:]) == ["/down", "/up"]
        assert ingest("--failed", "--source", "Up")[2] == 2

    def test_a_source_named_is_fetched_whatever_its_wait(self, server, clock):
        source = make_source("Down", server.serve("/down", b"", status=500))
        ingest()
        clock.advance(minutes=1)

        ingest("--source", "Down")

        assert fetches(server, "/down") == 2
        source.refresh_from_db()
        assert source.consecutive_failures == 2


@pytest.mark.django_db
class TestStaleness:
    def test_a_feed_with_no_new_item_for_the_configured_days_is_flagged_silent(
        self, server, clock, settings, editor_client
    ):
        settings.INGEST_STALE_DAYS = 14
        source = make_source("Quiet", server.serve("/feed", "rss1.xml"))
        ingest()
        source.refresh_from_db()
        assert source.last_new_item_at == clock()

        clock.advance(days=14)
        ingest()  # fetched, nothing new
        assertContains(editor_client.get(SOURCES), '<span class="feed-state feed-ok">OK</span>', html=True)
        assertContains(editor_client.get(SOURCES + "?state=stale"), "0 sources")

        clock.advance(hours=1)
        ingest()

        source.refresh_from_db()
        assert source.last_success_at == clock()
        assert health.state(source, clock()).key == health.STALE
        response = editor_client.get(SOURCES + "?state=stale")
        assertContains(
            response, '<span class="feed-state feed-stale">Silencieux depuis 14 jours</span>', html=True
        )
        assertContains(editor_client.get("/en/admin/intake/source/?state=stale"), "Silent for 14 days")
        assertNotContains(editor_client.get(SOURCES + "?state=ok"), "Quiet")

        settings.INGEST_STALE_DAYS = 30
        assertContains(editor_client.get(SOURCES + "?state=ok"), "Quiet")

    def test_a_new_item_ends_the_silence(self, server, clock, settings):
        settings.INGEST_STALE_DAYS = 3
        source = make_source("Quiet", server.serve("/feed", "rss1.xml"))
        ingest()
        clock.advance(days=5)
        source.refresh_from_db()
        assert health.state(source, clock()).key == health.STALE

        server.serve("/feed", "atom.xml")
        ingest()

        source.refresh_from_db()
        assert health.state(source, clock()).key == health.OK
        assert source.last_new_item_at == clock()


@pytest.mark.django_db
class TestRunsAndTheSourcesList:
    def test_every_run_is_recorded_from_a_file_as_from_the_network_its_error_in_the_readers_language(
        self, server, clock, editor_client
    ):
        source = make_source("Gone", server.serve("/gone", b"", status=410))
        ingest()
        clock.advance(minutes=3)
        ingest("--source", "Gone", WORDPRESS)

        failed, from_file = source.runs.order_by("started_at")
        assert (failed.outcome, failed.error_code, failed.location) == ("failed", "status", "")
        assert failed.error_params["status"] == 410
        assert (from_file.outcome, from_file.items_new, from_file.location) == ("ok", 4, WORDPRESS)
        source.refresh_from_db()
        assert source.consecutive_failures == 1  # a file says nothing of the feed's address

        source.items.update(first_seen_at=clock())  # seen by the held clock
        page = editor_client.get(f"{SOURCES}{source.pk}/change/")
        assertContains(page, f"{source.feed_url} : le serveur a répondu 410 Gone")
        assertContains(page, WORDPRESS)
        assertContains(page, '<div class="readonly">0,1</div>', html=True)  # items per day: 4 in 30 days
        assertContains(page, "En échec depuis le 1 décembre (1 essai)")
        english = editor_client.get(f"/en/admin/intake/source/{source.pk}/change/")
        assertContains(english, f"{source.feed_url}: the server answered 410 Gone")
        assertContains(english, "Failing since 1 December (1 attempt)")

    def test_the_list_shows_each_state_a_sparkline_of_30_days_and_filters_by_state(
        self, server, clock, editor_client, django_assert_max_num_queries
    ):
        make_source("Down", server.serve("/down", b"", status=500))
        up = make_source("Up", server.serve("/up", "wordpress.xml"))
        make_source("Never", "https://never.example.org/feed", next_fetch_at=clock() + 10 * HOUR)
        ingest()
        clock.advance(hours=2)
        ingest()
        # Items seen over the month: 2 today, 2 ten days ago, none before.
        up.items.update(first_seen_at=clock())
        IngestedItem.objects.filter(pk__in=list(up.items.values_list("pk", flat=True)[:2])).update(
            first_seen_at=clock() - datetime.timedelta(days=10)
        )

        with django_assert_max_num_queries(20):
            response = editor_client.get(SOURCES)

        html = response.content.decode()
        assertContains(
            response,
            '<span class="feed-state feed-failing">En échec depuis le 1 décembre (2 essais)</span>',
            html=True,
        )
        assertContains(response, '<span class="feed-state feed-ok">OK</span>', html=True)
        assertContains(response, '<span class="feed-state feed-new">Pas encore récupéré</span>', html=True)
        assert html.count('<svg class="feed-sparkline"') == 3
        assert "style=" not in html
        bars = re.findall(r'<rect class="bar bar-in"[^>]*height="([\d.]+)"><title>([^<]*)</title>', html)
        assert len(bars) == 3 * 30
        tall = [title for height, title in bars if float(height) > 0]
        assert len(tall) == 2 and all(": 2 éléments reçus" in title for title in tall), tall

        failing = editor_client.get(SOURCES + "?state=failing")
        assertContains(failing, "Down")
        assertNotContains(failing, "never.example.org")
        assertContains(editor_client.get(SOURCES + "?state=new"), "never.example.org")


# Committed for real, as in production: the task runs when the request's transaction commits.
@pytest.mark.django_db(transaction=True)
def test_fetch_now_runs_the_source_and_says_how_it_went(server, client):
    # Rights of its own: the groups are migrations' rows, which another test's flush may have taken.
    curator = User.objects.create_user("curatrice", password="mot-de-passe-de-test", is_staff=True)
    curator.user_permissions.add(*Permission.objects.filter(content_type__model="source"))
    editor_client = client_for(client, curator)
    source = make_source("Up", server.serve("/up", "wordpress.xml"))
    change = f"{SOURCES}{source.pk}/change/"
    page = editor_client.get(change)
    assertContains(page, f'action="{SOURCES}{source.pk}/fetch/"')

    response = editor_client.post(f"{SOURCES}{source.pk}/fetch/", follow=True)

    assert response.redirect_chain == [(change, 302)]
    assertContains(response, "Récupéré : 4 nouveaux éléments.")
    assert Article.objects.count() == 4
    assert source.runs.get().items_new == 4

    server.serve("/up", b"", status=500)
    response = editor_client.post(f"{SOURCES}{source.pk}/fetch/", follow=True)
    assertContains(response, "La récupération a échoué : ")
    assertContains(response, "le serveur a répondu 500")


@pytest.mark.django_db
def test_fetch_now_is_a_post_by_someone_who_may_change_sources(server, client, editor_client):
    source = make_source("Up", server.serve("/up", "rss1.xml"))
    address = f"{SOURCES}{source.pk}/fetch/"

    assert editor_client.get(address).status_code == 405
    author = client_for(client.__class__(), staff("autrice", "Authors"))
    assert author.post(address).status_code == 403
    assert server.requests == []


@pytest.mark.django_db
def test_fetch_now_runs_once_the_request_commits(server, editor_client, django_capture_on_commit_callbacks):
    source = make_source("Up", server.serve("/up", "rss1.xml"))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = editor_client.post(f"{SOURCES}{source.pk}/fetch/", follow=True)
        assertContains(response, "La récupération est en file d’attente")
        assert not source.runs.exists() and server.requests == []

    assert callbacks  # the fetch, then what the new article's save asks for
    assert source.runs.get().outcome == FeedRun.Outcome.OK


def shared_database(tmp_path):
    """A database that other processes reach: on SQLite a file of its own, migrated; on PostgreSQL
    the test database itself (committed for real: the test is transactional)."""
    if connection.vendor == "sqlite":
        url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        manage("migrate", "--no-input", env=child_env(url))
        return url
    database = connection.settings_dict
    user, password = quote(database["USER"] or ""), quote(database["PASSWORD"] or "")
    return f"postgres://{user}:{password}@{database['HOST']}:{database['PORT'] or 5432}/{database['NAME']}"


def child_env(url):
    return {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "newsroom.test_settings",
        "INGEST_CONCURRENCY": "4",
    }


COUNTS = (
    "import json; from articles.models import Article; from intake.models import FeedRun, IngestedItem; "
    "print(json.dumps({'articles': Article.objects.count(), 'items': IngestedItem.objects.count(), "
    "'runs': FeedRun.objects.count(), 'failed': FeedRun.objects.filter(outcome='failed').count()}))"
)


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_fetch_each_source_once_and_store_each_item_once(tmp_path, server):
    release = threading.Event()
    feeds = {"/wordpress": "wordpress.xml", "/atom": "atom.xml", "/rss1": "rss1.xml"}
    urls = {path: server.serve(path, name, wait=release) for path, name in feeds.items()}
    url = shared_database(tmp_path)
    env = child_env(url)
    manage(
        "shell",
        "-c",
        "from intake.models import Source\n"
        + "".join(
            f"Source.objects.create(name={path!r}, feed_url={address!r})\n" for path, address in urls.items()
        ),
        env=env,
    )

    def start_run():
        return subprocess.Popen(  # noqa: S603 -- our own arguments
            [sys.executable, "manage.py", "ingest_feeds"],
            cwd=PROJECT,
            env=process_env(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    first = start_run()
    try:
        # The first run holds every feed (the server answers none yet) while the second runs whole.
        deadline = time.monotonic() + 60
        while set(server.paths()) != set(feeds) and time.monotonic() < deadline:
            time.sleep(0.1)
        second = start_run()
        second_output = second.communicate(timeout=120)
    finally:
        release.set()
    outputs = [first.communicate(timeout=120), second_output]
    runs = [first, second]

    assert sorted(server.paths()) == sorted(feeds), outputs  # each feed fetched once
    assert outputs[1][0].count("skipped, another run is fetching it") == 3, outputs
    assert "feeds: fetched 3, not modified 0, failed 0, busy 0" in outputs[0][0], outputs
    assert all(run.returncode == 0 for run in runs), outputs
    counts = json.loads(manage("shell", "-c", COUNTS, env=env).stdout.splitlines()[-1])
    assert counts == {"articles": 4 + 2 + 1, "items": 7, "runs": 3, "failed": 0}


@pytest.mark.django_db
def test_a_run_leaves_alone_a_source_another_run_fetched_since_it_started(server, clock):
    source = make_source("Up", server.serve("/up", "rss1.xml"))
    this_run_started = clock()
    clock.advance(seconds=30)
    ingest("--force")  # another run, started later, done first

    assert not claim(source, this_run_started)
    clock.advance(minutes=30)
    assert claim(source, clock(), scheduled=True)  # the next run's
