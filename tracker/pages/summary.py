"""The scoreboard in words and tables: what the home and source pages show.

Works on the plain dict of ``predictions.scoreboard.get_scoreboard()`` (already
cached), so shaping it costs no query.
"""

from predictions.models import Status

# The order a reader scans a record in: the verdicts first, then the open ones.
STATUS_ORDER = [
    Status.RESOLVED_TRUE,
    Status.RESOLVED_FALSE,
    Status.AHEAD,
    Status.ON_TRACK,
    Status.BEHIND,
    Status.UNRESOLVABLE,
]
# Below this difference in rates, the two sources are called level.
LEVEL_MARGIN = 0.005


def status_label(value: str) -> str:
    return Status(value).label if value in Status.values else value or "new"


def status_rows(sources: list[dict]) -> list[dict]:
    """One row per status, one cell per source: count and share of its total."""
    rows = []
    for status in STATUS_ORDER:
        cells = []
        for source in sources:
            count = source["counts"].get(status.value, 0)
            total = source["counts"].get("total") or 0
            share = round(100 * count / total) if total else 0
            cells.append({"slug": source["slug"], "count": count, "share": share})
        rows.append({"status": status.value, "label": status.label, "cells": cells})
    return rows


def label_changes(changes: list[dict]) -> list[dict]:
    """The recent status changes with their statuses in words."""
    return [
        {
            **change,
            "from_label": status_label(change.get("from_status", "")),
            "to_label": status_label(change["to_status"]),
        }
        for change in changes
    ]


def _resolved_tally(source: dict) -> tuple[int, int]:
    counts = source["counts"]
    right = counts.get(Status.RESOLVED_TRUE, 0)
    return right, right + counts.get(Status.RESOLVED_FALSE, 0)


def _pace_tally(source: dict) -> tuple[int, int]:
    counts = source["counts"]
    on_schedule = counts.get(Status.AHEAD, 0) + counts.get(Status.ON_TRACK, 0)
    return on_schedule, on_schedule + counts.get(Status.BEHIND, 0)


def _compare(first: dict, second: dict, record, what: str) -> str:
    (hits_a, n_a), (hits_b, n_b) = record(first), record(second)
    rate_a, rate_b = hits_a / n_a, hits_b / n_b
    if abs(rate_a - rate_b) < LEVEL_MARGIN:
        return (
            f"{first['name']} and {second['name']} are level: {rate_a:.0%} of "
            f"{what} each ({hits_a} of {n_a} and {hits_b} of {n_b})."
        )
    if rate_b > rate_a:
        (first, hits_a, n_a, rate_a), (second, hits_b, n_b, rate_b) = (
            (second, hits_b, n_b, rate_b),
            (first, hits_a, n_a, rate_a),
        )
    return (
        f"{first['name']} is ahead: {hits_a} of {n_a} {what} ({rate_a:.0%}), "
        f"against {hits_b} of {n_b} for {second['name']} ({rate_b:.0%})."
    )


def write_verdict(sources: list[dict]) -> str:
    """One sentence saying who is ahead, from the resolved record or else pace."""
    if len(sources) < 2:
        return "There is nobody to compare yet: fewer than two sources are tracked."
    first, second = sources[0], sources[1]
    if _resolved_tally(first)[1] and _resolved_tally(second)[1]:
        return _compare(first, second, _resolved_tally, "resolved predictions right")
    if _pace_tally(first)[1] and _pace_tally(second)[1]:
        return _compare(
            first, second, _pace_tally, "open predictions on track or ahead"
        )
    return (
        "Too early to call: neither side has enough resolved or paced "
        "predictions to compare yet."
    )


def head_to_head_rows(board: dict) -> list[dict]:
    """Each shared indicator with one cell per source, in the sources' order."""
    slugs = [source["slug"] for source in board["sources"]]
    rows = []
    for item in board["head_to_head"]:
        sides = item.get("sides") or {}
        interval = item.get("interval") or [None, None]
        rows.append(
            {
                **item,
                "cells": [sides.get(slug) for slug in slugs],
                "low": interval[0],
                "high": interval[1],
            }
        )
    return rows


def _percent(value: float | None, why_not: str) -> str:
    return why_not if value is None else f"{value:.0%}"


def _number(value: float | None, why_not: str) -> str:
    return why_not if value is None else f"{value:.3f}"


def _holding_cell(source: dict) -> str:
    guard = source.get("holding") or {}
    if not guard.get("total"):
        return "no such claim"
    return f"{guard['holding']} of {guard['total']}"


def metric_rows(sources: list[dict]) -> list[dict]:
    """The record's numbers, formatted here once: cheaper than template filters
    on the page every reader opens first. Where a number is missing, the cell
    says why."""
    return [
        {
            "label": "Hit rate (resolved)",
            "cells": [_percent(s["hit_rate"], "none resolved yet") for s in sources],
        },
        {
            "label": "Mean Brier score",
            "note": "lower is better",
            "cells": [
                f"{_number(s['mean_brier'], '')} (n={s['probability_count']})"
                if s["mean_brier"] is not None
                else "no resolved prediction with a probability"
                for s in sources
            ],
        },
        {
            "label": "Mean log score",
            "note": "higher is better",
            "cells": [
                _number(
                    s["mean_log_score"], "no resolved prediction with a probability"
                )
                for s in sources
            ],
        },
        {
            "label": "Median pace",
            "note": "open claims toward a target",
            "cells": [
                f"{_percent(s['median_pace'], '')} (n={s['pace_count']})"
                if s["median_pace"] is not None
                else "no open claim with a pace toward its target"
                for s in sources
            ],
        },
        {
            "label": "Holding",
            "note": "claims that something stays below or above, or does not happen",
            "cells": [_holding_cell(s) for s in sources],
        },
    ]
