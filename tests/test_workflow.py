"""The editorial workflow over HTTP: what authors and editors may do, and what they may not."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles import workflow
from articles.models import Article, PermalinkRedirect

from .admin_forms import form_data
from .factories import client_for, make_article, staff
from .test_admin import add_article_form

Status = Article.Status
CHANGELIST = "/admin/articles/article/"


def change_url(article):
    return f"{CHANGELIST}{article.pk}/change/"


@pytest.fixture
def other_author(db):
    return staff("auteur", "Authors")


def save_form(client, article, **changes):
    """Open the article's change form, change some fields, and save it as the browser would."""
    page = client.get(change_url(article))
    assert page.status_code == 200
    return client.post(change_url(article), form_data(page, **changes))


def moment(field, when):
    """The two inputs of an admin date-time field, as an editor fills them."""
    when = timezone.localtime(when)
    return {f"{field}_0": when.strftime("%d/%m/%Y"), f"{field}_1": when.strftime("%H:%M:%S")}


def history(article):
    return [entry.get_change_message() for entry in LogEntry.objects.filter(object_id=str(article.pk))]


def move_clock(monkeypatch, delta):
    """Pretend ``delta`` has passed: every “now” the site asks for is that much later."""
    later = timezone.now() + delta
    monkeypatch.setattr(timezone, "now", lambda: later)


@pytest.mark.django_db
class TestRoles:
    def test_groups_and_permission_come_from_the_migration(self):
        editors = Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
        authors = Group.objects.get(name="Authors").permissions.values_list("codename", flat=True)

        assert "publish_article" in editors
        assert "publish_article" not in authors
        assert {"add_article", "change_article"} <= set(authors)
        assert "delete_article" not in authors


@pytest.mark.django_db
class TestAuthor:
    def test_adds_a_draft_that_is_theirs_and_not_public(self, author_client, author):
        form = add_article_form(status="draft")
        del form["published_at_0"], form["published_at_1"], form["importance"], form["author"]

        response = author_client.post(f"{CHANGELIST}add/", form)

        assert response.status_code == 302
        article = Article.objects.get()
        assert (article.status, article.author) == (Status.DRAFT, author)
        assert author_client.get(article.get_absolute_url()).status_code == 404

    def test_cannot_add_an_article_straight_to_published(self, author_client):
        response = author_client.post(f"{CHANGELIST}add/", add_article_form(status="published"))

        assert response.status_code == 200
        assertContains(
            response,
            "Vous ne pouvez pas faire passer « Nouvelle recommandation de la HAS » "
            "de « Brouillon » à « Publié ».",
        )
        assert not Article.objects.exists()

    def test_submits_their_draft_for_review(self, author_client, author):
        article = make_article(author=author, status=Status.DRAFT)

        response = save_form(author_client, article, _move="submit")

        assert response.status_code == 302
        article.refresh_from_db()
        assert article.status == Status.REVIEW
        assert history(article) == ["Envoyé en relecture"]

    def test_forged_post_cannot_publish_their_draft(self, author_client, author):
        article = make_article(author=author, status=Status.DRAFT)

        response = save_form(author_client, article, status="published")

        assert response.status_code == 200
        assertContains(response, "Vous ne pouvez pas faire passer")
        article.refresh_from_db()
        assert article.status == Status.DRAFT

    def test_cannot_schedule_or_change_the_publication_date(self, author_client, author):
        article = make_article(author=author, status=Status.DRAFT)
        published_at = article.published_at
        page = author_client.get(change_url(article))
        assertNotContains(page, 'name="published_at_0"')
        later = timezone.now() + timedelta(days=3)

        response = author_client.post(
            change_url(article),
            form_data(
                page,
                **moment("published_at", later),
                **moment("expires_at", later + timedelta(hours=1)),
                title="Titre modifié",
            ),
        )

        assert response.status_code == 302
        article.refresh_from_db()
        assert article.title == "Titre modifié"
        assert (article.published_at, article.expires_at) == (published_at, None)

    @pytest.mark.parametrize("status", [Status.REVIEW, Status.PUBLISHED])
    def test_cannot_edit_their_article_once_submitted_or_published(self, author_client, author, status):
        article = make_article(author=author, status=status, title="Avant")
        page = author_client.get(change_url(article))
        assert page.status_code == 200  # shown read-only
        assertNotContains(page, 'name="_save"')

        response = author_client.post(change_url(article), {"title": "Après", "status": "draft"})

        assert response.status_code == 403
        article.refresh_from_db()
        assert (article.title, article.status) == ("Avant", status)

    def test_cannot_edit_someone_elses_draft(self, author_client, other_author):
        article = make_article(author=other_author, status=Status.DRAFT, title="Avant")

        response = author_client.post(change_url(article), {"title": "Après", "status": "review"})

        assert response.status_code == 403
        article.refresh_from_db()
        assert (article.title, article.status) == ("Avant", Status.DRAFT)

    def test_edits_their_article_again_once_sent_back(self, author_client, author, editor, client):
        article = make_article(author=author, status=Status.REVIEW)
        editor_client = client_for(client.__class__(), editor)

        sent_back = save_form(editor_client, article, _move="send_back", note="Sourcez le chiffre.")

        assert sent_back.status_code == 302
        assert history(article)[0].startswith("Renvoyé à l’auteur")
        page = author_client.get(change_url(article))
        assertContains(page, "Sourcez le chiffre.")
        assert save_form(author_client, article, title="Chiffre sourcé").status_code == 302


