"""Corrections, updates and retraction notices, the significant-update rule, and the public notice
(410) an editor may leave on withdrawing an article readers saw."""

import uuid
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains
from reversion.models import Version

from articles import writing
from articles.markdown_format import to_markdown
from articles.models import Article, Correction, PermalinkRedirect

from .admin_forms import form_data
from .factories import make_article
from .hostile import executable_markup, structured_data
from .test_export import empty_database, export, files

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/articles/article/"
ATOM = "{http://www.w3.org/2005/Atom}"
Kind = Correction.Kind


def change_form(client, article):
    response = client.get(f"{CHANGELIST}{article.pk}/change/")
    assert response.status_code == 200
    return form_data(response)


def save(client, article, **changes):
    """Open the article's change form and save it as the user's browser would, with ``changes``."""
    response = client.post(f"{CHANGELIST}{article.pk}/change/", change_form(client, article) | changes)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def withdraw(client, article, reason):
    """Unpublish the article from its change form, leaving a public notice."""
    return save(client, article, status="unpublished", withdrawal_notice="on", withdrawal_reason=reason)


def with_note(kind, text, when=None, number=0):
    """The fields of one new note in the change form's inline, dated ``when`` (default: now)."""
    moment = timezone.localtime(when or timezone.now())
    return {
        "corrections-TOTAL_FORMS": str(number + 1),
        f"corrections-{number}-kind": kind,
        f"corrections-{number}-published_at_0": moment.strftime("%d/%m/%Y"),
        f"corrections-{number}-published_at_1": moment.strftime("%H:%M:%S"),
        f"corrections-{number}-text": text,
    }


def news_article(response):
    [data] = [
        block for block in structured_data(response.content.decode()) if block["@type"] == "NewsArticle"
    ]
    return data


def atom_updated(reader, article):
    feed = ET.fromstring(reader.get("/feed/atom/").content)  # noqa: S314 -- the site's own output
    for entry in feed.iter(f"{ATOM}entry"):
        if entry.findtext(f"{ATOM}title") == article.title:
            return datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
    raise AssertionError(f"{article.title} is not in the feed")


def page_dates(reader, article):
    """What a reader and a search engine see of the article's dates."""
    response = reader.get(article.get_absolute_url())
    assert response.status_code == 200
    text = response.content.decode()
    return news_article(response)["dateModified"], "Mis à jour le" in text


@pytest.fixture
def reader():
    """A reader without a session: the editor's fixtures log the ``client`` fixture in."""
    return Client()


@pytest.fixture
def article():
    return make_article(
        title="Un essai sur la cryoablation rénale",
        body="Les résultats sont prometeurs.",
        published_at=timezone.now().replace(microsecond=0) - timedelta(days=2),  # as the admin saves it
        source=True,
    )


class TestSignificantUpdates:
    def test_a_save_that_changes_nothing_moves_neither_date(self, reader, editor_client, article):
        before = page_dates(reader, article)

        save(editor_client, article)

        assert before == (article.published_at.isoformat(), False)
        assert page_dates(reader, article) == before
        published = timezone.localtime(article.published_at).isoformat()
        meta = f'<meta property="article:modified_time" content="{published}">'
        assertContains(reader.get(article.get_absolute_url()), meta)

    def test_a_typo_fix_moves_neither_date(self, reader, editor_client, article):
        before = page_dates(reader, article)

        save(editor_client, article, body="Les résultats sont prometteurs.")

        assert Article.objects.get(pk=article.pk).body == "Les résultats sont prometteurs."
        assert page_dates(reader, article) == before

    def test_a_correction_moves_both_shows_at_the_top_and_goes_in_the_data_and_the_feed(
        self, reader, editor_client, article
    ):
        save(
            editor_client,
            article,
            **with_note(Kind.CORRECTION, "Le taux de réponse est de 84 %, non de 48 %."),
        )

        note = Correction.objects.get(article=article)
        response = reader.get(article.get_absolute_url())
        text = response.content.decode()
        assert page_dates(reader, article) == (note.published_at.isoformat(), True)
        # At the top: before the body, right under the headline and its dates.
        top = text.index('class="notice correction"')
        assert text.index("</header>") < top < text.index("Les résultats sont prometeurs.")
        # At the top, listed with the others, and in the structured data.
        assert text.count("Le taux de réponse est de 84 %, non de 48 %.") == 3
        assertContains(response, '<h2 id="notes-heading">Correctifs et mises à jour</h2>', html=True)
        assert news_article(response)["correction"] == [
            {
                "@type": "CorrectionComment",
                "datePublished": note.published_at.isoformat(),
                "text": "Le taux de réponse est de 84 %, non de 48 %.",
            }
        ]
        assert atom_updated(reader, article) == note.published_at

    def test_an_update_is_listed_dated_but_not_at_the_top(self, reader, editor_client, article):
        save(editor_client, article, **with_note(Kind.UPDATE, "L’agence a publié son avis depuis."))

        response = reader.get(article.get_absolute_url())
        assertNotContains(response, 'class="notice')
        assertContains(response, "Mise à jour — <time")
        assert page_dates(reader, article)[1] is True

    def test_a_retraction_leads_the_page(self, reader, editor_client, article):
        save(
            editor_client, article, **with_note(Kind.RETRACTION, "Les données de l’essai ont été invalidées.")
        )

        text = reader.get(article.get_absolute_url()).content.decode()
        assert text.index("Cet article a été rétracté") < text.index("Les résultats sont prometeurs.")
        assert 'class="notice retraction"' in text

    def test_the_editors_significant_update_moves_both_dates(self, reader, editor_client, article):
        save(editor_client, article, body="Une section ajoutée.", significant_update="on")

        modified = Article.objects.get(pk=article.pk).modified_at
        assert modified > article.published_at
        assert page_dates(reader, article) == (modified.isoformat(), True)
        assert atom_updated(reader, article) == modified
        save(editor_client, article)  # saved again, nothing ticked: the date stays
        assert Article.objects.get(pk=article.pk).modified_at == modified

    def test_updated_on_shows_only_after_the_first_publication(self, reader):
        scheduled = make_article(published_at=timezone.now() + timedelta(minutes=5), status="published")
        writing.save_article(scheduled, notes=[writing.Note(timezone.now(), Kind.UPDATE, "Avant la sortie.")])
        Article.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() - timedelta(minutes=1))

        # The note came before readers could see the article: nothing was updated for them.
        date_modified, updated = page_dates(reader, Article.objects.get(pk=scheduled.pk))
        assert updated is False


