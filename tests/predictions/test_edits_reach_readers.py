"""Edits a reader sees: a renamed source shows at once, a deleted value is rescored."""

import datetime

import pytest

from predictions import scoreboard, services
from predictions.models import Kind, Status
from tests.factories import (
    IndicatorFactory,
    ObservationFactory,
    PredictionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def test_a_renamed_source_shows_on_the_home_page_at_once(client):
    source = SourceFactory(slug="ai2027", name="AI 2027")
    PredictionFactory(source=source)
    services.rescore_predictions()
    assert "AI 2027" in client.get("/").content.decode()

    source.name = "AI 2027 (renamed)"
    source.save()

    assert "AI 2027 (renamed)" in client.get("/").content.decode()
    assert scoreboard.get_scoreboard()["sources"][0]["name"] == "AI 2027 (renamed)"


def test_a_renamed_indicator_shows_in_the_head_to_head_at_once():
    indicator = IndicatorFactory(name="Old name")
    for slug in ("ai2027", "lambert"):
        PredictionFactory(indicator=indicator, source=SourceFactory(slug=slug))
    services.rescore_predictions()
    assert "Old name" in str(scoreboard.get_scoreboard()["head_to_head"])
    scoreboard.get_scoreboard()

    indicator.name = "New name"
    indicator.save()

    assert "New name" in str(scoreboard.get_scoreboard()["head_to_head"])


def test_deleting_the_deciding_value_rescores_its_predictions(
    django_capture_on_commit_callbacks,
):
    indicator = IndicatorFactory(min_value=0, max_value=100)
    prediction = PredictionFactory(
        indicator=indicator,
        kind=Kind.THRESHOLD,
        target=80.0,
        deadline=datetime.date(2030, 12, 31),
        baseline_value=40.0,
        baseline_date=datetime.date(2025, 1, 1),
    )
    crossing = ObservationFactory(
        indicator=indicator, date=datetime.date(2025, 5, 1), value=85
    )
    services.rescore_predictions()
    prediction.refresh_from_db()
    assert prediction.current_score.status == Status.RESOLVED_TRUE

    with django_capture_on_commit_callbacks(execute=True):
        crossing.delete()

    prediction.refresh_from_db()
    assert prediction.current_score.status == Status.UNRESOLVABLE


def pages_naming(prediction) -> list[str]:
    return [
        "/",
        "/predictions/",
        f"/predictions/{prediction.slug}/",
        f"/sources/{prediction.source.slug}/",
        f"/indicators/{prediction.indicator.slug}/",
        "/api/v1/predictions/",
        f"/api/v1/predictions/{prediction.slug}/",
        "/api/v1/scoreboard/",
    ]


@pytest.mark.parametrize("renamed", ["source", "indicator"])
def test_a_rename_shows_on_every_page_that_names_it_at_once(client, renamed):
    prediction = PredictionFactory(
        source=SourceFactory(slug="ai2027", name="Source before"),
        indicator=IndicatorFactory(name="Indicator before"),
    )
    services.rescore_predictions()
    old = f"{renamed.title()} before"
    # Each page rendered once, so that a kept copy of it exists.
    naming = [url for url in pages_naming(prediction) if old in read(client, url)]
    assert len(naming) >= 4, naming

    edited = getattr(prediction, renamed)
    edited.name = f"{renamed.title()} after"
    edited.save()

    assert [url for url in naming if edited.name not in read(client, url)] == []


def read(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()
