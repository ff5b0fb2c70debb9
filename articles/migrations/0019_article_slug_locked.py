"""Remember a slug set by hand (``Article.slug_locked``): until first publication, any other follows
the title. The slug may be left blank in the form: the server makes it.

A draft whose slug is not the one its title makes, by the old rule or the new one (« l’étude »:
``letude``, now ``l-etude``), had it typed by hand: it is locked, so that it keeps it. Public
articles never follow their title, so they are left as they are; no stored slug or permalink changes.
"""

from django.db import migrations, models

from articles.slugs import former_slug_for, slug_for

BATCH = 2000


def lock_slugs_set_by_hand(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    drafts = Article.objects.filter(first_published_at__isnull=True).exclude(status="published")
    by_hand = [
        pk
        for pk, title, slug in drafts.values_list("pk", "title", "slug").iterator(chunk_size=BATCH)
        if slug not in (former_slug_for(title), slug_for(title))
    ]
    for start in range(0, len(by_hand), BATCH):
        Article.objects.filter(pk__in=by_hand[start : start + BATCH]).update(slug_locked=True)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_source_health"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="slug_locked",
            field=models.BooleanField(default=False, editable=False, verbose_name="slug set by hand"),
        ),
        migrations.AlterField(
            model_name="article",
            name="slug",
            field=models.SlugField(
                blank=True,
                help_text="The end of the article's address. Left blank, it is made from the title, and "
                "follows the title until the article is first published; typed by hand, it stays.",
                max_length=255,
                verbose_name="slug",
            ),
        ),
        migrations.RunPython(lock_slugs_set_by_hand, migrations.RunPython.noop),
    ]
