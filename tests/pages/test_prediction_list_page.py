"""The predictions list: filters, sorting and pages."""

import datetime

import pytest
from django.urls import reverse

from indicators.models import Category
from predictions.filters import PredictionFilter
from predictions.models import Comparison, Kind, Status
from tests.factories import IndicatorFactory, PredictionFactory
from tests.pages.conftest import give_score

pytestmark = pytest.mark.django_db
URL = reverse("prediction-list")


def listed(response) -> list[str]:
    return [prediction.slug for prediction in response.context["predictions"]]


def test_list_filters_by_source(client, record):
    PredictionFactory(slug="ours", source=record.ai2027)
    PredictionFactory(slug="theirs", source=record.lambert)

    assert listed(client.get(URL, {"source": "lambert"})) == ["theirs"]


def test_list_filters_by_status(client, record):
    give_score(PredictionFactory(slug="ahead-one"), Status.AHEAD)
    give_score(PredictionFactory(slug="behind-one"), Status.BEHIND)

    assert listed(client.get(URL, {"status": "behind"})) == ["behind-one"]


def test_list_filters_by_category(client, db):
    PredictionFactory(slug="compute-one", category=Category.COMPUTE)
    PredictionFactory(slug="bench-one", category=Category.BENCHMARKS)

    assert listed(client.get(URL, {"category": "compute"})) == ["compute-one"]


def test_list_filters_by_deadline_range(client, db):
    for month in (1, 6, 12):
        PredictionFactory(slug=f"due-{month}", deadline=datetime.date(2026, month, 1))

    response = client.get(
        URL, {"deadline_after": "2026-02-01", "deadline_before": "2026-11-30"}
    )

    assert listed(response) == ["due-6"]


def test_a_reversed_deadline_range_is_an_error_naming_the_field(client, db):
    PredictionFactory()

    response = client.get(
        URL, {"deadline_after": "2026-12-01", "deadline_before": "2026-01-01"}
    )

    assert listed(response) == []
    assert "deadline_before" in response.context["form"].errors
    assert b"The end of the range is before its start." in response.content


def test_the_page_reads_every_filter_of_the_api_by_the_same_names(client, db):
    power = IndicatorFactory(slug="power")
    PredictionFactory(slug="wanted", indicator=power, kind=Kind.THRESHOLD)
    PredictionFactory(slug="other-kind", indicator=power, kind=Kind.VALUE_AT)
    PredictionFactory(slug="other-indicator", kind=Kind.THRESHOLD)

    response = client.get(URL, {"indicator": "power", "kind": "threshold"})

    assert listed(response) == ["wanted"]
    assert set(response.context["form"].fields) == {
        *PredictionFilter.base_filters,
        "sort",
    }


def test_list_sorts_by_latest_deadline_first(client, db):
    PredictionFactory(slug="early", deadline=datetime.date(2025, 6, 1))
    PredictionFactory(slug="late", deadline=datetime.date(2027, 6, 1))

    assert listed(client.get(URL, {"sort": "-deadline"})) == ["late", "early"]


def test_list_sorts_by_pace_with_unpaced_predictions_last(client, db):
    give_score(PredictionFactory(slug="slow"), Status.BEHIND, pace_ratio=0.5)
    PredictionFactory(slug="unscored")
    give_score(PredictionFactory(slug="fast"), Status.AHEAD, pace_ratio=1.5)

    assert listed(client.get(URL, {"sort": "pace"})) == ["fast", "slow", "unscored"]


def test_list_pages_keep_the_filters_in_their_links(client, record):
    for _ in range(51):
        PredictionFactory(source=record.ai2027)

    response = client.get(URL, {"source": "ai2027"})

    assert len(listed(response)) == 50
    assert b'href="?source=ai2027&amp;page=2"' in response.content


def test_a_stays_below_claim_shows_its_margin_not_a_pace(client, record):
    prediction = PredictionFactory(
        source=record.lambert, comparison=Comparison.NOT_GTE, target=80.0
    )
    give_score(prediction, Status.AHEAD, pace_ratio=0.3, observed_value=62.0)

    html = client.get(reverse("prediction-list")).content.decode()

    assert "holding, at</small> 78% <small>of its mark" in html
