"""Pages show how each standing moved, month by month, and charts stay readable."""

import datetime

import pytest
from django.urls import reverse

from predictions import services
from predictions.models import Comparison, Kind, Question
from tests.factories import ObservationFactory, PredictionFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 5, 15)


@pytest.fixture
def history(record):
    ai2027 = PredictionFactory(
        slug="ai2027-swe",
        source=record.ai2027,
        indicator=record.indicator,
        target=90.0,
        baseline_value=60.0,
        baseline_date=datetime.date(2025, 1, 1),
        deadline=datetime.date(2025, 12, 31),
    )
    lambert = PredictionFactory(
        slug="lambert-swe",
        source=record.lambert,
        indicator=record.indicator,
        comparison=Comparison.NOT_GTE,
        target=90.0,
        baseline_value=60.0,
        baseline_date=datetime.date(2025, 1, 1),
        deadline=datetime.date(2025, 12, 31),
    )
    question = Question.objects.create(
        slug="swe", title="SWE", quantity="SWE.", decider="The score."
    )
    question.predictions.set([ai2027, lambert])
    services.rescore_history(today=datetime.date(2025, 6, 15))
    return question


def test_the_home_page_charts_median_pace_and_leans_by_month(client, history):
    response = client.get(reverse("home"))

    figures = response.context["history"]
    assert figures["months"][0] == "2025-04-30"
    assert [trace["name"] for trace in figures["leans"]["data"]][-1] == "Undecided"


def test_the_question_page_lists_how_its_lean_moved(client, history):
    response = client.get(reverse("question-detail", args=["swe"]))

    changes = response.context["lean_history"]
    assert changes[0]["month"] == "2025-04-30"


def test_the_prediction_page_charts_its_pace_over_time(client, history):
    response = client.get(reverse("prediction-detail", args=["ai2027-swe"]))

    (trace,) = response.context["standing_figure"]["data"]
    assert trace["x"][0] == "2025-04-30"


def test_a_trend_claim_is_drawn_as_its_direction(client, record):
    PredictionFactory(
        slug="rises",
        source=record.ai2027,
        indicator=record.indicator,
        kind=Kind.TREND,
        comparison=Comparison.GTE,
        target=None,
        baseline_date=datetime.date(2025, 1, 1),
    )

    response = client.get(reverse("indicator-detail", args=["swe-bench"]))

    names = [trace["name"] for trace in response.context["figure"]["data"]]
    assert "AI 2027: rises: rises by the deadline" in names


def test_an_indicator_with_one_observation_keeps_a_date_axis(client, record):
    indicator = record.indicator
    indicator.observations.exclude(pk=indicator.observations.first().pk).delete()
    ObservationFactory(indicator=indicator, date=datetime.date(2025, 1, 1))

    response = client.get(reverse("indicator-detail", args=["swe-bench"]))

    assert response.context["figure"]["layout"]["xaxis"]["type"] == "date"
