import pytest
from django.core.management import call_command

SEED_PERMALINK = (
    "2024-05-24-nice-publishes-a-guidance-supporting-the-use-of-selective-internal-"
    "radiation-therapy-for-neuroendocrine-tumors-with-liver-metastasis"
)


@pytest.fixture
def seed(db):
    """The real article the site was published from, loaded from fixtures/seed.json."""
    from articles.models import Article

    call_command("loaddata", "seed", verbosity=0)
    return Article.objects.get(permalink=SEED_PERMALINK)
