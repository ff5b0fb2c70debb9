"""Articles in the site's markdown format, brought into the database.

A file goes through three steps, each usable alone:

- ``parse_file(path)`` reads it and returns an ``ArticleData`` (plain, validated
  values), or raises ``ImportFailure`` saying which field, value or line is wrong;
- ``Importer.save(data)`` upserts it by permalink, in one transaction per file,
  and says whether the article was imported, updated or unchanged
  (``Importer.import_files(paths)`` does both for many files, the new articles
  a batch at a time);
- ``FixtureWriter`` writes it as ``loaddata``-ready JSON with natural keys instead.

The format is the one the site was published in (``fixtures/markdown/``): YAML
front matter read with a safe loader only, then a body in which the image, its
credit, « L’essentiel » and « Lien source » repeat the front matter.
"""

import dataclasses
import datetime
import html
import itertools
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import slugify

from .caching import content_changed
from .models import Article, ImageCredit, SourceLink, Tag, TaggedArticle, validate_web_url
from .normalize import normalize_url

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MARKDOWN_SUFFIXES = (".md", ".markdown", ".txt")
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_FRONT_MATTER_BYTES = 64 * 1024
MAX_TAGS = 50  # a real article has a handful; thousands would be a file meant to flood the tag list

FIELDS = (
    "title",
    "date",
    "publishedDate",
    "summary",
    "importance",
    "sourceUrl",
    "tags",
    "permalink",
    "imageUrl",
    "imageCredit",
)

# The scale of Article.Importance, and the words editors write for each step.
IMPORTANCE_WORDS = {
    Article.Importance.LOW: ("low", "minor", "faible", "basse", "bas", "mineure", "mineur"),
    Article.Importance.NORMAL: ("normal", "normale", "medium", "moyenne", "moyen", "standard"),
    Article.Importance.HIGH: ("high", "important", "importante", "haute", "haut", "élevée", "elevee"),
    Article.Importance.TOP: ("top", "top story", "headline", "une", "à la une", "a la une", "majeure"),
}
IMPORTANCE_BY_WORD = {
    word: level for level, words in IMPORTANCE_WORDS.items() for word in (str(level.value), *words)
}

PERMALINK_RE = re.compile(r"/papers/(?P<permalink>(?P<day>\d{4}-\d{2}-\d{2})-[^/\s?#]+)")
LATEST_FEED_SUFFIX = " — Latest"
CREDIT_SEPARATOR = ImageCredit.CREDIT_SEPARATOR
IMAGE_CREDIT_PREFIX = "*Crédit image : "
SUMMARY_HEADINGS = ("## L’essentiel", "## L'essentiel")
SOURCE_HEADING = "## Lien source"
SOURCE_SECTION_RE = re.compile(r"^## Lien source\n\n(?P<url>\S+)\n*(?=^## |\Z)", re.MULTILINE)


class ImportFailure(Exception):
    """A file that cannot be imported, and why."""


@dataclasses.dataclass(frozen=True)
class ArticleData:
    """One article as the markdown file gives it, validated and ready to store."""

    title: str
    published_at: datetime.datetime
    permalink: str
    summary: str = ""
    body: str = ""
    importance: int | None = None
    tags: tuple[str, ...] = ()
    source_url: str = ""
    publisher: str = ""
    image_url: str = ""
    alt_text: str = ""
    credit: str = ""
    rights: str = ""
    credit_url: str = ""

    @property
    def has_image(self):
        return bool(self.image_url)


# Reading files ---------------------------------------------------------------


def find_markdown_files(paths):
    """The markdown files named, and those under the folders named, as a lazy iterator.

    Raises FileNotFoundError at once for a path that does not exist.
    """
    paths = [Path(path) for path in paths]
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(path)
    return _walk(paths)


def _walk(paths):
    for path in paths:
        if path.is_dir():
            for folder, subfolders, files in os.walk(path):
                subfolders.sort()
                for name in sorted(files):
                    if name.lower().endswith(MARKDOWN_SUFFIXES):
                        yield Path(folder) / name
        else:
            yield path


