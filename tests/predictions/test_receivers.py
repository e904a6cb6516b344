"""A burst of new observations schedules one rescore of their indicators."""

import datetime

import pytest
from django.core.cache import cache
from django.test import override_settings

from indicators.services import ObservationData, save_observation
from indicators.signals import observations_changed
from predictions import changes, tasks
from predictions.models import Status
from tests.factories import IndicatorFactory, PredictionFactory
from tracker.env import redis_cache

pytestmark = pytest.mark.django_db

REDIS_DOWN = {"default": redis_cache("redis://127.0.0.1:1/0", timeout=0.2)}


@pytest.fixture
def scheduled(monkeypatch) -> list[dict]:
    """The rescores the receiver enqueues, recorded instead of run."""
    calls: list[dict] = []
    monkeypatch.setattr(
        tasks.rescore_indicators_task,
        "apply_async",
        lambda args, countdown: calls.append({"ids": args[0], "countdown": countdown}),
    )
    return calls


@pytest.fixture
def indicator():
    indicator = IndicatorFactory()
    yield indicator
    changes.clear_pending([indicator.pk])


def test_a_burst_of_changes_schedules_one_rescore(indicator, scheduled):
    for _ in range(3):
        observations_changed.send(sender=None, indicator_ids=[indicator.pk])
    assert scheduled == [{"ids": [indicator.pk], "countdown": changes.DEBOUNCE_SECONDS}]


def test_a_rescore_that_started_lets_the_next_change_schedule_another(
    indicator, scheduled
):
    observations_changed.send(sender=None, indicator_ids=[indicator.pk])
    changes.clear_pending([indicator.pk])
    observations_changed.send(sender=None, indicator_ids=[indicator.pk])
    assert len(scheduled) == 2


def test_with_redis_down_every_change_schedules_a_rescore(indicator, scheduled):
    with override_settings(CACHES=REDIS_DOWN):
        observations_changed.send(sender=None, indicator_ids=[indicator.pk])
        observations_changed.send(sender=None, indicator_ids=[indicator.pk])
    assert len(scheduled) == 2


def test_the_rescore_task_clears_the_pending_mark(indicator):
    cache.set(changes.PENDING_KEY.format(indicator.pk), 1)
    tasks.rescore_indicators_task(indicator_ids=[indicator.pk])
    assert cache.get(changes.PENDING_KEY.format(indicator.pk)) is None


def test_a_new_observation_rescores_its_indicators_predictions(
    indicator, django_capture_on_commit_callbacks
):
    prediction = PredictionFactory(indicator=indicator, target=80.0)
    data = ObservationData(
        indicator=indicator,
        date=datetime.date(2025, 1, 1),
        value=90.0,
        source_url="https://example.org/report",
        source_title="A report",
    )
    with django_capture_on_commit_callbacks(execute=True):
        save_observation(data)
    prediction.refresh_from_db()
    assert prediction.current_score.status == Status.RESOLVED_TRUE


def test_the_nightly_task_scores_everything():
    PredictionFactory.create_batch(2)
    assert tasks.rescore_all_task()["predictions"] == 2
