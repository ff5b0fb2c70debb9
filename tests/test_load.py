"""Nothing lost, nothing stale under load: readers and editors at once, through gunicorn, on PostgreSQL.

    make test-load        (LOAD_SECONDS=60 LOAD_READERS=50 LOAD_EDITORS=4 by default)
    REDIS_URL=redis://127.0.0.1:6379/0 make test-load     (pages and generation in Redis)
    LOAD_CACHE=none make test-load     (no page kept: the figure to compare with, on the same machine)

Marked slow: `make test` leaves it out. A throwaway PostgreSQL server holds the
demo articles; gunicorn (2 workers of 8 threads) serves them on 127.0.0.1 with
the production cache configuration (tests/load_settings.py: pages in each
worker's memory and the generation in a file, or both in Redis when REDIS_URL
is set). For LOAD_SECONDS, LOAD_READERS threads read the home page, articles,
tag pages, searches and feeds as fast as they are answered (one kept-alive
connection each, as a browser), while:

- scenario "published": LOAD_EDITORS editors, logged in to the admin, save a
  handful of shared public articles through its change form about once a second
  each, each appending a mark of its own to the summary it read;
- scenario "drafts": the editors save drafts the same way (readers never see
  them), feeds are ingested every few seconds (`ingest_feeds` against a loopback
  feed server whose feeds gain items as the run goes), and one editor corrects a
  public article every LOAD_CORRECTION_SECONDS: its summary names the correction's
  number, and every reader who asks for that article after the correction's save
  was answered must see that number or a later one.

Saves of one article by two editors at once meet the workflow's edit-conflict
rule: the second is refused with a message and the editor opens the article
again and retries.

Passes when no page got an error (or no answer), every accepted save is there
afterwards (the final summary of each article holds every mark an accepted save
added, and the article has one version per accepted save), and no reader was
shown an article older than its last correction. Prints the figures that the
README quotes (pages a second, median and 99th percentile); the speed itself is
measured, not asserted: the machine is shared.
"""

import http.client
import http.cookiejar
import json
import os
import random
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

import pytest

from .admin_forms import form_data
from .feed_server import FeedServer
from .servers import gunicorn, manage, task_worker
from .test_outage import postgres  # noqa: F401 -- the throwaway server fixture

pytestmark = pytest.mark.slow

SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
READERS = int(os.environ.get("LOAD_READERS", "50"))
# The readers' requests come from wrk (Debian's package, a load generator in C) when it is
# installed: fifty Python threads in this process spent the two cores' time the site needed,
# and measured the client. A few Python readers still read every page's text for the stale check.
WRK = shutil.which("wrk") if os.environ.get("LOAD_TOOL", "wrk") == "wrk" else None
CHECKING_READERS = 4
EDITORS = int(os.environ.get("LOAD_EDITORS", "4"))
# The editors together save about once a second (each once every EDITORS seconds), as they did
# when this test was first run without pacing them (80 saves in 61 s).
SAVES_PER_SECOND = float(os.environ.get("LOAD_SAVES_PER_SECOND", "1"))
CORRECTION_SECONDS = float(os.environ.get("LOAD_CORRECTION_SECONDS", "3"))
INGEST_SECONDS = float(os.environ.get("LOAD_INGEST_SECONDS", "5"))
FEEDS = 2
EDITED_ARTICLES = 6
PASSWORD = "une phrase de passe pour la charge"
CONFLICT = "pendant que vous le modifiiez"  # the edit-conflict message, in French
CORRECTION = re.compile(r"\[correctif de charge n° ([0-9]+)\]")
SETUP = """
import json
from django.contrib.auth.models import Group, User
from articles.models import Article, Tag
from intake.models import Source
editors = Group.objects.get(name="Editors")
for number in range({editors}):
    user = User.objects.create_user(f"editeur{{number}}", password={password!r}, is_staff=True)
    user.groups.add(editors)
# Only this run's feeds are fetched: the demo's sources name hosts that do not exist.
Source.objects.update(is_active=False)
for number, url in enumerate({feeds!r}):
    Source.objects.create(name=f"Flux de charge {{number}}", feed_url=url)
from reversion.models import Version
public = Article.objects.published()
drafts = Article.objects.filter(status__in=["draft", "review"]).exclude(pk__in=public)
print(json.dumps({{
    "articles": list(public.order_by("pk").values_list("pk", "permalink")),
    "drafts": list(drafts.order_by("pk").values_list("pk", flat=True)),
    "versions": {{
        pk: Version.objects.get_for_object_reference(Article, pk).count()
        for pk in Article.objects.values_list("pk", flat=True)
    }},
    "tags": list(Tag.objects.public().values_list("slug", flat=True)),
}}))
"""
RESULT = """
import json
from reversion.models import Version
from articles.models import Article
print(json.dumps({{
    article.pk: {{
        "summary": article.summary,
        "versions": Version.objects.get_for_object(article).count(),
    }}
    for article in Article.objects.filter(pk__in={ids})
}}))
"""
# One process for the whole run (Django starts once): ingest every source's feed, wait, again.
INGEST = """
import json, time
from io import StringIO
from django.core.management import call_command
from articles.models import Article
deadline = time.monotonic() + {seconds}
runs, failed = [], []
before = Article.objects.filter(origin="ingested").count()
while time.monotonic() < deadline:
    out, err = StringIO(), StringIO()
    try:
        call_command("ingest_feeds", "--force", stdout=out, stderr=err)
    except Exception as error:
        failed.append(f"{{error!r}} {{err.getvalue()}}")
    runs.append(out.getvalue().strip().splitlines()[-1] if out.getvalue().strip() else "")
    time.sleep({pause})
print(json.dumps({{"runs": len(runs), "failed": failed, "last": runs[-1:],
                  "ingested": Article.objects.filter(origin="ingested").count() - before}}))
"""


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter = field(default_factory=Counter)
    times: dict = field(default_factory=lambda: defaultdict(list))
    failures: list = field(default_factory=list)
    accepted: dict = field(default_factory=lambda: defaultdict(list))  # article id -> marks
    refused: int = 0
    # The corrected article: the number of the last correction whose save was answered, and when.
    corrected: int = 0
    corrections_checked: int = 0
    stale: list = field(default_factory=list)
    wrk: dict = field(default_factory=dict)  # what wrk counted, when it asked

    def record(self, kind, status, elapsed):
        with self.lock:
            self.statuses[status] += 1
            self.times[kind].append(elapsed)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class BehindTLSProxy(http.cookiejar.DefaultCookiePolicy):
    """Cookies are secure-only in production: the browser talks HTTPS to a proxy in front."""

    def return_ok_secure(self, cookie, request):
        return True