def parse_file(path, *, max_bytes=MAX_FILE_BYTES):
    path = Path(path)
    with path.open("rb") as file:
        raw = file.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise ImportFailure(f"the file is larger than {max_bytes} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ImportFailure(f"the file is not UTF-8 (byte {error.start})") from None
    return parse_text(text)


def parse_text(text):
    front_matter, body = split_front_matter(text)
    return validate(load_front_matter(front_matter), body)


def split_front_matter(text):
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    if not text.startswith("---\n"):
        raise ImportFailure("no front matter: the file must start with a line '---'")
    end = text.find("\n---\n", 3)
    if end == -1:
        if not text.endswith("\n---"):
            raise ImportFailure("the front matter has no closing line '---'")
        end = len(text) - 4
    return text[4 : end + 1], text[end + 5 :]


def load_front_matter(front_matter):
    if len(front_matter.encode()) > MAX_FRONT_MATTER_BYTES:
        raise ImportFailure(f"the front matter is larger than {MAX_FRONT_MATTER_BYTES} bytes")
    loader = SafeLoader(front_matter)
    try:
        node = loader.get_single_node()
        if node is not None:
            refuse_tags_and_aliases(node)
        values = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        raise ImportFailure(f"the front matter is not valid YAML: {describe_yaml_error(error)}") from None
    except RecursionError:
        raise ImportFailure("the front matter nests lists or mappings too deeply") from None
    finally:
        loader.dispose()
    if not isinstance(values, dict):
        raise ImportFailure("the front matter is not a list of 'key: value' lines")
    unknown = [str(key) for key in values if key not in FIELDS]
    if unknown:
        raise ImportFailure(f"unknown field {unknown[0]!r} (known fields: {', '.join(FIELDS)})")
    return values


# What plain YAML text, numbers, dates, lists and mappings resolve to.
PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)


def refuse_tags_and_aliases(root):
    """Refuse YAML tags (``!!python/object``…) and aliases before anything is built from the file.

    Tags could ask for objects a safe loader does not build anyway; aliases let
    a few lines expand into gigabytes. The site's files use neither. The
    document is composed first, an alias being the node it names once more (a
    billion laughs composes into a few dozen nodes), and checked in file order.
    """
    seen = set()
    pending = [root]
    while pending:
        node = pending.pop()
        line = node.start_mark.line + 2  # the file's line: the front matter starts on line 2
        if id(node) in seen:
            raise ImportFailure(f"line {line}: YAML anchors and aliases are not allowed")
        seen.add(id(node))
        if node.tag not in PLAIN_TAGS:
            raise ImportFailure(f"line {line}: the YAML tag {node.tag!r} is not allowed")
        if isinstance(node, yaml.MappingNode):
            pending.extend(part for pair in reversed(node.value) for part in reversed(pair))
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(reversed(node.value))


def describe_yaml_error(error):
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    return f"line {mark.line + 2}: {problem}" if mark else problem


# Validating values -----------------------------------------------------------


def validate(values, body):
    title = text_value(values, "title").strip()
    if not title:
        raise ImportFailure("title: missing; every article needs a title")
    check_length("title", title, 300)
    published_at = parse_date(values.get("date"))
    permalink = parse_permalink(values.get("permalink"), title, published_at)
    summary = html.unescape(text_value(values, "summary"))
    source_url = web_url(values, "sourceUrl")
    tags = parse_tags(values.get("tags"))
    image_url = web_url(values, "imageUrl")
    credit, rights, credit_url = parse_credit(text_value(values, "imageCredit"))
    if (credit or rights or credit_url) and not image_url:
        raise ImportFailure("imageCredit: given without an imageUrl")
    alt_text, body = strip_generated_parts(body, values, image_url, summary, source_url)
    data = ArticleData(
        title=title,
        published_at=published_at,
        permalink=permalink,
        summary=summary,
        body=body,
        importance=parse_importance(values.get("importance")),
        tags=tags,
        source_url=source_url,
        publisher=publisher_for(tags, source_url),
        image_url=image_url,
        alt_text=(alt_text if alt_text is not None else title) if image_url else "",
        credit=credit,
        rights=rights,
        credit_url=credit_url,
    )
    for field, limit in (("alt_text", 500), ("credit", 300), ("rights", 300), ("publisher", 200)):
        check_length(field, getattr(data, field), limit)
    return data


def text_value(values, field):
    value = values.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ImportFailure(f"{field}: expected text, got {value!r}")
    return value


def check_length(field, value, limit):
    if len(value) > limit:
        raise ImportFailure(f"{field}: longer than {limit} characters ({len(value)})")


