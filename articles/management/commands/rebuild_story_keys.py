"""Read every article's story keys again (``articles.story_keys``), after the recipe changed or for
articles loaded by ``loaddata``; an article without a story joins one. Run it as often as you like."""

from django.core.management.base import BaseCommand
from django.db import transaction

from articles import grouping
from articles.models import Article, StoryKey

BATCH = 500


class Command(BaseCommand):
    help = "Read the story keys of every article again, and put the articles without a story in one."

    def handle(self, *args, **options):
        before = Article.objects.exclude(story=None).count()
        done = 0
        # An archived article outside every story was discarded or blocked: it stays out.
        articles = Article.objects.exclude(status=Article.Status.ARCHIVED, story=None)
        ids = list(articles.order_by("pk").values_list("pk", flat=True))
        for batch in grouping.batched(ids, BATCH):
            with transaction.atomic():
                articles = list(
                    Article.objects.filter(pk__in=batch).only("title", "summary", "body", "cited", "story")
                )
                grouping.index(articles)
            done += len(articles)
        grouped = Article.objects.exclude(story=None).count()
        self.stdout.write(
            f"{done} articles read, {StoryKey.objects.count()} keys; "
            f"{grouped} articles in a story with others ({grouped - before} new)."
        )
