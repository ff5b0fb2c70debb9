"""Feeds read into items: what one entry of an RSS or Atom feed says, as intake will store it.

``parse_feed`` reads a feed with feedparser (refusing what is not one), and
``parse_entry`` makes an ``Item`` of each entry: its link, title and summary as
text, its date (never in the future), its image, its source's tags and its categories. The
``Item``'s fingerprint is what intake.ingest compares to know whether the item
changed upstream. Nothing here touches the database.
"""

import dataclasses
import datetime
import hashlib
import html
import io
import json
import xml.sax
from html.parser import HTMLParser

import feedparser
from django.utils import timezone

from articles import writing
from articles.addresses import InvalidValue, require_web_url
from articles.models import Article, ImageCredit
from articles.normalize import normalize_url
from articles.plain_text import decode
from articles.rendering import html_to_text, xml_text
from articles.story_keys import identifiers_in, urls_in

from .models import MAX_CATEGORIES, CategoryMapping

TITLE_LENGTH = Article._meta.get_field("title").max_length
ALT_TEXT_LENGTH = ImageCredit._meta.get_field("alt_text").max_length
CATEGORY_LENGTH = CategoryMapping._meta.get_field("category").max_length
FOOTER_START = "The post "
FOOTER_MIDDLE = " appeared first on "
URL_LENGTH = 1000
CITED_MAX = 50


class FeedError(Exception):
    """A feed that cannot be read, and why; ``code`` and ``params`` as a FetchError's."""

    def __init__(self, message, code="not_feed", **params):
        super().__init__(message)
        self.code, self.params = code, params


@dataclasses.dataclass(frozen=True)
class Item:
    """One feed item as it will be stored."""

    link: str
    title: str
    published_at: datetime.datetime
    summary: str
    image_url: str
    publisher: str
    tags: tuple
    # The links and identifiers the item's own text cites (articles.story_keys reads them).
    cited: tuple = ()
    categories: tuple = ()  # the feed's own (RSS <category>, Atom category), which a source may map

    @property
    def link_normalized(self):
        return normalize_url(self.link)

    @property
    def image(self):
        """The item's image, credited as the seed's is: « Image de l’article — droits possiblement
        réservés — <the item's link> »."""
        if not self.image_url:
            return None
        return writing.Image(
            self.image_url,
            self.title[:ALT_TEXT_LENGTH],
            ImageCredit.ARTICLE_IMAGE_CREDIT,
            ImageCredit.ARTICLE_IMAGE_RIGHTS,
            self.link,
        )

    def fingerprint(self):
        return fingerprint(
            title=self.title,
            summary=self.summary,
            body="",
            status=Article.Status.REVIEW,
            published_at=self.published_at,
            image=writing.image_values(self.image),
            source=(self.link, self.publisher),
            tags=self.tags,
        )


def fingerprint(**values):
    values["published_at"] = values["published_at"].astimezone(datetime.UTC).isoformat()
    values["tags"] = sorted(name.lower() for name in values["tags"])
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


def parse_feed(body):
    if not body.strip():
        raise FeedError("the answer is empty: not an RSS or Atom feed", "empty")
    # A stream, never bytes: feedparser would open bytes that name a file.
    parsed = feedparser.parse(io.BytesIO(body), sanitize_html=False, resolve_relative_uris=False)
    if parsed.bozo and isinstance(parsed.bozo_exception, xml.sax.SAXException):
        raise FeedError(
            f"the feed is not well-formed XML: {parsed.bozo_exception}",
            "xml",
            detail=str(parsed.bozo_exception),
        )
    if not parsed.get("version"):
        raise FeedError("not an RSS or Atom feed", "not_feed")
    return parsed


