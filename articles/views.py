"""The readers' pages: lists of articles (home, tag, search, archives) and an article's page.

Every list shares ``PublishedArticleMixin``; every page reads ``Article.objects.published()``.
"""

import functools
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpResponsePermanentRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext, ngettext
from django.views.generic import ArchiveIndexView, DetailView, ListView, MonthArchiveView, YearArchiveView

from publication.identity import publisher_data

from . import caching
from .bylines import person_data
from .cache_scope import article_page
from .grouping import coverage
from .managers import NARROWED_ORDER
from .models import Article, PermalinkRedirect, SourceUpdate, Tag, TaggedArticle
from .pagination import ArticlePaginator, anchor_from, ids_first, is_page_number
from .plain_text import shorten
from .prepared import Prepared
from .rendering import link_rel, web_url
from .search import search
from .source_health import archived_copy_url

# "À la une": the most important stories of the last days, above the latest ones.
FEATURED_IMPORTANCE = Article.Importance.HIGH
FEATURED_DAYS = 7
FEATURED_COUNT = 3
RELATED_COUNT = 4
# Related articles are chosen among the latest articles sharing a tag, so that
# their cost does not grow with the archive.
RELATED_CANDIDATES = 100
SEARCH_COUNT_LIMIT = 1000


class PublishedArticleMixin:
    """What readers may see, with what a page of articles shows, in fixed queries.

    A list's articles are ``listed(now, **list_values())``: the public ones, narrowed by what
    ``list_filters`` names (a tag's page: its tag, kept as ``self.tag``), then newest first down
    that join's own index (ArticleQuerySet.narrowed). Its first page, the cold page readers ask
    for most, is read by that query compiled once per connection (``first_page``, articles.prepared).
    """

    paginate_by = 20
    paginator_class = ArticlePaginator
    anchored_pages = True  # newest first: "older" and "newer" links start from an article
    first_page = None  # a FirstPage of listed(now, **list_values()), where a list has one
    # The view's attribute -> the join of Article, and its field, it narrows the list by (one at most).
    list_filters = {}

    @classmethod
    def listed(cls, now=None, **values):
        """The list's articles at ``now``; ``values``: the primary key of each of list_filters'."""
        now = now or timezone.now()
        articles = Article.objects.published(now).cards()
        if not values:
            return articles
        return articles.narrowed(now, **{cls.list_filters[name]: value for name, value in values.items()})

    def list_values(self):
        return {name: getattr(self, name).pk for name in self.list_filters}

    def paginate_queryset(self, queryset, page_size):
        """Pages are numbered in ASCII digits: "last" (a count of the whole list), "𝟙" or
        " 2" name no page the site links to, and answer 404."""
        if not is_page_number(self.request.GET.get(self.page_kwarg, "1")):
            raise Http404("No such page")
        return super().paginate_queryset(queryset, page_size)

    def get_paginator(self, queryset, per_page, **kwargs):
        anchor = anchor_from(self.request.GET)
        first_rows = None
        if self.first_page is not None:
            first_rows = functools.partial(
                self.first_page, per_page, now=timezone.now(), **self.list_values()
            )
        return super().get_paginator(
            queryset,
            per_page,
            anchored=self.anchored_pages,
            anchor=anchor,
            ids_first=bool(self.list_filters),
            order=NARROWED_ORDER if self.list_filters else None,
            first_rows=first_rows,
            **kwargs,
        )

    def get_queryset(self):
        return self.listed(None, **self.list_values())


class FirstPage:
    """``view``'s first page, compiled once per connection and page size (articles.prepared):
    listed()'s articles, one more than a page shows (a page reads one row more to know whether
    an older one exists: articles.pagination), their ids first when the list is narrowed by a
    join, as its other pages are (ids_first). A page size is part of the SQL (its LIMIT): each
    size has its own compiled query, so that a view given another page size never reads a stale one."""

    def __init__(self, view):
        self.view = view
        narrowing = {name: related_pk(path) for name, path in view.list_filters.items()}
        self.fields = {"now": ARTICLE_FIELD("published_at"), **narrowing}
        self.by_size = {}

    def __call__(self, size, **values):
        prepared = self.by_size.get(size)
        if prepared is None:
            prepared = self.by_size[size] = Prepared(functools.partial(self.build, size), **self.fields)
        return prepared(**values)

    def build(self, size, now, **values):
        articles = self.view.listed(now, **values)
        rows = articles[: size + 1]
        return ids_first(articles, rows) if self.view.list_filters else rows


