"""How the sources' feeds are doing: each run recorded, failing feeds retried less often, silent ones flagged.

``record(source, run)`` is the one writer of a source's health, called by ``intake.ingest`` at the
end of every fetch; a file read as the source's feed is recorded as a run but leaves its health
alone (it says nothing of the feed's address). After ``n`` failures in a row a source waits
``INGEST_INTERVAL`` minutes × 2ⁿ (up to a day) before its next fetch, counted from the start of
the run that failed; a success clears the wait, so that it is fetched at every scheduled run
again. A source with no new item for ``INGEST_STALE_DAYS`` days is stale.

Every function takes the moment it judges by (``now``); the runs, the command and the admin
read it from ``clock()``, which tests replace with a clock they hold.
"""

import dataclasses
import datetime
import itertools

from django.conf import settings
from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from newsroom.chart import Series, day_chart

from .models import FeedRun, IngestedItem, Source

MAX_WAIT = datetime.timedelta(days=1)
# A source due a moment after a run starts is due for it: a timer firing a second early must not
# leave a source its backoff counted from the last run's start until the run after.
GRACE = datetime.timedelta(minutes=1)
RUNS_KEPT = datetime.timedelta(days=90)
SPARKLINE_DAYS = 30

OK, FAILING, STALE, NEW = "ok", "failing", "stale", "new"
STATES = {
    OK: gettext_lazy("OK"),
    FAILING: gettext_lazy("Failing"),
    STALE: gettext_lazy("Silent"),
    NEW: gettext_lazy("Not fetched yet"),
}


def clock():
    """The time runs are recorded and judged at."""
    return timezone.now()


def interval():
    return datetime.timedelta(minutes=settings.INGEST_INTERVAL)


def wait_after(failures):
    """How long a source that failed ``failures`` times in a row waits before its next fetch."""
    if failures <= 0:
        return datetime.timedelta(0)
    return min(interval() * 2 ** min(failures, 20), MAX_WAIT)


# Which sources -----------------------------------------------------------------


def due(now):
    """The sources a scheduled run at ``now`` fetches: those that wait for nothing, or no longer."""
    return Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now + GRACE)


def failing():
    return Q(consecutive_failures__gt=0)


def stale(now):
    """Fetched without failing, but no new item for INGEST_STALE_DAYS days."""
    silent_since = now - datetime.timedelta(days=settings.INGEST_STALE_DAYS)
    return Q(consecutive_failures=0, last_new_item_at__lt=silent_since)


def in_state(state, now):
    """A filter for the sources in ``state`` (one of STATES) at ``now``."""
    if state == FAILING:
        return failing()
    if state == STALE:
        return stale(now)
    if state == NEW:
        return Q(consecutive_failures=0, last_success_at__isnull=True)
    return Q(consecutive_failures=0, last_success_at__isnull=False) & ~stale(now)


# Recording a run ---------------------------------------------------------------


@dataclasses.dataclass
class Run:
    """What one run did with one source's feed, as ``record`` stores it."""

    started_at: datetime.datetime
    finished_at: datetime.datetime
    outcome: str  # a FeedRun.Outcome
    items_new: int = 0
    items_seen: int = 0
    location: str = ""
    error: Exception | None = None


def record(source, run):
    """Store ``run`` in the source's history and, for a fetch of its own feed, its health."""
    error = run.error
    FeedRun.objects.create(
        source=source,
        started_at=run.started_at,
        finished_at=run.finished_at,
        outcome=run.outcome,
        items_new=run.items_new,
        items_seen=run.items_seen,
        location=run.location[:1000],
        error_code=getattr(error, "code", "unexpected" if error else ""),
        error_params=getattr(error, "params", {"detail": repr(error)} if error else {}),
        error_message=str(error) if error else "",
    )
    if run.location:
        return
    current = Source.objects.filter(pk=source.pk).values("consecutive_failures", "failing_since").first()
    if current is None:
        return  # deleted while it was fetched
    if run.outcome == FeedRun.Outcome.FAILED:
        failures = current["consecutive_failures"] + 1
        fields = {
            "consecutive_failures": failures,
            "failing_since": current["failing_since"] or run.started_at,
            "next_fetch_at": run.started_at + wait_after(failures),
        }
    else:
        fields = {
            "consecutive_failures": 0,
            "failing_since": None,
            "next_fetch_at": None,
            "last_success_at": run.finished_at,
        }
        if run.items_new or source.last_new_item_at is None:
            # A feed that never brought anything is silent since it was first read.
            fields["last_new_item_at"] = run.finished_at
    Source.objects.filter(pk=source.pk).update(**fields)
    for name, value in fields.items():
        setattr(source, name, value)


def forget_old_runs(now):
    """Runs older than RUNS_KEPT go: a source fetched every half hour makes 17,000 a year."""
    return FeedRun.objects.filter(started_at__lt=now - RUNS_KEPT).delete()[0]


# Showing it --------------------------------------------------------------------

