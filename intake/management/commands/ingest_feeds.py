from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from intake import health
from intake.ingest import BUSY, FAILED, FETCHED, NOT_MODIFIED, OUTCOMES, ingest_sources
from intake.models import Source


class Command(BaseCommand):
    help = (
        "Fetch the active sources' feeds (RSS 2.0, RSS 1.0, Atom) and turn their new items into "
        "articles in review. An item already on the site is skipped, and an article someone edited "
        "is never overwritten, so running it again (or twice at once) does no harm. INGEST_CONCURRENCY "
        "feeds are fetched at once, each within INGEST_TIMEOUT seconds. Without arguments, only the "
        "sources due are fetched: a failing one waits INGEST_INTERVAL minutes times 2, 4, 8… (up to a "
        "day) after each failure in a row."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "locations",
            nargs="*",
            metavar="FILE_OR_URL",
            help="Read these feeds instead: files or addresses (as --source's feed when one is named).",
        )
        parser.add_argument(
            "--source", metavar="NAME", help="Only this source (fetched even when it is inactive)."
        )
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--failed",
            action="store_true",
            help="Only the active sources whose last fetch failed, now, whatever their wait.",
        )
        which.add_argument(
            "--force", action="store_true", help="Every active source, now, whatever its wait."
        )

    def handle(self, *args, locations, source, failed, force, **options):
        if (failed or force) and (source or locations):
            raise CommandError("--failed and --force choose sources: name none", returncode=2)
        named = None
        if source:
            named = Source.objects.filter(name=source).first()
            if named is None:
                raise CommandError(f"No source named {source!r}", returncode=2)
        for location in locations:
            if not location.startswith(("http://", "https://")) and not Path(location).is_file():
                raise CommandError(f"No such file: {location}", returncode=2)
        now = health.clock()
        scheduled = not (named or locations or failed or force)
        jobs = self.jobs(named, locations, failed=failed, scheduled=scheduled, now=now)
        waiting = Source.objects.filter(is_active=True).exclude(health.due(now)).count() if scheduled else 0
        reports = [
            self.show(report)
            for report in ingest_sources(jobs, settings.INGEST_CONCURRENCY, scheduled=scheduled)
        ]
        health.forget_old_runs(now)
        counts = {outcome: sum(report.counts[outcome] for report in reports) for outcome in OUTCOMES}
        statuses = {status: sum(report.status == status for report in reports) for status in self.STATUSES}
        self.stdout.write(
            ", ".join(f"{outcome} {count}" for outcome, count in counts.items())
            + "; feeds: "
            + ", ".join(f"{status} {count}" for status, count in statuses.items())
        )
        if waiting:
            self.stdout.write(
                f"{waiting} failing feed(s) waiting for their next try (--failed fetches them now)"
            )
        if statuses[FAILED]:
            raise CommandError(f"{statuses[FAILED]} feed(s) could not be read", returncode=1)

    STATUSES = (FETCHED, NOT_MODIFIED, FAILED, BUSY)

    def jobs(self, named, locations, *, failed, scheduled, now):
        """(source, location) pairs: a source's own feed, a location read as its feed, or a location alone."""
        if not locations:
            if named:
                return [(named, None)]
            sources = Source.objects.filter(is_active=True)
            if failed:
                sources = sources.filter(health.failing())
            elif scheduled:
                sources = sources.filter(health.due(now))
            return [(source, None) for source in sources]
        by_url = {source.feed_url: source for source in Source.objects.filter(feed_url__in=locations)}
        if named:
            return [(named, location) for location in locations]
        return [
            (by_url[location], None) if location in by_url else (None, location) for location in locations
        ]

    def show(self, report):
        if report.status == FAILED:
            self.stderr.write(report.describe())
        else:
            self.stdout.write(report.describe())
        for problem in report.problems:
            self.stderr.write(f"{report.name}: {problem}")
        return report
