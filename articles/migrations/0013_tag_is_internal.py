# Internal tags: the newsroom's own, never shown to readers (TagQuerySet.public, Article.tags_by_name).
# On SQLite adding the column remakes the tags' table, dropping its search triggers: they are made
# again after every migrate (articles.search.restore_sqlite_triggers).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_stories"),
    ]

    operations = [
        migrations.AddField(
            model_name="tag",
            name="is_internal",
            field=models.BooleanField(
                default=False,
                help_text="Reserved for the newsroom: readers never see it.",
                verbose_name="internal",
            ),
        ),
    ]
