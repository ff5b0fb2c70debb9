"""Files in the site's markdown format written as a ``loaddata`` fixture instead: ``FixtureWriter``.

``manage.py import_markdown --to-fixture FILE`` writes JSON with natural keys
rather than rows. The rows are the ones the importer would write, made by
``articles.writing.prepare``: the same slug, permalink and normalised source
address. ``loaddata`` decodes the entities of their plain text once, as the
parser did (``articles.plain_text``): the fixture writes that text escaped, so
that loading it gives the values importing the file gives.
"""

import json

from .. import writing
from ..models import Article, Tag
from ..plain_text import ENCODED_FIELDS, escape
from .importer import Importer
from .parser import ImportFailure, parse_file


class FixtureWriter:
    """Writes articles as a ``loaddata`` fixture with natural keys, one object at a time."""

    def __init__(self, file, *, status=Article.Status.PUBLISHED):
        self.file = file
        self.status = status
        self.tags = {}
        self.slugs = set()
        self.count = 0
        self._first = True

    def __enter__(self):
        self.file.write("[")
        return self

    def __exit__(self, *exc_info):
        self.file.write("\n]\n")

    def write_files(self, paths):
        """Yield ``(path, outcome, reason)`` for each file, as Importer.import_files() does."""
        for path in paths:
            try:
                self.write(parse_file(path))
            except (ImportFailure, OSError) as error:
                yield path, Importer.FAILED, str(error)
            else:
                yield path, Importer.IMPORTED, ""

    def write(self, data):
        rows = writing.prepare(
            Article(
                title=data.title,
                permalink=data.permalink,
                status=self.status,
                published_at=data.published_at,
                summary=data.summary,
                body=data.body,
                importance=data.importance,
                origin=Article.Origin.IMPORTED,
            ),
            image=data.image,
            source=data.source,
            tags=data.tags,
            notes=data.corrections,
        )
        article = rows.article
        key = list(article.natural_key())
        moment = data.published_at.isoformat().replace("+00:00", "Z")
        self._object(
            "articles.article",
            {
                "title": escape(article.title),
                "slug": article.slug,
                "permalink": article.permalink,
                "status": article.status,
                "published_at": moment,
                "summary": escape(article.summary),
                "body": article.body,
                "importance": article.importance,
                "origin": article.origin,
                "author": None,
                "created_at": moment,
                "updated_at": moment,
                "modified_at": article.modified_at and article.modified_at.isoformat().replace("+00:00", "Z"),
            },
        )
        for name in rows.tags:
            if name.lower() not in self.tags:
                self.tags[name.lower()] = name
                self._object("articles.tag", {"name": name, "slug": self._slug(name)})
            self._object("articles.taggedarticle", {"content_object": key, "tag": [self.tags[name.lower()]]})
        if rows.image:
            values = dict(zip(writing.IMAGE_FIELDS, writing.image_values(rows.image), strict=True))
            values.update((name, escape(values[name])) for name in ENCODED_FIELDS["ImageCredit"])
            self._object("articles.imagecredit", {"article": key, "image": "", **values})
        if rows.source:
            source = rows.source
            self._object(
                "articles.sourcelink",
                {
                    "article": key,
                    "kind": source.kind,
                    "url": source.url,
                    "url_normalized": source.url_normalized,
                    "publisher": escape(source.publisher),
                    "position": source.position,
                },
            )
        for note in rows.notes:
            moment = note.published_at.isoformat().replace("+00:00", "Z")
            self._object(
                "articles.correction",
                {"article": key, "kind": note.kind, "published_at": moment, "text": note.text},
            )
        self.count += 1

    def _slug(self, name):
        base = slug = Tag().slugify(name)
        number = 1
        while slug in self.slugs:
            slug = Tag().slugify(base, number)
            number += 1
        self.slugs.add(slug)
        return slug

    def _object(self, model, fields):
        self.file.write(("\n" if self._first else ",\n") + json.dumps({"model": model, "fields": fields}))
        self._first = False
