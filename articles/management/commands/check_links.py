"""Check the original source link of every public article (articles.link_checks): schedule it daily.
A link checked fewer than LINK_CHECK_DAYS days ago is skipped, so running it often costs nothing;
two runs at once share the work and never check one link twice."""

import time

from django.core.management.base import BaseCommand

from articles.link_checks import check_links

LISTED = 20


class Command(BaseCommand):
    help = "Check the source links of the public articles: alive, moved, failing or dead."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Check every link, even one checked lately.")
        parser.add_argument("--limit", type=int, metavar="N", help="Check N links at most.")

    def handle(self, *args, force=False, limit=None, **options):
        started = time.monotonic()
        summary = check_links(force=force, limit=limit)
        seconds = time.monotonic() - started
        if not summary.checked:
            self.stdout.write("No link to check: every public source link was checked lately (--force: all).")
            return
        self.stdout.write(
            f"{summary.checked} links checked in {seconds:.0f} s: {summary.alive} alive "
            f"({summary.moved} moved elsewhere), {summary.failing} failing, {summary.dead} dead "
            f"({len(summary.newly_dead)} newly, {summary.revived} back to life)."
        )
        answers = ", ".join(f"{answer}: {count}" for answer, count in summary.answers.most_common())
        self.stdout.write(f"Answers: {answers}.")
        if summary.claimed_elsewhere:
            self.stdout.write(f"{summary.claimed_elsewhere} links left to another run checking them.")
        self.list("dead", summary.newly_dead)
        self.list("failing", summary.failures)

    def list(self, what, links):
        for url, why in links[:LISTED]:
            self.stdout.write(f"  {what}: {url} ({why})")
        if len(links) > LISTED:
            self.stdout.write(f"  … and {len(links) - LISTED} more {what}.")
