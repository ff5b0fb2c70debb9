"""Checking the articles' source links (manage.py check_links) against a real server on 127.0.0.1:
what each answer means, what readers see of a dead source (its archived copy), what editors see
and do (the « Source dead » queue, adopting the final address, marking it checked), politeness
(nothing fetched twice at once, one host at a time) and runs that overlap."""

import collections
import datetime
import re
import subprocess
import sys
import uuid
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles import link_checks, writing
from articles.models import Article, LinkCheck, SourceLink

from .factories import make_article
from .link_server import LinkServer
from .servers import PROJECT, manage, process_env

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/articles/article/"


class Clock:
    """The moment the checks believe it is: the test moves it on (it starts at the real one, as
    the command, which reads the real clock, would)."""

    def __init__(self):
        self.moment = self.start = timezone.now()

    def __call__(self):
        return self.moment

    def advance(self, **delta):
        self.moment += datetime.timedelta(**delta)


@pytest.fixture
def server():
    with LinkServer() as running:
        yield running


@pytest.fixture
def clock():
    return Clock()


def article_citing(url, **fields):
    fields.setdefault("published_at", datetime.datetime(2024, 3, 15, 10, 0, tzinfo=datetime.UTC))
    return make_article(source=writing.Source(url, publisher="Journal"), **fields)


def check_of(article):
    return LinkCheck.objects.get(link__article=article)


def listed(page, article):
    """Whether the admin list ``page`` has a row for ``article``."""
    return f'href="/admin/articles/article/{article.pk}/change/' in page.content.decode()


def run(clock, **options):
    return link_checks.check_links(clock=clock, **options)


ARCHIVE = "https://web.archive.org/web/20240315/"


@pytest.fixture
def every_answer(server):
    """One public article per kind of answer a source's site may give."""
    ok = server.serve("/ok")
    server.redirect("/moved", server.url("/new-home"))
    server.serve("/new-home")
    server.serve("/gone", 410)
    server.serve("/missing", 404)
    server.serve("/broken", 500)
    server.serve("/silent", silent=True)
    server.redirect("/loop-a", server.url("/loop-b"))
    server.redirect("/loop-b", server.url("/loop-a"))
    server.redirect("/inside", "http://10.1.2.3/admin")
    server.serve("/no-head", head_status=405)
    names = ["ok", "moved", "gone", "missing", "broken", "silent", "loop-a", "inside", "no-head"]
    articles = {name: article_citing(server.url(f"/{name}")) for name in names}
    assert ok == articles["ok"].source.url
    return articles


