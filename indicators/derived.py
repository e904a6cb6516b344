"""Derived indicators: values computed from other indicators by a declared formula.

A derivation names its formula and its input indicators (``Derivation``).
``compute`` is pure: deciding input values in, derived points out, each
listing the inputs it was made from. ``recompute`` runs in the rescore path:
when an input changes, its derived indicators are recomputed and written
through the bulk path, and replaced values that no input supports any more
are removed (they are the tracker's own arithmetic, not a producer's record).

Formulas:
- ``sum``: the inputs added up per period (a year, or an exact date), only
  where every input has a value for that period;
- ``growth``: one input's change over the value a year earlier, in percent;
  ``factor``: the same as a ratio (2 for a doubling);
- ``return``: one input's change from its last value on or before ``start``
  to each later value, in percent;
- ``share``: the first input over the second, in percent, per period;
- ``calendar``: a company's fiscal-year totals (the first input) moved to the
  calendar year with its year-to-date totals at December 31 (the second): the
  fiscal year ending in year Y, less its part in Y-1 (the year-to-date at
  December 31 of Y-1), plus the next fiscal year's part in Y (the year-to-date
  at December 31 of Y). For a fiscal year that ends in March, June or
  September, as Microsoft's ends on June 30.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from indicators.models import (
    DECIDING_TIERS,
    Derivation,
    Formula,
    Indicator,
    Observation,
    Origin,
    Period,
    Tier,
)
from indicators.upsert import ObservationRow, bulk_upsert_observations

# A year-on-year comparison takes the input's value 365 days earlier, give or
# take this much (a quarter's end moves by a day or two between years).
GROWTH_TOLERANCE_DAYS = 10


@dataclass(frozen=True)
class Point:
    """One deciding input value."""

    indicator: str
    date: datetime.date
    value: float
    tier: str
    published_on: datetime.date
    source_url: str


@dataclass(frozen=True)
class DerivedPoint:
    date: datetime.date
    value: float
    inputs: tuple[Point, ...]

    @property
    def tier(self) -> str:
        # Press if any input is press: a sum is only as strong as its parts.
        tiers = {point.tier for point in self.inputs}
        return Tier.PRESS if Tier.PRESS in tiers else Tier.PRIMARY

    @property
    def published_on(self) -> datetime.date:
        return max(point.published_on for point in self.inputs)

    def note(self, formula: str) -> str:
        parts = "; ".join(
            f"{p.indicator} {p.date} = {p.value:g} ({p.source_url})"
            for p in self.inputs
        )
        return f"Derived ({formula}) from: {parts}"


def _period_key(day: datetime.date, period: str) -> object:
    return day.year if period == Period.YEAR else day


def _latest_per_period(points: Sequence[Point], period: str) -> dict:
    latest: dict = {}
    for point in sorted(points, key=lambda p: p.date):
        latest[_period_key(point.date, period)] = point
    return latest


def compute(
    formula: str,
    inputs: Sequence[Sequence[Point]],
    *,
    period: str = Period.DATE,
    start: datetime.date | None = None,
) -> list[DerivedPoint]:
    """The derived series for ``inputs`` (one list of points per input)."""
    if formula in (Formula.SUM, Formula.SHARE):
        by_period = [_latest_per_period(points, period) for points in inputs]
        shared = set.intersection(*(set(keyed) for keyed in by_period))
        result = []
        for key in sorted(shared):
            parts = tuple(keyed[key] for keyed in by_period)
            day = max(part.date for part in parts)
            if formula == Formula.SUM:
                value = sum(part.value for part in parts)
            elif parts[1].value == 0:
                continue
            else:
                value = 100 * parts[0].value / parts[1].value
            result.append(DerivedPoint(day, value, parts))
        return result
    if formula == Formula.CALENDAR:
        return _calendar_years(*inputs)
    (points,) = inputs
    ordered = sorted(points, key=lambda p: p.date)
    if formula in (Formula.GROWTH, Formula.FACTOR):
        return [
            DerivedPoint(point.date, _growth(formula, before, point), (before, point))
            for point in ordered
            if (before := _a_year_before(ordered, point)) is not None
            and before.value != 0
        ]
    if formula == Formula.RETURN:
        base = [p for p in ordered if start is not None and p.date <= start]
        if not base or base[-1].value == 0:
            return []
        first = base[-1]
        return [
            DerivedPoint(p.date, 100 * (p.value / first.value - 1), (first, p))
            for p in ordered
            if p.date > start
        ]
    raise ValueError(f"unknown formula {formula!r}")


def compute_derivation(
    derivation: Derivation, inputs: Sequence[Sequence[Point]]
) -> list[DerivedPoint]:
    """``compute`` with a derivation's formula, period and start."""
    return compute(
        derivation.formula, inputs, period=derivation.period, start=derivation.start
    )


