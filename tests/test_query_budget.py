"""Every public page and API answer costs a fixed number of queries: the same for 5 articles or 50.

Counted as a reader's first visit renders them (the test settings keep no page cache). The budget
of issue 20: three queries at most for any page, two for a list; the counts here are pinned
exactly, so that a query more on any page is a change someone decides.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Correction
from articles.views import PublishedArticleMixin
from newsletter.weeks import Week
from people.models import Person

from .factories import make_article
from .queries import queries_for

pytestmark = pytest.mark.django_db

# address: (queries, the budget it is held to)
PAGES = {
    "/": (2, 2),  # « À la une », then the latest
    "/?page=2": (1, 2),  # the latest after the first page's last
    "/en/": (2, 2),
    "/tags/sante/": (2, 2),  # the tag, its articles
    "/tags/sante/?page=2": (2, 2),
    "{article}": (2, 3),  # the article with its rows (articles.embedded), the related articles
    "/en{article}": (2, 3),
    "{covered}": (3, 3),  # and the other sources of its story
    "/search/?q=article": (2, 2),
    "/feed/": (1, 2),
    "/feed/atom/": (1, 2),
    "/tags/sante/feed/": (2, 2),
    "/archives/": (1, 2),
    "/archives/{year}/": (2, 2),
    "/archives/{year}/{month}/": (2, 2),
    "/authors/anne-leroy/": (2, 2),  # the person with those they reviewed, their articles
    "/digest/": (1, 2),  # the weeks that have articles, an index probe each
    "/digest/{week}/": (1, 2),
    "/digest/feed/": (2, 2),  # the weeks, then their articles
    "/sitemap.xml": (2, 3),  # one outline of the articles and tags; the site's own pages
    "/sitemap-articles.xml": (1, 3),
    "/sitemap-tags.xml": (1, 3),
    "/sitemap-archives.xml": (3, 3),
    "/sitemap-news.xml": (2, 3),
    "/api/v1/articles?limit=2": (1, 2),
    "/api/v1/articles?limit=2&tag=sante": (1, 2),  # the tag read by its slug in the same query
    "/api/v1/articles/{permalink}": (1, 3),  # with its rows as JSON (articles.embedded)
    "/api/v1/tags": (1, 2),
}


def add_articles(count, reviewer, author):
    now = timezone.now()
    for number in range(count):
        article = make_article(
            tags=["Santé", f"Sujet {number % 4}"],
            image=number % 2 == 0,
            source=True,
            published_at=now - timedelta(days=number % 20, hours=number),
            reviewed_by=reviewer,
            reviewed_on=timezone.localdate(),
        )
        article.bylines.create(person=author, position=1)
        if number % 3 == 0:
            Correction.objects.create(article=article, text=f"Précision {number}", published_at=now)


def counts(client, addresses):
    return {address: queries_for(client, url) for address, url in addresses.items()}


def test_every_public_page_and_api_answer_costs_the_same_for_5_and_50_articles(client, monkeypatch):
    monkeypatch.setattr(PublishedArticleMixin, "paginate_by", 2)  # a second page with 5 articles too
    author = Person.objects.create(name="Anne Leroy", slug="anne-leroy")
    reviewer = Person.objects.create(name="Paul Martin", slug="paul-martin")
    add_articles(5, reviewer, author)
    article, covered, *_ = Article.objects.published().order_by("pk")
    other_source = make_article(tags=["Santé"], source=True)
    Article.objects.filter(pk__in=[covered.pk, other_source.pk]).update(story=make_story())
    now = timezone.localtime()
    # The digest page of the last complete week needs an article in it: the five above span four
    # days back from now, in the current week alone from Friday morning to Sunday night.
    last_week = Week.last_complete()
    make_article(tags=["Santé"], published_at=last_week.start + timedelta(days=2, hours=12))
    week = last_week.label
    addresses = {
        address: address.format(
            article=article.get_absolute_url(),
            covered=covered.get_absolute_url(),
            permalink=article.permalink,
            year=now.year,
            month=f"{now.month:02d}",
            week=week,
        )
        for address in PAGES
    }
    few = counts(client, addresses)
    add_articles(45, reviewer, author)

    many = counts(client, addresses)

    assert many == few
    assert many == {address: queries for address, (queries, _budget) in PAGES.items()}
    assert all(queries <= budget for queries, budget in PAGES.values())


def make_story():
    from articles.models import Story

    return Story.objects.create()
