"""Which cached pages a write reaches: the names a page depends on, and those a write changes.

A cached page (articles.caching) depends on names, each with a token that a change replaces:

- ``site``: everything (the identity, people, tags, and any write whose rows are not known);
- ``lists``: every page that lists articles (home, tags, feeds, sitemaps, search, archives,
  authors, the digest, the API's lists): the pages that declare nothing;
- ``article:<pk>``, ``tag:<pk>``, ``story:<pk>``: an article's own page declares its article,
  its tags (its related articles share one) and its story (its coverage).

A change to an article readers cannot see, before or after (a draft saved, an item ingested, a
note or a link check on a draft), changes no name. A published article (scheduled included)
changes ``lists``, itself, its tags and its story; an archived one (coverage: grouping) its
story. Its parts (tags, credit, links, notes, bylines, checks) count as the article does.
"""

from django.db.models.signals import m2m_changed

from .caching import LISTS, SITE
from .grouping import COVERAGE_STATUSES
from .managers import rows_written
from .models import Article, SourceLink, TaggedArticle

PUBLISHED = Article.Status.PUBLISHED
COVERED = frozenset(COVERAGE_STATUSES)
# A part's article, by the part's model: the column naming it and the cached relation's name.
ARTICLE_OF = {
    "articles.TaggedArticle": ("content_object_id", "content_object"),
    "articles.ImageCredit": ("article_id", "article"),
    "articles.SourceLink": ("article_id", "article"),
    "articles.PermalinkRedirect": ("article_id", "article"),
    "articles.Correction": ("article_id", "article"),
    "articles.ArticleAuthor": ("article_id", "article"),
    "articles.SourceUpdate": ("article_id", "article"),
}


class Unknown(Exception):
    """The write's rows are not known: every page is forgotten."""


def article_name(pk):
    return f"article:{pk}"


def tag_name(pk):
    return f"tag:{pk}"


def story_name(pk):
    return f"story:{pk}"


def article_page(article):
    """What an article's page shows besides itself: related articles by tag, coverage by story."""
    names = {article_name(article.pk)} | {tag_name(tag.pk) for tag in article.tags_by_name}
    if article.story_id:
        names.add(story_name(article.story_id))
    return names


def changed(sender, **kwargs):
    """The names a write changes, from the signal that told of it (apps.py connects them)."""
    try:
        return _changed(sender, kwargs)
    except Unknown:
        return {SITE}


def _changed(sender, kwargs):
    label = sender._meta.label
    if kwargs.get("raw"):
        raise Unknown  # loaddata: no save() ran
    signal = kwargs.get("signal")
    if signal is rows_written:
        changes = kwargs.get("changes")
        if changes is None:
            raise Unknown
        if label == "articles.Tag" and all(before is None for before, _ in changes):
            return set()  # new tags: on no public article yet
        return reach(touched_by_rows(label, changes))
    if signal is m2m_changed:
        return tags_changed(kwargs)
    instance = kwargs.get("instance")
    if instance is None:
        raise Unknown
    if label == "articles.Article":
        if "created" not in kwargs:  # post_delete
            return reach([(instance.pk, state(instance), None, set())])
        if "stored_before_save" not in instance.__dict__:
            raise Unknown  # saved without Article.save()
        stored = instance.__dict__.pop("stored_before_save")
        before = None if stored is None else (stored["status"], stored["story_id"])
        return reach([(instance.pk, before, state(instance), set())])
    if label == "articles.Tag" and kwargs.get("created"):
        return set()  # a new tag is on no public article yet (a tagging will say when it is)
    if label == "articles.LinkCheck":
        return reach(touched_parts(articles_of_links([instance.link_id])))
    if label in ARTICLE_OF:
        return reach(touched_parts(articles_of(label, [instance]), tags_of(label, [instance])))
    raise Unknown  # a tag, a person, the publication: shown on every page


def state(article):
    return (article.status, article.story_id)


def touched_by_rows(label, changes):
    if label == "articles.Article":
        return [
            (field(before or after, "pk"), row_state(before), row_state(after), set())
            for before, after in changes
        ]
    rows = [row for pair in changes for row in pair if row is not None]
    if label in ARTICLE_OF:
        return touched_parts(articles_of(label, rows), tags_of(label, rows))
    if label == "articles.LinkCheck":
        return touched_parts(articles_of_links([field(row, "link_id") for row in rows]))
    raise Unknown


def field(row, name):
    return row[name] if isinstance(row, dict) else getattr(row, name)


def row_state(row):
    return None if row is None else (field(row, "status"), field(row, "story_id"))


def articles_of(label, rows):
    """{article pk: (status, story)} of the parts' articles: from the cached article when the
    part holds one (a bulk insert of new parts), else in one query."""
    column, relation = ARTICLE_OF[label]
    found, missing = {}, set()
    for row in rows:
        pk = field(row, column)
        cached = None if isinstance(row, dict) else row._state.fields_cache.get(relation)
        if cached is not None:
            found[pk] = state(cached)
        elif pk is not None:
            missing.add(pk)
    missing -= set(found)
    if missing:
        rows = Article.objects.filter(pk__in=missing).values_list("pk", "status", "story_id")
        found.update((pk, (status, story)) for pk, status, story in rows)
    return found


def articles_of_links(link_ids):
    rows = SourceLink.objects.filter(pk__in=link_ids).values_list(
        "article_id", "article__status", "article__story_id"
    )
    return {pk: (status, story) for pk, status, story in rows}


def tags_of(label, rows):
    if label != "articles.TaggedArticle":
        return {}
    tags = {}
    for row in rows:
        tags.setdefault(field(row, "content_object_id"), set()).add(field(row, "tag_id"))
    return tags


def touched_parts(states, tags=None):
    """A part written leaves its article as it was: before and after are its current state."""
    tags = tags or {}
    return [(pk, current, current, tags.get(pk, set())) for pk, current in states.items()]


def tags_changed(kwargs):
    """article.tags.add/remove/clear (taggit sends m2m_changed); a tag's articles changed: everything."""
    if kwargs.get("reverse") or kwargs.get("action") not in ("post_add", "post_remove", "pre_clear"):
        if kwargs.get("reverse"):
            raise Unknown
        return set()
    article = kwargs["instance"]
    current = state(article)
    return reach([(article.pk, current, current, set(kwargs.get("pk_set") or ()))])


def reach(touched):
    """The names a change to articles reaches: ``touched`` is (pk, before, after, tags) with
    before and after (status, story) or None (not there), and the tags the write itself named."""
    names, listed = set(), []
    for pk, before, after, tags in touched:
        states = [each for each in (before, after) if each is not None]
        statuses = {status for status, _ in states}
        stories = {story for _, story in states if story is not None}
        if PUBLISHED in statuses:
            names |= {LISTS, article_name(pk)} | {story_name(story) for story in stories}
            names |= {tag_name(tag) for tag in tags}
            listed.append(pk)
        elif statuses & COVERED:
            names |= {article_name(pk)} | {story_name(story) for story in stories}
    if listed:
        current = TaggedArticle.objects.filter(content_object_id__in=listed).values_list("tag_id", flat=True)
        names |= {tag_name(tag) for tag in current}
    return names
