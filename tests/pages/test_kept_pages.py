"""Pages kept in memory (``memo.kept_page``): read once, then shown again
without a query until the record changes, and at once after it does."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.services import ObservationData, save_observation
from predictions import changes
from predictions.models import Question
from tests.factories import PredictionFactory

pytestmark = pytest.mark.django_db
KEPT = [
    ("home", []),
    ("report-card", []),
    ("methods", []),
    ("question-list", []),
    ("question-detail", ["swe"]),
    ("source-detail", ["ai2027"]),
    ("prediction-detail", ["ai2027-swe"]),
]


@pytest.fixture
def question(record) -> Question:
    prediction = PredictionFactory(
        slug="ai2027-swe",
        source=record.ai2027,
        indicator=record.indicator,
        claim="SWE-bench reaches 85% by mid-2025.",
        target=85.0,
    )
    question = Question.objects.create(
        slug="swe",
        title="Does SWE-bench saturate?",
        quantity="SWE-bench Verified, best score.",
        decider="the best score at the deadline.",
    )
    question.predictions.set([prediction])
    return question


def read_again(client, url: str):
    """The second response to ``url`` and the queries it cost."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


@pytest.mark.parametrize("name, args", KEPT)
def test_a_kept_page_read_again_costs_no_query(client, question, name, args):
    url = reverse(name, args=args)
    first = client.get(url)

    again, queries = read_again(client, url)

    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert queries == 0


def test_a_query_string_does_not_make_another_copy(client, question):
    url = reverse("report-card")
    first = client.get(url)

    with CaptureQueriesContext(connection) as queries:
        again = client.get(url + "?utm_source=x")

    assert again.content == first.content
    assert len(queries) == 0


def test_a_missing_page_is_a_404_every_time(client, question):
    url = reverse("question-detail", args=["no-such-question"])

    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404


def test_a_renamed_question_shows_at_once(client, question):
    detail = reverse("question-detail", args=["swe"])
    client.get(detail)
    client.get(reverse("question-list"))

    question.title = "Is SWE-bench saturated yet?"
    question.save()

    assert "Is SWE-bench saturated yet?" in client.get(detail).content.decode()
    listed = client.get(reverse("question-list")).content.decode()
    assert "Is SWE-bench saturated yet?" in listed


def test_a_prediction_added_to_a_question_shows_at_once(client, question, record):
    detail = reverse("question-detail", args=["swe"])
    client.get(detail)
    other = PredictionFactory(
        slug="lambert-swe",
        source=record.lambert,
        indicator=record.indicator,
        claim="SWE-bench stays below 85% for years.",
    )
    client.get(detail)

    question.predictions.add(other)

    assert "SWE-bench stays below 85% for years." in client.get(detail).content.decode()


def test_a_new_value_shows_on_the_prediction_page_before_any_rescore(
    client, question, record, django_capture_on_commit_callbacks, monkeypatch
):
    # The rescore waits out its debounce; the page must not wait for it.
    monkeypatch.setattr(changes, "_enqueue_rescore", lambda indicator_ids: None)
    url = reverse("prediction-detail", args=["ai2027-swe"])
    assert "A new leaderboard" not in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        save_observation(
            ObservationData(
                indicator=record.indicator,
                date=datetime.date(2025, 5, 1),
                value=70.0,
                source_url="https://example.org/new-leaderboard",
                source_title="A new leaderboard",
            )
        )

    assert "A new leaderboard" in client.get(url).content.decode()
