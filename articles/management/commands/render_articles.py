"""Render again the body stored on articles (``Article.body_html``) that another version of the
renderer rendered, or none: after ``RENDERER_VERSION`` moved (``articles.rendering``), or rows
written around ``save()``; and draw the cards kept on public articles (``Article.stored_cards``)
that another card template drew, or none (articles.cards). ``make serve`` runs it after
``migrate``; run it as often as you like."""

from django.core.management.base import BaseCommand

from articles import cards, writing
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Render again the stored body of the articles rendered by another renderer, and the kept cards "
        "drawn by another template; or of every article."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="Render every article's body again, rows changed by SQL too."
        )
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Articles read and written at a time."
        )

    def handle(self, *args, **options):
        rendered = writing.render_bodies(every=options["all"], batch_size=options["batch_size"])
        self.stdout.write(f"{rendered} of {Article.objects.count()} articles rendered again.")
        public = Article.objects.all() if options["all"] else cards.outdated(Article.objects.all())
        drawn = cards.render(public.filter(status=Article.Status.PUBLISHED), batch_size=options["batch_size"])
        self.stdout.write(f"{drawn} articles' cards drawn again.")
