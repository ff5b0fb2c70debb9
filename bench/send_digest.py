"""Benchmark: `manage.py send_digest` to many readers through a real SMTP server on 127.0.0.1.

    .venv/bin/python bench/send_digest.py [--readers 1000] [--articles 40]

Migrates a new SQLite database in a temporary folder, writes the articles of last week and
the confirmed readers (a third of them following two tags), starts aiosmtpd on a free
loopback port (accepting every message at once), then runs `send_digest` twice: the first
run sends every letter, the second finds them all sent. Prints each run's wall time,
letters per second and the process's CPU time (Django's start-up included: it is the
command cron runs).
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SETUP = """
from datetime import timedelta
from articles.models import Tag
from newsletter.models import Subscriber
from newsletter.weeks import Week
from tests.factories import make_article
week = Week.last_complete()
tags = ["Oncologie", "Cardiologie", "Neurologie", "Santé publique", "France", "Europe"]
for number in range({articles}):
    make_article(
        title=f"Article {{number}} de la semaine",
        published_at=week.start + timedelta(hours=3 * number + 1),
        tags=[tags[number % len(tags)], tags[(number + 2) % len(tags)]],
        importance=4 if number % 10 == 0 else 2,
    )
chosen = list(Tag.objects.filter(name__in=["Oncologie", "Cardiologie"]))
for number in range({readers}):
    reader = Subscriber.objects.create(email=f"lecteur{{number}}@example.net", status="confirmed")
    if number % 3 == 0:
        reader.tags.set(chosen)
"""


class Counting:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.count += 1
        return "250 OK"


def manage(env, *args):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 -- our own manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode:
        raise SystemExit(result.stdout + result.stderr)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, result.stdout.strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--readers", type=int, default=1000)
    parser.add_argument("--articles", type=int, default=40)
    options = parser.parse_args()

    from aiosmtpd.controller import Controller

    from tests.servers import free_port

    with tempfile.TemporaryDirectory() as folder:
        mailbox, port = Counting(), free_port()
        controller = Controller(mailbox, hostname="127.0.0.1", port=port)
        controller.start()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.test_settings",
            "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
            "DJANGO_CACHE_DIR": f"{folder}/generation",
            "SITE_URL": "https://veille.example.org",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
        }
        try:
            manage(env, "migrate", "-v0")
            manage(
                env,
                "shell",
                "--no-imports",
                "-c",
                SETUP.format(readers=options.readers, articles=options.articles),
            )
            print(f"{options.readers} readers, {options.articles} articles, SQLite, {os.cpu_count()} cores")
            for label in ("first run", "second run"):
                before = mailbox.count
                elapsed, cpu, said = manage(env, "send_digest")
                letters = mailbox.count - before
                rate = letters / elapsed
                print(f"{label}: {elapsed:.1f} s, {letters} letters ({rate:.0f}/s), CPU {cpu:.1f} s")
                print(f"  {said}")
        finally:
            controller.stop()


if __name__ == "__main__":
    main()
