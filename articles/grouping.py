"""Articles into stories: the same study told by several sources is one story.

``index(articles)`` stores the story keys of saved articles (``story_keys``: DOIs,
PMIDs, trial numbers, primary-source links, syndicated titles) and puts each
article without a story into the story of the articles it shares a key with (an
article that shares none stays without a story). It is called by the one writer (``articles.writing``: import
and ingestion), by the admin's save and by ``rebuild_story_keys``; the keys are
read once and looked up by their index, never by reading the archive.

A story published on the site has as coverage the other articles of the story:
``coverage(article)`` gives their sources for the reader's « Aussi couvert par ».
``split`` and ``merge`` are the editor's corrections; ``leave`` takes discarded articles out.
"""

import itertools

from django.db import transaction
from django.db.models import Case, F, Q, When, Window
from django.db.models.functions import RowNumber

from .models import Article, SourceLink, Story, StoryKey
from .story_keys import TITLE, keys_for, site_of

# Rows of keys looked up at once, well under SQLite's limit of parameters.
LOOKUP_SIZE = 500
# Statuses whose articles stand as a story's coverage: published, or archived as its coverage by an
# editor or by intake. A draft waiting for review has been read by nobody yet: a feed that names a
# published study's DOI must not put its link on that article's page before an editor saw it.
COVERAGE_STATUSES = (Article.Status.PUBLISHED, Article.Status.ARCHIVED)
# Sources a published article lists as its coverage at most (« Aussi couvert par », JSON-LD).
COVERAGE_SHOWN = 12


def keys_of(article, source_url):
    """The keys of a saved ``article`` whose original source is ``source_url``."""
    cited = [value for value in article.cited or () if isinstance(value, str)]
    return keys_for(
        title=article.title,
        texts=[article.summary, article.body, *cited],
        links=[value for value in cited if value.startswith(("http://", "https://"))],
        source_url=source_url,
    )


def index(articles, *, group=True, sources=None):
    """Store the keys of the saved ``articles`` in the caller's transaction and put each one that
    has no story yet into the story of the stored articles it shares a key with. A few queries
    for the lot; two for new articles whose ``sources`` (source address by id) are given. With
    ``group`` False (an item the rules blocked) nothing is stored: the article stays out of
    every story until it is indexed again."""
    articles = [article for article in articles if article.pk]
    if not articles or not group:
        return
    ids = [article.pk for article in articles]
    if sources is None:
        stored = SourceLink.objects.filter(article_id__in=ids, kind=SourceLink.Kind.SOURCE)
        sources = dict(stored.values_list("article_id", "url"))
        StoryKey.objects.filter(article_id__in=ids).delete()
    keys = {article.pk: keys_of(article, sources.get(article.pk, "")) for article in articles}
    sites = {pk: site_of(url)[:200] for pk, url in sources.items()}
    StoryKey.objects.bulk_create(
        StoryKey(article_id=pk, key=key, site=sites.get(pk, ""))
        for pk, found in keys.items()
        for key in found
    )
    attach([article for article in articles if article.story_id is None], keys, sites)


def attach(articles, keys, sites):
    """Put each of ``articles`` (saved, without a story, with their ``keys`` by id) with the stored
    articles it shares a key with, in their story or a new one; articles of the batch that share a
    key go together. A title is shared only by articles of different sites (their publishers',
    ``sites`` by id). An article that shares no key stays alone, with no story: most articles tell a
    story nobody else told.

    New articles never bring together stored ones that were apart: a group of them joins one stored
    story or one stored article alone (``one_each``), never two. What a feed item cites is
    written by whoever runs the feed; one item naming the DOIs of two published studies must not
    make them one story, each listing the other's source as its coverage."""
    if not articles:
        return
    batch = {article.pk for article in articles}
    stored = stored_by_key({key for article in articles for key in keys[article.pk]}, batch)

    def shares(key, site, other_site):
        return not key.startswith(TITLE) or not site or site != other_site

    # Articles linked by a shared key form one group (union–find over the batch and the stored
    # articles it matches): two articles of the batch that each share a key with one stored
    # article go together, even when they share none with each other.
    parent = {}

    def root(pk):
        parent.setdefault(pk, pk)
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    first_with_key, stored_story = {}, {}
    for article in articles:
        site = sites.get(article.pk, "")
        root(article.pk)
        for key in keys[article.pk]:
            other = first_with_key.setdefault(key, article.pk)
            if shares(key, site, sites.get(other, "")):
                parent[root(article.pk)] = root(other)
            for article_id, story_id, other_site in stored.get(key, ()):
                if shares(key, site, other_site):
                    stored_story[article_id] = story_id
                    parent[root(article_id)] = root(article.pk)
    groups = {}
    for article in articles:
        groups.setdefault(root(article.pk), ([], set(), set()))[0].append(article)
    for article_id, story_id in stored_story.items():
        _, stories, loose = groups[root(article_id)]
        if story_id is None:
            loose.add(article_id)
        else:
            stories.add(story_id)
    one_each(groups.values())
    placed, new_stories = [], []
    for members, stories, loose in groups.values():
        if not stories and not loose and len(members) == 1:
            continue
        placed.append((members, stories, loose))
        if not stories:
            new_stories.append(Story())
    Story.objects.bulk_create(new_stories)
    new_ids = iter(story.pk for story in new_stories)
    changed = []
    for members, stories, loose in placed:
        story_id = next(iter(stories)) if stories else next(new_ids)
        for article in members:
            article.story_id = story_id
        # A stored article that stood alone joins too (a row of its id alone: its other fields stay).
        changed += members + [Article(pk=pk, story_id=story_id) for pk in sorted(loose)]
    if changed:
        Article.objects.bulk_update(changed, ["story"])


