"""The demo `make run` loads (`manage.py loaddemo`): what a newcomer sees first.

Loaded into an empty database, it shows « À la une », illustrated cards whose images all
come from the site itself, an editorial calendar with plans, ingested drafts to review and
articles in every status; loaded again, or into a database with content, it does nothing.
"""

import html
import json
import re
from io import BytesIO, StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory, override_settings
from django.utils import timezone
from django.views.static import serve
from PIL import Image
from pytest_django.asserts import assertContains
from reversion.models import Version

from articles.models import Article, ImageCredit, SourceLink, Tag
from demo import feed, stories
from intake.models import IngestedItem, Rule, Source

from .conftest import SEED_PERMALINK
from .pages import featured_titles, listed_titles

IMAGE_ADDRESSES = re.compile(r'<img[^>]* src="([^"]*)"|srcset="([^"]*)"')


@pytest.fixture(scope="module")
def demo_database(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded once for this module's tests, which read it. Loading takes seconds: once
    per test, it was a good part of the suite's time. It is loaded in a transaction that each
    test's own nests in (what a test writes is rolled back at its end, as always) and that is
    rolled back after the last, as Django's setUpTestData does. Loading into an empty or a busy
    database is tested in test_demo_loading.py."""
    media = tmp_path_factory.mktemp("demo") / "media"
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(MEDIA_ROOT=media):
            call_command("loaddemo", stdout=out)
        yield media, out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo_database, db, settings):
    """What loaddemo said; its images are under settings.MEDIA_ROOT."""
    settings.MEDIA_ROOT, said = demo_database
    return said


def by_title(title):
    return Article.objects.get(title=title)


def story(**wanted):
    return next(s for s in stories.STORIES if all(getattr(s, k) == v for k, v in wanted.items()))


def image_addresses(page):
    addresses = set()
    for src, srcset in IMAGE_ADDRESSES.findall(page):
        if src:
            addresses.add(html.unescape(src))
        for candidate in html.unescape(srcset).split(","):
            if candidate.strip():
                addresses.add(candidate.split()[0])
    return addresses


def content():
    """Everything the demo writes, counted."""
    return (
        Article.objects.count(),
        ImageCredit.objects.count(),
        SourceLink.objects.count(),
        Tag.objects.count(),
        Source.objects.count(),
        IngestedItem.objects.count(),
        Rule.objects.count(),
        get_user_model().objects.count(),
        Version.objects.count(),
    )


def files(root):
    return sorted(path.relative_to(root) for path in root.rglob("*") if path.is_file())


class TestHomePage:
    def test_leads_with_the_top_story_and_the_important_ones(self, loaded, client):
        response = client.get("/")

        assert "Loaded the demo" in loaded
        assert "À la une" in response.content.decode()
        featured = featured_titles(response)
        assert featured[0] == story(importance=4).title
        assert len(featured) == 3
        assert all(by_title(title).importance >= 3 for title in featured)
        # The page's twenty latest, less the top stories, which are not told twice.
        assert len(listed_titles(response)) == 17
        assert set(featured).isdisjoint(listed_titles(response))

    def test_the_top_story_sends_readers_to_its_source_by_name_without_tracking(self, loaded, client):
        top = by_title(story(importance=4).title)
        page = html.unescape(client.get(top.get_absolute_url()).content.decode())

        assert "utm_source=newsletter" in top.source.url  # as the newsletter's link came
        assert (
            '<a href="https://www.revue-oncologie.example/depistage-cancer-poumon-scanner-faible-dose"'
            in page
        )
        assert (
            f'<span class="source-publisher">Revue d’oncologie clinique</span> — <cite>{top.title}</cite>'
            in page
        )
        assert "utm_" not in page

    def test_every_image_is_a_credited_illustration_from_the_site(self, loaded, client, settings):
        media_root = settings.MEDIA_ROOT
        page = client.get("/").content.decode()
        logo = "/media/publication/le-fil-sante.png"  # the publication's, in the header (TestPublication)
        addresses = image_addresses(page) - {logo}

        assert len(addresses) > 40  # every card's image, at several widths, in WebP and JPEG
        assert {address for address in addresses if not address.startswith("/media/")} == set()
        for address in addresses:
            # What runserver serves under /media/ in DEBUG (newsroom/urls.py).
            response = serve(RequestFactory().get(address), address.removeprefix("/media/"), media_root)
            assert response.status_code == 200
            assert response["Content-Type"] in {"image/jpeg", "image/webp"}
            with Image.open(BytesIO(b"".join(response.streaming_content))) as image:
                assert image.format in {"JPEG", "WEBP"} and image.width in {320, 640, 960}
        assert page.count("Crédit image : Illustration : la rédaction (image générée) — CC0") >= 20
        assert "Illustration générée : des cellules sur fond coloré, avec le mot « Oncologie »" in page


class TestPublication:
    def test_the_site_s_name_logo_and_six_pages_in_both_languages(self, loaded, client, settings):
        media_root = settings.MEDIA_ROOT
        from demo import masthead
        from publication.models import SiteIdentity

        home = client.get("/").content.decode()
        logo = SiteIdentity.objects.get().logo

        assert "<title>Le Fil Santé</title>" in home
        assert f'<img class="site-logo" src="/media/{logo.name}" alt="" width="256" height="256">' in home
        with Image.open(media_root / logo.name) as image:
            assert image.format == "PNG" and image.size == (256, 256)
        footer = home[home.index('<footer class="site-footer">') :]
        for title, slug, _body, title_en, slug_en, _body_en in masthead.PAGES.values():
            assert f'<a href="/{slug}/">{title}</a>' in footer
            assertContains(client.get(f"/{slug}/"), f"<h1>{html.escape(title)}</h1>", html=True)
            assertContains(client.get(f"/en/{slug_en}/"), f"<h1>{title_en}</h1>", html=True)
        legal = client.get("/mentions-legales/").content.decode()
        assert "Directrice de la publication : Claire Moreau." in legal
        assert '<a href="mailto:redaction@lefilsante.example">' in client.get("/contact/").content.decode()

    def test_an_article_names_its_publisher_and_its_policies(self, loaded, client):
        article = Article.objects.published().order_by("-published_at").first()
        page = client.get(article.get_absolute_url()).content.decode()

        assert "Cette veille informe ; elle ne remplace pas l’avis d’un professionnel de santé." in page
        publisher = next(data for data in map(json.loads, re.findall(r'ld\+json">(.*?)</script>', page)))[
            "publisher"
        ]
        assert publisher["name"] == "Le Fil Santé"
        assert publisher["logo"]["url"] == "http://testserver/media/publication/le-fil-sante.png"
        assert publisher["correctionsPolicy"] == "http://testserver/politique-de-correction/"
        assert publisher["publishingPrinciples"] == "http://testserver/politique-editoriale/"
        assert publisher["ethicsPolicy"] == "http://testserver/liens-d-interets/"


class TestNewsroom:
    def test_articles_in_every_status_and_the_private_ones_answer_404(self, loaded, client):
        statuses = set(Article.objects.values_list("status", flat=True))
        public = Article.objects.published()
        private = Article.objects.exclude(pk__in=public.values("pk"))

        assert statuses == set(Article.Status.values)
        assert Article.objects.scheduled().count() == 2
        assert Article.objects.expiring().filter(pk__in=public.values("pk")).count() == 1
        assert public.filter(permalink=SEED_PERMALINK).exists()
        # 2 scheduled, 3 drafts, 7 in review (6 ingested), unpublished, 2 archived (1 a story's
        # coverage), and a blocked item
        assert private.count() == 16
        withdrawn = Article.objects.withdrawn()
        for article in private.exclude(pk__in=withdrawn.values("pk")):
            assert client.get(article.get_absolute_url()).status_code == 404, article.title
        for article in public:
            assert client.get(article.get_absolute_url()).status_code == 200, article.title

    def test_a_corrected_story_an_updated_one_and_a_withdrawal_notice(self, loaded, client):
        corrected, updated = (by_title(title) for title in stories.NOTES)
        [withdrawn] = Article.objects.withdrawn()

        page = client.get(corrected.get_absolute_url())
        assertContains(page, 'class="notice correction"')
        assertContains(page, "Mis à jour le")
        assertContains(page, '"@type": "CorrectionComment"')
        update = client.get(updated.get_absolute_url())
        assertContains(update, "Mise à jour — <time")
        assertContains(update, "Mis à jour le")
        notice = client.get(withdrawn.get_absolute_url())
        assertContains(notice, stories.WITHDRAWALS[withdrawn.title][:40], status_code=410)
        versions = Version.objects.get_for_object(corrected)
        assert versions.first().revision.user.username == "claire.moreau"

    def test_a_dead_source_a_retracted_study_and_a_correction_to_decide(self, loaded, client, admin_client):
        [dead_title] = stories.DEAD_SOURCES
        dead = by_title(dead_title)
        page = client.get(dead.get_absolute_url())
        day = timezone.localtime(dead.published_at).strftime("%Y%m%d")
        assertContains(page, f'href="https://web.archive.org/web/{day}/{dead.source.reader_url}"')
        assertContains(page, "copie archivée")
        retracted = by_title(stories.SOURCE_UPDATES[0][0])
        page = client.get(retracted.get_absolute_url())
        assertContains(page, "L’étude dont rend compte cet article a été rétractée")
        assertContains(page, 'href="https://doi.org/10.5555/demo.2026.seeg-retraction"')
        corrected = by_title(stories.SOURCE_UPDATES[1][0])
        assert "erratum" not in client.get(corrected.get_absolute_url()).content.decode()
        queue = admin_client.get("/admin/articles/article/", {"queue": "source_updated"}).content.decode()
        assert f"/admin/articles/article/{retracted.pk}/change/" in queue
        assert f"/admin/articles/article/{corrected.pk}/change/" in queue
        assertContains(admin_client.get("/admin/"), "Sources rétractées, corrigées ou mortes")

    def test_a_draft_sent_back_carries_the_editors_note_and_its_history(self, loaded, admin_client):
        sent_back = by_title(
            next(s.title for s in stories.STORIES if s.moves and s.moves[-1][0] == "send_back")
        )
        versions = Version.objects.get_for_object(sent_back).order_by("pk")

        assert sent_back.status == Article.Status.DRAFT
        [note] = sent_back.notes.all()
        assert (note.kind, note.author.username) == ("sent_back", "claire.moreau")
        assert note.text.startswith("Merci de citer l’étude d’origine")
        assert [v.revision.get_comment() for v in versions] == ["Envoyé en relecture", "Renvoyé à l’auteur"]
        assert [v.revision.user.username for v in versions] == ["hugo.bernard", "claire.moreau"]
        history = admin_client.get(f"/admin/articles/article/{sent_back.pk}/history/").content.decode()
        assert "Renvoyé à l’auteur" in history and "claire.moreau" in history
        assert (
            "Merci de citer l’étude d’origine"
            in admin_client.get(f"/admin/articles/article/{sent_back.pk}/change/").content.decode()
        )

    def test_an_article_in_review_carries_the_exchange_that_led_there(self, loaded, admin_client):
        resubmitted = by_title(next(s.title for s in stories.STORIES if len(s.moves) == 3))

        assert resubmitted.status == Article.Status.REVIEW
        assert [(n.kind, n.author.username) for n in resubmitted.notes.all()] == [
            ("sent_back", "claire.moreau"),
            ("reply", "hugo.bernard"),
        ]
        page = admin_client.get(f"/admin/articles/article/{resubmitted.pk}/change/").content.decode()
        assert page.index("Santé publique France.") < page.index("bulletin de Santé publique France du 28")

    def test_an_editor_and_an_author_without_a_password(self, loaded, admin_client):
        users = {user.username: user for user in get_user_model().objects.filter(is_superuser=False)}

        assert set(users) == {"claire.moreau", "hugo.bernard"}
        assert [g.name for g in users["claire.moreau"].groups.all()] == ["Editors"]
        assert [g.name for g in users["hugo.bernard"].groups.all()] == ["Authors"]
        for user in users.values():
            assert user.is_staff and not user.is_superuser and not user.has_usable_password()
        assert Article.objects.filter(author=users["hugo.bernard"]).count() >= 10
        listing = admin_client.get("/admin/articles/article/?all=").content.decode()
        assert "hugo.bernard" in listing or "Hugo Bernard" in listing

    def test_the_calendar_shows_plans_schedules_and_an_expiry(self, loaded, admin_client):
        page = html.unescape(admin_client.get("/admin/articles/article/calendar/").content.decode())

        for planned in (s for s in stories.STORIES if s.planned_in is not None):
            assert planned.title in page
        for scheduled in Article.objects.scheduled():
            assert scheduled.title in page
        assert page.count("prévu</strong>") == 4
        assert page.count("programmé</strong>") == 2
        assert page.count("expire</strong>") == 1

    def test_two_feeds_tell_some_stories_twice_and_one_is_covered_on_the_site(self, loaded, client):
        def story(title):
            return set(Article.objects.filter(story=by_title(title).story).values_list("title", flat=True))

        cryoablation, biopsies = feed.FEED_ITEMS[0], feed.FEED_ITEMS[3]
        assert story(cryoablation.title) == {cryoablation.title, feed.PRESS_ITEMS[0].title}  # a trial number
        assert story(biopsies.title) == {biopsies.title, feed.PRESS_ITEMS[1].title}  # a syndicated headline
        assert by_title(feed.FEED_ITEMS[1].title).story is None
        covered = by_title(feed.PRESS_ITEMS[2].title)
        published = Article.objects.published().get(story=covered.story)
        assert covered.status == Article.Status.ARCHIVED

        page = html.unescape(client.get(published.get_absolute_url()).content.decode())

        assert re.search(
            r"Aussi couvert par</h2>\s*<ul><li><a href=\"https://www.quotidien-hopitaux.example/"
            r"thrombectomie-tardive-registre-europeen\" rel=\"[^\"]*nofollow\">Le Quotidien des hôpitaux</a>",
            page,
        )

    def test_the_review_page_shows_the_ingested_drafts_one_card_per_story(self, loaded, admin_client):
        page = html.unescape(admin_client.get("/admin/intake/source/review/").content.decode())
        source = Source.objects.get(name=feed.FEED["name"])

        # Six drafts from two feeds, two stories told by both: four cards, two of them with the
        # press feed as their other source; the covered item is no draft.
        assert page.count('class="story-card"') == 4
        assert (
            page.count(f"Aussi chez : {feed.PRESS_FEED['name']}")
            + page.count(f"Aussi chez : {feed.FEED['name']}")
            == 2
        )
        for item in (*feed.FEED_ITEMS, *feed.PRESS_ITEMS[:2]):
            assert item.title in page and item.url in page
        assert feed.PRESS_ITEMS[2].title not in page
        assert source.last_outcome == Source.Outcome.OK
        assert timezone.now() - source.last_fetched_at < timezone.timedelta(hours=1)
        assert "4 created" in source.last_message and "1 blocked" in source.last_message
        assert feed.BLOCKED_ITEMS[0].title not in page
        for ingested in IngestedItem.objects.filter(source=source, is_blocked=False).select_related(
            "article"
        ):
            assert ingested.article.origin == Article.Origin.INGESTED
            assert ingested.article.status == Article.Status.REVIEW
            assert sorted(ingested.article.tags.names()) == ["Europe", "Radiologie interventionnelle"]

    def test_the_seeds_feed_tag_is_the_newsrooms_alone(self, loaded, client, admin_client):
        seed_page = client.get(f"/papers/{SEED_PERMALINK}").content.decode()
        tags = admin_client.get("/admin/articles/tag/?is_internal__exact=1").content.decode()

        assert ">France</a>" in seed_page
        assert "Interventional News — Latest" not in seed_page
        assert client.get("/tags/interventional-news-latest/").status_code == 404
        assert "Interventional News — Latest" in tags and ">France<" not in tags

    def test_the_rules_and_what_they_blocked(self, loaded, admin_client):
        rules = admin_client.get("/admin/intake/rule/")
        blocked = admin_client.get("/admin/intake/blockeditem/")

        assertContains(rules, "webinaire, contenu sponsorisé")
        assertContains(rules, "toutes les sources")
        assertContains(rules, "hémorragie du post-partum")
        assertContains(blocked, feed.BLOCKED_ITEMS[0].title)
        assertContains(blocked, "Bloquer « webinaire, contenu sponsorisé »")
        raised = Article.objects.get(title__startswith="Hémorragie du post-partum")
        assert raised.importance == Article.Importance.HIGH


def test_the_demo_shows_its_people_their_bylines_and_reviews(loaded, client, admin_client):
    from people.models import Person

    people = Person.objects.all()
    assert len(people) == 4 and all(person.renditions for person in people)
    assert [person.name for person in people if person.user is None] == ["Anne Leroy", "Karim Haddad"]
    public = Article.objects.published().with_bylines()
    assert sum(bool(article.byline) for article in public) > len(public) / 2
    reviewed = public.get(title__startswith="Arthrose du genou")
    page = client.get(reviewed.get_absolute_url())
    assertContains(page, 'Relu par <a href="/authors/anne-leroy/">Dr Anne Leroy</a>')
    author_page = client.get("/authors/claire-moreau/")
    assertContains(author_page, "Rédactrice en chef, journaliste santé")
    assert image_addresses(author_page.content.decode()) and all(
        address.startswith("/media/") for address in image_addresses(author_page.content.decode())
    )
    due = admin_client.get("/admin/articles/article/", {"queue": "review_due"}).context["cl"].result_list
    assert [article.title[:23] for article in due] == ["Rétrécissement aortique"]


def test_the_api_serves_the_demo_as_the_site_shows_it(loaded, client):
    """Every public article of the demo, page after page and one by one, as the OpenAPI document
    says; none other; with its coverage, notes, bylines, medical review and image renditions."""
    from .openapi import valid

    listed, url = [], "/api/v1/articles?limit=7"
    while url:
        page = valid(client.get(url))
        listed += page["items"]
        url = page["next"]
    details = {item["permalink"]: valid(client.get(item["api_url"])) for item in listed}

    public = Article.objects.published()
    assert [item["permalink"] for item in listed] == list(public.values_list("permalink", flat=True))
    assert any(detail["coverage"] for detail in details.values())
    assert any(detail["notes"] for detail in details.values())
    assert any(detail["medical_review"] for detail in details.values())
    assert sum(bool(detail["authors"]) for detail in details.values()) > len(details) / 2
    assert all(detail["image"]["credit_line"] for detail in details.values())
    uploaded = ImageCredit.objects.filter(article__in=public).exclude(image="").count()
    assert sum(bool(detail["image"]["renditions"]) for detail in details.values()) == uploaded > 0
    [withdrawn] = Article.objects.withdrawn()
    assert client.get(f"/api/v1/articles/{withdrawn.permalink}").status_code == 410
    tags = valid(client.get("/api/v1/tags"))["items"]
    assert {tag["slug"] for tag in tags} == set(Tag.objects.public().values_list("slug", flat=True))


def test_the_demo_s_weekly_letter_its_past_digests_and_readers(loaded, client, admin_client):
    from newsletter.models import Digest, Subscriber
    from newsletter.weeks import Week

    digests = list(Digest.objects.order_by("-week_start"))
    assert len(digests) >= 2
    index = client.get("/digest/")
    for label in [digest.label for digest in digests] + [Week.last_complete().label]:
        assertContains(index, f'href="/digest/{label}/"')
    # The last complete week's letter is left for send_digest to send.
    assert digests[0].week_start < Week.last_complete().monday
    page = client.get(f"/digest/{digests[0].label}/")
    assert page.status_code == 200 and 'class="card' in page.content.decode()
    assert client.get(f"/en/digest/{digests[0].label}/").status_code == 200
    assert set(Subscriber.objects.values_list("status", flat=True)) == {
        "confirmed",
        "pending",
        "unsubscribed",
    }
    assert all(digest.deliveries.filter(sent_at__isnull=False).count() == 3 for digest in digests)
    assertContains(admin_client.get("/admin/newsletter/subscriber/"), "alice.martin@example.org")


def test_the_demo_shows_addresses_and_origins(loaded, admin_client):
    from demo.loading import ACCOUNTS

    [(old_title, new_title)] = stories.RETITLED.items()
    retitled = by_title(new_title)
    assert retitled.slug == "antibioresistance-l-europe-se-fixe-de-nouveaux-objectifs"  # the first title's
    admin_client.force_login(get_user_model().objects.get(username=ACCOUNTS["editor"][0]))
    form = admin_client.get(f"/admin/articles/article/{retitled.pk}/change/")
    assertContains(form, "Changer l’adresse")
    assertContains(form, "antibioresistance-l-europe-vise-20-d-antibiotiques-en-moins-d-ici-2030")
    origins = set(Article.objects.values_list("origin", flat=True))
    assert origins == {Article.Origin.WRITTEN, Article.Origin.IMPORTED, Article.Origin.INGESTED}


def test_the_sources_list_shows_a_feed_in_each_state_with_its_runs(loaded, admin_client):
    from demo import feed_health

    page = admin_client.get("/admin/intake/source/")
    html_page = page.content.decode()

    assert html_page.count('<span class="feed-state feed-ok">OK</span>') == 2
    assert re.search(r'feed-failing">En échec depuis le \d+ \w+ \(\d+ essais\)</span>', html_page)
    assertContains(page, '<span class="feed-state feed-stale">Silencieux depuis 20 jours</span>', html=True)
    bars = re.findall(r'<rect class="bar bar-in"[^>]*height="([\d.]+)"', html_page)
    assert len(bars) == 4 * 30 and sum(float(height) > 0 for height in bars) >= 3
    failing = Source.objects.get(name=feed_health.FAILING_FEED["name"])
    # Tried after 1, 2, 4, 8, 16 hours, then every day: nine failures in five days, the next one tomorrow.
    assert failing.consecutive_failures == 9 and failing.next_fetch_at > timezone.now()
    change = admin_client.get(f"/admin/intake/source/{failing.pk}/change/")
    assertContains(change, f"{failing.feed_url} : le serveur a répondu 503 Service Unavailable")
    ok = Source.objects.get(name=feed.FEED["name"])
    assert ok.runs.count() == 24 and sum(ok.runs.values_list("items_new", flat=True)) == ok.items.count()
