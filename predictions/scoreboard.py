"""The scoreboard: both sources' records side by side, as one cached dict.

Built from six queries whatever the size of the record (sources, counts by
status per source, one row per prediction, recent status changes, the
questions' links to their predictions, the month-end scores), then
reduced in Python; every rescore rebuilds it after its commit, so readers only
ever hit the cache. The report card's periods are graded from the same rows
per prediction and cached beside it, built and dropped with it.
"""

import statistics
from collections import defaultdict
from datetime import date

from django.core.cache import cache
from django.utils import timezone

from predictions import scoring, standings
from predictions.models import Prediction, Source, Status, StatusChange
from predictions.scoring import holding, lean, report_card
from tracker.renderers import FastJSONRenderer

CACHE_KEY = "scoreboard:v4"
JSON_CACHE_KEY = "scoreboard:v4:json"
REPORT_CARD_KEY = "report-card:v1"
CACHE_SECONDS = 24 * 60 * 60  # a rescore refreshes it long before this
RECENT_CHANGES = 20
# The API's scoreboard lists this many head-to-head rows and calibration
# points per source, with their counts; every row is paged at
# scoreboard/head-to-head/ and scoreboard/calibration-points/. The document
# then stays small enough to keep whatever the size of the record.
API_ROWS = 100
CALIBRATION_BINS = 5
# The pair the tracker is about: differences read "first minus second".
HEAD_TO_HEAD = standings.HEAD_TO_HEAD
COUNT_KEYS = [status.value for status in Status]
RESOLVED = (Status.RESOLVED_TRUE, Status.RESOLVED_FALSE)
MEASURE = (
    "Mean standing of {first} minus that of {second}: a resolved prediction "
    "counts 1 if it came true and 0 if not, an open one its projected "
    "probability of coming true; the interval is a 90% bootstrap interval."
)


def get_scoreboard() -> dict:
    """The cached scoreboard, rebuilt on a miss."""
    board = cache.get(CACHE_KEY)
    if board is None:
        board = _build_and_cache()
    return board


def get_scoreboard_json() -> bytes:
    """The cached scoreboard as the API's JSON bytes.

    Kept beside the dict so that the API serves it without encoding a large
    document again on every request.
    """
    body = cache.get(JSON_CACHE_KEY)
    if body is None:
        body = _api_json(get_scoreboard())
        cache.set(JSON_CACHE_KEY, body, CACHE_SECONDS)
    return body


def get_report_card() -> list[report_card.Period]:
    """The report card's periods, cached: grading every prediction on each
    read took 170 ms at 10,000 of them."""
    periods = cache.get(REPORT_CARD_KEY)
    if periods is None:
        periods = standings.build_report_card()
        cache.set(REPORT_CARD_KEY, periods, CACHE_SECONDS)
    return periods


def api_document(board: dict) -> dict:
    """The scoreboard as the API serves it: of each list that grows with the
    record, the first ``API_ROWS`` entries and how many there are."""
    return {
        **board,
        "sources": [
            {
                **source,
                "calibration_points": source["calibration_points"][:API_ROWS],
                "calibration_point_count": len(source["calibration_points"]),
            }
            for source in board["sources"]
        ],
        "head_to_head": board["head_to_head"][:API_ROWS],
        "head_to_head_count": len(board["head_to_head"]),
    }


def _api_json(board: dict) -> bytes:
    return FastJSONRenderer().render(api_document(board))


def calibration_points(board: dict, source: str | None = None) -> list[dict]:
    """Every calibration point, each with its source's slug, or one source's."""
    return [
        {"source": entry["slug"], **point}
        for entry in board["sources"]
        if source is None or entry["slug"] == source
        for point in entry["calibration_points"]
    ]


def refresh_scoreboard() -> dict:
    """Rebuild the scoreboard after the record changed, and cache it (the
    kept pages go stale with it: ``changes.rebuild_scoreboard``)."""
    return _build_and_cache()


def forget_scoreboard() -> None:
    cache.delete_many([CACHE_KEY, JSON_CACHE_KEY, REPORT_CARD_KEY])


def _build_and_cache() -> dict:
    rows = list(Prediction.objects.standings())
    board = build_scoreboard(rows)
    cache.set(CACHE_KEY, board, CACHE_SECONDS)
    cache.set(JSON_CACHE_KEY, _api_json(board), CACHE_SECONDS)
    cache.set(REPORT_CARD_KEY, standings.build_report_card(rows), CACHE_SECONDS)
    return board


