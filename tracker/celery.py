"""The Celery app: configured from Django settings under the CELERY_ namespace,
and the one retry policy of the project's tasks."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# How a task that meets a database restart (or a flaky producer) retries. Each
# jittered wait is anywhere up to 1, 2, 4, ... s: five retries would all be
# spent within ten seconds one time in six, before a restarting PostgreSQL is
# back; eight last about two minutes (under 30 s three times in a thousand).
RETRY_OPTIONS = {
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}
