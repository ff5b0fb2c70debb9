# Feed sources and their items moved to the intake app (intake/migrations/0001_initial):
# they leave this app's state only; their tables and rows stay where they are.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_long_titles_decoded_entities"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="source", name="tags"),
                migrations.DeleteModel(name="TaggedSource"),
                migrations.DeleteModel(name="IngestedItem"),
                migrations.DeleteModel(name="Source"),
            ],
        ),
    ]
