# The feed sources and their items, made by articles' migration 0008 and moved here
# (articles 0011_move_intake_models): this app takes them into its state on their
# existing tables, and their content types (so their permissions, the Editors' among
# them, and their admin history) become intake's. Migration 0002 renames the tables.

import articles.fields
import django.db.models.deletion
import taggit.managers
from django.db import migrations, models

MOVED = ("source", "ingesteditem", "taggedsource")


def move_content_types(from_app, to_app):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        content_types = ContentType.objects.using(schema_editor.connection.alias)
        for model in MOVED:
            moving = content_types.filter(app_label=from_app, model=model)
            if moving.exists():
                # One made for the new label in between holds nothing the old one does not.
                content_types.filter(app_label=to_app, model=model).delete()
                moving.update(app_label=to_app)

    return move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("articles", "0011_move_intake_models"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Source",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=200, unique=True, verbose_name="name")),
                        ("feed_url", articles.fields.WebURLField(max_length=1000, unique=True, verbose_name="feed address")),
                        ("is_active", models.BooleanField(default=True, help_text="Inactive sources are not fetched by scheduled runs.", verbose_name="active")),
                        ("keep_footer", models.BooleanField(default=True, help_text="Keep “The post … appeared first on …” at the end of summaries.", verbose_name="keep the feed's footer")),
                        ("last_fetched_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="last fetch")),
                        ("last_outcome", models.CharField(blank=True, choices=[("ok", "Fetched"), ("not_modified", "Not modified"), ("failed", "Failed")], editable=False, max_length=20, verbose_name="outcome")),
                        ("last_message", models.TextField(blank=True, editable=False, verbose_name="last message")),
                        ("etag", models.CharField(blank=True, editable=False, max_length=500)),
                        ("last_modified", models.CharField(blank=True, editable=False, max_length=100)),
                        ("claimed_until", models.DateTimeField(blank=True, editable=False, null=True)),
                    ],
                    options={
                        "verbose_name": "source",
                        "verbose_name_plural": "sources",
                        "ordering": ["name"],
                        "db_table": "articles_source",
                    },
                ),
                migrations.CreateModel(
                    name="IngestedItem",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("link_normalized", models.CharField(max_length=1000, unique=True, verbose_name="normalised link")),
                        ("fingerprint", models.CharField(max_length=64)),
                        ("article_updated_at", models.DateTimeField(null=True)),
                        ("first_seen_at", models.DateTimeField(auto_now_add=True, verbose_name="first seen")),
                        ("article", models.OneToOneField(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="ingested_item", to="articles.article", verbose_name="article")),
                        ("source", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="items", to="intake.source", verbose_name="source")),
                    ],
                    options={
                        "verbose_name": "ingested item",
                        "verbose_name_plural": "ingested items",
                        "db_table": "articles_ingesteditem",
                    },
                ),
                migrations.CreateModel(
                    name="TaggedSource",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("content_object", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="intake.source")),
                        ("tag", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="tagged_sources", to="articles.tag")),
                    ],
                    options={
                        "verbose_name": "tagged source",
                        "verbose_name_plural": "tagged sources",
                        "db_table": "articles_taggedsource",
                        "constraints": [models.UniqueConstraint(fields=("content_object", "tag"), name="tag_once_per_source")],
                    },
                ),
                migrations.AddField(
                    model_name="source",
                    name="tags",
                    field=taggit.managers.TaggableManager(blank=True, help_text="Every item from this feed receives these tags, e.g. “France, Actualité”.", through="intake.TaggedSource", to="articles.Tag", verbose_name="tags"),
                ),
            ],
        ),
        migrations.RunPython(move_content_types("articles", "intake"), move_content_types("intake", "articles")),
    ]