class Browser:
    """An editor's connection, as seen behind a TLS proxy: cookies kept, redirects not followed."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar(BehindTLSProxy())), NoRedirects
        )

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {
            "X-Forwarded-Proto": "https",
            "Referer": self.base_url.replace("http:", "https:") + path,  # CSRF checks it over HTTPS
        }
        request = urllib.request.Request(self.base_url + path, data=body, headers=headers)  # noqa: S310
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()


class Reader:
    """A reader's browser: one kept-alive connection, no cookie, behind the same TLS proxy."""

    def __init__(self, base_url):
        self.address = urllib.parse.urlsplit(base_url)
        self.connection = None

    def get(self, path):
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.address.hostname, self.address.port, timeout=60)
        try:
            self.connection.request("GET", path, headers={"X-Forwarded-Proto": "https"})
            response = self.connection.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = None
            raise


class Page:
    """What admin_forms.form_data reads: a page's bytes."""

    def __init__(self, content):
        self.content = content


def read(base_url, urls, corrected_path, tally, deadline):
    reader = Reader(base_url)
    while time.monotonic() < deadline:
        read_one(reader, *random.choice(urls), corrected_path, tally)


def read_one(reader, kind, path, corrected_path, tally):
    required = tally.corrected  # every correction answered before this request asks for it
    start = time.perf_counter()
    try:
        status, body = reader.get(path)
    except (OSError, http.client.HTTPException) as error:
        status, body = f"no answer ({type(error).__name__})", b""
    tally.record(kind, status, time.perf_counter() - start)
    if status != 200:
        with tally.lock:
            tally.failures.append((path, status))
    elif path == corrected_path and required:
        found = CORRECTION.search(body.decode())
        shown = int(found[1]) if found else 0
        with tally.lock:
            tally.corrections_checked += 1
            if shown < required:
                tally.stale.append((path, f"correction {shown} shown after {required} was saved"))


def log_in(base_url, username):
    browser = Browser(base_url)
    login = form_data(Page(browser.request("/admin/login/")[1]), "login-form")
    status, _ = browser.request("/admin/login/", {**login, "username": username, "password": PASSWORD})
    assert status == 302, f"{username} could not log in ({status})"
    return browser


