"""The read-only JSON API under /api/v1/: what it shows (published() alone), how it pages, what it
refuses, and its HTTP (ETag, CORS, cache, 405), every answer checked against its OpenAPI document."""

import uuid
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openapi_spec_validator import validate

from articles import workflow, writing
from articles.models import Article, Correction, SourceLink, Story, Tag

from .factories import make_article, make_uploaded_image
from .openapi import document, valid

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles"
TAGS = "/api/v1/tags"


def detail_url(article):
    return f"/api/v1/articles/{article.permalink}"


def permalinks(client, url=LIST, **query):
    response = client.get(url, query)
    assert response.status_code == 200, response.content
    return [item["permalink"] for item in valid(response)["items"]]


@pytest.fixture
def page_cache(settings):
    """The page cache on, as in production (the test settings turn it off)."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(uuid.uuid4()),
        },
    }


def hidden_articles():
    """One article of each kind readers never see."""
    now = timezone.now()
    return [
        make_article(title="Brouillon", status=Article.Status.DRAFT, tags=["Caché"]),
        make_article(title="En relecture", status=Article.Status.REVIEW, tags=["Caché"]),
        make_article(title="Programmé", published_at=now + timedelta(days=1), tags=["Caché"]),
        make_article(
            title="Expiré",
            published_at=now - timedelta(days=3),
            expires_at=now - timedelta(days=1),
            tags=["Caché"],
        ),
        make_article(title="Dépublié", status=Article.Status.UNPUBLISHED, tags=["Caché"]),
        make_article(title="Archivé", status=Article.Status.ARCHIVED, tags=["Caché"]),
    ]


# The document


def test_the_openapi_document_is_valid_and_served(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    served = response.json()
    validate(served)
    assert served == document()
    assert served["openapi"].startswith("3.")
    assert set(served["paths"]) == {"/api/v1/articles", "/api/v1/articles/{permalink}", "/api/v1/tags"}
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_documentation_page_lists_every_operation_under_the_site_s_policy(client):
    article = make_article(tags=["Cardiologie"])

    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    page = response.content.decode()
    for path in document()["paths"]:
        assert f"GET {path}</code>" in page
    assert f"curl -i &#39;http://testserver/api/v1/articles/{article.permalink}&#39;" in page
    assert "curl -i &#39;http://testserver/api/v1/articles?tag=cardiologie&#39;" in page
    assert "http://testserver/api/v1/openapi.json" in page
    assert "<h1>L’API</h1>" in page and "Les articles, du plus récent au plus ancien" in page
    assert "<script" not in page and "style=" not in page
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert client.get("/api/v1/").url == "/api/v1/docs"


# What it shows


def test_a_full_article_as_the_site_shows_it(client, media_root):
    reviewer = make_person(
        "Anne Leroy", honorific="Dr", credentials="Radiologue", orcid="https://orcid.org/0000-0001"
    )
    article = make_article(
        title="Radiologie : un essai européen",
        body="Le texte, avec [un lien interne](/papers/autre) et <script>alert(1)</script> **gras**.",
        tags=["Radiologie", "Europe"],
        source=writing.Source("https://journal.example.org/a?utm_source=x", publisher="Journal"),
        reviewed_by=reviewer,
        reviewed_on=timezone.localdate(),
    )
    make_uploaded_image(article)
    article.bylines.create(person=make_person("Hugo Bernard"), position=1)
    SourceLink.objects.create(
        article=article, kind=SourceLink.Kind.RELATED, url="https://further.example.org/"
    )
    Correction.objects.create(article=article, text="Un chiffre corrigé.", published_at=timezone.now())
    covered_by_another_source(article)

    response = client.get(detail_url(article))

    assert response.status_code == 200
    data = valid(response)
    assert data["title"] == "Radiologie : un essai européen"
    assert "un essai européen".encode() in response.content  # UTF-8, not \u00e9
    assert data["url"] == f"http://testserver/papers/{article.permalink}"
    assert data["language"] == "fr" and response["Content-Language"] == "fr"
    assert '<a href="http://testserver/papers/autre" rel="noopener noreferrer">' in data["body_html"]
    assert "<script" not in data["body_html"] and "<strong>gras</strong>" in data["body_html"]
    assert [tag["name"] for tag in data["tags"]] == ["Europe", "Radiologie"]
    assert data["source"] == {"url": "https://journal.example.org/a", "publisher": "Journal"}
    assert data["further_reading"] == [{"url": "https://further.example.org/", "publisher": ""}]
    assert data["coverage"] == [{"url": "https://other.example.org/story", "publisher": "Autre"}]
    assert [note["text"] for note in data["notes"]] == ["Un chiffre corrigé."]
    assert [person["name"] for person in data["authors"]] == ["Hugo Bernard"]
    assert data["medical_review"]["reviewer"]["name"] == "Dr Anne Leroy"
    assert data["medical_review"]["reviewer"]["same_as"] == ["https://orcid.org/0000-0001"]
    image = data["image"]
    assert image["src"].startswith("http://testserver/media/images/")
    assert image["credit_line"] == "Photo : Hôpital Exemple — CC BY 4.0"
    assert [copy["width"] for copy in image["renditions"]["webp"]] == [320, 640, 960, 1280]
    assert all(
        copy["url"].startswith("http://testserver/media/renditions/")
        for copy in image["renditions"]["fallback"]
    )


def make_person(name, **fields):
    from people.models import Person

    return Person.objects.create(name=name, **fields)


def covered_by_another_source(article):
    """Another source's article of the same story, archived as the review page leaves it."""
    other = make_article(
        status=Article.Status.ARCHIVED,
        source=writing.Source("https://other.example.org/story", publisher="Autre"),
    )
    story = Story.objects.create()
    Article.objects.filter(pk__in=[article.pk, other.pk]).update(story=story)


