"""Backups: everything an editor made comes back in an empty database."""

import json
import re
import uuid

import pytest
from django.conf import settings
from django.db import connection

from .servers import manage

# Run in the source site: a person, the seed, an edit kept as a revision with
# its history line, a new tag, and an uploaded image.
POPULATE = """
import reversion
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.management import call_command
from PIL import Image
import io

from articles.models import Article, ImageCredit

call_command("loaddata", "seed", verbosity=0)
author = User.objects.create_user("camille", password="une phrase de passe", first_name="Camille")
author.groups.add(Group.objects.get(name="Authors"))
article = Article.objects.get()
with reversion.create_revision():
    article.title = "Titre corrigé"
    article.author = author
    article.save()
    article.tags.add("Radiologie")
    reversion.set_user(author)
    reversion.set_comment("Modifié")
LogEntry.objects.log_actions(author.pk, [article], CHANGE, change_message="Modifié")
picture = io.BytesIO()
Image.new("RGB", (4, 3), "teal").save(picture, "PNG")
other = Article.objects.create(title="Avec une image téléversée", status="published")
credit = ImageCredit(article=other, alt_text="Un carré", credit="Rédaction")
credit.image.save("carre.png", ContentFile(picture.getvalue()))
"""
COMPARED = ["--exclude", "contenttypes", "--exclude", "auth.permission", "--exclude", "sessions"]


@pytest.fixture
def two_databases(tmp_path):
    """URLs of two empty databases on the server the suite runs on."""
    if connection.vendor != "postgresql":
        yield [f"sqlite:///{tmp_path / 'source.sqlite3'}", f"sqlite:///{tmp_path / 'restored.sqlite3'}"]
        return
    import psycopg

    database = settings.DATABASES["default"]
    names = [f"backup_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    server = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
        yield [f"{server}/{name}" for name in names]
        for name in names:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def site(database_url, media):
    return {"DJANGO_SETTINGS_MODULE": "newsroom.test_settings", "DATABASE_URL": database_url,
            "DJANGO_MEDIA_ROOT": str(media)}  # fmt: skip


def dump(env):
    # Django writes times to the millisecond, and ".000" only when there are microseconds
    # below it: a restored time of exactly that millisecond is the same time.
    text = re.sub(
        r'(T\d\d:\d\d:\d\d)\.000(?=Z|[+-]\d\d:\d\d")',
        r"\1",
        manage("dumpdata", "--natural-foreign", *COMPARED, env=env).stdout,
    )
    return json.loads(text)


def test_backup_restores_every_article_tag_credit_link_revision_and_user(tmp_path, two_databases):
    source = site(two_databases[0], tmp_path / "media-source")
    restored = site(two_databases[1], tmp_path / "media-restored")
    manage("migrate", "-v0", env=source)
    manage("shell", "--no-imports", "-c", POPULATE, env=source)

    result = manage("backup", str(tmp_path / "backup"), env=source)
    assert "Backup written to" in result.stdout
    manage("migrate", "-v0", env=restored)
    manage("restore", str(tmp_path / "backup"), env=restored)

    before, after = dump(source), dump(restored)
    assert after == before
    models = {row["model"] for row in after}
    assert {"articles.article", "articles.tag", "articles.taggedarticle", "articles.imagecredit",
            "articles.sourcelink", "reversion.revision", "reversion.version", "auth.user",
            "admin.logentry"} <= models  # fmt: skip
    images = list((tmp_path / "media-restored" / "images").rglob("carre*.png"))
    assert len(images) == 1
    assert images[0].read_bytes() == next((tmp_path / "media-source").rglob("carre*.png")).read_bytes()


def test_restore_refuses_a_database_that_is_not_empty(tmp_path, two_databases):
    source = site(two_databases[0], tmp_path / "media")
    manage("migrate", "-v0", env=source)
    manage("loaddata", "seed", "-v0", env=source)
    manage("backup", str(tmp_path / "backup"), env=source)

    result = manage("restore", str(tmp_path / "backup"), env=source, check=False)

    assert result.returncode == 1
    assert "already holds articles or users" in result.stderr
