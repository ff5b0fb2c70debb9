"""Benchmark of the public pages: from a generated corpus to requests per second.

    make bench [SIZE=10000] [DB=sqlite|postgres|both]
    .venv/bin/python bench/public_pages.py --size 10000 --db postgres
    .venv/bin/python bench/public_pages.py --database-url sqlite:////tmp/copy.sqlite3
    .venv/bin/python bench/public_pages.py --growth      # 10,000 -> the largest PostgreSQL run

1. writes SIZE articles with `manage.py generate_articles` (the project's generator;
   most articles carry a byline, so the authors' pages have articles);
2. migrates a fresh database (an SQLite file, or a throwaway PostgreSQL server as the
   tests start one), imports the files with `manage.py import_markdown` (time and peak
   resident memory) and analyses the tables; with --database-url, measures that
   database instead (it may write to it: bylines when it has none; use a copy);
3. requests each page in this process through the whole middleware with Django's test
   client, with the production cache configuration (pages in local memory, the
   generation in a file of this run's own): SQL queries, median and p90 time, and each
   median as a ratio to /healthz (a bare view through the same middleware), requested
   next to each request; first with every cache emptied before every request (cold: the first reader
   after a change), then with them kept (warm); and says, page by page, whether the
   targets of issue 20 are met (TARGETS below);
4. EXPLAINs every query the pages ran and says whether one reads the articles table
   from end to end (a sequential scan) instead of through an index;
5. serves the site with gunicorn (one worker per CPU) on 127.0.0.1 and loads the home
   page and an article page with wrk (Debian's package; a small Python load generator
   when it is missing): requests per second, p99 latency, errors.

Writes bench/results/<db>-<size>.json and .md and prints the table. Nothing is
asserted: the targets are read here (README, "Performance").
"""

import argparse
import contextlib
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from http.client import HTTPConnection
from pathlib import Path

from import_markdown import database, run

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
TIME_BUDGET = 6.0  # seconds per page and cache state: slow pages get fewer requests
MIN_REQUESTS = 5
STATES = ("cold", "changed", "warm")
MAX_REQUESTS = {"cold": 40, "changed": 20, "warm": 200}
# Requested after emptying the caches and before a cold request: a cached page that shares nothing
# with the measured ones, so that what the site keeps per generation (the generation itself, the
# next scheduled change) is there, as it is for a reader asking for a page nobody asked for since
# the last change. "changed" requests skip it: the first page after a change pays for all of it.
PRIMER = "/api/v1/docs"
PAGE_50 = 50
DEEP_PAGE = 5000  # or the last page, when there are fewer
# Issue 20's targets at 10,000 articles: cold median as a multiple of /healthz's (only for the
# pages named), SQL queries of a cold page (lists: a page of articles, a feed, a sitemap page, an
# API list), and the warm median as a multiple of /healthz's (every page).
TARGETS = {
    "cold_ratio": {
        "article": 10,
        "home, page 1": 15,
        "tag": 15,
        "RSS feed": 15,
        "sitemap index": 15,
        "author page": 15,
    },
    "queries": {"list": 2, "page": 3},
    "warm_ratio": 2,
}
# Which ratio the verdict reads: of CPU times (steady on a shared machine), not of wall times.
RATIO = "cpu_ratio"
LOAD_SECONDS = 10
LOAD_CONNECTIONS = 16


def site_environment(tmp, database_url):
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": str(tmp / "static"),
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
        # The production cache configuration (newsroom/settings.py): pages in each process's
        # memory, the generation in a file; this run's own, since cold requests empty it.
        "DJANGO_CACHE_DIR": str(tmp / "cache"),
        "DJANGO_ENV_FILE": "",
        "REDIS_URL": "",
    }


