"""GET /api/v1/report-card/: the median share per source and year, with its rows."""

import datetime
import math
import statistics
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import Scale
from predictions import changes, services
from predictions.models import Comparison, Kind
from tests.factories import (
    IndicatorFactory,
    ObservationFactory,
    PredictionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def resolved_value_claim(
    slug: str,
    value: float,
    *,
    scale: str = Scale.LINEAR,
    deadline: datetime.date = datetime.date(2025, 12, 31),
):
    indicator = IndicatorFactory(slug=f"{slug}-indicator", scale=scale)
    ObservationFactory(indicator=indicator, date=deadline, value=value)
    return PredictionFactory(
        slug=slug,
        source=SourceFactory(slug="ai2027", name="AI 2027"),
        indicator=indicator,
        kind=Kind.VALUE_AT,
        comparison=Comparison.GTE,
        target=100.0,
        baseline_value=10.0,
        baseline_date=datetime.date(2025, 1, 1),
        deadline=deadline,
    )


def test_the_report_card_lists_every_row_of_its_median(api_client):
    resolved_value_claim("a", 55.0)
    resolved_value_claim("b", 82.0)
    resolved_value_claim("c", 100.0)
    services.rescore_predictions(today=datetime.date(2026, 3, 1))

    (period,) = api_client.get("/api/v1/report-card/").json()["periods"]

    shares = [row["share"] for row in period["rows"]]
    assert shares == pytest.approx([0.5, 0.8, 1.0])
    assert period["median_share"] == pytest.approx(0.8)
    assert period["sentence"].startswith("AI 2027's predictions due in 2025: the")


def test_a_log_indicator_share_is_measured_in_orders_of_magnitude(api_client):
    resolved_value_claim("log", 10**1.5, scale=Scale.LOG)  # halfway from 10 to 100
    services.rescore_predictions(today=datetime.date(2026, 3, 1))

    (period,) = api_client.get("/api/v1/report-card/").json()["periods"]

    assert period["median_share"] == pytest.approx(0.5)


def test_the_report_card_states_its_method(api_client):
    body = api_client.get("/api/v1/report-card/").json()

    assert "median" in body["method"]
    assert set(body["not_graded_reasons"]) == {
        "negated",
        "no_distance",
        "no_baseline",
        "no_data",
        "open",
    }


def recompute(row: dict) -> float:
    """A row's share from the fields it lists, as a reader would."""
    target = row["target"]
    if target is None:
        low, high = row["target_low"], row["target_high"]
        target = math.sqrt(low * high) if row["scale"] == "log" else (low + high) / 2
    scale = math.log if row["scale"] == "log" else float
    start, end = scale(row["baseline_value"]), scale(target)
    return (scale(row["observed_value"]) - start) / (end - start)


def test_every_share_of_the_shipped_record_can_be_recomputed_from_its_row(
    api_client,
):
    call_command("load_seed", stdout=StringIO())
    services.rescore_predictions(today=datetime.date(2026, 12, 1))

    periods = api_client.get("/api/v1/report-card/").json()["periods"]

    rows = [row for period in periods for row in period["rows"]]
    assert rows
    for row in rows:
        assert recompute(row) == pytest.approx(row["share"]), row["prediction"]
    for period in periods:
        if period["rows"]:
            shares = [row["share"] for row in period["rows"]]
            assert period["median_share"] == pytest.approx(statistics.median(shares))


def test_the_report_card_is_read_from_the_cache_rebuilt_with_the_scoreboard(
    api_client,
):
    resolved_value_claim("a", 55.0)
    services.rescore_predictions(today=datetime.date(2026, 3, 1))
    changes.rebuild_scoreboard()

    with CaptureQueriesContext(connection) as queries:
        (period,) = api_client.get("/api/v1/report-card/").json()["periods"]

    assert len(queries) == 0
    assert [row["prediction"] for row in period["rows"]] == ["a"]


def test_an_edited_claim_reaches_the_cached_report_card(api_client):
    prediction = resolved_value_claim("a", 55.0)
    services.rescore_predictions(today=datetime.date(2026, 3, 1))
    changes.rebuild_scoreboard()

    prediction.refresh_from_db()  # the rescore gave it a current score
    prediction.claim = "An edited claim."
    prediction.save()
    (period,) = api_client.get("/api/v1/report-card/").json()["periods"]

    assert period["rows"][0]["claim"] == "An edited claim."


# --- Periods that grow with the record: the first rows, then pages ------------


@pytest.fixture
def long_period(monkeypatch):
    """Three graded rows due in 2025 and one in 2026, with the report card
    listing two rows per period."""
    monkeypatch.setattr("predictions.scoreboard.API_ROWS", 2)
    predictions = [
        resolved_value_claim(slug, value)
        for slug, value in (("a", 55.0), ("b", 82.0), ("c", 100.0))
    ]
    resolved_value_claim("later", 28.0, deadline=datetime.date(2026, 1, 31))
    services.rescore_predictions(today=datetime.date(2026, 3, 1))
    changes.rebuild_scoreboard()
    return predictions


def test_a_long_period_lists_its_first_rows_and_counts_them_all(
    api_client, long_period
):
    periods = api_client.get("/api/v1/report-card/").json()["periods"]
    period = next(period for period in periods if period["year"] == 2025)

    assert [row["prediction"] for row in period["rows"]] == ["a", "b"]
    assert period["graded"] == 3
    assert period["median_share"] == pytest.approx(0.8)  # of all three


def test_every_row_is_paged_with_its_source_and_year(api_client, long_period):
    first = api_client.get("/api/v1/report-card/rows/?page_size=2").json()
    second = api_client.get(first["next"]).json()
    rows = first["results"] + second["results"]
    periods = api_client.get("/api/v1/report-card/").json()["periods"]

    assert first["count"] == 4
    assert second["next"] is None
    assert [(row["prediction"], row["year"]) for row in rows] == [
        ("a", 2025),
        ("b", 2025),
        ("c", 2025),
        ("later", 2026),
    ]
    assert {row["source"] for row in rows} == {"ai2027"}
    listed = {row["prediction"]: row for period in periods for row in period["rows"]}
    for row in rows:
        if row["prediction"] in listed:
            assert {**listed[row["prediction"]], "source": "ai2027"} == {
                key: value for key, value in row.items() if key != "year"
            }


def test_the_rows_are_filtered_by_source_and_year(api_client, long_period):
    def slugs(query: str) -> list[str]:
        body = api_client.get(f"/api/v1/report-card/rows/?{query}").json()
        return [row["prediction"] for row in body["results"]]

    assert slugs("year=2026") == ["later"]
    assert slugs("source=ai2027&year=2025") == ["a", "b", "c"]
    assert slugs("source=lambert") == []


@pytest.mark.parametrize("year", ["2025.5", "soon", "0"])
def test_a_bad_year_is_a_400_that_names_it(api_client, long_period, year):
    response = api_client.get(f"/api/v1/report-card/rows/?year={year}")

    assert response.status_code == 400
    assert set(response.json()) == {"year"}


def test_the_report_card_rows_cost_no_query(api_client, long_period):
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get("/api/v1/report-card/rows/?year=2025")

    assert response.status_code == 200
    assert len(queries) == 0
