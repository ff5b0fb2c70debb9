"""Benchmark: feed ingestion (`manage.py ingest_feeds`) into a fresh database.

    .venv/bin/python bench/ingest_feeds.py [--db sqlite|postgres] [--seed 1]
    make bench-ingest [DB=sqlite|postgres]

Writes its own feeds (RSS 2.0 as WordPress and journals write them: titles,
HTML summaries with links, DOIs and trial numbers, images, the « appeared first
on » footer, some studies told by several feeds so that stories form), serves
them on 127.0.0.1 (no ETag, no Last-Modified: every run reads every item), and
for each case migrates a new database (an SQLite file in a temporary folder, or
a throwaway PostgreSQL server as the tests start one), adds the sources, then
runs `ingest_feeds` twice: the first run stores every item, the second finds
them all unchanged. Prints the time of the command (Django's start-up
excluded), items per second, the SQL queries per item, and the process's CPU
time: on a shared machine the wall time depends on the other loads, the CPU
time much less.

Cases: one feed of 500 items, and 5,000 items across 20 feeds of 250.
"""

import argparse
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASES = {"1 feed × 500 items": (1, 500), "20 feeds × 250 items": (20, 250)}
TOPICS = [
    ("embolisation", "de l’artère prostatique"),
    ("thrombectomie", "des AVC étendus"),
    ("sémaglutide", "et la fonction rénale"),
    ("vaccination", "contre la grippe"),
    ("dépistage", "du cancer colorectal"),
    ("ablation", "de la fibrillation atriale"),
    ("immunothérapie", "du mélanome"),
    ("antibiothérapie", "courte des pneumonies"),
]
WORDS = [
    "étude",
    "essai",
    "registre",
    "patients",
    "cohorte",
    "résultats",
    "suivi",
    "analyse",
    "risque",
    "réduction",
    "mortalité",
    "hospitalisation",
    "traitement",
    "efficacité",
    "sécurité",
    "randomisé",
    "multicentrique",
    "recommandation",
]


def write_feeds(folder, feeds, items, seed):
    """Write ``feeds`` RSS files of ``items`` items each; return their paths. One item in eight
    tells a study another feed tells too (its DOI, trial number or headline)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    studies = [
        (f"10.{1000 + n % 90}/journal.{2025}.{n:05d}", f"NCT{5_000_000 + n:08d}") for n in range(items)
    ]
    now = datetime.now(UTC).replace(microsecond=0)
    paths = []
    for feed in range(feeds):
        site = f"site{feed:02d}.example"
        entries = []
        for number in range(items):
            shared = rng.random() < 0.125
            study = rng.randrange(items // 4) if shared else feeds * items + feed * items + number
            doi, trial = studies[study % len(studies)] if shared else (f"10.5555/own.{study}", "")
            topic, rest = rng.choice(TOPICS)
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9)))
            title = f"{topic.capitalize()} {rest} : {words} ({feed}-{number})"
            link = f"https://www.{site}/actualites/{topic}-{feed}-{number}/"
            image = f"https://cdn.{site}/images/{feed}-{number}.jpg"
            summary = (
                f"<p>{escape(title)} : {' '.join(rng.choice(WORDS) for _ in range(40))}.</p>"
                f'<p><img src="{image}" alt="" /> Lire <a href="https://doi.org/{doi}">l’article</a>'
                + (f", essai {trial}" if trial else "")
                + f'. <a href="https://www.{site}/rubrique/{topic}/">Toute la rubrique</a> '
                f'<a href="https://twitter.com/intent/tweet?url={link}">Partager</a></p>'
                f'<p>The post <a href="{link}">{escape(title)}</a> appeared first on '
                f'<a href="https://www.{site}/">Site {feed}</a>.</p>'
            )
            date = format_datetime(now - timedelta(minutes=7 * number + feed))
            entries.append(
                f"<item><title>{escape(title)}</title><link>{link}</link><pubDate>{date}</pubDate>"
                f'<category>{escape(topic)}</category><media:content url="{image}" medium="image" />'
                f"<description>{escape(summary)}</description></item>"
            )
        path = folder / f"feed-{feed:02d}.xml"
        path.write_text(
            '<?xml version="1.0" encoding="utf-8"?>'
            '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>'
            f"<title>Site {feed}</title><link>https://www.{site}/</link>"
            f"<description>Site {feed}</description>" + "".join(entries) + "</channel></rss>",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def measure(urls):
    """In the child process: add the sources (once), run ingest_feeds over them, print a JSON line."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from intake.models import Source

    for number, url in enumerate(urls):
        if not Source.objects.filter(feed_url=url).exists():
            Source.objects.create(name=f"Site {number}", feed_url=url).tags.set(["Actualité", "Veille"])
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    out, err = io.StringIO(), io.StringIO()
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        call_command("ingest_feeds", stdout=out, stderr=err)
        elapsed = time.perf_counter() - started
    from articles.models import Article

    stories = Article.objects.exclude(story=None).values("story").distinct().count()
    summary = out.getvalue().splitlines()[-1]
    print(json.dumps({"seconds": elapsed, "queries": queries, "stories": stories, "summary": summary}))


def run_measure(env, urls):
    """Run measure() in a new process; its figures, with the process's CPU time and peak memory."""
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, __file__, "--measure", *urls], env=env, stdout=subprocess.PIPE
    )
    output = process.stdout.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"ingest_feeds failed:\n{output}")
    figures = json.loads(output.strip().rpartition("\n")[2])
    figures["cpu"] = usage.ru_utime + usage.ru_stime
    figures["rss"] = usage.ru_maxrss / 1024
    return figures


def bench(kind, seed):
    from import_markdown import database, run

    from tests.feed_server import FeedServer

    results = []
    for label, (feeds, items) in CASES.items():
        with (
            tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp,
            database(kind, Path(tmp)) as url,
            FeedServer() as server,
        ):
            paths = write_feeds(Path(tmp) / "feeds", feeds, items, seed)
            urls = [server.serve(f"/{path.name}", path.read_bytes()) for path in paths]
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "DJANGO_SETTINGS_MODULE": "newsroom.settings",
                "DJANGO_ENV_FILE": "",
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50,
                "DJANGO_CACHE_DIR": str(Path(tmp) / "cache"),
                "INGEST_ALLOW_LOOPBACK": "1",
            }
            run(["migrate", "--no-input", "--verbosity", "0"], env)
            total = feeds * items
            for run_label in ("first run", "again, unchanged"):
                figures = run_measure(env, urls)
                seconds = figures["seconds"]
                results.append({"case": label, "run": run_label, "items": total, **figures})
                print(
                    f"{kind:<8} {label:<21} {run_label:<17} {seconds:6.1f} s  "
                    f"{total / seconds:6.0f} items/s  "
                    f"{figures['queries'] / total:5.2f} queries/item  CPU {figures['cpu']:5.1f} s  "
                    f"peak RSS {figures['rss']:4.0f} MiB  {figures['stories']} stories  "
                    f"({figures['summary'].partition(';')[0]})",
                    flush=True,
                )
    return results


def main():
    if sys.argv[1:2] == ["--measure"]:
        measure(sys.argv[2:])
        return
    sys.path.insert(0, str(ROOT / "bench"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"{os.cpu_count()} CPUs (load average {load}), Python {sys.version.split()[0]}")
    for kind in args.db:
        bench(kind, args.seed)


if __name__ == "__main__":
    main()
