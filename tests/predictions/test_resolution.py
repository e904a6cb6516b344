"""When and how each kind of claim resolves (the scoring package's resolution)."""

from datetime import date, timedelta

import pytest

from predictions.scoring import (
    Claim,
    Comparison,
    Kind,
    Scale,
    Series,
    resolve_event,
    resolve_interval,
    resolve_threshold,
    resolve_trend,
    resolve_value_at,
)

DEADLINE = date(2025, 12, 31)


def days_after(n: int) -> date:
    return DEADLINE + timedelta(days=n)


def series(*points: tuple[date, float]) -> Series:
    """Observations with ids 1, 2, ... in the order given."""
    return Series.from_points(
        (day, value, i) for i, (day, value) in enumerate(points, 1)
    )


def threshold(comparison: str = Comparison.GTE, **fields: object) -> Claim:
    defaults = {"target": 100.0, "scale": Scale.LINEAR, "deadline": DEADLINE}
    return Claim(kind=Kind.THRESHOLD, comparison=comparison, **(defaults | fields))


# threshold


def test_threshold_resolves_true_on_the_first_observation_that_crosses() -> None:
    data = series(
        (date(2025, 3, 1), 90.0), (date(2025, 6, 1), 105.0), (date(2025, 9, 1), 120.0)
    )
    verdict = resolve_threshold(threshold(), data, date(2025, 10, 1))
    assert verdict.outcome is True
    assert verdict.resolved_on == date(2025, 6, 1)
    assert verdict.observation_id == 2
    assert verdict.observed_value == 105.0


def test_threshold_value_exactly_on_target_counts_as_reaching_it() -> None:
    verdict = resolve_threshold(
        threshold(), series((date(2025, 6, 1), 100.0)), date(2025, 7, 1)
    )
    assert verdict.outcome is True


def test_threshold_observation_on_the_deadline_day_counts() -> None:
    verdict = resolve_threshold(
        threshold(), series((date(2025, 6, 1), 90.0), (DEADLINE, 101.0)), DEADLINE
    )
    assert verdict.outcome is True
    assert verdict.resolved_on == DEADLINE


def test_threshold_observation_dated_after_the_deadline_never_counts() -> None:
    data = series((date(2025, 6, 1), 90.0), (days_after(1), 150.0))
    verdict = resolve_threshold(threshold(), data, days_after(91))
    assert verdict.outcome is False
    assert verdict.observation_id == 1


def test_threshold_observation_dated_by_the_deadline_counts_when_recorded_late() -> (
    None
):
    # Recorded in February, dated in December: the date decides, not the recording.
    data = series((date(2025, 6, 1), 90.0), (date(2025, 12, 20), 101.0))
    verdict = resolve_threshold(threshold(), data, days_after(45))
    assert verdict.outcome is True
    assert verdict.resolved_on == date(2025, 12, 20)


def test_threshold_stays_open_through_the_last_day_of_grace() -> None:
    verdict = resolve_threshold(
        threshold(), series((date(2025, 6, 1), 90.0)), days_after(90)
    )
    assert verdict.outcome is None
    assert verdict.is_unresolvable is False


def test_threshold_resolves_false_the_day_after_the_grace_ends() -> None:
    data = series((date(2025, 6, 1), 90.0), (date(2025, 11, 1), 95.0))
    verdict = resolve_threshold(threshold(), data, days_after(91))
    assert verdict.outcome is False
    assert verdict.resolved_on == days_after(91)
    assert verdict.observation_id == 2


def test_threshold_grace_period_can_be_set_per_claim() -> None:
    claim = threshold(grace_days=0)
    verdict = resolve_threshold(claim, series((date(2025, 6, 1), 90.0)), days_after(1))
    assert verdict.outcome is False
    assert verdict.resolved_on == days_after(1)


def test_threshold_without_data_is_open_before_the_grace_ends() -> None:
    verdict = resolve_threshold(threshold(), Series.empty(), days_after(30))
    assert verdict.outcome is None
    assert verdict.is_unresolvable is False


def test_threshold_without_data_is_unresolvable_not_false_after_the_grace() -> None:
    verdict = resolve_threshold(threshold(), Series.empty(), days_after(400))
    assert verdict.outcome is None
    assert verdict.is_unresolvable is True


