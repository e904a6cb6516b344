"""The scoreboard: counts, scores, pace, calibration and head to head."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from predictions import scoreboard, services
from predictions.models import Prediction, Status
from tests.factories import (
    IndicatorFactory,
    PredictionFactory,
    ScoreFactory,
    SourceFactory,
    StatusChangeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    scoreboard.forget_scoreboard()
    yield
    scoreboard.forget_scoreboard()


def scored(source, indicator, **score_fields):
    prediction = PredictionFactory(source=source, indicator=indicator)
    prediction.current_score = ScoreFactory(
        prediction=prediction, as_of=datetime.date(2025, 6, 1), **score_fields
    )
    prediction.save()
    return prediction


@pytest.fixture
def record() -> dict:
    ai2027 = SourceFactory(slug="ai2027", name="AI 2027")
    lambert = SourceFactory(slug="lambert", name="Lambert")
    shared = IndicatorFactory(slug="compute", name="Compute", unit="GW")
    own = IndicatorFactory(slug="revenue")
    scored(
        ai2027,
        shared,
        status=Status.RESOLVED_TRUE,
        outcome=True,
        probability=0.8,
        brier=0.04,
    )
    scored(
        ai2027, shared, status=Status.AHEAD, pace_ratio=1.5, projection_probability=0.9
    )
    scored(ai2027, own, status=Status.BEHIND, pace_ratio=0.5)
    scored(
        lambert,
        shared,
        status=Status.RESOLVED_FALSE,
        outcome=False,
        probability=0.3,
        brier=0.09,
    )
    scored(
        lambert,
        shared,
        status=Status.ON_TRACK,
        pace_ratio=1.0,
        projection_probability=0.6,
    )
    board = scoreboard.build_scoreboard()
    return {s["slug"]: s for s in board["sources"]} | {"board": board}


def test_counts_are_by_current_status(record):
    counts = record["ai2027"]["counts"]
    assert (counts["resolved_true"], counts["ahead"], counts["behind"]) == (1, 1, 1)
    assert (counts["resolved_false"], counts["total"]) == (0, 3)


def test_hit_rate_is_the_share_of_resolved_that_came_true(record):
    assert (record["ai2027"]["hit_rate"], record["lambert"]["hit_rate"]) == (1.0, 0.0)


def test_mean_brier_covers_predictions_with_a_probability(record):
    assert record["lambert"]["mean_brier"] == pytest.approx(0.09)
    assert record["lambert"]["probability_count"] == 1


def test_median_pace_is_over_open_predictions(record):
    source = record["ai2027"]
    assert (source["median_pace"], source["pace_count"]) == (1.0, 2)
    assert "100% of AI 2027's pace" in source["pace_reading"]


def test_calibration_bins_hold_resolved_predictions_with_a_probability(record):
    bins = record["ai2027"]["calibration"]
    assert [b["count"] for b in bins] == [0, 0, 0, 0, 1]
    assert bins[-1]["observed_rate"] == 1.0


def test_head_to_head_covers_indicators_both_sources_predict(record):
    (entry,) = record["board"]["head_to_head"]
    assert (entry["indicator"], entry["unit"]) == ("compute", "GW")
    assert entry["sides"]["ai2027"] == {"predictions": 2, "mean_standing": 0.95}
    assert entry["sides"]["lambert"] == {"predictions": 2, "mean_standing": 0.3}


def test_head_to_head_difference_is_first_minus_second(record):
    (entry,) = record["board"]["head_to_head"]
    assert entry["difference"] == pytest.approx(0.65)
    low, high = entry["interval"]
    assert low <= entry["difference"] <= high


def test_the_head_to_head_measure_is_stated_once_for_all_entries(record):
    board = record["board"]
    assert board["head_to_head_measure"].startswith(
        "Mean standing of ai2027 minus that of lambert"
    )
    assert all("measure" not in entry for entry in board["head_to_head"])


def test_as_of_is_the_newest_score_day(record):
    assert record["board"]["as_of"] == "2025-06-01"


def test_recent_changes_name_prediction_and_source():
    change = StatusChangeFactory(from_status="", to_status=Status.AHEAD)
    (entry,) = scoreboard.build_scoreboard()["recent_changes"]
    assert (entry["prediction"], entry["source"]) == (
        change.prediction.slug,
        change.prediction.source.slug,
    )


def build_record(size: int) -> None:
    sources = [SourceFactory(slug="ai2027"), SourceFactory(slug="lambert")]
    indicators = IndicatorFactory.create_batch(5)
    for i in range(size):
        scored(
            sources[i % 2],
            indicators[i % 5],
            status=Status.ON_TRACK,
            pace_ratio=1.0,
            projection_probability=0.5,
        )
        StatusChangeFactory(to_status=Status.ON_TRACK)


def count_queries() -> int:
    """The queries of one rebuild: the scoreboard and the report card."""
    with CaptureQueriesContext(connection) as queries:
        scoreboard.refresh_scoreboard()
    return len(queries)


def test_the_query_count_does_not_grow_with_the_record():
    build_record(10)
    small = count_queries()
    build_record(190)
    assert count_queries() == small == 6


def test_one_read_of_the_predictions_serves_the_board_and_the_report_card():
    source = SourceFactory(slug="ai2027", name="AI 2027")
    indicator = IndicatorFactory()
    baseline = {"baseline_value": 40.0, "baseline_date": datetime.date(2025, 1, 1)}
    scored(source, indicator, status=Status.ON_TRACK, pace_ratio=1.0)
    Prediction.objects.update(**baseline)
    PredictionFactory(source=source, indicator=indicator, **baseline)  # not scored

    board = scoreboard.refresh_scoreboard()

    assert board["sources"][0]["counts"]["total"] == 2
    assert board["sources"][0]["pace_count"] == 1
    (period,) = scoreboard.get_report_card()
    assert period.not_graded["open"] == 1  # the scored one, not yet resolved
    assert period.not_graded["no_data"] == 1  # the one with no score


def test_a_cached_scoreboard_costs_no_query(django_assert_num_queries):
    scoreboard.get_scoreboard()
    with django_assert_num_queries(0):
        scoreboard.get_scoreboard()


def test_a_rescore_refreshes_the_cached_scoreboard(
    django_capture_on_commit_callbacks,
):
    PredictionFactory()
    scoreboard.get_scoreboard()
    with django_capture_on_commit_callbacks(execute=True):
        services.rescore_predictions(today=datetime.date(2025, 6, 1))
    assert scoreboard.get_scoreboard()["as_of"] == "2025-06-01"


def test_a_stays_below_claim_counts_as_holding_not_as_pace():
    lambert = SourceFactory(slug="lambert", name="Lambert")
    prediction = PredictionFactory(
        source=lambert,
        comparison="not_gte",
        target=2.0,
        slug="below-2x",
        deadline=datetime.date(2026, 12, 31),
    )
    prediction.current_score = ScoreFactory(
        prediction=prediction,
        as_of=datetime.date(2025, 10, 31),
        status=Status.AHEAD,
        pace_ratio=0.1,
        observed_value=1.24,
    )
    prediction.save()

    (source,) = scoreboard.build_scoreboard()["sources"]

    assert source["median_pace"] is None
    assert "says something will not happen" in source["pace_reading"]
    assert source["holding"]["sentence"].endswith(
        "the nearest, below-2x, is at 62% of its threshold, 14 months before "
        "its deadline."
    )