class TestOnlyEditorsWriteNotes:
    def test_an_author_has_no_notes_nor_significant_update_in_the_form(self, author_client, author):
        draft = make_article(status="draft", author=author)

        text = author_client.get(f"{CHANGELIST}{draft.pk}/change/").content.decode()

        assert "corrections-TOTAL_FORMS" not in text
        assert 'name="significant_update"' not in text and 'name="withdrawal_notice"' not in text

    def test_notes_and_the_tick_forged_by_an_author_are_refused_on_the_server(self, author_client, author):
        draft = make_article(status="draft", author=author, published_at=timezone.now() - timedelta(days=1))

        save(
            author_client,
            draft,
            significant_update="on",
            **{"corrections-INITIAL_FORMS": "0", **with_note(Kind.CORRECTION, "Écrit par l’auteur.")},
        )

        assert not Correction.objects.exists()
        assert Article.objects.get(pk=draft.pk).modified_at is None


class TestNotesOfDraftsNeverLeak:
    def test_a_drafts_notes_are_nowhere_public(self, reader):
        draft = make_article(status="draft", title="Brouillon corrigé")
        writing.save_article(draft, notes=[writing.Note(timezone.now(), Kind.CORRECTION, "Correctif secret")])
        make_article(title="Public")

        assert reader.get(draft.get_absolute_url()).status_code == 404
        for url in ("/", "/feed/", "/feed/atom/", "/search/?q=secret", "/sitemap-articles.xml"):
            assertNotContains(reader.get(url), "Correctif secret")

    def test_a_withdrawn_article_leaves_every_list_and_feed(self, reader, editor_client, article):
        save(
            editor_client, article, status="unpublished", withdrawal_notice="on", withdrawal_reason="Erreur."
        )

        for url in ("/", "/feed/", "/feed/atom/", "/search/?q=cryoablation", "/sitemap-articles.xml"):
            assertNotContains(reader.get(url), article.title)


HOSTILE_NOTE = "<script>alert('note')</script><img src=x onerror=alert('note')> \"}</script><b>gras</b>"


def test_hostile_text_in_a_note_is_shown_as_text(reader, editor_client, article):
    save(editor_client, article, **with_note(Kind.RETRACTION, HOSTILE_NOTE))

    response = reader.get(article.get_absolute_url())
    html = response.content.decode()
    assert executable_markup(html) == []
    assert news_article(response)["correction"][0]["text"] == HOSTILE_NOTE  # parsed: not broken out
    assertContains(response, "<p>&lt;script&gt;alert(&#x27;note&#x27;)&lt;/script&gt;&lt;img src=x", count=1)
    assertContains(response, "<br>&lt;script&gt;alert(&#x27;note&#x27;)&lt;/script&gt;&lt;img src=x", count=1)
    assert executable_markup(editor_client.get(f"{CHANGELIST}{article.pk}/change/").content.decode()) == []


