"""Probabilities derived from a published distribution's quantiles.

Pure Python; no Django, no I/O, no settings. A source that publishes
quantiles (say the 10th, 50th and 90th percentiles of the year a superhuman
coder arrives) has said how likely every dated event on that quantity is;
this module reads it off.

The CDF is piecewise linear through the points (value, level): between two
published quantiles, probability grows in proportion to the distance. Outside
them nothing is invented: below the lowest quantile the probability is only
known to lie in [0, lowest level], above the highest in [highest level, 1]
(an open upper bound, such as "later than 2100 or never", stays open), so
those give bounds and no point value.

Dates are read on the distribution's own scale, decimal years: 1 January of
year Y is Y.0, and a day d of the year is Y + (d - 1) / days in the year.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from predictions.scoring.claims import split_quantiles

METHOD = (
    "A derived probability reads the chance of a dated event off a forecast "
    "published as quantiles: a piecewise-linear CDF through the points (value, "
    "level), so between two published quantiles the chance grows in proportion "
    "to the distance. Dates are decimal years (1 January 2027 is 2027.0). "
    "Outside the published quantiles nothing is invented: below the lowest the "
    "chance is only known to lie between 0 and its level, above the highest "
    "between that level and 1 (an open upper bound stays open), and no "
    "probability is derived. With several forecasts, the derived probability "
    "is their mean, each listed."
)


@dataclass(frozen=True)
class Derived:
    """P(X <= x) from quantiles: a point where the quantiles cover x, else bounds."""

    probability: float | None
    low: float
    high: float


def decimal_year(day: date) -> float:
    start = date(day.year, 1, 1)
    length = (date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


def probability_by(quantiles: Sequence[Sequence], x: float) -> Derived:
    """P(X <= x) from (level, value) pairs, by the piecewise-linear CDF.

    A value written as an open bound (``">2050"``: the quantile lies beyond
    2050) is no point of the CDF; it only caps what is known below its bound.
    """
    closed, open_above = split_quantiles(quantiles)
    points = sorted((value, level) for level, value in closed)
    if not points:
        return Derived(None, 0.0, _cap(open_above, x))
    levels = [level for _, level in points]
    if any(b < a for a, b in zip(levels, levels[1:], strict=False)):
        raise ValueError("quantile values must rise with their levels")
    (lowest, low_level), (highest, high_level) = points[0], points[-1]
    if x < lowest:
        return Derived(None, 0.0, low_level)
    if x > highest:
        return Derived(None, high_level, _cap(open_above, x))
    for (v0, p0), (v1, p1) in zip(points, points[1:], strict=False):
        if v0 <= x <= v1:
            p = p1 if v1 == v0 else p0 + (p1 - p0) * (x - v0) / (v1 - v0)
            return Derived(p, p, p)
    return Derived(low_level, low_level, low_level)  # one quantile, x on it


def _cap(open_above: Sequence[tuple[float, float]], x: float) -> float:
    """The most P(X <= x) can be: the level of an open quantile whose bound is
    at or beyond x (that quantile lies further still), else 1."""
    return min((level for level, bound in open_above if bound >= x), default=1.0)


def probability_of_event(
    quantiles: Sequence[Sequence[float]], deadline: date, *, happens: bool = True
) -> Derived:
    """P(the event dated by these quantiles happens by the deadline), or, with
    ``happens`` False, P(it does not)."""
    by = probability_by(quantiles, decimal_year(deadline))
    if happens:
        return by
    if by.probability is None:
        return Derived(None, 1 - by.high, 1 - by.low)
    return Derived(1 - by.probability, 1 - by.probability, 1 - by.probability)