def prepare(size, env, tmp):
    """Generate, migrate, import, collect static files; return what the import cost."""
    corpus = tmp / "corpus"
    started = time.perf_counter()
    run(["generate_articles", str(size), str(corpus), "--seed", "1"], env)
    generated = time.perf_counter() - started
    print(f"generated {size:,} files in {generated:.0f} s", flush=True)
    run(["migrate", "--no-input", "--verbosity", "0"], env)
    elapsed, cpu, peak, summary = run(["import_markdown", str(corpus)], env)
    print(f"imported in {elapsed:.0f} s (CPU {cpu:.0f} s, peak RSS {peak:.0f} MiB): {summary}", flush=True)
    # What a deploy does (make serve) and the task worker does after an import: the cards kept
    # on the rows are drawn; the bodies were rendered by the import itself.
    rendered, _, _, drawn = run(["render_articles"], env)
    print(f"render_articles in {rendered:.0f} s: {drawn}", flush=True)
    run(["collectstatic", "--no-input", "--verbosity", "0"], env)
    shutil.rmtree(corpus)
    return {
        "generate_seconds": round(generated, 1),
        "import_seconds": round(elapsed, 1),
        "import_cpu_seconds": round(cpu, 1),
        "import_files_per_second": round(size / elapsed),
        "import_peak_rss_mib": round(peak),
        "import_summary": summary,
        "render_seconds": round(rendered, 1),
    }


def analyse():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def ensure_bylines():
    """Give a database without bylines (one imported before generated articles had them) a few
    people signing its articles, through the ORM, as the generator would have."""
    from articles.bylines import ArticleAuthor
    from articles.generators import PEOPLE, byline
    from articles.models import Article
    from people.models import Person

    if ArticleAuthor.objects.exists():
        return
    people = {name: Person.objects.create(name=name) for name in PEOPLE}
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article_id=pk, person=people[name], position=position)
        for pk in Article.objects.values_list("pk", flat=True).iterator()
        for position, name in enumerate(byline(pk), start=1)
    )
    print(f"added bylines: {ArticleAuthor.objects.count():,} for {len(people)} people", flush=True)


def older_link(client, page):
    """The address of page ``page`` as a reader reaches it: the « older » link of the page before."""
    previous = "/" if page == 2 else f"/?page={page - 1}"
    html = client.get(previous).content.decode()
    found = re.search(rf'href="/?(\?page={page}&(?:amp;)?before=[0-9]+)"', html)
    if not found:
        sys.exit(f"no link to page {page} on {previous}")
    return "/" + found[1].replace("&amp;", "&")