def parse_date(value):
    if value is None or value == "":
        raise ImportFailure("date: missing; every article needs a publication date")
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time())
    elif isinstance(value, str):
        try:
            moment = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ImportFailure(f"date: {value!r} is not an ISO 8601 date (2024-05-24T13:22:26Z)") from None
    else:
        raise ImportFailure(f"date: {value!r} is not an ISO 8601 date (2024-05-24T13:22:26Z)")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC)


def parse_permalink(value, title, published_at):
    if value is None or value == "":
        day = timezone.localdate(published_at)
        return f"{day:%Y-%m-%d}-{slugify(title)[:255]}"
    if not isinstance(value, str):
        raise ImportFailure(f"permalink: expected text, got {value!r}")
    match = PERMALINK_RE.fullmatch(value)
    if match is None:
        raise ImportFailure(f"permalink: {value!r} is not of the form /papers/YYYY-MM-DD-slug")
    try:
        datetime.date.fromisoformat(match["day"])
    except ValueError:
        raise ImportFailure(f"permalink: {value!r} does not start with a real date") from None
    check_length("permalink", match["permalink"], 300)
    return match["permalink"]


def parse_importance(value):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ImportFailure(f"importance: unknown value {value!r}")
    key = " ".join(str(value).split()).lower()
    if key not in IMPORTANCE_BY_WORD:
        raise ImportFailure(
            f"importance: unknown value {value!r} (1 low, 2 normal, 3 high, 4 top story, or empty)"
        )
    return IMPORTANCE_BY_WORD[key].value


def parse_tags(value):
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        names = value.split(",")
    elif isinstance(value, list):
        names = value
    else:
        raise ImportFailure(f"tags: expected a list or comma-separated text, got {value!r}")
    if len(names) > MAX_TAGS:
        raise ImportFailure(f"tags: {len(names)} tags, at most {MAX_TAGS} are allowed")
    tags = {}
    for name in names:
        if not isinstance(name, str):
            raise ImportFailure(f"tags: {name!r} is not text")
        name = " ".join(name.split())
        check_length("tag", name, 100)
        if name:
            tags.setdefault(name.lower(), name)
    return tuple(tags.values())


def web_url(values, field):
    url = text_value(values, field).strip()
    if url:
        check_web_url(field, url)
    return url


def check_web_url(field, url):
    try:
        validate_web_url(url)
    except ValidationError:
        raise ImportFailure(f"{field}: {url!r} is not an http or https address") from None
    check_length(field, url, 1000)


def parse_credit(line):
    """Split "text — rights — URL" into its three parts; the URL is last when there is one."""
    parts = [part.strip() for part in line.split(CREDIT_SEPARATOR)] if line.strip() else []
    credit_url = ""
    if parts and re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", parts[-1]):
        credit_url = parts.pop()
        check_web_url("imageCredit", credit_url)
    rights = parts.pop() if len(parts) > 1 else ""
    return CREDIT_SEPARATOR.join(parts), rights, credit_url


def publisher_for(tags, source_url):
    """The source's name: from the feed's tag ("Interventional News — Latest"), else its host."""
    for tag in tags:
        if tag.endswith(LATEST_FEED_SUFFIX) and len(tag) > len(LATEST_FEED_SUFFIX):
            return tag.removesuffix(LATEST_FEED_SUFFIX)
    host = urlsplit(source_url).hostname or ""
    return host.removeprefix("www.")


def strip_generated_parts(body, values, image_url, summary, source_url):
    """Drop what the site generated from the front matter; keep the editor's own text.

    Returns the image's alternative text (None when the body has no image line)
    and the remaining body.
    """
    rest = body.replace("\r\n", "\n").lstrip()
    alt_text = None
    if image_url:
        first_line, _, after = rest.partition("\n")
        suffix = f"]({image_url})"
        if first_line.startswith("![") and first_line.endswith(suffix):
            alt_text = first_line[2 : -len(suffix)]
            rest = after.lstrip()
    credit_line = values.get("imageCredit")
    if credit_line:
        first_line, _, after = rest.partition("\n")
        if first_line == f"{IMAGE_CREDIT_PREFIX}{credit_line}*":
            rest = after.lstrip()
    rest = strip_summary_section(rest, values.get("summary") or "", summary)
    if source_url:
        sections = list(SOURCE_SECTION_RE.finditer(rest))
        for match in reversed(sections):
            if match["url"] == source_url:
                rest = rest[: match.start()] + rest[match.end() :]
                break
    return alt_text, rest.strip()


