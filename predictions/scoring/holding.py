"""Claims that something will *not* happen, in their own terms: are they holding?

Pure Python; no Django, no I/O, no settings. A "stays below" (``not_gte``) or
"stays above" (``not_lte``) claim wins by the world falling short of its
threshold, so a pace toward the threshold says nothing about it. What says
something is whether it still holds (not broken: open, or resolved true) and
how close the nearest open one is to breaking: the latest value as a share of
the threshold (``not_gte``: value / threshold; ``not_lte``: threshold / value),
with the time left to its deadline. On a log indicator the gap is also given
in orders of magnitude. Events ("does not happen by") count as holding or
broken but have no nearness: their value is 0 until the day it is 1.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from predictions.scoring.claims import Comparison, Kind, Scale

DAYS_PER_MONTH = 30.4375
NEGATED = (Comparison.NOT_GTE, Comparison.NOT_LTE)
METHOD = (
    "A claim that something stays below (or above) a mark, or does not happen "
    "by a date, wins by the world falling short, so a pace toward the mark says "
    "nothing of it. It is holding while open or once resolved true, broken once "
    "the mark is met. The nearest open one is the one whose latest value is the "
    "largest share of its mark (value / mark for stays below, mark / value for "
    "stays above), given with the months left to its deadline and, on a log "
    "indicator, the gap in orders of magnitude."
)


@dataclass(frozen=True)
class Nearest:
    prediction: str
    share: float  # of the threshold; 1 means at it
    months_left: float
    orders_of_magnitude: float | None  # below (or above) the threshold, log scales

    @property
    def words(self) -> str:
        gap = ""
        if self.orders_of_magnitude is not None:
            gap = f" ({self.orders_of_magnitude:.1f} orders of magnitude away)"
        months = round(self.months_left)
        when = (
            f"{months} month{'s' if months != 1 else ''} before its deadline"
            if self.months_left >= 0
            else "its deadline passed, the grace for late data still running"
        )
        return f"at {self.share:.0%} of its threshold{gap}, {when}"


@dataclass(frozen=True)
class Holding:
    total: int
    holding: int
    broken: int
    nearest: Nearest | None

    def sentence(self, name: str) -> str:
        if not self.total:
            return f"{name} has no claim that something stays below or above a mark."
        head = (
            f"{self.holding} of {self.total} of {name}'s claims that something "
            f"stays below or above a mark, or does not happen, are holding"
        )
        if self.broken:
            head += f" ({self.broken} broken)"
        if self.nearest is None:
            return head + "; none has a value to measure its margin by yet."
        return (
            f"{head}; the nearest, {self.nearest.prediction}, is {self.nearest.words}."
        )


def is_negated(row: Mapping) -> bool:
    return row["comparison"] in NEGATED


def _closeness(row: Mapping) -> float | None:
    value, target = row["observed_value"], row["target"]
    if value is None or target is None or row["kind"] == Kind.EVENT:
        return None
    if row["comparison"] == Comparison.NOT_GTE:
        return value / target if target > 0 and value >= 0 else None
    return target / value if value > 0 and target >= 0 else None


def _nearest(row: Mapping, share: float) -> Nearest:
    orders = None
    if row["scale"] == Scale.LOG and share > 0:
        orders = abs(math.log10(share))
    days_left = (row["deadline"] - row["as_of"]).days
    return Nearest(row["prediction"], share, days_left / DAYS_PER_MONTH, orders)


def holding_of(rows: Iterable[Mapping]) -> Holding:
    """Count and measure a source's ``not_*`` claims.

    Each row needs ``prediction``, ``kind``, ``comparison``, ``status``,
    ``observed_value``, ``target``, ``deadline``, ``as_of`` (the score's day)
    and ``scale``; rows of other comparisons are skipped.
    """
    mine = [row for row in rows if is_negated(row) and row["kind"] != Kind.TREND]
    broken = sum(row["status"] == "resolved_false" for row in mine)
    open_rows = [
        row for row in mine if row["status"] not in ("resolved_true", "resolved_false")
    ]
    measured = [
        (share, row) for row in open_rows if (share := _closeness(row)) is not None
    ]
    nearest = None
    if measured:
        share, row = max(measured, key=lambda item: item[0])
        nearest = _nearest(row, share)
    return Holding(len(mine), len(mine) - broken, broken, nearest)
