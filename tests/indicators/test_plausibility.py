"""A value far from its indicator's record is flagged as a likely unit slip."""

import datetime

from indicators.plausibility import describe_slip, expect, times_off

DAY = datetime.date(2026, 6, 1)


def monthly(values: list[float]) -> list[tuple[datetime.date, float]]:
    return [(datetime.date(2026, month, 1), v) for month, v in enumerate(values, 1)]


def test_a_value_a_hundred_times_the_record_is_flagged():
    expectation = expect(monthly([60, 62, 65, 68, 70]), day=DAY, is_log=False)
    message = describe_slip(7000, expectation)
    assert message is not None
    assert "100 times the latest value (70 on 2026-05-01)" in message


def test_a_value_ten_times_smaller_is_flagged():
    expectation = expect(monthly([60, 62, 65, 68, 70]), day=DAY, is_log=False)
    assert "smaller" in describe_slip(0.72, expectation)


def test_a_value_on_the_trend_of_a_log_series_is_not_flagged():
    # Ten times more every month: the next value is ten times the latest one,
    # and right on the trend.
    values = [1, 10, 100, 1_000, 10_000]
    expectation = expect(monthly(values), day=DAY, is_log=True)
    assert 0.5 < expectation.trend_value / 100_000 < 2
    assert describe_slip(100_000, expectation) is None


def test_one_value_is_compared_with_that_value_alone():
    expectation = expect(monthly([5]), day=DAY, is_log=False)
    assert expectation.trend_value is None
    assert describe_slip(50, expectation) is not None
    assert describe_slip(20, expectation) is None


def test_no_record_flags_nothing():
    assert describe_slip(1e9, expect([], day=DAY, is_log=False)) is None


def test_a_ratio_says_nothing_across_zero_or_a_change_of_sign():
    assert times_off(0, 5) is None
    assert times_off(-50, 5) is None
    assert times_off(50, 5) == 10
