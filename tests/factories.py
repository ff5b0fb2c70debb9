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


def image_bytes(size=(1600, 900), image_format="JPEG", color=(30, 110, 170)):
    """A real image file's bytes, drawn by Pillow: a gradient so that it compresses like a photo."""
    from io import BytesIO

    from PIL import Image

    mode = "RGBA" if image_format in {"PNG", "WEBP"} else "RGB"
    image = Image.new(mode, size, color)
    for x in range(0, size[0], 8):
        shade = (x * 255) // max(1, size[0])
        image.paste((shade, color[1], 255 - shade), (x, 0, x + 4, size[1]))
    buffer = BytesIO()
    image.save(buffer, format=image_format)
    return buffer.getvalue()


def make_uploaded_image(article, *, name="photo.jpg", size=(1600, 900), image_format="JPEG", **fields):
    """An ImageCredit with an uploaded file, saved as the admin would save it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    fields.setdefault("alt_text", "Un scanner dans une salle d’hôpital")
    fields.setdefault("credit", "Photo : Hôpital Exemple")
    fields.setdefault("rights", "CC BY 4.0")
    credit = ImageCredit(article=article, **fields)
    credit.image = SimpleUploadedFile(name, image_bytes(size, image_format))
    credit.full_clean()
    credit.save()
    return credit
