"""The trend fitted to an indicator and projected to a deadline."""

import math
from datetime import date, timedelta

import numpy as np
import pytest

from predictions.scoring import Claim, Comparison, Kind, Scale, Series, project_trend

START = date(2025, 1, 1)
Z_95 = 1.6448536269514722


def on_days(values: dict[int, float]) -> Series:
    """Observations ``START + day: value``, ids from 1."""
    return Series.from_points(
        (START + timedelta(days=day), value, i)
        for i, (day, value) in enumerate(values.items(), 1)
    )


# Days 0..3 with values 0, 1, 1, 2. By hand: mean day 1.5, mean value 1,
# Sxx = 5, Sxy = 3, slope 0.6, residuals -0.1, 0.3, -0.3, 0.1, SSR 0.2,
# s^2 = 0.2 / 2 = 0.1. At day 5: mean 1 + 0.6 * 3.5 = 3.1, variance
# 0.1 * (1 + 1/4 + 3.5^2 / 5) = 0.37.
HAND = {0: 0.0, 1: 1.0, 2: 1.0, 3: 2.0}
HAND_DEADLINE = START + timedelta(days=5)
HAND_SD = math.sqrt(0.37)


def claim(kind: str = Kind.THRESHOLD, **fields: object) -> Claim:
    defaults = {
        "comparison": Comparison.GTE,
        "scale": Scale.LINEAR,
        "deadline": HAND_DEADLINE,
        "target": 3.0,
    }
    return Claim(kind=kind, **(defaults | fields))


def phi(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def test_projection_value_is_the_ols_line_at_the_deadline() -> None:
    projection = project_trend(claim(), on_days(HAND), HAND_DEADLINE)
    assert projection.value == pytest.approx(3.1, abs=1e-12)


def test_projection_interval_is_90_percent_including_line_uncertainty() -> None:
    projection = project_trend(claim(), on_days(HAND), HAND_DEADLINE)
    assert projection.low == pytest.approx(3.1 - Z_95 * HAND_SD, abs=1e-12)
    assert projection.high == pytest.approx(3.1 + Z_95 * HAND_SD, abs=1e-12)


def test_projection_agrees_with_numpy_polyfit() -> None:
    rng = np.random.default_rng(7)
    days = np.sort(rng.choice(1000, size=50, replace=False))
    values = 3.0 + 0.01 * days + rng.normal(0, 1, days.size)
    data = on_days(dict(zip(days.tolist(), values.tolist(), strict=True)))
    deadline = START + timedelta(days=1200)
    projection = project_trend(claim(deadline=deadline), data, deadline)
    slope, intercept = np.polyfit(days, values, 1)
    assert projection.value == pytest.approx(intercept + slope * 1200, rel=1e-9)


def test_projection_probability_of_reaching_a_target() -> None:
    projection = project_trend(claim(), on_days(HAND), HAND_DEADLINE)
    assert projection.probability == pytest.approx(phi(0.1 / HAND_SD), abs=1e-12)


def test_projection_probability_of_falling_to_a_target() -> None:
    projection = project_trend(
        claim(comparison=Comparison.LTE), on_days(HAND), HAND_DEADLINE
    )
    assert projection.probability == pytest.approx(phi(-0.1 / HAND_SD), abs=1e-12)


def test_projection_probability_of_staying_below_is_the_complement() -> None:
    projection = project_trend(
        claim(comparison=Comparison.NOT_GTE), on_days(HAND), HAND_DEADLINE
    )
    assert projection.probability == pytest.approx(1 - phi(0.1 / HAND_SD), abs=1e-12)


def test_projection_probability_of_landing_in_an_interval() -> None:
    interval = claim(Kind.INTERVAL, target=None, target_low=2.5, target_high=3.5)
    projection = project_trend(interval, on_days(HAND), HAND_DEADLINE)
    expected = phi(0.4 / HAND_SD) - phi(-0.6 / HAND_SD)
    assert projection.probability == pytest.approx(expected, abs=1e-12)


def test_trend_projection_probability_is_that_of_the_slope_direction() -> None:
    rising = claim(Kind.TREND, target=None)
    projection = project_trend(rising, on_days(HAND), HAND_DEADLINE)
    slope_sd = math.sqrt(0.1 / 5)
    assert projection.probability == pytest.approx(phi(0.6 / slope_sd), abs=1e-12)


def test_perfect_fit_projects_a_point_with_certain_probability() -> None:
    projection = project_trend(
        claim(target=2.5), on_days({0: 0.0, 1: 0.5, 2: 1.0}), HAND_DEADLINE
    )
    assert projection.low == projection.high == pytest.approx(2.5)
    assert projection.probability == 1.0


def test_log_scale_projection_is_geometric_and_in_the_indicators_units() -> None:
    data = on_days({0: 1.0, 1: 2.0, 2: 4.0})
    projection = project_trend(claim(scale=Scale.LOG, target=30.0), data, HAND_DEADLINE)
    assert projection.value == pytest.approx(32.0)
    assert projection.probability == 1.0


def test_projection_needs_three_distinct_dates() -> None:
    data = on_days({0: 1.0, 1: 2.0})
    assert project_trend(claim(), data, HAND_DEADLINE) is None


def test_projection_fits_from_the_baseline_date_when_three_dates_remain() -> None:
    data = on_days({0: 9.0, 1: 8.0, 2: 7.0, 10: 1.0, 11: 2.0, 12: 3.0})
    deadline = START + timedelta(days=20)
    rising = claim(deadline=deadline, baseline_date=START + timedelta(days=10))
    assert project_trend(rising, data, deadline).value == pytest.approx(11.0)


def test_projection_falls_back_to_all_data_when_the_baseline_leaves_too_few() -> None:
    data = on_days({0: 0.0, 1: 1.0, 2: 2.0, 3: 3.0})
    deadline = START + timedelta(days=10)
    late_baseline = claim(deadline=deadline, baseline_date=START + timedelta(days=2))
    assert project_trend(late_baseline, data, deadline).value == pytest.approx(10.0)


def test_projection_ignores_observations_after_today() -> None:
    data = on_days({0: 0.0, 1: 1.0, 2: 2.0, 3: 100.0})
    today = START + timedelta(days=2)
    assert project_trend(claim(), data, today).value == pytest.approx(5.0)


def test_event_claims_have_no_projection() -> None:
    event = claim(Kind.EVENT, target=None)
    assert project_trend(event, on_days({0: 0.0, 1: 0.0, 2: 0.0}), START) is None