def pages(client):
    """(name, URL, kind) of each page measured, chosen from the imported articles; kind is
    "list" or "page" (what the query target is), None for /healthz."""
    from django.db.models import Count
    from django.urls import reverse
    from django.utils import timezone

    from api.parameters import make_cursor
    from articles.models import Article, Tag
    from articles.views import ArticleListView
    from newsletter.weeks import Week
    from people.models import Person

    published = Article.objects.published()
    total = published.count()  # an index-only scan, once
    # An article from the middle of the archive, found through the primary key, not an offset.
    article = published.filter(pk__gte=total // 2).order_by("pk").first() or published.first()
    tag = Tag.objects.get(name="France")
    per_page = ArticleListView.paginate_by
    page_50 = min(PAGE_50, math.ceil(total / per_page))
    deep = min(DEEP_PAGE, math.ceil(total / per_page))
    # A reader reaches page 5,000 through the "older articles" link of page 4,999, which
    # names that page's last article; a typed ?page=5000 is read by offset.
    newest_first = published.order_by("-published_at", "-id").values_list("pk", flat=True)
    anchor = newest_first[(deep - 1) * per_page - 1]
    anchor_article = Article.objects.only("published_at").get(pk=anchor)
    yesterday = (timezone.now() - timedelta(days=1)).date().isoformat()
    # The person who signed the most public articles; the week of the newest public article.
    author = Person.objects.annotate(signed=Count("bylines")).order_by("-signed", "pk").first()
    newest = published.order_by("-published_at").first()
    week = Week.of(timezone.localdate(newest.published_at))
    return [
        ("/healthz", "/healthz", None),
        ("home, page 1", "/", "list"),
        (f"home, page {page_50} (older link)", older_link(client, page_50), "list"),
        (f"home, page {page_50} (by number)", f"/?page={page_50}", "list"),
        (f"home, page {deep:,} (older link)", f"/?page={deep}&before={anchor}", "list"),
        (f"home, page {deep:,} (by number)", f"/?page={deep}", "list"),
        ("article", article.get_absolute_url(), "page"),
        ("tag", tag.get_absolute_url(), "list"),
        ("search", "/search/?q=embolisation", "list"),
        ("RSS feed", "/feed/", "list"),
        ("sitemap index", "/sitemap.xml", "page"),
        ("sitemap page", "/sitemap-articles.xml", "list"),
        ("author page", author.get_absolute_url(), "list"),
        ("digest page", reverse("newsletter:digest", kwargs={"week": week.label}), "list"),
        ("digest index", reverse("newsletter:digests"), "list"),
        # The JSON API (api/): a page of 20, one deep in the list by its cursor, a tag's, the
        # articles of the last day (published or updated), and an article.
        ("API list", "/api/v1/articles", "list"),
        (
            f"API list, after article {(deep - 1) * per_page:,}",
            f"/api/v1/articles?cursor={make_cursor(anchor_article)}",
            "list",
        ),
        ("API list by tag", f"/api/v1/articles?tag={tag.slug}", "list"),
        ("API list since a day", f"/api/v1/articles?since={yesterday}", "list"),
        ("API article", f"/api/v1/articles/{article.permalink}", "page"),
    ]


def mean(values):
    return statistics.fmean(values) if values else 0.0


def empty_caches(keep_tokens=False):
    """Every cache of the settings emptied: the pages, and whatever is kept with the generation;
    with keep_tokens, the pages only, when the tokens of what each page shows (articles/caching.py)
    live in a store of their own, as on one machine without Redis: a page nobody asked for since
    the last change finds its article's, tags' and story's tokens there."""
    from django.conf import settings
    from django.core.cache import caches

    for alias, options in settings.CACHES.items():
        if keep_tokens and alias == "generation" and options != settings.CACHES["default"]:
            continue
        caches[alias].clear()


TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def server_cpu():
    """(backend process id, its CPU time in ms so far) of this process's PostgreSQL connection, read
    from /proc (the server runs on this machine); None on SQLite, whose work is this thread's own."""
    from django.db import connection

    if connection.vendor != "postgresql" or connection.connection is None:
        return None
    pid = connection.connection.info.backend_pid
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return pid, (int(fields[11]) + int(fields[12])) * TICK_MS  # utime + stime, in clock ticks


def timed_get(client, url, wall, cpu, server):
    """GET url; its wall time and this thread's CPU time appended, its server's CPU time added."""
    before, started, started_cpu = server_cpu(), time.perf_counter(), time.thread_time()
    response = client.get(url)
    wall.append((time.perf_counter() - started) * 1000)
    cpu.append((time.thread_time() - started_cpu) * 1000)
    after = server_cpu()
    if before and after and before[0] == after[0]:
        server.append(after[1] - before[1])
    return response


def measure(client, url, state):
    """Time GETs of url in that cache state (STATES); return the figures and the SQL of the last request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings, cpu, server, baseline, baseline_cpu, baseline_server = [], [], [], [], [], []
    client.get(url)  # the warm cache's first fill; the cold cache is emptied below anyway

    def prepare():
        if state != "warm":
            empty_caches(keep_tokens=state == "cold")
        if state == "cold":
            client.get(PRIMER)

    # The queries of one request in that state, counted apart: recording them (Django's debug
    # cursor, which on PostgreSQL also writes each query out with its parameters) is not timed.
    prepare()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = [query["sql"] for query in captured.captured_queries]  # read now: the log moves on
    budget_end = time.perf_counter() + TIME_BUDGET / (2 if state == "changed" else 1)
    while len(timings) < MAX_REQUESTS[state]:
        # /healthz next to each request: the ratio compares times of the same moments, whatever
        # else the shared cores are doing.
        timed_get(client, "/healthz", baseline, baseline_cpu, baseline_server)
        prepare()
        response = timed_get(client, url, timings, cpu, server)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")
        if len(timings) >= MIN_REQUESTS and time.perf_counter() > budget_end:
            break
    return {
        "requests": len(timings),
        "queries": len(queries),
        "median_ms": statistics.median(timings),
        "p90_ms": statistics.quantiles(timings, n=10)[-1],
        "healthz_ms": statistics.median(baseline),
        "ratio": statistics.median(timings) / statistics.median(baseline),
        # The same in CPU time, of this thread (the test client, Django and SQLite run in it) and
        # of the PostgreSQL backend: the other loads of a shared machine move it much less than
        # the wall time.
        # PostgreSQL's own work is added: its backend's CPU time (from /proc, in clock ticks of 10 ms,
        # so averaged over the requests rather than a median).
        "cpu_median_ms": statistics.median(cpu) + mean(server),
        "cpu_ratio": (statistics.median(cpu) + mean(server))
        / (statistics.median(baseline_cpu) + mean(baseline_server)),
        "server_cpu_mean_ms": mean(server),
    }, queries


SEQUENTIAL = {
    "postgresql": re.compile(r"Seq Scan on articles_article\b"),
    "sqlite": re.compile(r"^SCAN articles_article\b(?! USING)"),
}


def plan_verdict(queries):
    """'no seq scan' when no query reads the articles table sequentially, else the plan line that does."""
    from django.db import connection

    prefix = "EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    pattern = SEQUENTIAL[connection.vendor]
    with connection.cursor() as cursor:
        for sql in queries:
            if not sql.lstrip().upper().startswith("SELECT") or "articles_article" not in sql:
                continue
            cursor.execute(prefix + sql)
            for row in cursor.fetchall():
                line = str(row[-1]).strip()
                if pattern.search(line.lstrip("->").strip()):
                    return f"sequential scan: {line}"
    return "no seq scan"


def in_process(client, page_list):
    results = {}
    for state in STATES:
        for name, url, kind in page_list:
            figures, queries = measure(client, url, state)
            if state == "cold":
                figures["plan"] = plan_verdict(queries)
            page = results.setdefault(
                name, {"url": url, "kind": kind, "cold_target": TARGETS["cold_ratio"].get(name)}
            )
            page[state] = figures
            print(
                f"{state:4}  {name:30} {figures['median_ms']:8.2f} ms  {figures['queries']} queries",
                flush=True,
            )
    for figures in results.values():
        figures["verdict"] = verdict(figures)
    return results


def verdict(figures):
    """ "met", or "not met: " and each target missed (TARGETS), for one page's figures."""
    if figures["kind"] is None:
        return ""
    missed = []
    limit = TARGETS["queries"][figures["kind"]]
    if figures["cold"]["queries"] > limit:
        missed.append(f"{figures['cold']['queries']} queries > {limit}")
    target = figures.get("cold_target")
    if target and figures["cold"][RATIO] > target:
        missed.append(f"cold {figures['cold'][RATIO]:.1f}× > {target}×")
    if figures["warm"][RATIO] > TARGETS["warm_ratio"]:
        missed.append(f"warm {figures['warm'][RATIO]:.1f}× > {TARGETS['warm_ratio']}×")
    if figures["warm"]["queries"]:
        missed.append(f"warm runs {figures['warm']['queries']} queries")
    return "not met: " + "; ".join(missed) if missed else "met"


def wrk(url):
    output = subprocess.run(  # noqa: S603 -- our own arguments
        [
            *("wrk", "--threads", "2", "--connections", str(LOAD_CONNECTIONS)),
            *("--duration", f"{LOAD_SECONDS}s", "--latency", url),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    units = {"us": 0.001, "ms": 1, "s": 1000}
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)$", output, re.MULTILINE)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "tool": "wrk",
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p99_ms": float(p99.group(1)) * units[p99.group(2)],
        "errors": (int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(int(n) for n in socket.groups()) if socket else 0),
    }


def python_load(url):
    """A small keep-alive load generator, for machines without wrk."""
    parts = urllib.parse.urlsplit(url)
    deadline = time.perf_counter() + LOAD_SECONDS
    latencies, errors, lock = [], [0], threading.Lock()

    def worker():
        connection = HTTPConnection(parts.hostname, parts.port, timeout=10)
        mine, failed = [], 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
                response = connection.getresponse()
                response.read()
                failed += response.status != 200
            except OSError:
                failed += 1
                connection.close()
                connection = HTTPConnection(parts.hostname, parts.port, timeout=10)
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=worker) for _ in range(LOAD_CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "tool": "python",
        "requests_per_second": len(latencies) / LOAD_SECONDS,
        "p99_ms": statistics.quantiles(latencies, n=100)[-1],
        "errors": errors[0],
    }