class TestEveryAnswer:
    def test_what_each_answer_means(self, server, clock, every_answer):
        summary = run(clock)
        assert summary.checked == 9
        state = {name: check_of(article) for name, article in every_answer.items()}
        assert state["ok"].status_code == 200 and not state["ok"].is_dead and state["ok"].final_url == ""
        # A redirect to a living page is alive, and where it leads is kept for the editor.
        assert state["moved"].status_code == 200 and not state["moved"].is_dead
        assert state["moved"].final_url == server.url("/new-home")
        # 404 and 410 are dead at once.
        for name, status in (("gone", 410), ("missing", 404)):
            assert state[name].status_code == status
            assert state[name].dead_since == clock.start and state[name].first_failure_at == clock.start
            assert state[name].failures == 1
        # One 500, one timeout, one loop, one refused redirect: failures, nothing dead yet.
        assert state["broken"].status_code == 500
        assert "no answer within 2 seconds" in state["silent"].error
        assert state["loop-a"].error == "redirect loop"
        assert "10.1.2.3 is a private address" in state["inside"].error
        for name in ("broken", "silent", "loop-a", "inside"):
            assert not state[name].is_dead and state[name].failures == 1
            assert state[name].first_failure_at == clock.start and state[name].checked_at == clock.start
        # HEAD refused: GET asked instead, and the page is alive.
        assert state["no-head"].status_code == 200
        methods = [method for method, path, _ in server.requests if path == "/no-head"]
        assert methods == ["HEAD", "GET"]
        # Nothing ever reached the private address: it was refused before connecting.
        assert summary.dead == 2 and summary.failing == 4 and summary.alive == 3 and summary.moved == 1

    def test_a_status_line_with_controls_is_kept_printable(self, server, clock):
        """The server's own words are the error: a NUL in them made PostgreSQL refuse the row and
        stopped the run."""
        broken = article_citing(server.serve("/broken-line", raw=b"\x00\x1b[31m garbage\r\n\r\n"))
        after = article_citing(server.serve("/after"))
        summary = run(clock)
        assert summary.checked == 2 and summary.failing == 1 and summary.alive == 1
        error = check_of(broken).error
        assert "garbage" in error and not any(ord(char) < 32 for char in error)
        assert check_of(after).status_code == 200

    def test_an_address_with_accents_or_spaces_is_asked_as_a_browser_asks_it(self, server, clock):
        """http.client takes only ASCII in its request line: « santé » raised UnicodeEncodeError out
        of the run, every link after it left unchecked."""
        server.serve("/sant%C3%A9")
        server.serve("/sant%C3%A9/un%20essai")
        server.serve("/after")
        articles = [article_citing(server.url(path)) for path in ("/santé", "/santé/un essai", "/after")]
        summary = run(clock)
        assert summary.checked == 3 and summary.alive == 3
        assert [check_of(article).status_code for article in articles] == [200, 200, 200]
        assert server.count("/sant%C3%A9/un%20essai") == 1

    def test_readers_get_an_archived_copy_of_the_dead_sources_only(self, client, server, clock, every_answer):
        run(clock)
        for name, article in every_answer.items():
            page = client.get(article.get_absolute_url())
            if name in ("gone", "missing"):
                archived = f"{ARCHIVE}{article.source.url}"
                assertContains(
                    page, f'<a href="{archived}" rel="noopener noreferrer">copie archivée</a>', html=True
                )
                assertContains(page, "la page ne répond plus")
            else:
                assertNotContains(page, "web.archive.org")

    def test_a_second_run_at_once_fetches_nothing(self, server, clock, every_answer):
        run(clock)
        asked = len(server.requests)
        clock.advance(hours=1)
        assert run(clock).checked == 0
        assert len(server.requests) == asked
        out = StringIO()
        call_command("check_links", stdout=out)
        assert "No link to check" in out.getvalue()
        # Forced, every link is asked again, once.
        assert run(clock, force=True).checked == 9
        assert server.count("/ok") == 2

    def test_links_are_asked_again_after_some_days(self, settings, server, clock, every_answer):
        settings.LINK_CHECK_DAYS = 3
        run(clock)
        clock.advance(days=2, hours=23)
        assert run(clock).checked == 0
        clock.advance(hours=2)
        assert run(clock).checked == 9

    def test_limit(self, server, clock, every_answer):
        assert run(clock, limit=4).checked == 4
        assert run(clock, limit=4).checked == 4
        assert run(clock, limit=4).checked == 1


class TestFailuresOverDays:
    @pytest.fixture
    def broken(self, server, settings):
        settings.LINK_DEAD_FAILURES, settings.LINK_DEAD_DAYS, settings.LINK_CHECK_DAYS = 3, 5, 3
        server.serve("/broken", 500)
        return article_citing(server.url("/broken"))

    def test_failures_spread_over_days_make_a_link_dead(self, server, clock, broken):
        for day in range(2):
            run(clock)
            assert not check_of(broken).is_dead, day
            clock.advance(days=3, minutes=1)
        run(clock)  # the third failure, six days after the first
        check = check_of(broken)
        assert check.is_dead and check.failures == 3
        assert check.first_failure_at == clock.start and check.dead_since == clock.moment

    def test_failures_on_one_day_do_not(self, server, clock, broken):
        for _ in range(5):
            run(clock, force=True)
            clock.advance(hours=1)
        check = check_of(broken)
        assert check.failures == 5 and not check.is_dead

    def test_a_living_answer_ends_the_run_of_failures(self, server, clock, broken):
        run(clock)
        clock.advance(days=4)
        server.serve("/broken", 200)
        run(clock)
        check = check_of(broken)
        assert check.failures == 0 and check.first_failure_at is None and not check.is_dead

    def test_the_archived_copy_of_a_hostile_stored_address_is_a_valid_url_or_none(self, client):
        """Addresses stored before today's checks (an import, a feed): the archived copy's link is
        written as the source's own is, and only for a web address elsewhere."""
        hostile = {
            'https://example.org/a b"c<d>\ne{h}|^`': "https://example.org/a%20b%22c%3Cd%3E%0Ae%7Bh%7D%7C%5E%60",
            "javascript:alert(1)": None,
            "//elsewhere.example/x": None,
            "/a/path/here": None,
        }
        for stored, expected in hostile.items():
            article = article_citing("https://example.org/fine")
            SourceLink.objects.filter(article=article).update(url=stored)
            LinkCheck.objects.create(link=article.source, dead_since=timezone.now())
            page = client.get(article.get_absolute_url())
            archived = re.findall(r'<a href="([^"]*)"[^>]*>copie archivée', page.content.decode())
            day = f"{timezone.localtime(article.published_at):%Y%m%d}"
            assert archived == ([f"https://web.archive.org/web/{day}/{expected}"] if expected else []), stored

    def test_a_dead_link_that_answers_again_is_alive_and_loses_its_archived_copy(self, client, server, clock):
        server.serve("/back", 404)
        article = article_citing(server.url("/back"))
        run(clock)
        assertContains(client.get(article.get_absolute_url()), "web.archive.org")
        server.serve("/back", 200)
        clock.advance(days=4)
        summary = run(clock)
        assert summary.revived == 1
        assertNotContains(client.get(article.get_absolute_url()), "web.archive.org")


