"""Derived indicators: sums, growth, returns and shares of other indicators."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from indicators import derived
from indicators.derived import Point
from indicators.models import Derivation, Observation, Origin
from predictions import services
from predictions.models import Kind, Status
from tests.factories import IndicatorFactory, ObservationFactory, PredictionFactory

D = datetime.date


def point(indicator: str, day: datetime.date, value: float, tier="primary") -> Point:
    return Point(indicator, day, value, tier, day, f"https://example.org/{indicator}")


def test_a_sum_adds_the_inputs_of_each_year_where_all_have_a_value():
    msft = [point("msft", D(2024, 6, 30), 44), point("msft", D(2025, 6, 30), 64)]
    goog = [point("goog", D(2024, 12, 31), 52), point("goog", D(2025, 12, 31), 91)]
    meta = [point("meta", D(2025, 12, 31), 70)]

    points = derived.compute("sum", [msft, goog, meta], period="year")

    assert [(p.date, p.value) for p in points] == [(D(2025, 12, 31), 225)]
    assert [p.indicator for p in points[0].inputs] == ["msft", "goog", "meta"]


def test_growth_compares_with_the_value_a_year_earlier():
    series = [point("x", D(2024, 12, 31), 200), point("x", D(2025, 12, 31), 300)]

    (growth,) = derived.compute("growth", [series])

    assert (growth.date, growth.value) == (D(2025, 12, 31), 50)


def test_a_return_runs_from_the_last_value_on_or_before_the_start():
    series = [
        point("sp", D(2025, 12, 31), 6000),
        point("sp", D(2026, 6, 30), 6600),
        point("sp", D(2026, 11, 30), 5700),
    ]

    points = derived.compute("return", [series], start=D(2025, 12, 31))

    assert [(p.date, round(p.value, 6)) for p in points] == [
        (D(2026, 6, 30), 10),
        (D(2026, 11, 30), -5),
    ]


def test_a_share_divides_the_first_input_by_the_second_on_the_same_date():
    part = [point("part", D(2025, 12, 31), 15)]
    whole = [point("whole", D(2025, 12, 31), 60), point("whole", D(2024, 12, 31), 9)]

    (share,) = derived.compute("share", [part, whole])

    assert share.value == 25


def test_calendar_moves_a_june_fiscal_year_to_the_calendar_year():
    # Fiscal years to June 30 and the six months to each December 31.
    fiscal = [point("fy", D(2024, 6, 30), 44.5), point("fy", D(2025, 6, 30), 64.6)]
    first_half = [
        point("h1", D(2023, 12, 31), 21.0),
        point("h1", D(2024, 12, 31), 35.0),
        point("h1", D(2025, 12, 31), 50.0),
    ]

    points = derived.compute("calendar", [fiscal, first_half])

    # 2024: fiscal 2024 less July-December 2023 plus July-December 2024.
    assert [(p.date, p.value) for p in points] == [
        (D(2024, 12, 31), pytest.approx(44.5 - 21 + 35)),
        (D(2025, 12, 31), pytest.approx(64.6 - 35 + 50)),
    ]
    assert [p.indicator for p in points[0].inputs] == ["fy", "h1", "h1"]


def test_calendar_needs_the_fiscal_year_between_two_decembers():
    first_half = [point("h1", D(2023, 12, 31), 21), point("h1", D(2024, 12, 31), 35)]

    # No fiscal year ends between them, or no December a year earlier.
    assert derived.compute("calendar", [[], first_half]) == []
    assert (
        derived.compute("calendar", [[point("fy", D(2025, 6, 30), 64)], first_half[1:]])
        == []
    )


def test_a_derived_value_is_press_if_any_input_is_and_public_when_the_last_was():
    a = Point(
        "a", D(2025, 12, 31), 1, "primary", D(2026, 1, 30), "https://a.example.com"
    )
    b = Point("b", D(2025, 12, 31), 2, "press", D(2026, 2, 5), "https://b.example.com")

    (total,) = derived.compute("sum", [[a], [b]])

    assert (total.tier, total.published_on) == ("press", D(2026, 2, 5))
    assert "a 2025-12-31 = 1 (https://a.example.com)" in total.note("sum")


@pytest.mark.django_db
def test_a_share_takes_two_inputs():
    derivation = Derivation(
        indicator=IndicatorFactory(), formula="share", inputs=["only-one"]
    )
    with pytest.raises(ValidationError, match="share takes 2 input"):
        derivation.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["full", "incremental"])
def test_a_derivation_of_a_derived_indicator_is_recomputed_after_it(path):
    part = IndicatorFactory(slug="capex-part")
    total = IndicatorFactory(slug="capex-total", min_value=0, max_value=None)
    growth = IndicatorFactory(slug="capex-growth", min_value=None, max_value=None)
    # The growth is declared first: the order of the record must not matter.
    Derivation.objects.create(indicator=growth, formula="growth", inputs=[total.slug])
    Derivation.objects.create(indicator=total, formula="sum", inputs=[part.slug])
    ObservationFactory(indicator=part, date=D(2024, 12, 31), value=200)
    ObservationFactory(indicator=part, date=D(2025, 12, 31), value=300)

    if path == "full":
        services.rescore_predictions()
    else:
        services.rescore_indicators(indicator_ids=[part.pk])

    (row,) = Observation.objects.filter(indicator=growth)
    assert (row.date, row.value) == (D(2025, 12, 31), 50)


@pytest.mark.django_db
def test_a_new_input_value_recomputes_the_sum_and_rescores_its_predictions():
    a = IndicatorFactory(slug="capex-a")
    b = IndicatorFactory(slug="capex-b")
    total = IndicatorFactory(slug="capex-total", min_value=0, max_value=None)
    Derivation.objects.create(indicator=total, formula="sum", inputs=[a.slug, b.slug])
    prediction = PredictionFactory(
        indicator=total,
        kind=Kind.THRESHOLD,
        target=100.0,
        deadline=D(2030, 12, 31),
        baseline_value=10.0,
        baseline_date=D(2024, 12, 31),
    )
    ObservationFactory(indicator=a, date=D(2025, 12, 31), value=60)
    ObservationFactory(indicator=b, date=D(2025, 12, 31), value=30)
    services.rescore_indicators(indicator_ids=[a.pk])
    row = Observation.objects.get(indicator=total)
    assert (row.value, row.origin) == (90, Origin.DERIVED)
    assert "capex-a 2025-12-31 = 60" in row.note

    ObservationFactory(
        indicator=b, date=D(2025, 12, 31), value=45, source_url="https://example.org/b"
    )
    Observation.objects.filter(indicator=b, value=30).update(tier="aggregator")
    services.rescore_indicators(indicator_ids=[b.pk])

    assert Observation.objects.get(indicator=total).value == 105
    prediction.refresh_from_db()
    assert prediction.current_score.status == Status.RESOLVED_TRUE


@pytest.mark.django_db
def test_recomputing_twice_writes_nothing_new_and_drops_what_no_input_supports():
    a = IndicatorFactory(slug="level")
    growth = IndicatorFactory(slug="level-growth", min_value=None, max_value=None)
    Derivation.objects.create(indicator=growth, formula="growth", inputs=["level"])
    ObservationFactory(indicator=a, date=D(2024, 12, 31), value=50)
    last = ObservationFactory(indicator=a, date=D(2025, 12, 31), value=75)

    assert derived.recompute([a.pk]) == [growth.pk]
    assert derived.recompute([a.pk]) == []
    last.delete()
    derived.recompute([a.pk])

    assert not Observation.objects.filter(indicator=growth).exists()


def test_a_factor_is_the_ratio_to_the_value_a_year_earlier():
    series = [point("x", D(2024, 12, 31), 200), point("x", D(2025, 12, 31), 300)]

    (factor,) = derived.compute("factor", [series])

    assert factor.value == 1.5
