"""Resolution, pace and proper-score math for predictions: the public API.

Pure Python and numpy over plain values: no Django, no I/O, no settings. An
assessment is a function of (claim, observations, today) alone, so rescoring
the same inputs gives the same answer. Import everything from here; the
modules it draws on hold the rules for their part:

- ``predictions.scoring.claims``: the inputs (``Claim``, ``Series``) and defaults
  (``GRACE_DAYS``, ``VALUE_TOLERANCE_DAYS``).
- ``predictions.scoring.resolution``: when and how each kind of claim resolves.
- ``predictions.scoring.projection``: the trend fitted to the observations.
- ``predictions.scoring.proper_scores``: Brier, log, interval score, CRPS, numeric
  error and their conventions.

``RULES_VERSION`` is stored with every score: bump it whenever a rule in any
of these modules changes, so that old scores can be told apart and recomputed.

Pace (open threshold, value_at and interval claims with a baseline)
    The straight path from (baseline_date, baseline_value) to (deadline,
    target) on the indicator's scale (geometric on a log scale; an interval
    aims at its midpoint on that scale). ``actual_share`` is how far the
    latest observation dated by ``min(today, deadline)`` has come along it (0
    at the baseline, 1 at the target, negative when it moved away),
    ``expected_share`` the share of the time elapsed by today (capped at 1
    after the deadline), ``ratio`` actual / expected, and ``months_ahead``
    the date the path reaches the current value minus today, in months of
    30.4375 days. Falling targets (``lte``) need nothing special: the shares
    are measured toward the target. Pace always describes the indicator
    against the path to the target; ``not_*`` claims win when it falls short,
    so their status bands are mirrored. Before the baseline date there is no
    pace; on it, the ratio is undefined (None). Without a baseline, no pace.

Pace at the deadline (resolved threshold, value_at and interval claims)
    A resolved value claim keeps its pace, read as of ``min(today, deadline)``
    from the value its verdict rests on (and that its score records): for
    value_at and interval claims the value nearest the deadline, for a
    threshold the first value to meet the target, or the last one by the
    deadline when none did. Once the deadline has passed, ``expected_share`` is 1 and
    ``actual_share`` (equal to ``ratio``) is the share of the predicted move
    that happened by the deadline: the number the report card takes medians of.

Status of an open claim
    From the pace ratio when there is one: >= ``AHEAD_RATIO`` "ahead", below
    ``BEHIND_RATIO`` "behind", else "on_track" (ahead and behind swap for
    ``not_*``). Otherwise from the trend projection's probability of
    resolving true: >= ``PROJECTION_ON_TRACK`` "on_track", else "behind".
    Otherwise "unresolvable" (not yet resolvable). Event claims have neither
    pace nor projection.

Scores
    Brier and log score only from a probability the record gives (stated, or
    implied with its basis and flagged implied); none is invented, so a claim
    without one gets its verdict and numeric error only. The numeric error
    (threshold, value_at, interval: the observation the verdict or pace rests
    on, against the target or the interval's midpoint), the interval score
    and the quantile CRPS (value_at and interval claims, on resolution) are
    on the indicator's scale: ln values on a log indicator, so a miss by a
    factor costs the same at every magnitude.
"""

import math
from dataclasses import dataclass
from datetime import date

from predictions.scoring.claims import GRACE_DAYS as GRACE_DAYS
from predictions.scoring.claims import NEGATED, VALUE_KINDS, to_scale
from predictions.scoring.claims import VALUE_TOLERANCE_DAYS as VALUE_TOLERANCE_DAYS
from predictions.scoring.claims import Claim as Claim
from predictions.scoring.claims import Comparison as Comparison
from predictions.scoring.claims import Kind as Kind
from predictions.scoring.claims import Scale as Scale
from predictions.scoring.claims import Series as Series
from predictions.scoring.projection import Projection as Projection
from predictions.scoring.projection import project_trend as project_trend
from predictions.scoring.proper_scores import CalibrationBin as CalibrationBin
from predictions.scoring.proper_scores import (
    bootstrap_mean_difference as bootstrap_mean_difference,
)
from predictions.scoring.proper_scores import brier_score as brier_score
from predictions.scoring.proper_scores import calibration_bins as calibration_bins
from predictions.scoring.proper_scores import crps_quantiles as crps_quantiles
from predictions.scoring.proper_scores import interval_score as interval_score
from predictions.scoring.proper_scores import log_score as log_score
from predictions.scoring.proper_scores import numeric_error as numeric_error
from predictions.scoring.resolution import RESOLVERS
from predictions.scoring.resolution import Verdict as Verdict
from predictions.scoring.resolution import resolve_event as resolve_event
from predictions.scoring.resolution import resolve_interval as resolve_interval
from predictions.scoring.resolution import resolve_threshold as resolve_threshold
from predictions.scoring.resolution import resolve_trend as resolve_trend
from predictions.scoring.resolution import resolve_value_at as resolve_value_at

