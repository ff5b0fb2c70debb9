"""Sitemaps of what the public may see: articles, tag pages and archives, and Google News.

The index (/sitemap.xml) costs one query whatever the number of articles (``Outline``): the
articles' and the tags' sitemaps are paged by ranges of ids, so that the number of pages comes
from the first and last public ids (two index lookups), and the sections' lastmod from the
latest publication and the latest significant update (two more), never from a count or a scan.
A page of articles reads its ids' range through the primary key's index; it may hold fewer
articles than its limit (ids of drafts, or of articles no longer public), never more, and an
article stays on its page as the site grows, so a crawler re-reads only the pages that changed.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connections
from django.db.models import BigIntegerField, Exists, ExpressionWrapper, F, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from markupsafe import Markup, escape

from . import templating
from .models import Article, Tag, TaggedArticle
from .pagination import BoundedPaginator, is_page_number

NEWS_DAYS = 2
# An article's last significant change, as a column: Article.date_modified (the publication, or a
# later note or significant update), never a save that changed nothing or a typo fixed.
SIGNIFICANTLY_MODIFIED = Greatest("published_at", Coalesce("modified_at", "published_at"))


def sitemap(request, *args, **kwargs):
    """Django's sitemap view, whose pages are numbered in ASCII digits (its int() reads "𝟙")."""
    if not is_page_number(request.GET.get("p", "1")):
        raise Http404("No such page")
    return sitemap_views.sitemap(request, *args, **kwargs)


def index(request, sitemaps, **kwargs):
    """Django's index of sitemaps, its sections reading one Outline between them, and its
    entries written as XML here (``xml``, what templates/jinja2/sitemap_index.xml writes): at
    1,000,000 articles the index lists 2,000 pages of articles, all with their section's lastmod,
    and formatting that date 2,000 times through the template's filter took 4/5 of the page."""
    outline = Outline.read()
    sections = {
        name: site(outline=outline) if issubclass(site, OutlinedSitemap) else site
        for name, site in sitemaps.items()
    }
    response = sitemap_views.index(request, sections, **kwargs)
    response.context_data["xml"] = index_xml(response.context_data["sitemaps"])
    return response


def index_xml(entries):
    """``<sitemap>`` elements of the index's ``entries`` (Django's SitemapIndexItem), each
    distinct lastmod formatted once."""
    lastmods = {}
    lines = []
    for entry in entries:
        if entry.last_mod not in lastmods:
            lastmods[entry.last_mod] = (
                f"<lastmod>{escape(templating.date(entry.last_mod, 'c'))}</lastmod>" if entry.last_mod else ""
            )
        lines.append(f"<sitemap><loc>{escape(entry.location)}</loc>{lastmods[entry.last_mod]}</sitemap>\n")
    # Every value in it went through escape().
    return Markup("".join(lines))  # noqa: S704


def first(queryset, field, *, descending=False):
    """The first value of ``field`` in ``queryset`` ordered by it: one walk into an index."""
    return Subquery(queryset.order_by(f"-{field}" if descending else field).values(field)[:1])


@dataclass(frozen=True)
class Outline:
    """What the index needs of the articles and tags: their first and last ids, and when the
    public articles last changed significantly (Article.date_modified).

    The ids are any article's (and any tag's), public or not: the smallest and largest of a
    primary key are one step into its index on every database, where the first public one may
    be a walk through drafts. A page of ids holding no public article is an empty list. The
    latest significant update is any article's too, read from its own (partial) index: no
    earlier than a public article's, so that the index's lastmod may say a page changed when it
    did not (the crawler reads it again), never the other way round."""

    first_article: int | None = None
    last_article: int | None = None
    latest_published: object = None
    latest_modified: object = None
    first_tag: int | None = None
    last_tag: int | None = None

    @classmethod
    def read(cls):
        """In one query of six index lookups (none without any article)."""
        articles = Article.objects.all()
        row = (
            articles.order_by("-id")
            .values(
                last_article=F("id"),
                first_article=first(articles, "id"),
                latest_published=first(Article.objects.published(), "published_at", descending=True),
                latest_modified=first(
                    articles.filter(modified_at__isnull=False), "modified_at", descending=True
                ),
                first_tag=first(Tag.objects.all(), "id"),
                last_tag=first(Tag.objects.all(), "id", descending=True),
            )
            .first()
        )
        return cls(**row) if row else cls()

    @property
    def latest_lastmod(self):
        """The latest Article.date_modified of a public article (or a later moment), or None."""
        if self.latest_published is None:
            return None
        return max(self.latest_published, self.latest_modified or self.latest_published)


