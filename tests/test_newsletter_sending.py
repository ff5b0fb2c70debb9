"""send_digest as cron runs it, in processes of its own against a real SMTP server on 127.0.0.1:
killed halfway then run again, and two runs at once. Each reader ends with exactly one letter.

Each test module run gets a database of its own that the processes share: a SQLite file, or a
fresh database on the PostgreSQL server of the run (``python -m tests.pgcluster``).
"""

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from urllib.parse import urlsplit, urlunsplit

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings

from newsletter.weeks import Week

from .mail_server import Mailbox
from .servers import PROJECT, free_port, manage, process_env

READERS = 8
SITE = "https://veille.example.org"

SETUP = """
from datetime import timedelta
from newsletter.models import Subscriber
from newsletter.weeks import Week
from tests.factories import make_article
last = Week.parse("{last}")
for week in (last, last.previous):
    for day in range(3):
        moment = week.start + timedelta(days=day, hours=9)
        importance = 4 if day == 0 else 2
        title = f"{{week}} article {{day}}"
        make_article(title=title, published_at=moment, tags=["Oncologie"], importance=importance)
for number in range({readers}):
    Subscriber.objects.create(email=f"lecteur{{number}}@example.net", status=Subscriber.Status.CONFIRMED)
"""

EARLIER = """
from datetime import timedelta
from newsletter.weeks import Week
from tests.factories import make_article
week = Week.parse("{label}")
make_article(title=f"{{week}} un article", published_at=week.start + timedelta(hours=30))
"""

SENT = """
from newsletter.models import Delivery
print(Delivery.objects.filter(digest__week_start="{monday}", sent_at__isnull=False).count())
"""


def postgres_database():
    """A new database on the run's PostgreSQL server; its URL."""
    import psycopg

    parts = urlsplit(os.environ["DATABASE_URL"])
    name = f"newsletter_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="module")
def last_week():
    """The last complete week when the module starts: SETUP's weeks, whatever Monday 00:00 in Paris
    passes while the module runs."""
    return Week.last_complete()


@pytest.fixture(scope="module")
def database(tmp_path_factory, last_week):
    """The environment of ``manage.py`` processes sharing one migrated database with the readers and
    articles of SETUP (module-wide: migrating takes a while)."""
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        url = postgres_database()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('newsletter')}/db.sqlite3"
    env = {
        "DJANGO_SETTINGS_MODULE": "newsroom.test_settings",
        "DATABASE_URL": url,
        "SITE_URL": SITE,
        "DJANGO_CACHE_DIR": str(tmp_path_factory.mktemp("generation")),
    }
    manage("migrate", "--no-input", "-v0", env=env)
    manage("shell", "--no-imports", "-c", SETUP.format(readers=READERS, last=last_week.label), env=env)
    return env


class HoldingMailbox(Mailbox):
    """A mailbox that can stop answering at its ``hold_at``-th message, as a stalled server does,
    and that takes a little while over each message, so that two runs overlap."""

    def release(self):
        """Answer the held letter (« 451 try again later ») and every later one as usual."""
        self.released = True
        self.hold_at = None

    def __init__(self, hold_at=None):
        super().__init__()
        self.hold_at = hold_at
        self.holding = threading.Event()
        self.released = False

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 -- aiosmtpd's hook name
        if self.hold_at is not None and len(self.messages) == self.hold_at:
            self.holding.set()
            while not self.released:
                await asyncio.sleep(0.05)
            self.hold_at = None
            return "451 4.3.0 Try again later"
        await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def mail_server():
    def start(**options):
        mailbox = HoldingMailbox(**options)
        mailbox.port = free_port()
        controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
        controller.start()
        started.append((controller, mailbox))
        return mailbox

    started = []
    yield start
    for controller, mailbox in started:
        mailbox.released = True
        controller.stop()


def smtp_env(database, mailbox):
    return {**database, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(mailbox.port)}


def send_digest(env, week):
    return subprocess.Popen(  # noqa: S603 -- our own manage.py
        [sys.executable, "manage.py", "send_digest", "--week", week.label],
        cwd=PROJECT,
        env=process_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def letters_by_reader(mailbox, week):
    return Counter(message["To"] for message in mailbox.messages if week.label in Mailbox.text(message))


def sent(env, week):
    return int(manage("shell", "--no-imports", "-c", SENT.format(monday=week.monday), env=env).stdout)


def test_a_run_killed_halfway_is_finished_by_the_next_and_nobody_gets_two(database, mail_server, last_week):
    week = last_week
    mailbox = mail_server(hold_at=3)
    env = smtp_env(database, mailbox)

    run = send_digest(env, week)
    assert mailbox.holding.wait(timeout=120), (
        run.communicate()[0] if run.poll() is not None else "no fourth letter"
    )
    # The fourth letter is on the wire: the server has not accepted it. Kill the run there.
    os.kill(run.pid, signal.SIGKILL)
    run.wait(timeout=30)
    mailbox.release()
    assert len(mailbox.messages) == 3
    assert sent(env, week) == 3

    rerun = manage("send_digest", "--week", week.label, env=env)
    assert f"sent {READERS - 3}, already sent 3" in rerun.stdout
    assert letters_by_reader(mailbox, week) == {f"lecteur{n}@example.net": 1 for n in range(READERS)}
    assert sent(env, week) == READERS

    again = manage("send_digest", "--week", week.label, env=env)
    assert f"sent 0, already sent {READERS}" in again.stdout
    assert len(mailbox.messages) == READERS


def test_a_server_that_stops_answering_stops_the_run_and_the_next_finishes(database, mail_server, last_week):
    week = last_week.previous.previous
    manage("shell", "--no-imports", "-c", EARLIER.format(label=week.label), env=database)
    mailbox = mail_server(hold_at=2)
    mailbox.released = True  # the third letter gets « 451 try again later » at once
    env = smtp_env(database, mailbox)

    stopped = manage("send_digest", "--week", week.label, env=env, check=False)
    assert stopped.returncode == 1
    assert "sent 2, already sent 0" in stopped.stdout
    assert "stopped the run (SMTPDataError: (451" in stopped.stderr and "@" not in stopped.stderr
    finished = manage("send_digest", "--week", week.label, env=env)
    assert f"sent {READERS - 2}, already sent 2" in finished.stdout
    assert letters_by_reader(mailbox, week) == {f"lecteur{n}@example.net": 1 for n in range(READERS)}


def test_two_runs_at_once_never_send_a_letter_twice(database, mail_server, last_week):
    week = last_week.previous
    mailbox = mail_server()
    env = smtp_env(database, mailbox)

    runs = [send_digest(env, week) for _ in range(2)]
    outputs = []
    deadline = time.monotonic() + 180
    for run in runs:
        output, _ = run.communicate(timeout=max(1, deadline - time.monotonic()))
        assert run.returncode == 0, output
        outputs.append(output)
    assert letters_by_reader(mailbox, week) == {f"lecteur{n}@example.net": 1 for n in range(READERS)}
    assert sent(env, week) == READERS
    counts = [int(output.split("sent ")[1].split(",")[0]) for output in outputs]
    assert sum(counts) == READERS, outputs
