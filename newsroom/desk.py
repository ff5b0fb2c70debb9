"""The editor's desk: what the admin's home page shows above Django's list of apps.

Editors see the day's work: the drafts from the feeds waiting for review (how many, and the
one waiting longest), the other articles in review, what is scheduled or expires in the next
seven days, the sources whose last fetch failed, the last articles published, and a chart of
the last thirty days. Authors see their own drafts, those sent back with a note, and their
articles in review; staff who may not view articles see no desk at all.

Each panel costs a fixed number of queries (a count, and its first few rows), whatever the
size of the data. This module reads the articles and intake apps; neither knows of it.
"""

import datetime
import itertools
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Case, Count, Q, When
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext

from articles import notes, workflow
from articles.models import Article, LinkCheck, SourceUpdate
from intake.models import IngestedItem, Source

from .chart import Series, day_chart

Status = Article.Status
HORIZON = datetime.timedelta(days=7)  # "this week", "soon"
LISTED = 5  # rows a panel lists under its count
CHART_DAYS = 30


@dataclass
class Panel:
    """A count, the filtered admin list it stands for, and the first rows of it."""

    count: int
    rows: list
    link: str = ""
    oldest: object = None  # the waiting queue's longest waiting, with its ``age``
    drafts: int = 0  # the drafts the waiting stories hold


def changelist(model, **lookups):
    """The admin list of ``model`` filtered by ``lookups``, as its filters' own links write them."""
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(lookups)}" if lookups else url


def moment(value):
    """A moment as the admin's date filters write one in their links: local, to the second."""
    return str(timezone.localtime(value).replace(microsecond=0))


def age(since, now):
    """How long ago ``since`` was, in its largest unit: « 3 jours », « moins d’une minute »."""
    if now - since < datetime.timedelta(minutes=1):
        return gettext("less than a minute")
    return timesince(since, now, depth=1)


def panel(queryset, link, listed=LISTED, age_of=None, now=None):
    """A count of ``queryset`` and its first rows; with ``age_of``, each row's ``age`` (« 2 heures »)
    is how long ago that moment of it came."""
    rows = list(queryset[:listed])
    if age_of:
        for row in rows:
            moment_of_row = getattr(row, age_of)
            row.age = age(moment_of_row, now) if moment_of_row else ""
    return Panel(count=queryset.count(), rows=rows, link=link)


def waiting(now):
    """The stories from the feeds waiting for review (the review page's cards: the drafts of one
    story count once, ``Article.story``), how many drafts they hold, and the draft waiting
    longest, with its ``age`` (« 3 jours ») since its item came in. The one count of what waits."""
    articles = Article.objects.filter(status=Status.REVIEW, ingested_item__isnull=False)
    counts = articles.aggregate(
        drafts=Count("pk"),
        stories=Count("story", distinct=True),
        alone=Count("pk", filter=Q(story=None)),
    )
    oldest = articles.select_related("ingested_item").order_by("ingested_item__first_seen_at", "pk").first()
    if oldest is not None:
        oldest.age = age(oldest.ingested_item.first_seen_at, now)
    return Panel(
        count=counts["stories"] + counts["alone"],
        rows=[],
        link=reverse("admin:intake_source_review"),
        oldest=oldest,
        drafts=counts["drafts"],
    )


def other_reviews():
    """Articles written here or imported, submitted and waiting for an editor: the oldest first."""
    articles = (
        Article.objects.filter(status=Status.REVIEW, ingested_item__isnull=True)
        .select_related("author")
        .order_by("updated_at", "pk")
    )
    return panel(articles, changelist(Article, status__exact=Status.REVIEW, ingested_item__isnull="True"))


def scheduled(now):
    """Published for a moment of the next seven days: the soonest first."""
    until = now + HORIZON
    articles = Article.objects.scheduled().filter(published_at__lt=until).order_by("published_at", "pk")
    return panel(articles, changelist(Article, queue="scheduled", published_at__lt=moment(until)))


def expiring(now):
    """Public articles (or scheduled ones) leaving the site in the next seven days: the soonest first."""
    until = now + HORIZON
    articles = Article.objects.expiring().filter(expires_at__lt=until).order_by("expires_at", "pk")
    return panel(articles, changelist(Article, queue="expiring", expires_at__lt=moment(until)))


def source_alerts():
    """What became of the public articles' sources (articles.link_checks, retractions): the notices
    Crossref recorded against a cited study that wait for an editor, a retraction or withdrawal
    first (readers see those already), then the newest; and how many sources are dead."""
    updates = (
        SourceUpdate.objects.pending()
        .filter(article__in=Article.objects.published())
        .select_related("article")
        .order_by(Case(When(kind__in=SourceUpdate.PUBLIC_KINDS, then=0), default=1), "-found_at", "-pk")
    )
    alerts = panel(updates, changelist(Article, queue="source_updated"))
    alerts.dead = LinkCheck.objects.filter(
        dead_since__isnull=False, link__article__in=Article.objects.published()
    ).count()
    alerts.dead_link = changelist(Article, queue="source_dead")
    return alerts


