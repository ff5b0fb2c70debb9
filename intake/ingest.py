"""Feed items into drafts for review: the curator's daily intake (``manage.py ingest_feeds``).

``ingest_sources(jobs, concurrency)`` claims each source (a second run at the
same time skips it), fetches a few feeds at a time, each safely and within its
deadline (``intake.fetching``), reads them (``intake.parsing``) and stores each
item:

- an item whose normalised link is already an article's source (imported,
  typed by hand, or ingested from another feed) is skipped;
- a new item becomes an article in review with its title, link, date, summary
  as text, image and credit, and the source's tags;
- an item that changed upstream updates its article only while nobody has
  touched it: the ``IngestedItem`` keeps what was written (a fingerprint) and
  the article's ``updated_at`` after writing, and an article that differs in
  either is left as it is;
- the source's rules and category mappings (``intake.rules``) add tags and set the
  importance; an item they block is stored archived, marked blocked on its
  ``IngestedItem``, and never written again: it is never lost, and never comes back.

Every outcome is recorded on the source, and nothing stops the other sources.
"""

import collections
import concurrent.futures
import dataclasses
import datetime
import logging
from pathlib import Path

import reversion
from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from articles import writing
from articles.addresses import InvalidValue, publisher_for
from articles.models import Article, ImageCredit, SourceLink

from . import rules
from .fetching import Answer, FetchError, fetch
from .models import IngestedItem, Source
from .parsing import FeedError, entry_text, fingerprint, parse_entry, parse_feed

logger = logging.getLogger(__name__)

# A run holds a source this long at most: a run that died leaves it to the next one after that.
CLAIM = datetime.timedelta(minutes=15)

CREATED, UPDATED, UNCHANGED, EDITED, DUPLICATE, INVALID, BLOCKED = (
    "created",
    "updated",
    "unchanged",
    "kept as edited",
    "already on the site",
    "invalid",
    "blocked",
)
OUTCOMES = (CREATED, UPDATED, UNCHANGED, EDITED, DUPLICATE, INVALID, BLOCKED)
FETCHED, NOT_MODIFIED, FAILED, BUSY = "fetched", "not modified", "failed", "busy"


@dataclasses.dataclass
class Report:
    """What one run did with one feed."""

    name: str
    status: str = FETCHED
    error: str = ""
    counts: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    problems: list = dataclasses.field(default_factory=list)

    def describe(self):
        if self.status == FETCHED:
            return f"{self.name}: " + ", ".join(f"{self.counts[outcome]} {outcome}" for outcome in OUTCOMES)
        if self.status == BUSY:
            return f"{self.name}: skipped, another run is fetching it"
        if self.status == NOT_MODIFIED:
            return f"{self.name}: not modified since the last fetch"
        return f"{self.name}: failed: {self.error}"


def article_fingerprint(article):
    """The fingerprint of the article as it is stored now, to compare with what was written."""
    image = ImageCredit.objects.filter(article=article).first()
    source = SourceLink.objects.filter(article=article, kind=SourceLink.Kind.SOURCE).first()
    return fingerprint(
        title=article.title,
        summary=article.summary,
        body=article.body,
        status=article.status,
        published_at=article.published_at,
        image=writing.image_values(image),
        source=(source.url, source.publisher) if source else None,
        tags=list(article.tags.names()),
    )


# Running sources -------------------------------------------------------------


