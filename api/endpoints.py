"""The API's operations: articles (a list, newest first, by cursor), an article, and tags.

Everything here reads ``Article.objects.published()`` and ``Tag.objects.public()``: the API shows
what the site shows, no more. HTTP around it (the cache, ETag, CORS, HEAD, 405) is api.answers,
applied in api.urls to every address at once.
"""

import re
from functools import wraps

from django.db.models import Q, Subquery
from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.http import urlencode
from django.utils.translation import gettext_noop
from ninja import NinjaAPI, Query, Status
from ninja.errors import HttpError, ValidationError
from ninja.renderers import JSONRenderer

from articles import caching, reversing
from articles.cache_scope import article_page
from articles.grouping import coverage
from articles.managers import NARROWED_ORDER
from articles.models import Article, PermalinkRedirect, SourceLink, Tag
from articles.rendering import absolute_addresses, web_url
from articles.urls import PermalinkConverter

from . import parameters, schemas

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# What Article.permalink can hold, as the site's own route reads it (articles.urls).
PERMALINK = re.compile(PermalinkConverter.regex)


class UnescapedJSONRenderer(JSONRenderer):
    """UTF-8 as it is: « é » rather than « \\u00e9 », shorter and readable with curl."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Newsroom API",
    version="1",
    description=(
        "The articles the site publishes, as data, read-only and anonymous. "
        "The content is in French, as written; the API's own words are in English."
    ),
    urls_namespace="api",
    docs_url=None,  # ninja's page loads Swagger UI from a CDN: ours is api.docs
    renderer=UnescapedJSONRenderer(),
)


@api.exception_handler(ValidationError)
def invalid_parameters(request, exc):
    """A parameter the API cannot read is the client's error: 400, saying which and why."""
    problems = "; ".join(
        f"{'.'.join(str(part) for part in error['loc'][1:]) or 'request'}: {error['msg']}"
        for error in exc.errors
    )
    return api.create_response(request, {"detail": f"Invalid parameters: {problems}"}, status=400)


@api.get(
    "/articles",
    response={200: schemas.ArticlePage, 400: schemas.Error, 404: schemas.Error},
    url_name="articles",
    summary=gettext_noop("Articles, newest first"),
    description=(
        "Public articles, newest first, a page at a time: follow `next` (or pass `next_cursor` as "
        "`cursor`) for older ones. Pages are cursors, not offsets: articles published meanwhile "
        "never shift them."
    ),
)
def list_articles(
    request,
    cursor: str | None = Query(None, description="The next_cursor of the page before."),
    tag: str | None = Query(None, description="Only the articles of this tag (its slug)."),
    since: str | None = Query(
        None,
        description=(
            "Only the articles published or significantly updated at or after this moment: "
            "an ISO 8601 date or date and time (without offset: the site's time, Europe/Paris)."
        ),
    ),
    limit: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="How many articles a page holds."),
):
    now = timezone.now()
    articles = Article.objects.published(now).cards("first_published_at", "modified_at")
    date, key = "published_at", "pk"
    if tag is not None:
        slug = parameters.read_tag_slug(tag)
        # The tag's id from its slug, in the list's own query, then down the tag's own index in
        # the list's order (ArticleQuerySet.narrowed): joined by its slug, PostgreSQL planned for
        # any tag and sorted all of this one's taggings (53 ms against 11 at 100,000 articles).
        # The tag is looked up only when the page is empty (a public tag has a public article,
        # but maybe none since ``since``).
        tag_id = Tag.objects.filter(slug=slug, is_internal=False).values("pk")[:1]
        articles = articles.narrowed(now, taggedarticle__tag=Subquery(tag_id))
        date, key = NARROWED_ORDER
    if since is not None:
        moment = parameters.read_since(since)
        articles = articles.filter(Q(published_at__gte=moment) | Q(modified_at__gte=moment))
    if cursor is not None:
        published_at, pk = parameters.read_cursor(cursor)
        # (published_at, id) < the cursor's, written so that the first condition bounds the walk
        # of the list's index (article_public_idx) and the second only sorts out equal times.
        articles = articles.filter(**{f"{date}__lte": published_at}).filter(
            Q(**{f"{date}__lt": published_at}) | Q(**{f"{key}__lt": pk})
        )
    page = list(articles.order_by(f"-{date}", f"-{key}")[: limit + 1])
    if tag is not None and not page and not Tag.objects.public().filter(slug=slug).exists():
        raise HttpError(404, f"No public tag has the slug “{slug}”.")
    items, more = page[:limit], len(page) > limit
    next_cursor = parameters.make_cursor(items[-1]) if more else None
    next_url = None
    if next_cursor:
        query = {key: value for key, value in request.GET.items() if key in ("tag", "since", "limit")}
        next_url = absolute(request, f"{request.path}?{urlencode({**query, 'cursor': next_cursor})}")
    return {
        "items": [article_summary(request, article) for article in items],
        "next": next_url,
        "next_cursor": next_cursor,
    }


@api.get(
    "/articles/{permalink}",
    response={200: schemas.ArticleDetail, 301: None, 404: schemas.Error, 410: schemas.Withdrawn},
    url_name="article",
    summary=gettext_noop("One article, with its body"),
    description=(
        "A public article at its permalink. An address it had before answers 301 with the new one; "
        "a withdrawn article's, 410 with the editors' notice."
    ),
)
def get_article(request, permalink: str):
    if not PERMALINK.fullmatch(permalink):
        # Longer than the field, or holding a control character (PostgreSQL refuses a NUL byte).
        raise HttpError(404, "No public article has this permalink.")
    # Its image, reviewer, tags, bylines, links and notes in the article's own query, as its page.
    article = (
        Article.objects.published()
        .with_page_data()
        .defer("search_document", "cited", "stored_cards")
        .filter(permalink=permalink)
        .first()
    )
    if article is None:
        return moved_or_gone(request, permalink)
    article.unpack_page_data()
    # Kept until this article, one of its tags or its story changes, as its page (articles.cache_scope).
    caching.depends_on(request, article_page(article))
    return article_detail(request, article)