class LocalizedSitemap(Sitemap):
    """Each page in French (unprefixed) and English, naming its other language.

    ``limit`` counts addresses: a page holds ``limit`` // 2 items, each in both languages.
    A section is one page unless it says otherwise (``paginator``): the index then reads
    nothing of it."""

    i18n = True
    alternates = True
    x_default = True

    @property
    def per_page(self):
        return self.limit // len(self._languages())

    @property
    def paginator(self):
        return OnePagePaginator(self.items, self.per_page)

    def _urls(self, page, protocol, domain):
        """Django's, each item's address reversed once per language (Django reverses it four
        times, each under a translation.override of its own), and each address written as XML
        here (``xml``, what templates/jinja2/sitemap.xml writes): a page of 500 articles took
        4,000 overrides, then 5,000 values through the template's filters."""
        items = self.paginator.page(page).object_list
        languages = self._languages()
        site = f"{protocol}://{domain}"
        locations = {}
        for language in languages:
            with translation.override(language):
                locations[language] = [site + self.location(item) for item in items]
        default = settings.LANGUAGE_CODE if self.x_default and settings.LANGUAGE_CODE in languages else None
        zone = timezone.get_current_timezone()
        urls = []
        lastmods = []
        for position, item in enumerate(items):
            lastmod = self.lastmod(item)
            lastmods.append(lastmod)
            alternates = [
                {"location": locations[language][position], "lang_code": language} for language in languages
            ]
            if default:  # the default language's page is the unprefixed one (prefix_default_language=False)
                alternates.append({"location": locations[default][position], "lang_code": "x-default"})
            tail = "".join(
                [
                    f"<lastmod>{day(lastmod, zone)}</lastmod>" if lastmod else "",
                    *(
                        f'<xhtml:link rel="alternate" hreflang="{escape(alternate["lang_code"])}" '
                        f'href="{escape(alternate["location"])}"/>'
                        for alternate in alternates
                    ),
                    "</url>",
                ]
            )
            urls.extend(
                {
                    "item": (item, language),
                    "location": locations[language][position],
                    "lastmod": lastmod,
                    "changefreq": None,
                    "priority": "",
                    "alternates": alternates,
                    # Every value in it went through escape().
                    "xml": Markup(f"<url><loc>{escape(locations[language][position])}</loc>{tail}"),  # noqa: S704
                }
                for language in languages
            )
        if lastmods and all(lastmods):
            self.latest_lastmod = max(lastmods)
        return urls


def day(moment, zone):
    """A lastmod as the sitemap gives it: the day, in the site's time zone ``zone``."""
    if isinstance(moment, datetime):
        return (moment.astimezone(zone) if timezone.is_aware(moment) else moment).date().isoformat()
    return moment.isoformat()


class OnePagePaginator(Paginator):
    """A section that always fits in one page (a few thousand addresses at most), its items read
    only when the page is: the index never reads them."""

    num_pages = 1

    def __init__(self, items, per_page):
        super().__init__([], per_page)
        self.items = items

    def page(self, number):
        number = self.validate_number(number)
        return Page(list(self.items()[: self.per_page]), number, self)


