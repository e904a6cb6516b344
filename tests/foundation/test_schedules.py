"""The default schedules: one list, installed by the migrations, naming real tasks."""

import pytest
from django_celery_beat.models import PeriodicTask

from tracker import schedules
from tracker.celery import app


def test_every_default_schedule_names_a_registered_task() -> None:
    app.loader.import_default_modules()
    missing = [s.task for s in schedules.DEFAULT_SCHEDULES if s.task not in app.tasks]
    assert missing == []


@pytest.mark.django_db
def test_the_migrations_install_every_default_schedule() -> None:
    installed = dict(PeriodicTask.objects.values_list("name", "task"))
    assert {s.name: s.task for s in schedules.DEFAULT_SCHEDULES}.items() <= (
        installed.items()
    )