RULES_VERSION = "2"
DAYS_PER_MONTH = 30.4375
AHEAD_RATIO = 1.10  # pace ratio at or above which a claim is ahead
BEHIND_RATIO = 0.90  # pace ratio below which it is behind; between: on track
PROJECTION_ON_TRACK = 0.5  # projected probability of resolving true


class Status:
    AHEAD = "ahead"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    RESOLVED_TRUE = "resolved_true"
    RESOLVED_FALSE = "resolved_false"
    UNRESOLVABLE = "unresolvable"


@dataclass(frozen=True)
class Pace:
    actual_share: float
    expected_share: float
    ratio: float | None  # None on the baseline date, when nothing is expected yet
    months_ahead: float | None


@dataclass(frozen=True)
class Assessment:
    status: str
    outcome: bool | None = None  # None while open or unresolvable
    resolved_on: date | None = None
    observation_id: int | None = None  # the observation the verdict or pace rests on
    observed_value: float | None = None
    pace: Pace | None = None
    projection: Projection | None = None
    probability: float | None = None  # stated or implied; None if the record has none
    probability_is_implied: bool = False
    brier: float | None = None
    log_score: float | None = None
    error: float | None = None
    interval_score: float | None = None
    crps: float | None = None
    rules_version: str = RULES_VERSION


def compute_pace(
    *,
    baseline_value: float,
    baseline_date: date,
    target: float,
    deadline: date,
    current_value: float,
    today: date,
    scale: str,
) -> Pace | None:
    """The indicator's progress along the straight path from baseline to target.

    None before the baseline date, when the deadline is not after the baseline,
    when the target equals the baseline, or where a log scale meets a value
    that is not positive.
    """
    if today < baseline_date or deadline <= baseline_date:
        return None
    start = to_scale(baseline_value, scale)
    end = to_scale(target, scale)
    now = to_scale(current_value, scale)
    if start is None or end is None or now is None or end == start:
        return None
    actual = (now - start) / (end - start)
    span = (deadline - baseline_date).days
    expected = min((today - baseline_date).days / span, 1.0)
    # The path, extended past its ends, reaches any value on some date.
    reached_on = baseline_date.toordinal() + actual * span
    return Pace(
        actual_share=actual,
        expected_share=expected,
        ratio=actual / expected if expected > 0 else None,
        months_ahead=(reached_on - today.toordinal()) / DAYS_PER_MONTH,
    )


def _central_target(claim: Claim) -> float | None:
    """The target, or else the interval's midpoint on the indicator's scale."""
    low, high = claim.target_low, claim.target_high
    if claim.target is not None or low is None or high is None:
        return claim.target
    if claim.scale == Scale.LOG and low > 0:
        return math.sqrt(low * high)
    return (low + high) / 2


def _claim_pace(claim: Claim, current_value: float, today: date) -> Pace | None:
    target = _central_target(claim)
    if (
        claim.kind not in VALUE_KINDS
        or claim.baseline_value is None
        or claim.baseline_date is None
        or target is None
    ):
        return None
    return compute_pace(
        baseline_value=claim.baseline_value,
        baseline_date=claim.baseline_date,
        target=target,
        deadline=claim.deadline,
        current_value=current_value,
        today=today,
        scale=claim.scale,
    )


def pace_status(ratio: float, comparison: str) -> str:
    """The status band of a pace ratio, from the claim's side."""
    is_negated = comparison in NEGATED
    if ratio >= AHEAD_RATIO:
        return Status.BEHIND if is_negated else Status.AHEAD
    if ratio < BEHIND_RATIO:
        return Status.AHEAD if is_negated else Status.BEHIND
    return Status.ON_TRACK


