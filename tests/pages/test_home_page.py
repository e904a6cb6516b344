"""The scoreboard home page: who is ahead, the record side by side, what changed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from predictions import changes
from predictions.models import Status
from tests.factories import IndicatorFactory, PredictionFactory, StatusChangeFactory
from tests.pages.conftest import give_score

pytestmark = pytest.mark.django_db
URL = reverse("home")


def resolve(source, *outcomes: bool, probability: float | None = None) -> None:
    for outcome in outcomes:
        prediction = PredictionFactory(source=source, probability=probability)
        status = Status.RESOLVED_TRUE if outcome else Status.RESOLVED_FALSE
        give_score(prediction, status, probability=probability)


def test_home_page_opens_with_a_verdict_on_who_is_ahead(client, record):
    resolve(record.ai2027, True, False, False, False)
    resolve(record.lambert, True, True, True, False)

    response = client.get(URL)

    assert response.context["verdict"].startswith("Lambert's rebuttal is ahead")
    assert b'<p class="lead" id="verdict">Lambert&#x27;s rebuttal is ahead' in (
        response.content
    )


def test_home_page_counts_each_sources_predictions_by_status(client, record):
    resolve(record.ai2027, True, True)
    give_score(PredictionFactory(source=record.lambert), Status.BEHIND)

    rows = client.get(URL).context["status_rows"]

    counts = {row["status"]: [cell["count"] for cell in row["cells"]] for row in rows}
    assert counts["resolved_true"] == [2, 0]
    assert counts["behind"] == [0, 1]


def test_home_page_links_the_atom_feed_in_its_head(client, record):
    html = client.get(URL).content.decode()

    head = html[: html.index("</head>")]
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Status changes" '
        'href="/feeds/status-changes.atom">'
    ) in head


def test_home_page_lists_the_latest_status_changes(client, record):
    prediction = PredictionFactory(
        source=record.ai2027, claim="OSWorld reaches 65% by August 2025."
    )
    StatusChangeFactory(
        prediction=prediction,
        from_status=Status.ON_TRACK,
        to_status=Status.RESOLVED_FALSE,
        occurred_at=timezone.now() - datetime.timedelta(days=1),
    )

    html = client.get(URL).content.decode()

    assert "OSWorld reaches 65% by August 2025." in html
    assert f'href="/predictions/{prediction.slug}/"' in html
    assert "Did not come true" in html


def test_home_page_draws_a_calibration_chart_with_a_table_fallback(client, record):
    resolve(record.ai2027, True, True, False, probability=0.8)

    html = client.get(URL).content.decode()

    assert 'data-chart="calibration-ai2027"' in html
    assert '<script id="calibration-ai2027" type="application/json">' in html
    assert "<summary>Data table</summary>" in html


def test_home_page_works_before_anything_is_recorded(client, db):
    response = client.get(URL)

    assert response.status_code == 200
    assert b"nobody to compare yet" in response.content


def test_home_page_is_rendered_once_per_scoreboard(client, record):
    client.get(URL)

    again = client.get(URL)

    assert again.status_code == 200
    assert again.templates == []


def test_home_page_changes_when_the_scoreboard_does(client, record):
    client.get(URL)
    give_score(PredictionFactory(source=record.lambert), Status.RESOLVED_TRUE)
    changes.rebuild_scoreboard()

    rows = client.get(URL).context["status_rows"]

    resolved_true = next(row for row in rows if row["status"] == "resolved_true")
    assert [cell["count"] for cell in resolved_true["cells"]] == [0, 1]


def test_a_calibration_point_names_the_prediction_and_where_its_odds_came_from(
    client, record
):
    prediction = PredictionFactory(source=record.lambert, slug="lambert-words")
    give_score(
        prediction,
        Status.RESOLVED_TRUE,
        probability=0.9,
        probability_origin="implied",
        brier=0.01,
    )

    html = client.get(URL).content.decode()

    assert "lambert-words</a>: 90% (implied," in html


def test_an_empty_calibration_chart_says_why(client, record):
    html = client.get(URL).content.decode()

    assert "No resolved prediction of AI 2027 has a probability yet" in html


def test_a_long_calibration_list_shows_the_first_points(client, record, monkeypatch):
    monkeypatch.setattr("tracker.pages.views.LIST_LIMIT", 2)
    resolve(record.ai2027, True, True, False, probability=0.8)

    html = client.get(URL).content.decode()

    assert html.count("% (stated,") == 2
    assert "The first 2 of 3; every point is in" in html
    assert 'href="/api/v1/scoreboard/calibration-points/?source=ai2027"' in html


def test_a_long_head_to_head_shows_the_first_indicators(client, record, monkeypatch):
    monkeypatch.setattr("tracker.pages.views.LIST_LIMIT", 2)
    for number in (1, 2, 3):
        indicator = IndicatorFactory(name=f"Shared indicator {number}")
        for source in (record.ai2027, record.lambert):
            prediction = PredictionFactory(source=source, indicator=indicator)
            give_score(prediction, Status.AHEAD, pace_ratio=1.5)
    changes.rebuild_scoreboard()

    html = client.get(URL).content.decode()

    assert sum(f"Shared indicator {n}</a>" in html for n in (1, 2, 3)) == 2
    assert "The first 2 of 3 indicators; every row is in" in html
    assert 'href="/api/v1/scoreboard/head-to-head/"' in html