class IdRangePaginator(BoundedPaginator):
    """Pages of a queryset by ranges of ids: page k holds the rows whose id is in the k-th range
    of ``per_page`` ids, from the first of ``ids`` rounded down to a multiple of ``per_page`` (so
    that the pages stay put when the first row goes).

    ``bounds`` are the first and last of ``ids`` when the index of sitemaps has read them (Outline).
    Otherwise a page is one query, its range's start found in the index by a subquery; only an
    empty page asks for the last id, to tell an empty range (an empty list) from the end (404)."""

    def __init__(self, items, per_page, *, ids, bounds=None):
        super().__init__([], per_page)
        self.items = items  # callables: the index builds neither queryset
        self.ids = ids
        self.bounds = bounds

    @cached_property
    def num_pages(self):
        if self.bounds is None:
            ids = self.ids()
            row = ids.order_by("-id").values(last=F("id"), first=first(ids, "id")).first()
            self.bounds = (row["first"], row["last"]) if row else (None, None)
        first_id, last_id = self.bounds
        if first_id is None:
            return 1
        return max(1, math.ceil((last_id - self.base(first_id)) / self.per_page))

    def base(self, first_id):
        return (first_id - 1) // self.per_page * self.per_page

    def page(self, number):
        number = self.validate_number(number)
        offset = (number - 1) * self.per_page
        if self.bounds is not None:
            start = Value(self.base(self.bounds[0] or 1) + offset)
        else:  # integer division on every database: ids are integers
            start = (first(self.ids(), "id") - 1) / self.per_page * self.per_page + offset
        rows = list(
            self.items()
            .alias(start=ExpressionWrapper(start, output_field=BigIntegerField()))
            .filter(id__gt=F("start"), id__lte=F("start") + self.per_page)
            .order_by("id")
        )
        if not rows and number > self.num_pages:
            raise EmptyPage(self.error_messages["no_results"])
        return Page(rows, number, self)


class OutlinedSitemap(LocalizedSitemap):
    """A section paged by ranges of ``ids`` (IdRangePaginator), whose bounds the index gives
    (Outline) and a page of the section finds for itself."""

    def __init__(self, outline=None):
        self.outline = outline

    def ids(self):
        raise NotImplementedError

    def bounds(self):
        return None

    @property
    def paginator(self):
        bounds = None if self.outline is None else self.bounds()
        return IdRangePaginator(self.items, self.per_page, ids=self.ids, bounds=bounds)

    def get_latest_lastmod(self):
        """The latest article's: exactly the articles' and the archives', and no earlier than the
        tags' (the latest article may have no tag), so a crawler never misses a change of them."""
        if self.outline is not None:
            return self.outline.latest_lastmod
        return Article.objects.published().aggregate(latest=Max(SIGNIFICANTLY_MODIFIED))["latest"]


class ArticleSitemap(OutlinedSitemap):
    # 1,000 addresses a page (500 articles, each in two languages with their alternates)
    # keep a page to a fraction of a second's work before the page cache keeps it.
    limit = 1000

    def ids(self):
        return Article.objects.all()

    def bounds(self):
        return self.outline.first_article, self.outline.last_article

    def items(self):
        return Article.objects.published().only("permalink", "published_at", "modified_at").order_by("id")

    def lastmod(self, article):
        return article.date_modified


class TagSitemap(OutlinedSitemap):
    """Tags that hold at least one public article, as fresh as their latest one."""

    def ids(self):
        return Tag.objects.all()

    def bounds(self):
        return self.outline.first_tag, self.outline.last_tag

    def items(self):
        """Tag.objects.public(), as fresh as their latest one: each tag's latest public article is
        the first public one down the index of its taggings by date (TaggedArticle.date_modified),
        and a tag without any is not public. Two steps into an index a tag, where public()'s
        EXISTS and a sort of each tag's articles read every tagging (4 s at 100,000 articles)."""
        public = Exists(Article.objects.published().filter(pk=OuterRef("content_object")))
        latest = (
            TaggedArticle.objects.filter(public, tag=OuterRef("pk"))
            .order_by("-date_modified")
            .values("date_modified")[:1]
        )
        return Tag.objects.for_readers().annotate(lastmod=Subquery(latest)).filter(lastmod__isnull=False)

    def lastmod(self, tag):
        return tag.lastmod


