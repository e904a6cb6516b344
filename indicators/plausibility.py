"""Whether a value being logged sits far from its indicator's record: several
times the latest value and the trend is more often a unit slip (0.725 for 72.5%,
millions for billions) than news. The form asks before saving such a value;
it never refuses it. Pure Python and numpy."""

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# A value this many times larger or smaller than what the record leads to
# expect is flagged. Lower than ten: a slip by ten next to a rising trend
# shows as about nine.
UNIT_SLIP_FACTOR = 5.0
# The trend is a straight line (on the indicator's scale) through this many values.
TREND_POINTS = 8


@dataclass(frozen=True)
class Expectation:
    latest_date: datetime.date
    latest_value: float
    trend_value: float | None  # on the new value's date; None with one date only


def expect(
    points: Sequence[tuple[datetime.date, float]], *, day: datetime.date, is_log: bool
) -> Expectation | None:
    """What the record leads to expect on ``day``, from (date, value) points
    sorted by date; None when there are no points."""
    if not points:
        return None
    latest_date, latest_value = points[-1]
    recent = points[-TREND_POINTS:]
    days = np.array([d.toordinal() for d, _ in recent], dtype=float)
    values = np.array([v for _, v in recent], dtype=float)
    if len(set(days)) < 2 or (is_log and (values <= 0).any()):
        return Expectation(latest_date, latest_value, None)
    heights = np.log(values) if is_log else values
    slope, intercept = np.polyfit(days, heights, 1)
    height = slope * day.toordinal() + intercept
    trend = math.exp(height) if is_log else height
    return Expectation(latest_date, latest_value, float(trend))


def times_off(value: float, reference: float) -> float | None:
    """How many times larger or smaller ``value`` is than ``reference``; None
    when a ratio says nothing (a zero, or opposite signs)."""
    if value == 0 or reference == 0 or (value > 0) != (reference > 0):
        return None
    ratio = abs(value / reference)
    return max(ratio, 1 / ratio)


def describe_slip(value: float, expectation: Expectation | None) -> str | None:
    """A sentence for the editor if ``value`` is at least UNIT_SLIP_FACTOR off
    both the latest value and the trend (either alone can mislead); else None."""
    if expectation is None:
        return None
    latest = expectation.latest_value
    references = [
        (latest, f"the latest value ({latest:g} on {expectation.latest_date})")
    ]
    if expectation.trend_value is not None:
        trend = expectation.trend_value
        references.append((trend, f"the trend ({trend:.4g} on that date)"))
    factors = [times_off(value, reference) for reference, _ in references]
    if any(factor is None or factor < UNIT_SLIP_FACTOR for factor in factors):
        return None
    parts = [
        f"{_times(value, reference, factor)} {name}"
        for (reference, name), factor in zip(references, factors, strict=True)
    ]
    return f"{value:g} is {' and '.join(parts)}: is the unit right?"


def _times(value: float, reference: float, factor: float) -> str:
    direction = "times" if abs(value) > abs(reference) else "times smaller than"
    return f"{factor:.0f} {direction}"