@pytest.mark.django_db
class TestEditor:
    def test_publishes_an_article_in_review(self, editor_client, author):
        article = make_article(author=author, status=Status.REVIEW, title="À publier")
        a_minute_ago = timezone.now() - timedelta(minutes=1)

        response = save_form(editor_client, article, _move="publish", **moment("published_at", a_minute_ago))

        assert response.status_code == 302
        article.refresh_from_db()
        assert article.status == Status.PUBLISHED
        assert history(article)[0].startswith("Publié")
        assertContains(editor_client.get("/"), "À publier")

    def test_schedules_an_article_that_appears_by_itself_at_its_time(
        self, editor_client, client, monkeypatch
    ):
        article = make_article(status=Status.REVIEW, title="Programmé")
        in_two_hours = timezone.now() + timedelta(hours=2)

        response = save_form(editor_client, article, _move="schedule", **moment("published_at", in_two_hours))

        assert response.status_code == 302
        article.refresh_from_db()
        assert history(article)[0].startswith("Programmé pour")
        assertContains(editor_client.get(CHANGELIST), "Programmé pour")
        client.logout()
        assertNotContains(client.get("/"), "Programmé")
        assert client.get(article.get_absolute_url()).status_code == 404

        move_clock(monkeypatch, timedelta(hours=3))

        assertContains(client.get("/"), "Programmé")
        assert client.get(article.get_absolute_url()).status_code == 200

    def test_an_expired_article_leaves_the_site_at_its_time(self, editor_client, client, monkeypatch):
        article = make_article(title="Sous embargo")
        in_an_hour = timezone.now() + timedelta(hours=1)
        response = save_form(editor_client, article, **moment("expires_at", in_an_hour))
        assert response.status_code == 302
        assert client.get(article.get_absolute_url()).status_code == 200

        move_clock(monkeypatch, timedelta(hours=2))

        assert client.get(article.get_absolute_url()).status_code == 404
        assertNotContains(client.get("/"), "Sous embargo")
        assertContains(editor_client.get(CHANGELIST), "Expiré")

    @pytest.mark.parametrize(
        ("source", "target", "message"),
        [
            (Status.PUBLISHED, Status.UNPUBLISHED, "Dépublié"),
            (Status.PUBLISHED, Status.ARCHIVED, "Archivé"),
            (Status.DRAFT, Status.ARCHIVED, "Archivé"),
            (Status.ARCHIVED, Status.DRAFT, "Rouvert en brouillon"),
            (Status.UNPUBLISHED, Status.PUBLISHED, "Publié"),
        ],
    )
    def test_moves_any_article(self, editor_client, author, source, target, message):
        article = make_article(author=author, status=source)

        response = save_form(editor_client, article, status=target)

        assert response.status_code == 302
        article.refresh_from_db()
        assert article.status == target
        assert history(article)[0].startswith(message)

    def test_a_move_the_workflow_has_not_is_refused(self, editor_client):
        article = make_article(status=Status.ARCHIVED)

        response = save_form(editor_client, article, status="review")

        assert response.status_code == 200
        article.refresh_from_db()
        assert article.status == Status.ARCHIVED


