"""Migrations keep what a running site holds: a database made by older migrations comes through whole."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from articles.models import Article
from intake.models import IngestedItem, Source, TaggedSource

MOVED = ("source", "ingesteditem", "taggedsource")


def before_the_move():
    """The articles migration that the move of feed intake out of articles follows, and the models
    as they were there (every other app's as they are now)."""
    loader = MigrationExecutor(connection).loader
    graph = loader.graph
    move = next(key for key in graph.nodes if key[0] == "articles" and key[1].endswith("_move_intake_models"))
    parent = next(node.key for node in graph.node_map[move].parents if node.key[0] == "articles")
    # Apps whose migrations follow the move (intake's, people's bylines, the letter's) are left out too.
    leaves = graph.leaf_nodes()
    others = [leaf for leaf in leaves if leaf[0] != "articles" and move not in graph.forwards_plan(leaf)]
    return parent, loader.project_state([parent, *others]).apps


@pytest.mark.django_db(transaction=True)
def test_feed_sources_and_their_items_come_through_the_move_to_intake_with_their_rights_and_history():
    parent, old = before_the_move()
    call_command("migrate", *parent, verbosity=0)
    tables = connection.introspection.table_names()
    assert {"articles_source", "articles_ingesteditem", "articles_taggedsource"} <= set(tables)

    OldArticle, OldTag = old.get_model("articles", "Article"), old.get_model("articles", "Tag")
    OldSource, OldItem = old.get_model("articles", "Source"), old.get_model("articles", "IngestedItem")
    article = OldArticle.objects.create(
        title="Embolisation prostatique", slug="embolisation", permalink="2024-05-24-embolisation"
    )
    source = OldSource.objects.create(
        name="Interventional News", feed_url="https://interventionalnews.com/feed/"
    )
    old.get_model("articles", "TaggedSource").objects.create(
        content_object=source, tag=OldTag.objects.create(name="Actualité", slug="actualite")
    )
    OldItem.objects.create(
        link_normalized="https://interventionalnews.com/pae",
        source=source,
        article=article,
        fingerprint="f" * 64,
    )
    OldContentType = old.get_model("contenttypes", "ContentType")
    source_type = OldContentType.objects.get(app_label="articles", model="source")
    curator = old.get_model("auth", "User").objects.create(username="curatrice", is_staff=True)
    curator.user_permissions.add(
        old.get_model("auth", "Permission").objects.get(content_type=source_type, codename="change_source")
    )
    old.get_model("admin", "LogEntry").objects.create(
        user=curator,
        content_type=source_type,
        object_id=str(source.pk),
        object_repr=source.name,
        action_flag=CHANGE,
        action_time=timezone.now(),
    )

    call_command("migrate", verbosity=0)
    ContentType.objects.clear_cache()

    moved = Source.objects.get()
    assert (moved.pk, moved.name, list(moved.tags.names())) == (
        source.pk,
        "Interventional News",
        ["Actualité"],
    )
    assert TaggedSource.objects.get().content_object == moved
    item = IngestedItem.objects.get()
    assert (item.source, item.article) == (moved, Article.objects.get(permalink="2024-05-24-embolisation"))
    assert Article.objects.get().ingested_item == item
    assert User.objects.get(username="curatrice").has_perm("intake.change_source")
    assert LogEntry.objects.get().get_edited_object() == moved
    assert not ContentType.objects.filter(app_label="articles", model__in=MOVED).exists()
    assert ContentType.objects.filter(app_label="intake", model__in=MOVED).count() == 3
    tables = set(connection.introspection.table_names())
    assert {"intake_source", "intake_ingesteditem", "intake_taggedsource"} <= tables
    assert not tables & {"articles_source", "articles_ingesteditem", "articles_taggedsource"}
    # The renamed tables still take new rows, their keys following on.
    assert Source.objects.create(name="Santé", feed_url="https://sante.example.org/feed").pk > moved.pk


@pytest.mark.django_db(transaction=True)
def test_the_editors_note_each_article_had_becomes_the_first_note_of_its_thread():
    graph = MigrationExecutor(connection).loader.graph
    notes = next(key for key in graph.nodes if key[0] == "articles" and key[1].endswith("_article_notes"))
    parent = next(node.key for node in graph.node_map[notes].parents if node.key[0] == "articles")
    call_command("migrate", *parent, verbosity=0)
    old = MigrationExecutor(connection).loader.project_state(parent).apps
    OldArticle = old.get_model("articles", "Article")
    sent_back = OldArticle.objects.create(
        title="Renvoyé", slug="renvoye", permalink="2026-12-01-renvoye", review_note="Citez la source."
    )
    OldArticle.objects.create(title="Sans note", slug="sans-note", permalink="2026-12-01-sans-note")

    call_command("migrate", verbosity=0)

    article = Article.objects.get(pk=sent_back.pk)
    [note] = article.notes.all()
    assert (note.kind, note.text, note.author, note.created_at) == (
        "sent_back",
        "Citez la source.",
        None,
        article.updated_at,
    )
    assert Article.objects.get(title="Sans note").notes.count() == 0


@pytest.mark.django_db(transaction=True)
def test_sources_start_their_health_from_their_last_fetch_and_newest_item():
    before = ("intake", "0004_rules_categories_footer")
    call_command("migrate", *before, verbosity=0)
    old = MigrationExecutor(connection).loader.project_state([before]).apps
    OldSource, OldItem = old.get_model("intake", "Source"), old.get_model("intake", "IngestedItem")
    fetched = timezone.now() - timezone.timedelta(hours=3)
    good = OldSource.objects.create(
        name="Lu", feed_url="https://lu.example.org/feed", last_outcome="ok", last_fetched_at=fetched
    )
    OldSource.objects.create(
        name="En panne",
        feed_url="https://panne.example.org/feed",
        last_outcome="failed",
        last_fetched_at=fetched,
    )
    OldSource.objects.create(name="Jamais lu", feed_url="https://jamais.example.org/feed")
    item = OldItem.objects.create(
        link_normalized="https://lu.example.org/a", source=good, fingerprint="f" * 64
    )

    call_command("migrate", verbosity=0)

    health = {
        source.name: (
            source.last_success_at,
            source.failing_since,
            source.consecutive_failures,
            source.last_new_item_at,
        )
        for source in Source.objects.all()
    }
    assert health == {
        "Lu": (fetched, None, 0, item.first_seen_at),
        "En panne": (None, fetched, 1, None),
        "Jamais lu": (None, None, 0, None),
    }
