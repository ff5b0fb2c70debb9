"""Absurd addresses and parameters answer 404 or an empty page, never a server error.

A page number, a tag, a year, a month, a permalink or a sitemap section that names
nothing is a 404; a search that finds nothing is an empty page. The sitemap index
has no pages: it ignores ``p`` as any page ignores a parameter it does not read.

What a scanner, a broken link or a curious reader sends: huge and negative numbers,
100,000 characters, punctuation, NUL bytes, other scripts' digits, in the page,
tag, year, month, permalink and search parameters of every public page.
"""

from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import make_article
from .pages import listed_titles

pytestmark = pytest.mark.django_db

HUGE = "9" * 40
LONG = "a" * 100_000
ABSURD_VALUES = [
    "-1", "0", HUGE, f"-{HUGE}", "1e9", "NaN", "last", "2.5", "%00", "\x00", "١٢", "²", "𝟙", "Ⅻ",
    "'; DROP TABLE articles_article; --", "<script>alert(1)</script>", "../../etc/passwd", LONG, " ",
]  # fmt: skip
LIST_PAGES = ["/", "/tags/oncologie/", "/search/?q=article", "/archives/2024/", "/archives/2024/05/", "/en/"]


@pytest.fixture(autouse=True)
def articles():
    from datetime import datetime

    from django.utils import timezone

    for number, word in enumerate(["premier", "deuxième", "troisième"]):
        make_article(
            title=f"Un article {word}",
            summary="Un résumé.",
            tags=["Oncologie"],
            published_at=datetime(2024, 5, 10 + number, 9, tzinfo=timezone.get_fixed_timezone(120)),
        )


def assert_not_found(client, path, data=None):
    response = client.get(path, data, follow=True)
    assert response.status_code == 404, (path[:80], response.status_code)
    return response


def assert_not_an_error(client, path, data=None):
    response = client.get(path, data, follow=True)
    assert response.status_code in (200, 404), (path[:80], response.status_code)
    return response


@pytest.mark.parametrize("value", ABSURD_VALUES, ids=lambda value: value[:12])
@pytest.mark.parametrize("page", LIST_PAGES)
def test_absurd_page_numbers(client, page, value):
    path, _, query = page.partition("?")
    data = dict(part.split("=") for part in query.split("&") if part)

    assert_not_found(client, path, {**data, "page": value})


@pytest.mark.parametrize("value", ABSURD_VALUES, ids=lambda value: value[:12])
@pytest.mark.parametrize(
    "template",
    [
        "/tags/{}/",
        "/tags/{}/feed/",
        "/en/tags/{}/",
        "/archives/{}/",
        "/archives/{}/05/",
        "/archives/2024/{}/",
        "/papers/{}",
        "/papers/{}/",
        "/papers/2024-05-10-{}",
        "/sitemap-{}.xml",
    ],
)
def test_absurd_path_parts(client, template, value):
    assert_not_found(client, template.format(quote(value, safe="")))


@pytest.mark.parametrize("value", ABSURD_VALUES, ids=lambda value: value[:12])
@pytest.mark.parametrize("path", ["/sitemap-articles.xml", "/sitemap-tags.xml", "/sitemap-news.xml"])
def test_absurd_sitemap_pages(client, path, value):
    assert_not_found(client, path, {"p": value})


@pytest.mark.parametrize("value", ABSURD_VALUES, ids=lambda value: value[:12])
def test_the_sitemap_index_ignores_a_page_it_does_not_have(client, value):
    response = client.get("/sitemap.xml", {"p": value})

    assert response.status_code == 200
    assert response.content == client.get("/sitemap.xml").content


@pytest.mark.parametrize("query", [*ABSURD_VALUES, "\x00article", "article\x00", "article " * 5000])
def test_absurd_searches_give_an_empty_page_or_what_the_words_find(client, query):
    with CaptureQueriesContext(connection) as queries:
        response = assert_not_an_error(client, "/search/", {"q": query, "page": "1"})

    assert response.status_code == 200
    found = listed_titles(response)
    assert found == [] or query.strip("\x00") == "article"
    if len(query) > 200:
        assert len(queries) == 0  # refused before the database is asked


def test_every_parameter_at_once(client):
    assert_not_an_error(
        client, "/search/", {"q": LONG, "page": HUGE, "tag": LONG, "year": "-1", "month": "²"}
    )
