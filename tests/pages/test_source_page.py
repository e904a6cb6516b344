"""The page of a source: its predictions and its record so far."""

import datetime

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


def test_a_long_source_page_shows_the_first_rows_and_links_to_them_all(
    client, record, monkeypatch
):
    monkeypatch.setattr("tracker.pages.views.LIST_LIMIT", 2)
    for day in (1, 2, 3):
        PredictionFactory(
            source=record.lambert,
            claim=f"Claim due on day {day}.",
            deadline=datetime.date(2030, 1, day),
        )

    html = client.get(reverse("source-detail", args=["lambert"])).content.decode()

    assert "Claim due on day 1." in html and "Claim due on day 2." in html
    assert "Claim due on day 3." not in html
    assert f'href="{reverse("prediction-list")}?source=lambert">all of them' in html


def test_a_short_source_page_has_no_link_to_more(client, record):
    PredictionFactory(source=record.lambert)

    html = client.get(reverse("source-detail", args=["lambert"])).content.decode()

    assert "all of them</a>" not in html
