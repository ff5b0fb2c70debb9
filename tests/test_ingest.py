"""ingest_feeds: feeds from files and from a real HTTP server on 127.0.0.1 become drafts for review."""

import datetime
import ipaddress
import socket
import threading
import time
from html import escape

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from reversion.models import Version
from reversion.signals import post_revision_commit

from articles.models import Article
from articles.normalize import normalize_url
from intake import fetching
from intake.ingest import BATCH_SIZE
from intake.models import IngestedItem, Source

from .factories import make_article
from .feed_server import FEEDS, FeedServer

WORDPRESS = str(FEEDS / "wordpress.xml")
GAE_LINK = "https://interventionalnews.com/genicular-artery-embolisation-two-years/"
PAE_LINK = "https://interventionalnews.com/prostate-artery-embolisation-registry/"
SEED_TAGS = ["France", "Actualité", "Interventional News — Latest"]


def ingest(*args):
    """Run the command; return (stdout, stderr, exit status)."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("ingest_feeds", *args, stdout=out, stderr=err)
    except CommandError as error:
        err.write(str(error))
        return out.getvalue(), err.getvalue(), error.returncode
    return out.getvalue(), err.getvalue(), 0


def make_source(name="Interventional News", url="https://interventionalnews.com/feed/", tags=(), **fields):
    source = Source.objects.create(name=name, feed_url=url, **fields)
    source.tags.set(list(tags))
    return source


def by_link(link):
    return Article.objects.get(links__url=link)


@pytest.fixture
def server():
    with FeedServer() as feed_server:
        yield feed_server


@pytest.fixture
def beyond_loopback_refused(monkeypatch):
    """A safety net: should the address check let one through, no packet leaves this machine."""
    real = socket.create_connection

    def loopback_only(address, *args, **kwargs):
        if address[0] not in ("127.0.0.1", "::1"):
            raise AssertionError(f"the fetch tried to connect to {address[0]}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(fetching.socket, "create_connection", loopback_only)


@pytest.fixture
def wordpress_source(db):
    return make_source(tags=SEED_TAGS, keep_footer=True)  # as sources made before the default changed


@pytest.mark.django_db
class TestItemsBecomeDrafts:
    def test_a_wordpress_feed_gives_drafts_in_review_with_summary_image_credit_and_tags(
        self, wordpress_source
    ):
        out, err, status = ingest("--source", "Interventional News", WORDPRESS)

        assert status == 0, err
        assert Article.objects.count() == 4
        assert set(Article.objects.values_list("status", flat=True)) == {Article.Status.REVIEW}
        article = by_link(GAE_LINK)
        assert article.title == "Embolisation of the genicular artery eases knee pain at two years"
        assert article.published_at == datetime.datetime(2024, 5, 24, 15, 5, 10, tzinfo=datetime.UTC)
        assert article.summary == (
            "Patients treated with genicular artery embolisation (GAE) reported less pain & better "
            "function at 24 months, according to results presented at the Society of Interventional "
            "Radiology’s meeting […] The post Embolisation of the genicular artery eases knee pain at "
            "two years appeared first on Interventional News."
        )
        assert article.image.image_url.endswith("/2024/05/GAE-knee.jpg")  # media:content, not the <img>
        assert article.image.credit_line == f"Image de l’article — droits possiblement réservés — {GAE_LINK}"
        assert article.image.alt_text == article.title
        assert article.source.publisher == "Interventional News"
        assert sorted(article.tags.names()) == sorted(SEED_TAGS)
        assert article.ingested_item.source == wordpress_source
        assert article.origin == Article.Origin.INGESTED  # its links get rel="nofollow"
        assert (
            article.permalink
            == "2024-05-24-embolisation-of-the-genicular-artery-eases-knee-pain-at-two-years"
        )
        assert "Interventional News: 4 created, 0 updated" in out
        assert out.splitlines()[-1] == (
            "created 4, updated 0, unchanged 0, kept as edited 0, already on the site 0, invalid 0, "
            "coverage of a published story 0, blocked 0; "
            "feeds: fetched 1, not modified 0, failed 0, busy 0"
        )

    def test_the_image_comes_from_the_content_or_an_enclosure_when_there_is_no_media_content(
        self, wordpress_source
    ):
        ingest("--source", "Interventional News", WORDPRESS)

        assert by_link(PAE_LINK).image.image_url.endswith("/2024/05/PAE-registry.png")
        podcast = by_link("https://interventionalnews.com/thrombectomy-podcast/")
        assert podcast.image.image_url.endswith("/2024/05/thrombectomy.webp")

    def test_a_new_source_drops_the_appeared_first_on_footer(self, db):
        make_source()  # keep_footer left to its default

        ingest("--source", "Interventional News", WORDPRESS)

        assert by_link(PAE_LINK).summary == (
            "A registry of 1,000 men treated with prostate artery embolisation shows durable relief "
            "of urinary symptoms."
        )
        assert not Article.objects.filter(summary__contains="appeared first on").exists()

    def test_an_atom_feed(self, db):
        make_source("Santé publique", "https://sante.example.org/atom.xml", tags=["France"])

        out, err, status = ingest("--source", "Santé publique", str(FEEDS / "atom.xml"))

        assert status == 0, err
        flu = by_link("https://sante.example.org/actualites/grippe-2024")
        assert flu.title == "Vaccination contre la grippe 2024–2025 : ouverture de la campagne"
        assert flu.summary == "La campagne de vaccination commence le 15 octobre & dure jusqu’au 31 janvier."
        assert flu.published_at == datetime.datetime(2024, 6, 3, 6, 0, tzinfo=datetime.UTC)
        assert flu.image.image_url == "https://sante.example.org/images/grippe.jpg"  # media:thumbnail
        measles = by_link("https://sante.example.org/actualites/rougeole")
        assert measles.summary == "Les cas de rougeole ont doublé en un an."
        assert measles.image.image_url == "https://sante.example.org/images/rougeole.png"  # first <img>
        assert list(measles.tags.names()) == ["France"]

    def test_an_rss_1_feed_read_without_a_source(self, db):
        out, err, status = ingest(str(FEEDS / "rss1.xml"))

        assert status == 0, err
        article = by_link("https://journal.example.org/articles/10.1000/xyz123")
        assert article.status == Article.Status.REVIEW
        assert article.summary == "A cohort of 412 patients followed for five years."
        assert article.source.publisher == "Journal of Examples"
        assert not hasattr(article, "image") or article.image is None
        assert article.ingested_item.source is None

    def test_each_draft_has_a_version_saying_where_it_came_from(self, wordpress_source):
        ingest("--source", "Interventional News", WORDPRESS)

        version = Version.objects.get_for_object(by_link(GAE_LINK)).get()
        assert version.revision.get_comment() in {
            "Ingested from Interventional News",
            "Importé du flux Interventional News",
        }


@pytest.mark.django_db
class TestNeverTwiceNeverClobbered:
    def test_running_twice_creates_nothing_new(self, wordpress_source):
        ingest("--source", "Interventional News", WORDPRESS)
        articles = {article.pk: article.updated_at for article in Article.objects.all()}
        versions = Version.objects.count()

        out, err, status = ingest("--source", "Interventional News", WORDPRESS)

        assert status == 0
        assert "created 0, updated 0, unchanged 4" in out.splitlines()[-1]
        assert {article.pk: article.updated_at for article in Article.objects.all()} == articles
        assert Version.objects.count() == versions

    def test_an_item_whose_link_is_already_an_imported_article_is_skipped(self, wordpress_source, seed):
        # The feed writes the seed's link with another host case, no trailing slash and utm_ parameters.
        out, err, status = ingest("--source", "Interventional News", WORDPRESS)

        assert "1 already on the site" in out
        assert Article.objects.filter(title__startswith="NICE publishes").count() == 1
        seed.refresh_from_db()
        assert seed.status == Article.Status.PUBLISHED

    def test_an_item_whose_link_an_editor_typed_by_hand_is_skipped(self, wordpress_source, admin_client):
        from .test_admin import add_article_form

        response = admin_client.post(
            "/admin/articles/article/add/",
            add_article_form(
                title="Genicular embolisation, by hand",
                **{"links-0-url": "https://INTERVENTIONALNEWS.com/genicular-artery-embolisation-two-years"},
            ),
        )
        assert response.status_code == 302

        out, err, status = ingest("--source", "Interventional News", WORDPRESS)

        assert "3 created" in out and "1 already on the site" in out
        assert not Article.objects.filter(title__startswith="Embolisation of the genicular").exists()

    def test_an_item_another_feed_brought_first_is_not_taken_over(self, wordpress_source):
        make_source("Copycat", "https://copycat.example.org/feed", tags=["Copie"])
        ingest("--source", "Interventional News", WORDPRESS)

        out, err, status = ingest("--source", "Copycat", WORDPRESS)

        assert "Copycat: 0 created, 0 updated, 0 unchanged, 0 kept as edited, 4 already on the site" in out
        assert not Article.objects.filter(tags__name="Copie").exists()

    def test_an_updated_item_updates_an_untouched_draft_and_not_one_an_editor_changed(
        self, wordpress_source, admin_client
    ):
        from .admin_forms import form_data

        ingest("--source", "Interventional News", WORDPRESS)
        edited = by_link(PAE_LINK)
        change_url = f"/admin/articles/article/{edited.pk}/change/"
        form = form_data(admin_client.get(change_url), summary="Résumé réécrit par la rédaction.")
        assert admin_client.post(change_url, form).status_code == 302

        out, err, status = ingest("--source", "Interventional News", str(FEEDS / "wordpress-updated.xml"))

        assert "1 updated, 2 unchanged, 1 kept as edited" in out
        updated = by_link(GAE_LINK)
        assert updated.summary.startswith(
            "Patients treated with genicular artery embolisation (GAE) reported much"
        )
        assert updated.status == Article.Status.REVIEW
        edited.refresh_from_db()
        assert edited.title == "Prostate artery embolisation: a registry of 1,000 patients"
        assert edited.summary == "Résumé réécrit par la rédaction."
        # And again: still nothing overwritten, nothing created.
        out, err, status = ingest("--source", "Interventional News", str(FEEDS / "wordpress-updated.xml"))
        assert "0 created, 0 updated, 3 unchanged, 1 kept as edited" in out
        assert by_link(PAE_LINK).summary == "Résumé réécrit par la rédaction."

    def test_a_draft_whose_tags_or_image_were_changed_outside_the_form_is_not_overwritten(
        self, wordpress_source
    ):
        ingest("--source", "Interventional News", WORDPRESS)
        article = by_link(GAE_LINK)
        article.tags.add("Genou")  # tags only: the article row itself is not saved
        article.image.alt_text = "Un genou"
        article.image.save()

        out, err, status = ingest("--source", "Interventional News", str(FEEDS / "wordpress-updated.xml"))

        assert "1 updated, 2 unchanged, 1 kept as edited" in out  # the other changed item
        article.refresh_from_db()
        assert "much less pain" not in article.summary
        assert article.image.alt_text == "Un genou"

    def test_a_published_or_discarded_item_is_not_updated_nor_ingested_again(
        self, wordpress_source, admin_user
    ):
        from articles import workflow

        ingest("--source", "Interventional News", WORDPRESS)
        published = by_link(GAE_LINK)
        workflow.apply(admin_user, published, "publish")
        by_link(PAE_LINK).delete()

        out, err, status = ingest("--source", "Interventional News", str(FEEDS / "wordpress-updated.xml"))

        assert "0 created, 0 updated, 2 unchanged, 2 kept as edited" in out
        assert not Article.objects.filter(links__url=PAE_LINK).exists()
        published.refresh_from_db()
        assert "much less pain" not in published.summary
        assert IngestedItem.objects.count() == 4

    def test_two_items_with_one_title_on_one_day_get_two_addresses(self, db, tmp_path):
        make_article(title="Même titre", published_at=datetime.datetime(2024, 5, 24, 12, tzinfo=datetime.UTC))
        feed = tmp_path / "same.xml"
        feed.write_text(
            '<rss version="2.0"><channel><title>T</title>'
            "<item><title>Même titre</title><link>https://a.example.org/1</link>"
            "<pubDate>Fri, 24 May 2024 13:00:00 +0000</pubDate></item>"
            "<item><title>Même titre</title><link>https://a.example.org/2</link>"
            "<pubDate>Fri, 24 May 2024 14:00:00 +0000</pubDate></item></channel></rss>"
        )

        out, err, status = ingest(str(feed))

        assert status == 0, err
        assert sorted(Article.objects.values_list("permalink", flat=True)) == [
            "2024-05-24-meme-titre",
            "2024-05-24-meme-titre-2",
            "2024-05-24-meme-titre-3",
        ]


@pytest.mark.django_db
class TestFetching:
    def test_a_source_is_fetched_then_answered_304_when_unchanged(self, server):
        url = server.serve(
            "/feed/", "wordpress.xml", etag='"v1"', headers={"Last-Modified": "Fri, 24 May 2024"}
        )
        source = make_source(url=url, tags=SEED_TAGS)

        out, err, status = ingest()

        assert status == 0, err
        source.refresh_from_db()
        assert source.last_outcome == Source.Outcome.OK
        assert source.last_fetched_at is not None
        assert source.etag == '"v1"'
        assert "4 created" in source.last_message
        assert Article.objects.count() == 4

        out, err, status = ingest()

        assert "Interventional News: not modified since the last fetch" in out
        assert server.requests[-1][1]["If-None-Match"] == '"v1"'
        assert server.requests[-1][1]["If-Modified-Since"] == "Fri, 24 May 2024"
        source.refresh_from_db()
        assert source.last_outcome == Source.Outcome.NOT_MODIFIED
        assert Article.objects.count() == 4

    def test_broken_xml_is_reported_and_the_other_sources_go_on(self, server):
        broken = make_source("Broken News", server.serve("/broken.xml", "broken.xml"))
        make_source("Atom", server.serve("/atom.xml", "atom.xml"))
        make_source("RSS 1", server.serve("/rss1.xml", "rss1.xml"))

        out, err, status = ingest()

        assert status == 1
        assert "Broken News: failed: the feed is not well-formed XML" in err
        assert "mismatched tag" in err
        assert Article.objects.count() == 3
        broken.refresh_from_db()
        assert broken.last_outcome == Source.Outcome.FAILED
        assert "not well-formed" in broken.last_message
        assert "feeds: fetched 2, not modified 0, failed 1, busy 0" in out

    def test_an_answer_that_is_no_feed_is_reported(self, server):
        make_source("Home page", server.serve("/", b"<html><body>Hello</body></html>"))

        out, err, status = ingest()

        assert status == 1
        assert "Home page: failed: not an RSS or Atom feed" in err

    def test_an_empty_answer_is_reported_and_the_other_sources_go_on(self, server):
        empty = make_source("Empty", server.serve("/empty", b""))
        make_source("RSS 1", server.serve("/rss1.xml", "rss1.xml"))

        out, err, status = ingest()

        assert status == 1
        assert "Empty: failed: the answer is empty: not an RSS or Atom feed" in err
        assert "Traceback" not in err and "KeyError" not in err
        empty.refresh_from_db()
        assert empty.last_outcome == Source.Outcome.FAILED
        assert empty.last_message == "the answer is empty: not an RSS or Atom feed"
        assert Article.objects.count() == 1

    @pytest.mark.parametrize("trickle", ["headers", "body", "stall"])
    def test_a_server_that_trickles_is_cut_off_at_the_deadline_while_the_next_source_is_read(
        self, server, settings, trickle
    ):
        settings.INGEST_TIMEOUT = 3
        slow = make_source("A slow source", server.serve("/slow", "rss1.xml", trickle=trickle))
        following = make_source("B next source", server.serve("/next", "atom.xml"))

        started = time.monotonic()
        out, err, status = ingest()
        elapsed = time.monotonic() - started

        assert 2.5 < elapsed < 8, f"the run took {elapsed:.1f} s"
        assert status == 1
        assert f"A slow source: failed: {slow.feed_url}: no complete answer within 3 seconds" in err
        assert "B next source: 2 created" in out
        assert "feeds: fetched 1, not modified 0, failed 1, busy 0" in out
        assert Article.objects.count() == 2
        slow.refresh_from_db()
        following.refresh_from_db()
        assert slow.last_outcome == Source.Outcome.FAILED
        assert "no complete answer within 3 seconds (INGEST_TIMEOUT)" in slow.last_message
        assert slow.claimed_until is None
        # Fetched side by side: the next source was done while the slow one still held its thread.
        assert following.last_fetched_at < slow.last_fetched_at - datetime.timedelta(seconds=2)

    def test_one_feed_at_a_time_each_still_has_its_deadline(self, server, settings):
        settings.INGEST_TIMEOUT = 3
        settings.INGEST_CONCURRENCY = 1
        slow = make_source("A slow source", server.serve("/slow", "rss1.xml", trickle="body"))
        make_source("B next source", server.serve("/next", "atom.xml"))
        make_source("C last source", server.serve("/last", "rss1.xml"))

        started = time.monotonic()
        out, err, status = ingest()
        elapsed = time.monotonic() - started

        assert 2.5 < elapsed < 8, f"the run took {elapsed:.1f} s"
        assert f"A slow source: failed: {slow.feed_url}: no complete answer within 3 seconds" in err
        assert "B next source: 2 created" in out and "C last source: 1 created" in out
        assert server.paths() == ["/slow", "/next", "/last"]

    def test_an_error_status_is_reported(self, server):
        make_source("Gone", server.serve("/gone", b"", status=410))

        out, err, status = ingest()

        assert "Gone: failed: " in err and "the server answered 410 Gone" in err

    @pytest.mark.parametrize("send_length", [True, False])
    def test_an_oversized_answer_is_refused(self, server, settings, send_length):
        settings.INGEST_MAX_BYTES = 4096
        make_source("Big", server.serve("/big", b"<rss>" + b" " * 100_000, send_length=send_length))

        out, err, status = ingest()

        assert status == 1
        assert "the answer is larger than 4096 bytes" in err
        assert Source.objects.get().last_outcome == Source.Outcome.FAILED

    @pytest.mark.parametrize(
        "target, refusal",
        [
            ("http://10.1.2.3/feed.xml", "10.1.2.3 is a private address"),
            ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
            ("http://[::ffff:192.168.0.1]/feed", "of 192.168.0.1, a private address"),
            ("http://0.0.0.0/", "0.0.0.0 is"),
            ("file:///etc/passwd", "only http and https addresses are fetched"),
        ],
    )
    def test_a_redirect_to_a_private_address_is_refused(self, server, target, refusal):
        make_source("Redirecting", server.serve("/feed", status=302, headers={"Location": target}))

        out, err, status = ingest()

        assert status == 1
        assert refusal in err
        assert Article.objects.count() == 0

    @pytest.mark.parametrize("allow_loopback", [False, True], ids=["production", "tests' loopback"])
    @pytest.mark.parametrize(
        "feed_url, refusal",
        [
            ("http://[2002:7f00:1::]/", "is a 6to4 address of 127.0.0.1, a loopback address"),
            ("http://[2002:a00:1::]/feed", "is a 6to4 address of 10.0.0.1, a private address"),
            ("http://[2002:a9fe:a9fe::]/", "is a 6to4 address of 169.254.169.254, a link-local address"),
            ("http://[::ffff:127.0.0.1]/", "is an IPv4-mapped address of 127.0.0.1, a loopback address"),
            ("http://[::ffff:10.0.0.1]/", "is an IPv4-mapped address of 10.0.0.1, a private address"),
            ("http://[::127.0.0.1]/", "is an IPv4-compatible address of 127.0.0.1, a loopback address"),
            ("http://[64:ff9b::7f00:1]/", "is a NAT64 address of 127.0.0.1, a loopback address"),
            ("http://[64:ff9b::a9fe:a9fe]/", "is a NAT64 address of 169.254.169.254, a link-local address"),
            ("http://[64:ff9b:1::808:808]/", "is a local-use NAT64 address"),
            # Teredo: server 65.54.227.120, client 10.0.0.1 (stored inverted: f5ff:fffe)
            (
                "http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/",
                "is a Teredo address of 10.0.0.1, a private address",
            ),
        ],
    )
    def test_an_ipv6_address_carrying_a_private_or_loopback_one_is_refused(
        self, settings, beyond_loopback_refused, feed_url, refusal, allow_loopback
    ):
        settings.INGEST_ALLOW_LOOPBACK = allow_loopback
        host = feed_url.split("[")[1].split("]")[0]
        source = make_source("Tunnelled", feed_url)

        out, err, status = ingest()

        assert status == 1
        assert f"Tunnelled: failed: {host}: refused, {host} {refusal}" in err
        source.refresh_from_db()
        assert source.last_outcome == Source.Outcome.FAILED
        assert refusal in source.last_message

    def test_an_ipv6_address_carrying_a_public_one_is_judged_by_it(self):
        assert fetching.refusal(ipaddress.ip_address("2002:808:808::")) == ""  # 6to4 of 8.8.8.8
        assert fetching.refusal(ipaddress.ip_address("::ffff:8.8.8.8")) == ""
        assert fetching.refusal(ipaddress.ip_address("::1")) == ""  # loopback as itself, tests' setting

    def test_a_redirect_to_a_public_feed_on_the_same_server_is_followed(self, server):
        server.serve("/new-feed", "rss1.xml")
        make_source("Moved", server.serve("/old-feed", status=301, headers={"Location": "/new-feed"}))

        out, err, status = ingest()

        assert status == 0, err
        assert server.paths() == ["/old-feed", "/new-feed"]
        assert Article.objects.count() == 1

    def test_a_feed_at_an_address_with_accents_is_fetched(self, server):
        """http.client takes only ASCII in its request line: « santé » raised UnicodeEncodeError."""
        server.serve("/sant%C3%A9/flux", "rss1.xml")
        make_source("Accented", server.url("/santé/flux"))

        out, err, status = ingest()

        assert status == 0, err
        assert server.paths() == ["/sant%C3%A9/flux"]
        assert Article.objects.count() == 1

    def test_loopback_is_refused_unless_the_setting_allows_it(self, server, settings):
        settings.INGEST_ALLOW_LOOPBACK = False
        make_source("Local", server.serve("/feed", "rss1.xml"))
        make_source("Local by name", server.url("/feed").replace("127.0.0.1", "localhost"))

        out, err, status = ingest()

        assert "Local: failed: 127.0.0.1: refused, 127.0.0.1 is a loopback address" in err
        assert "Local by name: failed: localhost: refused" in err
        assert server.requests == []

    def test_inactive_sources_are_left_alone_unless_named(self, server):
        make_source("Paused", server.serve("/feed", "rss1.xml"), is_active=False)

        out, err, status = ingest()
        assert server.requests == []
        assert "feeds: fetched 0" in out

        out, err, status = ingest("--source", "Paused")
        assert Article.objects.count() == 1

    def test_an_address_given_on_the_command_line(self, server):
        out, err, status = ingest(server.serve("/feed", "rss1.xml"))

        assert status == 0, err
        assert Article.objects.count() == 1

    def test_usage_errors(self, db):
        assert ingest("--source", "Nobody")[2] == 2
        assert ingest("/no/such/feed.xml")[2] == 2


@pytest.mark.django_db(transaction=True)
def test_a_second_run_at_the_same_time_skips_the_source_it_holds(server):
    release = threading.Event()
    make_source(url=server.serve("/feed/", "wordpress.xml", wait=release), tags=SEED_TAGS)
    first = {}

    def first_run():
        try:
            first["result"] = ingest()
        finally:
            connections.close_all()  # this thread's own connection, or the test database stays in use

    thread = threading.Thread(target=first_run)
    thread.start()
    try:
        assert server.arrived.wait(timeout=10)

        out, err, status = ingest()

        assert "Interventional News: skipped, another run is fetching it" in out
        assert "feeds: fetched 0, not modified 0, failed 0, busy 1" in out
    finally:
        release.set()
        thread.join(timeout=30)
    assert "created 4" in first["result"][0]
    assert Article.objects.count() == 4
    assert Source.objects.get().claimed_until is None
    assert len(server.requests) == 1


def long_feed(tmp_path, count, site="veille.example.org"):
    """An RSS feed of ``count`` items as a medical news site writes them: a title, an HTML
    summary with a DOI link and a picture, a date; every fifth cites the study the one before did."""
    items = "".join(
        f"<item><title>Étude {number} : un essai randomisé de plus</title>"
        f"<link>https://{site}/actualites/etude-{number}/</link>"
        f"<pubDate>Mon, 01 Dec 2025 {number % 24:02d}:{number % 60:02d}:00 +0000</pubDate>"
        "<description>"
        + escape(
            f'<p><img src="https://{site}/images/{number}.jpg" /> Lire '
            f'<a href="https://doi.org/10.1000/etude.{number - (number % 5 == 0)}">l’étude</a>.</p>'
        )
        + "</description></item>"
        for number in range(1, count + 1)
    )
    path = tmp_path / f"{site}-{count}.xml"
    path.write_text(f'<rss version="2.0"><channel><title>Veille</title>{items}</channel></rss>')
    return path


@pytest.mark.django_db
class TestLongFeeds:
    def test_a_feed_of_200_items_costs_a_few_queries_for_the_lot_not_a_few_per_item(self, db, tmp_path):
        make_source("Veille", "https://veille.example.org/feed/", tags=["France", "Veille"])

        with CaptureQueriesContext(connection) as first:
            out, err, status = ingest("--source", "Veille", str(long_feed(tmp_path, 200)))
        with CaptureQueriesContext(connection) as again:
            ingest("--source", "Veille", str(long_feed(tmp_path, 200)))

        assert status == 0, err
        assert "Veille: 200 created, 0 updated" in out
        assert len(first) <= 60, f"{len(first)} queries for 200 items"  # 6,000 one item at a time
        # The run's own: its claim, the run recorded, old runs forgotten, and the lot's reads.
        assert len(again) <= 12, f"{len(again)} queries for 200 unchanged items"
        articles = Article.objects.filter(origin=Article.Origin.INGESTED)
        assert articles.count() == 200
        assert articles.filter(image__image_url__endswith=".jpg", tags__name="Veille").count() == 200
        # Forty pairs cite one study: each pair is one story.
        assert articles.exclude(story=None).values("story").distinct().count() == 40
        for article in articles:
            version = Version.objects.get_for_object(article).get()
            assert version.revision.get_comment() in {"Ingested from Veille", "Importé du flux Veille"}

    def test_a_longer_feed_costs_the_queries_of_its_batches(self, db, tmp_path):
        make_source("Veille", "https://veille.example.org/feed/", tags=["France"])
        make_source("Autre", "https://autre.example.org/feed/", tags=["France"])
        with CaptureQueriesContext(connection) as one_batch:
            ingest("--source", "Veille", str(long_feed(tmp_path, BATCH_SIZE)))

        with CaptureQueriesContext(connection) as three_batches:
            out, err, status = ingest("--source", "Autre", str(long_feed(tmp_path, 500, "autre.example.org")))

        assert "Autre: 500 created" in out
        assert len(three_batches) <= 3 * len(one_batch)

    def test_an_item_another_run_stores_at_the_same_moment_is_already_on_the_site_the_others_are_kept(
        self, db, tmp_path
    ):
        make_source("Veille", "https://veille.example.org/feed/")
        taken = "https://veille.example.org/actualites/etude-7/"

        def another_run_stores(sender, revision, versions, **kwargs):
            # Between this run's look-up and its writing the item's record, another run writes one.
            if any(version.object_repr.startswith("Étude 7 ") for version in versions):
                IngestedItem.objects.create(link_normalized=normalize_url(taken), fingerprint="x")

        post_revision_commit.connect(another_run_stores)
        try:
            out, err, status = ingest("--source", "Veille", str(long_feed(tmp_path, 30)))
        finally:
            post_revision_commit.disconnect(another_run_stores)

        assert status == 0, err
        assert "Veille: 29 created, 0 updated, 0 unchanged, 0 kept as edited, 1 already on the site" in out
        assert Article.objects.count() == 29
        assert not Article.objects.filter(links__url=taken).exists()
