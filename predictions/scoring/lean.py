"""Which way a question leans: the side its claims' standings favour, and why.

Pure Python; no Django, no I/O, no settings. A question holds claims of two
sides about one quantity. Each claim's current standing casts a vote for its
own side or for the other, on the strongest evidence there is, in this order:

1. resolved: a claim that came true favours its side, one that did not the
   other side;
2. pace (open threshold, value_at and interval claims with a baseline): at or
   above the predicted pace (ratio >= 1) the world is heading for the target,
   which favours a claim that it gets there and the other side of a claim
   that it will not (``not_*``); below it, the reverse;
3. the trend projection: a probability of coming true of 0.5 or more favours
   the claim's side, below it the other side; the 90% band at the deadline
   is quoted with it.

Only the strongest kind of evidence present counts: once any claim of the
question is resolved, pace and projections are context. The side with more
votes is the lean; equal votes leave it undecided, with both named. A claim
with no observation since publication casts no vote; when none does, the
question says so and what would decide it, or, if some have values but none a
reading (an event not yet happened), that it is not decided yet.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from predictions.scoring.claims import NEGATED

RESOLVED = frozenset({"resolved_true", "resolved_false"})
METHOD = (
    "Each claim of a question votes for its own side or for the other, on the "
    "strongest evidence there is. Resolved: a claim that came true favours its "
    "side, one that did not the other side. Pace: at or above the predicted "
    "pace the world is heading for the target, which favours a claim that it "
    "gets there and the other side of a claim that it will not; below the pace, "
    "the reverse. Trend: a projected chance of coming true of 50% or more "
    "favours the claim's side. Only the strongest kind present counts (once a "
    "claim is resolved, paces are context); the side with more votes is the "
    "lean, and equal votes leave the question undecided. Without any data since "
    "publication, the question says what would decide it."
)
BASES = ("resolved", "pace", "projection")
PACE_PAR = 1.0
PROJECTION_PAR = 0.5


@dataclass(frozen=True)
class Standing:
    """One claim's current standing, as the lean reads it."""

    prediction: str
    source: str
    comparison: str
    deadline: date
    status: str | None = None  # None before the first score
    outcome: bool | None = None
    pace_ratio: float | None = None
    projection_probability: float | None = None
    projection_low: float | None = None
    projection_high: float | None = None
    unit: str = ""
    has_value: bool = False  # an observation since publication to read


@dataclass(frozen=True)
class Vote:
    prediction: str
    side: str  # the source it favours
    basis: str  # one of BASES
    reading: str  # the evidence in words


@dataclass(frozen=True)
class Lean:
    side: str | None  # the favoured source's slug; None when undecided
    basis: str  # "resolved", "pace", "projection", "split", "pending" or "no_data"
    reason: str
    votes: tuple[Vote, ...] = ()

    @property
    def is_decided(self) -> bool:
        return self.side is not None


def _other(side: str, sides: tuple[str, str]) -> str:
    return sides[1] if side == sides[0] else sides[0]


def _band(standing: Standing) -> str:
    low, high = standing.projection_low, standing.projection_high
    if low is None or high is None:
        return ""
    unit = f" {standing.unit}" if standing.unit else ""
    return f", 90% band at the deadline {low:.3g} to {high:.3g}{unit}"


def vote_of(standing: Standing, sides: tuple[str, str]) -> Vote | None:
    """The claim's vote on its strongest evidence, or None without any."""
    own, other = standing.source, _other(standing.source, sides)
    if standing.status in RESOLVED and standing.outcome is not None:
        came_true = "came true" if standing.outcome else "did not come true"
        side = own if standing.outcome else other
        return Vote(standing.prediction, side, "resolved", came_true)
    if standing.status in RESOLVED or standing.status is None:
        return None
    if standing.pace_ratio is not None:
        is_heading = standing.pace_ratio >= PACE_PAR
        favours_claim = is_heading != (standing.comparison in NEGATED)
        reading = f"the world is at {standing.pace_ratio:.0%} of the predicted pace"
        return Vote(
            standing.prediction, own if favours_claim else other, "pace", reading
        )
    p = standing.projection_probability
    if p is not None:
        reading = f"the trend gives it a {p:.0%} chance{_band(standing)}"
        side = own if p >= PROJECTION_PAR else other
        return Vote(standing.prediction, side, "projection", reading)
    return None


def _undecided_without_votes(standings: list[Standing], decider: str) -> Lean:
    measured = [s.prediction for s in standings if s.has_value]
    if not measured:
        return Lean(
            None,
            "no_data",
            f"No data since publication. What would decide it: {decider}",
        )
    verb = "has" if len(measured) == 1 else "have"
    return Lean(
        None,
        "pending",
        f"Not decided yet: {', '.join(measured)} {verb} values, but no pace or trend "
        "to read (an event that has not happened yet, or too few dates). "
        f"What would decide it: {decider}",
    )


def lean_of(
    standings: Iterable[Standing],
    *,
    sides: tuple[str, str],
    names: Mapping[str, str],
    decider: str,
) -> Lean:
    """The question's lean from its claims' standings (see the module's rules)."""
    standings = list(standings)
    votes = [vote for s in standings if (vote := vote_of(s, sides)) is not None]
    if not votes:
        return _undecided_without_votes(standings, decider)
    basis = next(b for b in BASES if any(vote.basis == b for vote in votes))
    counted = tuple(vote for vote in votes if vote.basis == basis)
    tally = {side: sum(vote.side == side for vote in counted) for side in sides}
    evidence = "; ".join(
        f"{vote.prediction}: {vote.reading} (favours {names.get(vote.side, vote.side)})"
        for vote in counted
    )
    label = {"resolved": "Resolved", "pace": "By pace", "projection": "By the trend"}
    first, second = sides
    if tally[first] == tally[second]:
        return Lean(
            None,
            "split",
            f"Undecided: the evidence splits {tally[first]} to {tally[second]}. "
            f"{label[basis]}: {evidence}. What would decide it: {decider}",
            counted,
        )
    side = first if tally[first] > tally[second] else second
    return Lean(
        side,
        basis,
        f"Leans {names.get(side, side)}. {label[basis]}: {evidence}.",
        counted,
    )


def summarise(
    leaning: Iterable[str | None], *, sides: tuple[str, str], names: Mapping
) -> str:
    """'Of N questions, X lean A, Y lean B, Z undecided', from each question's
    side (None when undecided)."""
    leaning = list(leaning)
    if not leaning:
        return "No question is in the record yet."
    counts = [leaning.count(side) for side in sides]
    undecided = len(leaning) - sum(counts)
    parts = [
        f"{count} lean{'s' if count == 1 else ''} {names.get(side, side)}"
        for side, count in zip(sides, counts, strict=True)
    ]
    plural = "s" if len(leaning) != 1 else ""
    return (
        f"Of {len(leaning)} question{plural}, {', '.join(parts)}, "
        f"{undecided} undecided."
    )
