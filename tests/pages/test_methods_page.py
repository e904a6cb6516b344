"""/methods/: the likelihood words and every probability with its basis."""

import pytest
from django.urls import reverse

from predictions.models import ProbabilityOrigin, Status
from tests.factories import PredictionFactory
from tests.pages.conftest import give_score

pytestmark = pytest.mark.django_db


def test_the_methods_page_shows_the_table_of_likelihood_words(client, record):
    html = client.get(reverse("methods")).content.decode()

    assert "“far from a sure thing”</td><td>60%" in html
    assert "“very unlikely”</td><td>10%" in html


def test_an_implied_probability_is_traced_to_its_words(client, record):
    prediction = PredictionFactory(
        source=record.lambert,
        claim="Research does not become 100x more productive.",
        probability=0.9,
        probability_is_implied=True,
        probability_basis="He calls the path 'very unlikely', read as 0.10.",
    )
    give_score(
        prediction,
        Status.AHEAD,
        probability=0.9,
        probability_origin=ProbabilityOrigin.IMPLIED,
    )

    html = client.get(reverse("methods")).content.decode()

    assert "Research does not become 100x more productive." in html
    assert "(table: “very unlikely” = 10%)" in html


def test_the_probability_table_shows_the_first_rows_and_points_to_the_api(
    client, record, monkeypatch
):
    monkeypatch.setattr("tracker.pages.views.LIST_LIMIT", 2)
    for number in (1, 2, 3):
        prediction = PredictionFactory(
            source=record.lambert, claim=f"Probable claim {number}.", probability=0.5
        )
        give_score(prediction, Status.AHEAD, probability=0.5)

    html = client.get(reverse("methods")).content.decode()

    assert sum(f"Probable claim {n}." in html for n in (1, 2, 3)) == 2
    assert "The first 2; each prediction's page gives its own" in html
