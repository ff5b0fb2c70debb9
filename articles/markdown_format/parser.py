"""Reading a file in the site's markdown format: ``parse_file`` → ``ArticleData``, or ``ImportFailure``.

A file goes through ``split_front_matter`` (YAML between two '---' lines),
``load_front_matter`` (the safe loader only; tags and aliases refused before
anything is built) and ``validate`` (each value checked and converted), then
``strip_generated_parts`` drops what the writer generates from the front matter
(image, credit, « L’essentiel », « Lien source ») and keeps the editor's own text.
Storing the result is the importer's job (``importer.py``).
"""

import dataclasses
import datetime
import os
import re
from pathlib import Path

import yaml

from ..addresses import InvalidValue, check_length, check_printable, publisher_for, require_web_url
from ..models import Article, Correction
from ..plain_text import decode, escape
from ..slugs import former_slug_for
from ..writing import Image, Note, Source
from .constants import (
    CREDIT_SEPARATOR,
    FIELDS,
    FIRST_YEAR,
    IMAGE_CREDIT_PREFIX,
    IMAGE_CREDIT_SUFFIX,
    IMPORTANCE_BY_WORD,
    LAST_YEAR,
    LIMITS,
    MARKDOWN_SUFFIXES,
    MAX_AUTHORS,
    MAX_FILE_BYTES,
    MAX_FRONT_MATTER_BYTES,
    MAX_NOTES,
    MAX_TAGS,
    NOTE_KEYS,
    NOTE_KIND_BY_WORD,
    PERMALINK_RE,
    SOURCE_SECTION_RE,
    SUMMARY_HEADINGS,
)

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
    corrections: tuple[Note, ...] = ()  # the public notes, oldest first
    authors: tuple[str, ...] = ()  # people's names, in the byline's order
    reviewed_by: str = ""
    reviewed_on: datetime.date | None = None
    # No permalink given, and the title's address by the former slug rule differs (articles.slugs):
    # the article stored under it is this one, and keeps its address.
    former_permalink: str = ""

    @property
    def image(self):
        """The linked image and its credit (articles.writing), or None."""
        if not self.image_url:
            return None
        return Image(self.image_url, self.alt_text, self.credit, self.rights, self.credit_url)

    @property
    def source(self):
        """The original source (articles.writing), or None."""
        return Source(self.source_url, self.publisher) if self.source_url else None


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
    except (ValueError, OverflowError) as error:
        # YAML builds an unquoted 2026-02-30 itself, before the format's own checks read it.
        raise ImportFailure(f"the front matter holds a date no calendar has ({error})") from None
    finally:
        loader.dispose()
    if not isinstance(values, dict):
        raise ImportFailure("the front matter is not a list of 'key: value' lines")
    unknown = [str(key) for key in values if key not in FIELDS]
    if unknown:
        known = ", ".join(FIELDS)
        raise ImportFailure(f"unknown field {unknown[0]!r} (known fields: {known})")
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


def validate(values, body):
    try:
        return validated(values, body)
    except InvalidValue as error:
        raise ImportFailure(str(error)) from None


def validated(values, body):
    title = decode(text_value(values, "title")).strip()
    if not title:
        raise ImportFailure("title: missing; every article needs a title")
    check_length("title", title, LIMITS["title"])
    published_at = parse_date(values.get("date"))
    permalink = parse_permalink(values.get("permalink"), title, published_at)
    summary = decode(text_value(values, "summary"))
    source_url = url_value(values, "sourceUrl")
    tags = parse_tags(values.get("tags"))
    image_url = url_value(values, "imageUrl")
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
        publisher=publisher_for(tags, source_url),  # from tags decoded already, or a host
        image_url=image_url,
        alt_text=(alt_text if alt_text is not None else title) if image_url else "",
        credit=credit,
        rights=rights,
        credit_url=credit_url,
        corrections=parse_notes(values.get("corrections")),
        authors=parse_people(values.get("authors")),
        reviewed_by=" ".join(decode(text_value(values, "reviewedBy")).split()),
        reviewed_on=parse_day(values.get("reviewedOn")),
        former_permalink=former_permalink(values.get("permalink"), title, published_at, permalink),
    )
    if bool(data.reviewed_by) != bool(data.reviewed_on):
        raise ImportFailure("reviewedBy and reviewedOn: a review needs both the reviewer and the day")
    for name in (*data.authors, data.reviewed_by):
        check_length("authors" if name in data.authors else "reviewedBy", name, LIMITS["person"])
        check_printable("authors" if name in data.authors else "reviewedBy", name)
    for field in ("alt_text", "credit", "rights", "publisher"):
        check_length(field, getattr(data, field), LIMITS[field])
    for field in ("title", "summary", "body", "alt_text", "credit", "rights"):
        check_printable(field, getattr(data, field))
    for tag in tags:
        check_printable("tags", tag)
    return data


def text_value(values, field):
    value = values.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ImportFailure(f"{field}: expected text, got {value!r}")
    return value


