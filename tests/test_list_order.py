"""A tag's and a person's lists are newest first, whatever writes their articles' dates.

Those lists are read down their own join's index, whose rows (taggings, bylines) hold a copy of
their article's publication time kept by the database (migration 0024). Readers would notice a
copy gone stale as an article out of its place on a tag's or an author's page, or missing from
a page and twice on the next: each test moves dates by the ways a site writes them, and reads
the pages.
"""

import json
import threading
import time
from datetime import timedelta
from importlib import import_module

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Tag
from articles.tagging import LIST_DATES
from articles.views import TagArticleListView
from people.models import Person

from .factories import make_article
from .pages import PAGE_LINK, listed_titles

pytestmark = pytest.mark.django_db

TAG_PAGE = "/tags/oncologie/"
PERSON_PAGE = "/authors/anne-leroy/"


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


@pytest.fixture
def anne():
    return Person.objects.create(name="Anne Leroy")


def signed(anne, title, hours, tags=("Oncologie",)):
    article = make_article(title=title, tags=list(tags), published_at=hours_ago(hours))
    ArticleAuthor.objects.create(article=article, person=anne)
    return article


def both_lists(client):
    return listed_titles(client.get(TAG_PAGE)), listed_titles(client.get(PERSON_PAGE))


def test_the_lists_follow_a_date_changed_by_a_save_an_update_and_raw_sql(client, anne):
    first, second, third = (
        signed(anne, title, hours) for title, hours in [("Un", 3), ("Deux", 2), ("Trois", 1)]
    )
    assert both_lists(client) == (["Trois", "Deux", "Un"],) * 2

    first.published_at = hours_ago(0.5)  # an editor's save
    first.save()
    assert both_lists(client) == (["Un", "Trois", "Deux"],) * 2

    Article.objects.filter(pk=third.pk).update(published_at=hours_ago(0.2))  # a queryset's update()
    assert both_lists(client) == (["Trois", "Un", "Deux"],) * 2

    with connection.cursor() as cursor:  # neither: a script's SQL
        cursor.execute(
            "UPDATE articles_article SET published_at = %s WHERE id = %s", [hours_ago(0.1), second.pk]
        )
    assert both_lists(client) == (["Deux", "Trois", "Un"],) * 2


def test_an_article_scheduled_for_later_joins_the_lists_at_its_time_not_before(client, anne):
    signed(anne, "Publié", 2)
    later = signed(anne, "Programmé", -1)  # an hour from now
    assert both_lists(client) == (["Publié"],) * 2

    Article.objects.filter(pk=later.pk).update(published_at=hours_ago(3))
    assert both_lists(client) == (["Publié", "Programmé"],) * 2


def test_a_tag_and_a_byline_added_later_take_their_articles_date(client, anne):
    signed(anne, "Récent", 1)
    older = make_article(title="Ancien", tags=["Cardiologie"], published_at=hours_ago(5))
    newer = make_article(title="Nouveau", tags=["Cardiologie"], published_at=hours_ago(0.5))

    older.tags.add("Oncologie")  # taggit's m2m
    newer.tags.add("Oncologie")
    ArticleAuthor.objects.bulk_create([ArticleAuthor(article=older, person=anne)])
    ArticleAuthor.objects.create(article=newer, person=anne)

    assert both_lists(client) == (["Nouveau", "Récent", "Ancien"],) * 2


def test_taggings_loaded_before_their_article_take_its_date(client, tmp_path):
    tag = Tag.objects.create(name="Oncologie")
    make_article(title="Déjà là", tags=["Oncologie"], published_at=hours_ago(2))
    pk = Article.objects.order_by("-pk").values_list("pk", flat=True).first() + 100
    moment = hours_ago(1).isoformat()
    fixture = tmp_path / "taggings-first.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "articles.taggedarticle",
                    "pk": 10_000 + pk,
                    "fields": {"content_object": pk, "tag": tag.pk},
                },
                {
                    "model": "articles.article",
                    "pk": pk,
                    "fields": {
                        "title": "Chargé",
                        "slug": "charge",
                        "permalink": f"{moment[:10]}-charge",
                        "status": "published",
                        "published_at": moment,
                        "summary": "Un article chargé après ses étiquettes.",
                        "body": "",
                        "origin": "imported",
                        "created_at": moment,
                        "updated_at": moment,
                    },
                },
            ]
        )
    )
    call_command("loaddata", str(fixture), verbosity=0)

    assert listed_titles(client.get(TAG_PAGE)) == ["Chargé", "Déjà là"]


