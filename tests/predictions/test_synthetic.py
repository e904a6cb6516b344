"""The synthetic record the benchmark builds, at a small size, scores cleanly."""

import datetime

import pytest

from indicators.models import Observation
from predictions import services
from predictions.models import Prediction
from tests.synthetic import build_synthetic_record

pytestmark = pytest.mark.django_db


def test_the_synthetic_record_has_the_asked_size():
    build_synthetic_record(predictions=20, indicators=4, observations=401)
    assert (Prediction.objects.count(), Observation.objects.count()) == (20, 401)


def test_every_synthetic_prediction_can_be_scored():
    build_synthetic_record(predictions=20, indicators=4, observations=400)
    summary = services.rescore_predictions(today=datetime.date(2025, 11, 25))
    assert (summary.predictions, summary.indicators) == (20, 4)
