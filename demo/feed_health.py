"""The demo's feed health: the runs that brought each feed's items, as ``intake.health`` records
them, and two sources in trouble, so that the sources' list shows every state offline: OK (the two
feeds of ``feed``), failing for five days and waiting longer after each failure, and silent for
three weeks.

Illustrative, like ``feed``: the hosts end in ``.example`` and nothing is fetched from them.
"""

import datetime

from articles.normalize import normalize_url
from intake import health
from intake.fetching import FetchError
from intake.models import FeedRun, IngestedItem, Source

RUN_EVERY = datetime.timedelta(hours=2)
HISTORY = datetime.timedelta(days=2)

FAILING_FEED = {
    "name": "Bulletin des agences régionales",
    "feed_url": "https://www.bulletin-ars.example/rss",
    "tags": ("France",),
}
SILENT_FEED = {
    "name": "Lettre de pharmacovigilance",
    "feed_url": "https://www.pharmacovigilance.example/lettre.xml",
    "tags": ("France",),
}
FAILING_DAYS = 5
SILENT_DAYS = 20


def record_history(now, source, items):
    """The runs of the last HISTORY up to ``source``'s last fetch, every RUN_EVERY: each item seen by
    the first run after the feed published it (its ``first_seen_at`` too, for the sparkline)."""
    last = source.last_fetched_at
    times = [last - RUN_EVERY * back for back in range(HISTORY // RUN_EVERY - 1, -1, -1)]
    seen = {}
    for item in items:
        published = now - datetime.timedelta(hours=item.hours)
        seen[normalize_url(item.url)] = next((moment for moment in times if moment >= published), last)
    for link, moment in seen.items():
        IngestedItem.objects.filter(link_normalized=link).update(first_seen_at=moment)
    for moment in times:
        new = sum(1 for at in seen.values() if at == moment)
        run(source, moment, FeedRun.Outcome.OK if new else FeedRun.Outcome.NOT_MODIFIED, items_new=new)


def make_troubled_sources(now):
    """A source failing for FAILING_DAYS days, tried less and less often, and one silent for SILENT_DAYS."""
    failing = make(FAILING_FEED)
    for days in range(12, FAILING_DAYS, -1):
        run(failing, now - datetime.timedelta(days=days), FeedRun.Outcome.NOT_MODIFIED)
    moment = now - datetime.timedelta(days=FAILING_DAYS)
    error = FetchError(
        f"{failing.feed_url}: the server answered 503 Service Unavailable",
        "status",
        url=failing.feed_url,
        status=503,
        reason="Service Unavailable",
    )
    while moment < now:
        run(failing, moment, FeedRun.Outcome.FAILED, error=error)
        moment = failing.next_fetch_at
    Source.objects.filter(pk=failing.pk).update(
        last_fetched_at=failing.runs.first().finished_at,
        last_outcome=Source.Outcome.FAILED,
        last_message=str(error),
    )

    silent = make(SILENT_FEED)
    # An hour more, so that it reads « 20 days » from the moment the demo is loaded.
    moment = now - datetime.timedelta(days=SILENT_DAYS, hours=1)
    while moment < now - datetime.timedelta(hours=1):
        run(silent, moment, FeedRun.Outcome.NOT_MODIFIED)
        moment += datetime.timedelta(hours=12)
    Source.objects.filter(pk=silent.pk).update(
        last_fetched_at=silent.runs.first().finished_at,
        last_outcome=Source.Outcome.NOT_MODIFIED,
        last_message=f"{silent.name}: not modified since the last fetch",
    )
    return failing, silent


def make(feed):
    source = Source.objects.create(name=feed["name"], feed_url=feed["feed_url"])
    source.tags.set(feed["tags"])
    return source


def run(source, started, outcome, *, items_new=0, error=None):
    finished = started + datetime.timedelta(seconds=2 if error is None else 20)
    health.record(
        source,
        health.Run(started, finished, outcome, items_new=items_new, items_seen=items_new, error=error),
    )
