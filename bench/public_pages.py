"""Benchmark of the public pages: time and queries per page with many articles.

    .venv/bin/python bench/public_pages.py [ARTICLES]                       # SQLite
    .venv/bin/python -m tests.pgcluster .venv/bin/python bench/public_pages.py [ARTICLES]  # PostgreSQL

Builds a throwaway test database (Django's test-database machinery, as the test
suite does), fills it with ARTICLES published articles (default 2,000) with tags,
image credits and sources, then requests each page through the test client and
prints the median and worst time of 20 requests and the number of queries.
Nothing is asserted: speed goals are read here, not enforced by timed tests.
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.test_settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

REPEAT = 20
WORDS = [
    "radiothérapie",
    "embolisation",
    "cardiologie",
    "oncologie",
    "essai",
    "recommandation",
    "patients",
    "étude",
]


def fill(count):
    from articles.models import Article, ImageCredit, SourceLink, Tag, TaggedArticle

    now = timezone.now()
    tags = [Tag.objects.create(name=f"Sujet {number}") for number in range(40)]
    articles = Article.objects.bulk_create(
        Article(
            title=f"{WORDS[number % len(WORDS)].capitalize()} : article {number}",
            slug=f"article-{number}",
            permalink=f"{(now - timedelta(hours=number)):%Y-%m-%d}-article-{number}",
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(hours=number),
            summary=" ".join(WORDS[(number + k) % len(WORDS)] for k in range(30)),
            body="\n\n".join(" ".join(WORDS) for _ in range(10)),
            importance=(number % 4) + 1,
        )
        for number in range(count)
    )
    TaggedArticle.objects.bulk_create(
        TaggedArticle(content_object=article, tag=tags[(article.pk + offset) % len(tags)])
        for article in articles
        for offset in (0, 11, 23)
    )
    ImageCredit.objects.bulk_create(
        ImageCredit(article=a, image_url=f"https://img.example.org/{a.pk}.jpg", alt_text="x", credit="y")
        for a in articles
    )
    SourceLink.objects.bulk_create(
        SourceLink(
            article=a,
            url=f"https://news.example.org/{a.pk}",
            url_normalized=f"https://news.example.org/{a.pk}",
        )
        for a in articles
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return articles


def measure(client, url, data=None):
    timings = []
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, data)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings), max(timings), len(queries)


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        started = time.perf_counter()
        articles = fill(count)
        print(f"{connection.vendor}: {count} articles made in {time.perf_counter() - started:.1f} s")
        today = timezone.localdate(articles[0].published_at)
        pages = [
            ("home", "/", None),
            ("home, page 10", "/", {"page": 10}),
            ("article", articles[5].get_absolute_url(), None),
            ("tag", "/tags/sujet-7/", None),
            ("archive month", f"/archives/{today.year}/{today.month:02d}/", None),
            ("search, one word", "/search/", {"q": "radiothérapie"}),
            ("search, three words", "/search/", {"q": "essai patients étude"}),
            ("search, 10,000 characters", "/search/", {"q": "a" * 10_000}),
            ("search, punctuation only", "/search/", {"q": "?!;…" * 20}),
            ("RSS feed", "/feed/", None),
            ("sitemap index", "/sitemap.xml", None),
            ("sitemap of articles", "/sitemap-articles.xml", None),
        ]
        client = Client()
        print(f"{'page':28} {'median ms':>10} {'worst ms':>10} {'queries':>8}")
        for name, url, data in pages:
            median, worst, queries = measure(client, url, data)
            print(f"{name:28} {median:10.1f} {worst:10.1f} {queries:8d}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
