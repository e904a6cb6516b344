"""One set of rules for every observation: a value entered by a person and a
row of a batch are refused for the same reason, in the same words."""

import datetime
import math

import pytest
from django.core.exceptions import ValidationError

from indicators.models import OBSERVATION_KEY, OBSERVATION_VALUE_FIELDS, Observation
from indicators.record import OBSERVATION_COLUMNS
from indicators.services import ObservationData, validate_observation
from indicators.upsert import VALUE_COLUMNS
from indicators.validation import ObservationRow, validate_rows
from tests.factories import IndicatorFactory

TODAY = datetime.date(2026, 6, 30)
DAY = datetime.date(2026, 1, 31)

BROKEN = {
    "value not finite": ({"value": math.nan}, "value"),
    "low not finite": ({"low": math.inf}, "low"),
    "low above the value": ({"low": 30.0}, "low"),
    "high below the value": ({"high": 10.0}, "high"),
    "above the maximum": ({"value": 101.0}, "value"),
    "dated in the future": ({"date": TODAY + datetime.timedelta(days=1)}, "date"),
    "dated before the earliest": (
        {"date": datetime.date(1900, 1, 1), "published_on": datetime.date(1900, 1, 1)},
        "date",
    ),
    "public before it exists": ({"published_on": DAY.replace(day=1)}, "published_on"),
    "public in the future": (
        {"published_on": datetime.date(2027, 1, 1)},
        "published_on",
    ),
    "unknown tier": ({"tier": "secondary"}, "tier"),
    "NUL in the title": ({"source_title": "a\x00b"}, "source_title"),
}


def row(indicator_id: int, **changes) -> ObservationRow:
    fields = {
        "indicator_id": indicator_id,
        "date": DAY,
        "value": 20.0,
        "low": None,
        "high": None,
        "is_estimate": False,
        "tier": "primary",
        "source_url": "https://example.org/data",
        "source_title": "Data",
        "note": "",
        "published_on": DAY,
    }
    return ObservationRow(**{**fields, **changes})


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "field"), BROKEN.values(), ids=BROKEN.keys())
def test_both_paths_refuse_a_broken_value_in_the_same_words(change, field):
    indicator = IndicatorFactory(min_value=0, max_value=100)
    broken = row(indicator.pk, **change)
    data = ObservationData(
        indicator=indicator,
        **{k: v for k, v in broken._asdict().items() if k != "indicator_id"},
    )

    with pytest.raises(ValidationError) as one:
        validate_observation(data, today=TODAY)
    with pytest.raises(ValidationError) as batch:
        validate_rows([row(indicator.pk, date=DAY.replace(day=2)), broken], today=TODAY)

    # A date in the future makes its publication date one too.
    assert list(one.value.message_dict)[0] == field
    message = one.value.message_dict[field][0]
    assert batch.value.message_dict == {
        field: [f"row 2 (indicator {indicator.pk}, {broken.date}): {message}"]
    }


@pytest.mark.django_db
def test_a_person_may_leave_the_publication_date_to_the_default_a_batch_may_not():
    indicator = IndicatorFactory()
    data = ObservationData(
        indicator=indicator,
        date=DAY,
        value=1.0,
        source_url="https://example.org/data",
        source_title="t",
    )
    validate_observation(data, today=TODAY)

    with pytest.raises(ValidationError, match="publication date is missing"):
        validate_rows([row(indicator.pk, published_on=None)], today=TODAY)


def test_one_list_of_observation_fields_serves_every_path():
    model_fields = {field.name for field in Observation._meta.concrete_fields}
    assert {*OBSERVATION_KEY, *OBSERVATION_VALUE_FIELDS} <= model_fields
    assert set(OBSERVATION_COLUMNS) == {
        *OBSERVATION_KEY,
        *OBSERVATION_VALUE_FIELDS,
        "superseded_by",
    }
    bulk_key = {"indicator_id" if f == "indicator" else f for f in OBSERVATION_KEY}
    assert set(ObservationRow._fields) == bulk_key | set(OBSERVATION_VALUE_FIELDS)
    assert set(VALUE_COLUMNS) == set(OBSERVATION_VALUE_FIELDS) - {"published_on"}
