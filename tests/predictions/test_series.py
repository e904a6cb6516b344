"""Observations read as arrays: the COPY path agrees with the plain query."""

import datetime

import pytest
from django.db import connection

from predictions import series
from tests.factories import IndicatorFactory, ObservationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def observations():
    first, second = IndicatorFactory(), IndicatorFactory()
    day = datetime.date(2025, 1, 1)
    for date, value, url in [
        (day, 2.5, "b"),
        (day, 1.5, "a"),
        (day.replace(day=2), 3.0, "a"),
    ]:
        ObservationFactory(
            indicator=second,
            date=date,
            value=value,
            source_url=f"https://example.org/{url}",
        )
    ObservationFactory(indicator=first, date=day, value=-1.25)
    return first, second


def test_each_indicator_gets_its_observations_by_date_then_id(observations):
    first, second = observations
    loaded = series.load_series([first.pk, second.pk])
    assert loaded[second.pk].values.tolist() == [2.5, 1.5, 3.0]
    assert loaded[first.pk].days.tolist() == [datetime.date(2025, 1, 1).toordinal()]


@pytest.mark.postgres  # COPY
def test_the_copy_path_reads_what_the_plain_query_reads(observations):
    ids = [indicator.pk for indicator in observations]

    def read(path: str) -> dict:
        columns = getattr(series, path)(ids, datetime.date.max)
        return {
            pk: sorted(zip(got.tolist(), days.tolist(), values.tolist(), strict=True))
            for pk, got, days, values in columns
        }

    copied = read("_copy_columns")
    assert copied == read("_select_columns")
    assert len(copied) == len(ids)


def test_an_indicator_without_observations_gets_an_empty_series():
    indicator = IndicatorFactory()
    assert len(series.load_series([indicator.pk])[indicator.pk]) == 0


@pytest.mark.parametrize("path", ["_copy_columns", "_select_columns"])
def test_only_deciding_values_reach_scoring(path):
    indicator = IndicatorFactory()
    day = datetime.date(2025, 3, 1)
    current = ObservationFactory(indicator=indicator, date=day, value=10)
    ObservationFactory(indicator=indicator, date=day, value=9, superseded_by=current)
    ObservationFactory(
        indicator=indicator,
        date=day,
        value=99,
        tier="aggregator",
        source_url="https://example.org/summary",
    )
    ObservationFactory(
        indicator=indicator,
        date=day,
        value=11,
        tier="press",
        source_url="https://example.org/newspaper",
    )
    if path == "_copy_columns" and connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    ((pk, _, _, values),) = getattr(series, path)([indicator.pk], datetime.date.max)
    assert pk == indicator.pk
    assert sorted(values.tolist()) == [10.0, 11.0]


def test_scoring_as_of_a_day_reads_only_what_was_public_by_then():
    indicator = IndicatorFactory()
    ObservationFactory(
        indicator=indicator,
        date=datetime.date(2025, 3, 1),
        published_on=datetime.date(2025, 5, 1),
        value=10,
    )
    before = series.load_series([indicator.pk], as_of=datetime.date(2025, 4, 30))
    after = series.load_series([indicator.pk], as_of=datetime.date(2025, 5, 1))
    assert len(before[indicator.pk]) == 0
    assert after[indicator.pk].values.tolist() == [10.0]
