"""Brier, log, interval and quantile scores, and the scoreboard statistics."""

import math

import numpy as np
import properscoring
import pytest
import scoringrules
from hypothesis import given
from hypothesis import strategies as st

from predictions.scoring import (
    bootstrap_mean_difference,
    brier_score,
    calibration_bins,
    crps_quantiles,
    interval_score,
    log_score,
    numeric_error,
)

probabilities = st.floats(min_value=0.0, max_value=1.0)
inner_probabilities = st.floats(min_value=0.001, max_value=0.999)

# Hand-computed cases


def test_brier_score_of_a_hit() -> None:
    assert brier_score(0.8, True) == pytest.approx(0.04)


def test_brier_score_of_a_miss() -> None:
    assert brier_score(0.8, False) == pytest.approx(0.64)


def test_log_score_is_the_log_of_the_probability_given_to_what_happened() -> None:
    assert log_score(0.8, True) == pytest.approx(math.log(0.8))
    assert log_score(0.8, False) == pytest.approx(math.log(0.2))


def test_log_score_of_a_certain_miss_is_clipped_not_infinite() -> None:
    assert log_score(1.0, False) == pytest.approx(math.log(1e-12))


def test_scores_reject_a_probability_outside_zero_to_one() -> None:
    with pytest.raises(ValueError, match="probability"):
        brier_score(1.2, True)


def test_numeric_error_on_a_linear_scale_is_the_difference() -> None:
    assert numeric_error(12.0, 10.0, is_log_scale=False) == 2.0


def test_numeric_error_on_a_log_scale_is_the_log_ratio() -> None:
    assert numeric_error(20.0, 10.0, is_log_scale=True) == pytest.approx(math.log(2))


def test_numeric_error_on_a_log_scale_rejects_values_that_are_not_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        numeric_error(0.0, 10.0, is_log_scale=True)


def test_interval_score_inside_the_interval_is_its_width() -> None:
    assert interval_score(15.0, 10.0, 20.0, 0.2) == pytest.approx(10.0)


def test_interval_score_above_adds_two_over_alpha_times_the_miss() -> None:
    assert interval_score(25.0, 10.0, 20.0, 0.2) == pytest.approx(10.0 + 10 * 5)


def test_interval_score_below_adds_two_over_alpha_times_the_miss() -> None:
    assert interval_score(5.0, 10.0, 20.0, 0.2) == pytest.approx(10.0 + 10 * 5)


def test_crps_from_quantiles_is_twice_the_mean_pinball_loss() -> None:
    # Pinball: 0.1 * 1.5, 0.5 * 0.5, (1 - 0.9) * 0.5 = 0.15, 0.25, 0.05.
    score = crps_quantiles(2.5, [0.1, 0.5, 0.9], [1.0, 2.0, 3.0])
    assert score == pytest.approx(2 / 3 * 0.45)


def test_crps_rejects_quantile_levels_outside_zero_to_one() -> None:
    with pytest.raises(ValueError, match="levels"):
        crps_quantiles(1.0, [0.0, 0.5], [1.0, 2.0])


# Properties


@given(probabilities, st.booleans())
def test_brier_score_is_between_zero_and_one(p: float, outcome: bool) -> None:
    assert 0.0 <= brier_score(p, outcome) <= 1.0


@given(probabilities, st.booleans())
def test_log_score_is_at_most_zero(p: float, outcome: bool) -> None:
    assert log_score(p, outcome) <= 0.0


@given(probabilities, probabilities)
def test_brier_expected_score_is_lowest_at_the_true_probability(
    p: float, q: float
) -> None:
    def expected(forecast: float) -> float:
        return q * brier_score(forecast, True) + (1 - q) * brier_score(forecast, False)

    assert expected(q) <= expected(p) + 1e-12


@given(inner_probabilities, probabilities)
def test_log_expected_score_is_highest_at_the_true_probability(
    q: float, p: float
) -> None:
    def expected(forecast: float) -> float:
        return q * log_score(forecast, True) + (1 - q) * log_score(forecast, False)

    assert expected(q) >= expected(p) - 1e-12


@given(
    st.floats(-100, 100),
    st.floats(-100, 100),
    st.floats(0, 100),
    st.floats(0.01, 0.99),
)
def test_interval_score_is_at_least_the_width(
    x: float, low: float, width: float, alpha: float
) -> None:
    assert interval_score(x, low, low + width, alpha) >= width - 1e-9


# Reference implementations on random inputs

RNG_DRAWS = 500


def random_forecasts() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(2025)
    return rng.uniform(0, 1, RNG_DRAWS), rng.integers(0, 2, RNG_DRAWS)


def test_brier_score_matches_properscoring() -> None:
    p, o = random_forecasts()
    ours = [brier_score(pi, bool(oi)) for pi, oi in zip(p, o, strict=True)]
    assert np.allclose(ours, properscoring.brier_score(o, p), rtol=0, atol=1e-9)