def test_threshold_with_data_only_after_the_deadline_is_unresolvable() -> None:
    verdict = resolve_threshold(
        threshold(), series((days_after(5), 50.0)), days_after(400)
    )
    assert verdict.is_unresolvable is True


def test_threshold_ignores_observations_dated_after_today() -> None:
    verdict = resolve_threshold(
        threshold(), series((date(2025, 8, 1), 150.0)), date(2025, 7, 1)
    )
    assert verdict.outcome is None


def test_lte_threshold_resolves_true_when_the_value_falls_to_the_target() -> None:
    data = series((date(2025, 3, 1), 60.0), (date(2025, 4, 1), 50.0))
    verdict = resolve_threshold(
        threshold(Comparison.LTE, target=50.0), data, date(2025, 5, 1)
    )
    assert verdict.outcome is True
    assert verdict.resolved_on == date(2025, 4, 1)


def test_lte_threshold_resolves_false_when_the_value_never_falls_far_enough() -> None:
    data = series((date(2025, 3, 1), 60.0), (date(2025, 4, 1), 51.0))
    verdict = resolve_threshold(
        threshold(Comparison.LTE, target=50.0), data, days_after(91)
    )
    assert verdict.outcome is False


def test_not_gte_resolves_false_on_the_first_observation_at_the_target() -> None:
    data = series((date(2025, 3, 1), 90.0), (date(2025, 5, 1), 100.0))
    verdict = resolve_threshold(threshold(Comparison.NOT_GTE), data, date(2025, 6, 1))
    assert verdict.outcome is False
    assert verdict.resolved_on == date(2025, 5, 1)
    assert verdict.observation_id == 2


def test_not_gte_stays_open_until_the_grace_ends() -> None:
    verdict = resolve_threshold(
        threshold(Comparison.NOT_GTE), series((date(2025, 3, 1), 90.0)), DEADLINE
    )
    assert verdict.outcome is None


def test_not_gte_resolves_true_once_the_grace_passes_below_the_target() -> None:
    data = series((date(2025, 3, 1), 90.0), (date(2025, 12, 1), 99.9))
    verdict = resolve_threshold(threshold(Comparison.NOT_GTE), data, days_after(91))
    assert verdict.outcome is True
    assert verdict.resolved_on == days_after(91)


def test_not_lte_resolves_false_on_the_first_observation_at_the_target() -> None:
    data = series((date(2025, 3, 1), 60.0), (date(2025, 5, 1), 50.0))
    verdict = resolve_threshold(
        threshold(Comparison.NOT_LTE, target=50.0), data, date(2025, 6, 1)
    )
    assert verdict.outcome is False


def test_not_lte_resolves_true_once_the_grace_passes_above_the_target() -> None:
    data = series((date(2025, 3, 1), 60.0), (date(2025, 5, 1), 50.1))
    verdict = resolve_threshold(
        threshold(Comparison.NOT_LTE, target=50.0), data, days_after(91)
    )
    assert verdict.outcome is True


def test_not_gte_without_data_is_unresolvable_not_true_after_the_grace() -> None:
    verdict = resolve_threshold(
        threshold(Comparison.NOT_GTE), Series.empty(), days_after(91)
    )
    assert verdict.outcome is None
    assert verdict.is_unresolvable is True


# event


def event(comparison: str = Comparison.GTE) -> Claim:
    return Claim(
        kind=Kind.EVENT, comparison=comparison, scale=Scale.LINEAR, deadline=DEADLINE
    )


def test_event_resolves_true_on_the_first_observation_of_one() -> None:
    data = series((date(2025, 3, 1), 0.0), (date(2025, 9, 1), 1.0))
    verdict = resolve_event(event(), data, date(2025, 10, 1))
    assert verdict.outcome is True
    assert verdict.resolved_on == date(2025, 9, 1)


def test_event_that_has_not_happened_resolves_false_after_the_grace() -> None:
    verdict = resolve_event(event(), series((date(2025, 3, 1), 0.0)), days_after(91))
    assert verdict.outcome is False


