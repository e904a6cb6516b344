"""Input that used to escape as a 500 is a clear error naming what was wrong,
JSON under /api/, with nothing written."""

import datetime
import html
import json

import pytest
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    ValidationError,
)
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators import fetchers, ingest, upsert
from indicators.models import FetchRun, Observation, Outcome
from indicators.record import OBSERVATION_COLUMNS
from tests.factories import FeedFactory, IndicatorFactory
from tracker import errors

pytestmark = pytest.mark.django_db

API_URL = "/api/v1/observations/"


@pytest.fixture(autouse=True)
def pct():
    return IndicatorFactory(slug="pct", min_value=0, max_value=100)


def item(**fields) -> dict:
    return {
        "indicator": "pct",
        "date": "2025-06-01",
        "value": 72.5,
        "source_url": "https://example.org/board",
        "source_title": "A leaderboard",
        **fields,
    }


def assert_json_error(response, status: int, named: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert named in json.dumps(response.json())


# --- JSON nested too deep ---------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000,
        "[" * 5_000 + "]" * 5_000,
        '{"a":' * 5_000 + "1" + "}" * 5_000,
        json.dumps(item(note=None)).replace("null", "[" * 40 + "]" * 40),
        json.dumps(
            [
                item(
                    value={
                        "a": [
                            [
                                [
                                    [
                                        [
                                            [
                                                [
                                                    [
                                                        [
                                                            [
                                                                [
                                                                    [
                                                                        [
                                                                            [
                                                                                [
                                                                                    [
                                                                                        [
                                                                                            [
                                                                                                [
                                                                                                    [
                                                                                                        [
                                                                                                            [
                                                                                                                [
                                                                                                                    [
                                                                                                                        [
                                                                                                                            [
                                                                                                                                [
                                                                                                                                    [
                                                                                                                                        [
                                                                                                                                            [
                                                                                                                                                [
                                                                                                                                                    [
                                                                                                                                                        1
                                                                                                                                                    ]
                                                                                                                                                ]
                                                                                                                                            ]
                                                                                                                                        ]
                                                                                                                                    ]
                                                                                                                                ]
                                                                                                                            ]
                                                                                                                        ]
                                                                                                                    ]
                                                                                                                ]
                                                                                                            ]
                                                                                                        ]
                                                                                                    ]
                                                                                                ]
                                                                                            ]
                                                                                        ]
                                                                                    ]
                                                                                ]
                                                                            ]
                                                                        ]
                                                                    ]
                                                                ]
                                                            ]
                                                        ]
                                                    ]
                                                ]
                                            ]
                                        ]
                                    ]
                                ]
                            ]
                        ]
                    }
                )
            ]
        ),
    ],
    ids=["open-100k", "closed-5k", "objects-5k", "in-a-field", "in-a-list"],
)
def test_deeply_nested_json_is_a_400_naming_the_depth(writer_client, body):
    response = writer_client.post(API_URL, body, content_type="application/json")

    assert_json_error(response, 400, "nested deeper than 32 levels")
    assert Observation.objects.count() == 0


# --- a write that asks for CSV ------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ("?format=csv", {}),
        ("", {"HTTP_ACCEPT": "text/csv"}),
        ("?format=csv", {"HTTP_ACCEPT": "text/csv"}),
    ],
    ids=["format-csv", "accept-csv", "format-and-accept-csv"],
)
def test_a_write_asking_for_csv_is_refused_before_anything_is_written(
    writer_client, query, headers
):
    response = writer_client.post(API_URL + query, [item()], format="json", **headers)

    assert_json_error(response, 406, "CSV is a format for reading lists")
    assert Observation.objects.count() == 0


def test_a_write_asking_for_csv_and_json_at_once_writes_nothing(writer_client):
    response = writer_client.post(
        API_URL + "?format=csv", [item()], format="json", HTTP_ACCEPT="application/json"
    )

    assert_json_error(response, 406, "Accept")
    assert Observation.objects.count() == 0


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_every_write_method_on_an_exportable_list_answers_json(writer_client, method):
    response = getattr(writer_client, method)(
        "/api/v1/predictions/?format=csv", {}, format="json"
    )

    assert response.status_code in (405, 406)
    assert response["Content-Type"].startswith("application/json")


# --- bodies over the limit ---------------------------------------------------------


