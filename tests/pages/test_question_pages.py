"""/questions/ and /questions/<slug>/: both sides' claims, the data, the lean."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from predictions.models import Comparison, Question, Status
from tests.factories import PredictionFactory
from tests.isolation import forget_own_cache_keys
from tests.pages.conftest import give_score, make_predictions

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(record) -> Question:
    ai2027 = PredictionFactory(
        slug="ai2027-swe",
        source=record.ai2027,
        indicator=record.indicator,
        claim="SWE-bench reaches 85% by mid-2025.",
        target=85.0,
        baseline_value=60.0,
        baseline_date=datetime.date(2025, 1, 1),
    )
    lambert = PredictionFactory(
        slug="lambert-swe",
        source=record.lambert,
        indicator=record.indicator,
        comparison=Comparison.NOT_GTE,
        claim="SWE-bench stays below 85%.",
        target=85.0,
    )
    give_score(ai2027, Status.RESOLVED_FALSE)
    give_score(lambert, Status.AHEAD, pace_ratio=0.3)
    question = Question.objects.create(
        slug="swe",
        title="Does SWE-bench saturate?",
        quantity="SWE-bench Verified, best score.",
        decider="the best score at the deadline.",
    )
    question.predictions.set([ai2027, lambert])
    return question


def test_the_question_page_shows_both_claims_and_the_lean(client, question):
    html = client.get(reverse("question-detail", args=["swe"])).content.decode()

    assert "SWE-bench reaches 85% by mid-2025." in html
    assert "SWE-bench stays below 85%." in html
    assert (
        "Leans Lambert&#x27;s rebuttal. Resolved: ai2027-swe: did not come true" in html
    )


def test_the_question_chart_draws_the_observations_and_both_paths(client, question):
    response = client.get(reverse("question-detail", args=["swe"]))

    (item,) = response.context["charts"]
    names = [trace["name"] for trace in item["figure"]["data"]]
    assert "Observed" in names
    assert any("ai2027-swe" in name for name in names)
    assert any("lambert-swe" in name for name in names)


def test_the_questions_page_counts_the_leans(client, question):
    html = client.get(reverse("question-list")).content.decode()

    assert (
        "Of 1 question, 0 lean AI 2027, 1 leans Lambert&#x27;s rebuttal, 0 undecided."
        in html
    )


def test_the_home_page_leads_with_the_questions(client, question):
    html = client.get(reverse("home")).content.decode()

    assert 'id="questions-headline"' in html
    assert "1 leans Lambert&#x27;s rebuttal" in html


def count_queries(client, url: str) -> int:
    forget_own_cache_keys()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_question_page_costs_the_same_queries_as_the_record_grows(client, question):
    url = reverse("question-detail", args=["swe"])
    small = count_queries(client, url)
    first = question.predictions.first()
    make_predictions(first.source, first.indicator, 50)

    assert count_queries(client, url) == small