def strip_summary_section(rest, raw_summary, summary):
    heading, _, after = rest.partition("\n")
    if heading not in SUMMARY_HEADINGS:
        return rest
    after = after.lstrip("\n")
    if not summary:
        return after if (after.startswith("## ") or not after) else rest
    for written in dict.fromkeys((raw_summary, summary, escape_summary(summary))):
        if after.startswith(written) and after[len(written) : len(written) + 1] in ("", "\n"):
            return after[len(written) :].lstrip()
    return rest


def escape_summary(summary):
    """The summary as a file writes it, so that decoding its entities once gives it back."""
    return summary.replace("&", "&amp;") if html.unescape(summary) != summary else summary


# Storing ---------------------------------------------------------------------


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
        self.tag_ids = {}

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
        stored = {
            article.permalink: article
            for article in with_markdown_parts(
                Article.objects.filter(permalink__in={data.permalink for _, data in parsed})
            )
        }
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
                others = sorted([*new.values(), *others], key=lambda item: item[0])
            else:
                for position, _ in new.values():
                    results[position] = (self.IMPORTED, "")
        for position, data in others:
            try:
                outcome = self.save(data, stored.pop(data.permalink, LOOK_UP))
            except (DatabaseError, ValidationError) as error:
                results[position] = (self.FAILED, f"{data.permalink}: {error}")
            else:
                results[position] = (outcome, "")
        for path, (outcome, reason) in zip(paths, results, strict=True):
            yield path, outcome, reason

    def _create(self, batch):
        """Write new articles with their parts in one transaction: a few inserts for the batch."""
        new_tags = {}
        with transaction.atomic():
            articles = [self._new_article(data) for data in batch]
            Article.objects.bulk_create(articles)  # sets their ids: PostgreSQL, SQLite 3.35+
            ImageCredit.objects.bulk_create(
                ImageCredit(article=article, **dict(zip(IMAGE_FIELDS, image_values_of(data), strict=True)))
                for article, data in zip(articles, batch, strict=True)
                if data.has_image
            )
            SourceLink.objects.bulk_create(
                SourceLink(
                    article=article,
                    kind=SourceLink.Kind.SOURCE,
                    url=data.source_url,
                    url_normalized=normalize_url(data.source_url),
                    publisher=data.publisher,
                )
                for article, data in zip(articles, batch, strict=True)
                if data.source_url
            )
            TaggedArticle.objects.bulk_create(
                TaggedArticle(content_object=article, tag_id=self._tag_id(name, new_tags))
                for article, data in zip(articles, batch, strict=True)
                for name in data.tags
            )
            if self.dry_run:
                transaction.set_rollback(True)
            else:
                # bulk_create sends no post_save: the cached pages are forgotten here, once.
                content_changed(Article)
        if not self.dry_run:
            self.tag_ids.update(new_tags)

    def _fields(self, data):
        return {
            "title": data.title,
            "status": self.status,
            "published_at": data.published_at,
            "summary": data.summary,
            "body": data.body,
            "importance": data.importance,
            "origin": Article.Origin.IMPORTED,
        }

    def _new_article(self, data):
        article = Article(permalink=data.permalink, slug=slugify(data.title)[:255], **self._fields(data))
        article.note_first_publication()  # as Article.save() does
        return article

    def save(self, data, article=None):
        """Store one article; ``article`` is the stored one with its parts, None, or LOOK_UP."""
        if article is LOOK_UP:
            article = with_markdown_parts(Article.objects.filter(permalink=data.permalink)).first()
        fields = self._fields(data)
        changes = self._changes(article, data, fields)
        if not changes:
            return self.UNCHANGED
        new_tags = {}
        with transaction.atomic():
            if article is None:
                article = self._new_article(data)
                article.save()
                image = source = None
            else:
                image, source = getattr(article, "image", None), first_source(article)
                if "article" in changes:
                    for name, value in fields.items():
                        setattr(article, name, value)
                    article.save()
                if "tags" in changes:
                    TaggedArticle.objects.filter(content_object=article).delete()
            if "image" in changes:
                self._save_image(article, image, data)
            if "source" in changes:
                self._save_source(article, source, data)
            if "tags" in changes:
                TaggedArticle.objects.bulk_create(
                    TaggedArticle(content_object=article, tag_id=self._tag_id(name, new_tags))
                    for name in data.tags
                )
            if self.dry_run:
                transaction.set_rollback(True)
        if not self.dry_run:
            self.tag_ids.update(new_tags)
        return self.IMPORTED if "new" in changes else self.UPDATED

    def _changes(self, article, data, fields):
        if article is None:
            return {"new", "image", "source", "tags"}
        changes = set()
        if any(getattr(article, name) != value for name, value in fields.items()):
            changes.add("article")
        if image_values(getattr(article, "image", None)) != image_values_of(data):
            changes.add("image")
        stored_source = (source.url, source.publisher) if (source := first_source(article)) else ("", "")
        if stored_source != ((data.source_url, data.publisher) if data.source_url else ("", "")):
            changes.add("source")
        if [tagged.tag.name.lower() for tagged in article.tags_in_order] != [
            name.lower() for name in data.tags
        ]:
            changes.add("tags")
        return changes

    def _save_image(self, article, image, data):
        if not data.has_image:
            if image is not None and not image.image:
                image.delete()
            return
        image = image or ImageCredit(article=article)
        for name, value in zip(IMAGE_FIELDS, image_values_of(data), strict=True):
            setattr(image, name, value)
        image.save()

    def _save_source(self, article, source, data):
        if not data.source_url:
            if source is not None:
                source.delete()
            return
        source = source or SourceLink(article=article, kind=SourceLink.Kind.SOURCE)
        source.url = data.source_url
        source.publisher = data.publisher
        source.save()

    def _tag_id(self, name, new_tags):
        key = name.lower()
        tag_id = self.tag_ids.get(key) or new_tags.get(key)
        if tag_id is None:
            tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
            tag_id = new_tags[key] = tag.pk
        return tag_id