def test_a_json_body_over_the_limit_is_a_413_naming_the_limit(writer_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps(
        [item(note="x" * 100, date=f"2025-01-{d:02}") for d in range(1, 29)] * 4
    )

    response = writer_client.post(API_URL, body, content_type="application/json")

    assert_json_error(response, 413, "DATA_UPLOAD_MAX_MEMORY_SIZE")
    assert Observation.objects.count() == 0


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "multipart/form-data; boundary=BoUnDaRy"],
)
def test_a_form_body_over_the_limit_under_the_api_is_json(
    writer_client, settings, content_type
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    if content_type.startswith("multipart"):
        body = (
            '--BoUnDaRy\r\nContent-Disposition: form-data; name="note"\r\n\r\n'
            + "x" * 5_000
            + "\r\n--BoUnDaRy--\r\n"
        )
    else:
        body = "note=" + "x" * 5_000

    response = writer_client.post(API_URL, body, content_type=content_type)

    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/json")
    assert Observation.objects.count() == 0


def test_an_unknown_api_url_is_json(api_client):
    assert_json_error(api_client.get("/api/v1/no-such-thing/"), 404, "Not found")


# --- the admin's CSV import ------------------------------------------------------


HEADER = ",".join(OBSERVATION_COLUMNS) + "\n"


def csv_row(**cells) -> str:
    values = {
        "indicator": "pct",
        "date": "2025-01-01",
        "value": "50",
        "low": "",
        "high": "",
        "is_estimate": "false",
        "tier": "primary",
        "published_on": cells.get("date", "2025-01-01"),
        "superseded_by": "",
        "source_url": "https://example.org/r",
        "source_title": "A report",
        "note": "",
        **cells,
    }
    return ",".join(values[name] for name in OBSERVATION_COLUMNS) + "\n"


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (HEADER + csv_row(note="a\x00b"), "NUL character"),
        (HEADER + csv_row(source_title="\x00"), "NUL character"),
        ("indicator\x00," + HEADER, "NUL character"),
        (HEADER + csv_row(note="x" * 131_073), "cell over 131,072 characters"),
        (HEADER + csv_row(note='"' + "x" * 200_000 + '"'), "cell over 131,072"),
        (
            HEADER + csv_row() + csv_row(date="2025-01-02", note='"' + "x" * 140_000),
            "row 3",
        ),
    ],
    ids=[
        "nul-note",
        "nul-title",
        "nul-header",
        "131073-note",
        "quoted-200k",
        "row-named",
    ],
)
def test_the_csv_import_names_what_it_cannot_read(staff_client, content, named):
    response = staff_client.post(
        reverse("admin:indicators_observation_import_csv"),
        {"file": SimpleUploadedFile("obs.csv", content.encode())},
    )

    assert response.status_code == 200
    assert named in html.unescape(response.content.decode())
    assert Observation.objects.count() == 0


# --- NUL in filters -----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/admin/indicators/observation/?q=%00",
        "/admin/indicators/observation/?origin__exact=a%00b",
        "/admin/indicators/observation/?indicator__category__exact=%00",
        "/admin/indicators/fetchrun/?feed__id__exact=1%00",
        "/admin/predictions/prediction/?q=x%00y",
        "/admin/indicators/observation/?%00=1",
        "/predictions/?source=%00",
    ],
)
def test_a_nul_in_a_filter_is_a_400_naming_the_parameter(staff_client, url):
    response = staff_client.get(url)

    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


# --- NUL in feed records ------------------------------------------------------------


@pytest.mark.parametrize("field", ["note", "source_title", "source_url"])
def test_the_bulk_path_refuses_a_nul_by_field(pct, field):
    day = datetime.date(2025, 1, 1)
    row = upsert.ObservationRow(
        indicator_id=pct.pk,
        date=day,
        value=1.0,
        low=None,
        high=None,
        is_estimate=False,
        tier="primary",
        source_url="https://example.org/",
        source_title="A feed",
        note="",
        published_on=day,
    )._replace(**{field: "a\x00b"})

    with pytest.raises(ValidationError, match="NUL character") as raised:
        upsert.bulk_upsert_observations([row], origin="feed")

    assert field in raised.value.message_dict
    assert Observation.objects.count() == 0


def test_a_feed_whose_label_holds_a_nul_is_a_failed_run_without_rows(pct, monkeypatch):
    feed = FeedFactory(indicator=pct)
    result = fetchers.FetchResult(
        status="ok",
        records=[
            fetchers.Record(
                date=datetime.date(2025, 1, 1), value=1.0, note="Model\x00X"
            )
        ],
        rows_seen=1,
    )
    monkeypatch.setattr(fetchers, "fetch", lambda *args, **kwargs: result)

    run = ingest.run_feed(feed)

    assert run.outcome == Outcome.FAILED
    assert "NUL character" in run.error
    assert FetchRun.objects.get().outcome == Outcome.FAILED
    assert Observation.objects.count() == 0


@pytest.mark.parametrize(
    ("exception", "status", "named"),
    [
        (RequestDataTooBig(), 413, "DATA_UPLOAD_MAX_MEMORY_SIZE"),
        (TooManyFieldsSent(), 400, "fields"),
        (SuspiciousOperation(), 400, "Bad request"),
    ],
)
def test_django_refusals_under_the_api_are_json(rf, exception, status, named):
    response = errors.bad_request(rf.post("/api/v1/observations/"), exception)

    assert response.status_code == status
    assert named in json.loads(response.content)["detail"]
