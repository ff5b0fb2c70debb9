"""What a week's digest holds: its published articles, top stories first, then by tag.

One function builds it, for the public page, the feed and every e-mail alike: the
articles published in the week (``Article.objects.published()``, the one public rule),
the top stories (importance high or top) first, by importance then date, and the
others grouped under a tag each: the first of their public tags by name, so that each
article appears once. A reader who chose tags gets the top stories and the groups of
their tags only (``for_reader``).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import CharField, Subquery
from django.db.models.functions import Cast, Substr

from articles.models import Article, Tag

from .weeks import Week

TOP_IMPORTANCE = Article.Importance.HIGH
WEEK = datetime.timedelta(days=7)
# How both databases write a time in UTC, cut to its hour (the site's zone is whole hours from UTC).
HOUR_FORMAT = "%Y-%m-%d %H"


@dataclass
class TagGroup:
    tag: Tag | None  # None: articles without a public tag
    articles: list = field(default_factory=list)


@dataclass
class DigestContent:
    week: Week
    top_stories: list
    groups: list  # TagGroup, by tag name, the untagged last
    others: list = field(default_factory=list)  # the articles of the groups

    @property
    def count(self):
        return len(self.top_stories) + sum(len(group.articles) for group in self.groups)

    def __bool__(self):
        return self.count > 0

    def for_reader(self, tag_ids):
        """The digest a reader who chose ``tag_ids`` receives: all of it when they chose none."""
        if not tag_ids:
            return self
        return DigestContent(self.week, self.top_stories, group(self.others, set(tag_ids)), self.others)


def week_articles(week, last=None):
    """The week's public articles (or those of the weeks from ``week`` to ``last``), with what their
    cards show, newest first (fixed queries)."""
    return (
        Article.objects.published()
        .filter(published_at__gte=week.start, published_at__lt=(last or week).end)
        .with_card_data()
        .with_bylines()
        .defer("body", "search_document", "cited")
        .order_by("-published_at", "-pk")
    )


def build(week):
    return digest_of(week, list(week_articles(week)))


def build_weeks(weeks):
    """The digests of ``weeks`` (newest first, as weeks_with_articles gives them), read in one go:
    the articles from the oldest week's start to the newest's end, each given to its week."""
    if not weeks:
        return []
    by_week = {week: [] for week in weeks}
    for article in week_articles(Week(min(weeks).monday), Week(max(weeks).monday)):
        found = by_week.get(Week.current(article.published_at))
        if found is not None:
            found.append(article)
    return [digest_of(week, articles) for week, articles in by_week.items()]


def digest_of(week, articles):
    top = sorted(
        (article for article in articles if is_top(article)),
        key=lambda article: (-article.importance, -article.published_at.timestamp()),
    )
    others = [article for article in articles if not is_top(article)]
    return DigestContent(week, top, group(others), others)


def is_top(article):
    return (article.importance or 0) >= TOP_IMPORTANCE


def group(articles, tag_ids=None):
    """``articles`` under the first of their public tags by name (among ``tag_ids`` when given),
    the groups by tag name; the articles without such a tag last, when no tags were chosen."""
    by_tag = {}
    untagged = TagGroup(None)
    for article in articles:
        tags = [tag for tag in article.tags_by_name if tag_ids is None or tag.pk in tag_ids]
        if tags:
            by_tag.setdefault(tags[0].pk, TagGroup(tags[0])).articles.append(article)
        elif tag_ids is None:
            untagged.articles.append(article)
    groups = sorted(by_tag.values(), key=lambda found: found.tag.name.lower())
    if untagged.articles:
        groups.append(untagged)
    return groups


def weeks_with_articles(before, count=None):
    """The weeks before ``before`` (a Week) that have public articles, newest first: the latest
    ``count`` of them, or all. With ``count``, only the articles of the ``count`` weeks up to the
    newest public article are read, not the whole archive (a gap in those weeks makes the list
    shorter, never wrong).

    One query, for the distinct hours (in UTC, as the database writes its own times: a string cut,
    no conversion of each row's time, which costs more than the rest of the page); the hours made
    into weeks in the site's time zone here."""
    articles = Article.objects.published().filter(published_at__lt=before.start)
    if count is not None:
        newest = articles.order_by("-published_at").values("published_at")[:1]
        articles = articles.filter(published_at__gt=Subquery(newest) - (count + 1) * WEEK)
    hours = (
        articles.annotate(hour=Substr(Cast("published_at", CharField()), 1, 13))
        .order_by("hour")
        .values_list("hour", flat=True)
        .distinct()
    )
    weeks = []
    week_end = ""
    for hour in hours:
        # A week holds every hour up to its end: one time zone conversion a week, not an hour.
        if hour >= week_end:
            weeks.append(week_of_hour(hour))
            week_end = weeks[-1].end.astimezone(datetime.UTC).strftime(HOUR_FORMAT)
    return weeks[::-1][:count]


def week_of_hour(text):
    """The Week (site's time) of a UTC hour written as HOUR_FORMAT."""
    return Week.current(datetime.datetime.strptime(text, HOUR_FORMAT).replace(tzinfo=datetime.UTC))
