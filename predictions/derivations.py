"""Derived probabilities: an event's chance read off its source's published
quantiles (``predictions.scoring.distributions``), as the questions declare them.

A question's ``derivations`` name an event prediction and the quantile
forecasts of the same quantity it is read from (AI 2027's superhuman coder in
March 2027, from its authors' arrival-year percentiles). Two queries whatever
the number of predictions.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from predictions.models import Prediction, Question
from predictions.scoring import distributions
from predictions.scoring.claims import Comparison, Kind


@dataclass(frozen=True)
class DerivedProbability:
    probability: float
    method: str


def derived_probabilities(rows: Iterable[dict]) -> dict[int, DerivedProbability]:
    """By prediction pk: the derived probability of each event row (a rescore's
    ``PREDICTION_FIELDS``) that has none in the record and a declared derivation
    whose quantiles cover its deadline."""
    events = {
        row["slug"]: row
        for row in rows
        if row["probability"] is None and row["kind"] == Kind.EVENT
    }
    if not events:
        return {}
    plans: dict[str, list[str]] = {}
    for derivations in Question.objects.values_list("derivations", flat=True):
        for item in derivations:
            if item["prediction"] in events:
                plans.setdefault(item["prediction"], []).extend(item["distributions"])
    named = {slug for slugs in plans.values() for slug in slugs}
    quantiles = dict(
        Prediction.objects.filter(slug__in=named).values_list("slug", "quantiles")
    )
    derived = {}
    for slug, forecasts in plans.items():
        row = events[slug]
        result = _derive(row, {name: quantiles.get(name) or [] for name in forecasts})
        if result is not None:
            derived[row["pk"]] = result
    return derived


def _number(value: object) -> str:
    return value if isinstance(value, str) else f"{value:g}"


def _derive(row: dict, forecasts: dict[str, list]) -> DerivedProbability | None:
    happens = row["comparison"] == Comparison.GTE
    readings = []
    for name, pairs in forecasts.items():
        reading = distributions.probability_of_event(
            pairs, row["deadline"], happens=happens
        )
        if reading.probability is None:
            return None  # outside a forecast's quantiles: nothing to derive
        listed = ", ".join(f"{level:.0%}: {_number(value)}" for level, value in pairs)
        readings.append((name, listed, reading.probability))
    if not readings:
        return None
    probability = sum(p for _, _, p in readings) / len(readings)
    event = "happens" if happens else "does not happen"
    parts = "; ".join(
        f"{name} ({listed}) gives {p:.1%}" for name, listed, p in readings
    )
    method = (
        f"Derived: P(it {event} by {row['deadline'].isoformat()}) read off the "
        f"piecewise-linear CDF of the quantiles of {parts}"
        + (f"; the mean is {probability:.1%}." if len(readings) > 1 else ".")
    )
    return DerivedProbability(probability, method)
