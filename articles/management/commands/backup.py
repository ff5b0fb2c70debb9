from django.core.management.base import BaseCommand

from articles.backups import backup


class Command(BaseCommand):
    help = "Write a consistent backup (data.json and media/) of the whole site to DIRECTORY."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, directory, **options):
        written = backup(directory)
        self.stdout.write(f"Backup written to {written.parent}")
