"""The report card: how far the world got along each source's predicted paths.

Pure Python; no Django, no I/O, no settings. A forecaster grading their own
quantitative predictions asks, of each one whose deadline came: what share of
the move I predicted from the baseline actually happened by then? That share is
the resolved claim's pace at the deadline (``predictions.scoring``): 1 means the
world went exactly as far as predicted, 0.5 half as far, 0 nowhere, above 1
further. The card is the median share per source and period (the year of the
deadline), so one wild miss does not swamp the rest, and it lists every row,
so anyone can recompute it.

Only resolved threshold, value_at and interval claims with a baseline have a
share. The others due in the period are counted with the reason they are not
graded: still open, no deciding value yet, no baseline (so no predicted
distance), an event or trend claim (no distance at all), or a claim that
something will *not* happen,
whose standing is how many hold, not how far the world went.
"""

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from predictions.scoring.claims import NEGATED, VALUE_KINDS

RESOLVED = frozenset({"resolved_true", "resolved_false"})

METHOD = (
    "For every resolved prediction about a quantity with a stated baseline: the "
    "share of the predicted move that happened by its deadline, (value - "
    "baseline) / (target - baseline), on the indicator's scale. On a log "
    "indicator that is in ln units, so a doubling on the way to a tenfold target "
    "counts as 30%; an interval's target is its midpoint (geometric on a log "
    "indicator). The value is the one the verdict rests on, listed in each row: "
    "for a value_at or interval claim the value nearest the deadline, for a "
    "threshold claim the first value to meet its target, or the last one by the "
    "deadline when none did. Each period is a source's predictions due in one "
    "calendar year; its figure is the median share of the rows listed under it."
)
# Why a row due in the period has no share, in the order they are checked:
# (one row, several rows).
NOT_GRADED_WORDS = {
    "negated": (
        "says something will not happen (counted as holding or broken)",
        "say something will not happen (counted as holding or broken)",
    ),
    "no_distance": (
        "is an event or trend, with no distance to cover",
        "are events or trends, with no distance to cover",
    ),
    "no_baseline": (
        "has no baseline, so no predicted distance",
        "have no baseline, so no predicted distance",
    ),
    "no_data": (
        "has no deciding value yet",
        "have no deciding value yet",
    ),
    "open": ("is not resolved yet", "are not resolved yet"),
}
NOT_GRADED = {reason: words[1] for reason, words in NOT_GRADED_WORDS.items()}


@dataclass(frozen=True)
class Period:
    source: str  # the source's slug
    source_name: str
    year: int
    rows: tuple[Mapping, ...]  # graded, each with its "share"
    median_share: float | None
    not_graded: dict[str, int] = field(default_factory=dict)

    @property
    def due(self) -> int:
        return len(self.rows) + sum(self.not_graded.values())

    @property
    def sentence(self) -> str:
        head = f"{self.source_name}'s predictions due in {self.year}"
        if self.median_share is None:
            return f"{head}: none graded yet ({self.why_not_graded()})."
        return (
            f"{head}: the world covered {self.median_share:.0%} of the predicted "
            f"distance (median of {len(self.rows)})."
        )

    def why_not_graded(self) -> str:
        parts = [
            f"{count} {NOT_GRADED_WORDS[reason][count != 1]}"
            for reason, count in self.not_graded.items()
            if count
        ]
        return "; ".join(parts) or "nothing else due"


def why_ungraded(row: Mapping) -> str | None:
    """None when the row has a share; else the key of ``NOT_GRADED``."""
    if row["comparison"] in NEGATED:
        return "negated"
    if row["kind"] not in VALUE_KINDS:
        return "no_distance"
    if not row["has_baseline"]:
        return "no_baseline"
    if row["status"] in (None, "unresolvable"):
        return "no_data"
    if row["status"] not in RESOLVED or row["share"] is None:
        return "open"
    return None


def grade(rows: Iterable[Mapping]) -> list[Period]:
    """Periods by source (in the order first met) and year, oldest first.

    Each row needs ``source``, ``source_name``, ``deadline`` (a date), ``kind``,
    ``comparison``, ``status``, ``has_baseline`` and ``share`` (the score's
    ``progress_actual``); any other keys pass through to the listed rows.
    """
    groups: dict[tuple[str, int], list[Mapping]] = {}
    names: dict[str, str] = {}
    for row in rows:
        names.setdefault(row["source"], row["source_name"])
        groups.setdefault((row["source"], row["deadline"].year), []).append(row)
    order = list(names)
    periods = []
    for (source, year), members in sorted(
        groups.items(), key=lambda item: (order.index(item[0][0]), item[0][1])
    ):
        graded, not_graded = [], dict.fromkeys(NOT_GRADED, 0)
        for row in members:
            reason = why_ungraded(row)
            if reason is None:
                graded.append(row)
            else:
                not_graded[reason] += 1
        shares = [row["share"] for row in graded]
        periods.append(
            Period(
                source=source,
                source_name=names[source],
                year=year,
                rows=tuple(graded),
                median_share=statistics.median(shares) if shares else None,
                not_graded=not_graded,
            )
        )
    return periods
