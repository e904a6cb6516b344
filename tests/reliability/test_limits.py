"""Every text has a stated length, every date a stated range, the body a
stated size: refused by name beyond them, and said in the schema."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, models, transaction
from django.urls import reverse

from indicators import upsert
from indicators.models import EARLIEST_DATE, NOTE_LENGTH, Observation
from predictions.models import Prediction, Source
from tests.factories import (
    IndicatorFactory,
    ObservationFactory,
    PredictionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db
API_URL = "/api/v1/observations/"


@pytest.fixture(autouse=True)
def pct():
    return IndicatorFactory(slug="pct", min_value=0, max_value=100)


def item(**fields) -> dict:
    return {
        "indicator": "pct",
        "date": "2025-06-01",
        "value": 50,
        "source_url": "https://example.org/board",
        "source_title": "A board",
        **fields,
    }


def test_every_text_field_of_the_project_has_an_enforced_length():
    unbounded = []
    for model in apps.get_models():
        if model._meta.app_label not in {"indicators", "predictions"}:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField):
                continue
            is_enforced = any(
                isinstance(v, MaxLengthValidator) for v in field.validators
            )
            if field.max_length is None or not is_enforced:
                unbounded.append(f"{model.__name__}.{field.name}")

    assert unbounded == []


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"note": "x" * (NOTE_LENGTH + 1)}, "note"),
        ({"source_title": "x" * 301}, "source_title"),
        ({"source_url": "https://example.org/" + "a" * 500}, "source_url"),
        ({"date": "0001-01-01"}, "date"),
        ({"date": "1949-12-31"}, "date"),
        ({"date": "9999-12-31"}, "date"),
    ],
    ids=["note", "title", "url", "year-1", "1949", "year-9999"],
)
def test_the_api_refuses_text_and_dates_beyond_their_limits(
    writer_client, fields, named
):
    response = writer_client.post(API_URL, item(**fields), format="json")

    assert response.status_code == 400
    assert named in response.json()
    assert Observation.objects.count() == 0


def test_the_api_takes_a_note_at_its_limit_and_the_earliest_date(writer_client):
    body = item(note="x" * NOTE_LENGTH, date=EARLIEST_DATE.isoformat())

    response = writer_client.post(API_URL, body, format="json")

    assert response.status_code == 201


def test_a_note_of_megabytes_is_refused_without_being_parsed(writer_client):
    response = writer_client.post(API_URL, item(note="x" * 2_400_000), format="json")

    assert response.status_code in (400, 413)
    assert Observation.objects.count() == 0


def test_the_admin_form_refuses_a_note_over_its_limit(staff_client, pct):
    data = {
        **item(indicator=pct.pk, note="x" * (NOTE_LENGTH + 1)),
        "low": "",
        "high": "",
    }

    response = staff_client.post(reverse("admin:indicators_observation_add"), data)

    assert response.status_code == 200
    assert "at most 2000 characters" in response.content.decode()
    assert Observation.objects.count() == 0


def test_the_bulk_path_refuses_a_date_before_1950(pct):
    day = datetime.date(1900, 1, 1)
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
    )

    with pytest.raises(ValidationError, match="before 1950-01-01"):
        upsert.bulk_upsert_observations([row], origin="feed")


def test_the_database_refuses_an_observation_before_1950(pct):
    with pytest.raises(IntegrityError, match="observation_date_from_1950"):
        with transaction.atomic():
            ObservationFactory(indicator=pct, date=datetime.date(1949, 12, 31))


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"deadline": datetime.date(2101, 1, 1)}, "deadline"),
        ({"deadline": datetime.date(1, 1, 1)}, "deadline"),
        ({"baseline_date": datetime.date(1900, 1, 1)}, "baseline_date"),
        ({"claim": "x" * 2001}, "claim"),
        ({"reasoning": "x" * 5001}, "reasoning"),
    ],
)
def test_a_prediction_beyond_its_limits_is_invalid(fields, named):
    prediction = PredictionFactory.build(
        source=SourceFactory(), indicator=IndicatorFactory(), **fields
    )

    with pytest.raises(ValidationError) as raised:
        prediction.full_clean()

    assert named in raised.value.message_dict


def test_the_database_refuses_a_deadline_past_2100():
    with pytest.raises(IntegrityError, match="prediction_deadline_range"):
        with transaction.atomic():
            PredictionFactory(deadline=datetime.date(2101, 1, 1))


def test_a_source_published_before_1950_is_invalid():
    source = Source(
        slug="old",
        name="Old",
        authors="A",
        published=datetime.date(1900, 1, 1),
        url="https://example.org/",
    )

    with pytest.raises(ValidationError, match="1950"):
        source.full_clean()


def test_the_schema_states_the_limits(api_client):
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()

    properties = schema["components"]["schemas"]["ObservationInput"]["properties"]
    assert properties["note"]["maxLength"] == NOTE_LENGTH
    assert properties["source_title"]["maxLength"] == 300
    assert properties["source_url"]["maxLength"] == 500
    assert "1950-01-01" in properties["date"]["description"]
    assert "DATA_UPLOAD_MAX_MEMORY_SIZE" in schema["info"]["description"]
    output = schema["components"]["schemas"]["Observation"]["properties"]
    assert output["note"]["maxLength"] == NOTE_LENGTH
    assert Prediction._meta.get_field("claim").max_length == 2000
