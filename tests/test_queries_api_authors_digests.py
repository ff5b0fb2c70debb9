"""The API's answers, an author's page and the digest's pages cost a fixed number of queries: the
same for 5 articles as for 50, none per article, tag, author, link or note.

Each article has two tags (one shared), a linked image, a source, one or two authors, a reviewer and
a note; they spread over the last weeks, so that every week of the digest and the author's page
list several. Counted through the test client, as a reader or an API client asks.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import writing
from articles.models import Article, Correction, Story
from newsletter.weeks import Week
from people.models import Person

from .factories import make_article

pytestmark = pytest.mark.django_db

AUTHOR = "/authors/anne-leroy/"
# Each page's queries, those of the site's identity and pages aside (the site's name, logo and menu).
PAGES = {
    # the articles with their images, tags and bylines (as JSON: articles.embedded)
    "/api/v1/articles?limit=100": 1,
    # the same, through the tag's slug
    "/api/v1/articles?tag=cardiologie&limit=100": 1,
    "/api/v1/tags": 1,
    # the person with the articles they reviewed; their page of articles with their tags and bylines
    AUTHOR: 2,
    # the weeks that have articles, this one's included
    "/digest/": 1,
    # the weeks that have articles; the articles of the feed's weeks, with their tags and bylines
    "/digest/feed/": 2,
}
# The week's articles, with their tags and bylines.
DIGEST_WEEK = 1
# The article with its image, reviewer, tags, bylines, links and notes; its story's coverage.
API_ARTICLE = 2


def own_queries(client, url):
    """The page's queries, less those of the site's identity and pages (publication), which every
    page shares and which are counted on their own (tests/test_publication*)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return sum(1 for query in captured if '"publication_' not in query["sql"])


def add_articles(count, people):
    """``count`` public articles over the four weeks before this one, as the module's docstring says."""
    now = timezone.now()
    last_week = Week.current().previous
    for number in range(count):
        article = make_article(
            tags=["Cardiologie", f"Sujet {number % 7}"],
            image=True,
            source=True,
            published_at=last_week.start + timedelta(hours=1 + number * 13 % 160, weeks=-(number % 4)),
            importance=4 if number % 5 == 0 else 2,
            reviewed_by=people[0],
            reviewed_on=timezone.localdate() - timedelta(days=number),
        )
        authors = [people[0], people[1 + number % 3]][: 1 + number % 2]
        for position, person in enumerate(authors, start=1):
            article.bylines.create(person=person, position=position)
        Correction.objects.create(article=article, text=f"Note {number}", published_at=now)


def covered_article(people):
    """An article with everything the API's article shows, another source's of its story too."""
    article = make_article(tags=["Cardiologie", "Essais", "Imagerie"], image=True, source=True)
    for position, person in enumerate(people, start=1):
        article.bylines.create(person=person, position=position)
    for number in range(3):
        Correction.objects.create(article=article, text=f"Note {number}", published_at=timezone.now())
    other = make_article(
        status=Article.Status.ARCHIVED,
        source=writing.Source("https://other.example.org/story", publisher="Autre"),
    )
    story = Story.objects.create()
    Article.objects.filter(pk__in=[article.pk, other.pk]).update(story=story)
    return article


@pytest.fixture
def people():
    return [
        Person.objects.create(name="Anne Leroy", honorific="Dr", orcid="https://orcid.org/0000-0001"),
        *(Person.objects.create(name=f"Auteur {number}") for number in range(3)),
    ]


def test_every_page_costs_the_same_for_5_and_50_articles(client, people):
    article = covered_article(people)
    api_article = f"/api/v1/articles/{article.permalink}"
    week = f"/digest/{Week.current().previous.label}/"
    add_articles(5, people)
    few = {url: own_queries(client, url) for url in [*PAGES, week, api_article]}
    add_articles(45, people)
    many = {url: own_queries(client, url) for url in few}

    assert many == few
    assert many == {**PAGES, week: DIGEST_WEEK, api_article: API_ARTICLE}


def test_an_unknown_api_address_is_a_json_404_the_same_in_every_language(client):
    for url in ("/api/v1/nope", "/api/v1/articles/a/b"):
        response = client.get(url, headers={"accept-language": "en"})
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "No such address in the API: see http://testserver/api/v1/docs"}
        assert response["Access-Control-Allow-Origin"] == "*"
    assert client.post("/api/v1/nope").status_code == 404


@pytest.mark.parametrize("url", ["/api/v1/articles", "/api/v1/tags", "/api/v1/nope", "/api/v1/articles/x"])
def test_no_api_answer_varies_on_the_reader_s_language(client, url):
    make_article(tags=["Cardiologie"])
    french = client.get(url)
    english = client.get(url, headers={"accept-language": "en"})

    assert "accept-language" not in french.get("Vary", "").lower()
    assert english.content == french.content
    # The site's pages still do: their language is the address's, or the reader's at /.
    assert "Accept-Language" in client.get("/")["Vary"]
