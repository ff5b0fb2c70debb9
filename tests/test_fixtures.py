"""Content that arrives through `manage.py loaddata`."""

import pytest
from django.core.management import call_command

from articles.models import Article, ImageCredit, SourceLink, Tag, TaggedArticle

from .conftest import SEED_PERMALINK
from .factories import make_article


def counts():
    return (
        Article.objects.count(),
        Tag.objects.count(),
        TaggedArticle.objects.count(),
        ImageCredit.objects.count(),
        SourceLink.objects.count(),
    )


@pytest.mark.django_db
class TestSeedFixture:
    def test_loads_every_part_of_the_seed(self):
        call_command("loaddata", "seed", verbosity=0)

        article = Article.objects.get(permalink=SEED_PERMALINK)
        assert article.is_published
        assert article.importance is None
        assert article.summary.endswith("appeared first on Interventional News .")
        assert sorted(article.tags.names()) == ["Actualité", "France", "Interventional News — Latest"]
        assert article.image.credit_line == (
            "Image de l’article — droits possiblement réservés — "
            "https://interventionalnews.com/nice-publishes-a-guidance-supporting-the-use-of-selective-"
            "internal-radiation-therapy-for-neuroendocrine-tumors-with-liver-metastasis/"
        )
        assert article.source.publisher == "Interventional News"
        assert article.source.url_normalized == article.source.url.rstrip("/")

    def test_loading_twice_leaves_one_of_everything(self):
        call_command("loaddata", "seed", verbosity=0)
        once = counts()
        call_command("loaddata", "seed", verbosity=0)

        assert counts() == once == (1, 3, 3, 1, 1)

    def test_loading_beside_other_articles_overwrites_none_of_them(self, client):
        others = [
            make_article(title=f"Autre article {n}", tags=["france", "Oncologie"], image=True, source=True)
            for n in range(3)
        ]
        before = {
            a.pk: (a.title, a.permalink, sorted(t.pk for t in a.tags.all()), a.image.image_url, a.source.url)
            for a in Article.objects.with_card_data().prefetch_related("links")
        }

        call_command("loaddata", "seed", verbosity=0)

        after = {
            a.pk: (a.title, a.permalink, sorted(t.pk for t in a.tags.all()), a.image.image_url, a.source.url)
            for a in Article.objects.with_card_data().prefetch_related("links").filter(pk__in=before)
        }
        assert after == before
        assert Article.objects.count() == len(others) + 1
        # "France" in the seed and "france" typed before are one tag (the fixture's spelling wins).
        assert Tag.objects.filter(name__iexact="france").count() == 1
        assert client.get(f"/papers/{SEED_PERMALINK}").status_code == 200
