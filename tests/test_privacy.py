"""Drafts stay private: a walk over every public address the project defines.

Articles that readers may not see (a draft, one in review, a scheduled one, an
unpublished one, an archived one, an expired one) sit next to public ones, share
their tags, have a tag of their own (whose page is as private as they are), and
one even has an old address that redirects to it. The test
resolves the URLconf itself: every pattern outside the admin, in both languages,
filled in with every permalink, tag, year, month and sitemap section there is,
plus pagination and a search. As an anonymous reader and as a logged-in reader
without staff rights, no page, feed or sitemap names a private article, and a
private article's address answers 404. A new route with a parameter the walk does
not know fails the test until the walk is taught it.
"""

import itertools
import re
from datetime import datetime, timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern
from django.utils import timezone

from articles.models import Article, ArticleAuthor, PermalinkRedirect, Tag
from newsletter.weeks import Week
from newsroom.urls import ALL_SITEMAPS
from people.models import Person
from publication.models import SitePage

from .factories import make_article

pytestmark = pytest.mark.django_db

MARK = "embargo"  # in every private article's title, slug, permalink and own tag, and nowhere else
SEARCHED = "zéphyr"  # in the body of every article, public or private
PARIS = timezone.get_fixed_timezone(60)
QUERIES = ["", "?page=2", f"?q={SEARCHED}"]
SKIPPED_NAMESPACES = {"admin"}  # staff only: the workflow tests cover who sees what there