def build_scoreboard(standing_rows: list[dict] | None = None) -> dict:
    """The scoreboard, from ``Prediction.objects.standings()`` (read here when
    not given) and five more queries."""
    if standing_rows is None:
        standing_rows = list(Prediction.objects.standings())
    sources = list(
        Source.objects.values("id", "slug", "name", "url", "authors", "published")
    )
    tallies = {row["source_id"]: row for row in Prediction.objects.tally_by_source()}
    rows = [row for row in standing_rows if row["current_score__status"] is not None]
    as_of = max((row["current_score__as_of"] for row in rows), default=None)
    versions = {row["current_score__rules_version"] for row in rows}
    pair = _pair([source["slug"] for source in sources])
    links = standings.question_links()
    return {
        "as_of": as_of.isoformat() if isinstance(as_of, date) else None,
        "rules_version": ", ".join(sorted(versions)) or scoring.RULES_VERSION,
        "sources": [
            _source_entry(source, tallies.get(source["id"]), rows) for source in sources
        ],
        "head_to_head": _head_to_head(rows, pair) if pair else [],
        "head_to_head_measure": (
            MEASURE.format(first=pair[0], second=pair[1]) if pair else None
        ),
        "recent_changes": _recent_changes(),
        "questions": _questions(sources, pair, rows, links),
        "history": standings.verdict_history(
            links,
            sides=pair or HEAD_TO_HEAD,
            first=min((source["published"] for source in sources), default=None),
            today=timezone.now().date(),
        ),
    }


def _questions(
    sources: list[dict], pair: tuple[str, str] | None, rows: list[dict], links: list
) -> dict:
    """Each question's lean, and the headline that counts them."""
    sides = pair or HEAD_TO_HEAD
    names = {source["slug"]: source["name"] for source in sources}
    items = standings.question_leans(rows, links, sides=sides, names=names)
    leaning = [item["side"] for item in items]
    return {
        "headline": lean.summarise(leaning, sides=sides, names=names),
        "count": len(items),
        "leans": {
            **{side: leaning.count(side) for side in sides},
            "undecided": leaning.count(None),
        },
        "items": items,
    }


def _source_entry(source: dict, tally: dict | None, rows: list[dict]) -> dict:
    tally = tally or {}
    counts = {key: tally.get(key, 0) for key in COUNT_KEYS}
    counts["total"] = tally.get("total", 0)
    resolved = counts[Status.RESOLVED_TRUE] + counts[Status.RESOLVED_FALSE]
    own = [row for row in rows if row["source_id"] == source["id"]]
    # A pace toward the threshold of a claim that it is never reached says
    # nothing of that claim: those are counted as holding instead.
    paced = [
        row
        for row in own
        if row["current_score__pace_ratio"] is not None
        and row["current_score__status"] not in RESOLVED
    ]
    paces = [
        row["current_score__pace_ratio"] for row in paced if not holding.is_negated(row)
    ]
    median_pace = statistics.median(paces) if paces else None
    guard = holding.holding_of(_holding_row(row) for row in own)
    return {
        "slug": source["slug"],
        "name": source["name"],
        "url": source["url"],
        "authors": source["authors"],
        "published": source["published"].isoformat(),
        "counts": counts,
        "hit_rate": counts[Status.RESOLVED_TRUE] / resolved if resolved else None,
        "mean_brier": tally.get("mean_brier"),
        "mean_log_score": tally.get("mean_log_score"),
        "probability_count": tally.get("probability_count", 0),
        "median_pace": median_pace,
        "pace_count": len(paces),
        "pace_reading": _pace_reading(
            source["name"], median_pace, len(paces), negated=len(paced) - len(paces)
        ),
        "holding": {
            "total": guard.total,
            "holding": guard.holding,
            "broken": guard.broken,
            "nearest": (
                {
                    "prediction": guard.nearest.prediction,
                    "share": guard.nearest.share,
                    "months_left": guard.nearest.months_left,
                    "orders_of_magnitude": guard.nearest.orders_of_magnitude,
                }
                if guard.nearest
                else None
            ),
            "sentence": guard.sentence(source["name"]),
        },
        "calibration": _calibration(own),
        "probability_open": sum(
            row["current_score__status"] not in RESOLVED
            and row["current_score__probability"] is not None
            for row in own
        ),
        "calibration_points": [
            {
                "prediction": row["slug"],
                "probability": row["current_score__probability"],
                "origin": row["current_score__probability_origin"] or "stated",
                "outcome": bool(row["current_score__outcome"]),
            }
            for row in own
            if row["current_score__status"] in RESOLVED
            and row["current_score__probability"] is not None
        ],
    }


