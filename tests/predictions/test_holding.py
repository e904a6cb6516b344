"""'Stays below / does not happen by' claims: how many hold, how close the nearest."""

from datetime import date

import pytest

from predictions.scoring.holding import holding_of

AS_OF = date(2025, 10, 31)


def row(**fields: object) -> dict:
    values = {
        "prediction": "lambert-below",
        "kind": "threshold",
        "comparison": "not_gte",
        "status": "ahead",
        "observed_value": 1.24,
        "target": 2.0,
        "deadline": date(2026, 12, 31),
        "as_of": AS_OF,
        "scale": "linear",
    }
    return values | fields


def test_the_nearest_claim_is_given_as_a_share_of_its_threshold_and_time_left():
    guard = holding_of([row()])
    assert guard.nearest.share == pytest.approx(0.62)
    assert guard.nearest.months_left == pytest.approx(14.0, abs=0.1)
    assert guard.sentence("Lambert").endswith(
        "the nearest, lambert-below, is at 62% of its threshold, "
        "14 months before its deadline."
    )


def test_a_broken_claim_is_counted_and_never_the_nearest() -> None:
    guard = holding_of(
        [
            row(prediction="far", observed_value=0.5),
            row(prediction="broken", status="resolved_false", observed_value=3.0),
        ]
    )
    assert (guard.total, guard.holding, guard.broken) == (2, 1, 1)
    assert guard.nearest.prediction == "far"


def test_a_stays_above_claim_is_near_as_its_value_falls_toward_the_mark() -> None:
    guard = holding_of([row(comparison="not_lte", observed_value=20.0, target=15.0)])
    assert guard.nearest.share == pytest.approx(0.75)


def test_a_log_indicator_gives_the_gap_in_orders_of_magnitude() -> None:
    guard = holding_of([row(scale="log", observed_value=1e26, target=1e28)])
    assert guard.nearest.orders_of_magnitude == pytest.approx(2.0)
    assert "2.0 orders of magnitude away" in guard.nearest.words


def test_claims_that_something_happens_are_not_counted() -> None:
    assert holding_of([row(comparison="gte")]).total == 0


def test_an_event_that_has_not_happened_holds_with_no_margin_to_measure() -> None:
    guard = holding_of([row(kind="event", observed_value=0.0, target=1.0)])
    assert (guard.holding, guard.nearest) == (1, None)