def test_older_and_newer_links_walk_a_tag_in_order_without_a_gap_or_a_repeat(client, monkeypatch):
    # Ties on the date: the article's id orders them, on the pages and across their boundaries.
    same = hours_ago(3)
    for number in range(7):
        make_article(
            title=f"Article {number}",
            tags=["Oncologie"],
            published_at=same if number % 2 else hours_ago(number),
        )
    make_article(title="Autre étiquette", tags=["Cardiologie"], published_at=hours_ago(1))
    expected = list(Article.objects.filter(tags__name="Oncologie").values_list("title", flat=True))

    monkeypatch.setattr(TagArticleListView, "paginate_by", 2)

    seen, url = [], TAG_PAGE
    while url:
        response = client.get(url)
        seen += listed_titles(response)
        url = dict(PAGE_LINK.findall(response.content.decode())).get("next", "").replace("&amp;", "&")
    assert seen == expected

    last = Article.objects.get(title=expected[-1])
    assert listed_titles(client.get(f"{TAG_PAGE}?page=3&after={last.pk}")) == expected[4:6]


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's planner; PostgreSQL chooses by its statistics"
)
def test_a_tags_page_reads_its_rows_down_the_tags_index_without_sorting_them(client):
    for number in range(30):
        make_article(tags=["Oncologie"], published_at=hours_ago(number))
    client.get(TAG_PAGE)  # the compiled query made
    with CaptureQueriesContext(connection) as captured:
        assert len(listed_titles(client.get(TAG_PAGE))) == 20
    (rows,) = [
        query["sql"] for query in captured if '"articles_taggedarticle"."published_at"' in query["sql"]
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {rows}")  # noqa: S608 -- the page's own SQL, values inline
        plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
    assert "tagged_article_list_idx" in plan
    assert "TEMP B-TREE" not in plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers; PostgreSQL keeps its own")
def test_list_triggers_dropped_by_a_table_rebuild_come_back_after_migrate(client, anne):
    first = signed(anne, "Un", 2)
    signed(anne, "Deux", 1)
    triggers = import_module(LIST_DATES)
    with connection.cursor() as cursor:
        for statement in triggers.SQLITE:
            cursor.execute(f"DROP TRIGGER {triggers.trigger_name(statement)}")
    Article.objects.filter(pk=first.pk).update(published_at=hours_ago(0.5))  # not copied: no trigger
    assert both_lists(client) == (["Deux", "Un"],) * 2  # stale, as readers would see it

    call_command("migrate", verbosity=0)
    assert both_lists(client) == (["Un", "Deux"],) * 2  # copied again

    Article.objects.filter(pk=first.pk).update(published_at=hours_ago(3))
    assert both_lists(client) == (["Deux", "Un"],) * 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_a_tag_and_a_byline_added_while_another_editor_publishes_take_the_new_date(client, anne):
    """Editor A publishes a scheduled article now, in a transaction still open; editor B adds a
    tag and signs it meanwhile. Each transaction missed the other's uncommitted row, and the
    copies kept the scheduled date: the article was public, but missing from its tag's and its
    author's pages until then. B now waits for A's end and copies the date A wrote."""
    article = make_article(title="Programmé", tags=["Cardiologie"], published_at=hours_ago(-48))
    signed(anne, "Déjà publié", 3)
    published = threading.Event()

    def publish_now():
        try:
            with transaction.atomic():
                Article.objects.filter(pk=article.pk).update(published_at=hours_ago(1))
                published.set()
                time.sleep(0.5)  # B writes now
        finally:
            connection.close()

    editor_a = threading.Thread(target=publish_now)
    editor_a.start()
    assert published.wait(10)
    article.tags.add("Oncologie")  # editor B, while A's transaction is open
    ArticleAuthor.objects.create(article=article, person=anne)
    editor_a.join()

    assert both_lists(client) == (["Programmé", "Déjà publié"],) * 2
