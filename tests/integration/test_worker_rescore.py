"""Rescoring through a real Celery worker, Redis broker and PostgreSQL database."""

import time
from collections.abc import Iterator

import pytest
from django.db import connection
from django.utils import timezone
from django_celery_results.models import TaskResult
from django_redis.cache import RedisCache

from indicators.models import Indicator
from predictions import scoreboard
from predictions.models import Prediction, Score, StatusChange, Webhook, WebhookDelivery
from tests.integration.conftest import BROKER_URL, wait_for
from tests.predictions.test_webhooks import Receiver, serve
from tests.synthetic import build_synthetic_record

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

RESCORE_ALL = "predictions.tasks.rescore_all_task"
RESCORE_INDICATORS = "predictions.tasks.rescore_indicators_task"
# Enough predictions that a full rescore holds its transaction open for
# seconds in the worker, long enough to be caught and killed in the middle.
LARGE = {"predictions": 8000, "indicators": 40, "observations": 40_000}
SMALL = {"predictions": 24, "indicators": 4, "observations": 400}
# A table lock a rescore holds from its first statement until it commits:
# select_for_update() on the predictions takes ROW SHARE on the table.
RESCORE_LOCK = """
    SELECT EXISTS (
        SELECT 1 FROM pg_locks JOIN pg_database ON pg_database.oid = database
        WHERE datname = current_database() AND relation = %s::regclass
          AND mode = 'RowShareLock' AND granted AND pid <> pg_backend_pid()
    )
"""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from serve(200)


def worker_cache() -> RedisCache:
    """The worker's cache: its REDIS_URL is its broker's."""
    return RedisCache(BROKER_URL, {})


def task_succeeded(task_id: str) -> bool:
    return TaskResult.objects.filter(task_id=task_id, status="SUCCESS").exists()


def is_rescoring() -> bool:
    """True while another session has a rescore's transaction open."""
    with connection.cursor() as cursor:
        cursor.execute(RESCORE_LOCK, [Prediction._meta.db_table])
        return cursor.fetchone()[0]


def assert_scored_once_today(count: int) -> None:
    today = timezone.now().date()
    assert Score.objects.filter(as_of=today).count() == count
    assert Score.objects.count() == count
    assert Prediction.objects.filter(current_score__as_of=today).count() == count


def test_a_rescore_killed_with_its_worker_is_redelivered_and_completes(worker):
    build_synthetic_record(**LARGE)
    worker_cache().delete(scoreboard.CACHE_KEY)
    task_id = worker.send(RESCORE_ALL)
    wait_for(is_rescoring, timeout=30, what="the rescore to lock the predictions")
    delivered_before = time.monotonic()

    worker.kill()
    assert not Score.objects.exists()  # the kill landed before the commit
    worker.start_after_visibility_timeout(since=delivered_before)

    wait_for(lambda: task_succeeded(task_id), timeout=60, what="the redelivery")
    assert_scored_once_today(LARGE["predictions"])
    assert StatusChange.objects.count() == LARGE["predictions"]
    board = wait_for(
        lambda: worker_cache().get(scoreboard.CACHE_KEY),
        timeout=30,
        what="the scoreboard to be refreshed",
    )
    assert board["as_of"] == timezone.now().date().isoformat()
    totals = [source["counts"]["total"] for source in board["sources"]]
    assert sum(totals) == LARGE["predictions"]


def test_a_rescore_delivered_twice_ends_as_one_run(worker, receiver):
    build_synthetic_record(**SMALL)
    Webhook.objects.create(url=receiver.url, secret="a-shared-secret")
    indicator_ids = sorted(Indicator.objects.values_list("pk", flat=True))

    task_ids = [worker.send(RESCORE_INDICATORS, indicator_ids) for _ in range(2)]

    for task_id in task_ids:
        wait_for(lambda t=task_id: task_succeeded(t), timeout=30, what=task_id)
    count = SMALL["predictions"]
    assert_scored_once_today(count)
    # One run from nothing: each prediction's first status, announced once.
    changes = StatusChange.objects.values_list("prediction", "to_status")
    current = Prediction.objects.values_list("pk", "current_score__status")
    assert sorted(changes) == sorted(current)
    assert WebhookDelivery.objects.count() == count
    wait_for(
        lambda: not WebhookDelivery.objects.filter(delivered_at=None).exists(),
        timeout=30,
        what="the webhook deliveries",
    )
    assert set(WebhookDelivery.objects.values_list("attempts", flat=True)) == {1}
    assert len(receiver.received) == count
