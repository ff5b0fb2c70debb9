"""Django's ``loaddata``, decoding once the entities of the plain text it loads (``articles.plain_text``).

A fixture is content from outside, like a markdown file or a feed: a title
written « Abbott&#8217;s stent &amp; catheter » is stored as the text it
stands for. ``--as-stored`` loads text as it is, for a file that holds rows as
the database stored them (a backup: ``manage.py restore`` passes it).
"""

from django.core.management.commands import loaddata

from articles.plain_text import loading_fixtures


class Command(loaddata.Command):
    help = loaddata.Command.help + " The entities of titles, summaries and credits are decoded once."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--as-stored",
            action="store_true",
            help="Load text as it is, without decoding entities: rows as the database stored them.",
        )

    def handle(self, *fixture_labels, as_stored=False, **options):
        if as_stored:
            return super().handle(*fixture_labels, **options)
        with loading_fixtures():
            return super().handle(*fixture_labels, **options)
