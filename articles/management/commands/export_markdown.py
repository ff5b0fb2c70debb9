import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles.markdown_format import articles_to_export, export_articles
from articles.models import Article


def since_date(value):
    """A date (midnight in the site's time zone) or an ISO 8601 date-time (UTC when it has no zone)."""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since: {value!r} is not a date (YYYY-MM-DD)", returncode=2) from None
    if moment.tzinfo is not None:
        return moment
    if len(value) == 10:
        return timezone.make_aware(moment)
    return moment.replace(tzinfo=datetime.UTC)


class Command(BaseCommand):
    help = "Write every article as a markdown file, named after its permalink, in the site's format."

    def add_arguments(self, parser):
        parser.add_argument("outdir", metavar="OUTDIR", help="The folder to write into (created if needed).")
        parser.add_argument(
            "--status", choices=Article.Status.values, help="Only the articles with this status."
        )
        parser.add_argument(
            "--since", metavar="DATE", help="Only the articles published on or after DATE (YYYY-MM-DD)."
        )

    def handle(self, *args, outdir, status, since, **options):
        since = since_date(since) if since else None
        count = export_articles(outdir, articles_to_export(status=status, since=since))
        self.stdout.write(f"exported {count} articles to {outdir}")
