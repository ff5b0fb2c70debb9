from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from newsletter.sending import send_digest
from newsletter.weeks import Week


class Command(BaseCommand):
    help = (
        "Send a week's digest (default: the last complete week, ISO week in Paris time) to every "
        "confirmed reader who has not received it yet. Safe to run again, or twice at once: nobody "
        "receives a week twice, and a run that stopped halfway is finished by the next."
    )

    def add_arguments(self, parser):
        parser.add_argument("--week", help="the week, as YYYY-Www (e.g. 2024-W21)")
        parser.add_argument("--dry-run", action="store_true", help="say what would be sent, send nothing")

    def handle(self, *args, week=None, dry_run=False, **options):
        try:
            chosen = Week.parse(week) if week else Week.last_complete()
        except ValueError as error:
            raise CommandError(str(error)) from None
        if chosen >= Week.current():
            raise CommandError(f"{chosen} is not over yet: its digest is sent once the week has ended.")
        try:
            outcome = send_digest(chosen, dry_run=dry_run)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        if not outcome.articles:
            self.stdout.write(f"{chosen}: no article published that week, nothing sent.")
        elif dry_run:
            self.stdout.write(
                f"{chosen}: {outcome.articles} articles; would send to {len(outcome.to_send)} readers "
                f"(already sent: {outcome.already_sent}). Nothing sent (dry run)."
            )
        else:
            self.stdout.write(
                f"{chosen}: {outcome.articles} articles; sent {outcome.sent}, already sent "
                f"{outcome.already_sent}, refused by the server {outcome.refused}."
            )
        if outcome.stopped:
            raise CommandError(
                f"The SMTP server stopped the run ({outcome.stopped}): run it again to send the rest."
            )
