"""RSS 2.0 and Atom feeds of the latest articles, and one per tag."""

import io
import mimetypes
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, Stylesheet
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.xmlutils import SimplerXMLGenerator

from publication.identity import current as current_identity

from .models import Article, SourceLink, Tag
from .normalize import without_tracking
from .prepared import Prepared
from .rendering import web_url, xml_text
from .views import public_tag

FEED_LENGTH = 30
# What a browser opening a feed shows: an XSLT page saying what a feed is and how to subscribe,
# in the feed's language, styled by the site's stylesheet (static/feeds/feed.xsl).
FEED_STYLESHEET = "feeds/feed.xsl"
# Browsers apply the stylesheet only to a document served as XML: under application/rss+xml or
# application/atom+xml, Chromium shows the raw text. Feed readers read the document, whatever its type.
FEED_CONTENT_TYPE = "application/xml; charset=utf-8"


class WrittenAtOnce:
    """The feed's XML built in memory and handed to the response in one write: written straight
    to the response, each of its thousand-odd pieces went through HttpResponse.write, a tenth of
    the feed's time."""

    def write(self, outfile, encoding):
        buffer = io.StringIO()
        super().write(buffer, encoding)
        outfile.write(buffer.getvalue().encode(encoding))


class RssWithSource(WrittenAtOnce, Rss201rev2Feed):
    """RSS 2.0 naming, in <source>, where each story comes from."""

    content_type = FEED_CONTENT_TYPE

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("source_url"):
            handler.addQuickElement(
                "source", item["source_publisher"] or item["source_url"], {"url": item["source_url"]}
            )


class StyledAtom(Atom1Feed):
    """Atom with the stylesheets RssFeed already names."""

    def write(self, outfile, encoding):
        # Atom1Feed.write as in Django, with the stylesheets RssFeed.write already adds.
        handler = SimplerXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        for stylesheet in self.feed["stylesheets"] or []:
            handler.processingInstruction("xml-stylesheet", stylesheet)
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")


class AtomWithSource(WrittenAtOnce, StyledAtom):
    """Atom naming the source of each story with a rel="via" link (RFC 4287), and its stylesheet."""

    content_type = FEED_CONTENT_TYPE

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("source_url"):
            attributes = {"rel": "via", "href": item["source_url"]}
            if item["source_publisher"]:
                attributes["title"] = item["source_publisher"]
            handler.addQuickElement("link", "", attributes)


def xml_safe(value):
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, list | tuple):
        return type(value)(xml_safe(part) for part in value)
    if hasattr(value, "url") and hasattr(value, "mime_type"):  # an Enclosure
        value.url = xml_text(value.url)
    return value


@dataclass
class FeedSubject:
    request: HttpRequest
    tag: Tag | None = None


class LatestArticlesFeed(Feed):
    feed_type = RssWithSource
    description = _("Curated medical news, with a link to every source.")

    def get_object(self, request, *args, **kwargs):
        return FeedSubject(request)

    def stylesheets(self):
        return [Stylesheet(static(FEED_STYLESHEET), mimetype="text/xsl")]

    def get_feed(self, obj, request):
        """The feed without what XML cannot carry (a control character typed in a title,
        say): Django's feed writer refuses it, and every feed would answer 500."""
        feed = super().get_feed(obj, request)
        feed.feed = {name: xml_safe(value) for name, value in feed.feed.items()}
        feed.items = [{name: xml_safe(value) for name, value in item.items()} for item in feed.items]
        return feed

    def title(self, subject):
        return current_identity(subject.request).name

    def link(self, subject):
        return reverse("articles:list")

    def items(self, subject):
        if subject.tag is None:
            articles = LATEST(now=timezone.now())
        else:
            articles = TAGGED(now=timezone.now(), tag=subject.tag.pk)
        for article in articles:
            # Enclosures must be absolute, and syndication leaves them as they are given.
            image = getattr(article, "image", None)
            image_src = web_url(image.src) if image else ""
            article.enclosure = image_src and subject.request.build_absolute_uri(image_src)
        return articles

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        # Readers show an item's description as HTML: the summary is text, so it is escaped.
        return escape(article.summary)

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        # Atom's <updated>: the last significant update (a note, or an editor's explicit one).
        return article.date_modified

    def item_categories(self, article):
        return [tag.name for tag in article.tags_by_name]

    def item_enclosure_url(self, article):
        return article.enclosure

    def item_enclosure_length(self, article):
        image = article.image
        if image.image:
            try:
                return image.image.size
            except OSError:
                return 0
        return 0  # unknown for an image elsewhere; RSS allows 0

    def item_enclosure_mime_type(self, article):
        return mimetypes.guess_type(article.enclosure)[0] or "image/jpeg"

    def item_extra_kwargs(self, article):
        return {
            "source_url": web_url(without_tracking(article.source_url)),
            "source_publisher": article.source_publisher,
        }


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = AtomWithSource
    subtitle = LatestArticlesFeed.description


class TagFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return FeedSubject(request, public_tag(slug))

    def title(self, subject):
        site = current_identity(subject.request).name
        return gettext("%(site)s — %(tag)s") % {"site": site, "tag": subject.tag.name}

    def link(self, subject):
        return subject.tag.get_absolute_url()


def items(now, tag=None):
    """A feed's articles at ``now``, the latest first, those of ``tag`` when given."""
    sources = SourceLink.objects.filter(article=OuterRef("pk"), kind=SourceLink.Kind.SOURCE)
    articles = Article.objects.published(now)
    if tag is not None:
        articles = articles.narrowed(now, taggedarticle__tag=tag)
    return (
        articles.defer("search_document", "body", "body_html", "rendered_with", "stored_cards", "cited")
        .with_card_data()
        .annotate(
            source_url=Subquery(sources.values("url")[:1]),
            source_publisher=Subquery(sources.values("publisher")[:1]),
        )[:FEED_LENGTH]
    )


# The feeds' query, compiled once per database connection (articles.prepared).
LATEST = Prepared(items, now=Article._meta.get_field("published_at"))
TAGGED = Prepared(items, now=Article._meta.get_field("published_at"), tag=Tag._meta.get_field("id"))
