"""The inputs of scoring: a claim and its indicator's observations, as plain values.

Pure Python and numpy; no Django, no I/O, no settings. ``predictions.scoring``
re-exports everything public here.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np

GRACE_DAYS = 90  # data lag allowed after a deadline before "no crossing" is final
VALUE_TOLERANCE_DAYS = 45  # how far from its date a value_at observation may be


class Kind:
    THRESHOLD = "threshold"
    VALUE_AT = "value_at"
    INTERVAL = "interval"
    TREND = "trend"
    EVENT = "event"


class Comparison:
    GTE = "gte"
    LTE = "lte"
    NOT_GTE = "not_gte"
    NOT_LTE = "not_lte"


class Scale:
    LINEAR = "linear"
    LOG = "log"


KINDS = frozenset(
    {Kind.THRESHOLD, Kind.VALUE_AT, Kind.INTERVAL, Kind.TREND, Kind.EVENT}
)
VALUE_KINDS = frozenset({Kind.THRESHOLD, Kind.VALUE_AT, Kind.INTERVAL})
COMPARISONS = frozenset(
    {Comparison.GTE, Comparison.LTE, Comparison.NOT_GTE, Comparison.NOT_LTE}
)
NEGATED = frozenset({Comparison.NOT_GTE, Comparison.NOT_LTE})
UPWARD = frozenset({Comparison.GTE, Comparison.NOT_GTE})


def to_scale(value: float | None, scale: str) -> float | None:
    """The value on the indicator's scale: ln on a log scale, where it exists."""
    if value is None or scale == Scale.LINEAR:
        return value
    return math.log(value) if value > 0 else None


@dataclass(frozen=True, eq=False)
class Series:
    """One indicator's observations, sorted by day (an ordinal), then id.

    Several observations may share a day (one per source). The arrays are
    taken as given, so a caller holding numpy arrays pays no copy.
    """

    days: np.ndarray  # int64, date.toordinal()
    values: np.ndarray  # float64
    ids: np.ndarray  # int64 observation ids

    def __post_init__(self) -> None:
        days = np.asarray(self.days, dtype=np.int64)
        values = np.asarray(self.values, dtype=np.float64)
        ids = np.asarray(self.ids, dtype=np.int64)
        if days.ndim != 1 or days.shape != values.shape or days.shape != ids.shape:
            raise ValueError("days, values and ids must be 1-D and of equal length")
        if np.any(days[1:] < days[:-1]):
            raise ValueError("observations must be sorted by day")
        object.__setattr__(self, "days", days)
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "ids", ids)

    @classmethod
    def from_points(cls, points: Iterable[tuple[date, float, int]]) -> "Series":
        """Build from (day, value, observation id) triples in any order."""
        ordered = sorted(points, key=lambda point: (point[0], point[2]))
        return cls(
            days=np.array([d.toordinal() for d, _, _ in ordered], dtype=np.int64),
            values=np.array([v for _, v, _ in ordered], dtype=np.float64),
            ids=np.array([i for _, _, i in ordered], dtype=np.int64),
        )

    @classmethod
    def empty(cls) -> "Series":
        return cls.from_points(())

    def __len__(self) -> int:
        return int(self.days.size)

    def count_until(self, day: date) -> int:
        """How many observations are dated on or before ``day``."""
        return int(np.searchsorted(self.days, day.toordinal(), side="right"))

    def count_before(self, day: date) -> int:
        """How many observations are dated strictly before ``day``."""
        return int(np.searchsorted(self.days, day.toordinal(), side="left"))


OPEN_ABOVE = ">"


def read_quantile_value(raw: object) -> tuple[float, bool]:
    """A quantile's value and whether it is open above.

    A number is a quantile; the text ``">2050"`` is one the source states only
    as beyond 2050 (a forecast's open upper bound), so 2050 is a lower bound on
    it, never its value. Raises ValueError for anything else.
    """
    is_open = isinstance(raw, str) and raw.strip().startswith(OPEN_ABOVE)
    number = raw.strip()[len(OPEN_ABOVE) :] if is_open else raw
    if isinstance(number, bool) or not isinstance(number, int | float | str):
        raise ValueError(f"{raw!r} is not a number or an open bound like '>2050'.")
    try:
        value = float(number)
    except ValueError:
        raise ValueError(
            f"{raw!r} is not a number or an open bound like '>2050'."
        ) from None
    if not math.isfinite(value):
        raise ValueError(f"{raw!r} is not finite.")
    return value, is_open