def test_drafts_scheduled_and_expired_articles_never_appear(client):
    public = make_article(title="Public", tags=["Visible"])
    hidden = hidden_articles()

    assert permalinks(client) == [public.permalink]
    assert permalinks(client, since="2000-01-01") == [public.permalink]
    for article in hidden:
        response = client.get(detail_url(article))
        assert response.status_code == 404, article.title
        assert valid(response) == {"detail": "No public article has this permalink."}
    tags = valid(client.get(TAGS))["items"]
    assert [tag["name"] for tag in tags] == ["Visible"]
    assert client.get(LIST, {"tag": Tag.objects.get(name="Caché").slug}).status_code == 404


def test_internal_tags_are_never_shown_nor_filtered_by(client):
    article = make_article(tags=["Cardiologie"])
    internal = Tag.objects.create(name="Flux Medscape", is_internal=True)
    article.tags.add(internal)

    assert [tag["name"] for tag in valid(client.get(TAGS))["items"]] == ["Cardiologie"]
    assert [tag["name"] for tag in valid(client.get(detail_url(article)))["tags"]] == ["Cardiologie"]
    assert valid(client.get(LIST, {"tag": internal.slug})) == {
        "detail": "No public tag has the slug “flux-medscape”."
    }


def test_an_old_address_moves_and_a_withdrawn_article_is_gone(client, editor):
    article = make_article(title="Ancien titre")
    old = article.permalink
    article.slug = "nouveau-titre"
    article.permalink = ""
    article.save()
    withdrawn = make_article(title="Retiré")
    workflow.apply(editor, withdrawn, "unpublish", notice="Une erreur de dosage.")

    moved = client.get(f"/api/v1/articles/{old}")
    gone = client.get(detail_url(withdrawn))

    assert moved.status_code == 301
    assert moved["Location"] == f"http://testserver/api/v1/articles/{article.permalink}"
    valid(moved)
    assert gone.status_code == 410
    assert valid(gone)["reason"] == "Une erreur de dosage."


# Pages, filters and parameters


def test_newest_first_a_page_at_a_time(client):
    articles = [make_article() for _ in range(5)]  # each an hour older than the one before

    first = valid(client.get(LIST, {"limit": 2}))
    second = valid(client.get(first["next"]))
    third = valid(client.get(second["next"]))

    pages = [[item["permalink"] for item in page["items"]] for page in (first, second, third)]
    assert pages == [[a.permalink for a in articles[i : i + 2]] for i in (0, 2, 4)]
    assert parse_qs(urlsplit(first["next"]).query)["limit"] == ["2"]
    assert third["next"] is None and third["next_cursor"] is None