def _calendar_years(
    fiscal_years: Sequence[Point], to_december: Sequence[Point]
) -> list[DerivedPoint]:
    """Each December 31 with the year-to-date a year before it and the fiscal
    year that ends between the two: that fiscal year's total, less its part
    before January 1, plus the next fiscal year's part up to December 31."""
    ordered = sorted(to_december, key=lambda p: p.date)
    result = []
    for point in ordered:
        before = _a_year_before(ordered, point)
        if before is None:
            continue
        ending = [f for f in fiscal_years if before.date < f.date < point.date]
        if len(ending) != 1:
            continue
        (fiscal,) = ending
        value = fiscal.value - before.value + point.value
        result.append(DerivedPoint(point.date, value, (fiscal, before, point)))
    return result


def _growth(formula: str, before: Point, point: Point) -> float:
    ratio = point.value / before.value
    return ratio if formula == Formula.FACTOR else 100 * (ratio - 1)


def _a_year_before(ordered: Sequence[Point], point: Point) -> Point | None:
    target = point.date - datetime.timedelta(days=365)
    near = [
        p
        for p in ordered
        if abs((p.date - target).days) <= GROWTH_TOLERANCE_DAYS and p.date < point.date
    ]
    return min(near, key=lambda p: abs((p.date - target).days), default=None)


# --- the database side ----------------------------------------------------------


def source_url(indicator: Indicator) -> str:
    """Where a derived value is published: the tracker's own indicator page."""
    return f"{settings.SITE_URL.rstrip('/')}/indicators/{indicator.slug}/"


def derivations_using(indicator_ids: Iterable[int]) -> list[Derivation]:
    """The derivations of these indicators, those with an input among them, and
    so on down the chain (a derivation may use another's indicator), each after
    the derivations its inputs come from."""
    wanted = set(indicator_ids)
    slugs = set(Indicator.objects.filter(pk__in=wanted).values_list("slug", flat=True))
    chosen = []
    # In dependency order, one pass follows every chain to its end.
    for derivation in in_dependency_order(
        list(Derivation.objects.select_related("indicator"))
    ):
        if derivation.indicator_id in wanted or slugs & set(derivation.inputs):
            chosen.append(derivation)
            slugs.add(derivation.indicator.slug)
    return chosen


def in_dependency_order(derivations: Sequence[Derivation]) -> list[Derivation]:
    """Each derivation after those whose indicators it takes as inputs."""
    pending = list(derivations)
    done: list[Derivation] = []
    while pending:
        made = {d.indicator.slug for d in pending}
        ready = [d for d in pending if not made & set(d.inputs)]
        if not ready:  # a cycle (each derived from the other): no order fits
            ready = pending
        done += ready
        pending = [d for d in pending if d not in ready]
    return done


def recompute(indicator_ids: Iterable[int] | None = None) -> list[int]:
    """Recompute the derivations that use these indicators (all if None), the
    derivations that use theirs in turn, inputs first; returns the ids of the
    derived indicators whose values changed."""
    derivations = (
        in_dependency_order(list(Derivation.objects.select_related("indicator")))
        if indicator_ids is None
        else derivations_using(indicator_ids)
    )
    changed = []
    for derivation in derivations:
        points = compute_derivation(
            derivation, [_points(slug) for slug in derivation.inputs]
        )
        indicator = derivation.indicator
        url = source_url(indicator)
        rows = [
            ObservationRow(
                indicator_id=indicator.pk,
                date=point.date,
                value=point.value,
                low=None,
                high=None,
                is_estimate=False,
                tier=point.tier,
                source_url=url,
                source_title=f"Derived: {indicator.name}",
                note=point.note(derivation.formula),
                published_on=point.published_on,
            )
            for point in points
        ]
        with transaction.atomic():
            counts = bulk_upsert_observations(rows, origin=Origin.DERIVED)
            kept = {point.date for point in points}
            stale = Observation.objects.filter(
                indicator=indicator, origin=Origin.DERIVED, source_url=url
            ).exclude(date__in=kept)
            removed, _ = stale.delete()
        if counts.new or counts.changed or removed:
            changed.append(indicator.pk)
    return changed


def _points(slug: str) -> list[Point]:
    rows = (
        Observation.objects.deciding()
        .filter(indicator__slug=slug)
        .order_by("date", "id")
        .values_list("date", "value", "tier", "published_on", "source_url")
    )
    return [Point(slug, *row) for row in rows if row[2] in DECIDING_TIERS]
