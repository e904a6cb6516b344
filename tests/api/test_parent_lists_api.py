"""Lists under one parent (tracker.lists): an indicator's observations and a
prediction's scores read their parent in the page's own query, and an unknown
parent is still a 404 in every format."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    IndicatorFactory,
    ObservationFactory,
    PredictionFactory,
    ScoreFactory,
)

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 1, 1)


def read(client, url: str, **extra):
    """The response and the SQL of the queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
        response.getvalue()  # a streamed export reads as it is sent
    return response, [query["sql"] for query in queries]


def observations(slug: str, count: int) -> None:
    indicator = IndicatorFactory(slug=slug)
    for n in range(count):
        ObservationFactory(indicator=indicator, date=DAY + datetime.timedelta(n))


def test_a_full_page_of_an_indicators_observations_costs_its_rows_and_count(
    api_client,
):
    observations("full", 3)
    observations("other", 2)

    response, queries = read(
        api_client, "/api/v1/indicators/full/observations/?page_size=2"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [row["indicator"] for row in body["results"]] == ["full", "full"]
    assert [row["date"] for row in body["results"]] == ["2025-01-01", "2025-01-02"]
    # The rows and the capped count, the indicator a subquery of both: no
    # query reads the indicator alone.
    assert len(queries) == 2
    assert all('"indicators_observation"' in sql for sql in queries)


def test_a_page_of_a_predictions_scores_costs_its_count_and_rows(api_client):
    prediction = PredictionFactory(slug="scored")
    for n in range(3):
        ScoreFactory(prediction=prediction, as_of=DAY + datetime.timedelta(n))
    ScoreFactory(prediction=PredictionFactory(slug="else"), as_of=DAY)

    response, queries = read(api_client, "/api/v1/predictions/scored/scores/")

    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert len(queries) == 2


def test_a_known_parent_with_no_rows_is_an_empty_list(api_client):
    IndicatorFactory(slug="empty")
    PredictionFactory(slug="unscored")

    for url in (
        "/api/v1/indicators/empty/observations/",
        "/api/v1/predictions/unscored/scores/",
    ):
        response = api_client.get(url)
        assert response.status_code == 200, url
        assert response.json()["count"] == 0
        assert response.json()["results"] == []


@pytest.mark.parametrize(
    "url, extra",
    [
        ("/api/v1/indicators/nothing/observations/", {}),
        ("/api/v1/indicators/nothing/observations/?format=csv", {}),
        ("/api/v1/indicators/nothing/observations/", {"HTTP_ACCEPT": "text/html"}),
        ("/api/v1/indicators/nothing/observations/?date_after=soon", {}),
        ("/api/v1/predictions/nothing/scores/", {}),
        ("/api/v1/predictions/nothing/scores/", {"HTTP_ACCEPT": "text/html"}),
    ],
)
def test_an_unknown_parent_is_404_in_every_format(api_client, url, extra):
    observations("known", 1)

    response, _ = read(api_client, url, **extra)

    assert response.status_code == 404


def test_a_bad_filter_on_a_known_indicator_is_400_naming_it(api_client):
    observations("known", 1)

    response = api_client.get("/api/v1/indicators/known/observations/?date_after=soon")

    assert response.status_code == 400
    assert "date" in str(response.json())


def test_an_export_holds_only_its_indicators_rows(api_client):
    observations("mine", 2)
    observations("theirs", 3)

    response = api_client.get("/api/v1/indicators/mine/observations/?format=csv")

    assert response.status_code == 200
    lines = response.getvalue().decode().splitlines()
    assert len(lines) == 3  # the header and two rows
    assert all(line.startswith("mine,") for line in lines[1:])
