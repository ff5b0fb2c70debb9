from django.core.management.base import BaseCommand, CommandError

from demo import loading as demo


class Command(BaseCommand):
    help = (
        "Load the demo (the seed article, illustrated stories in every status, a feed with drafts "
        "to review, an editor and an author) into an empty database; leave a database with content alone."
    )

    def handle(self, *args, **options):
        reason = demo.refusal()
        if reason:
            self.stdout.write(reason)
            return
        try:
            made = demo.load()
        except demo.DemoRefused as refusal:
            raise CommandError(str(refusal)) from None
        if options["verbosity"]:
            self.stdout.write(
                f"Loaded the demo: {made['articles']} articles, {made['images']} illustrations, "
                f"the feed “{made['source']}” with drafts to review, and the accounts "
                f"{' and '.join(made['accounts'])} (staff, without a password: "
                "give one with manage.py changepassword NAME to log in as them)."
            )
