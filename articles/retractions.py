"""Asking Crossref whether the studies the public articles cite were retracted or corrected
(``manage.py check_links --retractions``).

The DOIs are the articles' story keys (``doi:…``, articles.story_keys). For each, Crossref's REST
API (``CROSSREF_API_URL``/works/<doi>) lists in ``updated-by`` the notices that update the work,
Retraction Watch's data included. Each retraction, withdrawal, correction or expression of
concern becomes a ``SourceUpdate`` of every public article citing the DOI, once: a retraction or a
withdrawal is shown to readers at once (its row is public: the cached pages are forgotten as it
is written); the others wait in the editors' queue.

Politely, as Crossref asks: a user agent naming a contact address (``CROSSREF_MAILTO``), one
request at a time ``CROSSREF_PAUSE`` seconds apart, ``CROSSREF_DAILY_LIMIT`` requests in 24 hours
at most, a DOI answered less than ``CROSSREF_RECHECK_DAYS`` ago not asked again, and a run that
stops at the first 429 or 503. Two runs at once claim their DOIs as link_checks claims links.
"""

import dataclasses
import datetime
import http.client
import json
import re
import time
import uuid
from urllib.parse import quote

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Concat
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from newsroom.fetching import FetchError, check_url, open_connection, printable, request_target

from . import writing
from .models import Article, Correction, DoiCheck, SourceUpdate, StoryKey

BATCH = 50
MAX_BYTES = 5 * 1024 * 1024
# Crossref's update types, as this desk tells them apart; the others (a new version, an
# addendum…) change nothing a reader must know.
KINDS = {
    "retraction": SourceUpdate.Kind.RETRACTION,
    "removal": SourceUpdate.Kind.RETRACTION,
    "withdrawal": SourceUpdate.Kind.WITHDRAWAL,
    "correction": SourceUpdate.Kind.CORRECTION,
    "erratum": SourceUpdate.Kind.CORRECTION,
    "corrigendum": SourceUpdate.Kind.CORRECTION,
    "partial_retraction": SourceUpdate.Kind.CORRECTION,
    "expression_of_concern": SourceUpdate.Kind.CONCERN,
}
BUSY = {429, 503}
# A notice's DOI as the page links it (https://doi.org/<doi>) and JSON-LD quotes it: Crossref's
# answer is read as untrusted; anything else (spaces, quotes, controls, NUL) is dropped.
NOTICE_DOI = re.compile(r"10\.[0-9]{4,9}/[^\s\"'<>?#\\\]\x00-\x1f\x7f]{1,280}")


class CrossrefError(Exception):
    pass


class CrossrefBusy(CrossrefError):
    """Crossref asks us to slow down: the run stops."""


@dataclasses.dataclass
class Summary:
    asked: int = 0
    unknown: int = 0  # 404: not a Crossref DOI
    errors: list = dataclasses.field(default_factory=list)  # (doi, why)
    found: list = dataclasses.field(default_factory=list)  # the SourceUpdate rows new this run
    stopped: str = ""  # why the run stopped before the end
    left_for_tomorrow: int = 0


def user_agent():
    return f"newsroom/1.0 (mailto:{settings.CROSSREF_MAILTO})"


def ask(doi, timeout=None):
    """Crossref's record of ``doi``: the ``message`` dict, or None when Crossref does not know it."""
    timeout = settings.CROSSREF_TIMEOUT if timeout is None else timeout
    deadline = time.monotonic() + timeout
    url = f"{settings.CROSSREF_API_URL}/works/{quote(doi, safe='/')}"
    parts = check_url(url)
    connection = open_connection(parts, deadline)
    try:
        headers = {"User-Agent": user_agent(), "Accept": "application/json"}
        connection.request("GET", request_target(parts), headers=headers)
        response = connection.getresponse()
        if response.status == 404:
            return None
        if response.status in BUSY:
            raise CrossrefBusy(f"Crossref answered {response.status}: the run stops, to ask again later")
        if response.status != 200:
            raise CrossrefError(f"Crossref answered {response.status} {response.reason}")
        body = response.read(MAX_BYTES + 1)
        if len(body) > MAX_BYTES:
            raise CrossrefError(f"Crossref's answer is larger than {MAX_BYTES} bytes")
        try:
            return json.loads(body)["message"]
        except (ValueError, KeyError, TypeError, RecursionError):  # [[[[…]]]] nested past Python's stack
            raise CrossrefError("Crossref's answer is not the JSON of a work") from None
    except TimeoutError:
        raise CrossrefError(f"no answer from Crossref within {timeout:g} seconds") from None
    except (OSError, http.client.HTTPException) as error:
        raise CrossrefError(str(error) or type(error).__name__) from None
    finally:
        connection.close()


@dataclasses.dataclass(frozen=True)
class Update:
    kind: str
    notice_doi: str
    updated_on: datetime.date | None


def updates_in(message):
    """The notices of a Crossref work's ``updated-by`` that this desk acts on."""
    found = []
    relations = message.get("updated-by") if isinstance(message, dict) else None
    for relation in relations if isinstance(relations, list) else ():
        if not isinstance(relation, dict):
            continue
        kind = KINDS.get(str(relation.get("type", "")).lower().replace("-", "_"))
        if kind:
            notice = str(relation.get("DOI") or "").strip().lower()
            notice = notice if NOTICE_DOI.fullmatch(notice) else ""  # the link then names the work's
            found.append(Update(kind, notice, date_of(relation.get("updated"))))
    return found


