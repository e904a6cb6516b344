"""A catalogue of bad input: every door refuses it by name and writes nothing.

The doors are the API (POST /api/v1/observations/), the admin's observation
form, the admin's CSV import, and feed payloads (parsing, fetching, the bulk
write path). Each case names the problem it expects to see in the error.
"""

import datetime
import html
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators import fetchers, ingest, upsert
from indicators.models import FetchRun, Observation, Outcome
from indicators.record import OBSERVATION_COLUMNS
from tests.factories import FeedFactory, IndicatorFactory, ObservationFactory

pytestmark = pytest.mark.django_db

API_URL = "/api/v1/observations/"
HUGE = "x" * 10_000
HUGE_URL = "https://example.org/" + "a" * 10_000


@pytest.fixture(autouse=True)
def indicators():
    """A percentage (0 to 100) and a count (at least 0)."""
    return {
        "pct": IndicatorFactory(slug="pct", min_value=0, max_value=100),
        "count": IndicatorFactory(slug="count", unit="models", min_value=0),
    }


# --- API ------------------------------------------------------------------------


def item(**fields) -> dict:
    return {
        "indicator": "pct",
        "date": "2025-06-01",
        "value": 72.5,
        "source_url": "https://example.org/board",
        "source_title": "A leaderboard",
        **fields,
    }


def raw_item(value_token: str) -> str:
    return (
        '{"indicator": "pct", "date": "2025-06-01", "value": ' + value_token + ", "
        '"source_url": "https://example.org/board", "source_title": "A board"}'
    )


# (payload, raw body or None, content type, expected status, expected text)
API_CASES = [
    pytest.param(item(value="NaN"), None, None, 400, "value", id="api-value-nan-str"),
    pytest.param(item(value="inf"), None, None, 400, "value", id="api-value-inf-str"),
    pytest.param(
        None, raw_item("NaN"), None, 400, "JSON parse error", id="api-json-NaN-token"
    ),
    pytest.param(
        None,
        raw_item("Infinity"),
        None,
        400,
        "JSON parse error",
        id="api-json-Infinity-token",
    ),
    pytest.param(
        None,
        raw_item("-Infinity"),
        None,
        400,
        "JSON parse error",
        id="api-json-minus-Infinity-token",
    ),
    pytest.param(item(value=[1]), None, None, 400, "value", id="api-value-list"),
    pytest.param(item(value={"a": 1}), None, None, 400, "value", id="api-value-obj"),
    pytest.param(item(value=True), None, None, 400, "value", id="api-value-bool"),
    pytest.param(item(value=""), None, None, 400, "value", id="api-value-empty"),
    pytest.param(item(value=1e301), None, None, 400, "value", id="api-value-1e301"),
    pytest.param(
        item(source_title=""), None, None, 400, "source_title", id="api-title-empty"
    ),
    pytest.param(
        item(source_title=HUGE), None, None, 400, "source_title", id="api-title-10k"
    ),
    pytest.param(
        item(source_url=HUGE_URL), None, None, 400, "source_url", id="api-url-10k"
    ),
    pytest.param(
        item(source_url="not a url"), None, None, 400, "source_url", id="api-url-junk"
    ),
    pytest.param(item(value=100.5), None, None, 400, "value", id="api-pct-over-100"),
    pytest.param(
        item(indicator="count", value=-1), None, None, 400, "value", id="api-count-neg"
    ),
    pytest.param(item(date="2025-02-30"), None, None, 400, "date", id="api-feb-30"),
    pytest.param(item(date="2999-01-01"), None, None, 400, "date", id="api-year-2999"),
    pytest.param(item(low=80), None, None, 400, "low", id="api-low-above-value"),
    pytest.param(item(high=50), None, None, 400, "high", id="api-high-below-value"),
    pytest.param(
        item(indicator="no-such"), None, None, 400, "indicator", id="api-unknown-ind"
    ),
    pytest.param(
        item(indicator="bad\x00slug"), None, None, 400, "indicator", id="api-nul-slug"
    ),
    pytest.param(
        {k: v for k, v in item().items() if k != "value"},
        None,
        None,
        400,
        "value",
        id="api-value-missing",
    ),
    pytest.param(
        [item(), item(value=60)], None, None, 400, "repeats item 0", id="api-dup-list"
    ),
    pytest.param(
        [item(), item(date="2025-06-02", value=101)],
        None,
        None,
        400,
        '"index":1',
        id="api-list-second-bad",
    ),
    pytest.param([], None, None, 400, "empty", id="api-empty-list"),
    pytest.param(
        "hello", None, None, 400, "Send one observation", id="api-string-body"
    ),
    pytest.param(
        None,
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
        None,
        400,
        "JSON parse error",
        id="api-html-page-as-json",
    ),
    pytest.param(
        None,
        raw_item("72.5")[:40],
        None,
        400,
        "JSON parse error",
        id="api-truncated-body",
    ),
    pytest.param(
        None,
        "<html>oops</html>",
        "text/html",
        415,
        "Unsupported media type",
        id="api-html-content-type",
    ),
    pytest.param(
        None,
        "indicator,date\npct,2025-06-01\n",
        "text/csv",
        415,
        "Unsupported media type",
        id="api-csv-content-type",
    ),
]


