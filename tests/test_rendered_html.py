"""The body as readers see it, rendered once and kept on the article's row (``Article.body_html``).

Every route that writes an article stores its body rendered, stamped with what rendered it: the
admin, an import, feed ingestion, ``loaddata``, the bulk writer. Pages and the API show the stored
HTML only while its stamp is current; a row left behind (an older renderer, a write around save())
is rendered as it is read, and ``manage.py render_articles`` stores it again.
"""

import io
import json
import shutil

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import rendering, writing
from articles.models import Article

from .admin_forms import form_data
from .factories import make_article
from .queries import queries_for
from .test_admin import add_article_form
from .test_import import SEED_FILE
from .test_ingest import GAE_LINK, WORDPRESS, by_link, ingest, make_source
from .test_workflow import CHANGELIST, change_url

pytestmark = pytest.mark.django_db

BODY = "Une **étude** publiée dans [The Lancet](https://www.thelancet.com/x).\n\n- un\n- deux\n"
HOSTILE = (
    '<script>alert("corps")</script>\n\n<img src="x" onerror="alert(1)">\n\n'
    "[un lien](javascript:alert(1)) et <a href=\"javascript:alert(2)\" onclick='alert(3)'>un autre</a>"
)


def stored(article):
    return Article.objects.get(pk=article.pk)


def assert_rendered(article):
    """The row holds the body as a fresh render gives it, under the current stamp."""
    row = stored(article)
    assert row.body_html == rendering.render_markdown(row.body, row.link_rel)
    assert row.rendered_with == rendering.rendered_stamp(row.body, row.link_rel)
    assert row.rendered_with.startswith(f"{rendering.RENDERER_VERSION}:")
    return row


def body_of(response):
    text = response.content.decode()
    return text[text.index('<div class="body">') : text.index("</div>", text.index('<div class="body">'))]


class TestEveryWriterStoresTheBodyRendered:
    def test_the_admin_add_and_change_forms(self, editor_client):
        response = editor_client.post(f"{CHANGELIST}add/", add_article_form(body=BODY))
        assert response.status_code == 302
        article = assert_rendered(Article.objects.get())
        link = '<a href="https://www.thelancet.com/x" rel="noopener noreferrer">The Lancet</a>'
        assert link in article.body_html

        page = editor_client.get(change_url(article))
        response = editor_client.post(change_url(article), form_data(page, body="Un *nouveau* corps."))

        assert response.status_code == 302
        assert "<em>nouveau</em>" in assert_rendered(article).body_html

    def test_import_markdown(self, tmp_path):
        shutil.copy(SEED_FILE, tmp_path / SEED_FILE.name)

        call_command("import_markdown", str(tmp_path), stdout=io.StringIO())

        article = assert_rendered(Article.objects.get())
        assert article.origin == Article.Origin.IMPORTED

    def test_loaddata_of_a_fixture(self, tmp_path):
        fixture = tmp_path / "hostile.json"
        fields = {
            "title": "Chargé d’un fichier",
            "permalink": "2024-05-24-charge",
            "status": "published",
            "published_at": "2024-05-24T13:22:26Z",
            "body": HOSTILE + "\n\n" + BODY,
            "origin": "imported",
            "created_at": "2024-05-24T13:22:26Z",
            "updated_at": "2024-05-24T13:22:26Z",
        }
        fixture.write_text(json.dumps([{"model": "articles.article", "fields": fields}]))

        call_command("loaddata", str(fixture), verbosity=0)

        article = assert_rendered(Article.objects.get())
        assert 'rel="noopener noreferrer nofollow"' in article.body_html  # not written here
        assert_harmless(article.body_html)

    def test_the_bulk_writer(self):
        new = [
            writing.prepare(Article(title=f"En lot {number}", body=f"{BODY}\n\nNuméro **{number}**."))
            for number in range(3)
        ]

        writing.create_articles(new)

        for article in Article.objects.all():
            assert f"<strong>{article.title[-1]}</strong>" in assert_rendered(article).body_html

    def test_the_writer_updating_a_stored_article(self):
        article = make_article(body="Premier corps.")

        article.body = "Second **corps**."
        writing.save_article(article)

        assert "<strong>corps</strong>" in assert_rendered(article).body_html

    def test_a_save_naming_the_body_among_its_fields(self):
        article = make_article(body="Premier corps.")

        article.body = "Second **corps**."
        article.save(update_fields=["body"])

        assert "<strong>corps</strong>" in assert_rendered(article).body_html

    def test_feed_ingestion(self):
        make_source(tags=["France"])

        out, err, status = ingest("--source", "Interventional News", WORDPRESS)

        assert status == 0, err
        for article in Article.objects.all():
            assert_rendered(article)
        assert by_link(GAE_LINK).origin == Article.Origin.INGESTED


def assert_harmless(html):
    lowered = html.lower()
    for sign in ("<script", "onerror", "onclick", "javascript:"):
        assert sign not in lowered, html


