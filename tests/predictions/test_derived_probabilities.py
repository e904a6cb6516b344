"""A rescore gives an event the probability its source's quantiles imply."""

import datetime

import pytest

from predictions import services
from predictions.models import Comparison, Kind, ProbabilityOrigin, Question
from tests.factories import IndicatorFactory, ObservationFactory, PredictionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    happened = IndicatorFactory(slug="sc-achieved", min_value=0, max_value=1)
    year = IndicatorFactory(slug="sc-year", unit="year (decimal)")
    event = PredictionFactory(
        slug="sc-by-2027",
        indicator=happened,
        kind=Kind.EVENT,
        comparison=Comparison.GTE,
        target=1,
        deadline=datetime.date(2027, 1, 1),
    )
    forecast = PredictionFactory(
        slug="sc-forecast",
        source=event.source,
        indicator=year,
        kind=Kind.INTERVAL,
        target_low=2026,
        target_high=2040,
        deadline=datetime.date(2040, 12, 31),
        quantiles=[[0.1, 2026], [0.5, 2028], [0.9, 2040]],
    )
    question = Question.objects.create(
        slug="sc",
        title="SC",
        quantity="SC.",
        decider="SC.",
        derivations=[{"prediction": event.slug, "distributions": [forecast.slug]}],
    )
    question.predictions.set([event, forecast])
    return event


def test_an_event_gets_the_probability_its_quantiles_give_its_deadline(event):
    services.rescore_predictions(today=datetime.date(2026, 1, 1))
    event.refresh_from_db()

    score = event.current_score
    assert score.probability == pytest.approx(0.3)  # halfway from 10% to 50%
    assert score.probability_origin == ProbabilityOrigin.DERIVED
    assert "sc-forecast (10%: 2026, 50%: 2028, 90%: 2040) gives 30.0%" in (
        score.probability_method
    )


def test_a_derived_probability_is_scored_on_resolution(event):
    ObservationFactory(
        indicator=event.indicator, date=datetime.date(2026, 6, 1), value=1
    )
    services.rescore_predictions(today=datetime.date(2026, 7, 1))
    event.refresh_from_db()

    assert event.current_score.outcome is True
    assert event.current_score.brier == pytest.approx(0.49)


def test_the_record_keeps_no_derived_probability(event):
    services.rescore_predictions(today=datetime.date(2026, 1, 1))
    event.refresh_from_db()

    assert event.probability is None
