"""Files in the site's markdown format, brought into the database: ``Importer``.

``Importer.save(data)`` upserts one parsed file (``parser.ArticleData``) by
permalink and says whether the article was imported, updated or unchanged;
``Importer.import_files(paths)`` parses and stores many, the new articles a
batch at a time. Writing goes through ``articles.writing``, as every other path does.

The byline and the reviewer are people's names (``People``): each is the profile of that
name or slug, or a new profile of that name when there is none.
"""

import dataclasses
import itertools
from concurrent.futures import ThreadPoolExecutor

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from .. import writing
from ..models import Article, ArticleAuthor
from .parser import ImportFailure, parse_file

LOOK_UP = object()  # Importer.save(): the stored article is to be read


class People:
    """People by the names files give them: the profile of that name (any case) or slug, or a new
    one of that name. Looked up once per run; new profiles are remembered only once committed."""

    def __init__(self, *, remember_new=True):
        self.model = Article._meta.get_field("authors").related_model
        self.known = {}
        self.remember_new = remember_new

    def get(self, name):
        if not name:
            return None
        key = name.lower()
        person = self.known.get(key)
        if person is None:
            person = self.model.objects.filter(name__iexact=name).order_by("pk").first()
            person = person or self.model.objects.filter(slug=name).first()
            if person is None:
                person = self.model.objects.create(name=name)
                if not self.remember_new:
                    return person
            self.known[key] = person
        return person

    def forget_new(self):
        """After a rolled-back transaction: forget the profiles it created, which no longer exist."""
        kept = set(
            self.model.objects.filter(pk__in=[p.pk for p in self.known.values()]).values_list("pk", flat=True)
        )
        self.known = {key: person for key, person in self.known.items() if person.pk in kept}

    def byline(self, article, names):
        """The article's bylines for these names, not yet written."""
        return [
            ArticleAuthor(article=article, person=self.get(name), position=position)
            for position, name in enumerate(names, start=1)
        ]

    def set_byline(self, article, names, *, new=False):
        if not new:
            ArticleAuthor.objects.filter(article=article).delete()
        ArticleAuthor.objects.bulk_create(self.byline(article, names))


