"""GET /api/v1/questions/: each question's predictions and its lean."""

import pytest

from predictions.models import Comparison, Question, Status
from tests.factories import PredictionFactory, ScoreFactory, SourceFactory

pytestmark = pytest.mark.django_db


def scored(source, status: str, **fields):
    prediction = PredictionFactory(source=source, **fields)
    outcome = {"resolved_true": True, "resolved_false": False}.get(status)
    prediction.current_score = ScoreFactory(
        prediction=prediction, status=status, outcome=outcome
    )
    prediction.save()
    return prediction


def test_a_question_lists_both_sides_and_leans_with_its_reason(api_client):
    ai2027 = SourceFactory(slug="ai2027", name="AI 2027")
    lambert = SourceFactory(slug="lambert", name="Lambert")
    question = Question.objects.create(
        slug="q", title="Q", quantity="A quantity.", decider="A decider."
    )
    question.predictions.set(
        [
            scored(ai2027, Status.RESOLVED_TRUE, slug="a"),
            scored(
                lambert, Status.RESOLVED_FALSE, slug="b", comparison=Comparison.NOT_GTE
            ),
        ]
    )

    (item,) = api_client.get("/api/v1/questions/").json()["results"]

    assert [p["slug"] for p in item["predictions"]] == ["a", "b"]
    assert item["lean"]["side"] == "ai2027"
    assert item["lean"]["basis"] == "resolved"
    assert "b: did not come true (favours AI 2027)" in item["lean"]["reason"]


def test_a_question_without_data_says_what_would_decide_it(api_client):
    Question.objects.create(slug="q", title="Q", quantity="Q.", decider="X happens.")

    body = api_client.get("/api/v1/questions/q/").json()

    assert body["lean"] == {
        "side": None,
        "basis": "no_data",
        "reason": "No data since publication. What would decide it: X happens.",
    }
