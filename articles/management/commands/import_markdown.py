import contextlib
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from articles.markdown_format import FixtureWriter, Importer, find_markdown_files
from articles.models import Article

PROGRESS_EVERY = 100


@contextlib.contextmanager
def sqlite_write_ahead_log():
    """On SQLite, commit without waiting for the disk while the import runs.

    Each updated file, and each batch of new ones, is its own transaction; in
    SQLite's default journal mode every commit syncs the disk, which was most of
    an import's time. In write-ahead-log
    mode with synchronous=NORMAL a commit is durable against a crash of the
    process, and the database stays consistent after a power loss (the last
    commits may be lost, and importing again restores them). The journal mode
    is set back afterwards. Inside a transaction (a caller's, or a test's) nothing changes.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        (journal_mode,) = cursor.fetchone()
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute(f"PRAGMA journal_mode = {journal_mode}")


class Command(BaseCommand):
    help = (
        "Import articles from markdown files with YAML front matter (.md, .markdown, .txt), "
        "or from the folders holding them. Each file is imported whole or not at all; articles "
        "are matched by permalink, so importing again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files or folders (read recursively).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every file and report; write nothing."
        )
        parser.add_argument(
            "--status",
            choices=Article.Status.values,
            default=Article.Status.PUBLISHED,
            help="The status given to the imported articles (default: published).",
        )
        parser.add_argument(
            "--to-fixture",
            metavar="FILE",
            help="Write a loaddata fixture with natural keys to FILE instead of the database.",
        )

    def handle(self, *args, paths, dry_run, status, to_fixture, **options):
        try:
            files = find_markdown_files(paths)
        except FileNotFoundError as error:
            raise CommandError(f"No such file or folder: {error.args[0]}", returncode=2) from None
        self.progress = sys.stderr.isatty() and options["verbosity"] > 0
        if to_fixture:
            with (
                Path(to_fixture).open("w", encoding="utf-8") as file,
                FixtureWriter(file, status=status) as fixture,
            ):
                counts, failures = self.run(fixture.write_files(files))
            summary = f"wrote {fixture.count} articles to {to_fixture}, failed {len(failures)}"
        else:
            importer = Importer(status=status, dry_run=dry_run)
            with sqlite_write_ahead_log():
                counts, failures = self.run(importer.import_files(files))
            summary = "imported {imported}, updated {updated}, unchanged {unchanged}, failed {failed}".format(
                **counts
            )
            if dry_run:
                summary = f"dry run, nothing written: {summary}"
        for path, reason in failures:
            self.stderr.write(f"{path}: {reason}")
        self.stdout.write(summary)
        if failures:
            raise CommandError(f"{len(failures)} file(s) could not be imported", returncode=1)

    def run(self, results):
        counts = {Importer.IMPORTED: 0, Importer.UPDATED: 0, Importer.UNCHANGED: 0, Importer.FAILED: 0}
        failures = []
        for done, (path, outcome, reason) in enumerate(results, start=1):
            counts[outcome] += 1
            if reason:
                failures.append((path, reason))
            if self.progress and done % PROGRESS_EVERY == 0:
                sys.stderr.write(f"\r{done} files…")
        if self.progress:
            sys.stderr.write("\r\033[K")  # clear the count's line for the summary
        return counts, failures