def through_gunicorn(env, page_list):
    from tests.servers import fetch, gunicorn

    load = wrk if shutil.which("wrk") else python_load
    results = {}
    with gunicorn(env, workers=os.cpu_count()) as base_url:
        for name, url, _kind in page_list:
            if name in ("home, page 1", "article"):
                for _ in range(4 * os.cpu_count()):  # every worker has loaded its code and cached the page
                    fetch(base_url + url)
                results[name] = load(base_url + url)
                figures = results[name]
                print(
                    f"load  {name:24} {figures['requests_per_second']:8.0f} req/s  "
                    f"p99 {figures['p99_ms']:.1f} ms  {figures['errors']} errors",
                    flush=True,
                )
    return results


def target_text(figures):
    if figures["kind"] is None:
        return "—"
    ratio = f"cold ≤ {figures['cold_target']}×, " if figures.get("cold_target") else ""
    return f"{ratio}≤ {TARGETS['queries'][figures['kind']]} queries, warm ≤ {TARGETS['warm_ratio']}×"


def markdown(report):
    machine = report["machine"]
    source = (
        f"Import: {report['import']['import_seconds']:,} s ({report['import']['import_files_per_second']:,} "
        f"files/s), peak resident memory {report['import']['import_peak_rss_mib']} MiB."
        if "import_seconds" in report["import"]
        else f"Database: {report['import']['database_url']} ({report['import']['articles']:,} articles)."
    )
    lines = [
        f"**{report['size']:,} articles, {report['database']}** — {report['date']}, "
        f"{machine['cpus']} CPUs ({machine['cpu']}), load average {machine['load_before']} before the run, "
        f"Python {machine['python']}, {machine['database_version']}"
        + (f", code {report['commit']}" if report.get("commit") else "")
        + ".",
        "",
        source,
        "",
        "| page | queries cold | cold median ms | cold p90 ms | cold × /healthz | cold CPU ms "
        "| cold CPU × /healthz | queries after a change | after a change ms | after a change CPU × /healthz "
        "| queries warm | warm median ms | warm × /healthz | warm CPU × /healthz | target | verdict | plan |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|---|",
    ]
    for name, figures in report["pages"].items():
        cold, changed, warm = figures["cold"], figures["changed"], figures["warm"]
        lines.append(
            f"| {name} | {cold['queries']} | {cold['median_ms']:.2f} | {cold['p90_ms']:.2f} | "
            f"{cold['ratio']:.1f}× | {cold['cpu_median_ms']:.2f} | {cold['cpu_ratio']:.1f}× | "
            f"{changed['queries']} | {changed['median_ms']:.2f} | {changed['cpu_ratio']:.1f}× | "
            f"{warm['queries']} | {warm['median_ms']:.2f} | {warm['ratio']:.1f}× | "
            f"{warm['cpu_ratio']:.1f}× | {target_text(figures)} | {figures.get('verdict') or '—'} | "
            f"{cold['plan']} |"
        )
    pages = [figures for figures in report["pages"].values() if figures.get("verdict")]
    met = sum(figures["verdict"] == "met" for figures in pages)
    lines += [
        "",
        "Cold: the page not in the cache, what the site keeps per generation there and the tokens "
        "of what the page shows (a reader asking for a page nobody asked for since the last change; "
        f"{PRIMER} requested first). After a "
        "change: every cache emptied (the first reader after a write pays for the generation's "
        "state too). × /healthz: the median against /healthz's, requested next to each request; CPU: "
        "the same in CPU time, of the measuring thread (Django, SQLite) plus the PostgreSQL backend's "
        "mean (from /proc), which the other loads of a shared machine move much less. The verdict "
        "reads the CPU ratios and the queries, cold and warm.",
        "",
        f"Targets met by {met} of {len(pages)} pages.",
    ]
    if report.get("load"):
        lines += [
            "",
            f"Through gunicorn ({machine['cpus']} workers) on 127.0.0.1, {LOAD_CONNECTIONS} connections for "
            f"{LOAD_SECONDS} s each, warm cache:",
            "",
            "| page | requests/s | p99 ms | errors | tool |",
            "|---|--:|--:|--:|---|",
        ]
        for name, figures in report["load"].items():
            lines.append(
                f"| {name} | {figures['requests_per_second']:,.0f} | {figures['p99_ms']:.1f} | "
                f"{figures['errors']} | {figures['tool']} |"
            )
    return "\n".join(lines) + "\n"