class Importer:
    """Upserts articles by permalink; a file is imported whole or not at all.

    Files are read in batches. The articles a batch may update are fetched with
    their image, source and tags in a few queries; an unchanged file writes
    nothing. The batch's new articles are written together in one transaction
    (articles, image credits, source links and taggings, a few inserts in all);
    should the database refuse one of them, that transaction is rolled back and
    the new articles are written again one file per transaction, so that the
    file at fault is reported and every other one lands. Existing articles are
    updated one file per transaction. Tags are looked up once per run. Only a
    batch is held in memory, whatever the number of files.

    No version is kept (django-reversion records only the admin's saves), and a
    batch forgets the cached pages once (articles.caching), as a save would.
    """

    IMPORTED, UPDATED, UNCHANGED, FAILED = "imported", "updated", "unchanged", "failed"
    BATCH_SIZE = 500

    def __init__(self, *, status=Article.Status.PUBLISHED, dry_run=False):
        self.status = status
        self.dry_run = dry_run
        self.tag_ids = writing.TagIds()
        self.people = People(remember_new=not dry_run)

    def import_files(self, paths):
        """Yield ``(path, outcome, reason)`` for each file, in order, ``reason`` saying why one failed.

        The next batch is read and parsed in a second thread while this one is
        written: the database's work and Python's then overlap.
        """
        with ThreadPoolExecutor(max_workers=1) as reader:
            parsing = None
            for batch in batched(paths, self.BATCH_SIZE):
                upcoming = reader.submit(parse_batch, batch)
                if parsing is not None:
                    yield from self._store_batch(*parsing.result())
                parsing = upcoming
            if parsing is not None:
                yield from self._store_batch(*parsing.result())

    def _store_batch(self, paths, results, parsed):
        permalinks = {
            permalink for _, data in parsed for permalink in (data.permalink, data.former_permalink)
        }
        stored = {
            article.permalink: article
            for article in writing.with_parts(Article.objects.filter(permalink__in=permalinks - {""}))
            .with_bylines()
            .select_related("reviewed_by")
        }
        # A file without a permalink finds the article its title made before elisions made words.
        parsed = [
            (position, dataclasses.replace(data, permalink=data.former_permalink))
            if data.former_permalink in stored and data.permalink not in stored
            else (position, data)
            for position, data in parsed
        ]
        new, others = {}, []
        for position, data in parsed:
            if data.permalink in stored or data.permalink in new:
                others.append((position, data))  # an update, or the same permalink again
            else:
                new[data.permalink] = (position, data)
        if new:
            try:
                self._create([data for _, data in new.values()])
            except (DatabaseError, ValidationError):
                self.people.forget_new()
                others = sorted([*new.values(), *others], key=lambda item: item[0])
            else:
                for position, _ in new.values():
                    results[position] = (self.IMPORTED, "")
        for position, data in others:
            try:
                outcome = self.save(data, stored.pop(data.permalink, LOOK_UP))
            except (DatabaseError, ValidationError) as error:
                self.people.forget_new()
                results[position] = (self.FAILED, f"{data.permalink}: {error}")
            else:
                results[position] = (outcome, "")
        for path, (outcome, reason) in zip(paths, results, strict=True):
            yield path, outcome, reason

    def _create(self, batch):
        """Write new articles with their parts in one transaction: a few inserts for the batch."""
        with transaction.atomic():
            rows = [
                writing.prepare(
                    self._new_article(data),
                    image=data.image,
                    source=data.source,
                    tags=data.tags,
                    notes=data.corrections,
                )
                for data in batch
            ]
            writing.create_articles(rows, tag_ids=self.tag_ids)
            # The batch's bylines in one insert (one per article cost a tenth of an import).
            ArticleAuthor.objects.bulk_create(
                byline
                for row, data in zip(rows, batch, strict=True)
                for byline in self.people.byline(row.article, data.authors)
            )
            if self.dry_run:
                transaction.set_rollback(True)

    def _fields(self, data):
        return {
            "title": data.title,
            "status": self.status,
            "published_at": data.published_at,
            "summary": data.summary,
            "body": data.body,
            "importance": data.importance,
            "reviewed_on": data.reviewed_on,
            "origin": Article.Origin.IMPORTED,
        }

    def _new_article(self, data):
        return Article(
            permalink=data.permalink, reviewed_by=self.people.get(data.reviewed_by), **self._fields(data)
        )

    def save(self, data, article=None):
        """Store one article; ``article`` is the stored one with its parts, None, or LOOK_UP."""
        if article is LOOK_UP:
            articles = writing.with_parts(Article.objects.filter(permalink=data.permalink))
            article = articles.with_bylines().select_related("reviewed_by").first()
        fields = self._fields(data)
        changes = self._changes(article, data, fields)
        if not changes:
            return self.UNCHANGED
        keep = writing.KEEP
        with transaction.atomic():
            if article is None:
                article = self._new_article(data)
            elif "article" in changes:
                for name, value in fields.items():
                    setattr(article, name, value)
                article.reviewed_by = self.people.get(data.reviewed_by)
            writing.save_article(
                article,
                fields="article" in changes,
                image=data.image if "image" in changes else keep,
                source=data.source if "source" in changes else keep,
                tags=data.tags if "tags" in changes else keep,
                notes=data.corrections if "notes" in changes else keep,
                tag_ids=self.tag_ids,
            )
            if "byline" in changes:
                self.people.set_byline(article, data.authors, new="new" in changes)
            if self.dry_run:
                transaction.set_rollback(True)
        return self.IMPORTED if "new" in changes else self.UPDATED

    def _changes(self, article, data, fields):
        if article is None:
            return {"new", "image", "source", "tags", "notes", "byline"}
        changes = set()
        reviewer = article.reviewed_by.name if article.reviewed_by else ""
        if reviewer.lower() != data.reviewed_by.lower() or any(
            getattr(article, name) != value for name, value in fields.items()
        ):
            changes.add("article")
        if [person.name.lower() for person in article.byline] != [name.lower() for name in data.authors]:
            changes.add("byline")
        if writing.image_values(writing.stored_image(article)) != writing.image_values(data.image):
            changes.add("image")
        source = writing.first_source(article)
        if (writing.Source(source.url, source.publisher) if source else None) != data.source:
            changes.add("source")
        if [tagged.tag.name.lower() for tagged in article.tags_in_order] != [
            name.lower() for name in data.tags
        ]:
            changes.add("tags")
        if writing.note_values(article.corrections.all()) != writing.note_values(data.corrections):
            changes.add("notes")
        return changes


def parse_batch(paths):
    """(paths, a result for each file that failed or None, [(position, ArticleData)] of the others)."""
    results = [None] * len(paths)
    parsed = []
    for position, path in enumerate(paths):
        try:
            parsed.append((position, parse_file(path)))
        except (ImportFailure, OSError) as error:
            results[position] = (Importer.FAILED, str(error))
    return paths, results, parsed


def batched(iterable, size):
    iterator = iter(iterable)
    while batch := list(itertools.islice(iterator, size)):
        yield batch