class TestHostileBodies:
    def test_script_and_event_handlers_are_not_stored(self, client):
        article = make_article(body=HOSTILE)

        row = assert_rendered(article)

        assert_harmless(row.body_html)
        assert "un lien" in row.body_html and "un autre" in row.body_html
        assert_harmless(body_of(client.get(article.get_absolute_url())))

    @pytest.mark.parametrize("body", ["[" * 4000, "![" * 3000, "<http://a" * 5000, "> " * 20000])
    def test_markup_that_would_take_seconds_is_shown_as_plain_text(self, client, body):
        """Python-Markdown took 3 to 6 s on each of these; they are never given to it (how long
        a save takes is measured by bench/hostile_bodies.py, not here)."""
        body += "\n\n<script>alert(1)</script>"
        assert rendering.markup_work(body) > rendering.MAX_MARKUP_WORK

        article = make_article(body=body)

        row = assert_rendered(article)
        assert row.body_html.startswith("<p>") and "&lt;script&gt;" in row.body_html
        assert_harmless(row.body_html)
        assert client.get(article.get_absolute_url()).status_code == 200

    def test_ordinary_articles_are_rendered_by_markdown_as_before(self):
        """The bound leaves an article as long as the longest one written by far below it."""
        table = "| Étude | Lien |\n|---|---|\n" + "".join(
            f"| Essai n°{number} | [résultats](https://example.org/{number}) |\n" for number in range(100)
        )
        paragraph = (
            "Une **étude** publiée dans [The Lancet](https://www.thelancet.com/x) montre que le risque "
            "(RR 1,2 ; IC 95 % : 1,1-1,3 ; p < 0,05) augmente chez les *patients* âgés. "
        ) * 12
        long_article = "\n\n".join([paragraph] * 40 + [table])
        assert len(long_article.split()) > 9000

        assert rendering.markup_work(long_article) < rendering.MAX_MARKUP_WORK
        html = rendering.render_markdown(long_article)
        assert html.count("<table>") == 1 and html.count("<strong>étude</strong>") == 480


class TestNeverStale:
    def test_a_body_changed_around_save_is_shown_as_it_now_reads(self, client):
        article = make_article(body="L’ancien corps.")
        Article.objects.filter(pk=article.pk).update(body="Le **nouveau** corps.")

        page = client.get(article.get_absolute_url())

        assert "<strong>nouveau</strong>" in body_of(page) and "ancien" not in body_of(page)
        call_command("render_articles", "--all", stdout=io.StringIO())
        assert_rendered(article)

    def test_a_row_rendered_by_another_renderer_is_rendered_again_then_stored_by_the_command(self, client):
        article = make_article(body=BODY)
        other = make_article(body="Déjà **à jour**.")
        Article.objects.filter(pk=article.pk).update(rendered_with="0:ancien", body_html="<p>Périmé</p>")

        assert "The Lancet</a>" in body_of(client.get(article.get_absolute_url()))
        response = client.get(f"/api/v1/articles/{article.permalink}")
        assert "Périmé" not in response.json()["body_html"]
        assert "The Lancet</a>" in response.json()["body_html"]

        out = io.StringIO()
        call_command("render_articles", stdout=out)
        assert out.getvalue().splitlines()[0] == "1 of 2 articles rendered again."
        assert_rendered(article)
        assert_rendered(other)

        out = io.StringIO()
        call_command("render_articles", stdout=out)
        assert out.getvalue().splitlines()[0] == "0 of 2 articles rendered again."

        out = io.StringIO()
        call_command("render_articles", "--all", "--batch-size", "1", stdout=out)
        assert out.getvalue().splitlines()[0] == "2 of 2 articles rendered again."

    def test_a_row_written_by_sql_without_its_rendering(self, client):
        article = make_article(body="Un corps.")
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE articles_article SET body = %s, body_html = '', rendered_with = '' WHERE id = %s",
                [HOSTILE, article.pk],
            )

        assert_harmless(body_of(client.get(article.get_absolute_url())))
        call_command("render_articles", stdout=io.StringIO())
        assert_harmless(assert_rendered(article).body_html)

    def test_a_change_of_origin_changes_the_rel_of_its_links(self):
        article = make_article(body=BODY)
        article.origin = Article.Origin.INGESTED
        article.save()

        assert 'rel="noopener noreferrer nofollow"' in assert_rendered(article).body_html


class TestQueries:
    def test_the_article_page_costs_the_same_queries_stored_or_rendered_now(self, client):
        article = make_article(body=BODY, tags=["Cardiologie"], image=True, source=True)
        url = article.get_absolute_url()
        client.get(url)
        stored_count = queries_for(client, url)

        Article.objects.filter(pk=article.pk).update(rendered_with="")
        assert queries_for(client, url) == stored_count

    def test_no_query_reads_the_rendered_body_on_its_own(self, client):
        """The stored body comes with the article's row, never as a deferred field read later."""
        article = make_article(body=BODY, published_at=timezone.now())
        with CaptureQueriesContext(connection) as captured:
            assert client.get(article.get_absolute_url()).status_code == 200
        for query in captured:
            if "body_html" in query["sql"] or "rendered_with" in query["sql"]:
                assert '"title"' in query["sql"], query["sql"]
