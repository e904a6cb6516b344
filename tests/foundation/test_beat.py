"""A job that falls due while the broker is down is sent once it is back.

The scheduler publishes to the real Redis through a `TcpProxy`, into a queue
of the test's own, and keeps its schedule in the test database.
"""

import datetime
import os
import uuid
from collections.abc import Iterator

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from tests.integration.conftest import wait_for
from tests.tcpproxy import TcpProxy
from tracker import beat

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
REDIS = redis.Redis.from_url(REDIS_URL)
LAST_RUN = datetime.timedelta(minutes=16)  # due: it runs every 15 minutes


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    port = REDIS.connection_pool.connection_kwargs["port"]
    with TcpProxy(port) as proxy:
        yield proxy


@pytest.fixture
def app(proxy: TcpProxy) -> Iterator[Celery]:
    """A Celery app that publishes through the proxy, with the project's policy."""
    db = REDIS.connection_pool.connection_kwargs["db"]
    # Not current: later tests in this thread send tasks through the project's app.
    app = Celery(
        "beat-tests",
        broker=f"redis://127.0.0.1:{proxy.port}/{db}",
        set_as_current=False,
    )
    app.conf.task_publish_retry_policy = settings.CELERY_TASK_PUBLISH_RETRY_POLICY
    app.conf.broker_transport_options = {"socket_connect_timeout": 1}
    app.conf.result_expires = None  # no cleanup job of celery's own
    yield app
    app.close()


@pytest.fixture
def queue() -> Iterator[str]:
    name = f"beat-test-{uuid.uuid4().hex[:8]}"
    yield name
    REDIS.delete(name)


@pytest.fixture
def job(queue: str) -> PeriodicTask:
    """The only job: the schedules the migrations made are not the test's."""
    PeriodicTask.objects.all().delete()
    every_15_minutes, _ = IntervalSchedule.objects.get_or_create(
        every=15, period=IntervalSchedule.MINUTES
    )
    return PeriodicTask.objects.create(
        name="fetch due feeds",
        task="indicators.tasks.fetch_due_feeds",
        interval=every_15_minutes,
        queue=queue,
        last_run_at=timezone.now() - LAST_RUN,
    )


def start(scheduler_class: type[DatabaseScheduler], app: Celery) -> DatabaseScheduler:
    scheduler = scheduler_class(app=app)
    scheduler.producer  # noqa: B018 -- connect while the broker is up, as beat does
    return scheduler


def sent(queue: str) -> int:
    return REDIS.llen(queue)


def test_a_job_due_while_the_broker_is_down_is_sent_once_it_is_back(
    app, proxy, queue, job, monkeypatch
):
    monkeypatch.setattr(beat, "RESEND_SECONDS", 0.2)
    scheduler = start(beat.ResendingDatabaseScheduler, app)
    proxy.close_port()
    for _ in range(3):
        scheduler.tick()
    scheduler.sync()
    assert sent(queue) == 0
    job.refresh_from_db()
    assert job.total_run_count == 0
    assert timezone.now() - job.last_run_at >= LAST_RUN

    proxy.open_port()
    wait_for(
        lambda: scheduler.tick() is not None and sent(queue),
        timeout=10,
        what="the job to be sent",
    )
    tick_then_close(scheduler)

    assert sent(queue) == 1
    job.refresh_from_db()
    assert timezone.now() - job.last_run_at < datetime.timedelta(seconds=10)
    assert job.total_run_count == 1


def tick_then_close(scheduler) -> None:
    """A few more beats, as a running beat would make, then shut down."""
    for _ in range(3):
        scheduler.tick()
    scheduler.close()


def test_a_job_sent_at_the_first_try_is_sent_once(app, queue, job):
    scheduler = start(beat.ResendingDatabaseScheduler, app)
    tick_then_close(scheduler)
    assert sent(queue) == 1


def test_the_plain_database_scheduler_skips_a_job_it_could_not_send(
    app, proxy, queue, job
):
    """Why tracker.beat exists: the run is recorded though nothing was sent."""
    scheduler = start(DatabaseScheduler, app)
    proxy.close_port()
    scheduler.tick()
    proxy.open_port()
    tick_then_close(scheduler)
    assert sent(queue) == 0
    job.refresh_from_db()
    assert timezone.now() - job.last_run_at < datetime.timedelta(seconds=10)
