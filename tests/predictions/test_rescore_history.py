"""manage.py rescore --history: a standing per month-end, from what was public then."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from predictions import services
from predictions.models import Score, StatusChange
from tests.factories import (
    IndicatorFactory,
    ObservationFactory,
    PredictionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 8, 15)


@pytest.fixture
def prediction():
    indicator = IndicatorFactory(slug="swe")
    source = SourceFactory(slug="ai2027", published=datetime.date(2025, 4, 3))
    return PredictionFactory(
        source=source,
        indicator=indicator,
        target=80.0,
        baseline_value=60.0,
        baseline_date=datetime.date(2025, 1, 1),
        deadline=datetime.date(2026, 12, 31),
    )


def test_history_scores_each_month_end_since_publication(prediction):
    services.rescore_history(today=TODAY)

    days = list(Score.objects.order_by("as_of").values_list("as_of", flat=True))
    assert days == [
        datetime.date(2025, 4, 30),
        datetime.date(2025, 5, 31),
        datetime.date(2025, 6, 30),
        datetime.date(2025, 7, 31),
    ]


def test_running_the_history_twice_changes_nothing(prediction):
    call_command("rescore", "--history", "--date", "2025-08-15", stdout=StringIO())
    before = list(Score.objects.values_list("pk", "as_of", "status"))

    call_command("rescore", "--history", "--date", "2025-08-15", stdout=StringIO())

    assert list(Score.objects.values_list("pk", "as_of", "status")) == before


def test_a_month_end_uses_only_values_public_by_then(prediction):
    ObservationFactory(
        indicator=prediction.indicator,
        date=datetime.date(2025, 5, 15),
        published_on=datetime.date(2025, 7, 1),  # measured in May, public in July
        value=70.0,
    )

    services.rescore_history(today=TODAY)

    scores = dict(Score.objects.values_list("as_of", "observed_value"))
    assert scores[datetime.date(2025, 5, 31)] is None
    assert scores[datetime.date(2025, 7, 31)] == 70.0


def test_a_history_records_no_status_change(prediction):
    services.rescore_history(today=TODAY)

    assert not StatusChange.objects.exists()


def test_history_scores_every_prediction_so_takes_no_indicator(prediction):
    with pytest.raises(CommandError, match="no --indicator"):
        call_command("rescore", "--history", "--indicator", "swe", stdout=StringIO())
