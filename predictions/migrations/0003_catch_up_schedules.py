"""The schedules that catch up on what the broker missed while it was down.

Every minute, the rescores deferred while the broker was unreachable
(``predictions.outbox``), so that they run within about a minute of its
return; every five minutes, the webhook deliveries created meanwhile
(``predictions.webhooks.send_missed``). Running this again leaves existing
schedules and any edit of them alone.
"""

from django.db import migrations
from django.utils import timezone

SCHEDULES = [
    (
        "rescore what the broker missed",
        "predictions.tasks.rescore_deferred_task",
        1,
        "Rescores the indicators whose rescore could not be queued while the "
        "broker was unreachable.",
    ),
    (
        "send the webhook deliveries the broker missed",
        "predictions.tasks.send_missed_deliveries_task",
        5,
        "Queues the webhook deliveries created while the broker was unreachable.",
    ),
]


def create_schedules(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, task, minutes, description in SCHEDULES:
        interval, _ = IntervalSchedule.objects.get_or_create(
            every=minutes, period="minutes"
        )
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={"task": task, "interval": interval, "description": description},
        )
    # The beat scheduler reloads its schedule when this marker moves; the
    # signal that normally moves it does not fire for historical models.
    PeriodicTasks.objects.update_or_create(
        ident=1, defaults={"last_update": timezone.now()}
    )


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("predictions", "0002_deferredrescore"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
