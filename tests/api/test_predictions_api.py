"""GET /api/v1/predictions/: filters, search, ordering, scores and pagination."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from predictions.models import Kind, Status
from tests.factories import (
    IndicatorFactory,
    PredictionFactory,
    ScoreFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/predictions/"


def scored(status: str = Status.ON_TRACK, pace: float | None = None, **fields):
    prediction = PredictionFactory(**fields)
    prediction.current_score = ScoreFactory(
        prediction=prediction, status=status, pace_ratio=pace
    )
    prediction.save()
    return prediction


def slugs(response) -> list[str]:
    return [row["slug"] for row in response.json()["results"]]


def test_a_prediction_carries_its_latest_score(api_client):
    scored(slug="sc-2027", status=Status.AHEAD, pace=1.4)

    row = api_client.get(URL).json()["results"][0]

    assert row["score"]["status"] == "ahead"
    assert row["score"]["pace_ratio"] == 1.4


def test_a_prediction_carries_its_citation(api_client):
    PredictionFactory(
        citation_url="https://example.org/ai-2027#march-2027",
        citation_section="March 2027",
    )

    row = api_client.get(URL).json()["results"][0]

    assert row["citation"] == {
        "url": "https://example.org/ai-2027#march-2027",
        "section": "March 2027",
    }


def test_an_unscored_prediction_has_a_null_score(api_client):
    PredictionFactory()

    assert api_client.get(URL).json()["results"][0]["score"] is None


def test_a_prediction_is_found_by_its_slug(api_client):
    PredictionFactory(slug="swe-bench-85", claim="SWE-bench Verified reaches 85%.")

    response = api_client.get(f"{URL}swe-bench-85/")

    assert response.json()["claim"] == "SWE-bench Verified reaches 85%."


def test_an_unknown_prediction_is_404(api_client):
    assert api_client.get(f"{URL}nothing/").status_code == 404


def test_predictions_filter_by_source(api_client):
    PredictionFactory(slug="theirs", source=SourceFactory(slug="ai-2027"))
    PredictionFactory(slug="his", source=SourceFactory(slug="lambert"))

    assert slugs(api_client.get(URL, {"source": "lambert"})) == ["his"]


def test_predictions_filter_by_indicator(api_client):
    PredictionFactory(slug="power", indicator=IndicatorFactory(slug="dc-power"))
    PredictionFactory(slug="capex", indicator=IndicatorFactory(slug="capex"))

    assert slugs(api_client.get(URL, {"indicator": "dc-power"})) == ["power"]


def test_predictions_filter_by_status_of_the_current_score(api_client):
    scored(slug="behind", status=Status.BEHIND)
    scored(slug="ahead", status=Status.AHEAD)

    assert slugs(api_client.get(URL, {"status": "behind"})) == ["behind"]


def test_predictions_filter_by_kind(api_client):
    PredictionFactory(slug="threshold", kind=Kind.THRESHOLD)
    PredictionFactory(slug="value", kind=Kind.VALUE_AT)

    assert slugs(api_client.get(URL, {"kind": "value_at"})) == ["value"]


def test_predictions_filter_by_category(api_client):
    PredictionFactory(slug="bench", category="benchmarks")
    PredictionFactory(slug="compute", category="compute")

    assert slugs(api_client.get(URL, {"category": "compute"})) == ["compute"]


def test_predictions_filter_by_deadline_range(api_client):
    for year in (2026, 2027, 2028):
        PredictionFactory(slug=f"by-{year}", deadline=datetime.date(year, 6, 30))

    response = api_client.get(
        URL, {"deadline_after": "2027-01-01", "deadline_before": "2027-12-31"}
    )

    assert slugs(response) == ["by-2027"]


def test_one_deadline_bound_alone_filters(api_client):
    for year in (2026, 2027):
        PredictionFactory(slug=f"by-{year}", deadline=datetime.date(year, 6, 30))

    response = api_client.get(URL, {"deadline_before": "2026-12-31"})

    assert slugs(response) == ["by-2026"]


def test_a_reversed_deadline_range_is_a_400_naming_its_end(api_client):
    PredictionFactory()

    response = api_client.get(
        URL, {"deadline_after": "2027-12-31", "deadline_before": "2027-01-01"}
    )

    assert response.status_code == 400
    assert response.json()["deadline_before"] == [
        "The end of the range is before its start."
    ]


def test_an_unknown_parameter_is_ignored(api_client):
    PredictionFactory(slug="only")

    response = api_client.get(URL, {"_": "1732579200"})

    assert slugs(response) == ["only"]


def test_an_unknown_status_is_a_400_naming_the_filter(api_client):
    response = api_client.get(URL, {"status": "sideways"})

    assert response.status_code == 400
    assert "status" in response.json()


def test_predictions_search_the_claim(api_client):
    PredictionFactory(slug="coder", claim="A superhuman coder by March 2027.")
    PredictionFactory(slug="power", claim="Datacenters draw 10 GW.")

    assert slugs(api_client.get(URL, {"search": "superhuman"})) == ["coder"]


def test_predictions_search_the_citation(api_client):
    PredictionFactory(slug="coder", citation_section="Timelines forecast")
    PredictionFactory(slug="power", citation_section="Compute forecast")

    assert slugs(api_client.get(URL, {"search": "timelines"})) == ["coder"]


def test_predictions_order_by_deadline_by_default(api_client):
    PredictionFactory(slug="late", deadline=datetime.date(2030, 1, 1))
    PredictionFactory(slug="soon", deadline=datetime.date(2026, 1, 1))

    assert slugs(api_client.get(URL)) == ["soon", "late"]


def test_predictions_order_by_pace(api_client):
    scored(slug="fast", pace=2.0)
    scored(slug="slow", pace=0.5)

    assert slugs(api_client.get(URL, {"ordering": "-pace"})) == ["fast", "slow"]


def test_predictions_order_by_slug(api_client):
    PredictionFactory(slug="b-second", deadline=datetime.date(2026, 1, 1))
    PredictionFactory(slug="a-first", deadline=datetime.date(2030, 1, 1))

    assert slugs(api_client.get(URL, {"ordering": "slug"})) == ["a-first", "b-second"]


def test_predictions_come_fifty_to_a_page(api_client):
    PredictionFactory.create_batch(51)

    body = api_client.get(URL).json()

    assert (body["count"], len(body["results"])) == (51, 50)


def count_queries_of(api_client, query: dict) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as queries:
        body = api_client.get(URL, query).json()
    return body, sum("COUNT(" in q["sql"].upper() for q in queries)


def test_a_page_that_ends_the_list_counts_it_from_its_rows(api_client):
    PredictionFactory.create_batch(5)

    whole, whole_counts = count_queries_of(api_client, {})
    first, first_counts = count_queries_of(api_client, {"page_size": 2})
    last, last_counts = count_queries_of(api_client, {"page_size": 2, "page": 3})

    assert whole["count"] == first["count"] == last["count"] == 5
    assert (whole_counts, first_counts, last_counts) == (0, 1, 0)
    assert len(last["results"]) == 1 and last["next"] is None


def test_the_last_page_and_a_page_past_it(api_client):
    PredictionFactory.create_batch(5)

    last = api_client.get(URL, {"page_size": 2, "page": "last"}).json()

    assert len(last["results"]) == 1
    assert last["previous"].endswith("page=2&page_size=2")
    for page in (4, 0, "x"):
        response = api_client.get(URL, {"page_size": 2, "page": page})
        assert response.status_code == 404, page


def test_page_size_is_capped_at_two_hundred(api_client):
    PredictionFactory.create_batch(201)

    assert len(api_client.get(URL, {"page_size": 500}).json()["results"]) == 200
