"""A synthetic record at any size, for benchmarks and scale tests.

``build_synthetic_record(predictions=1000, indicators=100, observations=1_000_000)``
adds two sources (ai2027 and lambert), ``indicators`` indicators (half on a log
scale), ``observations`` observations spread evenly over them (up to three
sources a day on a noisy trend) and ``predictions`` predictions of every kind
spread over the indicators. Observations go in with one ``COPY`` on PostgreSQL
and ``bulk_create`` elsewhere; no history rows are written.
"""

import datetime

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from indicators.models import Category, Indicator, Observation, Origin, Scale
from predictions.models import Comparison, Kind, Prediction, Source

END = datetime.date(2025, 11, 1)
SOURCES_PER_DAY = 3
BASELINE_DATE = datetime.date(2024, 1, 1)
KINDS = [Kind.THRESHOLD, Kind.VALUE_AT, Kind.INTERVAL, Kind.TREND, Kind.THRESHOLD]
COMPARISONS = [Comparison.GTE, Comparison.GTE, Comparison.LTE, Comparison.NOT_GTE]
COPY_COLUMNS = (
    "indicator_id, date, value, is_estimate, tier, published_on, source_url, "
    "source_title, note, origin, created_at, updated_at"
)


@transaction.atomic
def build_synthetic_record(
    *, predictions: int, indicators: int, observations: int, seed: int = 0
) -> None:
    rng = np.random.default_rng(seed)
    sources = _create_sources()
    created = _create_indicators(indicators, seed)
    trends = {indicator.pk: _trend(indicator, rng) for indicator in created}
    _create_observations(created, trends, observations, rng)
    _create_predictions(created, trends, sources, predictions, rng, seed)


def _create_sources() -> list[Source]:
    details = [
        ("ai2027", "AI 2027", "AI Futures Project", "https://example.org/ai-2027"),
        (
            "lambert",
            "Lambert's rebuttal",
            "Nathan Lambert",
            "https://example.org/interconnects",
        ),
    ]
    return [
        Source.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "authors": authors,
                "url": url,
                "published": datetime.date(2025, 4, 3),
            },
        )[0]
        for slug, name, authors, url in details
    ]


def _create_indicators(count: int, seed: int) -> list[Indicator]:
    categories = list(Category.values)
    return Indicator.objects.bulk_create(
        Indicator(
            slug=f"synthetic-{seed}-{i}",
            name=f"Synthetic indicator {seed}-{i}",
            description="A synthetic indicator for benchmarks.",
            unit="units",
            scale=Scale.LOG if i % 2 else Scale.LINEAR,
            category=categories[i % len(categories)],
        )
        for i in range(count)
    )


def _trend(indicator: Indicator, rng: np.random.Generator) -> tuple[float, float]:
    """(level at END, yearly growth): ln units on a log scale."""
    if indicator.scale == Scale.LOG:
        return float(rng.uniform(1, 6)), float(rng.uniform(0.2, 1.2))
    return float(rng.uniform(30, 70)), float(rng.uniform(2, 12))


def _series(trend, scale: str, count: int, rng: np.random.Generator):
    offsets = np.arange(count) // SOURCES_PER_DAY
    days = END.toordinal() - offsets[::-1]
    level, growth = trend
    years = (days - END.toordinal()) / 365.25
    values = level + growth * years + rng.normal(0, 0.05 * growth + 0.01, count)
    if scale == Scale.LOG:
        values = np.exp(values)
    return days, values


def _create_observations(created, trends, total: int, rng) -> None:
    per_indicator = np.full(len(created), total // len(created))
    per_indicator[: total % len(created)] += 1
    batches = [
        (indicator.pk, *_series(trends[indicator.pk], indicator.scale, n, rng))
        for indicator, n in zip(created, per_indicator, strict=True)
    ]
    if connection.vendor == "postgresql":
        _copy_observations(batches)
    else:
        _insert_observations(batches)


def _rows(batches):
    for pk, days, values in batches:
        for i, (day, value) in enumerate(zip(days, values, strict=True)):
            url = f"https://example.org/synthetic/{i % SOURCES_PER_DAY}"
            yield pk, datetime.date.fromordinal(int(day)), float(value), url


def _copy_observations(batches) -> None:
    now = timezone.now()
    query = f"COPY indicators_observation ({COPY_COLUMNS}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(query) as copy:
        for pk, day, value, url in _rows(batches):
            copy.write_row(
                (pk, day, value, False, "primary", day, url, "Synthetic", "")
                + ("seed", now, now)
            )


def _insert_observations(batches) -> None:
    Observation.objects.bulk_create(
        (
            Observation(
                indicator_id=pk,
                date=day,
                value=value,
                published_on=day,
                source_url=url,
                source_title="Synthetic",
                origin=Origin.SEED,
            )
            for pk, day, value, url in _rows(batches)
        ),
        batch_size=5000,
    )


def _create_predictions(created, trends, sources, count: int, rng, seed: int):
    rows = []
    for i in range(count):
        indicator = created[i % len(created)]
        # Both sources on every indicator, so that head to head has work to do.
        source = sources[(i // len(created)) % 2]
        rows.append(_prediction(i, indicator, trends[indicator.pk], source, rng, seed))
    Prediction.objects.bulk_create(rows, batch_size=1000)


def _prediction(i, indicator, trend, source, rng, seed: int) -> Prediction:
    level, growth = trend
    kind = KINDS[i % len(KINDS)]
    deadline = END + datetime.timedelta(days=int(rng.integers(-500, 1500)))
    years = (deadline - END).days / 365.25
    planned = level + growth * years * float(rng.uniform(0.6, 1.5))
    base = level + growth * (BASELINE_DATE - END).days / 365.25
    to_units = np.exp if indicator.scale == Scale.LOG else float
    target = float(to_units(planned))
    spread = abs(growth) * 0.5
    has_probability = i % 3 != 2
    return Prediction(
        slug=f"synthetic-{seed}-{i}",
        source=source,
        indicator=indicator,
        category=indicator.category,
        kind=kind,
        comparison=COMPARISONS[i % len(COMPARISONS)] if kind != Kind.EVENT else "gte",
        target=None if kind in (Kind.INTERVAL, Kind.TREND) else target,
        target_low=float(to_units(planned - spread)) if kind == Kind.INTERVAL else None,
        target_high=float(to_units(planned + spread))
        if kind == Kind.INTERVAL
        else None,
        interval_coverage=0.8 if kind == Kind.INTERVAL else None,
        deadline=deadline,
        baseline_value=float(to_units(base)),
        baseline_date=min(BASELINE_DATE, deadline),
        probability=float(rng.uniform(0.05, 0.95)) if has_probability else None,
        claim=f"Synthetic claim {i}.",
        citation_url="https://example.org/synthetic",
        citation_section="Synthetic",
    )
