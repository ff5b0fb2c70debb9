"""Checking the original source link of every public article (``manage.py check_links``).

Each link is asked for with HEAD, then with GET where HEAD is refused (an answer of 400 or
more: many servers refuse HEAD, or answer it wrongly), through the safe connection of
``newsroom.fetching``: no private address, at the first hop or after a redirect; redirects
followed up to ``MAX_REDIRECTS``, a loop reported as such; one deadline
(``LINK_CHECK_TIMEOUT``) for the whole of a link. Requests go one at a time, and two requests
to one host are ``LINK_CHECK_PAUSE`` seconds apart at least (the links of a batch are taken
host by host in turn, so that many hosts keep the run moving).

What a check means (``outcome``):

- an answer 2xx, after redirects or not, is alive: a run of failures ends, and the final
  address, when it is another, is kept and offered to the editor;
- 404 or 410 is dead at once;
- anything else (500, a timeout, a refused address, a redirect loop) is a failure: the link is
  dead once ``LINK_DEAD_FAILURES`` checks in a row have failed over ``LINK_DEAD_DAYS`` days at
  least, so one bad day of a server makes nothing dead.

A link checked less than ``LINK_CHECK_DAYS`` ago is not fetched again (unless ``force``), so a
second run at once fetches nothing. Two runs at once never check one link twice: each run claims
a batch of rows with one conditional UPDATE (``claim`` and ``claimed_until``), which PostgreSQL
and SQLite alike apply to a row one transaction at a time, and which a row claimed by another
run (and not yet released or expired) does not match. Memory stays bounded: batches of ``BATCH``
rows, read by primary key, whose results are written in one transaction.

"Now" is ``clock()``, which tests replace; readers see ``dead_since`` only, so the cached pages
are forgotten (``rows_written``) only when a link dies or comes back.
"""

import collections
import dataclasses
import datetime
import http.client
import itertools
import time
import uuid
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from newsroom.fetching import FetchError, check_url, open_connection, printable, request_target

from .managers import rows_written
from .models import Article, LinkCheck, SourceLink

MAX_REDIRECTS = 10
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
GONE = {404, 410}
BATCH = 100
USER_AGENT = "newsroom-linkcheck/1.0 (checking the sources its articles cite)"


@dataclasses.dataclass(frozen=True)
class Probe:
    """What asking for a link gave: the last answer's status (None when there was none), the
    address it came from after redirects, and why there was no answer."""

    status: int | None
    final_url: str
    error: str = ""

    @property
    def alive(self):
        return self.status is not None and 200 <= self.status < 300

    def describe(self):
        if self.error:
            return self.error
        return str(self.status)


def probe(url, timeout=None):
    """Ask for ``url`` (HEAD, then GET where refused), following redirects: a Probe."""
    timeout = settings.LINK_CHECK_TIMEOUT if timeout is None else timeout
    deadline = time.monotonic() + timeout
    seen = set()
    current = url
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            if current in seen:
                return Probe(None, current, "redirect loop")
            seen.add(current)
            status, location = ask(current, "HEAD", deadline)
            if status >= 400:
                status, location = ask(current, "GET", deadline)
            if status not in REDIRECT_STATUSES:
                return Probe(status, current)
            if not location:
                return Probe(status, current, f"redirect ({status}) without a Location")
            current = urljoin(current, location.strip())
        return Probe(None, current, f"more than {MAX_REDIRECTS} redirects")
    except FetchError as error:
        return Probe(None, current, printable(error)[:500])
    except TimeoutError:
        return Probe(None, current, f"no answer within {timeout:g} seconds")
    except (OSError, http.client.HTTPException) as error:
        return Probe(None, current, printable(str(error) or type(error).__name__)[:500])