def failing_sources(now):
    """Sources whose last fetch failed, with what it said and when: the most recent failure first."""
    sources = Source.objects.filter(last_outcome=Source.Outcome.FAILED).order_by("-last_fetched_at", "name")
    link = changelist(Source, last_outcome__exact=Source.Outcome.FAILED)
    return panel(sources, link, age_of="last_fetched_at", now=now)


def last_published():
    """The five articles readers saw appear last; the count is of every published article."""
    articles = Article.objects.filter(status=Status.PUBLISHED)
    return Panel(
        count=articles.count(),
        rows=list(Article.objects.published().order_by("-published_at", "-pk")[:LISTED]),
        link=changelist(Article, status__exact=Status.PUBLISHED),
    )


def per_day(queryset, field_name, bounds):
    """How many rows of ``queryset`` have ``field_name`` in each of the days ``bounds`` delimit
    (n + 1 moments for n days): one query of plain comparisons, whatever the database."""
    window = {f"{field_name}__gte": bounds[0], f"{field_name}__lt": bounds[-1]}
    counts = queryset.filter(**window).aggregate(
        **{
            f"day{index}": Count("pk", filter=Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end}))
            for index, (start, end) in enumerate(itertools.pairwise(bounds))
        }
    )
    return [counts[f"day{index}"] for index in range(len(bounds) - 1)]


def bar_title(day, what):
    return gettext("%(day)s: %(what)s") % {"day": formats.date_format(day, "l j F"), "what": what}


def items_in_on(day, count):
    return bar_title(day, ngettext("%(count)d item in", "%(count)d items in", count) % {"count": count})


def published_on(day, count):
    what = ngettext("%(count)d article published", "%(count)d articles published", count)
    return bar_title(day, what % {"count": count})


def activity(now, days=CHART_DAYS):
    """The last ``days`` days (Paris days), today included: items in from the feeds, and published
    articles by the day they were first published (a scheduled one counts once its day comes)."""
    today = timezone.localdate(now)
    dates = [today - datetime.timedelta(days=back) for back in range(days - 1, -1, -1)]
    # Each day from its local midnight to the next, so that a day of a clock change has its 23 or 25 hours.
    midnights = [*dates, today + datetime.timedelta(days=1)]
    bounds = [timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)) for day in midnights]
    items_in = per_day(IngestedItem.objects.all(), "first_seen_at", bounds)
    published = per_day(Article.objects.filter(status=Status.PUBLISHED), "first_published_at", bounds)
    chart = day_chart(
        dates,
        [
            Series("in", gettext("Items in"), items_in, items_in_on),
            Series("published", gettext("Articles published"), published, published_on),
        ],
    )
    total_in, total_published = sum(items_in), sum(published)
    summary = gettext("From %(first)s to %(last)s: %(items)s, %(published)s.") % {
        "first": formats.date_format(dates[0], "j F"),
        "last": formats.date_format(dates[-1], "j F"),
        "items": ngettext(
            "%(count)d item in from the feeds (at most %(most)d in a day)",
            "%(count)d items in from the feeds (at most %(most)d in a day)",
            total_in,
        )
        % {"count": total_in, "most": max(items_in)},
        "published": ngettext(
            "%(count)d article published (at most %(most)d in a day)",
            "%(count)d articles published (at most %(most)d in a day)",
            total_published,
        )
        % {"count": total_published, "most": max(published)},
    }
    return {"chart": chart, "summary": summary, "days": days}


def for_editor(now):
    waiting_drafts, reviews = waiting(now), other_reviews()
    return {
        "role": "editor",
        "to_review": waiting_drafts.drafts + reviews.count,  # « 3 en attente de relecture »
        "waiting": waiting_drafts,
        "reviews": reviews,
        "sources": source_alerts(),
        "scheduled": scheduled(now),
        "expiring": expiring(now),
        "failing": failing_sources(now),
        "published": last_published(),
        "activity": activity(now),
    }


def for_author(user, now):
    mine = Article.objects.filter(author_id=user.pk).order_by("-updated_at", "-pk")
    drafts = mine.filter(status=Status.DRAFT)
    return {
        "role": "author",
        "drafts": panel(drafts, changelist(Article, queue="mine"), age_of="updated_at", now=now),
        "sent_back": panel(notes.with_last_note(notes.sent_back(drafts)), ""),
        "in_review": panel(
            mine.filter(status=Status.REVIEW), changelist(Article, status__exact=Status.REVIEW)
        ),
    }


def for_user(user, now=None):
    """The desk ``user`` sees, or None for staff who may not view articles."""
    now = now or timezone.now()
    if workflow.is_editor(user):
        return for_editor(now)
    if user.has_perm("articles.view_article"):
        return for_author(user, now)
    return None
