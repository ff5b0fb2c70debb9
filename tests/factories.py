"""Plain functions that make test content through the models, as the admin would."""

import itertools
from datetime import timedelta

from django.utils import timezone

from articles.models import Article, ImageCredit, SourceLink

_numbers = itertools.count(1)


def make_article(*, tags=(), image=False, source=False, **fields):
    number = next(_numbers)
    fields.setdefault("title", f"Article de test numéro {number}")
    fields.setdefault("status", Article.Status.PUBLISHED)
    fields.setdefault("published_at", timezone.now() - timedelta(hours=number))
    fields.setdefault("summary", f"Résumé de l’article {number}.")
    article = Article.objects.create(**fields)
    if tags:
        article.tags.add(*tags)
    if image:
        ImageCredit.objects.create(
            article=article,
            image_url=f"https://images.example.org/{number}.jpg",
            alt_text=f"Illustration {number}",
            credit="Image de l’article",
            rights="droits possiblement réservés",
            credit_url=f"https://news.example.org/{number}/",
        )
    if source:
        SourceLink.objects.create(
            article=article, url=f"https://news.example.org/{number}/", publisher="Example News"
        )
    return article