# What a failure's code says, with its parameters; the English message stored beside it stands
# in for a code this table does not know (a run recorded by another version).
ERRORS = {
    "network": gettext_lazy("%(url)s: the connection failed (%(detail)s)"),
    "timeout": gettext_lazy("%(url)s: no complete answer within %(seconds)s seconds"),
    "status": gettext_lazy("%(url)s: the server answered %(status)s %(reason)s"),
    "no_location": gettext_lazy("%(url)s: a redirect (%(status)s) without an address to go to"),
    "redirects": gettext_lazy("%(url)s: more than %(count)s redirects"),
    "address": gettext_lazy("%(url)s: not a valid address"),
    "scheme": gettext_lazy("%(url)s: only http and https addresses are fetched"),
    "resolve": gettext_lazy("%(host)s: the name does not resolve (%(detail)s)"),
    "refused": gettext_lazy("%(host)s: refused, %(address)s is not a public address"),
    "size": gettext_lazy("%(url)s: the answer is larger than %(limit)s bytes"),
    "empty": gettext_lazy("The answer is empty: not an RSS or Atom feed"),
    "xml": gettext_lazy("The feed is not well-formed XML: %(detail)s"),
    "not_feed": gettext_lazy("Not an RSS or Atom feed"),
    "file": gettext_lazy("%(location)s: %(detail)s"),
    "file_size": gettext_lazy("%(location)s: larger than %(limit)s bytes"),
    "unexpected": gettext_lazy("Unexpected error: %(detail)s"),
}


def error_text(run):
    """A failed run's error in the language of the moment."""
    template = ERRORS.get(run.error_code)
    if template is None:
        return run.error_message
    try:
        return str(template) % run.error_params
    except (KeyError, TypeError, ValueError):
        return run.error_message


@dataclasses.dataclass(frozen=True)
class State:
    key: str
    text: str


def state(source, now):
    """The source's state at ``now`` in words: « OK », « En échec depuis le 3 décembre (5 essais) »…"""
    if source.consecutive_failures:
        since = formats.date_format(timezone.localtime(source.failing_since), "j F")
        return State(
            FAILING,
            ngettext(
                "Failing since %(date)s (%(count)d attempt)",
                "Failing since %(date)s (%(count)d attempts)",
                source.consecutive_failures,
            )
            % {"date": since, "count": source.consecutive_failures},
        )
    if source.last_success_at is None:
        return State(NEW, str(STATES[NEW]))
    if source.last_new_item_at and now - source.last_new_item_at > datetime.timedelta(
        days=settings.INGEST_STALE_DAYS
    ):
        days = (now - source.last_new_item_at).days
        return State(
            STALE, ngettext("Silent for %(days)d day", "Silent for %(days)d days", days) % {"days": days}
        )
    return State(OK, str(STATES[OK]))


def day_bounds(now, days=SPARKLINE_DAYS):
    """The last ``days`` local days to ``now``'s, oldest first, and their n + 1 midnights."""
    today = timezone.localdate(now)
    dates = [today - datetime.timedelta(days=back) for back in range(days - 1, -1, -1)]
    midnights = [*dates, today + datetime.timedelta(days=1)]
    bounds = [timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)) for day in midnights]
    return dates, bounds


def items_per_day(sources, now, days=SPARKLINE_DAYS):
    """{source id: [items first seen each day of the last ``days``]}: one query for all ``sources``
    of plain comparisons, as the desk counts its days (on SQLite, five times faster than grouping
    by a date computed for each row)."""
    dates, bounds = day_bounds(now, days)
    rows = (
        IngestedItem.objects.filter(
            source__in=[source.pk for source in sources],
            first_seen_at__gte=bounds[0],
            first_seen_at__lt=bounds[-1],
        )
        .values("source")
        .annotate(
            **{
                f"day{index}": Count("pk", filter=Q(first_seen_at__gte=start, first_seen_at__lt=end))
                for index, (start, end) in enumerate(itertools.pairwise(bounds))
            }
        )
        .order_by()
    )
    counts = {row["source"]: [row[f"day{index}"] for index in range(days)] for row in rows}
    return dates, {source.pk: counts.get(source.pk, [0] * days) for source in sources}


SPARKLINE = {"width": 120, "height": 24, "margins": (0, 0, 2, 0)}


def sparklines(dates, counts):
    """{source id: its chart}: the days' counts of each source (``items_per_day``) laid out by the
    desk's chart, small: bars only, no axis, labels or legend. Each day is named once for them all."""
    names = {day: formats.date_format(day, "l j F") for day in dates}

    def items_on(day, count):
        what = ngettext("%(count)d item in", "%(count)d items in", count) % {"count": count}
        return gettext("%(day)s: %(what)s") % {"day": names[day], "what": what}

    label = gettext("Items in")
    return {
        source: day_chart(dates, [Series("in", label, source_counts, items_on)], **SPARKLINE)
        for source, source_counts in counts.items()
    }
