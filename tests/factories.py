"""Plain functions that make test content through the models, as the admin would."""

import itertools
from datetime import timedelta

from django.utils import timezone

from articles import writing
from articles.models import Article, ImageCredit

_numbers = itertools.count(1)


def make_article(*, tags=(), image=False, source=False, **fields):
    """An article saved by the one writer (articles.writing), with tags, a linked image and a source."""
    number = next(_numbers)
    fields.setdefault("title", f"Article de test numéro {number}")
    fields.setdefault("status", Article.Status.PUBLISHED)
    fields.setdefault("published_at", timezone.now() - timedelta(hours=number))
    fields.setdefault("summary", f"Résumé de l’article {number}.")
    parts = {}
    if image:
        parts["image"] = writing.Image(
            image_url=f"https://images.example.org/{number}.jpg",
            alt_text=f"Illustration {number}",
            credit="Image de l’article",
            rights="droits possiblement réservés",
            credit_url=f"https://news.example.org/{number}/",
        )
    if source:  # True, or a writing.Source of the test's own
        parts["source"] = (
            source
            if isinstance(source, writing.Source)
            else writing.Source(f"https://news.example.org/{number}/", publisher="Example News")
        )
    return writing.save_article(Article(**fields), tags=tags, **parts)


def staff(name, group):
    """A staff member of a newsroom group (Authors, Editors), as an administrator would add one."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(name, f"{name}@example.org", "mot-de-passe-de-test", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def client_for(client, user):
    client.force_login(user)
    return client


def image_bytes(size=(1600, 900), image_format="JPEG", color=(30, 110, 170)):
    """A real image file's bytes, drawn by Pillow: a diagonal gradient and a disc."""
    from io import BytesIO

    from PIL import Image, ImageDraw, ImageOps

    width, height = size
    shade = Image.linear_gradient("L").rotate(45, expand=True).resize(size)
    image = ImageOps.colorize(shade, black=color, white=tuple(255 - (255 - c) // 3 for c in color))
    radius = min(size) // 3
    ImageDraw.Draw(image).ellipse(
        (width * 2 // 3 - radius, height // 2 - radius, width * 2 // 3 + radius, height // 2 + radius),
        fill=tuple(min(255, c + 60) for c in color),
    )
    if image_format in {"PNG", "WEBP"}:
        image = image.convert("RGBA")
    buffer = BytesIO()
    image.save(buffer, format=image_format)
    return buffer.getvalue()


def make_uploaded_image(
    article, *, name="photo.jpg", size=(1600, 900), image_format="JPEG", color=(30, 110, 170), **fields
):
    """An ImageCredit with an uploaded file, saved as the admin would save it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    fields.setdefault("alt_text", "Un scanner dans une salle d’hôpital")
    fields.setdefault("credit", "Photo : Hôpital Exemple")
    fields.setdefault("rights", "CC BY 4.0")
    credit = ImageCredit(article=article, **fields)
    credit.image = SimpleUploadedFile(name, image_bytes(size, image_format, color))
    credit.full_clean()
    credit.save()
    return credit