@pytest.mark.parametrize(
    ("payload", "raw", "content_type", "status", "text"), API_CASES
)
def test_api_refuses_bad_input_and_writes_nothing(
    writer_client, payload, raw, content_type, status, text
):
    before = Observation.objects.count()

    if raw is None:
        response = writer_client.post(API_URL, payload, format="json")
    else:
        response = writer_client.post(
            API_URL, raw, content_type=content_type or "application/json"
        )

    body = response.content.decode().replace(": ", ":").replace(", ", ",")
    assert response.status_code == status, body
    assert text.replace(": ", ":") in body
    assert Observation.objects.count() == before


def test_api_list_over_the_batch_limit_is_refused(writer_client, settings):
    settings.API_MAX_BATCH = 3
    payload = [item(date=f"2025-01-0{day}") for day in range(1, 5)]

    response = writer_client.post(API_URL, payload, format="json")

    assert response.status_code == 400
    assert "API_MAX_BATCH" in response.json()["detail"]
    assert "this one has 4" in response.json()["detail"]
    assert Observation.objects.count() == 0


# --- the admin's observation form -----------------------------------------------


def form_data(indicators, **fields) -> dict:
    return {
        "indicator": indicators["pct"].pk,
        "date": "2025-06-01",
        "value": "72.5",
        "low": "",
        "high": "",
        "source_url": "https://example.org/board",
        "source_title": "A leaderboard",
        "tier": "primary",
        "published_on": "2025-06-02",
        "note": "",
        **fields,
    }


FORM_CASES = [
    pytest.param({"value": "NaN"}, "value", id="form-value-nan"),
    pytest.param({"value": "inf"}, "value", id="form-value-inf"),
    pytest.param({"value": ""}, "value", id="form-value-empty"),
    pytest.param({"value": "seventy"}, "value", id="form-value-text"),
    pytest.param({"source_title": ""}, "source_title", id="form-title-empty"),
    pytest.param({"source_title": HUGE}, "source_title", id="form-title-10k"),
    pytest.param({"source_url": HUGE_URL}, "source_url", id="form-url-10k"),
    pytest.param({"value": "101"}, "value", id="form-pct-over-100"),
    pytest.param({"indicator": "count", "value": "-5"}, "value", id="form-count-neg"),
    pytest.param({"date": "2025-02-30"}, "date", id="form-feb-30"),
    pytest.param({"date": "2999-01-01"}, "date", id="form-year-2999"),
    pytest.param({"low": "80"}, "low", id="form-low-above-value"),
    pytest.param({"high": "10"}, "high", id="form-high-below-value"),
    pytest.param({"indicator": "999999"}, "indicator", id="form-unknown-indicator"),
]