def _open_status(claim: Claim, pace: Pace | None, projection: Projection | None) -> str:
    if pace is not None and pace.ratio is not None:
        return pace_status(pace.ratio, claim.comparison)
    if projection is not None and projection.probability is not None:
        if projection.probability >= PROJECTION_ON_TRACK:
            return Status.ON_TRACK
        return Status.BEHIND
    return Status.UNRESOLVABLE


def _value_scores(
    claim: Claim, observed: float | None, *, is_resolved: bool
) -> tuple[float | None, float | None, float | None]:
    """Numeric error, interval score and CRPS, on the indicator's scale."""
    x = to_scale(observed, claim.scale)
    if claim.kind not in VALUE_KINDS or x is None:
        return None, None, None
    target = to_scale(_central_target(claim), claim.scale)
    error = x - target if target is not None else None
    if not is_resolved or claim.kind == Kind.THRESHOLD:
        return error, None, None
    low = to_scale(claim.target_low, claim.scale)
    high = to_scale(claim.target_high, claim.scale)
    interval = None
    if low is not None and high is not None and claim.interval_coverage is not None:
        interval = interval_score(x, low, high, 1 - claim.interval_coverage)
    return error, interval, _quantile_crps(claim, x)


def _quantile_crps(claim: Claim, x: float) -> float | None:
    """CRPS from the quantiles; an open quantile (">2050") is only "at least" its
    bound, so it is scored at the value nearest the outcome that it allows."""
    pairs = [(level, to_scale(value, claim.scale)) for level, value in claim.quantiles]
    for level, bound in claim.open_quantiles:
        low = to_scale(bound, claim.scale)
        pairs.append((level, None if low is None else max(low, x)))
    if not pairs or any(value is None for _, value in pairs):
        return None
    return crps_quantiles(x, [level for level, _ in pairs], [v for _, v in pairs])


def _resolved_pace(claim: Claim, today: date, verdict: Verdict) -> Pace | None:
    """The pace as of the deadline (or today, when it resolved early)."""
    if verdict.observed_value is None:
        return None
    return _claim_pace(claim, verdict.observed_value, min(today, claim.deadline))


def _assess_resolved(
    claim: Claim, series: Series, today: date, verdict: Verdict
) -> Assessment:
    p, outcome = claim.probability, bool(verdict.outcome)
    error, interval, crps = _value_scores(
        claim, verdict.observed_value, is_resolved=True
    )
    is_trend = claim.kind == Kind.TREND
    return Assessment(
        status=Status.RESOLVED_TRUE if outcome else Status.RESOLVED_FALSE,
        outcome=outcome,
        resolved_on=verdict.resolved_on,
        observation_id=verdict.observation_id,
        observed_value=verdict.observed_value,
        pace=_resolved_pace(claim, today, verdict),
        # A trend's verdict is a slope; its projection carries the uncertainty.
        projection=project_trend(claim, series, today) if is_trend else None,
        probability=p,
        probability_is_implied=p is not None and claim.probability_is_implied,
        brier=brier_score(p, outcome) if p is not None else None,
        log_score=log_score(p, outcome) if p is not None else None,
        error=error,
        interval_score=interval,
        crps=crps,
    )


def _assess_open(
    claim: Claim, series: Series, today: date, verdict: Verdict
) -> Assessment:
    p = claim.probability
    is_implied = p is not None and claim.probability_is_implied
    latest = series.count_until(min(today, claim.deadline)) - 1
    if verdict.is_unresolvable or latest < 0:
        return Assessment(
            status=Status.UNRESOLVABLE, probability=p, probability_is_implied=is_implied
        )
    value = float(series.values[latest])
    pace = _claim_pace(claim, value, today)
    projection = project_trend(claim, series, today)
    return Assessment(
        status=_open_status(claim, pace, projection),
        observation_id=int(series.ids[latest]),
        observed_value=value,
        pace=pace,
        projection=projection,
        probability=p,
        probability_is_implied=is_implied,
        error=_value_scores(claim, value, is_resolved=False)[0],
    )


def assess(claim: Claim, series: Series, today: date) -> Assessment:
    """A claim's standing as of ``today``: its verdict or pace, and its scores."""
    verdict = RESOLVERS[claim.kind](claim, series, today)
    if verdict.outcome is not None:
        return _assess_resolved(claim, series, today, verdict)
    return _assess_open(claim, series, today, verdict)
