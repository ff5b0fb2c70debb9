"""Feed items into drafts for review: the curator's daily intake (``manage.py ingest_feeds``).

``ingest_sources(jobs, concurrency)`` claims each source (a second run at the
same time skips it), fetches a few feeds at a time, each safely and within its
deadline (``intake.fetching``), reads them (``intake.parsing``) and stores their
items BATCH_SIZE to a transaction, a few queries for the lot (``store``):

- an item whose normalised link is already an article's source (imported,
  typed by hand, or ingested from another feed) is skipped;
- a new item becomes an article in review with its title, link, date, summary
  as text, image and credit, and the source's tags (``draft_for`` decides, item by
  item, before the batch is written by the one writer's bulk path); one revision
  per batch says where they came from, and an item of a story already published
  is kept as its coverage;
- an item that changed upstream updates its article only while nobody has
  touched it: the ``IngestedItem`` keeps what was written (a fingerprint) and
  the article's ``updated_at`` after writing, and an article that differs in
  either is left as it is.

Every run is recorded on its source (``intake.health``: its history, its failures and the
backoff after them), and nothing stops the other sources.
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
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext

from articles import grouping, writing
from articles.addresses import InvalidValue, publisher_for
from articles.models import Article, ImageCredit, SourceLink

from . import health, rules
from .fetching import Answer, FetchError, fetch
from .models import FeedRun, IngestedItem, Source
from .parsing import FeedError, Item, entry_text, fingerprint, parse_entry, parse_feed

logger = logging.getLogger(__name__)

# A run holds a source this long at most: a run that died leaves it to the next one after that.
CLAIM = datetime.timedelta(minutes=15)

CREATED, UPDATED, UNCHANGED, EDITED, DUPLICATE, INVALID, COVERAGE, BLOCKED = (
    "created",
    "updated",
    "unchanged",
    "kept as edited",
    "already on the site",
    "invalid",
    "coverage of a published story",
    "blocked",
)
OUTCOMES = (CREATED, UPDATED, UNCHANGED, EDITED, DUPLICATE, INVALID, COVERAGE, BLOCKED)
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
            return f"{self.name}: skipped, another run is fetching it or has just fetched it"
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


# Items stored together, in one transaction: a feed of 500 items takes three.
BATCH_SIZE = 200


# Running sources -------------------------------------------------------------


def ingest_sources(jobs, concurrency=1, *, scheduled=False):
    """Run ``jobs``, pairs (source or None, file or address or None), a few feeds at a time.

    A source alone is fetched from its feed; with a location, that location is
    read as its feed instead; a location alone is a feed of no source. Yields a
    Report per job as its feed is done, never raising for a feed that cannot be
    fetched or read; the outcome is recorded on the source when its own feed
    was fetched. Up to ``concurrency`` feeds are fetched at once, so a slow one
    holds only its own thread (and no longer than its deadline). Only fetching
    runs in the threads: claims and storing stay in the caller's, so no thread
    holds a database connection and SQLite never sees two writers at once. A
    source is claimed when its fetch starts, unless another run fetched it since
    this one started or, for a ``scheduled`` run, it is not due (``intake.health``).
    """
    clock = health.clock
    pending, running, started = collections.deque(jobs), {}, clock()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        while pending or running:
            while pending and len(running) < max(1, concurrency):
                source, location = pending.popleft()
                if source is None:
                    running[pool.submit(read_location, location)] = (source, location)
                elif claim(source, started if location is None else None, scheduled=scheduled):
                    running[pool.submit(fetch_source, source, location)] = (source, location, clock())
                else:
                    yield Report(source.name, status=BUSY)
            if not running:
                continue
            done, _ = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                source, location, *fetch_started = running.pop(future)
                if source is None:
                    yield ingest_location(location, future.result)
                else:
                    yield store_source(source, location, future.result, fetch_started[0])


def fetch_source(source, location=None):
    """The feed of a claimed source as an Answer: the network or a file, never the database."""
    if location is None:
        return fetch(source.feed_url, etag=source.etag, last_modified=source.last_modified)
    return Answer(url=str(location), body=read_location(location))


def store_source(source, location, fetched, started=None):
    """Store the items of the feed ``fetched()`` returns (or raises why not), record the run, then
    release the claim."""
    report = Report(source.name)
    answer = failure = None
    started = started or health.clock()
    try:
        answer = fetched()
        if answer.not_modified:
            report.status = NOT_MODIFIED
        else:
            ingest_feed(answer.body, source, report)
    except (FetchError, FeedError) as error:
        report.status, report.error, failure = FAILED, str(error), error
    except Exception as error:  # a bug or a database outage: say so, and let the other sources go on
        logger.exception("Ingesting %s failed", source.name)
        report.status, report.error, failure = FAILED, f"unexpected error: {error!r}", error
    finally:
        finished = health.clock()
        try:
            health.record(source, run_of(report, started, finished, location, failure))
        except DatabaseError:
            logger.exception("Recording the run of %s failed", source.name)
        fields = {"claimed_until": None}
        if location is None:
            fields.update(last_fetched_at=finished, last_message=report.error or report.describe())
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


def run_of(report, started, finished, location, error):
    outcome = {FETCHED: FeedRun.Outcome.OK, NOT_MODIFIED: FeedRun.Outcome.NOT_MODIFIED}
    return health.Run(
        started_at=started,
        finished_at=finished,
        outcome=outcome.get(report.status, FeedRun.Outcome.FAILED),
        items_new=report.counts[CREATED] + report.counts[COVERAGE],
        items_seen=sum(report.counts.values()),
        location=str(location) if location is not None else "",
        error=error,
    )


def ingest_location(location, read):
    """Store the items of a feed that is no source's (a file, or an address): they get no tags."""
    report = Report(str(location))
    try:
        ingest_feed(read(), None, report)
    except (FetchError, FeedError) as error:
        report.status, report.error = FAILED, str(error)
    return report