def save(browser, article_id, tally, change):
    """Open the article's change form and save it with change(summary) -> summary; the status."""
    path = f"/admin/articles/article/{article_id}/change/"
    status, page = browser.request(path)
    if status != 200:
        tally.failures.append((path, status))
        return status
    data = form_data(Page(page))
    start = time.perf_counter()
    status, page = browser.request(path, {**data, "summary": change(data["summary"])})
    tally.record("admin save", status, time.perf_counter() - start)
    if status == 200 and CONFLICT in page.decode():
        with tally.lock:
            tally.refused += 1
        return "refused"
    if status != 302:
        tally.failures.append((path, status))
    return status


def edit(base_url, number, article_ids, tally, deadline):
    """An editor saving ``article_ids`` at random, once every EDITORS / SAVES_PER_SECOND seconds."""
    browser = log_in(base_url, f"editeur{number}")
    saves = 0
    while time.monotonic() < deadline:
        started = time.monotonic()
        article_id = random.choice(article_ids)
        mark = f"[e{number}-{saves}]"
        if save(browser, article_id, tally, lambda summary, mark=mark: f"{summary} {mark}") == 302:
            with tally.lock:
                tally.accepted[article_id].append(mark)
            saves += 1
        time.sleep(max(0, started + EDITORS / SAVES_PER_SECOND - time.monotonic()))


def correct(base_url, article_id, tally, deadline):
    """One editor correcting a public article every CORRECTION_SECONDS: its summary names the
    correction's number; once the save is answered, every reader must see it."""
    browser = log_in(base_url, f"editeur{EDITORS}")
    number = 0
    time.sleep(min(CORRECTION_SECONDS, 2))  # readers have filled the cache
    while time.monotonic() < deadline:
        started = time.monotonic()
        number += 1
        mark = f"[correctif de charge n° {number}]"

        def corrected(summary, mark=mark):
            return f"{CORRECTION.sub('', summary).rstrip()} {mark}"

        if save(browser, article_id, tally, corrected) == 302:
            with tally.lock:
                tally.accepted[article_id].append(mark)
                tally.corrected = number
        time.sleep(max(0, started + CORRECTION_SECONDS - time.monotonic()))


def feed(number, moment, count=10):
    """An RSS feed of ``count`` items, its newest numbered ``moment``: a new item each moment."""
    now = datetime.now(UTC).replace(microsecond=0)
    items = []
    for item in range(moment, max(0, moment - count), -1):
        title = f"Embolisation : étude de charge {number}-{item}"
        link = f"https://www.charge{number}.example/actualites/etude-{item}/"
        items.append(
            f"<item><title>{escape(title)}</title><link>{link}</link>"
            f"<pubDate>{format_datetime(now - timedelta(minutes=moment - item))}</pubDate>"
            f"<description>{escape(f'<p>{title} : résultats à un an.</p>')}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Charge {number}</title><link>https://www.charge{number}.example/</link>"
        f"<description>Charge {number}</description>{''.join(items)}</channel></rss>"
    ).encode()


def publish_feeds(server, deadline):
    """Each feed gains an item a second until the deadline."""
    moment = 1
    while time.monotonic() < deadline:
        for number in range(FEEDS):
            server.serve(f"/charge-{number}.xml", feed(number, moment))
        moment += 1
        time.sleep(1)


def ingest(env, result):
    """``ingest_feeds`` every INGEST_SECONDS for SECONDS, in one process; what it printed in result."""
    script = INGEST.format(seconds=SECONDS, pause=INGEST_SECONDS)
    result["output"] = manage("shell", "--no-imports", "-c", script, env=env).stdout


def percentile(values, fraction):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * fraction))] * 1000


@pytest.fixture
def site(postgres, tmp_path):  # noqa: F811
    """The demo's content on a throwaway PostgreSQL, editors, feed sources on a loopback server:
    (environment of the site's processes, its content, the feed server)."""
    env = {
        "DJANGO_SETTINGS_MODULE": "tests.load_settings",
        "DATABASE_URL": postgres.url(),
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),  # the demo's illustrations
        "DJANGO_CACHE_DIR": str(tmp_path / "cache"),  # the generation, shared by every process
        "LOAD_CACHE_PREFIX": uuid.uuid4().hex[:8],  # this run's keys in a shared Redis
        "DJANGO_SECURE_PROXY": "1",
    }
    with FeedServer() as server:
        feeds = [server.serve(f"/charge-{number}.xml", feed(number, 0, 0)) for number in range(FEEDS)]
        manage("migrate", "-v0", env=env)
        manage("loaddemo", env=env)
        manage("render_articles", env=env)  # as make serve does: the cards kept on the rows
        script = SETUP.format(editors=EDITORS + 1, password=PASSWORD, feeds=feeds)
        content = json.loads(manage("shell", "--no-imports", "-c", script, env=env).stdout)
        yield env, content, server


