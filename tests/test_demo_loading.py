"""Loading the demo (`manage.py loaddemo`): into an empty database once, never twice, never over
content, and all or nothing. What the loaded demo shows is tested in test_demo.py."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article
from articles.workflow import WorkflowRefused
from demo import loading as demo
from demo import stories
from intake.models import Source

from .factories import make_article
from .test_demo import content, files


@pytest.fixture
def loaded(db, media_root):
    out = StringIO()
    call_command("loaddemo", stdout=out)
    return out.getvalue()


class TestLoadingSafely:
    def test_a_second_load_changes_nothing(self, loaded, media_root):
        before, images = content(), files(media_root)
        out = StringIO()

        call_command("loaddemo", stdout=out)

        assert content() == before
        assert files(media_root) == images
        assert out.getvalue() == "The database already holds articles: the demo was not loaded.\n"

    @pytest.mark.parametrize(
        ("existing", "said"),
        [
            (lambda: make_article(title="Déjà là"), "already holds articles"),
            (lambda: Source.objects.create(name="Flux", feed_url="https://flux.example/rss"), "feed sources"),
            (lambda: get_user_model().objects.create_user("lectrice"), "user accounts"),
        ],
    )
    def test_a_database_with_content_is_left_alone(self, db, media_root, existing, said):
        existing()
        before = content()
        out = StringIO()

        call_command("loaddemo", stdout=out)

        assert content() == before
        assert said in out.getvalue() and "not loaded" in out.getvalue()
        assert files(media_root) == []

    def test_a_superuser_made_first_does_not_stop_it(self, db, media_root):
        get_user_model().objects.create_superuser("admin", password="un-mot-de-passe-solide")

        call_command("loaddemo", stdout=StringIO())

        assert Article.objects.published().count() == 23

    def test_a_failure_leaves_nothing_behind(self, db, media_root, monkeypatch):
        # A story whose author would publish it: the workflow refuses, after images were written.
        refused = stories.Story(
            **{**vars(stories.STORIES[1]), "title": "Refusée", "moves": (("publish", stories.AUTHOR),)}
        )
        monkeypatch.setattr(demo, "STORIES", (*stories.STORIES[:3], refused))

        with pytest.raises(WorkflowRefused):
            call_command("loaddemo", stdout=StringIO())

        assert content() == (0, 0, 0, 0, 0, 0, 0, 0, 0)
        assert files(media_root) == []