def claim(source, run_started=None, *, scheduled=False):
    """Hold ``source`` for this run; False when another run holds it, or fetched it since
    ``run_started`` (when given), or when a ``scheduled`` run finds it not due.

    One conditional UPDATE, atomic on every database: of two runs, only one
    changes the row, and the other, should it come to the source once the first
    is done, finds it fetched. No transaction stays open while the feed is
    fetched, and a run that dies loses its claim after CLAIM.
    """
    now = timezone.now()
    conditions = Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
    if run_started is not None:
        conditions &= Q(last_fetched_at__isnull=True) | Q(last_fetched_at__lt=run_started)
        if scheduled:
            conditions &= health.due(run_started)
    return Source.objects.filter(conditions, pk=source.pk).update(claimed_until=now + CLAIM) == 1


def read_location(location):
    location = str(location)
    if location.startswith(("http://", "https://")):
        return fetch(location).body
    limit = settings.INGEST_MAX_BYTES
    try:
        with Path(location).open("rb") as file:
            body = file.read(limit + 1)
    except OSError as error:
        raise FeedError(
            f"{location}: {error.strerror}", "file", location=location, detail=error.strerror
        ) from None
    if len(body) > limit:
        raise FeedError(f"{location}: larger than {limit} bytes", "file_size", location=location, limit=limit)
    return body


def ingest_feed(body, source, report):
    """Store the items of a feed, BATCH_SIZE new ones to a transaction (``store_batch``)."""
    parsed = parse_feed(body)
    tags = tuple(source.tags.names()) if source else ()
    publisher = (publisher_for(tags, "") or source.name) if source else entry_text(parsed.feed, "title")
    keep_footer = source.keep_footer if source else True
    tag_ids = writing.TagIds()
    judge, categories = rules.for_source(source), []

    def items():
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
            categories.extend(item.categories)
            yield number, item

    for batch in grouping.batched(items(), BATCH_SIZE):
        store_batch(batch, source, report, tag_ids, judge)
    if source is not None:
        source.remember_categories(categories)


def store_batch(batch, source, report, tag_ids, judge=rules.NO_RULES):
    """Store ``batch``, (number, item) pairs, in one transaction; should the database refuse any
    of it, store them one by one instead, each in its own, so that one item's trouble (another
    run storing the same link at the same moment, a value the database refuses) loses no other."""
    if len(batch) > 1:
        try:
            with transaction.atomic():
                report.counts.update(store([item for _, item in batch], source, tag_ids, judge))
            return
        except DatabaseError:
            pass
    for number, item in batch:
        try:
            with transaction.atomic():
                report.counts.update(store([item], source, tag_ids, judge))
        except IntegrityError:
            report.counts[DUPLICATE] += 1  # another run stored the same link a moment ago
        except DatabaseError as error:
            report.counts[INVALID] += 1
            report.problems.append(f"item {number}: {error}")


# Storing ---------------------------------------------------------------------