@pytest.mark.django_db
class TestBulkActions:
    def run(self, client, action, *articles):
        return client.post(
            CHANGELIST,
            {"action": action, "_selected_action": [article.pk for article in articles]},
            follow=True,
        )

    def test_author_is_offered_only_the_moves_they_may_make_and_cannot_forge_others(
        self, author_client, author
    ):
        article = make_article(author=author, status=Status.DRAFT)
        offered = author_client.get(CHANGELIST)
        assertContains(offered, '<option value="submit_for_review">Soumettre à relecture</option>', html=True)
        for editors_only in ("publish", "unpublish", "unpublish_with_notice", "archive", "reopen"):
            assertNotContains(offered, f'value="{editors_only}"')

        response = self.run(author_client, "publish", article)

        assertNotContains(response, "Publié :")
        article.refresh_from_db()
        assert article.status == Status.DRAFT

    def test_author_submits_their_drafts_and_is_told_what_could_not_move(self, author_client, author):
        mine = make_article(author=author, status=Status.DRAFT, title="Le mien")
        submitted = make_article(author=author, status=Status.REVIEW, title="Déjà soumis")

        response = self.run(author_client, "submit_for_review", mine, submitted)

        assertContains(response, "Envoyé en relecture : 1 article.")
        assertContains(
            response,
            'Refusé pour 1 article :<ul class="refused-moves"><li>« Déjà soumis » est « En relecture » : '
            "l’action « Soumettre à relecture » ne s’y applique pas.</li></ul>",
        )
        mine.refresh_from_db(), submitted.refresh_from_db()
        assert (mine.status, submitted.status) == (Status.REVIEW, Status.REVIEW)
        assert history(mine) == ["Envoyé en relecture"]

    def test_someone_elses_draft_in_a_forged_bulk_action_is_neither_moved_nor_named(
        self, author_client, author, other_author
    ):
        mine = make_article(author=author, status=Status.DRAFT, title="Le mien")
        theirs = make_article(author=other_author, status=Status.DRAFT, title="Le sien")

        response = self.run(author_client, "submit_for_review", mine, theirs)

        assertContains(response, "Envoyé en relecture : 1 article.")
        assertNotContains(response, "Le sien")  # not in their list, so not in their action either
        theirs.refresh_from_db()
        assert theirs.status == Status.DRAFT

    def test_editor_publishes_and_refuses_what_cannot_move(self, editor_client):
        first = make_article(status=Status.REVIEW)
        second = make_article(status=Status.DRAFT)
        archived = make_article(status=Status.ARCHIVED, title="Archivé depuis")

        response = self.run(editor_client, "publish", first, second, archived)

        assertContains(response, "Publié : 2 articles.")
        assertContains(
            response, "« Archivé depuis » est « Archivé » : l’action « Publier » ne s’y applique pas."
        )
        assert set(Article.objects.published()) == {first, second}

    def test_move_many_says_what_it_did_and_what_it_refused(self, author, other_author):
        mine = make_article(author=author, status=Status.DRAFT, title="Le mien")
        theirs = make_article(author=other_author, status=Status.DRAFT, title="Le sien")

        moves = workflow.move_many(author, [mine, theirs], "submit")

        assert [(article, message) for article, message in moves.done] == [(mine, "Envoyé en relecture")]
        assert [article for article, _why in moves.refused] == [theirs]
        assert "Le sien" in moves.refused[0][1]
        theirs.refresh_from_db()
        assert theirs.status == Status.DRAFT

    def test_editor_unpublishes_and_archives(self, editor_client):
        article = make_article()

        self.run(editor_client, "unpublish", article)
        assert Article.objects.get().status == Status.UNPUBLISHED
        self.run(editor_client, "archive", article)
        assert Article.objects.get().status == Status.ARCHIVED