def reader_urls(content):
    articles, tags = content["articles"], content["tags"]
    return (
        [("home", "/"), ("home", "/?page=2"), ("feed", "/feed/"), ("feed", "/feed/atom/")]
        + [("article", f"/papers/{permalink}") for _pk, permalink in articles]
        + [("tag", f"/tags/{slug}/") for slug in tags]
        + [("feed", f"/tags/{slug}/feed/") for slug in tags[:5]]
        + [
            ("search", "/search/?" + urllib.parse.urlencode({"q": word}))
            for word in ("cancer", "essai", "France", "radiothérapie", "zzz")
        ]
    )


def run(env, urls, workers, corrected_path=None):
    """Readers and the given workers (target, args) through gunicorn for SECONDS; the tally."""
    tally = Tally()
    with gunicorn(env, workers=2, threads=8) as url, task_worker(env):
        warm_up(url, urls)
        deadline = time.monotonic() + SECONDS
        readers = CHECKING_READERS if WRK else READERS
        threads = [
            threading.Thread(target=read, args=(url, urls, corrected_path, tally, deadline))
            for _ in range(readers)
        ]
        if WRK:
            threads.append(threading.Thread(target=wrk_readers, args=(url, urls, tally)))
        threads += [
            threading.Thread(target=target, args=(url, *args, tally, deadline)) for target, args in workers
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=SECONDS + 120)
        tally.elapsed = time.monotonic() - started
        tally.load = os.getloadavg()
        if corrected_path:
            # And once more after everyone stopped: the last correction, whenever it was saved.
            read_one(Reader(url), "after the run", corrected_path, corrected_path, tally)
    return tally


