from django.core.management import call_command
from django.core.management.base import BaseCommand

from articles.models import Article

DEMO_FIXTURES = ["seed", "demo"]


class Command(BaseCommand):
    help = "Load the demo articles into an empty database; leave a database with articles alone."

    def handle(self, *args, **options):
        if Article.objects.exists():
            self.stdout.write("The database already holds articles: demo fixtures not loaded.")
            return
        call_command("loaddata", *DEMO_FIXTURES, verbosity=options["verbosity"])