def ingest_sources(jobs, concurrency=1):
    """Run ``jobs``, pairs (source or None, file or address or None), a few feeds at a time.

    A source alone is fetched from its feed; with a location, that location is
    read as its feed instead; a location alone is a feed of no source. Yields a
    Report per job as its feed is done, never raising for a feed that cannot be
    fetched or read; the outcome is recorded on the source when its own feed
    was fetched. Up to ``concurrency`` feeds are fetched at once, so a slow one
    holds only its own thread (and no longer than its deadline). Only fetching
    runs in the threads: claims and storing stay in the caller's, so no thread
    holds a database connection and SQLite never sees two writers at once. A
    source is claimed when its fetch starts.
    """
    pending, running = collections.deque(jobs), {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        while pending or running:
            while pending and len(running) < max(1, concurrency):
                source, location = pending.popleft()
                if source is None:
                    running[pool.submit(read_location, location)] = (source, location)
                elif claim(source):
                    running[pool.submit(fetch_source, source, location)] = (source, location)
                else:
                    yield Report(source.name, status=BUSY)
            if not running:
                continue
            done, _ = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                source, location = running.pop(future)
                if source is None:
                    yield ingest_location(location, future.result)
                else:
                    yield store_source(source, location, future.result)


def fetch_source(source, location=None):
    """The feed of a claimed source as an Answer: the network or a file, never the database."""
    if location is None:
        return fetch(source.feed_url, etag=source.etag, last_modified=source.last_modified)
    return Answer(url=str(location), body=read_location(location))


def store_source(source, location, fetched):
    """Store the items of the feed ``fetched()`` returns (or raises why not), then release the claim."""
    report = Report(source.name)
    answer = None
    try:
        answer = fetched()
        if answer.not_modified:
            report.status = NOT_MODIFIED
        else:
            ingest_feed(answer.body, source, report)
    except (FetchError, FeedError) as error:
        report.status, report.error = FAILED, str(error)
    except Exception as error:  # a bug or a database outage: say so, and let the other sources go on
        logger.exception("Ingesting %s failed", source.name)
        report.status, report.error = FAILED, f"unexpected error: {error!r}"
    finally:
        fields = {"claimed_until": None}
        if location is None:
            fields.update(last_fetched_at=timezone.now(), last_message=report.error or report.describe())
            fields["last_outcome"] = {
                FETCHED: Source.Outcome.OK,
                NOT_MODIFIED: Source.Outcome.NOT_MODIFIED,
                FAILED: Source.Outcome.FAILED,
            }[report.status]
            if report.status == FETCHED and answer is not None:
                # Only a feed that was read whole may be asked for again conditionally.
                fields.update(etag=answer.etag, last_modified=answer.last_modified)
        Source.objects.filter(pk=source.pk).update(**fields)
    return report


def ingest_location(location, read):
    """Store the items of a feed that is no source's (a file, or an address): they get no tags."""
    report = Report(str(location))
    try:
        ingest_feed(read(), None, report)
    except (FetchError, FeedError) as error:
        report.status, report.error = FAILED, str(error)
    return report


def claim(source):
    """Hold ``source`` for this run; False when another run holds it.

    One conditional UPDATE, atomic on every database: of two runs, only one
    changes the row. No transaction stays open while the feed is fetched, and a
    run that dies loses its claim after CLAIM.
    """
    now = timezone.now()
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
    return Source.objects.filter(free, pk=source.pk).update(claimed_until=now + CLAIM) == 1


def read_location(location):
    location = str(location)
    if location.startswith(("http://", "https://")):
        return fetch(location).body
    limit = settings.INGEST_MAX_BYTES
    try:
        with Path(location).open("rb") as file:
            body = file.read(limit + 1)
    except OSError as error:
        raise FeedError(f"{location}: {error.strerror}") from None
    if len(body) > limit:
        raise FeedError(f"{location}: larger than {limit} bytes")
    return body


def ingest_feed(body, source, report):
    parsed = parse_feed(body)
    tags = tuple(source.tags.names()) if source else ()
    publisher = (publisher_for(tags, "") or source.name) if source else entry_text(parsed.feed, "title")
    keep_footer = source.keep_footer if source else True
    judge, categories = rules.for_source(source), []
    seen = set()
    for number, entry in enumerate(parsed.entries, start=1):
        try:
            item = parse_entry(entry, tags=tags, publisher=publisher[:200], keep_footer=keep_footer)
        except InvalidValue as error:
            report.counts[INVALID] += 1
            report.problems.append(f"item {number}: {error}")
            continue
        if item.link_normalized in seen:
            continue  # the same story twice in one feed: the first one counts
        seen.add(item.link_normalized)
        categories += item.categories
        try:
            with transaction.atomic():
                outcome = store(item, source, judge)
        except IntegrityError:
            outcome = DUPLICATE  # another run stored the same link a moment ago
        except DatabaseError as error:
            outcome = INVALID
            report.problems.append(f"item {number}: {error}")
        report.counts[outcome] += 1
    if source is not None:
        source.remember_categories(categories)


# Storing ---------------------------------------------------------------------


def store(item, source, judge=rules.NO_RULES):
    """Store one item in the caller's transaction, as ``judge`` says; return what happened to it."""
    verdict = judge.judge(item.title, item.summary, item.link, item.categories)
    item = verdict.applied_to(item)
    record = IngestedItem.objects.filter(link_normalized=item.link_normalized).first()
    if record is None:
        duplicate = SourceLink.objects.filter(
            kind=SourceLink.Kind.SOURCE, url_normalized=item.link_normalized
        ).exists()
        if duplicate:
            return DUPLICATE
        status = Article.Status.ARCHIVED if verdict.is_blocked else Article.Status.REVIEW
        article = Article(status=status, origin=Article.Origin.INGESTED, importance=verdict.importance)
        article = write_article(article, item, source, created=True)
        IngestedItem.objects.create(
            link_normalized=item.link_normalized,
            source=source,
            article=article,
            fingerprint=item.fingerprint(),
            article_updated_at=article.updated_at,
            is_blocked=verdict.is_blocked,
            blocked_by=verdict.blocked_by,
        )
        return BLOCKED if verdict.is_blocked else CREATED
    if record.source_id != (source.pk if source else None):
        return DUPLICATE  # another feed brought it first
    if record.is_blocked:
        return BLOCKED  # until an editor restores it
    new_fingerprint = item.fingerprint()
    if record.fingerprint == new_fingerprint:
        return UNCHANGED
    # Locked until the transaction ends, so an editor's save cannot slip in between.
    article = Article.objects.select_for_update().filter(pk=record.article_id).first()
    if (
        article is None
        or article.updated_at != record.article_updated_at
        or article_fingerprint(article) != record.fingerprint
    ):
        return EDITED
    write_article(article, item, source, created=False)
    record.fingerprint = new_fingerprint
    record.article_updated_at = article.updated_at
    record.save(update_fields=["fingerprint", "article_updated_at"])
    return UPDATED


def write_article(article, item, source, *, created):
    article.title = item.title
    # A title of punctuation alone makes no slug; the address still needs one.
    article.slug = Article.slug_for(item.title) or "article"
    article.published_at = item.published_at
    article.summary = item.summary
    article.permalink = unique_permalink(article)
    name = source.name if source else item.publisher
    with reversion.create_revision():
        writing.save_article(
            article, image=item.image, source=writing.Source(item.link, item.publisher), tags=item.tags
        )
        reversion.add_to_revision(article)
        message = gettext("Ingested from %(source)s") if created else gettext("Updated from %(source)s")
        reversion.set_comment(message % {"source": name})
    return article


def unique_permalink(article):
    base = article.make_permalink()[:300]
    permalink, number = base, 2
    while Article.objects.filter(permalink=permalink).exclude(pk=article.pk).exists():
        suffix = f"-{number}"
        permalink, number = base[: 300 - len(suffix)] + suffix, number + 1
    return permalink
