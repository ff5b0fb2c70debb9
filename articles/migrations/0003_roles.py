"""The newsroom's two roles as groups: Authors draft, Editors decide what goes out and when."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

AUTHORS = {
    "article": ["add", "change", "view"],
    "imagecredit": ["add", "change", "delete", "view"],
    "sourcelink": ["add", "change", "delete", "view"],
    "tag": ["view"],
}
EDITORS = {
    "article": ["add", "change", "delete", "view", "publish"],
    "imagecredit": ["add", "change", "delete", "view"],
    "sourcelink": ["add", "change", "delete", "view"],
    "tag": ["add", "change", "delete", "view"],
    "permalinkredirect": ["add", "change", "delete", "view"],
}


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations ran; these groups need them now.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True  # historical apps have none; create_permissions skips those
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in [("Authors", AUTHORS), ("Editors", EDITORS)]:
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [f"{action}_{model}" for model, actions in grants.items() for action in actions]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Authors", "Editors"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_workflow_statuses_schedule_redirects"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
