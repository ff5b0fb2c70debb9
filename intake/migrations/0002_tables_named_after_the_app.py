# The tables the sources and their items kept from the articles app take this app's name.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelTable(name="source", table=None),
        migrations.AlterModelTable(name="ingesteditem", table=None),
        migrations.AlterModelTable(name="taggedsource", table=None),
    ]