def date_of(value):
    """A Crossref date ({"date-parts": [[2024, 5, 2]]}) as a date, or None."""
    try:
        year, month, day = (list(value["date-parts"][0]) + [1, 1])[:3]
        return datetime.date(int(year), int(month), int(day))
    except (KeyError, IndexError, TypeError, ValueError, OverflowError):  # 10**20, or 1e999 (inf)
        return None


def cited_dois():
    """The DOIs public articles cite (their story keys), each once, without the ``doi:`` prefix."""
    keys = StoryKey.objects.filter(key__startswith="doi:", article__in=Article.objects.published())
    return keys.values_list("key", flat=True).distinct().order_by("key")


def add_missing_checks():
    cursor = ""
    while keys := list(cited_dois().filter(key__gt=cursor)[:1000]):
        cursor = keys[-1]
        DoiCheck.objects.bulk_create([DoiCheck(doi=key[4:]) for key in keys], ignore_conflicts=True)


def check_retractions(*, force=False, limit=None, clock=timezone.now, sleep=time.sleep):
    """Ask Crossref about the cited DOIs that are due: a Summary."""
    summary = Summary()
    add_missing_checks()
    cited = StoryKey.objects.filter(
        key=Concat(Value("doi:"), OuterRef("doi")), article__in=Article.objects.published()
    )
    checks = DoiCheck.objects.filter(Exists(cited))
    lease = datetime.timedelta(seconds=BATCH * (settings.CROSSREF_TIMEOUT + settings.CROSSREF_PAUSE) + 60)
    last_request = None
    cursor = 0
    while not summary.stopped:
        now = clock()
        budget = (
            settings.CROSSREF_DAILY_LIMIT
            - DoiCheck.objects.filter(asked_at__gt=now - datetime.timedelta(days=1)).count()
        )
        if limit is not None:
            budget = min(budget, limit - summary.asked)
        due = Q() if force else Q(checked_at__isnull=True) | Q(checked_at__lt=now - recheck())
        free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
        ids = list(checks.filter(due, pk__gt=cursor).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            break
        if budget <= 0:
            summary.left_for_tomorrow = checks.filter(due).count()
            summary.stopped = "the daily limit (CROSSREF_DAILY_LIMIT) is reached" if limit is None else ""
            break
        ids = ids[:budget]
        cursor = ids[-1]
        token = uuid.uuid4().hex
        DoiCheck.objects.filter(due, free, pk__in=ids).update(claim=token, claimed_until=now + lease)
        for check in DoiCheck.objects.filter(claim=token).order_by("pk"):
            if summary.stopped:
                DoiCheck.objects.filter(pk=check.pk, claim=token).update(claim="", claimed_until=None)
                continue
            if last_request is not None and settings.CROSSREF_PAUSE > 0:
                sleep(max(0, last_request + settings.CROSSREF_PAUSE - time.monotonic()))
            last_request = time.monotonic()
            ask_one(check, token, summary, clock)
    return summary


def recheck():
    return datetime.timedelta(days=settings.CROSSREF_RECHECK_DAYS)


def ask_one(check, token, summary, clock):
    fields = {"claim": "", "claimed_until": None}
    summary.asked += 1
    try:
        message = ask(check.doi)
    except (CrossrefError, FetchError) as error:
        fields["outcome"] = printable(error)[:300]
        summary.errors.append((check.doi, printable(error)))
        if isinstance(error, CrossrefBusy):
            summary.stopped = str(error)
    else:
        now = clock()
        fields["checked_at"] = now
        if message is None:
            summary.unknown += 1
            fields["outcome"] = "not known to Crossref (404)"
        else:
            updates = updates_in(message)
            fields["outcome"] = ", ".join(update.kind for update in updates) or "no update"
            summary.found += record(check.doi, updates, now)
    DoiCheck.objects.filter(pk=check.pk, claim=token).update(asked_at=clock(), **fields)


def record(doi, updates, now):
    """A SourceUpdate for each of ``updates`` and each public article citing ``doi``, once: the new ones."""
    new = []
    if not updates:
        return new
    articles = Article.objects.published().filter(story_keys__key=f"doi:{doi}").values_list("pk", flat=True)
    for article_id in articles:
        for update in updates:
            row, created = SourceUpdate.objects.get_or_create(
                article_id=article_id,
                doi=doi,
                kind=update.kind,
                notice_doi=update.notice_doi,
                defaults={"updated_on": update.updated_on, "found_at": now},
            )
            if created:
                new.append(row)
    return new


# What an editor decides of a notice (the editors' queue « Source updated »).

NOTE_TEXTS = {
    SourceUpdate.Kind.CORRECTION: _(
        "The study this article reports (doi:%(doi)s) was corrected by its journal on %(day)s: %(url)s"
    ),
    SourceUpdate.Kind.CONCERN: _(
        "The journal that published the study this article reports (doi:%(doi)s) expressed a concern "
        "about it on %(day)s: %(url)s"
    ),
}


def publish_note(update, now=None):
    """Tell readers of a correction or an expression of concern: a dated note of the article's public
    log (articles.corrections), which the editor may reword in the article's form."""
    now = (now or timezone.now()).replace(microsecond=0)
    text = NOTE_TEXTS[update.kind] % {
        "doi": update.doi,
        "day": formats.date_format(update.day),
        "url": update.notice_url,
    }
    with transaction.atomic():
        note = Correction.objects.create(
            article=update.article, kind=Correction.Kind.UPDATE, published_at=now, text=str(text)
        )
        writing.significant_update(update.article, now)
        decide(update, SourceUpdate.Decision.NOTED)
    return note


def decide(update, decision):
    update.decision = decision
    update.save(update_fields=["decision"])