def route_patterns(patterns=None, prefix="", namespace=None):
    """(namespace, route) for every pattern of the URLconf, language prefixes included."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            # French has no prefix, English has "en/".
            locale = isinstance(entry.pattern, LocalePrefixPattern)
            prefixes = ["", "en/"] if locale else [str(entry.pattern)]
            for language_prefix in prefixes:
                yield from route_patterns(
                    entry.url_patterns, prefix + language_prefix, entry.namespace or namespace
                )
        else:
            assert isinstance(entry, URLPattern)
            yield namespace, prefix + str(entry.pattern)


def addresses(values):
    """Every concrete address of every public route, with the route it came from."""
    for namespace, route in route_patterns():
        if namespace in SKIPPED_NAMESPACES:
            continue
        names = re.findall(r"<(?:\w+:)?(\w+)>", route)
        missing = [name for name in names if name not in values]
        assert not missing, f"the walk has no values for {missing} in {route!r}: add them"
        for combination in itertools.product(*(values[name] for name in names)):
            path = route
            for value in combination:
                path = re.sub(r"<(?:\w+:)?\w+>", value, path, count=1)
            for query in [""] if "permalink" in names else QUERIES:
                yield route, "/" + path + query


@pytest.fixture
def articles():
    now = timezone.now()
    public = [
        make_article(title=f"Public {n}", body=SEARCHED, tags=["Commun"], image=True, source=True,
                     published_at=now - timedelta(hours=2 + n))
        for n in range(22)  # two pages of the home list
    ]  # fmt: skip
    old = datetime(2023, 2, 10, 9, tzinfo=PARIS)
    private = [
        make_article(title=f"Embargo {name}", body=SEARCHED, tags=["Commun", "Sous embargo"], image=True,
                     source=True, importance=4, **fields)
        for name, fields in {
            "draft": {"status": Article.Status.DRAFT, "published_at": now - timedelta(hours=1)},
            "review": {"status": Article.Status.REVIEW, "published_at": now - timedelta(hours=1)},
            "scheduled": {"published_at": now + timedelta(days=1)},
            "expired": {"published_at": now - timedelta(hours=3), "expires_at": now - timedelta(minutes=1)},
            "unpublished": {"status": Article.Status.UNPUBLISHED, "published_at": old},
            "archived": {"status": Article.Status.ARCHIVED, "published_at": old},
        }.items()
    ]  # fmt: skip
    PermalinkRedirect.objects.create(old_permalink="2023-02-01-ancienne-adresse-embargo", article=private[0])
    # One person signs and reviews every article: their page lists the public ones only.
    person = Person.objects.create(name="Anne Leroy")
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article=article, person=person) for article in [*public, *private]
    )
    Article.objects.update(reviewed_by=person, reviewed_on=now.date())
    return public, private


@pytest.fixture
def values(articles):
    every = Article.objects.all()
    # The publication's own pages: one published, one draft that must never show.
    SitePage.objects.create(
        role=SitePage.Role.ABOUT, status=SitePage.Status.PUBLISHED, title="Qui sommes-nous",
        slug="qui-sommes-nous", body="La rédaction.", title_en="Who we are", slug_en="who-we-are",
        body_en="The newsroom.",
    )  # fmt: skip
    SitePage.objects.create(
        role=SitePage.Role.EDITORIAL_POLICY, status=SitePage.Status.DRAFT, title="Charte embargo",
        slug="charte-embargo", body="Sous embargo.", title_en="Embargo charter", slug_en="embargo-charter",
        body_en="Embargo.",
    )  # fmt: skip
    return {
        "permalink": [*every.values_list("permalink", flat=True), "2023-02-01-ancienne-adresse-embargo"],
        "slug": [
            *Tag.objects.values_list("slug", flat=True),
            *Person.objects.values_list("slug", flat=True),
            *SitePage.objects.values_list("slug", flat=True),
            *SitePage.objects.values_list("slug_en", flat=True),
        ],
        "year": sorted({f"{timezone.localtime(a.published_at).year}" for a in every}),
        "month": sorted({f"{timezone.localtime(a.published_at).month:02d}" for a in every}),
        "section": list(ALL_SITEMAPS),
        "rest": ["", "review/"],  # the sources' admin addresses from before intake was an app
        # The weekly letter: the digest of every article's week, and a link from an e-mail.
        "week": sorted({Week.of(timezone.localtime(a.published_at).date()).label for a in every}),
        "token": ["not-a-token"],
    }


@pytest.fixture(params=["anonymous", "reader"])
def reader(request, client, django_user_model):
    if request.param == "reader":
        client.force_login(django_user_model.objects.create_user("lecteur", password="une phrase de passe"))
    return client


def test_no_public_address_shows_a_private_article(reader, articles, values):
    public, private = articles
    seen = {}
    for route, path in addresses(values):
        response = reader.get(path, follow=True)
        body = response.content.decode().lower()
        if response.status_code == 404:
            # The not-found page names the address the reader typed, and nothing more.
            for segment in sorted(path.split("?")[0].strip("/").split("/"), key=len, reverse=True):
                body = body.replace(segment.lower(), "")

        assert response.status_code in (200, 404), (path, response.status_code)
        assert MARK not in body, path
        seen.setdefault(route, []).append(response.status_code)
        if MARK in path:
            assert response.status_code == 404, path

    # The walk reached the site: every route answered at least once, the public article's page too.
    assert all(200 in statuses for route, statuses in seen.items() if "<" not in route or "slug" in route)
    assert reader.get(public[0].get_absolute_url()).status_code == 200
    for article in private:
        assert reader.get(article.get_absolute_url()).status_code == 404
    assert {route for route, _ in addresses(values)} >= {
        "papers/<permalink:permalink>", "en/papers/<permalink:permalink>", "feed/", "en/feed/atom/",
        "tags/<slug:slug>/feed/", "sitemap-news.xml", "sitemap-<section>.xml", "search/",
        "archives/<int:year>/",
    }  # fmt: skip


def test_a_period_that_holds_only_private_articles_is_a_404(reader, articles):
    assert reader.get("/archives/2023/").status_code == 404
    assert reader.get("/archives/2023/02/").status_code == 404
    assert reader.get("/en/archives/2023/02/").status_code == 404


def test_a_tag_typed_on_a_draft_is_unknown_until_an_article_using_it_is_public(reader):
    draft = make_article(title="Brouillon", tags=["Sujet inédit"], status=Article.Status.DRAFT)
    make_article(title="Programmé", tags=["Sujet inédit"], published_at=timezone.now() + timedelta(days=1))
    addresses = ["/tags/sujet-inedit/", "/tags/sujet-inedit/feed/", "/en/tags/sujet-inedit/"]

    for address in addresses:
        response = reader.get(address)
        assert response.status_code == 404, address
        assert "Sujet inédit" not in response.content.decode()
    assert "sujet-inedit" not in reader.get("/sitemap-tags.xml").content.decode()

    draft.status = Article.Status.PUBLISHED
    draft.save()

    for address in addresses:
        response = reader.get(address)
        assert response.status_code == 200, address
        assert "Sujet inédit" in response.content.decode()
    assert "/tags/sujet-inedit/" in reader.get("/sitemap-tags.xml").content.decode()

    draft.status = Article.Status.UNPUBLISHED
    draft.save()

    assert reader.get("/tags/sujet-inedit/").status_code == 404
    assert reader.get("/tags/sujet-inedit/feed/").status_code == 404
