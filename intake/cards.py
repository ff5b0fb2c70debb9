"""The review page's cards: the ingested drafts waiting for review, one card per story.

Items that tell one story (``Article.story``, found by ``articles.grouping``) are one card; an
item without a story is a card of its own. A card leads with its best item, the one an editor
would publish (``rank``): a French title and summary first, then one with an image, then the
longest summary, then the oldest publication. The others are the story's coverage, shown as
« Aussi chez ». A story that already has a published article (published from the article list,
or by an earlier card) says so: its waiting items can only join that article's coverage.

Cards are built from one query for the drafts and one for the published articles of their
stories, whatever their number. A card is named in a form by its ``key`` (``s<story>`` or
``a<article>``) with the ids of the items the editor saw: an item that arrived or moved since
is never published or archived unseen.
"""

from dataclasses import dataclass, field

from django.db.models import F, Prefetch, Window
from django.db.models.functions import RowNumber

from articles.language import language_of
from articles.models import Article, SourceLink
from articles.pagination import MAX_ID

# A feed decides how many items it sends: the page shows the newest cards, each with its newest
# items, so that it reads in one go and its form stays under DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000).
# Publishing or discarding them brings the next ones up.
CARDS_SHOWN = 50
ITEMS_SHOWN = 20


def in_review():
    """Articles in review that came from a feed, the newest first."""
    return Article.objects.filter(status=Article.Status.REVIEW, ingested_item__isnull=False).order_by(
        "-published_at", "-pk"
    )


def to_review():
    """Articles in review that came from a feed, with what the review page shows of them."""
    return (
        in_review()
        .select_related("image", "ingested_item__source")
        .prefetch_related(
            Prefetch("links", queryset=SourceLink.objects.filter(kind=SourceLink.Kind.SOURCE)),
            "tags",
        )
        .order_by("-published_at", "-pk")
    )


def as_id(value):
    """The id a posted ``value`` names, or None: ASCII digits within the database's integers only
    (Python's int() also reads « ٣ » and « ² » is a digit to str.isdigit; SQLite overflows past MAX_ID)."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID:
        return int(value)
    return None


def newest_cards():
    """The newest CARDS_SHOWN cards, each with its newest ITEMS_SHOWN items, and how many more
    cards wait. A few queries, whatever the backlog."""
    chosen, stories, lone = set(), set(), set()
    for pk, story_id in in_review().values_list("pk", "story_id").iterator(chunk_size=500):
        key = story_id or -pk
        if key not in chosen:
            chosen.add(key)
            if story_id:
                stories.add(story_id)
            else:
                lone.add(pk)
            if len(chosen) == CARDS_SHOWN:
                break
    newest = [F("published_at").desc(), F("pk").desc()]
    in_stories = (
        to_review()
        .filter(story_id__in=stories)
        .annotate(place=Window(RowNumber(), partition_by=[F("story_id")], order_by=newest))
        .filter(place__lte=ITEMS_SHOWN)
    )
    articles = [*to_review().filter(pk__in=lone), *in_stories]
    waiting = in_review().filter(story=None).count() + (
        in_review().exclude(story=None).values("story_id").distinct().count()
    )
    return cards_of(articles), waiting - len(chosen)


def key_of(article):
    return f"s{article.story_id}" if article.story_id else f"a{article.pk}"


def is_french(article):
    """Whether title and summary read as French (an unsure title does not count against it)."""
    title, summary = language_of(article.title), language_of(article.summary)
    return language_of(article.title, article.summary) == "fr" and "en" not in (title, summary)


def not_in_french(article):
    """Whether the title or the summary (or both, read together) reads as English: publishing
    it asks first. Unsure is no answer."""
    texts = (article.title, article.summary)
    return "en" in (language_of(texts[0]), language_of(texts[1]), language_of(*texts))


def rank(article):
    """How an item is sorted in its card, best first: French, with an image, the longest
    summary, the oldest publication."""
    image = getattr(article, "image", None)
    has_image = image is not None and bool(image.src)
    return (not article.french, not has_image, -len(article.summary), article.published_at, article.pk)


@dataclass
class Card:
    key: str
    items: list  # best first
    published: Article | None = None  # the story's published article, when there is one
    lead: Article | None = field(default=None)

    def __post_init__(self):
        for item in self.items:
            item.french, item.foreign = is_french(item), not_in_french(item)
            item.source_name = source_name(item)
        self.items.sort(key=rank)
        if self.lead is None or self.lead not in self.items:
            self.lead = self.items[0]

    @property
    def best(self):
        return self.items[0]

    @property
    def others(self):
        return [item for item in self.items if item != self.lead]

    @property
    def newest(self):
        return max(item.published_at for item in self.items)

    @property
    def sources(self):
        """The names of the other items' sources, each once, for « Aussi chez »."""
        return list(dict.fromkeys(item.source_name for item in self.others if item.source_name))


def source_name(article):
    item = getattr(article, "ingested_item", None)
    if item is not None and item.source is not None:
        return item.source.name
    links = list(article.links.all())
    return links[0].publisher if links else ""


def cards_of(articles):
    """The cards of ``articles`` (drafts from ``to_review``), the newest story first."""
    by_key = {}
    for article in articles:
        by_key.setdefault(key_of(article), []).append(article)
    published = published_of({article.story_id for article in articles if article.story_id})
    cards = [Card(key, items, published.get(items[0].story_id)) for key, items in by_key.items()]
    return sorted(cards, key=lambda card: (card.newest, card.key), reverse=True)


def published_of(story_ids):
    """The first published article (scheduled included) of each of the stories, by story id."""
    if not story_ids:
        return {}
    found = {}
    articles = Article.objects.filter(story_id__in=story_ids, status=Article.Status.PUBLISHED)
    for article in articles.order_by("published_at", "pk"):
        found.setdefault(article.story_id, article)
    return found


def chosen_cards(data, keys=None):
    """The cards selected in a posted review form (``data``), or those of ``keys``, as they stand
    now: the items the editor saw that are still in review and still in that story, led by the
    item chosen."""
    keys = list(dict.fromkeys(data.getlist("cards") if keys is None else keys))
    seen = {key: set(data.getlist(f"items-{key}")) for key in keys}
    ids = {as_id(pk) for pks in seen.values() for pk in pks} - {None}
    current = {}
    for article in to_review().filter(pk__in=ids):
        key = key_of(article)
        if str(article.pk) in seen.get(key, ()):
            current.setdefault(key, []).append(article)
    published = published_of({items[0].story_id for items in current.values() if items[0].story_id})
    cards = []
    for key in keys:
        if key not in current:
            continue
        items = current[key]
        lead = next((item for item in items if str(item.pk) == data.get(f"lead-{key}")), None)
        cards.append(Card(key, items, published.get(items[0].story_id), lead))
    return cards
