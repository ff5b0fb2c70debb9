"""What a week's digest holds: its published articles, top stories first, then by tag.

One function builds it, for the public page, the feed and every e-mail alike: the
articles published in the week (``Article.objects.published()``, the one public rule),
the top stories (importance high or top) first, by importance then date, and the
others grouped under a tag each: the first of their public tags by name, so that each
article appears once. A reader who chose tags gets the top stories and the groups of
their tags only (``for_reader``).

A digest holds at most ``DIGEST_LENGTH`` articles, the top stories first, then the latest:
a letter is read in a few minutes, and a week of several hundred articles made a page and an
e-mail nobody reads to the end (mail readers cut a long message) that cost as much to draw as
the week had articles. A week with more says so and links to its months' archives (``more``).
"""

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F, Q
from django.utils import timezone

from articles.models import Article, Tag

from .weeks import Week

TOP_IMPORTANCE = Article.Importance.HIGH
DIGEST_LENGTH = 50
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
    more: bool = False  # the week has more public articles than the digest holds (DIGEST_LENGTH)
    # When it has: the first day of each month of the week that holds a public article, whose
    # archive then lists them all (archive_months).
    months: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.top_stories) + sum(len(group.articles) for group in self.groups)

    def __bool__(self):
        return self.count > 0

    def for_reader(self, tag_ids):
        """The digest a reader who chose ``tag_ids`` receives: all of it when they chose none."""
        if not tag_ids:
            return self
        return DigestContent(
            self.week, self.top_stories, group(self.others, set(tag_ids)), self.others, self.more, self.months
        )


def week_articles(weeks):
    """The articles of ``weeks`` each of their digests holds, newest first, in one query: for each
    week, the ids of its most important then latest articles (DIGEST_LENGTH, and one more to tell
    a week that has more; ``held_first``), found from the index before those rows alone are read."""
    held = Q()
    for week in weeks:
        in_week = Article.objects.published().filter(published_at__gte=week.start, published_at__lt=week.end)
        held |= Q(pk__in=in_week.order_by(*HELD_FIRST).values("pk")[: DIGEST_LENGTH + 1])
    return Article.objects.filter(held).order_by("-published_at", "-pk")


# Which articles a digest holds when its week has more than DIGEST_LENGTH: the most important
# first (an article without an importance last), then the latest. ``held_first`` is the same in Python.
HELD_FIRST = (F("importance").desc(nulls_last=True), "-published_at", "-pk")


def held_first(article):
    return (
        article.importance is None,
        -(article.importance or 0),
        -article.published_at.timestamp(),
        -article.pk,
    )


def build(week):
    """The digest of ``week``, with what the cards of its page and e-mails show."""
    # The columns a card shows (ArticleQuerySet.cards) and the importance that orders the top
    # stories: each of the others read for 50 cards cost the page 1 ms at 100,000 articles.
    articles = week_articles([week]).cards("importance")
    return digest_of(week, list(articles))


def build_weeks(weeks):
    """The digests of ``weeks`` (newest first, as weeks_with_articles gives them), read in one go,
    each week's articles given to it: their titles, dates and tags, what the feed shows of them."""
    if not weeks:
        return []
    by_week = {week: [] for week in weeks}
    for article in week_articles(weeks).with_tags().only("title", "permalink", "published_at", "importance"):
        found = by_week.get(Week.current(article.published_at))
        if found is not None:
            found.append(article)
    return [digest_of(week, articles) for week, articles in by_week.items()]


def digest_of(week, articles):
    """The digest of ``week`` from its ``articles`` (newest first, as week_articles gives them):
    DIGEST_LENGTH of them at most, the top stories by importance then date, the others by tag."""
    more = len(articles) > DIGEST_LENGTH
    if more:  # the one read past the length, to know
        dropped = max(articles, key=held_first)
        articles = [article for article in articles if article is not dropped]
    top = sorted(
        (article for article in articles if is_top(article)),
        key=lambda article: (-article.importance, -article.published_at.timestamp()),
    )
    others = [article for article in articles if not is_top(article)]
    months = archive_months(week, articles) if more else []
    return DigestContent(week, top, group(others), others, more, months)


def archive_months(week, articles):
    """The first day of each month of ``week`` that holds a public article, so that its archive
    answers: those of ``articles`` (some of the week's), and the other month of a week across two
    when it holds none of them but another public article (one query, then only)."""
    months = {timezone.localtime(article.published_at).date().replace(day=1) for article in articles}
    first, second = week.monday.replace(day=1), week.sunday.replace(day=1)
    turn = datetime.datetime.combine(second, datetime.time(), tzinfo=week.start.tzinfo)
    parts = {first: (week.start, turn), second: (turn, week.end)} if first != second else {}
    for month, (start, end) in parts.items():
        if month not in months:
            public = Article.objects.published().filter(published_at__gte=start, published_at__lt=end)
            if public.exists():
                months.add(month)
    return sorted(months)


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