LOOK_UP = object()


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


def first_source(article):
    """The original source of an article fetched with with_markdown_parts(), or None."""
    sources = getattr(article, "sources", None)
    return sources[0] if sources else None


def batched(iterable, size):
    iterator = iter(iterable)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def with_markdown_parts(articles):
    """Articles with what their markdown file shows: image, original source, tags in their order."""
    return articles.select_related("image").prefetch_related(
        Prefetch(
            "taggedarticle_set",
            queryset=TaggedArticle.objects.select_related("tag").order_by("pk"),
            to_attr="tags_in_order",
        ),
        Prefetch("links", queryset=SourceLink.objects.filter(kind=SourceLink.Kind.SOURCE), to_attr="sources"),
    )


IMAGE_FIELDS = ("image_url", "alt_text", "credit", "rights", "credit_url")


def image_values(image):
    return tuple(getattr(image, name) for name in IMAGE_FIELDS) if image else ("",) * len(IMAGE_FIELDS)


def image_values_of(data):
    return tuple(getattr(data, name) for name in IMAGE_FIELDS)


# Writing a fixture instead ---------------------------------------------------


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
        key = [data.permalink]
        moment = data.published_at.isoformat().replace("+00:00", "Z")
        self._object(
            "articles.article",
            {
                "title": data.title,
                "slug": slugify(data.title)[:255],
                "permalink": data.permalink,
                "status": self.status,
                "published_at": moment,
                "summary": data.summary,
                "body": data.body,
                "importance": data.importance,
                "origin": Article.Origin.IMPORTED,
                "author": None,
                "created_at": moment,
                "updated_at": moment,
            },
        )
        for name in data.tags:
            if name.lower() not in self.tags:
                self.tags[name.lower()] = name
                self._object("articles.tag", {"name": name, "slug": self._slug(name)})
            self._object("articles.taggedarticle", {"content_object": key, "tag": [self.tags[name.lower()]]})
        if data.has_image:
            self._object(
                "articles.imagecredit",
                {"article": key, "image": "", **dict(zip(IMAGE_FIELDS, image_values_of(data), strict=True))},
            )
        if data.source_url:
            self._object(
                "articles.sourcelink",
                {
                    "article": key,
                    "kind": SourceLink.Kind.SOURCE,
                    "url": data.source_url,
                    "url_normalized": normalize_url(data.source_url),
                    "publisher": data.publisher,
                    "position": 0,
                },
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