def latest_publications(starts):
    """The latest public publication of each month between ``starts`` (or None), in one query
    of one step into the index a month.

    The month's subquery is compiled once, then written again with each month's bounds (its
    only parameters that differ from a month to the next): compiling eighty subqueries through
    the ORM cost ten times more than running them. Its bounds are written before published()'s,
    so that SQLite enters the index at the month's end (it takes the first of two upper bounds),
    not at now."""

    def latest_in(start, end):
        articles = Article.objects.filter(published_at__gte=start, published_at__lt=end).published()
        return articles.order_by("-published_at").values("published_at")[:1].query.sql_with_params()

    connection = connections[Article.objects.db]
    adapt = connection.ops.adapt_datetimefield_value
    sql, first = latest_in(starts[0], starts[1])
    params = list(first)
    if len(starts) > 2:
        other_sql, second = latest_in(starts[1], starts[2])
        first_bounds = [adapt(starts[0]), adapt(starts[1])]
        second_bounds = [adapt(starts[1]), adapt(starts[2])]
        bounds = [position for position, value in enumerate(first) if value in first_bounds]
        if other_sql != sql or [second[position] for position in bounds] != second_bounds:
            raise ImproperlyConfigured("The archives' month subquery no longer has its bounds as parameters")
        for start, end in pairwise(starts[1:]):
            month = list(first)
            month[bounds[0]], month[bounds[1]] = adapt(start), adapt(end)
            params.extend(month)
    column = Article._meta.get_field("published_at").get_col(Article._meta.db_table)
    converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join([f"({sql})"] * (len(starts) - 1)), params)
        row = cursor.fetchone()
    values = []
    for value in row:
        for converter in converters:
            value = converter(value, column, connection)
        values.append(value)
    return values


def month_start(moment):
    """The first moment of ``moment``'s month in the site's time zone, as the archives count months."""
    local = timezone.localtime(moment)
    return timezone.make_aware(datetime(local.year, local.month, 1))


def month_starts(first_moment, last_moment):
    """The start of every month from ``first_moment``'s to ``last_moment``'s, and of the month after."""
    start, end = month_start(first_moment), month_start(last_moment)
    starts = [start]
    while starts[-1] <= end:
        year, month = divmod(starts[-1].year * 12 + starts[-1].month, 12)
        starts.append(timezone.make_aware(datetime(year, month + 1, 1)))
    return starts


class ArchiveSitemap(OutlinedSitemap):
    """Every year and month page that holds a public article: one page (12 months and a year
    for each year of the archive), as fresh as the latest article."""

    def items(self):
        """One step into the public articles' index a month, from the first public article's month
        to the latest's, where grouping every article by month read the whole table: the latest
        publication of each month, then the significant updates, few, through their own index."""
        public = Article.objects.published()
        span = (
            public.order_by("-published_at")
            .values("published_at", first=first(public, "published_at"))
            .first()
        )
        if span is None:
            return []
        starts = month_starts(span["first"], span["published_at"])
        months = dict(zip(starts, latest_publications(starts), strict=False))
        # Read through their own index (published() would lead SQLite down the public articles'
        # index, all of it), then sorted out by Article.is_published, published()'s mirror.
        updated = (
            Article.objects.filter(modified_at__isnull=False)
            .order_by()
            .only("status", "published_at", "expires_at", "modified_at")
        )
        for article in updated:
            start = month_start(article.published_at)
            if article.is_published and start in months:
                months[start] = max(months[start] or article.modified_at, article.modified_at)
        years = {}
        items = []
        for start, lastmod in months.items():
            if lastmod is None:
                continue  # a month without a public article has no page
            items.append((start.year, start.month, lastmod))
            years[start.year] = max(years.get(start.year, lastmod), lastmod)
        return [(year, None, lastmod) for year, lastmod in years.items()] + items

    def location(self, item):
        year, month, _lastmod = item
        if month is None:
            return reverse("articles:archive-year", kwargs={"year": year})
        return reverse("articles:archive-month", kwargs={"year": year, "month": f"{month:02d}"})

    def lastmod(self, item):
        return item[2]

    @property
    def paginator(self):
        return OnePagePaginator(self.items, self.per_page)


class NewsSitemap(Sitemap):
    """Google News: the articles of the last two days (sitemaps/news.xml)."""

    def items(self):
        since = timezone.now() - timedelta(days=NEWS_DAYS)
        return Article.objects.published().filter(published_at__gte=since).order_by("-published_at")

    def lastmod(self, article):
        return article.date_modified


SITEMAPS = {"articles": ArticleSitemap, "tags": TagSitemap, "archives": ArchiveSitemap}
NEWS_SITEMAP = {"news": NewsSitemap}
