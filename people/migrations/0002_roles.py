"""The newsroom's roles and people: editors keep the profiles, authors pick them for a byline."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Editors": {
        ("people", "person"): ["add", "change", "delete", "view"],
        ("articles", "articleauthor"): ["add", "change", "delete", "view"],
    },
    # An author chooses the byline of their own draft among the profiles, and edits none.
    "Authors": {
        ("people", "person"): ["view"],
        ("articles", "articleauthor"): ["add", "change", "delete", "view"],
    },
}


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations ran; these groups need them now.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True  # historical apps have none; create_permissions skips those
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for (app_label, model), actions in grants.items():
            codenames = [f"{action}_{model}" for action in actions]
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_people"),
        ("articles", "0015_bylines_medical_review"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