def test_pages_stay_put_when_articles_are_published_or_unpublished_meanwhile(client):
    now = timezone.now()
    articles = [make_article(published_at=now - timedelta(hours=hours)) for hours in range(1, 7)]
    # Two at the same second: the id orders them, and the cursor holds it.
    twin = make_article(published_at=articles[1].published_at)
    in_order = sorted([*articles, twin], key=lambda a: (a.published_at, a.pk), reverse=True)

    first = valid(client.get(LIST, {"limit": 3}))
    make_article(title="Toute nouvelle", published_at=now - timedelta(minutes=1))
    Article.objects.filter(pk=in_order[0].pk).update(status=Article.Status.UNPUBLISHED)
    rest = []
    url = first["next"]
    while url:
        page = valid(client.get(url))
        rest += [item["permalink"] for item in page["items"]]
        url = page["next"]

    assert [item["permalink"] for item in first["items"]] == [a.permalink for a in in_order[:3]]
    assert rest == [a.permalink for a in in_order[3:]]


def test_by_tag_and_since(client):
    now = timezone.now()
    old_cardio = make_article(published_at=now - timedelta(days=10), tags=["Cardiologie"])
    new_cardio = make_article(published_at=now - timedelta(days=1), tags=["Cardiologie", "Europe"])
    new_other = make_article(published_at=now - timedelta(days=2), tags=["Neurologie"])
    updated = make_article(published_at=now - timedelta(days=20), modified_at=now - timedelta(hours=1))
    since = (now - timedelta(days=3)).isoformat()

    assert permalinks(client, tag="cardiologie") == [new_cardio.permalink, old_cardio.permalink]
    assert permalinks(client, since=since) == [new_cardio.permalink, new_other.permalink, updated.permalink]
    assert permalinks(client, since=since, tag="cardiologie") == [new_cardio.permalink]
    day = timezone.localdate(now - timedelta(days=2)).isoformat()
    assert new_other.permalink in permalinks(client, since=day)
    assert permalinks(client, since=now.isoformat()) == []
    # A public tag with no article since: an empty page, not a 404 (the tag is known).
    assert permalinks(client, since=now.isoformat(), tag="neurologie") == []
    tags = {tag["name"]: tag for tag in valid(client.get(TAGS))["items"]}
    assert tags["Cardiologie"]["articles"] == "http://testserver/api/v1/articles?tag=cardiologie"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"cursor": "pas-un-curseur!"}, "Invalid cursor"),
        ({"cursor": "bm90LWEtY3Vyc29y"}, "Invalid cursor"),  # "not-a-cursor"
        ({"cursor": "MTIzLjA"}, "Invalid cursor"),  # "123.0": no article 0
        ({"cursor": "OTk5OTk5OTk5OTk5OTk5OTk5OTkuMQ"}, "Invalid cursor"),  # beyond year 9999
        ({"cursor": ""}, "Invalid cursor"),
        ({"since": "hier"}, "Invalid since"),
        ({"since": "2024-13-01"}, "Invalid since"),
        ({"since": "2024-05-24T25:00"}, "Invalid since"),
        ({"since": ""}, "Invalid since"),
        ({"tag": "<script>"}, "Invalid tag"),
        ({"tag": ""}, "Invalid tag"),
        ({"limit": "tous"}, "Invalid parameters: limit"),
        ({"limit": "0"}, "Invalid parameters: limit"),
        ({"limit": "101"}, "Invalid parameters: limit"),
    ],
)
def test_a_parameter_it_cannot_read_is_a_400_that_says_why(client, query, message):
    make_article()

    response = client.get(LIST, query)

    assert response.status_code == 400
    assert valid(response)["detail"].startswith(message)
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("permalink", ["a%00b", "x" * 301, "%01", "%C3%A9t%C3%A9-" + "é" * 300])
def test_a_permalink_no_article_could_have_is_a_404_unread(client, permalink):
    make_article()

    response = client.get(f"/api/v1/articles/{permalink}")

    assert response.status_code == 404
    assert valid(response) == {"detail": "No public article has this permalink."}


def test_since_with_an_offset_typed_unencoded(client):
    article = make_article(published_at=timezone.now() - timedelta(hours=1))

    assert permalinks(client, since="2000-01-01T10:00:00 02:00") == [article.permalink]


# HTTP


