"""The default schedules: fetch due feeds every 15 minutes, rescore nightly.

Editable afterwards in the admin under Periodic tasks; running this again
leaves existing schedules and any edits alone.
"""

from django.db import migrations
from django.utils import timezone

FETCH_DUE_FEEDS = "fetch due feeds"
RESCORE_NIGHTLY = "rescore everything nightly"


def create_schedules(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every_15_minutes, _ = IntervalSchedule.objects.get_or_create(
        every=15, period="minutes"
    )
    at_3_utc, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="3",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="UTC",
    )
    PeriodicTask.objects.get_or_create(
        name=FETCH_DUE_FEEDS,
        defaults={
            "task": "indicators.tasks.fetch_due_feeds",
            "interval": every_15_minutes,
            "description": "Enqueues one fetch per feed whose interval has passed.",
        },
    )
    PeriodicTask.objects.get_or_create(
        name=RESCORE_NIGHTLY,
        defaults={
            "task": "predictions.tasks.rescore_all_task",
            "crontab": at_3_utc,
            "description": "Rescores every prediction and snapshots the scores.",
        },
    )
    # The beat scheduler reloads its schedule when this marker moves; the
    # signal that normally moves it does not fire for historical models.
    PeriodicTasks.objects.update_or_create(
        ident=1, defaults={"last_update": timezone.now()}
    )


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[FETCH_DUE_FEEDS, RESCORE_NIGHTLY]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0002_observation_range_trigger"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