def test_event_claimed_not_to_happen_resolves_true_after_the_grace() -> None:
    verdict = resolve_event(
        event(Comparison.NOT_GTE), series((date(2025, 3, 1), 0.0)), days_after(91)
    )
    assert verdict.outcome is True


def test_event_claimed_not_to_happen_resolves_false_when_it_happens() -> None:
    verdict = resolve_event(
        event(Comparison.NOT_GTE), series((date(2025, 3, 1), 1.0)), date(2025, 4, 1)
    )
    assert verdict.outcome is False


def test_event_without_data_is_unresolvable_after_the_grace() -> None:
    verdict = resolve_event(event(), Series.empty(), days_after(91))
    assert verdict.is_unresolvable is True


def test_event_claims_reject_lte_comparisons() -> None:
    with pytest.raises(ValueError, match="event"):
        event(Comparison.LTE)


# value_at


def value_at(comparison: str = Comparison.GTE, **fields: object) -> Claim:
    defaults = {"target": 100.0, "scale": Scale.LINEAR, "deadline": DEADLINE}
    return Claim(kind=Kind.VALUE_AT, comparison=comparison, **(defaults | fields))


def test_value_at_uses_the_observation_nearest_the_date() -> None:
    data = series((days_after(-30), 90.0), (days_after(-10), 110.0))
    verdict = resolve_value_at(value_at(), data, days_after(10))
    assert verdict.outcome is True
    assert verdict.observation_id == 2


def test_value_at_settles_on_the_deadline_plus_the_distance_used() -> None:
    data = series(
        (days_after(-10), 110.0),
    )
    verdict = resolve_value_at(value_at(), data, days_after(10))
    assert verdict.resolved_on == days_after(10)


def test_value_at_waits_while_a_later_observation_could_be_nearer() -> None:
    data = series(
        (days_after(-10), 110.0),
    )
    verdict = resolve_value_at(value_at(), data, days_after(9))
    assert verdict.outcome is None


def test_value_at_observation_on_the_date_settles_on_the_deadline_day() -> None:
    verdict = resolve_value_at(value_at(), series((DEADLINE, 99.0)), DEADLINE)
    assert verdict.outcome is False
    assert verdict.resolved_on == DEADLINE


def test_value_at_counts_an_observation_after_the_date_within_tolerance() -> None:
    verdict = resolve_value_at(
        value_at(), series((days_after(20), 120.0)), days_after(20)
    )
    assert verdict.outcome is True
    assert verdict.resolved_on == days_after(20)


def test_value_at_tie_in_distance_goes_to_the_earlier_observation() -> None:
    data = series((days_after(-5), 90.0), (days_after(5), 110.0))
    verdict = resolve_value_at(value_at(), data, days_after(5))
    assert verdict.observation_id == 1


def test_value_at_several_observations_on_the_nearest_day_use_the_last_id() -> None:
    data = Series.from_points([(DEADLINE, 110.0, 8), (DEADLINE, 90.0, 7)])
    verdict = resolve_value_at(value_at(), data, DEADLINE)
    assert verdict.observation_id == 8


def test_value_at_ignores_observations_outside_the_tolerance() -> None:
    verdict = resolve_value_at(
        value_at(), series((days_after(-46), 120.0)), days_after(60)
    )
    assert verdict.outcome is None
    assert verdict.is_unresolvable is False


def test_value_at_without_an_observation_in_tolerance_is_unresolvable_later() -> None:
    verdict = resolve_value_at(
        value_at(), series((days_after(-46), 120.0)), days_after(91)
    )
    assert verdict.is_unresolvable is True


def test_value_at_tolerance_can_be_set_per_claim() -> None:
    claim = value_at(tolerance_days=60)
    verdict = resolve_value_at(claim, series((days_after(-46), 120.0)), days_after(60))
    assert verdict.outcome is True


@pytest.mark.parametrize(
    ("comparison", "outcome"),
    [
        (Comparison.GTE, True),
        (Comparison.LTE, True),
        (Comparison.NOT_GTE, False),
        (Comparison.NOT_LTE, False),
    ],
)
def test_value_at_exactly_on_target(comparison: str, outcome: bool) -> None:
    verdict = resolve_value_at(
        value_at(comparison), series((DEADLINE, 100.0)), DEADLINE
    )
    assert verdict.outcome is outcome