def test_a_note_with_a_control_character_is_refused(editor_client, article):
    response = editor_client.post(
        f"{CHANGELIST}{article.pk}/change/",
        change_form(editor_client, article) | with_note(Kind.CORRECTION, "Un\x08 caractère"),
    )

    assert response.status_code == 200
    assert not Correction.objects.exists()


class TestPublicNotice:
    def test_unpublished_with_a_notice_the_address_answers_410_with_title_date_and_reason(
        self, reader, editor_client, article
    ):
        save(
            editor_client,
            article,
            status="unpublished",
            withdrawal_notice="on",
            withdrawal_reason="L’essai a été suspendu par ses promoteurs.",
        )

        response = reader.get(article.get_absolute_url())
        assert response.status_code == 410
        assertContains(response, f"<h1>{article.title}</h1>", status_code=410, html=True)
        assertContains(response, "L’essai a été suspendu par ses promoteurs.", status_code=410)
        withdrawn_at = timezone.localtime(Article.objects.get(pk=article.pk).withdrawn_at)
        assertContains(response, f'<time datetime="{withdrawn_at.isoformat()}">', status_code=410)
        assertContains(response, '<meta name="robots" content="noindex">', status_code=410)
        assert structured_data(response.content.decode()) == []

    def test_its_old_address_answers_410_too(self, reader, editor_client, article):
        old = article.permalink
        save(editor_client, article, slug="cryoablation-renale")
        assert PermalinkRedirect.objects.filter(old_permalink=old).exists()

        save(
            editor_client, article, status="unpublished", withdrawal_notice="on", withdrawal_reason="Retiré."
        )

        assert reader.get(f"/papers/{old}").status_code == 410
        assert reader.get(Article.objects.get(pk=article.pk).get_absolute_url()).status_code == 410

    def test_by_default_removal_stays_silent(self, reader, editor_client, article):
        save(editor_client, article, status="unpublished", withdrawal_reason="Une raison non publiée.")

        response = reader.get(article.get_absolute_url())
        assert response.status_code == 404
        assertNotContains(response, "Une raison non publiée.", status_code=404)

    def test_a_notice_needs_a_reason_and_an_article_readers_saw(self, editor_client, editor):
        never_seen = make_article(status="review", author=editor)
        form = change_form(editor_client, never_seen)
        response = editor_client.post(
            f"{CHANGELIST}{never_seen.pk}/change/",
            form | {"status": "published", "withdrawal_notice": "on", "withdrawal_reason": "Non."},
        )
        assert response.status_code == 200  # a notice goes with unpublishing
        public = make_article()
        response = editor_client.post(
            f"{CHANGELIST}{public.pk}/change/",
            change_form(editor_client, public) | {"status": "unpublished", "withdrawal_notice": "on"},
        )
        assertContains(response, "Dites pourquoi l’article est retiré")
        assert Article.objects.get(pk=public.pk).status == "published"

    def test_published_again_the_notice_goes(self, reader, editor_client, article):
        withdraw(editor_client, article, "Pause.")
        save(editor_client, article, status="published")

        assert reader.get(article.get_absolute_url()).status_code == 200
        assert Article.objects.get(pk=article.pk).withdrawn_at is None
        save(editor_client, article, status="unpublished")
        assert reader.get(article.get_absolute_url()).status_code == 404

    def test_the_bulk_action_asks_for_the_reason_then_leaves_a_notice(self, reader, editor_client, article):
        draft = make_article(status="draft", title="Jamais vu")
        selected = {"action": "unpublish_with_notice", "_selected_action": [article.pk, draft.pk]}

        asking = editor_client.post(CHANGELIST, selected)
        assertContains(asking, "Raison du retrait")
        done = editor_client.post(
            CHANGELIST, selected | {"reason": "Doublon d’un autre article."}, follow=True
        )

        assertContains(done, "Dépublié avec un avis public : 1 article.")
        response = reader.get(article.get_absolute_url())
        assertContains(response, "Doublon d’un autre article.", status_code=410)
        assert Article.objects.get(pk=draft.pk).status == "draft"  # never seen, refused and named
        assertContains(done, "Refusé pour 1 article :")
        assertContains(done, "« Jamais vu » est « Brouillon » : l’action « Dépublier » ne s’y applique pas.")
        history = editor_client.get(f"{CHANGELIST}{article.pk}/history/")
        assertContains(history, "Dépublié avec un avis public")

    def test_an_author_cannot_use_the_bulk_action(self, author_client, author):
        own = make_article(status="draft", author=author)

        author_client.post(
            CHANGELIST, {"action": "unpublish_with_notice", "_selected_action": [own.pk], "reason": "Non."}
        )

        assert Article.objects.get(pk=own.pk).withdrawn_at is None