def store(items, source, tag_ids=None, judge=rules.NO_RULES):
    """Store ``items`` in the caller's transaction, a few queries for the lot; return their outcomes.

    Each item's record and the source links already on the site are read in one query each; the
    new items are written together (``create``), an item that changed upstream on its own (rare).
    Each item is judged by the rules first (``judge``: its tags added, blocked or not)."""
    verdicts = []
    for item in items:
        verdict = judge.judge(item.title, item.summary, item.link, item.categories)
        verdicts.append((verdict.applied_to(item), verdict))
    items = [item for item, _ in verdicts]
    links = [item.link_normalized for item in items]
    records = IngestedItem.objects.in_bulk(links, field_name="link_normalized")
    on_site = set(
        SourceLink.objects.filter(
            kind=SourceLink.Kind.SOURCE, url_normalized__in=[link for link in links if link not in records]
        ).values_list("url_normalized", flat=True)
    )
    outcomes, new = [], []
    for item, verdict in verdicts:
        record = records.get(item.link_normalized)
        if record is None:
            if item.link_normalized in on_site:
                outcomes.append(DUPLICATE)
            else:
                new.append(draft_for(item, source, verdict))
        elif record.source_id != (source.pk if source else None):
            outcomes.append(DUPLICATE)  # another feed brought it first
        elif record.is_blocked:
            outcomes.append(BLOCKED)  # until an editor restores it
        elif record.fingerprint == item.fingerprint():
            outcomes.append(UNCHANGED)
        else:
            outcomes.append(update(record, item, source))
    return outcomes + create(new, source, tag_ids or writing.TagIds())


@dataclasses.dataclass
class Draft:
    """What a new item becomes, decided for each item before anything is written: its status,
    importance and tags, and whether it may join a story (``group``)."""

    item: Item
    status: str = Article.Status.REVIEW
    importance: int | None = None
    tags: tuple = ()
    group: bool = True
    blocked_by: object = None  # the Rule that blocked it


def draft_for(item, source, verdict=None):
    """The decision on one new item, the one place it is made: an article in review with the
    source's tags and those of the rules (``verdict``), joining the story it shares a key with;
    or, blocked by a rule, an archived article kept out of every story until it is restored."""
    if verdict is None:
        return Draft(item, tags=item.tags)
    if verdict.is_blocked:
        return Draft(
            item,
            status=Article.Status.ARCHIVED,
            importance=verdict.importance,
            tags=item.tags,
            group=False,
            blocked_by=verdict.blocked_by,
        )
    return Draft(item, importance=verdict.importance, tags=item.tags)


def create(drafts, source, tag_ids):
    """Write the new items' articles, parts, story keys, history and records, an insert or two
    per table for the lot; an article of a story already on the site becomes its coverage.
    Returns their outcomes."""
    if not drafts:
        return []
    new = [writing.prepare(new_article(draft), **parts(draft)) for draft in drafts]
    unique_permalinks([written.article for written in new])
    for group in (True, False):
        chosen = [written for written, draft in zip(new, drafts, strict=True) if draft.group is group]
        if chosen:
            writing.create_articles(chosen, tag_ids=tag_ids, group=group)
    articles = [written.article for written in new]
    name = source.name if source else drafts[0].item.publisher
    record_history(articles, gettext("Ingested from %(source)s") % {"source": name})
    cover(articles)
    IngestedItem.objects.bulk_create(
        IngestedItem(
            link_normalized=draft.item.link_normalized,
            source=source,
            article=article,
            fingerprint=draft.item.fingerprint(),
            article_updated_at=article.updated_at,
            is_blocked=not draft.group,
            blocked_by=draft.blocked_by,
        )
        for draft, article in zip(drafts, articles, strict=True)
    )
    return [
        BLOCKED if not draft.group else COVERAGE if article.status == Article.Status.ARCHIVED else CREATED
        for draft, article in zip(drafts, articles, strict=True)
    ]


def new_article(draft):
    article = Article(status=draft.status, importance=draft.importance, origin=Article.Origin.INGESTED)
    fill(article, draft.item)
    return article


def parts(draft):
    return {
        "image": draft.item.image,
        "source": writing.Source(draft.item.link, draft.item.publisher),
        "tags": draft.tags,
    }


def fill(article, item):
    # A title of punctuation alone makes no slug; the address still needs one. The same title keeps
    # its slug: one made by an earlier rule (« letude ») stays, so the address does not move by itself.
    if not article.slug or article.title != item.title:
        article.slug = Article.slug_for(item.title) or "article"
    article.title = item.title
    article.published_at = item.published_at
    article.summary = item.summary
    article.cited = list(item.cited)
    article.permalink = ""