# interval


def interval(comparison: str = Comparison.GTE) -> Claim:
    return Claim(
        kind=Kind.INTERVAL,
        comparison=comparison,
        scale=Scale.LINEAR,
        deadline=DEADLINE,
        target_low=80.0,
        target_high=120.0,
    )


def test_interval_includes_its_bounds() -> None:
    verdict = resolve_interval(interval(), series((DEADLINE, 120.0)), DEADLINE)
    assert verdict.outcome is True


def test_interval_resolves_false_when_the_value_lands_outside() -> None:
    verdict = resolve_interval(interval(), series((DEADLINE, 120.5)), DEADLINE)
    assert verdict.outcome is False


def test_negated_interval_claims_the_value_lands_outside() -> None:
    verdict = resolve_interval(
        interval(Comparison.NOT_GTE), series((DEADLINE, 79.0)), DEADLINE
    )
    assert verdict.outcome is True


# trend


def trend(comparison: str = Comparison.GTE, **fields: object) -> Claim:
    defaults = {"scale": Scale.LINEAR, "deadline": DEADLINE}
    return Claim(kind=Kind.TREND, comparison=comparison, **(defaults | fields))


def monthly(*values: float, start: date = date(2025, 1, 15)) -> Series:
    return series(*((start + timedelta(days=30 * i), v) for i, v in enumerate(values)))


def test_rising_trend_resolves_true_after_the_grace() -> None:
    verdict = resolve_trend(trend(), monthly(1.0, 3.0, 2.0, 4.0), days_after(91))
    assert verdict.outcome is True
    assert verdict.resolved_on == days_after(91)
    assert verdict.observation_id == 4


def test_trend_stays_open_until_the_grace_ends() -> None:
    verdict = resolve_trend(trend(), monthly(1.0, 3.0, 2.0, 4.0), days_after(90))
    assert verdict.outcome is None


def test_falling_trend_resolves_a_rising_claim_false() -> None:
    verdict = resolve_trend(trend(), monthly(4.0, 3.0, 2.0), days_after(91))
    assert verdict.outcome is False


def test_falling_trend_resolves_an_lte_claim_true() -> None:
    verdict = resolve_trend(
        trend(Comparison.LTE), monthly(4.0, 3.0, 2.0), days_after(91)
    )
    assert verdict.outcome is True


def test_flat_trend_resolves_not_gte_true() -> None:
    verdict = resolve_trend(
        trend(Comparison.NOT_GTE), monthly(2.0, 2.0, 2.0), days_after(91)
    )
    assert verdict.outcome is True


def test_flat_trend_resolves_gte_false() -> None:
    verdict = resolve_trend(trend(), monthly(2.0, 2.0, 2.0), days_after(91))
    assert verdict.outcome is False


def test_trend_is_fitted_from_the_baseline_date_on() -> None:
    data = monthly(9.0, 8.0, 7.0, 1.0, 2.0, 3.0)
    claim = trend(baseline_date=date(2025, 4, 1))
    verdict = resolve_trend(claim, data, days_after(91))
    assert verdict.outcome is True


def test_trend_ignores_observations_after_the_deadline() -> None:
    data = series(
        (date(2025, 10, 1), 3.0),
        (date(2025, 11, 1), 2.0),
        (date(2025, 12, 1), 1.0),
        (days_after(10), 50.0),
    )
    verdict = resolve_trend(trend(), data, days_after(91))
    assert verdict.outcome is False


def test_trend_with_fewer_than_three_distinct_dates_is_unresolvable() -> None:
    data = series(
        (date(2025, 3, 1), 1.0), (date(2025, 3, 1), 2.0), (date(2025, 6, 1), 3.0)
    )
    verdict = resolve_trend(trend(), data, days_after(91))
    assert verdict.is_unresolvable is True


def test_log_scale_trend_ignores_values_that_are_not_positive() -> None:
    verdict = resolve_trend(
        trend(scale=Scale.LOG), monthly(0.0, -1.0, 1.0, 2.0, 4.0), days_after(91)
    )
    assert verdict.outcome is True