def _holding_row(row: dict) -> dict:
    return {
        "prediction": row["slug"],
        "kind": row["kind"],
        "comparison": row["comparison"],
        "status": row["current_score__status"],
        "observed_value": row["current_score__observed_value"],
        "target": row["target"],
        "deadline": row["deadline"],
        "as_of": row["current_score__as_of"],
        "scale": row["indicator__scale"],
    }


def _pace_reading(
    name: str, median_pace: float | None, count: int, *, negated: int = 0
) -> str:
    if median_pace is None and negated:
        return (
            f"No open prediction of {name} has a pace that means something: "
            + (
                "the one with a pace says something will not happen, so it is"
                if negated == 1
                else f"the {negated} with a pace say something will not happen, "
                "so they are"
            )
            + " counted as holding or broken instead."
        )
    if median_pace is None:
        return f"No open prediction of {name} has a pace yet."
    return (
        f"The world is moving at about {median_pace:.0%} of {name}'s pace "
        f"(median over {count} open prediction{'s' if count != 1 else ''})."
    )


def _calibration(rows: list[dict]) -> list[dict]:
    """Stated probability against outcome, over resolved predictions with one."""
    scored = [
        (row["current_score__probability"], row["current_score__outcome"])
        for row in rows
        if row["current_score__status"] in RESOLVED
        and row["current_score__probability"] is not None
    ]
    bins = scoring.calibration_bins(
        [p for p, _ in scored], [bool(o) for _, o in scored], bins=CALIBRATION_BINS
    )
    return [
        {
            "bin_low": b.low,
            "bin_high": b.high,
            "mean_forecast": b.mean_forecast,
            "observed_rate": b.observed_frequency,
            "count": b.count,
        }
        for b in bins
    ]


def _standing(row: dict) -> float | None:
    """1 or 0 once resolved; while open, the projected chance of coming true."""
    if row["current_score__status"] in RESOLVED:
        return 1.0 if row["current_score__outcome"] else 0.0
    return row["current_score__projection_probability"]


def _pair(slugs: list[str]) -> tuple[str, str] | None:
    """The two sources compared head to head, if there are two."""
    if len(slugs) < 2:
        return None
    return HEAD_TO_HEAD if set(HEAD_TO_HEAD) <= set(slugs) else (slugs[0], slugs[1])


def _head_to_head(rows: list[dict], pair: tuple[str, str]) -> list[dict]:
    """Indicators both sources predict, with each side's mean standing."""
    indicators: dict[str, dict] = {}
    sides: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        indicators.setdefault(row["indicator__slug"], row)
        sides[row["indicator__slug"]][row["source__slug"]].append(_standing(row))
    return [
        _head_to_head_entry(row, pair, sides[slug])
        for slug, row in indicators.items()
        if all(sides[slug][side] for side in pair)
    ]


def _head_to_head_entry(
    row: dict, pair: tuple[str, str], sides: dict[str, list]
) -> dict:
    known = {side: [v for v in sides[side] if v is not None] for side in pair}
    difference, interval = None, None
    if all(known.values()):
        difference, low, high = scoring.bootstrap_mean_difference(*known.values())
        interval = [low, high]
    return {
        "indicator": row["indicator__slug"],
        "indicator_name": row["indicator__name"],
        "unit": row["indicator__unit"],
        "sides": {
            side: {"predictions": len(sides[side]), "mean_standing": _mean(known[side])}
            for side in pair
        },
        "difference": difference,
        "interval": interval,
    }


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _recent_changes() -> list[dict]:
    changes = StatusChange.objects.order_by("-occurred_at", "-id").values(
        "prediction__slug",
        "prediction__source__slug",
        "prediction__claim",
        "from_status",
        "to_status",
        "occurred_at",
    )[:RECENT_CHANGES]
    return [
        {
            "prediction": change["prediction__slug"],
            "source": change["prediction__source__slug"],
            "claim": change["prediction__claim"],
            "from_status": change["from_status"],
            "to_status": change["to_status"],
            "occurred_at": change["occurred_at"].isoformat(),
        }
        for change in changes
    ]
