"""The observation lists' pages: the count stops at a limit, the links do not."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers

from indicators.models import Observation
from tests.factories import IndicatorFactory, ObservationFactory
from tracker import pagination

pytestmark = pytest.mark.django_db
URL = "/api/v1/observations/"


@pytest.fixture
def seven(db):
    indicator = IndicatorFactory(slug="swe")
    return [
        ObservationFactory(
            indicator=indicator,
            date=datetime.date(2025, 1, 1) + datetime.timedelta(days=day),
            value=float(day),
        )
        for day in range(7)
    ]


@pytest.fixture
def limit_of_five(monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 5)


def test_up_to_the_limit_the_count_is_exact(api_client, seven):
    body = api_client.get(URL, {"page_size": 2}).json()

    assert body["count"] == 7
    assert body["next"].endswith("page=2&page_size=2")


def test_past_the_limit_the_count_is_null_and_next_walks_to_the_end(
    api_client, seven, limit_of_five
):
    values, url, counts = [], f"{URL}?page_size=2", []
    while url:
        body = api_client.get(url).json()
        counts.append(body["count"])
        values += [row["value"] for row in body["results"]]
        url = body["next"]

    assert counts == [None] * 4
    assert values == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]


def test_past_the_limit_a_page_beyond_the_end_is_a_404(
    api_client, seven, limit_of_five
):
    assert api_client.get(URL, {"page_size": 2, "page": 4}).status_code == 200
    for page in (5, 0, "last", "x"):
        response = api_client.get(URL, {"page_size": 2, "page": page})
        assert response.status_code == 404, page
        assert response.json()["detail"] == "Invalid page."


def test_a_filter_counts_only_what_it_matches(api_client, seven, limit_of_five):
    body = api_client.get(URL, {"date_after": "2025-01-04"}).json()

    assert body["count"] == 4
    assert len(body["results"]) == 4


def test_one_indicators_list_caps_its_count_too(api_client, seven, limit_of_five):
    body = api_client.get("/api/v1/indicators/swe/observations/").json()

    assert body["count"] is None
    assert len(body["results"]) == 7


def test_values_of_one_date_keep_the_order_they_came_in(api_client, seven):
    first, second = (
        ObservationFactory(
            indicator=seven[0].indicator,
            date=datetime.date(2025, 2, 1),
            source_url=f"https://example.org/{name}",
        )
        for name in ("first", "second")
    )

    rows = api_client.get("/api/v1/indicators/swe/observations/").json()["results"]

    assert [row["id"] for row in rows[-2:]] == [first.pk, second.pk]


def test_the_schema_says_the_count_may_be_null(api_client):
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()

    count = schema["components"]["schemas"]["PaginatedObservationList"]["properties"][
        "count"
    ]
    assert count["nullable"] is True
    assert "1,000" in count["description"]


@pytest.mark.parametrize("microsecond", [0, 400_000, 123_456])
def test_times_are_written_as_everywhere_else_in_the_api(
    api_client, seven, microsecond
):
    at = datetime.datetime(2026, 1, 2, 3, 4, 5, microsecond, tzinfo=datetime.UTC)
    Observation.objects.filter(pk=seven[0].pk).update(created_at=at, updated_at=at)

    row = api_client.get(URL).json()["results"][0]

    written = serializers.DateTimeField().to_representation(at)
    assert row["created_at"] == row["updated_at"] == written
    assert written.endswith("Z")


def test_the_capped_count_reads_rows_in_no_order(api_client, seven):
    """An ordered count would sort every matching row before stopping at the
    limit: all of an indicator's, on its own list."""
    with CaptureQueriesContext(connection) as queries:
        api_client.get("/api/v1/indicators/swe/observations/", {"page_size": 2})

    (count,) = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert "ORDER BY" not in count.upper()
    assert f"LIMIT {pagination.COUNT_LIMIT + 1}" in count


def counts_in(queries) -> int:
    return sum("COUNT(" in query["sql"].upper() for query in queries)


def test_a_list_of_one_page_is_counted_from_its_rows(api_client, seven):
    with CaptureQueriesContext(connection) as queries:
        body = api_client.get("/api/v1/indicators/swe/observations/").json()

    assert body["count"] == 7
    assert body["next"] is None
    assert counts_in(queries) == 0


def test_the_last_page_counts_from_its_rows_and_a_full_one_asks(api_client, seven):
    with CaptureQueriesContext(connection) as full:
        first = api_client.get(URL, {"page_size": 3}).json()
    with CaptureQueriesContext(connection) as last:
        third = api_client.get(URL, {"page_size": 3, "page": 3}).json()

    assert first["count"] == third["count"] == 7
    assert counts_in(full) == 1
    assert counts_in(last) == 0
    assert third["previous"].endswith("page=2&page_size=3")


def test_a_last_page_past_the_limit_still_says_null(api_client, seven, limit_of_five):
    body = api_client.get(URL, {"page_size": 3, "page": 3}).json()

    assert body["count"] is None
    assert [row["value"] for row in body["results"]] == [6.0]
