"""GET /api/v1/events/: status changes, newest first."""

import datetime

import pytest

from tests.factories import PredictionFactory, SourceFactory, StatusChangeFactory

pytestmark = pytest.mark.django_db


def at(day: int) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, 12, tzinfo=datetime.UTC)


def test_events_are_newest_first(api_client):
    StatusChangeFactory(prediction=PredictionFactory(slug="old"), occurred_at=at(1))
    StatusChangeFactory(prediction=PredictionFactory(slug="new"), occurred_at=at(2))

    rows = api_client.get("/api/v1/events/").json()["results"]

    assert [row["prediction"] for row in rows] == ["new", "old"]


def test_events_filter_by_source(api_client):
    lambert = SourceFactory(slug="lambert")
    StatusChangeFactory(prediction=PredictionFactory(slug="his", source=lambert))
    StatusChangeFactory(prediction=PredictionFactory(slug="theirs"))

    rows = api_client.get("/api/v1/events/", {"source": "lambert"}).json()["results"]

    assert [row["prediction"] for row in rows] == ["his"]


def test_events_filter_by_prediction(api_client):
    StatusChangeFactory(prediction=PredictionFactory(slug="one"))
    StatusChangeFactory(prediction=PredictionFactory(slug="two"))

    rows = api_client.get("/api/v1/events/", {"prediction": "two"}).json()["results"]

    assert [row["prediction"] for row in rows] == ["two"]
