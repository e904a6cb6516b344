"""The page of one prediction: claim, citation, standing, chart and history."""

import datetime

import pytest
from django.urls import reverse

from indicators.models import Scale
from predictions.models import Status
from tests.factories import (
    IndicatorFactory,
    ObservationFactory,
    PredictionFactory,
    ScoreFactory,
)
from tests.pages.conftest import give_score

pytestmark = pytest.mark.django_db


def trace(figure: dict, name: str) -> dict:
    return next(t for t in figure["data"] if t["name"] == name)


def test_prediction_page_shows_the_claim_and_links_its_citation(client, record):
    prediction = PredictionFactory(
        source=record.ai2027,
        indicator=record.indicator,
        claim="Coding agents score 85% on SWE-bench Verified by mid-2025.",
        citation_url="https://example.org/ai-2027#mid-2025",
        citation_section="Mid 2025: Stumbling Agents",
    )

    response = client.get(reverse("prediction-detail", args=[prediction.slug]))

    html = response.content.decode()
    assert "Coding agents score 85% on SWE-bench Verified by mid-2025." in html
    assert 'href="https://example.org/ai-2027#mid-2025"' in html
    assert "Mid 2025: Stumbling Agents" in html


def test_prediction_page_explains_how_a_claim_was_operationalized(client, record):
    prediction = PredictionFactory(
        source=record.lambert,
        indicator=record.indicator,
        is_operationalized=True,
        reasoning="Read as: benchmark gains slow below 5 points a year.",
    )

    response = client.get(reverse("prediction-detail", args=[prediction.slug]))

    assert "Read as: benchmark gains slow below 5 points a year." in (
        response.content.decode()
    )


def test_prediction_page_shows_status_and_pace(client, record):
    prediction = PredictionFactory(source=record.ai2027, indicator=record.indicator)
    give_score(prediction, Status.BEHIND, pace_ratio=0.42, months_ahead=-7.0)

    html = client.get(reverse("prediction-detail", args=[prediction.slug])).content

    assert b"Behind schedule" in html
    assert b"42% of the predicted pace" in html
    assert b"7 months behind schedule" in html


def test_prediction_chart_names_the_source_of_each_observation(client, record):
    prediction = PredictionFactory(source=record.ai2027, indicator=record.indicator)

    response = client.get(reverse("prediction-detail", args=[prediction.slug]))

    observed = trace(response.context["figure"], "Observed")
    assert observed["hovertext"] == ["SWE-bench leaderboard"] * 3
    assert observed["customdata"] == ["https://example.org/swe-bench"] * 3


def test_prediction_chart_draws_the_path_from_baseline_to_target(client, record):
    prediction = PredictionFactory(
        source=record.ai2027,
        indicator=record.indicator,
        baseline_value=40.0,
        baseline_date=datetime.date(2025, 1, 1),
        target=85.0,
        deadline=datetime.date(2025, 8, 31),
    )

    response = client.get(reverse("prediction-detail", args=[prediction.slug]))

    path = trace(response.context["figure"], "Predicted path")
    assert path["x"] == ["2025-01-01", "2025-08-31"]
    assert path["y"] == [40.0, 85.0]
    assert path["meta"] == {"source": "ai2027"}


def test_prediction_chart_aims_an_interval_at_its_geometric_midpoint_on_a_log_scale(
    client,
):
    indicator = IndicatorFactory(scale=Scale.LOG, unit="hours")
    ObservationFactory(indicator=indicator, value=1.0)
    prediction = PredictionFactory(
        indicator=indicator,
        kind="interval",
        target=None,
        target_low=1.0,
        target_high=16.0,
        baseline_value=0.5,
        baseline_date=datetime.date(2025, 1, 1),
    )

    response = client.get(reverse("prediction-detail", args=[prediction.slug]))

    figure = response.context["figure"]
    assert figure["layout"]["yaxis"]["type"] == "log"
    assert trace(figure, "Predicted path")["y"] == [0.5, 4.0]


def test_prediction_chart_draws_the_trend_projection_and_its_band(client, record):
    prediction = PredictionFactory(
        source=record.ai2027,
        indicator=record.indicator,
        deadline=datetime.date(2026, 12, 31),
    )
    give_score(
        prediction,
        Status.ON_TRACK,
        projection_value=80.0,
        projection_low=70.0,
        projection_high=90.0,
    )

    response = client.get(reverse("prediction-detail", args=[prediction.slug]))

    figure = response.context["figure"]
    assert trace(figure, "Trend projection")["y"] == [62.0, 80.0]
    assert trace(figure, "Trend: 90% band")["y"] == [62.0, 90.0, 70.0, 62.0]
    assert figure["layout"]["shapes"][0]["x0"] == "2026-12-31"


def test_prediction_page_lists_the_score_history(client, record):
    prediction = PredictionFactory(source=record.ai2027, indicator=record.indicator)
    ScoreFactory(prediction=prediction, as_of=datetime.date(2025, 3, 1))
    give_score(prediction, Status.AHEAD, as_of=datetime.date(2025, 4, 1))

    html = client.get(reverse("prediction-detail", args=[prediction.slug])).content

    assert html.index(b"2025-04-01") < html.index(b"2025-03-01")


def test_an_unknown_prediction_is_not_found(client, db):
    response = client.get(reverse("prediction-detail", args=["no-such-claim"]))

    assert response.status_code == 404
