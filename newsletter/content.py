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

from django.db import connection

from articles.models import Article, Tag

from .weeks import Week

TOP_IMPORTANCE = Article.Importance.HIGH
WEEK = datetime.timedelta(days=7)
YEAR_OF_WEEKS = 52


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
        .defer("body", "body_html", "search_document", "cited")
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
    ``count`` of them, or all.

    Each query asks, for ``count`` weeks back or a year's, whether each week has a public
    article and whether any is older (``weeks_having_articles``): a site that publishes every
    week costs one query, whatever the size of its archive."""
    found, week, older = [], before, True
    while older and (count is None or len(found) < count):
        weeks = []
        for _ in range(max(count or 0, YEAR_OF_WEEKS)):
            week = week.previous
            weeks.append(week)
        *having, older = weeks_having_articles(weeks)
        found += [asked for asked, has in zip(weeks, having, strict=True) if has]
    return found[:count]


def weeks_having_articles(weeks):
    """For each of ``weeks``, whether it has a public article, and last whether any public article
    is older than the last week: one query of an EXISTS each, each a probe of the list's index.

    The SQL of published() is the ORM's, compiled once with a week's bounds first and asked for
    every week with its own: the ORM took longer to compile a hundred EXISTS than the database to
    answer them. The bounds come first so that SQLite walks the index from the week's end, not
    from now (published()'s own bound) down through every newer article."""
    ops = connection.ops
    moment = ops.adapt_datetimefield_value
    first, last = weeks[0], weeks[-1]
    in_week = Article.objects.filter(published_at__gte=first.start, published_at__lt=first.end)
    older = Article.objects.filter(published_at__lt=last.start)
    checks, values = [], []
    for articles, bounds in [(in_week, [(week.start, week.end) for week in weeks]), (older, [(last.start,)])]:
        sql, params = articles.published().order_by().values("pk").query.sql_with_params()
        given = len(bounds[0])
        if [str(value) for value in params[:given]] != [str(moment(value)) for value in bounds[0]]:
            raise RuntimeError("The week's bounds are no longer the query's first parameters.")
        for each in bounds:
            checks.append(f"EXISTS({sql})")
            values += [*map(moment, each), *params[given:]]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(checks)}", values)
        return [bool(answer) for answer in cursor.fetchone()]