def ask(url, method, deadline):
    """One request: its status and Location. The body is never read (a GET's is dropped unread)."""
    parts = check_url(url)
    connection = open_connection(parts, deadline)
    try:
        connection.request(method, request_target(parts), headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
        response = connection.getresponse()
        location = response.getheader("Location", "")
        response.close()
        return response.status, location
    finally:
        connection.close()


def outcome(check, result, now):
    """The fields of ``check`` after ``result``, a Probe of its link at ``now``."""
    fields = {"checked_at": now, "status_code": result.status, "error": result.error[:500]}
    if result.alive:
        moved = result.final_url if result.final_url != check.link.url else ""
        alive = {"failures": 0, "first_failure_at": None, "dead_since": None}
        return fields | alive | {"final_url": moved[:1000]}
    first = check.first_failure_at or now
    failures = check.failures + 1
    spread = now - first >= datetime.timedelta(days=settings.LINK_DEAD_DAYS)
    dead = result.status in GONE or (failures >= settings.LINK_DEAD_FAILURES and spread)
    # The final address of a failing link is kept from its last living answer, the one to offer.
    return fields | {
        "failures": failures,
        "first_failure_at": first,
        "dead_since": (check.dead_since or now) if dead or check.dead_since else None,
    }


@dataclasses.dataclass
class Summary:
    checked: int = 0
    alive: int = 0
    moved: int = 0
    failing: int = 0
    dead: int = 0
    newly_dead: list = dataclasses.field(default_factory=list)  # (address, what it answered)
    failures: list = dataclasses.field(default_factory=list)  # (address, what it answered), not dead
    revived: int = 0
    claimed_elsewhere: int = 0
    answers: collections.Counter = dataclasses.field(default_factory=collections.Counter)


def public_source_links():
    return SourceLink.objects.filter(kind=SourceLink.Kind.SOURCE, article__in=Article.objects.published())


def add_missing_checks():
    """A LinkCheck row for every public source link that has none yet (never checked)."""
    missing = public_source_links().filter(link_check__isnull=True).order_by("pk")
    missing = missing.values_list("pk", flat=True)
    while ids := list(missing[:1000]):
        LinkCheck.objects.bulk_create([LinkCheck(link_id=pk) for pk in ids], ignore_conflicts=True)


def check_links(*, force=False, limit=None, clock=timezone.now, sleep=time.sleep):
    """Check the public source links that are due (all with ``force``), ``limit`` at most: a Summary."""
    summary = Summary()
    add_missing_checks()
    lease = datetime.timedelta(seconds=BATCH * (settings.LINK_CHECK_TIMEOUT + settings.LINK_CHECK_PAUSE) + 60)
    checks = LinkCheck.objects.filter(link__in=public_source_links())
    last_request = {}  # host -> time.monotonic() of its last request
    cursor = 0
    while limit is None or summary.checked < limit:
        now = clock()
        due = Q() if force else Q(checked_at__isnull=True) | Q(checked_at__lt=now - interval())
        free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
        size = BATCH if limit is None else min(BATCH, limit - summary.checked)
        ids = list(checks.filter(due, pk__gt=cursor).order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            break
        cursor = ids[-1]
        token = uuid.uuid4().hex
        claim = {"claim": token, "claimed_until": now + lease}
        claimed = LinkCheck.objects.filter(due, free, pk__in=ids).update(**claim)
        summary.claimed_elsewhere += len(ids) - claimed
        batch = list(LinkCheck.objects.filter(claim=token).select_related("link"))
        results = []
        for check in host_by_host(batch):
            wait_for_host(check.link.url, last_request, sleep)
            result = probe(check.link.url)
            fields = outcome(check, result, clock())
            results.append((check, fields))
            count(summary, check, result, fields)
        write(results, token)
    return summary


def write(results, token):
    """A batch's results, in one transaction (one commit, not one a link); the claim released.
    The cached pages are forgotten when a link died or came back."""
    with transaction.atomic():
        for check, fields in results:
            LinkCheck.objects.filter(pk=check.pk, claim=token).update(**fields, claim="", claimed_until=None)
    links = [
        {"link_id": check.link_id}
        for check, fields in results
        if (fields["dead_since"] is None) != (check.dead_since is None)
    ]
    if links:
        changes = [(link, link) for link in links]
        rows_written.send(sender=LinkCheck, using=LinkCheck.objects.db, changes=changes)


def interval():
    return datetime.timedelta(days=settings.LINK_CHECK_DAYS)


def host_of(url):
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def host_by_host(checks):
    """``checks`` in an order that takes each host in turn: one request per host per round."""
    by_host = collections.defaultdict(list)
    for check in checks:
        by_host[host_of(check.link.url)].append(check)
    rounds = itertools.zip_longest(*by_host.values())
    return [check for one_round in rounds for check in one_round if check is not None]


def wait_for_host(url, last_request, sleep):
    """Wait until ``url``'s host was last asked LINK_CHECK_PAUSE seconds ago, then note the moment."""
    pause = settings.LINK_CHECK_PAUSE
    host = host_of(url)
    if pause > 0 and host in last_request:
        left = last_request[host] + pause - time.monotonic()
        if left > 0:
            sleep(left)
    last_request[host] = time.monotonic()
    if len(last_request) > 10 * BATCH:  # forget the hosts whose pause is long over
        horizon = time.monotonic() - pause
        for name in [name for name, moment in last_request.items() if moment < horizon]:
            del last_request[name]


def count(summary, check, result, fields):
    summary.checked += 1
    summary.answers[result.status or "no answer"] += 1
    if fields["dead_since"] is not None:
        summary.dead += 1
        if check.dead_since is None:
            summary.newly_dead.append((check.link.url, result.describe()))
    elif result.alive:
        summary.alive += 1
        summary.moved += bool(fields["final_url"])
        summary.revived += check.dead_since is not None
    else:
        summary.failing += 1
        summary.failures.append((check.link.url, result.describe()))


def mark_checked(check, now=None):
    """An editor vouches for the link: its failures are forgotten until the next check finds any."""
    now = now or timezone.now()
    check.checked_at, check.status_code, check.error, check.final_url = now, None, "", ""
    check.failures, check.first_failure_at, check.dead_since = 0, None, None
    check.save()


def adopt_final_address(check, now=None):
    """Make the link's final address (where it now leads, or led when last alive) its address: a
    new address, whose last check is the one that found it alive."""
    from . import grouping

    link = check.link
    link.url = check.final_url
    link.save()  # which forgets the old address's check (SourceLink.save)
    grouping.index([link.article])
    return LinkCheck.objects.create(
        link=link, checked_at=now or timezone.now(), status_code=check.status_code
    )
