"""Proper scores for resolved predictions, and two scoreboard statistics.

Pure Python and numpy over plain values; no Django, no I/O, no settings.
`predictions.scoring` re-exports everything public here, so callers import
from there.

Conventions (stored with every score, so they must not drift silently):

- Brier score: ``(p - o) ** 2`` with ``o`` 1 if the claim came true, else 0.
  Range 0 to 1, lower is better, 0 is a perfect forecast. This is the
  0-to-1 convention of properscoring and scoringrules, not Brier's original
  two-category sum (0 to 2).
- Log score: ``ln(probability given to what happened)``. Range -inf to 0,
  higher is better, 0 is a perfect forecast. ``p`` is clipped to
  ``[1e-12, 1 - 1e-12]`` so a confident miss costs about -27.6, not -inf.
  scoringrules reports the negative of this (``-ln``, lower is better).
- Numeric error: ``observed - target`` on a linear indicator,
  ``ln(observed / target)`` on a log one; positive means the world came in
  above the claim.
- Interval score (Gneiting & Raftery 2007, section 6.2) for a central
  ``(1 - alpha)`` interval ``[low, high]``; lower is better, the interval's
  width when the value lands inside.
- CRPS from quantiles: ``(2 / K) * sum_k pinball(level_k, value_k, x)``, the
  quantile approximation scoringrules 0.8 uses in ``crps_quantile``; lower is
  better, in the units of the value.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

LOG_SCORE_CLIP = 1e-12


def brier_score(probability: float, outcome: bool) -> float:
    """``(p - o) ** 2``: 0 is perfect, 1 is a certain forecast that failed."""
    _check_probability(probability)
    return (probability - float(outcome)) ** 2


def log_score(probability: float, outcome: bool) -> float:
    """Natural log of the probability given to what happened; at most 0."""
    _check_probability(probability)
    p = min(max(probability, LOG_SCORE_CLIP), 1.0 - LOG_SCORE_CLIP)
    return math.log(p if outcome else 1.0 - p)


def numeric_error(observed: float, target: float, *, is_log_scale: bool) -> float:
    """Signed miss on the indicator's scale: positive when the world came in above.

    Raises ValueError on a log scale when either value is not positive.
    """
    if not is_log_scale:
        return observed - target
    if observed <= 0 or target <= 0:
        raise ValueError("log-scale error needs positive observed and target values")
    return math.log(observed / target)


def interval_score(observed: float, low: float, high: float, alpha: float) -> float:
    """Interval score of a central ``(1 - alpha)`` interval; lower is better."""
    if not 0 < alpha < 1:
        raise ValueError("alpha must be in (0, 1)")
    if low > high:
        raise ValueError("low must not exceed high")
    score = high - low
    if observed < low:
        score += (2 / alpha) * (low - observed)
    elif observed > high:
        score += (2 / alpha) * (observed - high)
    return score


def crps_quantiles(
    observed: float, levels: Sequence[float], values: Sequence[float]
) -> float:
    """CRPS approximated from quantile forecasts by the mean pinball loss.

    ``(2 / K) * sum_k pinball_k`` where ``pinball_k`` is
    ``level_k * (x - q_k)`` if ``q_k <= x`` else ``(1 - level_k) * (q_k - x)``,
    exactly as scoringrules 0.8 ``crps_quantile``.
    """
    tau = np.asarray(levels, dtype=np.float64)
    q = np.asarray(values, dtype=np.float64)
    if tau.ndim != 1 or tau.shape != q.shape or tau.size == 0:
        raise ValueError("levels and values must be non-empty and of equal length")
    if np.any((tau <= 0) | (tau >= 1)):
        raise ValueError("quantile levels must be in (0, 1)")
    below = (q <= observed) * tau * (observed - q)
    above = (q > observed) * (1 - tau) * (q - observed)
    return float(2 * np.mean(below + above))


def _check_probability(probability: float) -> None:
    if not 0.0 <= probability <= 1.0:
        raise ValueError(f"probability {probability} is not in [0, 1]")


def bootstrap_mean_difference(
    a: Sequence[float],
    b: Sequence[float],
    *,
    n: int = 2000,
    seed: int = 0,
    level: float = 0.9,
) -> tuple[float, float, float]:
    """Mean of ``a`` minus mean of ``b``, with a percentile bootstrap interval.

    ``a`` and ``b`` are resampled independently (the two sources' scored
    predictions are different claims, not pairs). Returns
    ``(difference, low, high)``; the same seed gives the same interval.
    """
    xa = np.asarray(a, dtype=np.float64)
    xb = np.asarray(b, dtype=np.float64)
    if xa.size == 0 or xb.size == 0:
        raise ValueError("both samples need at least one value")
    if not 0 < level < 1:
        raise ValueError("level must be in (0, 1)")
    rng = np.random.default_rng(seed)
    means_a = xa[rng.integers(0, xa.size, size=(n, xa.size))].mean(axis=1)
    means_b = xb[rng.integers(0, xb.size, size=(n, xb.size))].mean(axis=1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(means_a - means_b, [tail, 100 - tail])
    return float(xa.mean() - xb.mean()), float(low), float(high)


@dataclass(frozen=True)
class CalibrationBin:
    low: float
    high: float
    mean_forecast: float | None  # None for an empty bin
    observed_frequency: float | None
    count: int


def calibration_bins(
    probabilities: Sequence[float], outcomes: Sequence[bool], *, bins: int = 5
) -> list[CalibrationBin]:
    """Equal-width bins over [0, 1]; each holds ``low <= p < high``, the last
    also ``p == 1``. Empty bins are kept so a chart's axis stays fixed."""
    p = np.asarray(probabilities, dtype=np.float64)
    o = np.asarray(outcomes, dtype=np.float64)
    if p.shape != o.shape or p.ndim != 1:
        raise ValueError("probabilities and outcomes must have equal length")
    if np.any((p < 0) | (p > 1)):
        raise ValueError("probabilities must be in [0, 1]")
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, bins - 1)
    counts = np.bincount(which, minlength=bins)
    p_sums = np.bincount(which, weights=p, minlength=bins)
    o_sums = np.bincount(which, weights=o, minlength=bins)
    return [
        CalibrationBin(
            low=float(edges[i]),
            high=float(edges[i + 1]),
            mean_forecast=float(p_sums[i] / counts[i]) if counts[i] else None,
            observed_frequency=float(o_sums[i] / counts[i]) if counts[i] else None,
            count=int(counts[i]),
        )
        for i in range(bins)
    ]
