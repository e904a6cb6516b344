"""No request costs memory or time in proportion to the whole table: exports
stream with a memory ceiling, anonymous exports are capped, pages are bounded."""

import csv
import datetime
import io
import tracemalloc

import pytest
from django.http import StreamingHttpResponse

from indicators.models import Observation
from tests.factories import IndicatorFactory, PredictionFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

EXPORTS = [
    "/api/v1/observations/?format=csv",
    "/api/v1/indicators/pct/observations/?format=csv",
    "/api/v1/predictions/?format=csv",
]


@pytest.fixture
def pct():
    return IndicatorFactory(slug="pct", min_value=0, max_value=100)


def add_observations(indicator, count: int, *, start: int = 0) -> None:
    first = datetime.date(1950, 1, 1)
    Observation.objects.bulk_create(
        [
            Observation(
                indicator=indicator,
                date=first + datetime.timedelta(days=number),
                published_on=first + datetime.timedelta(days=number),
                value=number % 100,
                source_url="https://example.org/report",
                source_title="A report with a title of a usual length",
                note="A note of a usual length, saying where the value is read.",
            )
            for number in range(start, start + count)
        ],
        batch_size=5000,
    )


def peak_memory_of_export(client, url: str) -> tuple[int, int]:
    """(peak bytes allocated while the export is read, rows read)."""
    tracemalloc.start()
    try:
        response = client.get(url)
        lines = sum(chunk.count(b"\r\n") for chunk in response.streaming_content)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, lines - 1


@pytest.mark.parametrize("url", EXPORTS)
def test_every_export_is_streamed(api_client, pct, url):
    PredictionFactory(indicator=pct)
    add_observations(pct, 3)

    response = api_client.get(url)

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_an_export_holds_no_more_memory_for_eight_times_the_rows(reader_client, pct):
    url = "/api/v1/observations/?format=csv"
    add_observations(pct, 2_500)
    small_peak, small_rows = peak_memory_of_export(reader_client, url)
    add_observations(pct, 17_500, start=2_500)

    peak, rows = peak_memory_of_export(reader_client, url)

    assert (small_rows, rows) == (2_500, 20_000)
    # The whole CSV is about 2.7 MB; what is held is one chunk of rows.
    assert peak < 2 * small_peak
    assert peak < 4_000_000


def test_an_anonymous_export_stops_at_the_cap_and_says_so(
    api_client, reader_client, pct, settings
):
    settings.API_ANON_EXPORT_ROWS = 100
    add_observations(pct, 150)

    anonymous = api_client.get("/api/v1/observations/?format=csv")
    with_token = reader_client.get("/api/v1/observations/?format=csv")

    rows = list(csv.DictReader(io.StringIO(anonymous.getvalue().decode())))
    assert len(rows) == 100
    assert anonymous["X-Export-Row-Limit"] == "100"
    assert len(with_token.getvalue().decode().splitlines()) == 151
    assert "X-Export-Row-Limit" not in with_token


def test_the_cap_keeps_the_order_and_the_filters(api_client, pct, settings):
    settings.API_ANON_EXPORT_ROWS = 10
    add_observations(pct, 50)

    response = api_client.get(
        "/api/v1/indicators/pct/observations/?format=csv&date_after=1950-01-21"
    )

    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert [row["date"] for row in rows][:2] == ["1950-01-21", "1950-01-22"]
    assert len(rows) == 10


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/observations/?page_size=1000000",
        "/api/v1/indicators/pct/observations/?page_size=99999",
        "/api/v1/observations/?page_size=-1",
    ],
)
def test_a_page_never_holds_more_than_200_rows(api_client, pct, url):
    add_observations(pct, 250)

    response = api_client.get(url)

    assert response.status_code == 200
    assert len(response.json()["results"]) <= 200


def test_an_indicator_page_reads_only_its_newest_observations(client, pct, monkeypatch):
    monkeypatch.setattr("tracker.pages.views.PAGE_OBSERVATIONS_LIMIT", 30)
    add_observations(pct, 50)

    response = client.get("/indicators/pct/")

    rows = response.context["observation_page"].paginator.object_list
    assert len(rows) == 30
    assert rows[0]["date"] == datetime.date(1950, 1, 1) + datetime.timedelta(49)
