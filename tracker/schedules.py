"""The default periodic tasks, all in one list.

Installed by the migration ``tracker/migrations/0001_default_schedules.py``
and editable afterwards in the admin under Periodic tasks: installing again
adds a missing schedule and leaves existing ones, and any edit of them, alone.
"""

from typing import NamedTuple

from django.utils import timezone

FETCH_DUE_FEEDS = "fetch due feeds"
RESCORE_NIGHTLY = "rescore everything nightly"
RESCORE_DEFERRED = "rescore what the broker missed"
SEND_MISSED = "send the webhook deliveries the broker missed"


class Schedule(NamedTuple):
    name: str
    task: str
    description: str
    every_minutes: int | None = None  # an interval, or else
    at_utc: tuple[int, int] | None = None  # (hour, minute) every day


DEFAULT_SCHEDULES = (
    Schedule(
        FETCH_DUE_FEEDS,
        "indicators.tasks.fetch_due_feeds",
        "Enqueues one fetch per feed whose interval has passed.",
        every_minutes=15,
    ),
    Schedule(
        RESCORE_NIGHTLY,
        "predictions.tasks.rescore_all_task",
        "Rescores every prediction and snapshots the scores.",
        at_utc=(3, 0),
    ),
    # The catch-up after a broker outage (predictions.changes): deferred
    # rescores run within about a minute of its return.
    Schedule(
        RESCORE_DEFERRED,
        "predictions.tasks.rescore_deferred_task",
        "Rescores the indicators whose rescore could not be queued while the "
        "broker was unreachable.",
        every_minutes=1,
    ),
    Schedule(
        SEND_MISSED,
        "predictions.tasks.send_missed_deliveries_task",
        "Queues the webhook deliveries created while the broker was unreachable.",
        every_minutes=5,
    ),
)


def install(apps) -> None:
    """Create the default schedules that are missing (``apps``: a migration's
    app registry, or ``django.apps.apps``)."""
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for schedule in DEFAULT_SCHEDULES:
        defaults = {"task": schedule.task, "description": schedule.description}
        if schedule.every_minutes is not None:
            defaults["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=schedule.every_minutes, period="minutes"
            )
        else:
            hour, minute = schedule.at_utc
            defaults["crontab"], _ = CrontabSchedule.objects.get_or_create(
                minute=str(minute),
                hour=str(hour),
                day_of_week="*",
                day_of_month="*",
                month_of_year="*",
                timezone="UTC",
            )
        PeriodicTask.objects.get_or_create(name=schedule.name, defaults=defaults)
    _tell_beat(PeriodicTasks)


def uninstall(apps) -> None:
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[s.name for s in DEFAULT_SCHEDULES]).delete()
    _tell_beat(apps.get_model("django_celery_beat", "PeriodicTasks"))


def _tell_beat(PeriodicTasks) -> None:
    # The beat scheduler reloads its schedule when this marker moves; the
    # signal that normally moves it does not fire for a migration's models.
    PeriodicTasks.objects.update_or_create(
        ident=1, defaults={"last_update": timezone.now()}
    )
