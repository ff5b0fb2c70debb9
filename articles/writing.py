"""Saving an article with its parts: the one writer every path calls.

An article's parts are its linked image and credit (``Image``), its original
source (``Source``), its tags and its public notes (``Note``: corrections, updates,
retraction notices), given as plain values:

- ``save_article`` saves one article, new or stored, with the parts given: the
  importer's single path, feed ingestion and the tests' factories;
- ``create_articles`` writes many new ones, a few inserts for the lot: the
  importer's batches; ``prepare`` makes the rows it writes, which the fixture
  writer serialises instead;
- ``with_parts`` reads articles with these parts, to compare before writing or to export;
- ``render_bodies`` renders again the stored body of the articles an older renderer rendered
  (``manage.py render_articles``, after the renderer changed);
- ``significant_update`` moves the article's last significant update (« Mis à jour le … »,
  dateModified): a new note does, as does an editor's explicit "significant update"; nothing
  else ever moves it, a save that changes nothing or fixes a typo least of all.

The rules are the models' and are only called here: the slug from the title,
the derived permalink, the first publication and the rendered body (``Article.derive_fields``,
run by every save and by ``prepare``), the normalised source address (``SourceLink.derive_fields``),
the story keys and the story (``grouping.index``).
Saves and bulk inserts alike forget the cached pages through the models' own
signals (``post_save``, and ``managers.rows_written`` for bulk writes): nothing here.
"""

import dataclasses
import functools

from django.db import connection, transaction
from django.db.models import Prefetch

from . import grouping, rendering
from .managers import rows_written
from .models import Article, Correction, ImageCredit, SourceLink, Tag, TaggedArticle

IMAGE_FIELDS = ("image_url", "alt_text", "credit", "rights", "credit_url")
KEEP = object()  # a part save_article() leaves as it is


@dataclasses.dataclass(frozen=True)
class Image:
    """A linked image and its credit, the fields of an ImageCredit without an upload."""

    image_url: str
    alt_text: str = ""
    credit: str = ""
    rights: str = ""
    credit_url: str = ""


@dataclasses.dataclass(frozen=True)
class Source:
    """The original source: its address as given, and the publisher's name."""

    url: str
    publisher: str = ""


@dataclasses.dataclass(frozen=True)
class Note:
    """A dated public note: a correction, an update or a retraction notice (Correction.Kind)."""

    published_at: object  # an aware datetime
    kind: str
    text: str


def note_values(notes):
    """Notes (Correction rows or Notes) as comparable (moment, kind, text) triples, in order."""
    return [(note.published_at, note.kind, note.text) for note in notes]


def significant_update(article, moment):
    """Record a significant change to ``article`` at ``moment``: « Mis à jour le … » and dateModified
    move to it (never back). Called for a new note, or an editor's explicit "significant update"."""
    if article.modified_at is not None and article.modified_at >= moment:
        return
    article.modified_at = moment
    Article.objects.filter(pk=article.pk).update(modified_at=moment)


def image_values(image):
    """The IMAGE_FIELDS values of an ImageCredit or an Image; all empty for None."""
    return tuple(getattr(image, name) for name in IMAGE_FIELDS) if image else ("",) * len(IMAGE_FIELDS)


class TagIds:
    """Tag ids by lower-cased name: in a run of writes, each tag is looked up, or created, once.

    An id learnt in a transaction is remembered once that transaction commits, so
    a write rolled back (a dry run, a refused file) leaves no id of a missing tag.
    """

    def __init__(self):
        self.known = {}

    def lookup(self):
        """A function giving a name's tag id, for one write in the caller's transaction."""
        learnt = {}

        def tag_id(name):
            key = name.lower()
            found = self.known.get(key) or learnt.get(key)
            if found is None:
                tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
                found = learnt[key] = tag.pk
                transaction.on_commit(functools.partial(self.known.__setitem__, key, found))
            return found

        return tag_id


def save_article(
    article, *, image=KEEP, source=KEEP, tags=KEEP, notes=KEEP, fields=True, tag_ids=None, group=True
):
    """Save ``article``, new or stored, with the parts given, in the caller's transaction.

    ``image``: an Image, or None for no linked image (an uploaded one stays);
    ``source``: a Source, or None for none; ``tags``: names, in order, that
    become exactly the article's tags; ``notes``: Notes that become exactly its public
    notes, the latest one moving its last significant update. A part not given is left as it is, and
    ``fields=False`` leaves a stored article's own row alone. Its story keys are
    read again, and an article without a story joins one unless ``group`` is
    False (``articles.grouping``). Returns the article.
    """
    new = article.pk is None
    if new or fields:
        article.save()
    if image is not KEEP:
        save_image(article, None if new else stored_image(article), image)
    if source is not KEEP:
        save_source(article, None if new else first_source(article), source)
    if tags is not KEEP:
        tag_id = (tag_ids or TagIds()).lookup()
        if not new:
            TaggedArticle.objects.filter(content_object=article).delete()
        TaggedArticle.objects.bulk_create(
            TaggedArticle(content_object=article, tag_id=tag_id(name)) for name in tags
        )
    if notes is not KEEP:
        if not new:
            Correction.objects.filter(article=article).delete()
        Correction.objects.bulk_create(Correction(article=article, **vars(note)) for note in notes)
        if notes:
            significant_update(article, max(note.published_at for note in notes))
    if new or fields or source is not KEEP:
        grouping.index([article], group=group)
    return article


