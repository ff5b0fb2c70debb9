"""Titles as long as the archive's (1,000 characters), and the entities of stored text decoded once.

Titles, alternative texts, credits, rights and publishers' names came from
files, fixtures and feeds as they were written (« Abbott&#8217;s stent &amp;
catheter ») and were shown so; they are now decoded on the way in
(articles.plain_text), and this decodes what is already stored, once.
Summaries were decoded on the way in already and are left alone: decoding
them again would turn a « &amp;lt; » that was meant into « < ».

Rows are read and written a batch at a time, by primary key, and only those
holding an « & » are read at all. The change cannot be undone: going back
leaves the text decoded.
"""

import html

from django.db import migrations, models

BATCH_SIZE = 1000
DECODED_FIELDS = {
    "Article": ("title",),
    "ImageCredit": ("alt_text", "credit", "rights"),
    "SourceLink": ("publisher",),
}


def decode_stored_text(apps, schema_editor):
    database = schema_editor.connection.alias
    for model_name, fields in DECODED_FIELDS.items():
        model = apps.get_model("articles", model_name)
        holding_entities = models.Q()
        for name in fields:
            holding_entities |= models.Q(**{f"{name}__contains": "&"})
        rows = model.objects.using(database).filter(holding_entities).order_by("pk").only("pk", *fields)
        last = 0
        while batch := list(rows.filter(pk__gt=last)[:BATCH_SIZE]):
            last = batch[-1].pk
            changed = []
            for row in batch:
                values = {name: html.unescape(getattr(row, name)) for name in fields}
                if any(getattr(row, name) != value for name, value in values.items()):
                    for name, value in values.items():
                        setattr(row, name, value)
                    changed.append(row)
            model.objects.using(database).bulk_update(changed, fields, batch_size=BATCH_SIZE)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_ingest_sources"),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="title",
            field=models.CharField(max_length=1000, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="imagecredit",
            name="alt_text",
            field=models.CharField(
                blank=True,
                help_text="What the image shows, for readers who cannot see it.",
                max_length=1000,
                verbose_name="alternative text",
            ),
        ),
        migrations.RunPython(decode_stored_text, migrations.RunPython.noop, elidable=True),
    ]
