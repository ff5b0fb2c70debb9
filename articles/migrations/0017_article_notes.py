"""An article's notes become a thread (articles.notes.ArticleNote): the one editor's note each
article had is kept as the first note of its thread, dated when the article was last saved."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def notes_from_review_notes(apps, schema_editor):
    Article, ArticleNote = apps.get_model("articles", "Article"), apps.get_model("articles", "ArticleNote")
    ArticleNote.objects.bulk_create(
        ArticleNote(article_id=pk, kind="sent_back", text=note, created_at=updated_at)
        for pk, note, updated_at in Article.objects.exclude(review_note="").values_list(
            "pk", "review_note", "updated_at"
        )
    )


def review_notes_from_notes(apps, schema_editor):
    """Back: each article's last note sending it back is its editor's note again."""
    Article, ArticleNote = apps.get_model("articles", "Article"), apps.get_model("articles", "ArticleNote")
    for note in ArticleNote.objects.filter(kind="sent_back").order_by("created_at", "pk"):
        Article.objects.filter(pk=note.article_id).update(review_note=note.text)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_article_modified_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="MailPreference",
            fields=[
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="mail_preference",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
                (
                    "email",
                    models.BooleanField(
                        default=True,
                        help_text="Authors: when an article of yours is sent back, scheduled or published. Editors: when an article waits for review.",
                        verbose_name="e-mail me",
                    ),
                ),
                (
                    "language",
                    models.CharField(
                        choices=[("fr", "French"), ("en", "English")],
                        default="fr",
                        max_length=10,
                        verbose_name="language of the e-mail",
                    ),
                ),
            ],
            options={
                "verbose_name": "notification preference",
                "verbose_name_plural": "notification preferences",
            },
        ),
        migrations.CreateModel(
            name="ArticleNote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("sent_back", "Sent back"),
                            ("reply", "Author's reply"),
                            ("remark", "Remark"),
                        ],
                        default="remark",
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                ("text", models.TextField(max_length=5000, verbose_name="note")),
                (
                    "created_at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now, verbose_name="written"
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notes",
                        to="articles.article",
                        verbose_name="article",
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="article_notes",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="written by",
                    ),
                ),
            ],
            options={
                "verbose_name": "note",
                "verbose_name_plural": "notes",
                "ordering": ["article", "created_at", "id"],
            },
        ),
        migrations.RunPython(notes_from_review_notes, review_notes_from_notes),
        migrations.RemoveField(
            model_name="article",
            name="review_note",
        ),
    ]
