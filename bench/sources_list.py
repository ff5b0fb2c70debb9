"""Benchmark: the sources' list in the admin (states, 30-day sparklines) and a scheduled run's choice
of sources, with a month of items and runs.

    .venv/bin/python bench/sources_list.py [--db sqlite|postgres] [--sources 100] [--per-day 20]

Migrates a new database (an SQLite file in a temporary folder, or a throwaway PostgreSQL server
as the tests start one), adds SOURCES sources, each with PER_DAY items a day over 30 days and a run
every 6 hours over 100 days (a quarter failing, a quarter silent), then in a process of its own
times the sources' list (its first page: 100 sources, each with its sparkline) and a source's page
(its health and last runs), five times each, with their SQL queries, and the queries that choose
the sources due and forget old runs.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure(sources, per_day):
    import django

    django.setup()
    import datetime

    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from intake import health
    from intake.models import FeedRun, IngestedItem, Source

    now = timezone.now()
    made = Source.objects.bulk_create(
        Source(name=f"Source {number:04}", feed_url=f"https://feed{number}.example/rss")
        for number in range(sources)
    )
    items, runs = [], []
    for number, source in enumerate(made):
        for day in range(30):
            for item in range(per_day):
                items.append(
                    IngestedItem(
                        link_normalized=f"https://feed{number}.example/{day}/{item}",
                        source=source,
                        fingerprint="f" * 64,
                    )
                )
        for quarter in range(100 * 4):
            started = now - datetime.timedelta(hours=6 * quarter)
            runs.append(
                FeedRun(
                    source=source,
                    started_at=started,
                    finished_at=started + datetime.timedelta(seconds=2),
                    outcome=FeedRun.Outcome.OK,
                    items_new=per_day // 4,
                    items_seen=per_day,
                )
            )
    IngestedItem.objects.bulk_create(items, batch_size=2000)
    FeedRun.objects.bulk_create(runs, batch_size=2000)
    # Spread over the month, as they came.
    for day in range(30):
        IngestedItem.objects.filter(link_normalized__contains=f".example/{day}/").update(
            first_seen_at=now - datetime.timedelta(days=day)
        )
    quarter = sources // 4
    Source.objects.filter(pk__in=[source.pk for source in made[:quarter]]).update(
        consecutive_failures=5,
        failing_since=now - datetime.timedelta(days=2),
        next_fetch_at=now + health.MAX_WAIT,
    )
    Source.objects.filter(pk__in=[source.pk for source in made[quarter:]]).update(
        last_success_at=now, last_new_item_at=now
    )
    Source.objects.filter(pk__in=[source.pk for source in made[quarter : 2 * quarter]]).update(
        last_new_item_at=now - datetime.timedelta(days=40)
    )

    client = Client()
    client.force_login(User.objects.create_superuser("bench", password="bench-only"))  # noqa: S106

    def timed(address):
        times = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(address, secure=True)
                times.append(time.perf_counter() - start)
            assert response.status_code == 200, response.status_code
        return statistics.median(times), len(queries)

    figures = {}
    figures["list"] = timed("/admin/intake/source/")
    figures["failing"] = timed("/admin/intake/source/?state=failing")
    figures["source"] = timed(f"/admin/intake/source/{made[0].pk}/change/")
    start = time.perf_counter()
    due = Source.objects.filter(health.due(now), is_active=True).count()
    figures["due"] = (time.perf_counter() - start, due)
    start = time.perf_counter()
    forgotten = health.forget_old_runs(now)
    figures["forget"] = (time.perf_counter() - start, forgotten)
    print(json.dumps({**figures, "items": len(items), "runs": len(runs)}))


def bench(kind, sources, per_day):
    sys.path.insert(0, str(ROOT / "bench"))
    from import_markdown import database, run

    with tempfile.TemporaryDirectory(prefix="bench-sources-") as tmp, database(kind, Path(tmp)) as url:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            # Static files from their folders, as in development: no collectstatic for a benchmark.
            "DJANGO_SETTINGS_MODULE": "newsroom.test_settings",
            "DJANGO_ENV_FILE": "",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_CACHE_DIR": str(Path(tmp) / "cache"),
        }
        run(["migrate", "--no-input", "--verbosity", "0"], env)
        done = subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--measure", str(sources), str(per_day)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            sys.exit(f"measuring failed:\n{done.stdout}{done.stderr}")
        output = done.stdout
        figures = json.loads(output.strip().rpartition("\n")[2])
        print(f"{kind}: {sources} sources, {figures['items']} items over 30 days, {figures['runs']} runs")
        for name, label in (
            ("list", "sources' list, 100 a page"),
            ("failing", "  filtered: failing"),
            ("source", "a source's page"),
        ):
            seconds, queries = figures[name]
            print(f"  {label:<28} {seconds * 1000:7.1f} ms  {queries:3d} queries")
        print(f"  {'sources due (count)':<28} {figures['due'][0] * 1000:7.1f} ms  ({figures['due'][1]} due)")
        seconds, deleted = figures["forget"]
        print(f"  {'runs older than 90 days':<28} {seconds * 1000:7.1f} ms  ({deleted} deleted)")


def main():
    if sys.argv[1:2] == ["--measure"]:
        measure(int(sys.argv[2]), int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--sources", type=int, default=100)
    parser.add_argument("--per-day", type=int, default=20)
    args = parser.parse_args()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"{os.cpu_count()} CPUs (load average {load}), Python {sys.version.split()[0]}")
    for kind in args.db:
        bench(kind, args.sources, args.per_day)


if __name__ == "__main__":
    main()
