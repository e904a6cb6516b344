"""The API's JSON renderer writes what DRF's own JSON renderer writes.

Every answer of the API goes through it; these tests hold it to DRF's bytes on
the values the API sends, and to DRF's rendering where it hands over.
"""

import datetime
import decimal
import uuid

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from tracker.renderers import FastJSONRenderer

DOCUMENT = {
    "count": 2,
    "next": "http://testserver/api/v1/predictions/?page=2",
    "results": [
        {
            "slug": "ai2027-compute-share",
            "title": "Research takes 60% of compute — “by 2027” ½",
            "probability": 0.65,
            "value": -1.5,
            "big": 1.2345678901234568e17,
            "tiny_but_not_small": 0.0001,
            "zero": -0.0,
            "resolved": None,
            "flags": [True, False],
            "tags": [],
        },
        {"slug": "lambert-no-takeoff", "brier": 0.1225, "n": 10**18},
    ],
}


def test_the_api_documents_are_drfs_bytes() -> None:
    assert FastJSONRenderer().render(DOCUMENT) == JSONRenderer().render(DOCUMENT)


def test_dates_times_decimals_uuids_and_lazy_text_are_encoded_as_drf_does() -> None:
    data = {
        "at": datetime.datetime(2026, 3, 31, 12, 30, 45, 123456, tzinfo=datetime.UTC),
        "offset": datetime.datetime(
            2026, 3, 31, 14, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
        ),
        "on": datetime.date(2026, 3, 31),
        "time": datetime.time(9, 5, 1, 250000),
        "amount": decimal.Decimal("1.50"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "label": gettext_lazy("Not found."),
        1: "an integer key",
    }
    assert FastJSONRenderer().render(data) == JSONRenderer().render(data)
    assert b'"at":"2026-03-31T12:30:45.123456Z"' in FastJSONRenderer().render(data)


def test_line_separators_are_escaped_as_drf_does() -> None:
    data = {"text": "one\u2028two\u2029three"}
    rendered = FastJSONRenderer().render(data)
    assert rendered == b'{"text":"one\\u2028two\\u2029three"}'
    assert rendered == JSONRenderer().render(data)


@pytest.mark.parametrize(
    "data",
    [
        {"wide": 2**70},  # wider than orjson's 64 bits
        {"wide": [1, -(2**65)]},
    ],
)
def test_what_orjson_refuses_is_rendered_by_drf(data: dict) -> None:
    assert FastJSONRenderer().render(data) == JSONRenderer().render(data)


def test_an_indented_answer_is_drfs() -> None:
    media_type = "application/json; indent=4"
    rendered = FastJSONRenderer().render(DOCUMENT, media_type)
    assert rendered == JSONRenderer().render(DOCUMENT, media_type)
    assert b'\n    "count": 2' in rendered


def test_nothing_renders_as_nothing() -> None:
    assert FastJSONRenderer().render(None) == b""


def test_a_small_float_is_the_same_number_without_its_exponent() -> None:
    """The one difference in bytes: a reader parses both to the same float."""
    assert FastJSONRenderer().render({"p": 1e-05}) == b'{"p":0.00001}'
    assert JSONRenderer().render({"p": 1e-05}) == b'{"p":1e-05}'


def test_the_api_answers_through_it(db, client) -> None:
    """The settings and the views use it: an API list is its rendering."""
    from rest_framework.settings import api_settings

    assert api_settings.DEFAULT_RENDERER_CLASSES[0] is FastJSONRenderer
    response = client.get("/api/v1/sources/")
    assert response.status_code == 200
    assert response.content == FastJSONRenderer().render(response.json())
