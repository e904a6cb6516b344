"""The page of a source: its predictions and its record so far."""

import pytest
from django.urls import reverse

from predictions.models import Status
from tests.factories import PredictionFactory
from tests.pages.conftest import give_score

pytestmark = pytest.mark.django_db


def test_source_page_lists_only_its_own_predictions(client, record):
    PredictionFactory(source=record.lambert, claim="Evaluations become targets.")
    PredictionFactory(source=record.ai2027, claim="A superhuman coder by 2027.")

    html = client.get(reverse("source-detail", args=["lambert"])).content

    assert b"Evaluations become targets." in html
    assert b"A superhuman coder by 2027." not in html


def test_source_page_shows_its_record_by_status(client, record):
    give_score(PredictionFactory(source=record.lambert), Status.RESOLVED_TRUE)
    give_score(PredictionFactory(source=record.lambert), Status.RESOLVED_TRUE)
    give_score(PredictionFactory(source=record.lambert), Status.BEHIND)

    response = client.get(reverse("source-detail", args=["lambert"]))

    counts = {
        row["status"]: row["cells"][0]["count"]
        for row in response.context["status_rows"]
    }
    assert (counts["resolved_true"], counts["behind"]) == (2, 1)


def test_an_unknown_source_is_not_found(client, db):
    assert client.get(reverse("source-detail", args=["nobody"])).status_code == 404