def related_pk(path):
    """The primary key of the model a path of Article's joins ends at: "taggedarticle__tag", Tag's."""
    model = Article
    for name in path.split("__"):
        model = model._meta.get_field(name).related_model
    return model._meta.pk


class ArticleListView(PublishedArticleMixin, ListView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["page_obj"].number == 1:
            now = timezone.now()
            featured = FEATURED(now=now, since=now - timedelta(days=FEATURED_DAYS))
            # A story « À la une » is not told twice on the page: the list below leaves it out
            # (the pages that follow start after this one's last article, as before).
            shown = {article.pk for article in featured}
            context["featured"] = featured
            context["article_list"] = [item for item in context["article_list"] if item.pk not in shown]
        return context


class TagArticleListView(PublishedArticleMixin, ListView):
    template_name = "articles/tag_article_list.html"
    list_filters = {"tag": "taggedarticle__tag"}

    def get_queryset(self):
        self.tag = public_tag(self.kwargs["slug"])
        return super().get_queryset()

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class SearchView(PublishedArticleMixin, ListView):
    template_name = "articles/search.html"
    anchored_pages = False  # best first: its pages go by number

    def get_queryset(self):
        self.query = self.request.GET.get("q", "")
        return search(super().get_queryset(), self.query)

    def get_context_data(self, **kwargs):
        # Counted up to a bound: "more than 1,000" says enough, and costs the same for any word.
        query = self.query.strip()
        found = self.object_list.order_by()[: SEARCH_COUNT_LIMIT + 1].count() if query else 0
        if found > SEARCH_COUNT_LIMIT:
            message = gettext("More than %(count)s articles found for “%(query)s”.") % {
                "count": number_format(SEARCH_COUNT_LIMIT, force_grouping=True),
                "query": query,
            }
        else:
            message = ngettext(
                "%(count)s article found for “%(query)s”.", "%(count)s articles found for “%(query)s”.", found
            ) % {"count": found, "query": query}
        return super().get_context_data(query=query, found_message=message, **kwargs)


class ArchiveMixin(PublishedArticleMixin):
    """Year and month pages: only periods that hold published articles, in fixed queries.

    allow_empty stays on so that Django does not look up the previous and next
    periods (two queries each page); an empty period is a 404 all the same.
    """

    date_field = "published_at"
    ordering = ("-published_at", "-id")  # Django's date views order by the date alone
    allow_empty = True
    month_format = "%m"

    def get_dated_items(self):
        date_list, object_list, extra = super().get_dated_items()
        if not date_list:
            raise Http404("No articles in this period.")
        return date_list, object_list, extra


class ArticleArchiveIndexView(PublishedArticleMixin, ArchiveIndexView):
    """Every month that holds articles, grouped by year."""

    date_field = "published_at"
    date_list_period = "month"
    paginate_by = None
    allow_empty = True
    template_name = "articles/archive_index.html"


class ArticleYearArchiveView(ArchiveMixin, YearArchiveView):
    make_object_list = True


class ArticleMonthArchiveView(ArchiveMixin, MonthArchiveView):
    pass


class ArticleDetailView(DetailView):
    """One public article at its permalink; an address it had before answers with a 301; a withdrawn
    one's, at either address, with a 410 and its public notice when the editor left one."""

    slug_field = "permalink"
    slug_url_kwarg = "permalink"

    def get_queryset(self, now=None):
        # The search document is for the database's eyes only, the kept cards for lists: neither is read.
        return Article.objects.published(now).with_page_data().defer("search_document", "stored_cards")

    def get_object(self, queryset=None):
        found = ARTICLE_PAGE(now=timezone.now(), permalink=self.kwargs[self.slug_url_kwarg])
        if not found:
            raise Http404("No such article")
        article = found[0]
        article.unpack_page_data()
        return article

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # An address the article had before its title, slug or date changed answers for good.
            redirect = (
                PermalinkRedirect.objects.filter(
                    old_permalink=kwargs["permalink"], article__in=Article.objects.published()
                )
                .select_related("article")
                .first()
            )
            if redirect is None:
                return self.withdrawal_notice(request, kwargs["permalink"])
            return HttpResponsePermanentRedirect(redirect.article.get_absolute_url())

    def withdrawal_notice(self, request, permalink):
        """410 with the notice the editor left on unpublishing the article, at its address or an old
        one; else the 404 of an address that never was or was removed silently."""
        notice_fields = ("title", "published_at", "withdrawn_at", "withdrawal_reason")
        withdrawn = Article.objects.withdrawn().only(*notice_fields)
        article = (
            withdrawn.filter(permalink=permalink).first()
            or withdrawn.filter(redirects__old_permalink=permalink).first()
        )
        if article is None:
            raise Http404("No such article")
        return TemplateResponse(request, "articles/withdrawn.html", {"article": article}, status=410)

    def get_context_data(self, **kwargs):
        article = self.object
        # Its cached page lives until it, its tags or its story change, not with every list.
        caching.depends_on(self.request, article_page(article))
        canonical_url = self.request.build_absolute_uri(article.get_absolute_url())
        image = getattr(article, "image", None)
        image_src = shared_image_url(image) if image else ""
        image_url = image_src and self.request.build_absolute_uri(image_src)
        description = Truncator(article.summary or article.title).words(30)
        # The other sources of its story; links the newsroom did not write are not vouched for.
        covered_by = [link for link in coverage(article) if web_url(link.reader_url)]
        source = article.source
        dead = source is not None and source.is_dead and web_url(source.reader_url)
        return super().get_context_data(
            archived_copy=archived_copy_url(source, timezone.localtime(article.published_at)) if dead else "",
            related=self.related_articles(),
            coverage=covered_by,
            coverage_rel=link_rel(nofollow=True),
            canonical_url=canonical_url,
            image_url=image_url,
            description=description,
            og_locale="en_GB" if get_language() == "en" else "fr_FR",
            structured_data=news_article_data(
                article, canonical_url, image_url, description, self.request, covered_by
            ),
            **kwargs,
        )

    def related_articles(self):
        """Of the latest public articles sharing a tag with this one, those sharing the most tags,
        the newest first among equals."""
        tag_ids = sorted(tag.pk for tag in self.object.tags_by_name)
        if not tag_ids:
            return []
        return RELATED(now=timezone.now(), article=self.object.pk, tags=tag_ids)


def related_to(now, article, tags):
    """RELATED's queryset: ``article``'s related articles, those with ``tags``."""
    sharing = TaggedArticle.objects.filter(content_object=OuterRef("pk"), tag__in=tags)
    candidates = (
        Article.objects.published(now)
        .filter(Exists(sharing))
        .exclude(pk=article)
        .order_by("-published_at", "-id")
        .values("pk")[:RELATED_CANDIDATES]
    )
    return (
        Article.objects.filter(pk__in=candidates)
        .annotate(shared_tags=Count("tags", filter=Q(tags__in=tags)))
        .only("title", "permalink", "published_at")
        .order_by("-shared_tags", "-published_at", "-id")[:RELATED_COUNT]
    )


ARTICLE_FIELD = Article._meta.get_field
# The article page's two queries, compiled once per database connection (articles.prepared).
ARTICLE_PAGE = Prepared(
    lambda now, permalink: ArticleDetailView().get_queryset(now).filter(permalink=permalink)[:1],
    now=ARTICLE_FIELD("published_at"),
    permalink=ARTICLE_FIELD("permalink"),
)

PUBLIC_TAG = Prepared(
    lambda now, slug: Tag.objects.public(now).filter(slug=slug)[:1],
    now=ARTICLE_FIELD("published_at"),
    slug=Tag._meta.get_field("slug"),
)


def public_tag(slug):
    """The public tag at ``slug`` (Tag.objects.public()), or a 404."""
    found = PUBLIC_TAG(now=timezone.now(), slug=slug)
    if not found:
        raise Http404("No such tag")
    return found[0]


def featured(now, since):
    """FEATURED's queryset: the stories « À la une » at ``now``, published ``since``.

    Chosen in a subquery first, so that only the chosen few are read with their cards' tags and
    bylines, not every article of the week the sort went through."""
    chosen = (
        Article.objects.published(now)
        .filter(importance__gte=FEATURED_IMPORTANCE, published_at__gte=since)
        .order_by("-importance", "-published_at", "-id")
        .values("pk")[:FEATURED_COUNT]
    )
    return Article.objects.filter(pk__in=chosen).cards().order_by("-importance", "-published_at", "-id")


FEATURED = Prepared(featured, now=ARTICLE_FIELD("published_at"), since=ARTICLE_FIELD("published_at"))
RELATED = Prepared(
    related_to,
    now=ARTICLE_FIELD("published_at"),
    article=ARTICLE_FIELD("id"),
    tags=Tag._meta.get_field("id"),
)


def shared_image_url(image):
    """The image that link previews and search engines get: the largest rendition, never a huge original."""
    renditions = image.renditions
    return renditions[1][-1].url if renditions else web_url(image.src)


# A share title (og:title, twitter:title, the headline) is cut at a word within this length,
# as link previews and search engines show it (templates/jinja2/articles/article_detail.html).
SHARE_TITLE_LENGTH = 110


def news_article_data(article, url, image_url, description, request, covered_by=()):
    """schema.org NewsArticle for search engines, as a dict: serialized by the json_ld filter."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": url,
        "url": url,
        "headline": shorten(article.title, SHARE_TITLE_LENGTH),
        "description": description,
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.date_modified.isoformat(),
        "inLanguage": get_language(),
        "keywords": [tag.name for tag in article.tags_by_name],
        "publisher": publisher_data(request),
    }
    if image_url:
        data["image"] = [image_url]
    source_url = web_url(article.source.reader_url) if article.source else ""
    if source_url:
        data["isBasedOn"] = source_url
    if article.byline:
        data["author"] = [person_data(person, request) for person in article.byline]
    if article.reviewed_by and article.reviewed_on:
        data["reviewedBy"] = person_data(article.reviewed_by, request)
        data["lastReviewed"] = article.reviewed_on.isoformat()
    if covered_by:
        # What other sources said of the same story, which the page cites as « Aussi couvert par ».
        data["citation"] = [coverage_data(link) for link in covered_by]
    notes = article.corrections.all()
    # Every public note, as the page lists them: corrections, updates and retraction notices; and
    # the notices of the cited study's retraction or withdrawal, shown at the top of the page.
    corrections = [
        {"@type": "CorrectionComment", "datePublished": note.published_at.isoformat(), "text": note.text}
        for note in notes
    ] + [
        {
            "@type": "CorrectionComment",
            "datePublished": update.day.isoformat(),
            "text": source_update_text(update),
            "url": update.notice_url,
        }
        for update in getattr(article, "retractions", ())
    ]
    if corrections:
        data["correction"] = corrections
    return data


def source_update_text(update):
    if update.kind == SourceUpdate.Kind.WITHDRAWAL:
        text = gettext("The study this article reports (doi:%(doi)s) has been withdrawn.")
    else:
        text = gettext("The study this article reports (doi:%(doi)s) has been retracted.")
    return text % {"doi": update.doi}


def coverage_data(link):
    data = {"@type": "NewsArticle", "url": web_url(link.reader_url)}
    if link.publisher:
        data["publisher"] = {"@type": "Organization", "name": link.publisher}
    return data


ArticleListView.first_page = FirstPage(ArticleListView)
TagArticleListView.first_page = FirstPage(TagArticleListView)