def growth(kind="postgres", small=10_000):
    """Each page's cold median at ``small`` articles and at the largest size measured since, from
    bench/results: the growth target is at most +50 % for every page."""
    runs = {}
    for path in RESULTS.glob(f"{kind}-*.json"):
        report = json.loads(path.read_text())
        runs[report["size"]] = report
    if small not in runs or max(runs) == small:
        sys.exit(f"bench/results needs {kind}-{small}.json and a larger {kind} run to compare")
    large = max(runs)
    lines = [
        f"Growth, {kind}, {small:,} → {large:,} articles (cold medians, in CPU time when both "
        "runs have it; runs of "
        f"{runs[small]['date']} and {runs[large]['date']}):",
        "",
        f"| page | {small:,} | {large:,} | growth | verdict |",
        "|---|--:|--:|--:|---|",
    ]
    larger = {same_page(name): figures for name, figures in runs[large]["pages"].items()}
    for name, figures in runs[small]["pages"].items():
        other = larger.get(same_page(name))
        if other is None:
            continue
        # CPU times when both runs have them: steadier than wall times from two moments.
        measure = (
            "cpu_median_ms"
            if "cpu_median_ms" in figures["cold"] and "cpu_median_ms" in other["cold"]
            else "median_ms"
        )
        before, after = figures["cold"][measure], other["cold"][measure]
        change = after / before - 1
        lines.append(
            f"| {name} | {before:.2f} ms | {after:.2f} ms | {change:+.0%} | "
            f"{'met' if change <= 0.5 else 'not met: > +50 %'} |"
        )
    print("\n".join(lines))