def parse_notes(value):
    """``corrections``: a list of {date, kind, text}, the article's public notes, oldest first."""
    if value is None or value == "" or value == []:
        return ()
    if not isinstance(value, list):
        raise ImportFailure(f"corrections: expected a list of {{date, kind, text}}, got {value!r}")
    if len(value) > MAX_NOTES:
        raise ImportFailure(f"corrections: {len(value)} notes, at most {MAX_NOTES} are allowed")
    notes = []
    for number, item in enumerate(value, start=1):
        field = f"corrections[{number}]"
        if not isinstance(item, dict) or set(item) != set(NOTE_KEYS):
            raise ImportFailure(f"{field}: expected exactly the keys {', '.join(NOTE_KEYS)}, got {item!r}")
        kind = NOTE_KIND_BY_WORD.get(" ".join(str(item["kind"]).split()).lower())
        if kind is None:
            raise ImportFailure(f"{field}: unknown kind {item['kind']!r} ({', '.join(NOTE_KIND_BY_WORD)})")
        text = text_value(item, "text").strip()
        if not text:
            raise ImportFailure(f"{field}: the text is empty")
        check_length(field, text, LIMITS["note"])
        check_printable(field, text)
        published_at = parse_date(item["date"], field=f"{field}.date")
        if Correction.is_future(published_at):
            # « Mis à jour le … » and dateModified would stand in the future, and never move again.
            raise ImportFailure(
                f"{field}.date: {item['date']!r} is in the future; a note is dated when written"
            )
        notes.append(Note(published_at, kind, text))
    return tuple(sorted(notes, key=lambda note: note.published_at))


def parse_date(value, field="date"):
    if value is None or value == "":
        needed = "; every article needs a publication date" if field == "date" else ""
        raise ImportFailure(f"{field}: missing{needed}")
    not_iso = f"{field}: {value!r} is not an ISO 8601 date (2024-05-24T13:22:26Z)"
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time())
    elif isinstance(value, str):
        try:
            moment = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ImportFailure(not_iso) from None
    else:
        raise ImportFailure(not_iso)
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ImportFailure(f"{field}: {value!r} is out of range (years {FIRST_YEAR} to {LAST_YEAR})")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC)


def former_permalink(value, title, published_at, permalink):
    if value:
        return ""
    former = Article.permalink_for(former_slug_for(title), published_at)
    return former if former != permalink else ""


def parse_permalink(value, title, published_at):
    if value is None or value == "":
        return Article.permalink_for(Article.slug_for(title), published_at)
    if not isinstance(value, str):
        raise ImportFailure(f"permalink: expected text, got {value!r}")
    match = PERMALINK_RE.fullmatch(value)
    if match is None:
        raise ImportFailure(f"permalink: {value!r} is not of the form /papers/YYYY-MM-DD-slug")
    try:
        datetime.date.fromisoformat(match["day"])
    except ValueError:
        raise ImportFailure(f"permalink: {value!r} does not start with a real date") from None
    check_length("permalink", match["permalink"], LIMITS["permalink"])
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
        name = " ".join(decode(name).split())
        check_length("tag", name, LIMITS["tag"])
        if name:
            tags.setdefault(name.lower(), name)
    return tuple(tags.values())


def parse_people(value):
    """``authors``: a list of names, or one comma-separated text, in the byline's order."""
    if value is None or value == "":
        return ()
    names = value.split(",") if isinstance(value, str) else value
    if not isinstance(names, list):
        raise ImportFailure(f"authors: expected a list or comma-separated text, got {value!r}")
    if len(names) > MAX_AUTHORS:
        raise ImportFailure(f"authors: {len(names)} names, at most {MAX_AUTHORS} are allowed")
    people = {}
    for name in names:
        if not isinstance(name, str):
            raise ImportFailure(f"authors: {name!r} is not text")
        name = " ".join(decode(name).split())
        if name:
            people.setdefault(name.lower(), name)
    return tuple(people.values())


def parse_day(value):
    """``reviewedOn``: a day, 2026-03-03."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    elif isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise ImportFailure(f"reviewedOn: {value!r} is not a day (2026-03-03)") from None
    if not isinstance(value, datetime.date):
        raise ImportFailure(f"reviewedOn: {value!r} is not a day (2026-03-03)")
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ImportFailure(f"reviewedOn: {value!r} is out of range (years {FIRST_YEAR} to {LAST_YEAR})")
    return value


def url_value(values, field):
    url = text_value(values, field).strip()
    if url:
        require_web_url(field, url)
    return url


def parse_credit(line):
    """Split "text — rights — URL" into its three parts, the URL last when there is one; the text
    parts have their entities decoded (after splitting: an encoded dash is not a separator)."""
    parts = [part.strip() for part in line.split(CREDIT_SEPARATOR)] if line.strip() else []
    credit_url = ""
    if parts and re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", parts[-1]):
        credit_url = parts.pop()
        require_web_url("imageCredit", credit_url)
    rights = parts.pop() if len(parts) > 1 else ""
    return decode(CREDIT_SEPARATOR.join(parts)), decode(rights), credit_url


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
            alt_text = decode(first_line[2 : -len(suffix)])
            rest = after.lstrip()
    credit_line = values.get("imageCredit")
    if credit_line:
        first_line, _, after = rest.partition("\n")
        if first_line == f"{IMAGE_CREDIT_PREFIX}{credit_line}{IMAGE_CREDIT_SUFFIX}":
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
    for written in dict.fromkeys((raw_summary, summary, escape(summary))):
        if after.startswith(written) and after[len(written) : len(written) + 1] in ("", "\n"):
            return after[len(written) :].lstrip()
    return rest
