"""Only current primary and press values decide a status (EVIDENCE.md)."""

import datetime

import pytest

from indicators.models import Observation
from predictions import services
from predictions.models import Kind, Status, StatusChange
from tests.factories import IndicatorFactory, ObservationFactory, PredictionFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 6, 1)


@pytest.fixture
def prediction():
    indicator = IndicatorFactory(min_value=0, max_value=100)
    ObservationFactory(indicator=indicator, date=datetime.date(2025, 1, 1), value=40)
    return PredictionFactory(
        indicator=indicator,
        kind=Kind.THRESHOLD,
        target=80.0,
        deadline=datetime.date(2026, 12, 31),
        baseline_value=40.0,
        baseline_date=datetime.date(2025, 1, 1),
    )


def crossing(prediction, **fields) -> Observation:
    values = {"date": datetime.date(2025, 5, 1), "value": 85.0, **fields}
    return ObservationFactory(indicator=prediction.indicator, **values)


def status(prediction) -> str:
    services.rescore_predictions(today=DAY)
    prediction.refresh_from_db()
    return prediction.current_score.status


def test_an_aggregator_value_past_the_target_does_not_resolve(prediction):
    crossing(prediction, tier="aggregator")
    assert status(prediction) != Status.RESOLVED_TRUE


@pytest.mark.parametrize("tier", ["primary", "press"])
def test_a_primary_or_press_value_past_the_target_resolves(prediction, tier):
    crossing(prediction, tier=tier)
    assert status(prediction) == Status.RESOLVED_TRUE


def test_a_superseded_value_does_not_decide_and_its_successor_does(prediction):
    current = crossing(prediction, value=70.0, source_url="https://example.org/v2")
    crossing(prediction, value=85.0, superseded_by=current)
    score_status = status(prediction)
    assert score_status != Status.RESOLVED_TRUE
    assert prediction.current_score.observed_value == 70.0


def test_a_value_not_yet_public_on_the_day_scored_does_not_decide(prediction):
    crossing(prediction, published_on=datetime.date(2025, 7, 1))
    assert status(prediction) != Status.RESOLVED_TRUE


def test_demoting_the_deciding_value_is_a_status_change(prediction):
    value = crossing(prediction)
    assert status(prediction) == Status.RESOLVED_TRUE
    Observation.objects.filter(pk=value.pk).update(tier="aggregator")
    assert status(prediction) != Status.RESOLVED_TRUE
    change = StatusChange.objects.filter(prediction=prediction).latest("id")
    assert change.from_status == Status.RESOLVED_TRUE
