"""The database itself rejects observations and predictions that break the rules."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from indicators.models import Observation
from tests.factories import IndicatorFactory, ObservationFactory, PredictionFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def insert_observation(indicator, **fields) -> None:
    values = {
        "indicator": indicator,
        "date": datetime.date(2025, 1, 1),
        "value": 50.0,
        "published_on": fields.get("date", datetime.date(2025, 1, 1)),
        "source_url": "https://example.org/a",
        "source_title": "A",
        **fields,
    }
    with transaction.atomic():
        Observation.objects.create(**values)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_a_value_that_is_not_finite_is_rejected(value):
    with pytest.raises(IntegrityError, match="observation_value_finite"):
        insert_observation(IndicatorFactory(), value=value)


def test_a_lower_bound_above_the_value_is_rejected():
    with pytest.raises(IntegrityError, match="observation_low_not_above_value"):
        insert_observation(IndicatorFactory(), value=50, low=60)


def test_an_upper_bound_below_the_value_is_rejected():
    with pytest.raises(IntegrityError, match="observation_high_not_below_value"):
        insert_observation(IndicatorFactory(), value=50, high=40)


def test_a_value_published_before_the_date_it_measures_is_rejected():
    with pytest.raises(IntegrityError, match="observation_published_not_before_date"):
        insert_observation(IndicatorFactory(), published_on=datetime.date(2024, 12, 31))


def test_a_value_cannot_supersede_itself():
    observation = ObservationFactory()
    observation.superseded_by = observation
    with pytest.raises(IntegrityError, match="observation_not_superseded_by_itself"):
        with transaction.atomic():
            observation.save()


def test_a_superseded_value_stays_beside_the_current_one_with_the_same_key():
    current = ObservationFactory(value=40)
    ObservationFactory(
        indicator=current.indicator,
        date=current.date,
        source_url=current.source_url,
        value=30,
        superseded_by=current,
    )
    key = {"indicator": current.indicator, "date": current.date}
    assert Observation.objects.filter(**key).count() == 2
    with pytest.raises(IntegrityError, match="observation_natural_key"):
        insert_observation(
            current.indicator,
            date=current.date,
            value=45,
            source_url=current.source_url,
        )


def test_a_value_above_the_indicator_maximum_is_rejected():
    percentage = IndicatorFactory(min_value=0, max_value=100)
    with pytest.raises(IntegrityError, match="outside the range"):
        insert_observation(percentage, value=140)


def test_an_update_out_of_range_is_rejected():
    percentage = IndicatorFactory(min_value=0, max_value=100)
    observation = ObservationFactory(indicator=percentage, value=90)
    with pytest.raises(IntegrityError, match="outside the range"), transaction.atomic():
        Observation.objects.filter(pk=observation.pk).update(value=101)


def test_a_value_on_a_log_indicator_must_be_positive():
    compute = IndicatorFactory(scale="log")
    with pytest.raises(IntegrityError, match="outside the range"):
        insert_observation(compute, value=0)


def test_the_same_source_date_and_indicator_cannot_be_recorded_twice():
    indicator = IndicatorFactory()
    insert_observation(indicator)
    with pytest.raises(IntegrityError, match="observation_natural_key"):
        insert_observation(indicator, value=51)


def test_another_source_may_report_the_same_date():
    indicator = IndicatorFactory()
    insert_observation(indicator)
    insert_observation(indicator, source_url="https://example.org/b", value=55)
    assert indicator.observations.count() == 2


def test_a_probability_above_one_is_rejected():
    with pytest.raises(IntegrityError, match="prediction_probability_range"):
        with transaction.atomic():
            PredictionFactory(probability=1.2)


def test_an_operationalized_prediction_needs_its_reasoning():
    with pytest.raises(IntegrityError, match="operationalized_has_reasoning"):
        with transaction.atomic():
            PredictionFactory(is_operationalized=True, reasoning="")


def test_an_override_needs_a_reason():
    with pytest.raises(IntegrityError, match="prediction_override_has_reason"):
        with transaction.atomic():
            PredictionFactory(override_outcome=True, override_reason="")


def test_changes_to_an_observation_are_kept_in_history():
    observation = ObservationFactory(value=10)
    observation.value = 12
    observation.save()
    assert [h.value for h in observation.history.order_by("history_date")] == [10, 12]