WRK_SCRIPT = """
paths = {paths}
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("number", threads)
end
init = function(args)
  math.randomseed(os.time() * 100 + number)
end
request = function()
  return wrk.format("GET", paths[math.random(#paths)], {{["X-Forwarded-Proto"] = "https"}})
end
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "WRK %d %d %d %d %d %d %d %.3f %.3f\\n", summary.requests, summary.duration,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def wrk_readers(base_url, urls, tally):
    """READERS kept-alive connections from wrk for SECONDS, each asking for the readers' pages at
    random; what it counted goes to the tally (as one kind, "wrk": it times no page apart)."""
    lua = lambda values: "{" + ", ".join(f"[[{value}]]" for value in values) + "}"  # noqa: E731
    script = WRK_SCRIPT.format(paths=lua(path for _, path in urls))
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as file:
        file.write(script)
        file.flush()
        command = [WRK, "-t", "2", "-c", str(READERS), "-d", f"{SECONDS:.0f}s", "--timeout", "30s"]
        finished = subprocess.run(
            [*command, "-s", file.name, base_url], capture_output=True, text=True, check=False
        )
    output = finished.stdout + finished.stderr
    line = next((line for line in output.splitlines() if line.startswith("WRK ")), None)
    with tally.lock:
        if line is None:
            tally.failures.append(("wrk", output))
            return
        requests, _, connect, read, write, status, timeout, median, p99 = line.split()[1:]
        tally.wrk = {"requests": int(requests), "median_ms": float(median), "p99_ms": float(p99)}
        for name, count in {
            "a status not 2xx or 3xx": status,
            "no answer (connect)": connect,
            "no answer (read)": read,
            "no answer (write)": write,
            "no answer (timeout)": timeout,
        }.items():
            if int(count):
                tally.statuses[f"wrk: {name}"] += int(count)
                tally.failures.append(("wrk", f"{count} × {name}"))


def warm_up(base_url, urls, connections=4):
    """Each page asked for over a few connections at once, so that both workers have started and
    kept it: the run measures a site that was already running, not gunicorn's start."""

    def ask_each():
        reader = Reader(base_url)
        for _kind, path in urls:
            reader.get(path)

    threads = [threading.Thread(target=ask_each) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def lost_saves(env, content, tally):
    """Each accepted save's mark missing from its article afterwards, or a version missing."""
    ids = list(tally.accepted)
    stored = json.loads(manage("shell", "--no-imports", "-c", RESULT.format(ids=ids), env=env).stdout)
    lost = []
    for article_id, marks in tally.accepted.items():
        article = stored[str(article_id)]
        # A correction replaces the one before it: only the last must be there.
        expected = [mark for mark in marks if not CORRECTION.match(mark)] + [
            mark for mark in marks if CORRECTION.match(mark)
        ][-1:]
        lost += [(article_id, mark) for mark in expected if mark not in article["summary"]]
        # One version per accepted save, after those the demo's history already held.
        if article["versions"] != content["versions"][str(article_id)] + len(marks):
            lost.append((article_id, f"{article['versions']} versions for {len(marks)} saves"))
    return lost


def report(scenario, tally, lost, extra=""):
    read_kinds = [kind for kind in tally.times if kind not in ("admin save", "after the run")]
    reads = sum(len(tally.times[kind]) for kind in read_kinds) + tally.wrk.get("requests", 0)
    read_times = [time for kind in read_kinds for time in tally.times[kind]]
    saves = sum(len(marks) for marks in tally.accepted.values())
    errors = sum(count for status, count in tally.statuses.items() if status not in (200, 302))
    cache = "Redis" if os.environ.get("REDIS_URL") else "local memory + generation file"
    if os.environ.get("LOAD_CACHE") == "none":
        cache = "none (every page rendered)"
    load = ", ".join(f"{value:.1f}" for value in tally.load)
    print(
        f"\n[{scenario}] {READERS} readers, {EDITORS} editors, {tally.elapsed:.0f} s, cache: {cache}, "
        f"load average {load}"
    )
    if tally.wrk:
        median, p99 = tally.wrk["median_ms"], tally.wrk["p99_ms"]
        readers = f"wrk ({READERS} connections) and {CHECKING_READERS} checking readers"
    else:
        median, p99 = percentile(read_times, 0.5), percentile(read_times, 0.99)
        readers = f"{READERS} reader threads"
    print(
        f"  {reads} pages read by {readers}, {reads / tally.elapsed:.0f} pages/s, "
        f"median {median:.0f} ms, p99 {p99:.0f} ms; errors {errors}; statuses {dict(tally.statuses)}"
    )
    for kind, times in sorted(tally.times.items()):
        print(
            f"  {kind:<10} {len(times):>6} requests, median {percentile(times, 0.5):.0f} ms, "
            f"p99 {percentile(times, 0.99):.0f} ms, slowest {max(times) * 1000:.0f} ms"
        )
    print(
        f"  {saves} saves accepted, {tally.refused} refused by the edit-conflict rule and retried; "
        f"lost saves {len(lost)}; stale pages {len(tally.stale)} of {tally.corrections_checked} "
        f"checked after a correction{extra}"
    )


def check(tally, lost):
    assert not any(isinstance(status, str) or status >= 500 for status in tally.statuses), tally.statuses
    assert tally.failures == []
    assert lost == []
    assert tally.stale == []


def test_readers_and_editors_saving_public_articles_lose_nothing(site):
    env, content, _server = site
    edited = [pk for pk, _permalink in content["articles"][:EDITED_ARTICLES]]
    tally = run(env, reader_urls(content), [(edit, (number, edited)) for number in range(EDITORS)])
    lost = lost_saves(env, content, tally)
    report("published", tally, lost)

    check(tally, lost)
    reads = sum(len(times) for times in tally.times.values()) + tally.wrk.get("requests", 0)
    assert reads > READERS and (tally.accepted or EDITORS == 0)  # LOAD_EDITORS=0: readers alone


def test_drafts_ingestion_and_corrections_leave_no_stale_page(site):
    env, content, server = site
    drafts = content["drafts"][:EDITED_ARTICLES]
    corrected_id, permalink = content["articles"][len(content["articles"]) // 2]
    corrected_path = f"/papers/{permalink}"
    # Readers ask for the corrected article one time in ten.
    urls = reader_urls(content)
    urls += [("article", corrected_path)] * (len(urls) // 9)
    publisher = threading.Thread(target=publish_feeds, args=(server, time.monotonic() + SECONDS + 30))
    publisher.start()
    ingested = {}
    ingesting = threading.Thread(target=ingest, args=({**env, "INGEST_ALLOW_LOOPBACK": "1"}, ingested))
    ingesting.start()
    tally = run(
        env,
        urls,
        [(edit, (number, drafts)) for number in range(EDITORS)] + [(correct, (corrected_id,))],
        corrected_path=corrected_path,
    )
    ingesting.join(timeout=SECONDS + 120)
    publisher.join(timeout=60)
    ingestion = json.loads(ingested["output"].strip().rpartition("\n")[2])
    lost = lost_saves(env, content, tally)
    report(
        "drafts",
        tally,
        lost,
        f"; {tally.corrected} corrections; ingest_feeds ran {ingestion['runs']} times "
        f"({len(ingestion['failed'])} failed), {ingestion['ingested']} items ingested",
    )

    check(tally, lost)
    assert drafts and tally.corrected >= 1 and tally.corrections_checked > 0
    assert ingestion["failed"] == [] and ingestion["ingested"] > 0