class TestRevisions:
    def test_restoring_a_version_restores_its_notes(self, editor_client, article):
        save(editor_client, article)
        before_note = Version.objects.get_for_object(article).order_by("pk").last()
        save(editor_client, article, **with_note(Kind.CORRECTION, "Un correctif."))
        assert Correction.objects.filter(article=article).count() == 1
        latest = Version.objects.get_for_object(article).order_by("pk").last()
        changes = editor_client.get(f"{CHANGELIST}{article.pk}/history/{latest.pk}/changes/")
        assertContains(changes, "Un correctif.")

        url = f"{CHANGELIST}{article.pk}/history/{before_note.pk}/"
        editor_client.post(url, form_data(editor_client.get(url)), follow=True)

        assert not Correction.objects.filter(article=article).exists()
        url = f"{CHANGELIST}{article.pk}/history/{latest.pk}/"
        editor_client.post(url, form_data(editor_client.get(url)), follow=True)
        assert list(Correction.objects.filter(article=article).values_list("text", flat=True)) == [
            "Un correctif."
        ]


def test_export_then_import_keeps_the_notes(tmp_path, article):
    first = timezone.now() - timedelta(days=1, microseconds=1)
    notes = [
        writing.Note(first.replace(microsecond=0), Kind.CORRECTION, "Le « taux » : 84 %\nseconde ligne"),
        writing.Note(first.replace(microsecond=0) + timedelta(hours=3), Kind.UPDATE, 'Un "avis" & R&amp;D'),
    ]
    writing.save_article(article, notes=notes)
    text = to_markdown(writing.with_parts(Article.objects.filter(pk=article.pk)).get())
    assert "\ncorrections: [{" in text
    export(tmp_path / "first")
    empty_database()

    call_command("import_markdown", str(tmp_path / "first"), stdout=StringIO())
    export(tmp_path / "second")

    imported = Article.objects.get()
    assert writing.note_values(imported.corrections.all()) == writing.note_values(notes)
    assert imported.modified_at == notes[-1].published_at
    assert files(tmp_path / "second") == files(tmp_path / "first")
    # Imported again, unchanged: nothing is written.
    out = StringIO()
    call_command("import_markdown", str(tmp_path / "second"), stdout=out)
    assert "unchanged" in out.getvalue()


def test_a_file_with_a_bad_note_is_refused(tmp_path):
    path = tmp_path / "bad.md"
    path.write_text(
        '---\ntitle: "T"\ndate: "2024-05-24"\n'
        'corrections: [{"date": "2024-05-25", "kind": "oops", "text": "x"}]\n---\n',
        encoding="utf-8",
    )
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("import_markdown", str(path), stdout=out, stderr=out)

    assert "corrections[1]: unknown kind 'oops'" in out.getvalue()
    assert not Article.objects.exists()


@pytest.mark.parametrize("day", ["2999-12-02T00:00:00Z", "in a year"])
def test_a_file_with_a_note_dated_in_the_future_is_refused(tmp_path, day):
    # Imported, « Mis à jour le 2 décembre 2999 » stood on the page and in dateModified, and no
    # later note could move it back (a significant update never moves the date back).
    if day == "in a year":
        day = (timezone.now() + timedelta(days=365)).isoformat()
    path = tmp_path / "future.md"
    path.write_text(
        '---\ntitle: "T"\ndate: "2024-05-24"\n'
        f'corrections: [{{"date": "{day}", "kind": "correction", "text": "x"}}]\n---\n',
        encoding="utf-8",
    )
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("import_markdown", str(path), stdout=out, stderr=out)

    assert "corrections[1].date:" in out.getvalue() and "is in the future" in out.getvalue()
    assert not Article.objects.exists()


def test_a_new_note_reaches_the_cached_public_page_at_once(settings, reader, editor_client, article):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(uuid.uuid4()),
        },
    }
    assertNotContains(reader.get(article.get_absolute_url()), "Nouveau correctif")
    assert reader.get(article.get_absolute_url()).has_header("ETag")  # served from the cache

    save(editor_client, article, **with_note(Kind.CORRECTION, "Nouveau correctif"))

    assertContains(reader.get(article.get_absolute_url()), "<p>Nouveau correctif</p>", count=1)


def test_a_fixture_written_from_files_keeps_the_notes(tmp_path, article):
    writing.save_article(article, notes=[writing.Note(article.published_at, Kind.RETRACTION, "Retiré.")])
    export(tmp_path / "files")
    empty_database()

    fixture = tmp_path / "fixture.json"
    call_command("import_markdown", str(tmp_path / "files"), to_fixture=str(fixture), stdout=StringIO())
    call_command("loaddata", str(fixture), verbosity=0)

    loaded = Article.objects.get()
    assert writing.note_values(loaded.corrections.all()) == [(article.published_at, "retraction", "Retiré.")]
    assert loaded.modified_at == article.published_at
