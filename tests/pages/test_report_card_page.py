"""/report-card/: each period's sentence, its method and every graded row."""

import datetime

import pytest
from django.urls import reverse

from predictions.models import Comparison, Kind, Status
from tests.factories import PredictionFactory
from tests.pages.conftest import give_score

pytestmark = pytest.mark.django_db


def test_the_report_card_page_lists_the_rows_behind_each_median(client, record):
    prediction = PredictionFactory(
        source=record.ai2027,
        indicator=record.indicator,
        kind=Kind.VALUE_AT,
        comparison=Comparison.GTE,
        claim="SWE-bench reaches 80% by the end of 2025.",
        baseline_value=60.0,
        baseline_date=datetime.date(2025, 1, 1),
        deadline=datetime.date(2025, 12, 31),
    )
    give_score(
        prediction, Status.RESOLVED_FALSE, progress_actual=0.25, observed_value=65.0
    )

    html = client.get(reverse("report-card")).content.decode()

    assert "the world covered 25% of the predicted distance (median of 1)" in html
    assert "SWE-bench reaches 80% by the end of 2025." in html
    assert 'id="method"' in html


def test_a_long_period_shows_the_first_rows_and_points_to_the_api(
    client, record, monkeypatch
):
    monkeypatch.setattr("tracker.pages.views.REPORT_CARD_ROWS", 2)
    for number in (1, 2, 3):
        prediction = PredictionFactory(
            source=record.ai2027,
            indicator=record.indicator,
            kind=Kind.VALUE_AT,
            comparison=Comparison.GTE,
            claim=f"Graded claim {number}.",
            baseline_value=60.0,
            baseline_date=datetime.date(2025, 1, 1),
            deadline=datetime.date(2025, 12, number),
        )
        give_score(
            prediction, Status.RESOLVED_FALSE, progress_actual=0.25, observed_value=65
        )

    html = client.get(reverse("report-card")).content.decode()

    assert sum(f"Graded claim {n}." in html for n in (1, 2, 3)) == 2
    assert "median of 3" in html
    assert "The first 2 of 3; every row is in" in html
    link = f"/api/v1/report-card/rows/?source={record.ai2027.slug}&amp;year=2025"
    assert f'href="{link}"' in html
