"""A rescore the broker refuses is kept in the database and run later."""

import datetime

import pytest
from kombu.exceptions import OperationalError

from indicators.services import ObservationData, save_observation
from indicators.signals import observations_changed
from predictions import changes, services, tasks
from predictions.models import DeferredRescore, Status
from tests.factories import IndicatorFactory, PredictionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down(monkeypatch) -> None:
    """Publishing fails as it does when Redis refuses connections."""

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379.")

    monkeypatch.setattr(tasks.rescore_indicators_task, "apply_async", refuse)


@pytest.fixture
def indicator():
    indicator = IndicatorFactory(min_value=0, max_value=100)
    yield indicator
    changes.clear_pending([indicator.pk])


def record_value(indicator, value: float) -> None:
    data = ObservationData(
        indicator=indicator,
        date=datetime.date(2025, 1, 1),
        value=value,
        source_url="https://example.org/report",
        source_title="A report",
    )
    save_observation(data)


def deferred_ids() -> list[int]:
    return list(DeferredRescore.objects.values_list("pk", flat=True))


def test_a_rescore_the_broker_refuses_is_deferred_not_raised(indicator, broker_down):
    observations_changed.send(sender=None, indicator_ids=[indicator.pk])
    assert deferred_ids() == [indicator.pk]


def test_a_value_saved_while_the_broker_is_down_stays_saved(
    indicator, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record_value(indicator, 90.0)
    assert indicator.observations.get().value == 90.0
    assert deferred_ids() == [indicator.pk]


def test_an_indicator_deferred_twice_is_kept_once(indicator, broker_down):
    observations_changed.send(sender=None, indicator_ids=[indicator.pk])
    observations_changed.send(sender=None, indicator_ids=[indicator.pk])
    assert deferred_ids() == [indicator.pk]


def test_a_deferred_rescore_leaves_no_pending_mark(indicator, broker_down):
    observations_changed.send(sender=None, indicator_ids=[indicator.pk])
    assert changes._mark_pending(indicator.pk)


def test_the_drain_scores_the_deferred_indicators_and_forgets_them(indicator):
    prediction = PredictionFactory(indicator=indicator, target=80.0)
    record_value(indicator, 90.0)
    changes.defer_rescore([indicator.pk])

    assert services.rescore_deferred() == [indicator.pk]

    prediction.refresh_from_db()
    assert prediction.current_score.status == Status.RESOLVED_TRUE
    assert deferred_ids() == []


def test_the_drain_leaves_other_indicators_alone(indicator):
    other = PredictionFactory(indicator=IndicatorFactory(), target=80.0)
    changes.defer_rescore([indicator.pk])
    services.rescore_deferred()
    other.refresh_from_db()
    assert other.current_score is None


def test_the_periodic_task_drains_the_table(indicator):
    changes.defer_rescore([indicator.pk])
    assert tasks.rescore_deferred_task() == {"indicators": [indicator.pk]}
    assert tasks.rescore_deferred_task() == {"indicators": []}
