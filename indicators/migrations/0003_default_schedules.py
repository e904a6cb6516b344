"""Empty: the default schedules are installed by ``tracker`` 0001, from the one
list in ``tracker.schedules``. Kept for the migration graph."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0002_observation_range_trigger"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = []
