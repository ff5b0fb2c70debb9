"""Benchmark of the public pages: from a generated corpus to requests per second.

    make bench [SIZE=10000] [DB=sqlite|postgres]
    .venv/bin/python bench/public_pages.py --size 10000 --db postgres

1. writes SIZE articles with `manage.py generate_articles` (the project's generator);
2. migrates a fresh database (an SQLite file, or a throwaway PostgreSQL server as the
   tests start one), imports the files with `manage.py import_markdown` (time and peak
   resident memory) and analyses the tables;
3. requests each page in this process through the whole middleware with Django's test
   client: SQL queries, median and p90 time, and each median as a ratio to /healthz (a
   bare view through the same middleware) in the same run; first with the cache emptied
   before every request (cold), then with it kept (warm);
4. EXPLAINs every query the pages ran and says whether one reads the articles table
   from end to end (a sequential scan) instead of through an index;
5. serves the site with gunicorn (one worker per CPU) on 127.0.0.1 and loads the home
   page and an article page with wrk (Debian's package; a small Python load generator
   when it is missing): requests per second, p99 latency, errors.

Writes bench/results/<db>-<size>.json and .md and prints the table. Nothing is
asserted: the targets are read here (README, "Performance").
"""

import argparse
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
TIME_BUDGET = 8.0  # seconds per page and cache state: slow pages get fewer requests
MIN_REQUESTS = 5
MAX_REQUESTS = {"cold": 40, "warm": 200}
DEEP_PAGE = 5000
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
    run(["collectstatic", "--no-input", "--verbosity", "0"], env)
    shutil.rmtree(corpus)
    return {
        "generate_seconds": round(generated, 1),
        "import_seconds": round(elapsed, 1),
        "import_cpu_seconds": round(cpu, 1),
        "import_files_per_second": round(size / elapsed),
        "import_peak_rss_mib": round(peak),
        "import_summary": summary,
    }


def analyse():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def pages():
    """(name, URL) of each page measured, chosen from the imported articles."""
    from django.utils import timezone

    from api.parameters import make_cursor
    from articles.models import Article, Tag

    published = Article.objects.published()
    total = published.count()  # an index-only scan, once
    # An article from the middle of the archive, found through the primary key, not an offset.
    article = published.filter(pk__gte=total // 2).order_by("pk").first() or published.first()
    tag = Tag.objects.get(name="France")
    deep = min(DEEP_PAGE, math.ceil(total / 20))
    # A reader reaches page 5,000 through the "older articles" link of page 4,999, which
    # names that page's last article; a typed ?page=5000 is read by offset.
    newest_first = published.order_by("-published_at", "-id").values_list("pk", flat=True)
    anchor = newest_first[(deep - 1) * 20 - 1]
    anchor_article = Article.objects.only("published_at").get(pk=anchor)
    yesterday = (timezone.now() - timedelta(days=1)).date().isoformat()
    return [
        ("/healthz", "/healthz"),
        ("home, page 1", "/"),
        (f"home, page {deep:,} (older link)", f"/?page={deep}&before={anchor}"),
        (f"home, page {deep:,} (by number)", f"/?page={deep}"),
        ("article", article.get_absolute_url()),
        ("tag", tag.get_absolute_url()),
        ("search", "/search/?q=embolisation"),
        ("RSS feed", "/feed/"),
        ("sitemap page", "/sitemap-articles.xml"),
        # The JSON API (api/): a page of 20, one deep in the list by its cursor, a tag's, the
        # articles of the last day (published or updated), and an article.
        ("API list", "/api/v1/articles"),
        (
            f"API list, after article {(deep - 1) * 20:,}",
            f"/api/v1/articles?cursor={make_cursor(anchor_article)}",
        ),
        ("API list by tag", f"/api/v1/articles?tag={tag.slug}"),
        ("API list since a day", f"/api/v1/articles?since={yesterday}"),
        ("API article", f"/api/v1/articles/{article.permalink}"),
    ]


def measure(client, url, cold):
    """Time GETs of url; return the figures and the SQL of the last request."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    client.get(url)  # the warm cache's first fill; the cold cache is emptied below anyway
    budget_end = time.perf_counter() + TIME_BUDGET
    while len(timings) < MAX_REQUESTS["cold" if cold else "warm"]:
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")
        if len(timings) >= MIN_REQUESTS and time.perf_counter() > budget_end:
            break
    return {
        "requests": len(timings),
        "queries": len(captured),
        "median_ms": statistics.median(timings),
        "p90_ms": statistics.quantiles(timings, n=10)[-1],
    }, [query["sql"] for query in captured.captured_queries]


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


def in_process(page_list):
    from django.test import Client

    client = Client()
    results = {}
    for state in ("cold", "warm"):
        for name, url in page_list:
            figures, queries = measure(client, url, cold=state == "cold")
            if state == "cold":
                figures["plan"] = plan_verdict(queries)
            results.setdefault(name, {"url": url})[state] = figures
            print(
                f"{state:4}  {name:24} {figures['median_ms']:8.2f} ms  {figures['queries']} queries",
                flush=True,
            )
        baseline = results["/healthz"][state]["median_ms"]
        for name, _url in page_list:
            results[name][state]["ratio"] = results[name][state]["median_ms"] / baseline
    return results


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
        for name, url in page_list:
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


def markdown(report):
    machine = report["machine"]
    lines = [
        f"**{report['size']:,} articles, {report['database']}** — {report['date']}, "
        f"{machine['cpus']} CPUs ({machine['cpu']}), load average {machine['load_before']} before the run, "
        f"Python {machine['python']}, {machine['database_version']}.",
        "",
        f"Import: {report['import']['import_seconds']:,} s ({report['import']['import_files_per_second']:,} "
        f"files/s), peak resident memory {report['import']['import_peak_rss_mib']} MiB.",
        "",
        "| page | queries cold | cold median ms | cold p90 ms | cold × /healthz "
        "| queries warm | warm median ms | warm p90 ms | warm × /healthz | plan |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for name, figures in report["pages"].items():
        cold, warm = figures["cold"], figures["warm"]
        lines.append(
            f"| {name} | {cold['queries']} | {cold['median_ms']:.2f} | {cold['p90_ms']:.2f} | "
            f"{cold['ratio']:.1f}× | {warm['queries']} | {warm['median_ms']:.2f} | {warm['p90_ms']:.2f} | "
            f"{warm['ratio']:.1f}× | {cold['plan']} |"
        )
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="number of articles (default 10,000)")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    machine = {
        "cpus": os.cpu_count(),
        "cpu": platform.processor() or platform.machine(),
        "load_before": ", ".join(f"{value:.1f}" for value in os.getloadavg()),
        "python": platform.python_version(),
    }
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp, database(args.db, Path(tmp)) as url:
        env = site_environment(Path(tmp), url)
        imported = prepare(args.size, env, Path(tmp))
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connection

        analyse()
        machine["database_version"] = (
            f"{connection.display_name} {connection.Database.sqlite_version}"
            if (connection.vendor == "sqlite")
            else f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
        )
        page_list = pages()
        report = {
            "size": args.size,
            "database": args.db,
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine,
            "import": imported,
            "pages": in_process(page_list),
        }
        connection.close()
        report["load"] = through_gunicorn(env, page_list)
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"{args.db}-{args.size}"
    stem.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
    table = markdown(report)
    stem.with_suffix(".md").write_text(table)
    print()
    print(table)
    print(f"Written to {stem}.json and {stem}.md")


if __name__ == "__main__":
    main()
