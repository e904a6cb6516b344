"""Pace, status and the assessment that combines verdict, pace and scores."""

import math
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from predictions.scoring import (
    DAYS_PER_MONTH,
    RULES_VERSION,
    Claim,
    Comparison,
    Kind,
    Pace,
    Scale,
    Series,
    Status,
    assess,
    compute_pace,
    pace_status,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
BASELINE_DAY = date(2025, 1, 1)
DEADLINE = date(2026, 1, 1)  # 365 days after the baseline
MIDYEAR = BASELINE_DAY + timedelta(days=182)


def test_the_scoring_package_imports_without_django_or_scipy() -> None:
    # Every module of the pure layer loads with Django unavailable; the public
    # API alone does not pull in scipy.
    script = (
        "import importlib, pkgutil, sys\n"
        "sys.modules['django'] = None\n"
        "import predictions.scoring as scoring\n"
        "assert 'scipy' not in sys.modules\n"
        "for module in pkgutil.iter_modules(scoring.__path__):\n"
        "    importlib.import_module('predictions.scoring.' + module.name)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


# compute_pace


def pace_at(current: float, today: date = MIDYEAR, **fields: object) -> Pace | None:
    values = {
        "baseline_value": 10.0,
        "baseline_date": BASELINE_DAY,
        "target": 20.0,
        "deadline": DEADLINE,
        "scale": Scale.LINEAR,
    }
    return compute_pace(current_value=current, today=today, **(values | fields))


def test_pace_compares_share_of_progress_with_share_of_time() -> None:
    pace = pace_at(15.0)
    assert pace.actual_share == pytest.approx(0.5)
    assert pace.expected_share == pytest.approx(182 / 365)
    assert pace.ratio == pytest.approx(0.5 / (182 / 365))


def test_months_ahead_is_when_the_path_reaches_the_value_minus_today() -> None:
    # 80% of the way is where the path is on day 292; today is day 182.
    assert pace_at(18.0).months_ahead == pytest.approx((292 - 182) / DAYS_PER_MONTH)


def test_months_behind_are_negative() -> None:
    # 20% of the way is where the path was on day 73.
    assert pace_at(12.0).months_ahead == pytest.approx((73 - 182) / DAYS_PER_MONTH)


def test_log_scale_pace_follows_the_geometric_path() -> None:
    # From 1 to 100 over 200 days, the path passes 10 on day 100.
    pace = pace_at(
        10.0,
        today=BASELINE_DAY + timedelta(days=100),
        baseline_value=1.0,
        target=100.0,
        deadline=BASELINE_DAY + timedelta(days=200),
        scale=Scale.LOG,
    )
    assert pace.actual_share == pytest.approx(0.5)
    assert pace.ratio == pytest.approx(1.0)
    assert pace.months_ahead == pytest.approx(0.0, abs=1e-9)


def test_pace_toward_a_lower_target_measures_the_fall() -> None:
    pace = pace_at(75.0, baseline_value=100.0, target=50.0)
    assert pace.actual_share == pytest.approx(0.5)


def test_pace_moving_away_from_the_target_is_negative() -> None:
    assert pace_at(5.0).actual_share == pytest.approx(-0.5)


def test_no_pace_before_the_baseline_date() -> None:
    assert pace_at(10.0, today=BASELINE_DAY - timedelta(days=1)) is None


def test_pace_on_the_baseline_date_has_no_ratio() -> None:
    pace = pace_at(12.0, today=BASELINE_DAY)
    assert pace.expected_share == 0.0
    assert pace.ratio is None


def test_expected_share_is_capped_at_one_after_the_deadline() -> None:
    pace = pace_at(15.0, today=DEADLINE + timedelta(days=30))
    assert pace.expected_share == 1.0
    assert pace.ratio == pytest.approx(0.5)


def test_no_pace_when_the_target_equals_the_baseline() -> None:
    assert pace_at(12.0, target=10.0) is None


def test_no_log_scale_pace_for_a_value_that_is_not_positive() -> None:
    assert pace_at(0.0, scale=Scale.LOG) is None


pace_values = st.floats(min_value=0.01, max_value=1e6)
spans = st.integers(min_value=1, max_value=5000)


@given(pace_values, pace_values, spans, st.sampled_from([Scale.LINEAR, Scale.LOG]))
def test_pace_is_zero_at_the_baseline(
    baseline: float, target: float, span: int, scale: str
) -> None:
    assume(not math.isclose(baseline, target, rel_tol=1e-6))
    pace = pace_at(
        baseline,
        baseline_value=baseline,
        target=target,
        deadline=BASELINE_DAY + timedelta(days=span),
        scale=scale,
    )
    assert pace.actual_share == 0.0


@given(
    pace_values,
    pace_values,
    spans,
    st.floats(min_value=0.01, max_value=1.0),
    st.sampled_from([Scale.LINEAR, Scale.LOG]),
)
def test_pace_on_the_predicted_path_is_one(
    baseline: float, target: float, span: int, elapsed: float, scale: str
) -> None:
    assume(not math.isclose(baseline, target, rel_tol=1e-3))
    days = max(1, round(span * elapsed))
    share = days / span
    if scale == Scale.LOG:
        on_path = baseline * (target / baseline) ** share
    else:
        on_path = baseline + (target - baseline) * share
    pace = pace_at(
        on_path,
        today=BASELINE_DAY + timedelta(days=days),
        baseline_value=baseline,
        target=target,
        deadline=BASELINE_DAY + timedelta(days=span),
        scale=scale,
    )
    assert pace.ratio == pytest.approx(1.0, rel=1e-6)
    assert pace.months_ahead == pytest.approx(0.0, abs=1e-6)


# pace_status


@pytest.mark.parametrize(
    ("ratio", "status"),
    [
        (1.10, Status.AHEAD),
        (1.0999, Status.ON_TRACK),
        (0.90, Status.ON_TRACK),
        (0.8999, Status.BEHIND),
    ],
)
def test_pace_status_bands(ratio: float, status: str) -> None:
    assert pace_status(ratio, Comparison.GTE) == status


def test_pace_status_of_a_stays_below_claim_is_behind_when_the_value_races() -> None:
    assert pace_status(1.5, Comparison.NOT_GTE) == Status.BEHIND


def test_pace_status_of_a_stays_below_claim_is_ahead_when_the_value_lags() -> None:
    assert pace_status(0.5, Comparison.NOT_GTE) == Status.AHEAD


# assess


def series(*points: tuple[date, float]) -> Series:
    return Series.from_points(
        (day, value, i) for i, (day, value) in enumerate(points, 1)
    )


def threshold(**fields: object) -> Claim:
    values = {
        "kind": Kind.THRESHOLD,
        "comparison": Comparison.GTE,
        "scale": Scale.LINEAR,
        "deadline": DEADLINE,
        "target": 20.0,
        "baseline_value": 10.0,
        "baseline_date": BASELINE_DAY,
    }
    return Claim(**(values | fields))


def test_open_claim_status_comes_from_pace() -> None:
    assessment = assess(threshold(), series((MIDYEAR, 18.0)), MIDYEAR)
    assert assessment.status == Status.AHEAD
    assert assessment.outcome is None
    assert assessment.pace.actual_share == pytest.approx(0.8)


def test_open_claim_rests_on_the_latest_observation() -> None:
    data = series((BASELINE_DAY, 10.0), (MIDYEAR, 18.0))
    assessment = assess(threshold(), data, MIDYEAR)
    assert (assessment.observation_id, assessment.observed_value) == (2, 18.0)


def test_open_threshold_error_is_the_latest_value_against_the_target() -> None:
    assert assess(threshold(), series((MIDYEAR, 18.0)), MIDYEAR).error == -2.0


def test_open_stays_below_claim_with_a_racing_value_is_behind() -> None:
    claim = threshold(comparison=Comparison.NOT_GTE)
    assert assess(claim, series((MIDYEAR, 18.0)), MIDYEAR).status == Status.BEHIND


def test_open_claim_without_baseline_takes_status_from_the_projection() -> None:
    claim = threshold(baseline_value=None, baseline_date=None)
    data = series(
        (date(2025, 2, 1), 11.0), (date(2025, 4, 1), 14.0), (date(2025, 6, 1), 17.0)
    )
    assessment = assess(claim, data, MIDYEAR)
    assert assessment.pace is None
    assert assessment.projection.probability > 0.5
    assert assessment.status == Status.ON_TRACK


def test_open_claim_with_a_projection_short_of_the_target_is_behind() -> None:
    claim = threshold(baseline_value=None, baseline_date=None)
    data = series(
        (date(2025, 2, 1), 11.0), (date(2025, 4, 1), 11.5), (date(2025, 6, 1), 11.9)
    )
    assert assess(claim, data, MIDYEAR).status == Status.BEHIND


def test_open_claim_on_its_baseline_date_takes_status_from_the_projection() -> None:
    claim = threshold(baseline_date=date(2025, 6, 1))
    data = series(
        (date(2025, 2, 1), 11.0), (date(2025, 4, 1), 11.5), (date(2025, 6, 1), 11.9)
    )
    assessment = assess(claim, data, date(2025, 6, 1))
    assert assessment.pace.ratio is None
    assert assessment.status == Status.BEHIND


def test_claim_without_data_is_unresolvable() -> None:
    assessment = assess(threshold(), Series.empty(), MIDYEAR)
    assert assessment.status == Status.UNRESOLVABLE
    assert assessment.outcome is None


def test_open_event_claim_has_no_pace_or_projection() -> None:
    claim = Claim(
        kind=Kind.EVENT,
        comparison=Comparison.GTE,
        scale=Scale.LINEAR,
        deadline=DEADLINE,
        baseline_value=0.0,
        baseline_date=BASELINE_DAY,
    )
    data = series((date(2025, 2, 1), 0.0), (date(2025, 3, 1), 0.0), (MIDYEAR, 0.0))
    assessment = assess(claim, data, MIDYEAR)
    assert (assessment.pace, assessment.projection) == (None, None)
    assert assessment.status == Status.UNRESOLVABLE


def test_resolved_claim_is_scored_on_its_stated_probability() -> None:
    claim = threshold(probability=0.7)
    assessment = assess(claim, series((MIDYEAR, 21.0)), MIDYEAR)
    assert assessment.status == Status.RESOLVED_TRUE
    assert assessment.resolved_on == MIDYEAR
    assert assessment.brier == pytest.approx(0.09)
    assert assessment.log_score == pytest.approx(math.log(0.7))


def test_resolved_false_claim_is_scored_on_the_probability_of_the_miss() -> None:
    claim = threshold(probability=0.7)
    after_grace = DEADLINE + timedelta(days=91)
    assessment = assess(claim, series((MIDYEAR, 12.0)), after_grace)
    assert assessment.status == Status.RESOLVED_FALSE
    assert assessment.brier == pytest.approx(0.49)
    assert assessment.log_score == pytest.approx(math.log(0.3))


def test_claim_without_a_probability_is_given_none() -> None:
    assessment = assess(threshold(), series((MIDYEAR, 21.0)), MIDYEAR)
    assert (assessment.probability, assessment.brier, assessment.log_score) == (
        None,
        None,
        None,
    )
    assert assessment.error == 1.0


def test_implied_probability_is_used_and_labelled_implied() -> None:
    claim = threshold(probability=0.6, probability_is_implied=True)
    assessment = assess(claim, series((MIDYEAR, 21.0)), MIDYEAR)
    assert assessment.probability == 0.6
    assert assessment.probability_is_implied is True
    assert assessment.brier == pytest.approx(0.16)


def test_log_scale_error_is_the_log_ratio_to_the_target() -> None:
    claim = threshold(scale=Scale.LOG, target=100.0, baseline_value=10.0)
    assessment = assess(claim, series((MIDYEAR, 125.0)), MIDYEAR)
    assert assessment.error == pytest.approx(math.log(1.25))


def value_at(**fields: object) -> Claim:
    values = {
        "kind": Kind.VALUE_AT,
        "comparison": Comparison.GTE,
        "scale": Scale.LINEAR,
        "deadline": DEADLINE,
        "target": 100.0,
        "target_low": 80.0,
        "target_high": 120.0,
        "interval_coverage": 0.8,
        "quantiles": [[0.1, 80.0], [0.5, 100.0], [0.9, 120.0]],
    }
    return Claim(**(values | fields))


def test_resolved_value_claim_gets_an_interval_score() -> None:
    assessment = assess(value_at(), series((DEADLINE, 130.0)), DEADLINE)
    assert assessment.interval_score == pytest.approx(40.0 + (2 / 0.2) * 10.0)


def test_resolved_value_claim_gets_a_quantile_crps() -> None:
    # Pinball: 0.1 * 50, 0.5 * 30, 0.9 * 10 = 5, 15, 9.
    assessment = assess(value_at(), series((DEADLINE, 130.0)), DEADLINE)
    assert assessment.crps == pytest.approx(2 / 3 * 29.0)


def test_an_open_quantile_is_kept_apart_from_the_closed_ones() -> None:
    claim = value_at(quantiles=[[0.1, 80], [0.5, 100], [0.9, ">120"]])
    assert claim.quantiles == ((0.1, 80.0), (0.5, 100.0))
    assert claim.open_quantiles == ((0.9, 120.0),)


def test_an_open_quantile_below_the_outcome_counts_as_the_outcome() -> None:
    # ">120" allows any value above 120, so against 130 it costs nothing:
    # pinball 0.1 * 50 + 0.5 * 30 + 0 = 20.
    claim = value_at(quantiles=[[0.1, 80], [0.5, 100], [0.9, ">120"]])
    assessment = assess(claim, series((DEADLINE, 130.0)), DEADLINE)
    assert assessment.crps == pytest.approx(2 / 3 * 20.0)


def test_an_open_quantile_above_the_outcome_is_scored_at_its_bound() -> None:
    # Against 90: pinball 0.1 * 10, 0.5 * 10, 0.1 * 30 (the bound 120 at least).
    claim = value_at(quantiles=[[0.1, 80], [0.5, 100], [0.9, ">120"]])
    assessment = assess(claim, series((DEADLINE, 90.0)), DEADLINE)
    assert assessment.crps == pytest.approx(2 / 3 * 9.0)


def test_a_quantile_that_is_neither_a_number_nor_an_open_bound_is_refused() -> None:
    with pytest.raises(ValueError, match="open bound"):
        value_at(quantiles=[[0.9, "about 120"]])


def test_log_scale_interval_score_is_on_log_values() -> None:
    claim = value_at(scale=Scale.LOG, target_low=10.0, target_high=40.0)
    assessment = assess(claim, series((DEADLINE, 80.0)), DEADLINE)
    expected = math.log(4) + (2 / 0.2) * math.log(2)
    assert assessment.interval_score == pytest.approx(expected)


def test_open_value_claim_has_no_interval_score() -> None:
    assessment = assess(value_at(), series((MIDYEAR, 90.0)), MIDYEAR)
    assert (assessment.interval_score, assessment.crps) == (None, None)


def test_interval_claim_error_is_against_the_midpoint() -> None:
    claim = value_at(kind=Kind.INTERVAL, target=None)
    assert assess(claim, series((DEADLINE, 110.0)), DEADLINE).error == 10.0


def test_resolved_trend_reports_the_slope_direction_probability() -> None:
    claim = Claim(
        kind=Kind.TREND,
        comparison=Comparison.GTE,
        scale=Scale.LINEAR,
        deadline=DEADLINE,
    )
    data = series(
        (date(2025, 2, 1), 1.0), (date(2025, 5, 1), 3.0), (date(2025, 8, 1), 4.0)
    )
    assessment = assess(claim, data, DEADLINE + timedelta(days=91))
    assert assessment.status == Status.RESOLVED_TRUE
    assert assessment.projection.probability > 0.9


def test_assessment_records_the_rules_version() -> None:
    assessment = assess(threshold(), Series.empty(), MIDYEAR)
    assert assessment.rules_version == RULES_VERSION == "2"


# inputs


def test_claim_rejects_an_unknown_kind() -> None:
    with pytest.raises(ValueError, match="kind"):
        threshold(kind="guess")


def test_threshold_claim_needs_a_target() -> None:
    with pytest.raises(ValueError, match="target"):
        threshold(target=None)


def test_claim_accepts_quantiles_as_json_lists() -> None:
    assert value_at().quantiles == ((0.1, 80.0), (0.5, 100.0), (0.9, 120.0))


def test_series_rejects_days_out_of_order() -> None:
    with pytest.raises(ValueError, match="sorted"):
        Series(days=[2, 1], values=[1.0, 2.0], ids=[1, 2])


def test_series_from_points_sorts_by_day_then_id() -> None:
    data = Series.from_points(
        [(DEADLINE, 1.0, 9), (MIDYEAR, 2.0, 5), (MIDYEAR, 3.0, 4)]
    )
    assert data.ids.tolist() == [4, 5, 9]


# pace at the deadline


def test_a_resolved_value_claim_keeps_its_share_of_the_move_at_the_deadline() -> None:
    claim = value_at(baseline_value=50.0, baseline_date=BASELINE_DAY)
    assessment = assess(claim, series((DEADLINE, 80.0)), DEADLINE)
    assert assessment.status == Status.RESOLVED_FALSE
    assert assessment.pace.expected_share == 1.0
    assert assessment.pace.actual_share == pytest.approx(0.6)  # 30 of 50


def test_a_threshold_missed_keeps_the_latest_value_by_the_deadline_as_its_pace():
    data = series((MIDYEAR, 14.0), (DEADLINE, 16.0))
    assessment = assess(threshold(), data, DEADLINE + timedelta(days=91))
    assert assessment.status == Status.RESOLVED_FALSE
    assert assessment.pace.actual_share == pytest.approx(0.6)
    assert assessment.pace.ratio == pytest.approx(0.6)


def test_a_threshold_crossed_early_reads_its_pace_on_the_day_scored() -> None:
    assessment = assess(threshold(), series((MIDYEAR, 22.0)), MIDYEAR)
    assert assessment.status == Status.RESOLVED_TRUE
    assert assessment.pace.actual_share == pytest.approx(1.2)
    assert assessment.pace.expected_share < 1


def test_a_resolved_claim_without_a_baseline_has_no_pace() -> None:
    assessment = assess(value_at(), series((DEADLINE, 130.0)), DEADLINE)
    assert assessment.pace is None