@pytest.mark.parametrize(("fields", "field"), FORM_CASES)
def test_admin_form_refuses_bad_input_and_writes_nothing(
    staff_client, indicators, fields, field
):
    if fields.get("indicator") == "count":
        fields = {**fields, "indicator": indicators["count"].pk}
    before = Observation.objects.count()

    response = staff_client.post(
        reverse("admin:indicators_observation_add"), form_data(indicators, **fields)
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors, errors
    assert Observation.objects.count() == before


def test_admin_form_refuses_a_second_value_for_the_same_key(staff_client, indicators):
    ObservationFactory(
        indicator=indicators["pct"],
        date=datetime.date(2025, 6, 1),
        source_url="https://example.org/board",
    )

    response = staff_client.post(
        reverse("admin:indicators_observation_add"), form_data(indicators, value="60")
    )

    errors = response.context["adminform"].form.errors
    assert "already has a value" in str(errors["__all__"])
    assert Observation.objects.count() == 1


# --- the admin's CSV import -----------------------------------------------------

HEADER = ",".join(OBSERVATION_COLUMNS) + "\n"


def csv_row(**cells) -> str:
    row = {
        "indicator": "pct",
        "date": "2025-01-10",
        "value": "71.7",
        "low": "",
        "high": "",
        "is_estimate": "false",
        "tier": "primary",
        "published_on": cells.get("date", "2025-01-10"),
        "superseded_by": "",
        "source_url": "https://example.org/board",
        "source_title": "Leaderboard",
        "note": "",
        **cells,
    }
    return ",".join(row[name] for name in OBSERVATION_COLUMNS) + "\n"


GOOD = csv_row(date="2025-01-01")

CSV_CASES = [
    pytest.param(
        "indicator,day,value\npct,2025-01-01,5\n",
        "line 1: the header must be exactly",
        id="csv-wrong-header",
    ),
    pytest.param(
        (HEADER + csv_row(source_title="Caf\xe9 board")).encode("latin-1"),
        "UTF-8",
        id="csv-latin-1-bytes",
    ),
    pytest.param(b"", "The submitted file is empty.", id="csv-empty-file"),
    pytest.param(HEADER + GOOD + csv_row(value="NaN"), "row 3, value", id="csv-nan"),
    pytest.param(HEADER + csv_row(value="inf"), "row 2, value", id="csv-inf"),
    pytest.param(HEADER + csv_row(value=""), "row 2, value", id="csv-value-empty"),
    pytest.param(HEADER + csv_row(value="101"), "row 2, value", id="csv-pct-over-100"),
    pytest.param(
        HEADER + csv_row(indicator="count", value="-3"),
        "row 2, value",
        id="csv-count-negative",
    ),
    pytest.param(HEADER + csv_row(date="2025-02-30"), "row 2, date", id="csv-feb-30"),
    pytest.param(HEADER + csv_row(date="2999-01-01"), "row 2, date", id="csv-2999"),
    pytest.param(HEADER + csv_row(low="90"), "row 2, low", id="csv-low-above-value"),
    pytest.param(HEADER + csv_row(high="1"), "row 2, high", id="csv-high-below-value"),
    pytest.param(
        HEADER + csv_row(indicator="nope"), "row 2, indicator", id="csv-unknown-ind"
    ),
    pytest.param(
        HEADER + csv_row(source_title=""), "row 2, source_title", id="csv-title-empty"
    ),
    pytest.param(
        HEADER + csv_row(source_title=HUGE), "row 2, source_title", id="csv-title-10k"
    ),
    pytest.param(
        HEADER + csv_row(source_url=HUGE_URL), "row 2, source_url", id="csv-url-10k"
    ),
    pytest.param(
        HEADER + csv_row(is_estimate="yes"), "row 2, is_estimate", id="csv-bad-bool"
    ),
    pytest.param(HEADER + "pct,2025-01-01,5\n", "row 2", id="csv-too-few-cells"),
    pytest.param(
        HEADER + GOOD + csv_row(date="2025-01-01", value="60"),
        "row 3",
        id="csv-duplicate-rows",
    ),
]


def upload(client, content: str | bytes, name: str = "obs.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(
        reverse("admin:indicators_observation_import_csv"),
        {"file": SimpleUploadedFile(name, data)},
        follow=True,
    )


@pytest.mark.parametrize(("content", "text"), CSV_CASES)
def test_csv_import_refuses_bad_files_and_writes_nothing(staff_client, content, text):
    before = Observation.objects.count()

    response = upload(staff_client, content)

    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Imported" not in page
    assert text in page
    assert Observation.objects.count() == before


def test_csv_import_refuses_a_file_over_the_size_limit(staff_client, monkeypatch):
    monkeypatch.setattr("indicators.admin.MAX_IMPORT_BYTES", 100)

    response = upload(staff_client, HEADER + GOOD + csv_row(date="2025-01-02"))

    page = html.unescape(response.content.decode())
    assert "The file is over 100 bytes." in page
    assert Observation.objects.count() == 0


# --- feed payloads --------------------------------------------------------------

JSON_SPEC = fetchers.FeedSpec(
    url="http://127.0.0.1/feed.json",
    format="json",
    date_field="date",
    value_field="value",
)
CSV_SPEC = fetchers.FeedSpec(
    url="http://127.0.0.1/feed.csv",
    format="csv",
    date_field="date",
    value_field="value",
)

FEED_CASES = [
    pytest.param(
        JSON_SPEC,
        b"<!DOCTYPE html><html><body>500 Internal Server Error</body></html>",
        "text/html",
        "the response is HTML",
        id="feed-html-error-page",
    ),
    pytest.param(
        JSON_SPEC,
        b"<html><body>Bad Gateway</body></html>",
        "application/json",
        "the response is HTML",
        id="feed-html-labelled-json",
    ),
    pytest.param(
        JSON_SPEC,
        b'[{"date": "2025-01-01", "value": 5}, {"date": "2025-',
        "application/json",
        "the response is not valid JSON: it ends early (truncated?)",
        id="feed-truncated-in-a-string",
    ),
    pytest.param(
        JSON_SPEC,
        b'[{"date": "2025-01-01", "value": 5}, ',
        "application/json",
        "it ends early (truncated?)",
        id="feed-truncated-between-rows",
    ),
    pytest.param(JSON_SPEC, b"", "", "the response is empty", id="feed-empty-body"),
    pytest.param(
        JSON_SPEC,
        b'[{"date": "2025-01-01", "value": NaN}]',
        "application/json",
        "row 1: 'value' is not a finite number",
        id="feed-json-NaN-token",
    ),
    pytest.param(
        JSON_SPEC,
        b'[{"date": "2025-01-01", "value": Infinity}]',
        "application/json",
        "row 1: 'value' is not a finite number",
        id="feed-json-Infinity-token",
    ),
    pytest.param(
        JSON_SPEC,
        b'[{"date": "2025-01-01", "value": "inf"}]',
        "application/json",
        "row 1: 'value' is not a finite number",
        id="feed-value-inf-str",
    ),
    pytest.param(
        JSON_SPEC,
        b'[{"date": "2025-01-01", "value": [1]}]',
        "application/json",
        "row 1: 'value' is not a number",
        id="feed-value-list",
    ),
    pytest.param(
        JSON_SPEC,
        b'[{"date": "2025-01-01", "value": {"a": 1}}]',
        "application/json",
        "row 1: 'value' is not a number",
        id="feed-value-object",
    ),
    pytest.param(
        JSON_SPEC,
        b'[{"date": "2025-01-01", "value": true}]',
        "application/json",
        "row 1: 'value' is not a number",
        id="feed-value-bool",
    ),
    pytest.param(
        JSON_SPEC,
        b'[{"date": "2025-01-01", "value": 1}, {"date": "2025-02-30", "value": 2}]',
        "application/json",
        "row 2: 'date' is not a date",
        id="feed-feb-30",
    ),
    pytest.param(
        JSON_SPEC,
        '[{"date": "2025-01-01", "value": 1, "n": "Caf\xe9"}]'.encode("latin-1"),
        "application/json",
        "not valid UTF-8",
        id="feed-latin-1-bytes",
    ),
    pytest.param(
        JSON_SPEC,
        b"[1, 2, 3]",
        "application/json",
        "row 1 at path '' is not an object",
        id="feed-rows-not-objects",
    ),
    pytest.param(
        CSV_SPEC,
        b"day,score\n2025-01-01,5\n",
        "text/csv",
        "the CSV has no column 'date'",
        id="feed-csv-wrong-header",
    ),
    pytest.param(
        CSV_SPEC,
        b"date,value\n2025-01-01,lots\n",
        "text/csv",
        "row 1: 'value' is not a number",
        id="feed-csv-value-text",
    ),
]


@pytest.mark.parametrize(("spec", "body", "content_type", "text"), FEED_CASES)
def test_feed_payloads_are_refused_by_name(spec, body, content_type, text):
    with pytest.raises(fetchers.FetchError) as caught:
        fetchers.parse(spec, body, content_type)

    assert text in str(caught.value)
    assert Observation.objects.count() == 0


def test_a_feed_body_over_the_size_cap_is_refused(feed_server):
    feed_server.route("/big.json", body=b"[" + b" " * 10_000 + b"]")
    spec = fetchers.FeedSpec(
        url=feed_server.url("big.json"),
        format="json",
        date_field="date",
        value_field="value",
    )

    with pytest.raises(fetchers.FetchError, match="response larger than 5000 bytes"):
        fetchers.fetch(spec, max_bytes=5000)
    assert Observation.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "text"),
    [
        pytest.param(
            json.dumps([{"date": "2025-01-01", "value": 150}]),
            "150 is above the maximum",
            id="run-feed-pct-over-100",
        ),
        pytest.param(
            "<html><body>Service maintenance</body></html>",
            "the response is HTML",
            id="run-feed-html-page",
        ),
        pytest.param("x" * 3000, "response larger than 2000 bytes", id="run-feed-big"),
    ],
)
def test_a_feed_run_with_a_bad_payload_fails_and_writes_no_rows(
    feed_server, settings, indicators, body, text
):
    settings.FEED_MAX_BYTES = 2000
    feed_server.route("/feed.json", body=body, content_type="application/json")
    feed = FeedFactory(indicator=indicators["pct"], url=feed_server.url("feed.json"))

    run = ingest.run_feed(feed)

    assert run.outcome == Outcome.FAILED
    assert text in run.error
    assert Observation.objects.count() == 0
    assert FetchRun.objects.get() == run