def format_open_quantile(bound: float) -> str:
    """The record's text of an open quantile: ``">2050"``, no trailing ``.0``."""
    number = int(bound) if bound.is_integer() else bound
    return f"{OPEN_ABOVE}{number}"


def split_quantiles(
    pairs: Iterable,
) -> tuple[tuple[tuple[float, float], ...], tuple[tuple[float, float], ...]]:
    """(closed, open) (level, value) pairs; an open pair's value is its bound."""
    closed, open_above = [], []
    for level, raw in pairs:
        value, is_open = read_quantile_value(raw)
        (open_above if is_open else closed).append((float(level), value))
    return tuple(closed), tuple(open_above)


@dataclass(frozen=True)
class Claim:
    """One prediction, as scoring sees it. Raises ValueError when inconsistent."""

    kind: str
    comparison: str
    scale: str
    deadline: date
    target: float | None = None
    target_low: float | None = None
    target_high: float | None = None
    baseline_value: float | None = None
    baseline_date: date | None = None
    probability: float | None = None
    probability_is_implied: bool = False
    # (level in (0, 1), value) pairs; any sequence of pairs is accepted. A value
    # written ">2050" is an open quantile and moves to ``open_quantiles``.
    quantiles: tuple[tuple[float, float], ...] = ()
    # (level, bound) pairs of quantiles known only to lie above their bound.
    open_quantiles: tuple[tuple[float, float], ...] = ()
    # Coverage of [target_low, target_high], e.g. 0.8: interval score alpha 0.2.
    interval_coverage: float | None = None
    grace_days: int = GRACE_DAYS
    tolerance_days: int = VALUE_TOLERANCE_DAYS

    def __post_init__(self) -> None:
        closed, open_above = split_quantiles(self.quantiles)
        given = tuple((float(level), float(b)) for level, b in self.open_quantiles)
        open_above += given
        object.__setattr__(self, "quantiles", closed)
        object.__setattr__(self, "open_quantiles", open_above)
        problem = _find_problem(self)
        if problem:
            raise ValueError(problem)


def _find_problem(claim: Claim) -> str | None:
    low, high = claim.target_low, claim.target_high
    checks = [
        (claim.kind in KINDS, f"unknown kind {claim.kind!r}"),
        (claim.comparison in COMPARISONS, f"unknown comparison {claim.comparison!r}"),
        (claim.scale in (Scale.LINEAR, Scale.LOG), f"unknown scale {claim.scale!r}"),
        (
            claim.kind not in (Kind.THRESHOLD, Kind.VALUE_AT)
            or claim.target is not None,
            "threshold and value_at claims need a target",
        ),
        (
            claim.kind != Kind.INTERVAL or (low is not None and high is not None),
            "interval claims need target_low and target_high",
        ),
        (low is None or high is None or low <= high, "target_low exceeds target_high"),
        (
            claim.kind != Kind.EVENT or claim.comparison in UPWARD,
            "event claims take gte or not_gte",
        ),
        (
            claim.probability is None or 0 <= claim.probability <= 1,
            "probability must be in [0, 1]",
        ),
        (
            claim.interval_coverage is None or 0 < claim.interval_coverage < 1,
            "interval_coverage must be in (0, 1)",
        ),
        (
            all(
                0 < level < 1 for level, _ in (*claim.quantiles, *claim.open_quantiles)
            ),
            "quantile levels must be in (0, 1)",
        ),
        (claim.grace_days >= 0, "grace_days must not be negative"),
        (claim.tolerance_days >= 0, "tolerance_days must not be negative"),
        (
            claim.baseline_date is None or claim.baseline_date <= claim.deadline,
            "baseline_date must not be after the deadline",
        ),
    ]
    return next((message for is_ok, message in checks if not is_ok), None)