@api.get(
    "/tags",
    response={200: schemas.TagList},
    url_name="tags",
    summary=gettext_noop("Tags"),
    description="The tags of at least one public article, by name.",
)
def list_tags(request):
    return {"items": [tag_ref(request, tag) for tag in Tag.objects.public().order_by("name")]}


def moved_or_gone(request, permalink):
    """An old address of a public article: 301; a withdrawn article's: 410; else 404."""
    redirect = (
        PermalinkRedirect.objects.filter(old_permalink=permalink, article__in=Article.objects.published())
        .select_related("article")
        .only("article__permalink")
        .first()
    )
    if redirect is not None:
        return HttpResponsePermanentRedirect(api_article_url(request, redirect.article))
    withdrawn = Article.objects.withdrawn().only("title", "withdrawn_at", "withdrawal_reason")
    article = (
        withdrawn.filter(permalink=permalink).first()
        or withdrawn.filter(redirects__old_permalink=permalink).first()
    )
    if article is None:
        raise HttpError(404, "No public article has this permalink.")
    return Status(
        410,
        {
            "detail": "This article was withdrawn.",
            "title": article.title,
            "withdrawn_at": article.withdrawn_at,
            "reason": article.withdrawal_reason,
        },
    )


def absolute(request, address):
    """request.build_absolute_uri(address), with the site's origin made once per answer for the
    site's own paths: a list of 100 articles holds a thousand addresses."""
    if address.startswith("/") and not address.startswith("//") and "/." not in address:
        origin = vars(request).get("api_origin")
        if origin is None:
            origin = request.api_origin = request.build_absolute_uri("/")[:-1]
        return iri_to_uri(origin + address)
    return request.build_absolute_uri(address)


def api_article_url(request, article):
    return absolute(request, reversing.reverse_one("api:article", "permalink", article.permalink))


def once_per_answer(make):
    """``make(request, thing)`` made once per answer for each thing (by its id): a list of 100
    articles names the same few tags and authors again and again, each costing reverse() and
    absolute addresses."""

    @wraps(make)
    def remembered(request, thing):
        made = vars(request).setdefault("api_made", {})
        key = (make.__name__, thing.pk)
        if key not in made:
            made[key] = make(request, thing)
        return made[key]

    return remembered


@once_per_answer
def tag_ref(request, tag):
    return {
        "name": tag.name,
        "slug": tag.slug,
        "url": absolute(request, tag.get_absolute_url()),
        "articles": absolute(request, f"{reverse('api:articles')}?{urlencode({'tag': tag.slug})}"),
    }


def article_summary(request, article):
    return {
        "permalink": article.permalink,
        "title": article.title,
        "url": absolute(request, article.get_absolute_url()),
        "api_url": api_article_url(request, article),
        "published_at": article.published_at,
        "first_published_at": article.first_published_at or article.published_at,
        "modified_at": article.date_modified,
        "summary": article.summary,
        "tags": [tag_ref(request, tag) for tag in article.tags_by_name],
        "image": image_data(request, getattr(article, "image", None)),
        "authors": [person_data(request, person) for person in article.byline],
    }


def article_detail(request, article):
    links = list(article.links.all())
    source = next((link for link in links if link.kind == SourceLink.Kind.SOURCE), None)
    review = None
    if article.reviewed_by and article.reviewed_on:
        review = {"reviewer": person_data(request, article.reviewed_by), "reviewed_on": article.reviewed_on}
    return {
        **article_summary(request, article),
        "language": "fr",
        "body_html": absolute_addresses(article.body_html_for_readers, absolute(request, "/")),
        "source": link_data(source),
        "further_reading": [
            data for link in links if link.kind == SourceLink.Kind.RELATED if (data := link_data(link))
        ],
        "coverage": [data for link in coverage(article) if (data := link_data(link))],
        "notes": [
            {"kind": note.kind, "published_at": note.published_at, "text": note.text}
            for note in article.corrections.all()
        ],
        "medical_review": review,
    }


def link_data(link):
    """A link readers may follow (a web address, its tracking parameters removed), or None."""
    url = web_url(link.reader_url) if link else ""
    return {"url": url, "publisher": link.publisher} if url else None


def image_data(request, image):
    if image is None or not web_url(image.src):
        return None
    renditions = image.renditions
    return {
        "src": absolute(request, web_url(image.src)),
        "alt": image.alt_text,
        "width": image.image_width,
        "height": image.image_height,
        "credit": image.credit,
        "rights": image.rights,
        "credit_url": web_url(image.credit_url),
        "credit_line": image.credit_line,
        "renditions": renditions
        and {
            kind: [{"url": absolute(request, copy.url), "width": copy.width} for copy in copies]
            for kind, copies in zip(("webp", "fallback"), renditions, strict=True)
        },
    }


@once_per_answer
def person_data(request, person):
    return {
        "name": person.full_name,
        "honorific": person.honorific,
        "credentials": person.credentials,
        "url": absolute(request, person.get_absolute_url()),
        "same_as": [url for url in map(web_url, person.same_as) if url],
    }
