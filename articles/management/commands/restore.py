from django.core.management.base import BaseCommand

from articles.backups import restore


class Command(BaseCommand):
    help = "Restore a backup folder written by `backup` into an empty, migrated database."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, directory, **options):
        restore(directory)
        self.stdout.write(f"Restored {directory}")