@pytest.mark.django_db
class TestEditConflict:
    def test_second_save_is_refused_and_the_first_survives(self, client, editor, author):
        editor_client = client_for(client.__class__(), editor)
        author_client = client_for(client.__class__(), author)
        form = add_article_form(status="draft", title="Titre d’origine")
        del form["published_at_0"], form["published_at_1"], form["importance"], form["author"]
        assert author_client.post(f"{CHANGELIST}add/", form).status_code == 302
        article = Article.objects.get()
        editor_page = editor_client.get(change_url(article))
        author_page = author_client.get(change_url(article))

        first = editor_client.post(change_url(article), form_data(editor_page, title="Titre de l’éditrice"))
        second = author_client.post(change_url(article), form_data(author_page, title="Titre de l’autrice"))

        assert first.status_code == 302
        assert second.status_code == 200
        assertContains(second, "redactrice a enregistré cet article")
        assertContains(second, "Titre de l’autrice")  # what the author typed is still in the form
        article.refresh_from_db()
        assert article.title == "Titre de l’éditrice"
        changes_url = second.context["adminform"].form.non_field_errors()[0]
        changes_page = author_client.get(changes_url.split('href="')[1].split('"')[0])
        assertContains(changes_page, "Titre de l’éditrice")
        assertContains(changes_page, "Titre d’origine")

    def test_the_form_carries_the_save_time_of_the_row_it_shows(self, rf, editor):
        # The change page reads the article, then builds its form: a save by someone else in
        # between must leave the form stale (refused on save), not fresh with the old text.
        # `make test-load` caught this race under concurrent saves on PostgreSQL.
        from django.contrib import admin

        article = make_article(title="Avant")
        shown = Article.objects.get(pk=article.pk)
        Article.objects.filter(pk=article.pk).update(
            title="Entre-temps", updated_at=timezone.now() + timedelta(seconds=1)
        )
        request = rf.get(change_url(article))
        request.user = editor

        form = admin.site._registry[Article].get_form(request, shown, change=True)(instance=shown)

        assert form["edit_token"].initial == shown.updated_at.isoformat()
        assert form["edit_token"].initial != form.stored_token()

    def test_a_bulk_action_meanwhile_also_makes_the_form_stale(self, client, editor, author):
        article = make_article(author=author, status=Status.DRAFT)
        author_client = client_for(client.__class__(), author)
        page = author_client.get(change_url(article))
        editor_client = client_for(client.__class__(), editor)
        editor_client.post(CHANGELIST, {"action": "archive", "_selected_action": [article.pk]})

        response = author_client.post(change_url(article), form_data(page, title="Trop tard"))

        assert response.status_code == 403  # archived: no longer the author's to edit
        article.refresh_from_db()
        assert article.status == Status.ARCHIVED


@pytest.mark.django_db
class TestDuplicates:
    def test_warns_of_another_article_with_the_same_source(self, editor_client):
        first = make_article(title="Premier")
        first.links.create(url="https://www.has-sante.fr/recommandation?utm_source=x")

        response = editor_client.post(
            f"{CHANGELIST}add/",
            add_article_form(**{"links-0-url": "https://WWW.HAS-SANTE.FR/recommandation/"}),
            follow=True,
        )

        assertContains(response, "Un autre article a la même source")
        assertContains(response, f'href="{change_url(first)}"')
        assert Article.objects.count() == 2


