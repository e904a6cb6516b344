"""The page of an indicator: definition, chart of every prediction, observations."""

import pytest
from django.urls import reverse

from tests.factories import IndicatorFactory, ObservationFactory, PredictionFactory

pytestmark = pytest.mark.django_db


def test_indicator_page_gives_the_definition_and_unit(client, db):
    indicator = IndicatorFactory(
        description="Best verified score on SWE-bench Verified.", unit="% solved"
    )

    html = client.get(reverse("indicator-detail", args=[indicator.slug])).content

    assert b"Best verified score on SWE-bench Verified." in html
    assert b"% solved" in html


def test_indicator_page_links_the_source_of_each_observation(client, record):
    html = client.get(reverse("indicator-detail", args=["swe-bench"])).content

    assert html.count(b'<a href="https://example.org/swe-bench"') == 3
    assert b"SWE-bench leaderboard" in html


def test_indicator_page_tables_observations_fifty_a_page(client, db):
    indicator = IndicatorFactory()
    for _ in range(51):
        ObservationFactory(indicator=indicator)
    url = reverse("indicator-detail", args=[indicator.slug])

    first = client.get(url).context["observation_page"]
    second = client.get(url, {"page": 2}).context["observation_page"]

    assert (len(first), len(second)) == (50, 1)


def test_indicator_chart_draws_every_prediction_about_it(client, record):
    PredictionFactory(slug="fast", source=record.ai2027, indicator=record.indicator)
    PredictionFactory(slug="slow", source=record.lambert, indicator=record.indicator)

    response = client.get(reverse("indicator-detail", args=["swe-bench"]))

    sources = [
        trace["meta"]["source"]
        for trace in response.context["figure"]["data"]
        if "meta" in trace
    ]
    assert sources == ["ai2027", "lambert"]


def test_an_unknown_indicator_is_not_found(client, db):
    assert client.get(reverse("indicator-detail", args=["nope"])).status_code == 404
