"""What a week's digest holds: its published articles, top stories first, then by tag.

One function builds it, for the public page, the feed and every e-mail alike: the
articles published in the week (``Article.objects.published()``, the one public rule),
the top stories (importance high or top) first, by importance then date, and the
others grouped under a tag each: the first of their public tags by name, so that each
article appears once. A reader who chose tags gets the top stories and the groups of
their tags only (``for_reader``).
"""

from dataclasses import dataclass, field

from django.db.models.functions import TruncDate

from articles.models import Article, Tag

from .weeks import Week

TOP_IMPORTANCE = Article.Importance.HIGH


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


def week_articles(week):
    """The week's public articles, with what their cards show, newest first (fixed queries)."""
    return (
        Article.objects.published()
        .filter(published_at__gte=week.start, published_at__lt=week.end)
        .with_card_data()
        .with_bylines()
        .defer("body", "body_html", "search_document", "cited")
        .order_by("-published_at", "-pk")
    )


def build(week):
    articles = list(week_articles(week))
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


def weeks_with_articles(before):
    """The weeks before ``before`` (a Week) that have public articles, newest first: one query
    for the days (in the site's time zone), weeks made of them here."""
    days = (
        Article.objects.published()
        .filter(published_at__lt=before.start)
        .annotate(day=TruncDate("published_at"))
        .values_list("day", flat=True)
        .distinct()
    )
    return sorted({Week.of(day) for day in days}, reverse=True)
