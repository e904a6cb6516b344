"""GET /api/v1/predictions/<slug>/scores/: a prediction's score history."""

import datetime

import pytest

from tests.factories import PredictionFactory, ScoreFactory

pytestmark = pytest.mark.django_db


def test_score_history_is_newest_first(api_client):
    prediction = PredictionFactory(slug="sc")
    for day in (1, 3, 2):
        ScoreFactory(prediction=prediction, as_of=datetime.date(2026, 1, day))

    response = api_client.get("/api/v1/predictions/sc/scores/")

    dates = [row["as_of"] for row in response.json()["results"]]
    assert dates == ["2026-01-03", "2026-01-02", "2026-01-01"]


def test_score_history_holds_only_that_prediction(api_client):
    ScoreFactory(prediction=PredictionFactory(slug="mine"))
    ScoreFactory(prediction=PredictionFactory(slug="other"))

    assert api_client.get("/api/v1/predictions/mine/scores/").json()["count"] == 1


def test_score_history_of_an_unknown_prediction_is_404(api_client):
    assert api_client.get("/api/v1/predictions/nothing/scores/").status_code == 404
