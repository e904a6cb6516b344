"""GET /api/v1/indicators/ and /api/v1/observations/."""

import datetime

import pytest

from tests.factories import IndicatorFactory, ObservationFactory

pytestmark = pytest.mark.django_db


def dates(response) -> list[str]:
    return [row["date"] for row in response.json()["results"]]


def test_indicators_list_with_their_observation_counts(api_client):
    ObservationFactory.create_batch(2, indicator=IndicatorFactory(slug="swe-bench"))

    row = api_client.get("/api/v1/indicators/").json()["results"][0]

    assert (row["slug"], row["observation_count"]) == ("swe-bench", 2)


def test_an_indicator_is_found_by_its_slug(api_client):
    IndicatorFactory(slug="dc-power", unit="GW")

    assert api_client.get("/api/v1/indicators/dc-power/").json()["unit"] == "GW"


def test_an_indicators_observations_are_listed_oldest_first(api_client):
    indicator = IndicatorFactory(slug="swe-bench")
    for day in (3, 1):
        ObservationFactory(indicator=indicator, date=datetime.date(2025, 1, day))

    response = api_client.get("/api/v1/indicators/swe-bench/observations/")

    assert dates(response) == ["2025-01-01", "2025-01-03"]


def test_an_indicators_observations_filter_by_date_range(api_client):
    indicator = IndicatorFactory(slug="swe-bench")
    for month in (1, 6, 12):
        ObservationFactory(indicator=indicator, date=datetime.date(2025, month, 1))

    response = api_client.get(
        "/api/v1/indicators/swe-bench/observations/",
        {"date_after": "2025-02-01", "date_before": "2025-11-30"},
    )

    assert dates(response) == ["2025-06-01"]


def test_observations_of_an_unknown_indicator_are_404(api_client):
    assert api_client.get("/api/v1/indicators/none/observations/").status_code == 404


def test_observations_filter_by_indicator(api_client):
    ObservationFactory(indicator=IndicatorFactory(slug="a"), date="2025-01-01")
    ObservationFactory(indicator=IndicatorFactory(slug="b"), date="2025-02-01")

    assert dates(api_client.get("/api/v1/observations/", {"indicator": "b"})) == [
        "2025-02-01"
    ]


def test_observations_filter_by_date_range(api_client):
    for year in (2023, 2024, 2025):
        ObservationFactory(date=datetime.date(year, 1, 1))

    response = api_client.get("/api/v1/observations/", {"date_after": "2024-01-01"})

    assert sorted(dates(response)) == ["2024-01-01", "2025-01-01"]


def test_a_malformed_date_filter_is_a_400(api_client):
    response = api_client.get("/api/v1/observations/", {"date_after": "yesterday"})

    assert response.status_code == 400