@pytest.mark.django_db
class TestPermalinkRedirects:
    def test_old_permalink_redirects_after_a_slug_change(self, editor_client, client):
        article = make_article(title="Ancien titre", slug="ancien-titre")
        old_url = article.get_absolute_url()

        response = save_form(editor_client, article, slug="nouveau-titre")

        assert response.status_code == 302
        article.refresh_from_db()
        assert article.permalink.endswith("-nouveau-titre")
        redirect = client.get(old_url)
        assert redirect.status_code == 301
        assert redirect["Location"] == article.get_absolute_url()
        assert client.get(redirect["Location"]).status_code == 200

    def test_every_earlier_permalink_leads_to_the_latest(self, client):
        article = make_article(slug="un")
        first = article.get_absolute_url()
        article.slug = "deux"
        article.save()
        article.slug = "trois"
        article.save()

        assert client.get(first)["Location"] == article.get_absolute_url()
        assert PermalinkRedirect.objects.count() == 2

    def test_a_never_published_draft_leaves_no_redirect(self, client):
        article = make_article(status=Status.DRAFT, slug="brouillon")
        article.slug = "brouillon-renomme"
        article.save()

        assert not PermalinkRedirect.objects.exists()

    def test_no_redirect_to_an_article_readers_may_not_see(self, client):
        article = make_article(slug="avant")
        old_url = article.get_absolute_url()
        article.slug = "apres"
        article.status = Status.UNPUBLISHED
        article.save()

        assert client.get(old_url).status_code == 404

    def test_redirects_travel_in_fixtures_by_natural_key(self, client, tmp_path):
        article = make_article(slug="avant")
        old_url = article.get_absolute_url()
        article.slug = "apres"
        article.save()
        fixture = tmp_path / "articles.json"
        call_command(
            "dumpdata", "articles", natural_foreign=True, natural_primary=True, output=fixture, verbosity=0
        )
        Article.objects.all().delete()
        assert not PermalinkRedirect.objects.exists()

        call_command("loaddata", fixture, verbosity=0)
        call_command("loaddata", fixture, verbosity=0)  # twice: still one of each

        assert PermalinkRedirect.objects.get().article.slug == "apres"
        assert client.get(old_url).status_code == 301

    def test_a_hand_made_permalink_is_kept(self, editor_client):
        article = make_article(permalink="ancienne-adresse-importee", slug="importee")

        save_form(editor_client, article, slug="autre")

        article.refresh_from_db()
        assert article.permalink == "ancienne-adresse-importee"

    def test_an_authors_new_slug_cannot_delete_another_articles_redirect(self, author_client, author, client):
        # “Ancien titre” was published, then renamed: its old address leads to it for good.
        theirs = make_article(title="Ancien titre", slug="ancien-titre")
        old_url = theirs.get_absolute_url()
        theirs.slug = "nouveau-titre"
        theirs.save()
        mine = make_article(author=author, status=Status.DRAFT, published_at=theirs.published_at)

        response = save_form(author_client, mine, slug="ancien-titre")

        assert response.status_code == 200
        assertContains(response, "est une ancienne adresse d’un autre article")
        assertNotContains(response, "Ancien titre")  # someone else's article is not named
        mine.refresh_from_db()
        assert not mine.permalink.endswith("-ancien-titre")
        redirect = client.get(old_url)
        assert redirect.status_code == 301
        assert redirect["Location"] == theirs.get_absolute_url()

    def test_the_address_of_another_article_is_refused_with_a_form_error(self, editor_client):
        theirs = make_article(slug="pris")
        mine = make_article(slug="libre", published_at=theirs.published_at)

        response = save_form(editor_client, mine, slug="pris")

        assert response.status_code == 200
        assertContains(response, "est déjà celle d’un autre article")
        assert Article.objects.get(pk=mine.pk).slug == "libre"

    def test_no_save_deletes_or_repoints_another_articles_redirect(self, client):
        theirs = make_article(slug="avant")
        old_permalink = theirs.permalink
        theirs.slug = "apres"
        theirs.save()
        mine = make_article(slug="autre")

        mine.permalink = old_permalink  # a save that bypasses the form, as a script might
        mine.save()
        mine.permalink = "ailleurs"
        mine.save()

        assert PermalinkRedirect.objects.get(old_permalink=old_permalink).article == theirs
        assert client.get(f"/papers/{old_permalink}")["Location"] == theirs.get_absolute_url()

    def test_going_back_to_an_earlier_address_drops_the_articles_own_redirect(self, client):
        article = make_article(slug="un")
        first = article.get_absolute_url()
        article.slug = "deux"
        article.save()
        article.slug = "un"
        article.save()

        assert client.get(first).status_code == 200
        assert list(PermalinkRedirect.objects.values_list("old_permalink", flat=True)) == [
            article.permalink.replace("-un", "-deux")
        ]

    def test_a_redirect_from_an_articles_present_address_is_refused(self, editor_client):
        article = make_article()

        response = editor_client.post(
            "/admin/articles/permalinkredirect/add/",
            {"old_permalink": article.permalink, "article": article.pk},
        )

        assert response.status_code == 200
        assertContains(response, "est l’adresse actuelle d’un article")
        assert not PermalinkRedirect.objects.exists()