def test_brier_score_matches_scoringrules() -> None:
    p, o = random_forecasts()
    ours = [brier_score(pi, bool(oi)) for pi, oi in zip(p, o, strict=True)]
    assert np.allclose(ours, scoringrules.brier_score(o, p), rtol=0, atol=1e-9)


def test_log_score_matches_scoringrules_with_the_sign_flipped() -> None:
    # scoringrules reports -ln(p given to the outcome), lower is better;
    # ours is ln(p), higher is better. Draws stay inside our clipping range.
    p, o = random_forecasts()
    p = np.clip(p, 1e-6, 1 - 1e-6)
    ours = [log_score(pi, bool(oi)) for pi, oi in zip(p, o, strict=True)]
    assert np.allclose(ours, -scoringrules.log_score(o, p), rtol=0, atol=1e-9)


def test_interval_score_matches_scoringrules() -> None:
    rng = np.random.default_rng(11)
    x = rng.normal(0, 10, RNG_DRAWS)
    low = rng.normal(-5, 5, RNG_DRAWS)
    high = low + rng.uniform(0, 20, RNG_DRAWS)
    alpha = rng.uniform(0.01, 0.99, RNG_DRAWS)
    draws = list(zip(x, low, high, alpha, strict=True))
    ours = [interval_score(*draw) for draw in draws]
    # One call per draw: scoringrules reads a 1-D alpha as several intervals.
    reference = [float(scoringrules.interval_score(*draw)) for draw in draws]
    assert np.allclose(ours, reference, rtol=0, atol=1e-9)


def test_crps_quantiles_matches_scoringrules_crps_quantile() -> None:
    rng = np.random.default_rng(12)
    levels = np.array([0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95])
    x = rng.normal(0, 3, RNG_DRAWS)
    quantiles = np.sort(rng.normal(0, 3, (RNG_DRAWS, levels.size)), axis=1)
    ours = [crps_quantiles(xi, levels, qi) for xi, qi in zip(x, quantiles, strict=True)]
    reference = scoringrules.crps_quantile(x, quantiles, levels)
    assert np.allclose(ours, reference, rtol=0, atol=1e-9)


def test_crps_quantiles_matches_properscoring_crps_ensemble_at_mid_levels() -> None:
    # For an ensemble of K members, the CRPS of its empirical distribution is
    # exactly the quantile CRPS with the sorted members at levels (k - 1/2)/K:
    # the pinball loss is linear in the level over each 1/K step.
    rng = np.random.default_rng(13)
    members = 9
    levels = (np.arange(members) + 0.5) / members
    x = rng.normal(0, 3, RNG_DRAWS)
    ensembles = np.sort(rng.normal(0, 3, (RNG_DRAWS, members)), axis=1)
    ours = [crps_quantiles(xi, levels, ei) for xi, ei in zip(x, ensembles, strict=True)]
    reference = properscoring.crps_ensemble(x, ensembles)
    assert np.allclose(ours, reference, rtol=0, atol=1e-9)


# Scoreboard statistics


def test_bootstrap_difference_is_the_difference_of_means() -> None:
    difference, _, _ = bootstrap_mean_difference([1.0, 2.0, 3.0], [0.5, 0.5])
    assert difference == pytest.approx(1.5)


def test_bootstrap_interval_is_the_same_for_the_same_seed() -> None:
    a, b = [0.1, 0.4, 0.3, 0.9], [0.2, 0.25, 0.6]
    assert bootstrap_mean_difference(a, b, seed=3) == bootstrap_mean_difference(
        a, b, seed=3
    )


def test_bootstrap_interval_brackets_the_difference() -> None:
    rng = np.random.default_rng(5)
    a, b = rng.uniform(0, 1, 40), rng.uniform(0, 1, 30)
    difference, low, high = bootstrap_mean_difference(a, b)
    assert low < difference < high


def test_bootstrap_of_constant_samples_has_no_spread() -> None:
    assert bootstrap_mean_difference([0.3, 0.3], [0.1]) == pytest.approx(
        (0.2, 0.2, 0.2)
    )


def test_bootstrap_rejects_an_empty_sample() -> None:
    with pytest.raises(ValueError, match="at least one"):
        bootstrap_mean_difference([], [0.1])


def test_calibration_bins_report_mean_forecast_frequency_and_count() -> None:
    bins = calibration_bins([0.1, 0.15, 0.9, 1.0], [False, True, True, True], bins=5)
    first, last = bins[0], bins[-1]
    assert (first.low, first.high, first.count) == (0.0, 0.2, 2)
    assert first.mean_forecast == pytest.approx(0.125)
    assert first.observed_frequency == pytest.approx(0.5)
    assert (last.count, last.mean_forecast, last.observed_frequency) == (
        2,
        pytest.approx(0.95),
        1.0,
    )


def test_calibration_bins_keep_empty_bins() -> None:
    bins = calibration_bins([0.1], [True], bins=5)
    assert [b.count for b in bins] == [1, 0, 0, 0, 0]
    assert bins[1].mean_forecast is None