def same_page(name):
    """A page's name whatever the size: the deep page is page 500 of 10,000 articles, 5,000 of more."""
    return re.sub(r"(page|article) [0-9,]{3,}", r"\1 N", name)


def commit():
    result = subprocess.run(  # noqa: S603 -- our own arguments
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip()


def bench(kind, size, database_url=None, load=True):
    machine = {
        "cpus": os.cpu_count(),
        "cpu": platform.processor() or platform.machine(),
        "load_before": ", ".join(f"{value:.1f}" for value in os.getloadavg()),
        "python": platform.python_version(),
    }
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-pages-")))
        url = database_url or stack.enter_context(database(kind, tmp))
        env = site_environment(tmp, url)
        if database_url:
            run(["collectstatic", "--no-input", "--verbosity", "0"], env)
            imported = {"database_url": database_url}
        else:
            imported = prepare(size, env, tmp)
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connection
        from django.test import Client

        from articles.models import Article

        if database_url:
            ensure_bylines()
            imported["articles"] = size = Article.objects.count()
        analyse()
        machine["database_version"] = (
            f"{connection.display_name} {connection.Database.sqlite_version}"
            if (connection.vendor == "sqlite")
            else f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
        )
        client = Client()
        page_list = pages(client)
        report = {
            "size": size,
            "database": connection.vendor.replace("postgresql", "postgres"),
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": commit(),
            "machine": machine,
            "import": imported,
            "pages": in_process(client, page_list),
        }
        connection.close()
        report["load"] = through_gunicorn(env, page_list) if load else {}
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"{report['database']}-{report['size']}"
    stem.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
    table = markdown(report)
    stem.with_suffix(".md").write_text(table)
    print()
    print(table)
    print(f"Written to {stem}.json and {stem}.md")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="number of articles (default 10,000)")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument(
        "--database-url",
        help="measure this database, not a generated one (use a copy: it may add bylines)",
    )
    parser.add_argument("--no-load", action="store_true", help="skip the load through gunicorn")
    parser.add_argument("--growth", action="store_true", help="compare the PostgreSQL results and exit")
    args = parser.parse_args()
    if args.growth:
        growth()
        return
    if args.database_url:
        bench(None, None, args.database_url, load=not args.no_load)
        return
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if len(kinds) > 1:
        # Django is set up once per process: each database is measured in a process of its own.
        for kind in kinds:
            command = [sys.executable, __file__, "--size", str(args.size), "--db", kind]
            subprocess.run([*command, *(["--no-load"] if args.no_load else [])], check=True)  # noqa: S603
        return
    bench(kinds[0], args.size, load=not args.no_load)


if __name__ == "__main__":
    main()