def stored_by_key(keys, excluded):
    """The stored articles (not ``excluded``) having each of ``keys``: (id, story id, site).

    An archived article (a story's coverage, kept from a feed) stands for a key only when no other
    article has it: whoever runs a feed chooses what its items cite, and an item kept as one
    study's coverage that also named another study must not draw that study's later items away."""
    found, archived = {}, {}
    keys = sorted(keys)
    for start in range(0, len(keys), LOOKUP_SIZE):
        rows = (
            StoryKey.objects.filter(key__in=keys[start : start + LOOKUP_SIZE])
            .exclude(article_id__in=excluded)
            .values_list("key", "article_id", "article__story_id", "site", "article__status")
        )
        for key, article_id, story_id, site, status in rows:
            into = archived if status == Article.Status.ARCHIVED else found
            into.setdefault(key, set()).add((article_id, story_id, site))
    for key, rows in archived.items():
        found.setdefault(key, rows)
    return found


def one_each(groups):
    """Narrow each group's stored stories and lone stored articles (its ``stories`` and ``loose``
    sets, changed in place) to one of them: one with a published article first, then a story
    before an article alone, then the oldest. One query for the lot; none when no group has two."""
    crowded = [(stories, loose) for _members, stories, loose in groups if len(stories) + len(loose) > 1]
    if not crowded:
        return
    story_ids = set().union(*(stories for stories, _loose in crowded))
    article_ids = set().union(*(loose for _stories, loose in crowded))
    rows = Article.objects.filter(
        Q(story_id__in=story_ids) | Q(pk__in=article_ids), status=Article.Status.PUBLISHED
    ).values_list("pk", "story_id")
    published_stories, published_articles = set(), set()
    for pk, story_id in rows:
        published_stories.add(story_id)
        published_articles.add(pk)
    for stories, loose in crowded:
        _unpublished, is_article, chosen = min(
            [(story_id not in published_stories, False, story_id) for story_id in stories]
            + [(pk not in published_articles, True, pk) for pk in loose]
        )
        stories.intersection_update(set() if is_article else {chosen})
        loose.intersection_update({chosen} if is_article else set())


def published_member(article):
    """Another article of ``article``'s story that is published (scheduled included), or None."""
    if article.story_id is None:
        return None
    others = Article.objects.filter(story_id=article.story_id, status=Article.Status.PUBLISHED)
    return others.exclude(pk=article.pk).order_by("published_at", "pk").first()


def coverage(article):
    """The other sources of ``article``'s story, for readers: SourceLinks, oldest first, one per
    publisher (or per address, for a link of no publisher's), never the article's own source, at
    most COVERAGE_SHOWN. Items that arrive after publication join its coverage by themselves: a feed
    sending a thousand items that name its DOI is one line of it, not a thousand. One query; none
    for an article without a story."""
    if article.story_id is None:
        return []
    own = SourceLink.objects.filter(article_id=article.pk, kind=SourceLink.Kind.SOURCE).values(
        "url_normalized"
    )
    sender = Case(When(publisher="", then=F("url_normalized")), default=F("publisher"))
    oldest_first = [F("article__published_at").asc(), F("pk").asc()]
    links = (
        SourceLink.objects.filter(
            kind=SourceLink.Kind.SOURCE,
            article__story_id=article.story_id,
            article__status__in=COVERAGE_STATUSES,
        )
        .exclude(article_id=article.pk)
        .exclude(url_normalized__in=own)
        .annotate(rank=Window(RowNumber(), partition_by=[sender], order_by=oldest_first))
        .filter(rank=1)
        .order_by(*oldest_first)
        .only("url", "url_normalized", "publisher", "article_id")
    )
    seen, found = set(), []
    for link in links[: COVERAGE_SHOWN * 2]:
        if link.url_normalized not in seen and len(found) < COVERAGE_SHOWN:
            seen.add(link.url_normalized)
            found.append(link)
    return found


@transaction.atomic
def leave(articles):
    """Take ``articles`` (discarded by an editor) out of every story for good: their keys are
    deleted and their story is none, as a blocked item's are, so that nothing published later
    lists them as its coverage and nothing joins them (``rebuild_story_keys`` leaves archived
    articles without a story alone)."""
    ids = [article.pk for article in articles]
    StoryKey.objects.filter(article_id__in=ids).delete()
    Article.objects.filter(pk__in=ids).update(story=None)
    for article in articles:
        article.story_id = None


@transaction.atomic
def split(article):
    """Take ``article`` out of its story, into a story of its own: a wrong grouping corrected by an
    editor. It is never grouped again by itself: only articles without a story are (``attach``),
    and an item that arrives later joins the older story it shares a key with."""
    story = Story.objects.create()
    Article.objects.filter(pk=article.pk).update(story=story)
    article.story = story
    return story


@transaction.atomic
def merge(articles):
    """Put ``articles`` and every article of their stories into one story, the oldest of theirs
    (or a new one); the emptied stories are deleted. Returns the story's id."""
    stories = {article.story_id for article in articles if article.story_id is not None}
    target = min(stories) if stories else Story.objects.create().pk
    Article.objects.filter(story_id__in=stories - {target}).update(story_id=target)
    Article.objects.filter(pk__in=[article.pk for article in articles], story=None).update(story_id=target)
    Story.objects.filter(pk__in=stories - {target}).delete()
    for article in articles:
        article.story_id = target
    return target


def batched(iterable, size):
    iterator = iter(iterable)
    while batch := list(itertools.islice(iterator, size)):
        yield batch