def save_image(article, stored, image):
    if image is None:
        if stored is not None and not stored.image:
            stored.delete()
        return
    stored = stored or ImageCredit(article=article)
    for name, value in zip(IMAGE_FIELDS, image_values(image), strict=True):
        setattr(stored, name, value)
    stored.save()


def save_source(article, stored, source):
    if source is None:
        if stored is not None:
            stored.delete()
        return
    stored = stored or SourceLink(article=article, kind=SourceLink.Kind.SOURCE)
    stored.url, stored.publisher = source.url, source.publisher
    stored.save()


@dataclasses.dataclass(frozen=True)
class NewArticle:
    """A new article's rows, unsaved, every derived field filled in."""

    article: Article
    image: ImageCredit | None
    source: SourceLink | None
    tags: tuple[str, ...]
    notes: tuple[Correction, ...] = ()


def prepare(article, *, image=None, source=None, tags=(), notes=()):
    """The rows of a new ``article`` and its parts, as create_articles() writes them."""
    article.derive_fields()
    if notes:
        article.modified_at = max(note.published_at for note in notes)
    image_row = source_row = None
    if image:
        image_row = ImageCredit(article=article, **dict(zip(IMAGE_FIELDS, image_values(image), strict=True)))
    if source:
        source_row = SourceLink(
            article=article, kind=SourceLink.Kind.SOURCE, url=source.url, publisher=source.publisher
        )
        source_row.derive_fields()
    note_rows = tuple(Correction(article=article, **vars(note)) for note in notes)
    return NewArticle(article, image_row, source_row, tuple(tags), note_rows)


def create_articles(new_articles, *, tag_ids=None, group=True):
    """Write prepared new articles with their parts, an insert per table, in the caller's transaction;
    their story keys are read and, with ``group``, each joins a story (``articles.grouping``)."""
    tag_id = (tag_ids or TagIds()).lookup()
    Article.objects.bulk_create([new.article for new in new_articles])  # sets ids: PostgreSQL, SQLite 3.35+
    ImageCredit.objects.bulk_create(new.image for new in new_articles if new.image)
    SourceLink.objects.bulk_create(new.source for new in new_articles if new.source)
    TaggedArticle.objects.bulk_create(
        TaggedArticle(content_object=new.article, tag_id=tag_id(name))
        for new in new_articles
        for name in new.tags
    )
    Correction.objects.bulk_create(note for new in new_articles for note in new.notes)
    sources = {new.article.pk: new.source.url for new in new_articles if new.source}
    grouping.index([new.article for new in new_articles], group=group, sources=sources)


def render_bodies(*, every=False, batch_size=500):
    """Render again, a batch at a time, the stored body of the articles rendered by another
    version of the renderer, or never (every article with ``every``). Returns how many.

    A body changed around save() (an update(), SQL) keeps its stamp's version: readers are
    shown it rendered as they read it (``Article.body_html_for_readers``), and ``every`` stores it."""
    rows = Article.objects.order_by("pk").values_list("pk", "body", "origin")
    if not every:
        rows = rows.exclude(rendered_with__startswith=f"{rendering.RENDERER_VERSION}:")
    rendered = 0
    last = 0
    while batch := list(rows.filter(pk__gt=last)[:batch_size]):
        last = batch[-1][0]
        articles = [Article(pk=pk, body=body, origin=origin) for pk, body, origin in batch]
        for article in articles:
            article.render_body()
        write_rendered_bodies(articles)
        rendered += len(articles)
    return rendered


def write_rendered_bodies(articles):
    """Store the rendered bodies of ``articles``: one statement for the lot, executed for each row
    (bulk_update's CASE took 3 ms an article to build, more than rendering it)."""
    quote = connection.ops.quote_name
    table, fields = Article._meta.db_table, Article.RENDERED_FIELDS
    assignments = ", ".join(f"{quote(field)} = %s" for field in fields)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(table)} SET {assignments} WHERE {quote(Article._meta.pk.column)} = %s",  # noqa: S608 -- names
            [(*(getattr(article, field) for field in fields), article.pk) for article in articles],
        )
    rows_written.send(sender=Article, using=connection.alias)


def with_parts(articles):
    """Articles with the parts this module writes: image, original source, tags in their order."""
    return articles.select_related("image").prefetch_related(
        Prefetch(
            "taggedarticle_set",
            queryset=TaggedArticle.objects.select_related("tag").order_by("pk"),
            to_attr="tags_in_order",
        ),
        Prefetch("links", queryset=SourceLink.objects.filter(kind=SourceLink.Kind.SOURCE), to_attr="sources"),
        "corrections",
    )


def stored_image(article):
    """The article's ImageCredit or None: fetched by with_parts(), or read now."""
    return getattr(article, "image", None)


def first_source(article):
    """The article's original source link or None: fetched by with_parts(), or read now."""
    sources = getattr(article, "sources", None)
    if sources is None:
        return article.links.filter(kind=SourceLink.Kind.SOURCE).first()
    return sources[0] if sources else None
