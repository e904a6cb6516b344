"""A straight-line trend fitted to an indicator, projected to a claim's deadline.

Pure Python and numpy (``math.erf`` for the normal CDF; no scipy at run time);
no Django, no I/O, no settings. ``predictions.scoring`` re-exports the public
names.

The fit is ordinary least squares of the value on the indicator's scale (ln
value on a log indicator, whose non-positive values are ignored) against the
day. A new value at the deadline is taken as normal with the usual OLS
prediction variance ``s^2 (1 + 1/n + (x0 - mean x)^2 / Sxx)``, which includes
the uncertainty of the fitted line; the 90% interval is ±1.645 sd around it.
That is a normal approximation to Student's t, which runs wider with few
points. The probability of resolving true is read from the same normal
(for trend claims, from the slope's own normal: P(slope in the claimed
direction)).
"""

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from predictions.scoring.claims import (
    NEGATED,
    Claim,
    Comparison,
    Kind,
    Scale,
    Series,
    to_scale,
)

PROJECTION_LEVEL = 0.9
# Standard normal 95th percentile: the half-width of a central 90% interval.
_Z = 1.6448536269514722


@dataclass(frozen=True)
class Projection:
    value: float  # at the deadline, in the indicator's own units
    low: float  # 90% prediction interval
    high: float
    probability: float | None  # of resolving true; trend: of the claimed direction


@dataclass(frozen=True)
class Line:
    """An OLS line on the indicator's scale, with what prediction needs."""

    slope: float  # per day
    x_mean: float
    y_mean: float
    sxx: float
    variance: float  # residual variance on n - 2 degrees of freedom
    n: int

    def predict(self, day: int) -> tuple[float, float]:
        """Mean and standard deviation of a new value on ``day`` (an ordinal)."""
        dx = day - self.x_mean
        spread = 1 + 1 / self.n + dx * dx / self.sxx
        return self.y_mean + self.slope * dx, math.sqrt(self.variance * spread)

    @property
    def slope_sd(self) -> float:
        return math.sqrt(self.variance / self.sxx)


def fit_line(series: Series, scale: str, start: date | None, end: date) -> Line | None:
    """OLS of the observations dated in [start, end]; None under 3 distinct dates."""
    lo = 0 if start is None else series.count_before(start)
    hi = series.count_until(end)
    x, y = series.days[lo:hi], series.values[lo:hi]
    if scale == Scale.LOG:
        is_positive = y > 0
        x, y = x[is_positive], np.log(y[is_positive])
    if x.size < 3 or np.count_nonzero(np.diff(x)) < 2:
        return None
    x_mean, y_mean = float(x.mean()), float(y.mean())
    dx = x - x_mean
    dy = y - y_mean
    sxx = float(dx @ dx)
    slope = float(dx @ dy) / sxx
    residuals = dy - slope * dx
    variance = float(residuals @ residuals) / (x.size - 2)
    return Line(slope, x_mean, y_mean, sxx, variance, int(x.size))


def _from_log(value: float) -> float:
    # A wild extrapolation past float range is infinite, not an OverflowError.
    return math.exp(value) if value < 709.0 else math.inf


def normal_cdf(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def _tails(
    mean: float, sd: float, level: float, *, is_strict: bool
) -> tuple[float, float]:
    """P(X >= level) and P(X <= level) for X ~ N(mean, sd).

    A perfect fit (sd 0) is a point mass, where ``is_strict`` (> and <) matters.
    """
    if sd == 0:
        if is_strict:
            return float(mean > level), float(mean < level)
        return float(mean >= level), float(mean <= level)
    z = (mean - level) / sd
    return normal_cdf(z), normal_cdf(-z)


def _probability_true(claim: Claim, line: Line, mean: float, sd: float) -> float | None:
    if claim.kind == Kind.INTERVAL:
        low = to_scale(claim.target_low, claim.scale)
        high = to_scale(claim.target_high, claim.scale)
        if low is None or high is None:
            return None
        if sd == 0:
            inside = float(low <= mean <= high)
        else:
            inside = normal_cdf((high - mean) / sd) - normal_cdf((low - mean) / sd)
        return 1 - inside if claim.comparison in NEGATED else inside
    if claim.kind == Kind.TREND:
        p_up, p_down = _tails(line.slope, line.slope_sd, 0.0, is_strict=True)
    else:
        target = to_scale(claim.target, claim.scale)
        if target is None:
            return None
        p_up, p_down = _tails(mean, sd, target, is_strict=False)
    return {
        Comparison.GTE: p_up,
        Comparison.LTE: p_down,
        Comparison.NOT_GTE: 1 - p_up,
        Comparison.NOT_LTE: 1 - p_down,
    }[claim.comparison]


def project_trend(claim: Claim, series: Series, today: date) -> Projection | None:
    """The fitted trend's value at the deadline, its 90% interval, P(true).

    Fits the observations dated by ``min(today, deadline)``: from the baseline
    date on when that leaves 3 distinct dates, else all of them. None with
    fewer than 3 distinct dates, and for event claims.
    """
    if claim.kind == Kind.EVENT:
        return None
    end = min(today, claim.deadline)
    line = None
    if claim.baseline_date is not None:
        line = fit_line(series, claim.scale, claim.baseline_date, end)
    if line is None:
        line = fit_line(series, claim.scale, None, end)
    if line is None:
        return None
    mean, sd = line.predict(claim.deadline.toordinal())
    from_scale = _from_log if claim.scale == Scale.LOG else float
    return Projection(
        value=from_scale(mean),
        low=from_scale(mean - _Z * sd),
        high=from_scale(mean + _Z * sd),
        probability=_probability_true(claim, line, mean, sd),
    )
