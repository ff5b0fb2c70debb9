"""Cached public pages only read: a method other than GET, HEAD or OPTIONS is a 405, whatever the
view (function views such as the sitemaps and the API's documentation answered TRACE with the page)."""

import pytest

from .factories import make_article

pytestmark = pytest.mark.django_db

ADDRESSES = ["/sitemap.xml", "/sitemap-articles.xml", "/api/v1/docs", "/", "/feed/", "/tags/sante/feed/"]


@pytest.mark.parametrize("url", ADDRESSES)
@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE", "FOO"])
def test_a_public_page_refuses_other_methods(client, url, method):
    make_article(title="Une page publique", tags=["Santé"])
    response = client.generic(method, url)
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert b"Une page publique" not in response.content


@pytest.mark.parametrize("url", ADDRESSES)
def test_a_public_page_still_answers_get_and_head(client, url):
    make_article(title="Une page publique", tags=["Santé"])
    assert client.get(url).status_code == 200
    assert client.head(url).status_code == 200


@pytest.mark.parametrize("url", ADDRESSES)
def test_options_says_what_is_allowed_without_the_page(client, url):
    make_article(title="Une page publique", tags=["Santé"])
    response = client.options(url)
    assert response.status_code == 200
    assert set(response["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert response.content == b""
