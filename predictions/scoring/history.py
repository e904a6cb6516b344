"""The verdict over time: month-ends to score as of, and what each one says.

Pure Python; no Django, no I/O, no settings. ``manage.py rescore --history``
scores every prediction as of each month-end since its source's publication,
from the values public on that day, so no past standing uses hindsight. These
functions pick the days and reduce those scores to the series the pages chart.
"""

import statistics
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

from predictions.scoring import lean
from predictions.scoring.claims import NEGATED

RESOLVED = frozenset({"resolved_true", "resolved_false"})


def month_end(day: date) -> date:
    first_of_next = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def month_ends(start: date, end: date) -> list[date]:
    """Every last day of a month on or after ``start`` and on or before ``end``."""
    days, day = [], month_end(start)
    while day <= end:
        days.append(day)
        day = month_end(day + timedelta(days=1))
    return days


def median_paces(
    rows: Iterable[Mapping], months: Sequence[date], sources: Sequence[str]
) -> dict[str, list[float | None]]:
    """Per source, the median pace of its open claims toward a target at each
    month-end (None where it has none), as the scoreboard's median pace.

    Each row: ``source``, ``as_of``, ``status``, ``comparison``, ``pace_ratio``.
    """
    paces: dict[tuple[str, date], list[float]] = {}
    for row in rows:
        if (
            row["pace_ratio"] is not None
            and row["status"] not in RESOLVED
            and row["comparison"] not in NEGATED
        ):
            paces.setdefault((row["source"], row["as_of"]), []).append(
                row["pace_ratio"]
            )
    return {
        source: [
            statistics.median(paces[(source, day)]) if (source, day) in paces else None
            for day in months
        ]
        for source in sources
    }


def leans_by_month(
    standings: Iterable[tuple[str, date, lean.Standing]],
    months: Sequence[date],
    *,
    sides: tuple[str, str],
    questions: Mapping[str, str],
) -> dict[str, list[str | None]]:
    """Per question (slug → decider), its side at each month-end (None undecided).

    ``standings`` are (question slug, month-end, standing) triples; a month with
    no score of the question's claims leans nowhere.
    """
    grouped: dict[tuple[str, date], list[lean.Standing]] = {}
    for question, day, standing in standings:
        grouped.setdefault((question, day), []).append(standing)
    return {
        slug: [
            lean.lean_of(
                grouped.get((slug, day), ()), sides=sides, names={}, decider=decider
            ).side
            for day in months
        ]
        for slug, decider in questions.items()
    }


def lean_counts(
    leans: Mapping[str, Sequence[str | None]], months: Sequence[date], sides: tuple
) -> dict[str, list[int]]:
    """At each month-end: how many questions lean each side, and how many neither."""
    counts = {side: [0] * len(months) for side in (*sides, "undecided")}
    for series in leans.values():
        for index, side in enumerate(series):
            counts[side if side in sides else "undecided"][index] += 1
    return counts
