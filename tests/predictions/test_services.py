"""Rescoring: one score per prediction and day, status changes, current score."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from predictions import services
from predictions.models import Kind, Prediction, Score, Status, StatusChange
from tests.factories import IndicatorFactory, ObservationFactory, PredictionFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 6, 1)


@pytest.fixture
def indicator():
    indicator = IndicatorFactory()
    for month, value in [(1, 40.0), (3, 50.0), (5, 60.0)]:
        ObservationFactory(
            indicator=indicator, date=datetime.date(2025, month, 1), value=value
        )
    return indicator


def threshold(indicator, **fields) -> Prediction:
    defaults = {
        "kind": Kind.THRESHOLD,
        "target": 80.0,
        "deadline": datetime.date(2026, 12, 31),
        "baseline_value": 40.0,
        "baseline_date": datetime.date(2025, 1, 1),
    }
    return PredictionFactory(indicator=indicator, **{**defaults, **fields})


def test_rescoring_twice_on_the_same_day_keeps_one_score_row(indicator):
    prediction = threshold(indicator)
    services.rescore_predictions(today=DAY)
    services.rescore_predictions(today=DAY)
    assert Score.objects.filter(prediction=prediction).count() == 1


def test_rescoring_twice_on_the_same_day_records_one_status_change(indicator):
    prediction = threshold(indicator)
    services.rescore_predictions(today=DAY)
    services.rescore_predictions(today=DAY)
    assert StatusChange.objects.filter(prediction=prediction).count() == 1


def test_the_first_score_is_a_change_from_no_status(indicator):
    prediction = threshold(indicator)
    services.rescore_predictions(today=DAY)
    change = StatusChange.objects.get(prediction=prediction)
    assert (change.from_status, change.to_status) == ("", Status.AHEAD)


def test_a_crossing_is_recorded_as_a_status_change(indicator):
    prediction = threshold(indicator)
    services.rescore_predictions(today=DAY)
    ObservationFactory(indicator=indicator, date=DAY, value=85.0)
    services.rescore_predictions(today=DAY + datetime.timedelta(days=1))
    change = StatusChange.objects.filter(prediction=prediction).first()
    assert (change.from_status, change.to_status) == (
        Status.AHEAD,
        Status.RESOLVED_TRUE,
    )


def test_the_verdict_rests_on_the_crossing_observation(indicator):
    prediction = threshold(indicator)
    crossing = ObservationFactory(indicator=indicator, date=DAY, value=85.0)
    services.rescore_predictions(today=DAY)
    score = Score.objects.get(prediction=prediction)
    assert (score.observation_id, score.resolved_on) == (crossing.pk, DAY)


def test_an_open_score_carries_pace_and_projection(indicator):
    prediction = threshold(indicator)
    services.rescore_predictions(today=DAY)
    score = Score.objects.get(prediction=prediction)
    assert score.pace_ratio == pytest.approx(0.5 / (151 / 729))
    assert score.projection_probability is not None


def test_current_score_points_at_the_newest_score(indicator):
    prediction = threshold(indicator)
    services.rescore_predictions(today=DAY)
    services.rescore_predictions(today=DAY + datetime.timedelta(days=1))
    prediction.refresh_from_db()
    assert prediction.current_score.as_of == DAY + datetime.timedelta(days=1)


def test_scoring_a_past_day_keeps_the_newer_score_current(indicator):
    prediction = threshold(indicator)
    services.rescore_predictions(today=DAY)
    services.rescore_predictions(today=DAY - datetime.timedelta(days=30))
    prediction.refresh_from_db()
    assert prediction.current_score.as_of == DAY


def test_the_summary_counts_predictions_and_changes(indicator):
    threshold(indicator)
    threshold(indicator)
    summary = services.rescore_predictions(today=DAY)
    assert (summary.predictions, summary.status_changes) == (2, 2)


def test_rescoring_an_indicator_touches_only_its_predictions(indicator):
    other = threshold(IndicatorFactory())
    own = threshold(indicator)
    with time_machine.travel(datetime.datetime(2025, 6, 1, 8, tzinfo=datetime.UTC)):
        services.rescore_predictions(today=DAY)
    with time_machine.travel(datetime.datetime(2025, 6, 1, 9, tzinfo=datetime.UTC)):
        services.rescore_indicators(indicator_ids=[indicator.pk], today=DAY)
    hours = dict(Score.objects.values_list("prediction_id", "computed_at__hour"))
    assert hours == {own.pk: 9, other.pk: 8}


def test_a_claim_that_cannot_be_scored_is_named_and_nothing_is_written(indicator):
    threshold(indicator)
    threshold(indicator, slug="bad-event", kind=Kind.EVENT, comparison="lte")
    with pytest.raises(ValidationError, match="bad-event"):
        services.rescore_predictions(today=DAY)
    assert not Score.objects.exists()


def test_a_prediction_without_observations_is_unresolvable_until_data_arrives():
    prediction = threshold(IndicatorFactory())
    services.rescore_predictions(today=DAY)
    assert Score.objects.get(prediction=prediction).status == Status.UNRESOLVABLE
