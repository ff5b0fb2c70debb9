"""Benchmark: checking the public articles' source links (`manage.py check_links`).

    .venv/bin/python bench/check_links.py [--db sqlite postgres] [--links 1000 10000]

For each case, migrates a new database (an SQLite file in a temporary folder, or a throwaway
PostgreSQL server as the tests start one), writes that many public articles through the one
writer in bulk (articles.writing.create_articles), their sources on a server on 127.0.0.1
answering as the web does: 85 % 200, 5 % a 301 to a living page, 4 % 404, 2 % 410, 2 % 500,
2 % HEAD refused (405) then 200 to GET. Then runs `check_links` twice, each in a new process:
the first run checks every link (the pause between two requests to one host off, as the
server is one host), the second, at once, fetches nothing. Prints the command's wall time
(Django's start-up included), links per second, the process's CPU time and peak RSS: the
checks read their rows in batches, so the memory stays the same from 1,000 links to 10,000.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

BATCH = 1000


def answer_for(number):
    """What the server answers for link ``number``: (status, HEAD's status, redirect target)."""
    share = number % 100
    if share < 85:
        return 200, None, None
    if share < 90:
        return 301, None, f"/page/{number}/moved"
    if share < 94:
        return 404, None, None
    if share < 96:
        return 410, None, None
    if share < 98:
        return 500, None, None
    return 200, 405, None


def serve(server, count):
    for number in range(count):
        status, head_status, target = answer_for(number)
        if target:
            server.redirect(f"/page/{number}", server.url(target))
            server.serve(target)
        else:
            server.serve(f"/page/{number}", status, head_status=head_status)


def setup(count, base_url):
    """In a child process: ``count`` public articles whose sources are on ``base_url``."""
    import datetime

    import django

    django.setup()
    from django.utils import timezone

    from articles import writing
    from articles.models import Article

    now = timezone.now()
    for start in range(0, count, BATCH):
        new = [
            writing.prepare(
                Article(
                    title=f"Article de banc numéro {number}",
                    status=Article.Status.PUBLISHED,
                    published_at=now - datetime.timedelta(hours=number),
                    summary="Résumé.",
                ),
                source=writing.Source(f"{base_url}/page/{number}", publisher="Banc"),
            )
            for number in range(start, min(count, start + BATCH))
        ]
        writing.create_articles(new, group=False)


def command(args, env):
    """Run a manage.py command; its wall and CPU times in seconds, peak RSS in MiB, and output."""
    from import_markdown import MANAGE

    start = time.perf_counter()
    process = subprocess.Popen([*MANAGE, *args], env=env, stdout=subprocess.PIPE)  # noqa: S603
    output = process.stdout.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(args)} failed:\n{output}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output


def bench(kind, count):
    from import_markdown import database, run

    from tests.link_server import LinkServer

    with (
        tempfile.TemporaryDirectory(prefix="bench-links-") as tmp,
        database(kind, Path(tmp)) as url,
        LinkServer() as server,
    ):
        serve(server, count)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DJANGO_ENV_FILE": "",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50,
            "DJANGO_CACHE_DIR": str(Path(tmp) / "cache"),
            "INGEST_ALLOW_LOOPBACK": "1",
            "LINK_CHECK_PAUSE": "0",
        }
        run(["migrate", "--no-input", "--verbosity", "0"], env)
        subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--setup", str(count), server.url("")], env=env, check=True
        )
        for label in ("first run", "again, at once"):
            asked = len(server.requests)
            elapsed, cpu, peak, output = command(["check_links"], env)
            requests = len(server.requests) - asked
            print(
                f"{kind:<8} {count:>6} links  {label:<15} {elapsed:6.1f} s  {count / elapsed:6.0f} links/s  "
                f"{requests:>6} requests  CPU {cpu:5.1f} s  peak RSS {peak:4.0f} MiB",
                flush=True,
            )
            print(f"         {output.splitlines()[0]}", flush=True)


def main():
    if sys.argv[1:2] == ["--setup"]:
        setup(int(sys.argv[2]), sys.argv[3])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--links", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"{os.cpu_count()} CPUs (load average {load}), Python {sys.version.split()[0]}")
    for kind in args.db:
        for count in args.links:
            bench(kind, count)


if __name__ == "__main__":
    main()
