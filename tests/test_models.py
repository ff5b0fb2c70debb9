"""Rules the models keep whatever the route content takes."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from articles.models import Article, ImageCredit, SourceLink, Tag
from articles.normalize import normalize_url, without_tracking

from .factories import make_article


@pytest.mark.django_db
class TestTags:
    def test_names_differing_only_in_case_are_one_tag(self):
        first = make_article(tags=["France"])
        second = make_article(tags=["france"])
        second.tags.add("FRANCE")

        assert Tag.objects.count() == 1
        assert list(first.tags.all()) == list(second.tags.all())

    def test_database_refuses_a_second_tag_of_another_case(self):
        Tag.objects.create(name="Oncologie")

        with pytest.raises(IntegrityError):
            Tag.objects.create(name="ONCOLOGIE", slug="oncologie-2")

    @pytest.mark.parametrize(
        ("name", "slug"),
        [
            ("Actualité", "actualite"),
            ("Interventional News — Latest", "interventional-news-latest"),
            ("Étude clinique", "etude-clinique"),
            ("États-Unis", "etats-unis"),
        ],
    )
    def test_unicode_names_get_ascii_slugs(self, name, slug):
        assert make_article(tags=[name]).tags.get().slug == slug

    def test_natural_key_lookup_ignores_case(self):
        tag = Tag.objects.create(name="Cardiologie")

        assert Tag.objects.get_by_natural_key("cardiologie") == tag


@pytest.mark.django_db
class TestPermalink:
    def test_made_from_the_publication_day_in_paris(self):
        # 23:30 UTC on 24 May is already 25 May in Paris.
        article = make_article(
            title="Une étude française", published_at=datetime(2024, 5, 24, 23, 30, tzinfo=UTC)
        )

        assert article.slug == "une-etude-francaise"
        assert article.permalink == "2024-05-25-une-etude-francaise"
        assert article.get_absolute_url() == "/papers/2024-05-25-une-etude-francaise"

    def test_a_given_permalink_is_kept(self):
        article = make_article(title="Titre changé", permalink="2019-01-02-ancien-lien")

        assert article.get_absolute_url() == "/papers/2019-01-02-ancien-lien"

    def test_is_unique(self):
        make_article(permalink="2024-01-01-doublon")

        with pytest.raises(IntegrityError):
            make_article(permalink="2024-01-01-doublon")


@pytest.mark.django_db
class TestPublished:
    def test_only_published_articles_whose_time_has_come(self):
        visible = make_article(title="visible")
        make_article(title="draft", status=Article.Status.DRAFT)
        make_article(title="future", published_at=timezone.now() + timedelta(minutes=5))

        assert list(Article.objects.published()) == [visible]
        assert [a.is_published for a in Article.objects.order_by("title")] == [False, False, True]

    def test_is_published_mirrors_the_queryset_for_every_status_and_time(self):
        now = timezone.now()
        hour = timedelta(hours=1)
        for status in Article.Status.values:
            for published_at in (now - hour, now + hour):
                for expires_at in (None, now - hour / 2, now + 2 * hour):
                    make_article(status=status, published_at=published_at, expires_at=expires_at)

        public = set(Article.objects.published())

        assert len(public) == 2  # published, time come, not expired
        assert {article for article in Article.objects.all() if article.is_published} == public

    def test_is_scheduled_and_is_expiring_mirror_the_querysets(self):
        now = timezone.now()
        hour = timedelta(hours=1)
        for status in Article.Status.values:
            for published_at in (now - hour, now + hour):
                for expires_at in (None, now - hour / 2, now + 2 * hour):
                    make_article(status=status, published_at=published_at, expires_at=expires_at)

        scheduled, expiring = set(Article.objects.scheduled()), set(Article.objects.expiring())

        assert (len(scheduled), len(expiring)) == (3, 2)  # published: time to come; expiry to come
        assert {article for article in Article.objects.all() if article.is_scheduled} == scheduled
        assert {article for article in Article.objects.all() if article.is_expiring} == expiring


@pytest.mark.django_db
class TestImageCredit:
    def test_needs_an_upload_or_an_address(self):
        article = make_article()

        with pytest.raises(IntegrityError):
            ImageCredit.objects.create(article=article, credit="Sans image")

    def test_refuses_javascript_urls(self):
        credit = ImageCredit(
            article=make_article(), image_url="javascript:alert(1)", credit_url="data:text/html,x"
        )

        with pytest.raises(ValidationError) as error:
            credit.full_clean()
        assert set(error.value.message_dict) == {"image_url", "credit_url"}


@pytest.mark.django_db
class TestSourceLink:
    def test_stores_the_url_verbatim_and_normalised(self):
        link = SourceLink.objects.create(
            article=make_article(), url="HTTPS://Journal.Example.org:443/etude/?utm_source=rss&id=7#top"
        )

        assert link.url == "HTTPS://Journal.Example.org:443/etude/?utm_source=rss&id=7#top"
        assert SourceLink.objects.get(url_normalized="https://journal.example.org/etude?id=7") == link

    def test_one_original_source_per_article(self):
        article = make_article()
        SourceLink.objects.create(article=article, url="https://a.example.org/")
        SourceLink.objects.create(article=article, url="https://b.example.org/", kind="related")

        with pytest.raises(IntegrityError):
            SourceLink.objects.create(article=article, url="https://c.example.org/")


@pytest.mark.parametrize(
    ("url", "normalized"),
    [
        ("https://Example.org/a/", "https://example.org/a"),
        ("https://example.org/a?utm_medium=x&b=2&a=1", "https://example.org/a?a=1&b=2"),
        ("http://example.org:80/a?fbclid=1", "http://example.org/a"),
        ("https://example.org:8443/a#frag", "https://example.org:8443/a"),
        ("  ", ""),
    ],
)
def test_normalize_url(url, normalized):
    assert normalize_url(url) == normalized


@pytest.mark.parametrize(
    ("url", "followed"),
    [
        # Only the tracking parameters go; the address is otherwise followed as written.
        ("https://Example.org/A/?b=2&utm_source=rss&a=1#p3", "https://Example.org/A/?b=2&a=1#p3"),
        ("https://example.org/a?UTM_Medium=x&fbclid=1&gclid=2", "https://example.org/a"),
        (
            "https://example.org/a?q=caf%C3%A9+cr%C3%A8me&mc_cid=9",
            "https://example.org/a?q=caf%C3%A9+cr%C3%A8me",
        ),
        ("https://example.org/a?utm%5Fsource=encoded", "https://example.org/a"),
        ("https://example.org/a?reference=kept", "https://example.org/a?reference=kept"),
        ("", ""),
    ],
)
def test_without_tracking(url, followed):
    assert without_tracking(url) == followed
