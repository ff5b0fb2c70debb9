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

PostgreSQL refuses to change the type of a column a trigger names (the search
trigger fires on UPDATE OF title): the table's triggers are set aside while the
column widens and put back as they were defined, whatever defines them. SQLite
never enforces a varchar's length, and altering a column there remakes the
table, dropping its triggers: only the migration state changes there.
"""

import contextlib
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


def title(length):
    return models.CharField(max_length=length, verbose_name="title")


def alt_text(length):
    return models.CharField(
        blank=True,
        help_text="What the image shows, for readers who cannot see it.",
        max_length=length,
        verbose_name="alternative text",
    )


@contextlib.contextmanager
def triggers_set_aside(schema_editor, table):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger"
            " WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [table],
        )
        triggers = cursor.fetchall()
    quote = schema_editor.quote_name
    for name, _definition in triggers:
        schema_editor.execute(f"DROP TRIGGER {quote(name)} ON {quote(table)}")
    yield
    for _name, definition in triggers:
        schema_editor.execute(definition)


def column(model_name, name, field, length):
    """Change a text column to ``length`` characters; the migration state is changed apart.

    SQLite never enforces a varchar's length, and changing the column there
    would remake the table and drop whatever triggers it has: nothing is done.
    """

    def alter(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            return
        model = apps.get_model("articles", model_name)
        new = field(length)
        new.set_attributes_from_name(name)
        new.model = model
        if schema_editor.connection.vendor == "postgresql":
            with triggers_set_aside(schema_editor, model._meta.db_table):
                schema_editor.alter_field(model, model._meta.get_field(name), new)
        else:
            schema_editor.alter_field(model, model._meta.get_field(name), new)

    return alter


def widen(model_name, name, field):
    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AlterField(model_name=model_name.lower(), name=name, field=field(1000))],
        database_operations=[
            migrations.RunPython(column(model_name, name, field, 1000), column(model_name, name, field, 300))
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_search_index_sqlite"),
    ]

    operations = [
        widen("Article", "title", title),
        widen("ImageCredit", "alt_text", alt_text),
        migrations.RunPython(decode_stored_text, migrations.RunPython.noop, elidable=True),
    ]
