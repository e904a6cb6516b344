"""The verdict over time: month-ends, and what each one says."""

from datetime import date

from predictions.scoring.history import (
    lean_counts,
    leans_by_month,
    median_paces,
    month_ends,
)
from predictions.scoring.lean import Standing

MONTHS = [date(2025, 4, 30), date(2025, 5, 31)]


def test_month_ends_run_from_the_month_of_publication_to_the_last_one_passed():
    assert month_ends(date(2025, 4, 3), date(2025, 7, 15)) == [
        date(2025, 4, 30),
        date(2025, 5, 31),
        date(2025, 6, 30),
    ]


def test_month_ends_cross_a_year_and_keep_february_short() -> None:
    assert month_ends(date(2025, 12, 1), date(2026, 2, 28)) == [
        date(2025, 12, 31),
        date(2026, 1, 31),
        date(2026, 2, 28),
    ]


def pace_row(**fields: object) -> dict:
    values = {
        "source": "ai2027",
        "as_of": MONTHS[0],
        "status": "behind",
        "comparison": "gte",
        "pace_ratio": 0.5,
    }
    return values | fields


def test_the_median_pace_of_a_month_leaves_out_resolved_and_stays_below_claims():
    rows = [
        pace_row(pace_ratio=0.4),
        pace_row(pace_ratio=0.6),
        pace_row(pace_ratio=9.0, status="resolved_true"),
        pace_row(pace_ratio=9.0, comparison="not_gte"),
    ]
    assert median_paces(rows, MONTHS, ["ai2027", "lambert"]) == {
        "ai2027": [0.5, None],
        "lambert": [None, None],
    }


def test_a_question_leans_month_by_month_on_that_months_scores() -> None:
    def claim(status: str, outcome: bool | None = None) -> Standing:
        return Standing(
            prediction="a",
            source="ai2027",
            comparison="gte",
            deadline=date(2025, 5, 1),
            status=status,
            outcome=outcome,
        )

    triples = [
        ("q", MONTHS[0], claim("unresolvable")),
        ("q", MONTHS[1], claim("resolved_false", outcome=False)),
    ]
    leans = leans_by_month(
        triples, MONTHS, sides=("ai2027", "lambert"), questions={"q": "D."}
    )
    assert leans == {"q": [None, "lambert"]}
    assert lean_counts(leans, MONTHS, ("ai2027", "lambert")) == {
        "ai2027": [0, 0],
        "lambert": [0, 1],
        "undecided": [1, 0],
    }