class TestWhatIsChecked:
    def test_only_the_original_source_of_public_articles(self, server, clock):
        server.serve("/a")
        public = article_citing(server.url("/a"))
        draft = article_citing(server.url("/draft"), status=Article.Status.DRAFT)
        SourceLink.objects.create(article=public, kind=SourceLink.Kind.RELATED, url=server.url("/related"))
        run(clock)
        assert [path for _, path, _ in server.requests] == ["/a"]
        assert not LinkCheck.objects.filter(link__article=draft).exists()

    def test_a_run_leaves_alone_the_links_another_run_has_claimed(self, server, clock):
        for name in ("a", "b", "c"):
            server.serve(f"/{name}")
            article_citing(server.url(f"/{name}"))
        link_checks.add_missing_checks()
        # Another run, still at work, holds /b.
        LinkCheck.objects.filter(link__url=server.url("/b")).update(
            claim="other", claimed_until=clock.start + datetime.timedelta(minutes=10)
        )
        summary = run(clock)
        assert summary.checked == 2 and summary.claimed_elsewhere == 1
        assert server.count("/b") == 0
        # A claim whose run died expires.
        clock.advance(minutes=11)
        assert run(clock).checked == 1 and server.count("/b") == 1

    def test_one_host_at_a_time_with_a_pause(self, settings, server, clock):
        settings.LINK_CHECK_PAUSE = 0.5
        for name in ("a", "b", "c"):
            server.serve(f"/{name}")
            article_citing(server.url(f"/{name}"))
        pauses = []
        link_checks.check_links(clock=clock, sleep=pauses.append)
        # Three links of one host: two waits, each nearly the whole pause.
        assert len(pauses) == 2 and all(0.3 < pause <= 0.5 for pause in pauses)

    def test_hosts_take_turns(self, server):
        links = [SourceLink(url=url) for url in ("http://a.test/1", "http://a.test/2", "http://b.test/1")]
        checks = [LinkCheck(link=link) for link in links]
        ordered = [check.link.url for check in link_checks.host_by_host(checks)]
        assert ordered == ["http://a.test/1", "http://b.test/1", "http://a.test/2"]


class TestCommand:
    def test_the_summary_reads_well(self, server, every_answer):
        out = StringIO()
        call_command("check_links", stdout=out)
        text = out.getvalue()
        assert "9 links checked in" in text
        assert "3 alive (1 moved elsewhere), 4 failing, 2 dead (2 newly, 0 back to life)." in text
        assert f"  dead: {server.url('/gone')} (410)" in text
        assert "Answers: " in text and "200: 3" in text and "no answer: 3" in text


