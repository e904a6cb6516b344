"""A small two-source record for the page tests, built with the factories."""

import datetime
from dataclasses import dataclass

import pytest

from indicators.models import Indicator
from predictions.models import Prediction, Score, Source, Status
from tests.factories import (
    IndicatorFactory,
    ObservationFactory,
    PredictionFactory,
    ScoreFactory,
    SourceFactory,
)

# Every page test starts cold, on cache keys of its own (the scoreboard is
# cached in Redis, which concurrent tests share).
from tests.isolation import own_cache_keys  # noqa: F401


def give_score(prediction: Prediction, status: str, **fields) -> Score:
    """A score that becomes the prediction's current one."""
    if status in (Status.RESOLVED_TRUE, Status.RESOLVED_FALSE):
        fields.setdefault("outcome", status == Status.RESOLVED_TRUE)
    score = ScoreFactory(prediction=prediction, status=status, **fields)
    prediction.current_score = score
    prediction.save(update_fields=["current_score"])
    return score


@dataclass
class Record:
    ai2027: Source
    lambert: Source
    indicator: Indicator


@pytest.fixture
def record(db) -> Record:
    ai2027 = SourceFactory(slug="ai2027", name="AI 2027")
    lambert = SourceFactory(slug="lambert", name="Lambert's rebuttal")
    indicator = IndicatorFactory(slug="swe-bench", name="SWE-bench Verified", unit="%")
    for day in range(3):
        ObservationFactory(
            indicator=indicator,
            date=datetime.date(2025, 1, 1) + datetime.timedelta(days=30 * day),
            value=60.0 + day,
            source_url="https://example.org/swe-bench",
            source_title="SWE-bench leaderboard",
        )
    return Record(ai2027=ai2027, lambert=lambert, indicator=indicator)


def make_predictions(source: Source, indicator: Indicator, count: int) -> None:
    """``count`` scored predictions of a source, each with one observation."""
    for _ in range(count):
        prediction = PredictionFactory(source=source, indicator=indicator)
        give_score(prediction, Status.ON_TRACK, pace_ratio=1.0)
        ObservationFactory(indicator=indicator)
