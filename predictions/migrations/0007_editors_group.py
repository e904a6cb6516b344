"""The Editors group: log and correct observations, read the rest of the record."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Editors"
PERMISSIONS = {
    "indicators": (
        "add_observation",
        "change_observation",
        "view_observation",
        "view_indicator",
        "view_feed",
        "view_fetchrun",
    ),
    "predictions": (
        "view_prediction",
        "view_question",
        "view_source",
        "view_score",
        "view_statuschange",
        # The home page lists deferred rescores; an editor may open them.
        "view_deferredrescore",
    ),
}


def make_permissions(apps, using):
    # Permissions are created after all migrations have run (post_migrate), so
    # on a new database they do not exist yet: create them now.
    # create_permissions skips an app config without models_module, which a
    # migration's app configs lack; it is set for the call and put back after,
    # so that a call with the real app registry leaves it as it was.
    for label in PERMISSIONS:
        config = apps.get_app_config(label)
        original = getattr(config, "models_module", None)
        config.models_module = original or True
        try:
            create_permissions(config, verbosity=0, using=using, apps=apps)
        finally:
            config.models_module = original


def create_group(apps, schema_editor):
    using = schema_editor.connection.alias
    make_permissions(apps, using)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = [
        (label, codename)
        for label, codenames in PERMISSIONS.items()
        for codename in codenames
    ]
    permissions = [
        Permission.objects.using(using).get(
            content_type__app_label=label, codename=codename
        )
        for label, codename in wanted
    ]
    group, _ = Group.objects.using(using).get_or_create(name=GROUP)
    group.permissions.set(permissions)


def delete_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("indicators", "0009_indicator_cadence_days"),
        ("predictions", "0006_question_text_limits"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
