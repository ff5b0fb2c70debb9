"""Render again the body stored on articles (``Article.body_html``) whose stamp is not the one
their body would get now: after ``RENDERER_VERSION`` moved (``articles.rendering``), after the
migration that added it, or for rows written around ``save()``. Run it as often as you like."""

from django.core.management.base import BaseCommand

from articles import writing


class Command(BaseCommand):
    help = "Render again the stored body of the articles rendered by another renderer, or of every article."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Render every article's body again.")
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Articles read and written at a time."
        )

    def handle(self, *args, **options):
        read, rendered = writing.render_bodies(every=options["all"], batch_size=options["batch_size"])
        self.stdout.write(f"{read} articles read, {rendered} rendered again.")
