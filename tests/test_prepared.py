"""The public pages' queries compiled once (articles.prepared): each request's own values, never
the first request's, and never a query whose SQL a value would change.

Each page below is asked for once before the change, so that its queries are compiled with other
values than those of the request that must see the change.
"""

import gc
import threading
import time
import weakref
from datetime import timedelta

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from articles import views
from articles.models import Article, ArticleAuthor
from articles.prepared import Prepared
from people.models import Person

from .factories import make_article
from .pages import listed_titles, related_titles

pytestmark = pytest.mark.django_db


def sign(article, person):
    ArticleAuthor.objects.create(article=article, person=person, position=1)


def test_a_scheduled_article_appears_on_every_page_at_its_time(client):
    anne = Person.objects.create(name="Dr Anne Leroy")
    sign(make_article(title="Article déjà public", tags=["Cardiologie"]), anne)
    soon = timezone.now() + timedelta(seconds=3)  # room for the first look on a slow machine
    scheduled = make_article(title="Article programmé", tags=["Cardiologie"], published_at=soon)
    sign(scheduled, anne)
    pages = ["/", "/tags/cardiologie/", anne.get_absolute_url(), "/feed/", "/tags/cardiologie/feed/"]

    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Article déjà public" in response.content.decode(), url
        assert "Article programmé" not in response.content.decode(), url
    assert client.get(scheduled.get_absolute_url()).status_code == 404

    time.sleep(max(0, (soon - timezone.now()).total_seconds()) + 0.1)

    for url in pages:
        assert "Article programmé" in client.get(url).content.decode(), url
    assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_each_tag_and_person_gets_its_own_articles(client):
    for number in range(3):
        make_article(title=f"Cardio {number}", tags=["Cardiologie"])
        make_article(title=f"Onco {number}", tags=["Oncologie"])
    anne, paul = Person.objects.create(name="Anne Leroy"), Person.objects.create(name="Paul Martin")
    sign(Article.objects.get(title="Cardio 0"), anne)
    sign(Article.objects.get(title="Onco 1"), paul)

    assert listed_titles(client.get("/tags/cardiologie/")) == ["Cardio 0", "Cardio 1", "Cardio 2"]
    assert listed_titles(client.get("/tags/oncologie/")) == ["Onco 0", "Onco 1", "Onco 2"]
    assert "Cardio 0" in client.get(anne.get_absolute_url()).content.decode()
    assert "Onco 1" in client.get(paul.get_absolute_url()).content.decode()
    assert "Cardio 0" not in client.get(paul.get_absolute_url()).content.decode()
    assert client.get("/tags/inconnu/").status_code == 404
    assert client.get("/authors/personne-inconnue/").status_code == 404


def test_a_first_page_read_at_one_size_then_another_shows_the_second_size(client, monkeypatch):
    """The page size is in the compiled SQL (its LIMIT): a list read with 2 articles a page, then
    with 20, on the same connection, shows 20 (it showed 2 when the first compile was kept)."""
    anne = Person.objects.create(name="Anne Leroy")
    for number in range(25):
        sign(make_article(title=f"Cardio {number}", tags=["Cardiologie"]), anne)
    pages = ["/", "/tags/cardiologie/", anne.get_absolute_url()]

    monkeypatch.setattr(views.PublishedArticleMixin, "paginate_by", 2)
    assert [len(listed_titles(client.get(url))) for url in pages] == [2, 2, 2]
    monkeypatch.setattr(views.PublishedArticleMixin, "paginate_by", 20)
    assert [len(listed_titles(client.get(url))) for url in pages] == [20, 20, 20]


def test_related_articles_for_one_tag_then_three(client):
    """One query per number of tags: an article with three tags is not read with one tag's SQL."""
    one = make_article(title="Un seul tag", tags=["Cardiologie"])
    make_article(title="Cardio", tags=["Cardiologie"])
    three = make_article(title="Trois tags", tags=["Cardiologie", "Oncologie", "Pédiatrie"])
    make_article(title="Onco et pédiatrie", tags=["Oncologie", "Pédiatrie"])

    assert related_titles(client.get(one.get_absolute_url())) == ["Cardio", "Trois tags"]
    expected = ["Onco et pédiatrie", "Un seul tag", "Cardio"]
    assert related_titles(client.get(three.get_absolute_url())) == expected


def test_a_value_that_changes_the_sql_is_refused():
    title = Article._meta.get_field("title")
    # icontains wraps the value in % signs: it would not land in the SQL as given.
    wrapped = Prepared(lambda words: Article.objects.filter(title__icontains=words), words=title)
    with pytest.raises(ValueError, match="change the SQL"):
        wrapped(words="grippe")
    exact = Prepared(lambda words: Article.objects.filter(title=words), words=title)
    make_article(title="Grippe")
    assert [article.title for article in exact(words="Grippe")] == ["Grippe"]
    with pytest.raises(ValueError, match="IS NULL"):
        exact(words=None)
    with pytest.raises(TypeError):
        exact(title="Grippe")


@pytest.mark.django_db(transaction=True)
def test_a_finished_threads_connection_is_not_kept():
    """A server that starts a thread per request (runserver) gives each its own connection: the
    queries compiled on it must not keep it, open, once the thread is gone."""
    make_article(title="Un article", tags=["Cardiologie"])
    kept = []

    def request():
        views.ARTICLE_PAGE(now=timezone.now(), permalink=Article.objects.get().permalink)
        kept.append(weakref.ref(connections[DEFAULT_DB_ALIAS]))
        connections[DEFAULT_DB_ALIAS].close()  # as Django does at the end of a request

    for _ in range(3):
        thread = threading.Thread(target=request)
        thread.start()
        thread.join()
    gc.collect()

    assert len(kept) == 3
    assert [ref() for ref in kept] == [None, None, None]