class TestEditors:
    def test_the_dead_sources_queue(self, editor_client, server, clock, every_answer):
        run(clock)
        page = editor_client.get(CHANGELIST, {"queue": "source_dead"})
        assert listed(page, every_answer["gone"])
        assert listed(page, every_answer["missing"])
        assert not listed(page, every_answer["broken"])
        assert not listed(page, every_answer["ok"])
        assertContains(page, "410")
        moved = editor_client.get(CHANGELIST, {"queue": "source_moved"})
        assert listed(moved, every_answer["moved"])
        assertContains(moved, server.url("/new-home"))
        assert not listed(moved, every_answer["ok"])

    def test_adopting_the_final_address(self, editor_client, client, server, clock, every_answer):
        run(clock)
        article = every_answer["moved"]
        check = check_of(article)
        response = editor_client.post(f"{CHANGELIST}source-link/{check.pk}/adopt/")
        assert response.status_code == 302
        link = SourceLink.objects.get(article=article, kind=SourceLink.Kind.SOURCE)
        assert link.url == server.url("/new-home")
        check = check_of(article)
        assert check.final_url == "" and check.failures == 0 and check.status_code == 200
        assertContains(client.get(article.get_absolute_url()), server.url("/new-home"))
        assert not listed(editor_client.get(CHANGELIST, {"queue": "source_moved"}), article)

    def test_marking_a_dead_link_checked(self, editor_client, client, server, clock, every_answer):
        run(clock)
        article = every_answer["missing"]
        check = check_of(article)
        response = editor_client.post(f"{CHANGELIST}source-link/{check.pk}/checked/")
        assert response.status_code == 302
        assert not listed(editor_client.get(CHANGELIST, {"queue": "source_dead"}), article)
        assertNotContains(client.get(article.get_absolute_url()), "web.archive.org")
        # Not fetched again before its time.
        assert not check_of(article).is_dead

    def test_a_new_address_typed_by_an_editor_is_unchecked(self, client, server, clock, every_answer):
        run(clock)
        article = every_answer["gone"]
        writing.save_article(article, source=writing.Source(server.url("/ok"), publisher="Journal"))
        assert not LinkCheck.objects.filter(link__article=article).exists()
        assertNotContains(client.get(article.get_absolute_url()), "web.archive.org")
        assert run(clock).checked == 1  # the new address, at the next run

    def test_authors_may_not(self, author_client, server, clock, every_answer):
        run(clock)
        check = check_of(every_answer["moved"])
        response = author_client.post(f"{CHANGELIST}source-link/{check.pk}/adopt/")
        assert response.status_code == 403
        assert SourceLink.objects.get(pk=check.link_id).url == server.url("/moved")

    def test_a_get_changes_nothing(self, editor_client, server, clock, every_answer):
        run(clock)
        check = check_of(every_answer["moved"])
        assert editor_client.get(f"{CHANGELIST}source-link/{check.pk}/adopt/").status_code == 405


def test_the_page_cache_shows_the_archived_copy_at_once(settings, client, server, clock):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(uuid.uuid4()),
        },
    }
    server.serve("/soon-gone")
    article = article_citing(server.url("/soon-gone"))
    run(clock)
    assertNotContains(client.get(article.get_absolute_url()), "web.archive.org")
    server.serve("/soon-gone", 410)
    clock.advance(days=4)
    run(clock)
    assertContains(client.get(article.get_absolute_url()), "web.archive.org")


POPULATE = """
from articles import writing
from articles.models import Article
base, count = {base!r}, {count}
new = [
    writing.prepare(
        Article(title=f"Article {{number}}", status="published", summary="Résumé."),
        source=writing.Source(f"{{base}}/page/{{number}}"),
    )
    for number in range(count)
]
writing.create_articles(new, group=False)
"""


@pytest.fixture
def own_database(tmp_path):
    """The URL of an empty database of its own, on the server the suite runs on, for processes."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'links.sqlite3'}"
        return
    import psycopg

    database = settings.DATABASES["default"]
    name = f"links_{uuid.uuid4().hex[:8]}"
    server = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        yield f"{server}/{name}"
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_check_each_link_once(own_database, tmp_path):
    """Two check_links processes started together share the links: each is asked for once, and
    the two summaries add up to every link."""
    env = {
        "DJANGO_SETTINGS_MODULE": "newsroom.test_settings",
        "DATABASE_URL": own_database,
        "DJANGO_CACHE_DIR": str(tmp_path / "cache"),
    }
    count = 240
    with LinkServer() as server:
        for number in range(count):
            server.serve(f"/page/{number}", delay=0.01)
        manage("migrate", "-v0", env=env)
        manage("shell", "--no-imports", "-c", POPULATE.format(base=server.url(""), count=count), env=env)
        runs = [
            subprocess.Popen(  # noqa: S603
                [sys.executable, "manage.py", "check_links"],
                cwd=PROJECT,
                env=process_env(env),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    heads = collections.Counter(path for method, path, _ in server.requests if method == "HEAD")
    assert len(heads) == count and set(heads.values()) == {1}
    checked = [
        int(re.match(r"(\d+) links checked", output).group(1)) for output in outputs if "checked" in output
    ]
    assert sum(checked) == count, outputs
