"""Backups: the whole newsroom (content, people, history, images) to a folder, and back.

A backup folder holds ``data.json`` (every row that is not rebuilt by
``migrate``, with its primary key, so that the admin's history and the
revisions still point at the right articles) and ``media/`` (uploaded images).
The data is read in one transaction, so a backup taken while editors work is a
consistent picture of one moment.
"""

import shutil
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

# Rebuilt by `migrate`, or worthless in a restored site.
NOT_BACKED_UP = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes",
]
DATA_FILE = "data.json"
MEDIA_FOLDER = "media"


def backup(directory):
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    partial = directory / f"{DATA_FILE}.partial"
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        call_command(
            "dumpdata",
            exclude=NOT_BACKED_UP,
            natural_foreign=True,
            output=str(partial),
            verbosity=0,
        )
    partial.replace(directory / DATA_FILE)  # a backup is either whole or absent
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        shutil.copytree(media, directory / MEDIA_FOLDER, dirs_exist_ok=True)
    return directory / DATA_FILE


def restore(directory):
    directory = Path(directory)
    data = directory / DATA_FILE
    if not data.is_file():
        raise CommandError(f"{data}: no such file; is {directory} a backup folder?")
    Article = apps.get_model("articles", "Article")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    if Article.objects.exists() or User.objects.exists():
        raise CommandError(
            "The database already holds articles or users: restore into an empty, migrated one."
        )
    # One transaction, all or nothing; the text as it was stored (no entity decoded again).
    call_command("loaddata", str(data), as_stored=True, verbosity=0)
    if (directory / MEDIA_FOLDER).is_dir():
        shutil.copytree(directory / MEDIA_FOLDER, settings.MEDIA_ROOT, dirs_exist_ok=True)
