"""Sitemaps of what the public may see: articles, tag pages and archives, and Google News."""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest, TruncMonth
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from .caching import cached_count
from .models import Article, Tag
from .pagination import ArticlePaginator, is_page_number

NEWS_DAYS = 2


def sitemap(request, *args, **kwargs):
    """Django's sitemap view, whose pages are numbered in ASCII digits (its int() reads "𝟙")."""
    if not is_page_number(request.GET.get("p", "1")):
        raise Http404("No such page")
    return sitemap_views.sitemap(request, *args, **kwargs)


class LocalizedSitemap(Sitemap):
    """Each page in French (unprefixed) and English, naming its other language."""

    i18n = True
    alternates = True
    x_default = True


class LanguagePairsPaginator(ArticlePaginator):
    """Pages of (article, language) pairs, as an i18n sitemap lists them, from pages of articles.

    A page is read as the site's lists are (articles.pagination), without a count, its
    rows' ids picked from the index first. Only the index of sitemaps needs the number of
    pages: that count is kept with the page cache's generation (articles.caching)."""

    def __init__(self, *args, languages, **kwargs):
        super().__init__(*args, deep_offset=0, **kwargs)
        self.languages = languages

    @cached_property
    def count(self):
        return cached_count("sitemap-articles", self.object_list)

    def page(self, number):
        page = super().page(number)
        page.object_list = [
            (article, language) for article in page.object_list for language in self.languages
        ]
        return page


# An article's last significant change, as a column: Article.date_modified (the publication, or a
# later note or significant update), never a save that changed nothing or a typo fixed.
SIGNIFICANTLY_MODIFIED = Greatest("published_at", Coalesce("modified_at", "published_at"))


class ArticleSitemap(LocalizedSitemap):
    # 1,000 addresses a page (500 articles, each in two languages with their alternates)
    # keep a page to a fraction of a second's work before the page cache keeps it.
    limit = 1000

    @property
    def paginator(self):
        """Django pairs every item with every language in a list, reading the whole table for any
        page; here a page of articles is read through the index, then paired."""
        languages = self._languages()
        return LanguagePairsPaginator(self.items(), self.limit // len(languages), languages=languages)

    def items(self):
        return (
            Article.objects.published()
            .only("permalink", "published_at", "modified_at")
            .order_by("published_at", "id")
        )

    def lastmod(self, article):
        return article.date_modified

    def get_latest_lastmod(self):
        return Article.objects.published().aggregate(latest=Max(SIGNIFICANTLY_MODIFIED))["latest"]


class TagSitemap(LocalizedSitemap):
    """Tags that hold at least one public article, as fresh as their latest one."""

    def items(self):
        latest = (
            Article.objects.published()
            .filter(tags=OuterRef("pk"))
            .annotate(modified=SIGNIFICANTLY_MODIFIED)
            .order_by("-modified")
        )
        return Tag.objects.public().annotate(lastmod=Subquery(latest.values("modified")[:1])).order_by("slug")

    def lastmod(self, tag):
        return tag.lastmod


class ArchiveSitemap(LocalizedSitemap):
    """Every year and month page that holds a public article."""

    def items(self):
        months = (
            Article.objects.published()
            .annotate(month=TruncMonth("published_at"))
            .values("month")
            .annotate(lastmod=Max(SIGNIFICANTLY_MODIFIED))
            .order_by("month")
        )
        years = {}
        items = []
        for row in months:
            month = timezone.localtime(row["month"]) if timezone.is_aware(row["month"]) else row["month"]
            items.append((month.year, month.month, row["lastmod"]))
            years[month.year] = max(years.get(month.year, row["lastmod"]), row["lastmod"])
        return [(year, None, lastmod) for year, lastmod in years.items()] + items

    def location(self, item):
        year, month, _lastmod = item
        if month is None:
            return reverse("articles:archive-year", kwargs={"year": year})
        return reverse("articles:archive-month", kwargs={"year": year, "month": f"{month:02d}"})

    def lastmod(self, item):
        return item[2]


class NewsSitemap(Sitemap):
    """Google News: the articles of the last two days (sitemaps/news.xml)."""

    def items(self):
        since = timezone.now() - timedelta(days=NEWS_DAYS)
        return Article.objects.published().filter(published_at__gte=since).order_by("-published_at")

    def lastmod(self, article):
        return article.date_modified


SITEMAPS = {"articles": ArticleSitemap, "tags": TagSitemap, "archives": ArchiveSitemap}
NEWS_SITEMAP = {"news": NewsSitemap}