@pytest.mark.django_db
class TestPreview:
    def test_editor_previews_a_draft_with_the_public_template(self, editor_client):
        article = make_article(status=Status.DRAFT, title="Brouillon à relire", source=True)

        response = editor_client.get(f"{CHANGELIST}{article.pk}/preview/")

        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-cache"
        assertContains(response, "<h1>Brouillon à relire</h1>", html=True)
        assertContains(response, "Aperçu")
        assertContains(response, "Lien source")

    def test_author_previews_their_draft(self, author_client, author):
        article = make_article(author=author, status=Status.DRAFT)

        assert author_client.get(f"{CHANGELIST}{article.pk}/preview/").status_code == 200

    def test_readers_cannot_reach_a_preview(self, client, db):
        article = make_article(status=Status.DRAFT)
        reader = User.objects.create_user("lecteur", password="mot-de-passe-de-test")

        anonymous = client.get(f"{CHANGELIST}{article.pk}/preview/")
        client.force_login(reader)
        logged_in = client.get(f"{CHANGELIST}{article.pk}/preview/")

        assert anonymous.status_code == logged_in.status_code == 302
        assert anonymous["Location"].startswith("/admin/login/")
        assert client.get(article.get_absolute_url()).status_code == 404

    def test_staff_without_access_get_404(self, client, db):
        article = make_article(status=Status.DRAFT)
        client.force_login(User.objects.create_user("stagiaire", password="x" * 12, is_staff=True))

        assert client.get(f"{CHANGELIST}{article.pk}/preview/").status_code == 404


@pytest.mark.django_db
class TestDailyWork:
    def test_work_queues(self, editor_client, editor):
        make_article(status=Status.REVIEW, title="À relire")
        make_article(status=Status.DRAFT, author=editor, title="Mon brouillon")
        make_article(published_at=timezone.now() + timedelta(days=1), title="Pour demain")

        review = editor_client.get(CHANGELIST, {"queue": "review"})
        mine = editor_client.get(CHANGELIST, {"queue": "mine"})
        scheduled = editor_client.get(CHANGELIST, {"queue": "scheduled"})

        assert [a.title for a in review.context["cl"].result_list] == ["À relire"]
        assert [a.title for a in mine.context["cl"].result_list] == ["Mon brouillon"]
        assert [a.title for a in scheduled.context["cl"].result_list] == ["Pour demain"]

    def test_expiring_queue_lists_published_articles_whose_expiry_is_to_come(self, editor_client):
        make_article(expires_at=timezone.now() + timedelta(days=1), title="Expire demain")
        make_article(expires_at=timezone.now() - timedelta(hours=1), title="Déjà expiré")
        make_article(title="Sans expiration")
        make_article(status=Status.DRAFT, expires_at=timezone.now() + timedelta(days=1), title="Brouillon")

        expiring = editor_client.get(CHANGELIST, {"queue": "expiring"})

        assert [a.title for a in expiring.context["cl"].result_list] == ["Expire demain"]

    def test_calendar_shows_planned_scheduled_and_expiring_articles(self, editor_client):
        today = timezone.localdate()
        make_article(status=Status.DRAFT, planned_for=today + timedelta(days=1), title="Prévu")
        make_article(published_at=timezone.now() + timedelta(days=2), title="Programmé")
        make_article(expires_at=timezone.now() + timedelta(days=3), title="Expire bientôt")

        response = editor_client.get(f"{CHANGELIST}calendar/")

        assert response.status_code == 200
        assertContains(response, "Calendrier éditorial")
        for label, title in [("prévu", "Prévu"), ("programmé", "Programmé"), ("expire", "Expire bientôt")]:
            assertContains(response, f"<strong>{label}</strong> — <a")
            assertContains(response, title)
