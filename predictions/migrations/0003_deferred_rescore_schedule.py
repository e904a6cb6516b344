"""The schedule that runs the rescores deferred while the broker was down.

Every minute, so that a rescore deferred during an outage runs within about a
minute of the broker's return (``predictions.outbox``). Running this again
leaves an existing schedule and any edit of it alone.
"""

from django.db import migrations
from django.utils import timezone

RESCORE_DEFERRED = "rescore what the broker missed"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=RESCORE_DEFERRED,
        defaults={
            "task": "predictions.tasks.rescore_deferred_task",
            "interval": every_minute,
            "description": (
                "Rescores the indicators whose rescore could not be queued "
                "while the broker was unreachable."
            ),
        },
    )
    # The beat scheduler reloads its schedule when this marker moves; the
    # signal that normally moves it does not fire for historical models.
    PeriodicTasks.objects.update_or_create(
        ident=1, defaults={"last_update": timezone.now()}
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=RESCORE_DEFERRED).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("predictions", "0002_deferredrescore"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
