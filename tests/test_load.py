"""Nothing lost under load: readers and editors at once, through gunicorn, on PostgreSQL.

    make test-load        (LOAD_SECONDS=60 LOAD_READERS=50 LOAD_EDITORS=4 by default)

Marked slow: `make test` leaves it out. A throwaway PostgreSQL server holds the
demo articles; gunicorn serves them on 127.0.0.1. For LOAD_SECONDS, LOAD_READERS
threads read the home page, articles, tag pages, searches and feeds as fast as
they are answered, while LOAD_EDITORS editors, logged in to the admin, keep
saving a handful of shared articles through its change form, each appending a
mark of its own to the summary it read. Saves of one article by two editors at
once meet the workflow's edit-conflict rule: the second is refused with a
message and the editor opens the article again and retries.

Passes when no request got a server error (or no answer), and every accepted
save is there afterwards: the final summary of each article holds every mark an
accepted save added (a lost update would have dropped one), and the article has
one version per accepted save. Prints the figures that the README quotes.
"""

import http.cookiejar
import json
import os
import random
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pytest

from .admin_forms import form_data
from .servers import gunicorn, manage
from .test_outage import postgres  # noqa: F401 -- the throwaway server fixture

pytestmark = pytest.mark.slow

SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
READERS = int(os.environ.get("LOAD_READERS", "50"))
EDITORS = int(os.environ.get("LOAD_EDITORS", "4"))
EDITED_ARTICLES = 6
PASSWORD = "une phrase de passe pour la charge"
CONFLICT = "pendant que vous le modifiiez"  # the edit-conflict message, in French
SETUP = """
import json
from django.contrib.auth.models import Group, User
from articles.models import Article, Tag
editors = Group.objects.get(name="Editors")
for number in range({editors}):
    user = User.objects.create_user(f"editeur{{number}}", password={password!r}, is_staff=True)
    user.groups.add(editors)
from reversion.models import Version
print(json.dumps({{
    "articles": list(Article.objects.published().values_list("pk", "permalink")),
    "versions": {{
        pk: Version.objects.get_for_object_reference(Article, pk).count()
        for pk in Article.objects.published().values_list("pk", flat=True)
    }},
    "tags": list(Tag.objects.values_list("slug", flat=True)),
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


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter = field(default_factory=Counter)
    times: dict = field(default_factory=lambda: defaultdict(list))
    failures: list = field(default_factory=list)
    accepted: dict = field(default_factory=lambda: defaultdict(list))  # article id -> marks
    refused: int = 0

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
    """One person's connection, as seen behind a TLS proxy: cookies kept, redirects not followed."""

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


class Page:
    """What admin_forms.form_data reads: a page's bytes."""

    def __init__(self, content):
        self.content = content


def read(base_url, urls, tally, deadline):
    browser = Browser(base_url)
    while time.monotonic() < deadline:
        kind, path = random.choice(urls)
        start = time.perf_counter()
        try:
            status, _body = browser.request(path)
        except OSError as error:
            status = f"no answer ({type(error).__name__})"
            tally.failures.append((path, status))
        tally.record(kind, status, time.perf_counter() - start)


def edit(base_url, number, article_ids, tally, deadline):
    browser = Browser(base_url)
    login = form_data(Page(browser.request("/admin/login/")[1]), "login-form")
    status, _ = browser.request(
        "/admin/login/", {**login, "username": f"editeur{number}", "password": PASSWORD}
    )
    assert status == 302, f"editeur{number} could not log in ({status})"
    saves = 0
    while time.monotonic() < deadline:
        article_id = random.choice(article_ids)
        path = f"/admin/articles/article/{article_id}/change/"
        status, page = browser.request(path)
        if status != 200:
            tally.failures.append((path, status))
            continue
        mark = f"[e{number}-{saves}]"
        data = form_data(Page(page))
        start = time.perf_counter()
        status, page = browser.request(path, {**data, "summary": f"{data['summary']} {mark}"})
        tally.record("admin save", status, time.perf_counter() - start)
        if status == 302:
            with tally.lock:
                tally.accepted[article_id].append(mark)
            saves += 1
        elif status == 200 and CONFLICT in page.decode():
            with tally.lock:
                tally.refused += 1
        else:
            tally.failures.append((path, status))


def percentile(values, fraction):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * fraction))] * 1000


def test_readers_and_editors_at_once_lose_nothing(postgres, tmp_path):  # noqa: F811
    env = {
        "DJANGO_SETTINGS_MODULE": "newsroom.test_settings",
        "DATABASE_URL": postgres.url(),
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),  # the demo's illustrations
        "DJANGO_SECURE_PROXY": "1",
    }
    manage("migrate", "-v0", env=env)
    manage("loaddemo", env=env)
    content = json.loads(
        manage(
            "shell", "--no-imports", "-c", SETUP.format(editors=EDITORS, password=PASSWORD), env=env
        ).stdout
    )
    articles, tags = content["articles"], content["tags"]
    urls = (
        [("home", "/"), ("home", "/?page=2"), ("feed", "/feed/"), ("feed", "/feed/atom/")]
        + [("article", f"/papers/{permalink}") for _pk, permalink in articles]
        + [("tag", f"/tags/{slug}/") for slug in tags]
        + [("feed", f"/tags/{slug}/feed/") for slug in tags[:5]]
        + [
            ("search", "/search/?" + urllib.parse.urlencode({"q": word}))
            for word in ("cancer", "essai", "France", "radiothérapie", "zzz")
        ]
    )
    edited = [pk for pk, _permalink in articles[:EDITED_ARTICLES]]
    tally = Tally()

    with gunicorn(env, workers=2, threads=8) as url:
        deadline = time.monotonic() + SECONDS
        threads = [threading.Thread(target=read, args=(url, urls, tally, deadline)) for _ in range(READERS)]
        threads += [
            threading.Thread(target=edit, args=(url, number, edited, tally, deadline))
            for number in range(EDITORS)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=SECONDS + 120)
        elapsed = time.monotonic() - started
        load = os.getloadavg()[0]
    stored = json.loads(manage("shell", "--no-imports", "-c", RESULT.format(ids=edited), env=env).stdout)

    reads = sum(len(times) for kind, times in tally.times.items() if kind != "admin save")
    saves = sum(len(marks) for marks in tally.accepted.values())
    print(f"\n{READERS} readers and {EDITORS} editors for {elapsed:.0f} s, load average {load:.1f}")
    print(f"{reads} pages read ({reads / elapsed:.0f}/s); statuses {dict(tally.statuses)}")
    for kind, times in sorted(tally.times.items()):
        print(
            f"  {kind:<10} {len(times):>6} requests, median {percentile(times, 0.5):.0f} ms, "
            f"95th percentile {percentile(times, 0.95):.0f} ms, slowest {max(times) * 1000:.0f} ms"
        )
    print(f"{saves} saves accepted, {tally.refused} refused by the edit-conflict rule and retried")

    assert not any(isinstance(status, str) or status >= 500 for status in tally.statuses), tally.statuses
    assert tally.failures == []
    assert reads > READERS and saves > 0
    for article_id, marks in tally.accepted.items():
        article = stored[str(article_id)]
        missing = [mark for mark in marks if mark not in article["summary"]]
        assert missing == [], f"article {article_id} lost the saves {missing}"
        # One version per accepted save, after those the demo's history already held.
        assert article["versions"] == content["versions"][str(article_id)] + len(marks)