def parse_entry(entry, *, tags, publisher, keep_footer):
    link = (entry.get("link") or "").strip()
    if not link:
        raise InvalidValue("no link")
    require_web_url("link", link)
    title = entry_text(entry, "title")[:TITLE_LENGTH] or link[:TITLE_LENGTH]
    summary = entry_text(entry, "summary") or content_text(entry)
    if not keep_footer:
        summary = without_footer(summary)
    return Item(
        link=link,
        title=title,
        published_at=entry_date(entry),
        summary=summary,
        image_url=find_image(entry),
        publisher=publisher,
        tags=tags,
        cited=cited_in(entry),
        categories=entry_categories(entry),
    )


def entry_text(entry, field):
    """A field's text on one line, entities decoded once (feeds write « Abbott&#8217;s » in plain text
    too) and without the control characters that no feed of ours could carry on."""
    value = entry.get(field) or ""
    if entry.get(f"{field}_detail", {}).get("type") == "text/plain":
        return xml_text(" ".join(decode(value).split()))
    return html_to_text(value)


def content_text(entry):
    return next((html_to_text(part.value) for part in entry.get("content", []) if part.get("value")), "")


def cited_in(entry):
    """What the item's summary and content cite, their footer left out: the addresses they link
    to and the DOIs, PMIDs and trial numbers they name, at most CITED_MAX of them."""
    found = []
    for fragment in [
        entry.get("summary") or "",
        *(part.get("value") or "" for part in entry.get("content", [])),
    ]:
        fragment = html.unescape(footer_cut(fragment))
        found += [url[:URL_LENGTH] for url in urls_in(fragment)]
        found += sorted(identifiers_in([html_to_text(fragment)]))
    return tuple(dict.fromkeys(found))[:CITED_MAX]


def footer_cut(fragment):
    """``fragment`` up to WordPress's “The post … appeared first on …”, which cites the publisher."""
    middle = fragment.rfind(FOOTER_MIDDLE)
    if middle == -1:
        return fragment
    start = fragment.rfind(FOOTER_START, 0, middle)
    return fragment[:start] if start != -1 else fragment


def entry_categories(entry):
    """The entry's categories as text, once each whatever the case, at most MAX_CATEGORIES."""
    names = {}
    for tag in entry.get("tags") or []:
        name = xml_text(" ".join(decode(tag.get("term") or tag.get("label") or "").split()))[:CATEGORY_LENGTH]
        if name:
            names.setdefault(name.casefold(), name)
    return tuple(names.values())[:MAX_CATEGORIES]


def entry_date(entry):
    moment = entry.get("published_parsed") or entry.get("updated_parsed")
    now = timezone.now()
    if moment is None:
        return now.replace(microsecond=0)
    return min(datetime.datetime(*moment[:6], tzinfo=datetime.UTC), now)


def without_footer(summary):
    """``summary`` without WordPress's “The post … appeared first on ….” at its end."""
    start = summary.rfind(FOOTER_START)
    if start == -1 or FOOTER_MIDDLE not in summary[start:]:
        return summary
    return summary[:start].rstrip()


def find_image(entry):
    """The item's image: media:content, media:thumbnail, an image enclosure, or the first <img>."""
    candidates = [
        media.get("url")
        for media in entry.get("media_content", [])
        if media.get("medium") == "image"
        or media.get("type", "").startswith("image/")
        or not (media.get("medium") or media.get("type"))
    ]
    candidates += [media.get("url") for media in entry.get("media_thumbnail", [])]
    candidates += [
        link.get("href")
        for link in entry.get("links", [])
        if link.get("rel") == "enclosure" and link.get("type", "").startswith("image/")
    ]
    for part in [*entry.get("content", []), {"value": entry.get("summary", "")}]:
        candidates.append(first_image_src(part.get("value") or ""))
    for url in candidates:
        url = (url or "").strip()
        try:
            require_web_url("image", url)
        except InvalidValue:
            continue
        return url
    return ""


class _FirstImage(HTMLParser):
    src = None

    def handle_starttag(self, tag, attrs):
        if tag == "img" and self.src is None:
            self.src = dict(attrs).get("src")


def first_image_src(fragment):
    if "<img" not in fragment.lower():
        return None
    parser = _FirstImage()
    parser.feed(fragment)
    parser.close()
    return parser.src
