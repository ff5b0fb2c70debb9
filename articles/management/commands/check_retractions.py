"""Ask Crossref whether the studies the public articles cite (their DOIs) were retracted, withdrawn,
corrected or given an expression of concern (articles.retractions): schedule it daily. A DOI
answered fewer than CROSSREF_RECHECK_DAYS days ago is not asked again; at most
CROSSREF_DAILY_LIMIT requests in 24 hours."""

from django.core.management.base import BaseCommand
from django.utils import translation

from articles.retractions import check_retractions

LISTED = 20


class Command(BaseCommand):
    help = "Ask Crossref about the DOIs the public articles cite: retractions, corrections, concerns."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Ask about every DOI, even one just asked.")
        parser.add_argument("--limit", type=int, metavar="N", help="Ask about N DOIs at most.")

    def handle(self, *args, force=False, limit=None, **options):
        summary = check_retractions(force=force, limit=limit)
        with translation.override(None):  # in English, as every command prints
            self.report(summary)

    def report(self, summary):
        if not summary.asked and not summary.stopped:
            self.stdout.write("No DOI to ask about: every cited DOI was asked lately (--force to redo).")
            return
        self.stdout.write(
            f"{summary.asked} DOIs asked of Crossref: {len(summary.found)} new notices, "
            f"{summary.unknown} unknown to Crossref, {len(summary.errors)} without an answer."
        )
        for update in summary.found[:LISTED]:
            public = " (shown to readers)" if update.is_public else " (waits for an editor)"
            self.stdout.write(f"  {update.get_kind_display()}: {update.doi} → {update.notice_doi}{public}")
        for doi, why in summary.errors[:LISTED]:
            self.stdout.write(f"  no answer for {doi}: {why}")
        if summary.stopped:
            self.stdout.write(f"Stopped: {summary.stopped}; {summary.left_for_tomorrow} DOIs left for later.")