def record_history(articles, comment):
    """One revision holding a version of each of ``articles`` with its tags, image, source, notes
    and byline (every relation the registration in articles/models.py follows), read for the lot
    in a query per relation (the tags' names too: a tagged article's version is named after its tag)."""
    prefetch_related_objects(
        articles, "taggedarticle_set__tag", "links", "image", "corrections", "bylines__person"
    )
    with reversion.create_revision():
        for article in articles:
            reversion.add_to_revision(article)
        reversion.set_comment(comment)


def cover(articles):
    """The new articles of a story already on the site (its published article found for all of
    them in one query) are kept as its coverage, not drafts to review."""
    stories = {article.story_id for article in articles if article.story_id is not None}
    if not stories:
        return
    rows = (
        Article.objects.filter(story_id__in=stories, status=Article.Status.PUBLISHED)
        .exclude(pk__in=[article.pk for article in articles])
        .order_by("-published_at", "-pk")
        .values_list("story_id", "title")
    )
    published = dict(rows)  # newest first: each story's first published article is written last
    covered = [article for article in articles if article.story_id in published]
    if not covered:
        return
    now = timezone.now()
    Article.objects.filter(pk__in=[article.pk for article in covered]).update(
        status=Article.Status.ARCHIVED, updated_at=now
    )
    by_title = collections.defaultdict(list)
    for article in covered:
        article.status, article.updated_at = Article.Status.ARCHIVED, now
        by_title[published[article.story_id]].append(article)
    for title, members in by_title.items():
        record_history(members, gettext("Coverage of “%(title)s”, already published") % {"title": title})


def update(record, item, source):
    """An item that changed upstream updates its article only while nobody has touched it."""
    # Locked until the transaction ends, so an editor's save cannot slip in between.
    article = Article.objects.select_for_update().filter(pk=record.article_id).first()
    if (
        article is None
        or article.updated_at != record.article_updated_at
        or article_fingerprint(article) != record.fingerprint
    ):
        return EDITED
    fill(article, item)
    article.permalink = unique_permalink(article)
    name = source.name if source else item.publisher
    with reversion.create_revision():
        writing.save_article(
            article, image=item.image, source=writing.Source(item.link, item.publisher), tags=item.tags
        )
        reversion.add_to_revision(article)
        reversion.set_comment(gettext("Updated from %(source)s") % {"source": name})
    record.fingerprint = item.fingerprint()
    record.article_updated_at = article.updated_at
    record.save(update_fields=["fingerprint", "article_updated_at"])
    return UPDATED


def unique_permalinks(articles):
    """Give each new article of a batch an address no other article has: the stored ones read in
    a query, then, for the addresses taken (one headline on one day: syndicated copies), their
    next numbers (-2 to -11) in another; a title taken more often than that, number by number."""
    for article in articles:
        article.permalink = article.permalink[:300]
    taken = stored_permalinks({article.permalink for article in articles})
    given, clashing = set(), set()
    for article in articles:
        if article.permalink in taken or article.permalink in given:
            clashing.add(article.permalink)
        given.add(article.permalink)
    taken |= stored_permalinks({numbered(base, number) for base in clashing for number in NUMBERS})
    given = set()
    for article in articles:
        base = article.permalink
        if base in taken or base in given:
            free = (numbered(base, number) for number in NUMBERS)
            article.permalink = next(
                (permalink for permalink in free if permalink not in taken and permalink not in given),
                None,
            ) or unique_permalink(article, given | taken)
        given.add(article.permalink)


NUMBERS = range(2, 12)


def numbered(base, number):
    suffix = f"-{number}"
    return base[: 300 - len(suffix)] + suffix


def stored_permalinks(permalinks):
    found, permalinks = set(), sorted(permalinks)
    for start in range(0, len(permalinks), grouping.LOOKUP_SIZE):
        chunk = permalinks[start : start + grouping.LOOKUP_SIZE]
        found.update(Article.objects.filter(permalink__in=chunk).values_list("permalink", flat=True))
    return found


def unique_permalink(article, given=()):
    base = article.make_permalink()[:300]
    permalink, number = base, 2
    while permalink in given or Article.objects.filter(permalink=permalink).exclude(pk=article.pk).exists():
        permalink, number = numbered(base, number), number + 1
    return permalink
