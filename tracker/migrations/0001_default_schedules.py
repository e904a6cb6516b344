"""Install the default periodic tasks of ``tracker.schedules``.

They were installed by ``indicators`` 0003 and ``predictions`` 0003 before, now
empty; on a database that ran those, this adds nothing.
"""

from django.db import migrations


def install(apps, schema_editor):
    from tracker import schedules

    schedules.install(apps)


def uninstall(apps, schema_editor):
    from tracker import schedules

    schedules.uninstall(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0003_default_schedules"),
        ("predictions", "0003_catch_up_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