def test_a_repeat_request_with_its_etag_gets_304(client):
    make_article()
    first = client.get(LIST)

    again = client.get(LIST, headers={"if-none-match": first["ETag"]})
    other = client.get(LIST, headers={"if-none-match": '"autre"'})

    assert first["ETag"].startswith('"')
    assert again.status_code == 304 and again.content == b""
    assert again["Access-Control-Allow-Origin"] == "*"
    assert other.status_code == 200


def test_any_origin_may_read_but_never_with_credentials(client):
    make_article()

    answer = client.get(LIST, headers={"origin": "https://intranet.example.org"})
    preflight = client.options(
        LIST,
        headers={
            "origin": "https://intranet.example.org",
            "access-control-request-method": "GET",
            "access-control-request-headers": "if-none-match",
        },
    )

    assert answer["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in answer["Access-Control-Expose-Headers"]
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]
    for response in (answer, preflight):
        assert not response.has_header("Access-Control-Allow-Credentials")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", [LIST, TAGS, "/api/v1/openapi.json", "ARTICLE"])
def test_it_is_read_only(client, method, url):
    article = make_article()
    url = detail_url(article) if url == "ARTICLE" else url

    response = getattr(client, method)(url, {"title": "Piraté"}, content_type="application/json")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert not response.has_header("Access-Control-Allow-Origin")
    assert Article.objects.get(pk=article.pk).title == article.title


def test_head_answers_as_get_without_a_body(client):
    make_article()

    response = client.head(LIST)

    assert response.status_code == 200 and response.content == b""
    assert response["Content-Type"].startswith("application/json")
    assert response["ETag"] == client.get(LIST)["ETag"]


def test_anonymous_answers_are_the_same_for_an_editor_and_set_no_cookie(client, editor):
    make_article()
    anonymous = client.get(LIST)
    editor_client = Client()
    editor_client.force_login(editor)

    logged_in = editor_client.get(LIST)

    assert logged_in.content == anonymous.content
    for response in (anonymous, logged_in):
        assert not response.cookies
        assert "Cookie" not in response.get("Vary", "")
        assert "public" in response["Cache-Control"]


# The cache


def test_a_repeat_request_is_served_from_the_cache_without_a_query(client, page_cache):
    article = make_article(tags=["Cardiologie"])
    for url in (LIST, detail_url(article), TAGS):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        assert len(captured) == 0, url


def test_an_article_unpublished_leaves_at_once_and_one_published_appears_at_once(client, page_cache, editor):
    shown = make_article(title="Bientôt retiré", tags=["Cardiologie", "Ancien sujet"])
    draft = make_article(
        title="Brouillon prêt", status=Article.Status.REVIEW, tags=["Cardiologie", "Nouveau"]
    )
    urls = [LIST, f"{LIST}?tag=cardiologie", detail_url(shown), TAGS]
    before = {url: client.get(url) for url in urls}
    assert all(response.status_code == 200 for response in before.values())

    workflow.apply(editor, shown, "unpublish")
    workflow.apply(editor, draft, "publish")

    assert permalinks(client) == [draft.permalink]
    assert permalinks(client, tag="cardiologie") == [draft.permalink]
    assert client.get(detail_url(shown)).status_code == 404
    assert client.get(detail_url(draft)).status_code == 200
    assert [tag["name"] for tag in valid(client.get(TAGS))["items"]] == ["Cardiologie", "Nouveau"]
    # A client holding the old answer's ETag gets the new answer, not a 304.
    for url in (LIST, TAGS):
        assert client.get(url, headers={"if-none-match": before[url]["ETag"]}).status_code == 200


# Query counts: tests/test_queries_api_authors_digests.py


# Hostile content


def test_hostile_content_comes_out_as_data_its_html_sanitized(client):
    """The hostile fixture and file (tests/test_hostile.py): every answer as the document says, the
    body HTML without a script, an event handler or a script URL, and no script URL anywhere."""
    from .hostile import executable_markup, json_script_urls
    from .test_hostile import load_hostile_content

    load_hostile_content()
    assert any("<script" in article.body for article in Article.objects.published())
    listed, url = [], LIST
    while url:
        page = valid(client.get(url))
        listed += page["items"]
        url = page["next"]
    assert listed
    for item in listed:
        detail = valid(client.get(item["api_url"]))
        assert executable_markup(detail["body_html"]) == [], item["permalink"]
        assert json_script_urls(detail) == [], item["permalink"]
    assert json_script_urls(listed) == []
    assert json_script_urls(valid(client.get(TAGS))) == []