def row(indicator, **fields) -> upsert.ObservationRow:
    values = {
        "indicator_id": indicator.pk,
        "date": datetime.date(2025, 1, 1),
        "value": 50.0,
        "low": None,
        "high": None,
        "is_estimate": False,
        "tier": "primary",
        "source_url": "https://example.org/feed",
        "source_title": "A feed",
        "note": "",
        "published_on": fields.get("date", datetime.date(2025, 1, 1)),
        **fields,
    }
    return upsert.ObservationRow(**values)


BULK_CASES = [
    pytest.param(
        lambda i: [
            row(i["pct"]),
            row(i["pct"], date=datetime.date(2025, 1, 2), value=float("nan")),
        ],
        "value",
        "row 2",
        id="bulk-nan",
    ),
    pytest.param(
        lambda i: [row(i["pct"], value=float("inf"))], "value", "row 1", id="bulk-inf"
    ),
    pytest.param(
        lambda i: [row(i["pct"], value=100.5)], "value", "row 1", id="bulk-pct-over"
    ),
    pytest.param(
        lambda i: [row(i["count"], value=-1.0)], "value", "row 1", id="bulk-count-neg"
    ),
    pytest.param(
        lambda i: [row(i["pct"], low=60.0)], "low", "row 1", id="bulk-low-above"
    ),
    pytest.param(
        lambda i: [row(i["pct"], indicator_id=999_999)],
        "indicator_id",
        "no such indicator",
        id="bulk-unknown-indicator",
    ),
    pytest.param(
        lambda i: [row(i["pct"]), row(i["pct"], value=51.0)],
        "date",
        "the same key as row 1",
        id="bulk-duplicate-key",
    ),
    pytest.param(
        lambda i: [row(i["pct"], source_url="")],
        "source_url",
        "empty",
        id="bulk-empty-url",
    ),
]


@pytest.mark.parametrize(("make_rows", "field", "text"), BULK_CASES)
def test_bulk_upsert_refuses_a_bad_batch_whole(indicators, make_rows, field, text):
    with pytest.raises(ValidationError) as caught:
        upsert.bulk_upsert_observations(make_rows(indicators), origin="feed")

    assert field in caught.value.message_dict
    assert text in " ".join(caught.value.message_dict[field])
    assert Observation.objects.count() == 0
