"""Whether the data has decided a claim yet, and which way.

Pure Python and numpy; no Django, no I/O, no settings. ``predictions.scoring``
re-exports everything public here.

Rules (each is a function of the claim, the observations and ``today``):

- Observations dated after ``today`` are ignored, so resolving as of a past
  day uses only what was dated by then.
- threshold: ``gte`` means value >= target and ``lte`` value <= target;
  exactly on target counts. True on the first observation dated on or before
  the deadline (the deadline day counts) that meets the target; resolved on
  that observation's day. An observation dated after the deadline never counts;
  one dated on or before it counts however late it was recorded. Without one,
  false on ``deadline + grace_days + 1``: the grace absorbs data lag.
  ``not_gte`` (stays below) and ``not_lte`` (stays above) mirror this: false
  on the first observation that meets the target, true once the grace has
  passed without one.
- event: a threshold at 1 on a 0/1 indicator: ``gte`` it happens by the
  deadline, ``not_gte`` it does not.
- value_at: the observation nearest the deadline within ``tolerance_days``
  either side (a tie goes to the earlier one; within a day, to the last by
  id). It settles once no later-dated observation could be nearer, i.e. on
  ``deadline + distance``. ``gte``: value >= target, ``lte``: <=,
  ``not_gte``: <, ``not_lte``: >. With no observation within the tolerance,
  it is unresolvable once ``deadline + max(tolerance_days, grace_days)`` has
  passed.
- interval: as value_at; true when ``low <= value <= high``, or, for
  ``not_*``, when the value lands outside.
- trend: after ``deadline + grace_days``, the sign of the OLS slope over
  [baseline_date, deadline] (ln values on a log indicator; needs 3 distinct
  dates): ``gte`` rising (> 0), ``lte`` falling (< 0), ``not_gte`` slope <= 0,
  ``not_lte`` slope >= 0.
- No data is never a miss: with nothing to decide it, a claim stays open while
  its window is open and is unresolvable after.
"""

import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from predictions.scoring.claims import NEGATED, UPWARD, Claim, Comparison, Kind, Series
from predictions.scoring.projection import fit_line

EVENT_HAPPENED = 1.0

_VALUE_TESTS: dict[str, Callable[[float, float], bool]] = {
    Comparison.GTE: operator.ge,
    Comparison.LTE: operator.le,
    Comparison.NOT_GTE: operator.lt,
    Comparison.NOT_LTE: operator.gt,
}


@dataclass(frozen=True)
class Verdict:
    """What the data says about a claim so far."""

    outcome: bool | None  # None while undecided
    resolved_on: date | None = None
    observation_id: int | None = None  # the observation the verdict rests on
    observed_value: float | None = None
    is_unresolvable: bool = False  # its window closed with no data to decide it


OPEN = Verdict(outcome=None)
UNRESOLVABLE = Verdict(outcome=None, is_unresolvable=True)


def _decided(series: Series, index: int, outcome: bool, resolved_on: date) -> Verdict:
    return Verdict(
        outcome=outcome,
        resolved_on=resolved_on,
        observation_id=int(series.ids[index]),
        observed_value=float(series.values[index]),
    )


def grace_end(claim: Claim) -> date:
    """The first day a claim can resolve for want of a crossing."""
    return claim.deadline + timedelta(days=claim.grace_days + 1)


def _by_deadline(claim: Claim, series: Series, today: date, target: float) -> Verdict:
    k = series.count_until(min(claim.deadline, today))
    if k == 0:
        return UNRESOLVABLE if today >= grace_end(claim) else OPEN
    values = series.values[:k]
    meets = values >= target if claim.comparison in UPWARD else values <= target
    first = int(np.argmax(meets))
    is_negated = claim.comparison in NEGATED
    if meets[first]:
        crossed_on = date.fromordinal(int(series.days[first]))
        return _decided(series, first, not is_negated, crossed_on)
    if today >= grace_end(claim):
        return _decided(series, k - 1, is_negated, grace_end(claim))
    return OPEN


def resolve_threshold(claim: Claim, series: Series, today: date) -> Verdict:
    """Reaches (or, for ``not_*``, never reaches) the target by the deadline."""
    return _by_deadline(claim, series, today, float(claim.target))


def resolve_event(claim: Claim, series: Series, today: date) -> Verdict:
    """Happens (value >= 1 on the 0/1 indicator) by the deadline, or not."""
    return _by_deadline(claim, series, today, EVENT_HAPPENED)


def nearest_index(
    series: Series, day: date, today: date, tolerance_days: int
) -> int | None:
    """The observation nearest ``day`` within the tolerance, dated by ``today``.

    A tie in distance goes to the earlier side; within one day, to the last.
    """
    days, d = series.days, day.toordinal()
    lo = int(np.searchsorted(days, d - tolerance_days, side="left"))
    last_day = min(d + tolerance_days, today.toordinal())
    hi = int(np.searchsorted(days, last_day, side="right"))
    if lo >= hi:
        return None
    split = int(np.searchsorted(days, d, side="right"))
    before = min(split, hi) - 1
    after = max(split, lo)
    if after < hi:
        after = int(np.searchsorted(days, days[after], side="right")) - 1
        if before < lo or days[after] - d < d - days[before]:
            return after
    return before


def _at_deadline(
    claim: Claim, series: Series, today: date, is_true: Callable[[float], bool]
) -> Verdict:
    index = nearest_index(series, claim.deadline, today, claim.tolerance_days)
    if index is None:
        wait = max(claim.tolerance_days, claim.grace_days)
        is_closed = today > claim.deadline + timedelta(days=wait)
        return UNRESOLVABLE if is_closed else OPEN
    distance = abs(int(series.days[index]) - claim.deadline.toordinal())
    settles_on = claim.deadline + timedelta(days=distance)
    if today < settles_on:
        return OPEN
    return _decided(series, index, is_true(float(series.values[index])), settles_on)


def resolve_value_at(claim: Claim, series: Series, today: date) -> Verdict:
    """The value nearest the deadline against the target."""
    test = _VALUE_TESTS[claim.comparison]
    return _at_deadline(claim, series, today, lambda value: test(value, claim.target))


def resolve_interval(claim: Claim, series: Series, today: date) -> Verdict:
    """The value nearest the deadline inside [low, high] (outside for ``not_*``)."""
    is_negated = claim.comparison in NEGATED

    def is_true(value: float) -> bool:
        return (claim.target_low <= value <= claim.target_high) != is_negated

    return _at_deadline(claim, series, today, is_true)


def resolve_trend(claim: Claim, series: Series, today: date) -> Verdict:
    """The sign of the slope over [baseline_date, deadline], after the grace."""
    if today < grace_end(claim):
        return OPEN
    line = fit_line(series, claim.scale, claim.baseline_date, claim.deadline)
    if line is None:
        return UNRESOLVABLE
    outcome = {
        Comparison.GTE: line.slope > 0,
        Comparison.LTE: line.slope < 0,
        Comparison.NOT_GTE: line.slope <= 0,
        Comparison.NOT_LTE: line.slope >= 0,
    }[claim.comparison]
    last = series.count_until(claim.deadline) - 1
    return _decided(series, last, outcome, grace_end(claim))


RESOLVERS: dict[str, Callable[[Claim, Series, date], Verdict]] = {
    Kind.THRESHOLD: resolve_threshold,
    Kind.VALUE_AT: resolve_value_at,
    Kind.INTERVAL: resolve_interval,
    Kind.TREND: resolve_trend,
    Kind.EVENT: resolve_event,
}
