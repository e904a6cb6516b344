"""The report card: median share of the predicted move, per source and year."""

from datetime import date

import pytest

from predictions.scoring.report_card import grade


def row(**fields: object) -> dict:
    values = {
        "source": "ai2027",
        "source_name": "AI 2027",
        "deadline": date(2025, 12, 31),
        "kind": "value_at",
        "comparison": "gte",
        "status": "resolved_false",
        "has_baseline": True,
        "share": 0.5,
    }
    return values | fields


def test_a_period_is_the_median_share_of_its_resolved_rows() -> None:
    (period,) = grade([row(share=0.2), row(share=0.6), row(share=3.0)])
    assert period.median_share == pytest.approx(0.6)
    assert period.sentence == (
        "AI 2027's predictions due in 2025: the world covered 60% of the "
        "predicted distance (median of 3)."
    )


def test_periods_are_split_by_source_and_year_of_deadline() -> None:
    periods = grade(
        [
            row(deadline=date(2026, 6, 30)),
            row(),
            row(source="lambert", source_name="Lambert"),
        ]
    )
    assert [(p.source, p.year) for p in periods] == [
        ("ai2027", 2025),
        ("ai2027", 2026),
        ("lambert", 2025),
    ]


def test_rows_without_a_share_are_counted_with_their_reason() -> None:
    (period,) = grade(
        [
            row(status="behind"),
            row(status="unresolvable", share=None),
            row(has_baseline=False, share=None),
            row(kind="event", share=None),
            row(comparison="not_gte"),
        ]
    )
    assert period.median_share is None
    assert period.not_graded == {
        "negated": 1,
        "no_distance": 1,
        "no_baseline": 1,
        "no_data": 1,
        "open": 1,
    }
    assert period.due == 5
    assert "none graded yet (1 says something will not happen" in period.sentence
