"""Writes with rules: rescore predictions, override and clear a resolution.

A rescore reads each indicator's observations once, as numpy arrays
(``predictions.series``), assesses every claim with ``predictions.scoring`` and
writes one ``Score`` per prediction and day in a single upsert, so running it
twice on the same day changes nothing but ``computed_at``.
"""

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from indicators import derived
from predictions import changes, derivations, scoring, series
from predictions.models import (
    CLAIM_FIELDS,
    DeferredRescore,
    Prediction,
    ProbabilityOrigin,
    Score,
    Source,
    Status,
    StatusChange,
)
from predictions.scoring import history

# Everything a rescore reads of a prediction, with the current score it replaces.
PREDICTION_FIELDS = (
    "pk",
    "slug",
    "indicator_id",
    "indicator__scale",
    *CLAIM_FIELDS,
    "probability_basis",
    "quantiles",
    "interval_coverage",
    "override_outcome",
    "current_score__status",
    "current_score__as_of",
    "current_score__is_override",
    "current_score__outcome",
    "current_score__resolved_on",
)
# What a rescore may change on an existing row for the same prediction and day.
SCORE_UPDATE_FIELDS = [
    field.name
    for field in Score._meta.concrete_fields
    if field.name not in ("id", "prediction", "as_of")
]

Progress = Callable[[int, int], None]  # (predictions done, predictions in all)


@dataclass(frozen=True)
class HistorySummary:
    months: int
    scores: int
    seconds: float


@dataclass(frozen=True)
class RescoreSummary:
    as_of: date
    predictions: int
    indicators: int
    status_changes: int
    seconds: float


def rescore_predictions(
    *,
    prediction_ids: Iterable[int] | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> RescoreSummary:
    """Score these predictions (all when None) as of ``today`` (default: today);
    a full rescore first recomputes every derived indicator."""
    predictions = Prediction.objects.all()
    if prediction_ids is None:
        derived.recompute()
    else:
        predictions = predictions.filter(pk__in=list(prediction_ids))
    return _rescore(predictions, today=today, progress=progress)


def rescore_indicators(
    *,
    indicator_ids: Iterable[int],
    today: date | None = None,
    progress: Progress | None = None,
) -> RescoreSummary:
    """Score the predictions on these indicators only, after recomputing the
    indicators derived from them (whose predictions are scored too)."""
    indicator_ids = list(indicator_ids)
    indicator_ids += derived.recompute(indicator_ids)
    predictions = Prediction.objects.filter(indicator_id__in=indicator_ids)
    return _rescore(predictions, today=today, progress=progress)


def rescore_deferred(*, indicator_ids: Iterable[int] | None = None) -> list[int]:
    """Rescore every indicator in the outbox (or those of ``indicator_ids``)
    and forget it; returns their ids.

    The rows are deleted in the rescore's transaction, so a rescore that fails
    leaves them for the next drain (``predictions.changes``).
    """
    with transaction.atomic():
        # skip_locked: a drain still running keeps its rows; this one takes the rest.
        rows = DeferredRescore.objects.select_for_update(skip_locked=True)
        if indicator_ids is not None:
            rows = rows.filter(pk__in=list(indicator_ids))
        ids = list(rows.order_by("pk").values_list("pk", flat=True))
        if ids:
            rescore_indicators(indicator_ids=ids)
            DeferredRescore.objects.filter(pk__in=ids).delete()
    return ids


def rescore_history(
    *, today: date | None = None, progress: Progress | None = None
) -> HistorySummary:
    """Score every prediction as of each month-end since its source's
    publication, up to ``today``, from the values public on each of those days.

    Safe to run again: each day's score is upserted on (prediction, day). A
    past day's score never becomes a prediction's current one over a newer
    score, and records no status change: those say what happened when.
    """
    started = time.perf_counter()
    today = today or timezone.now().date()
    published = dict(Source.objects.values_list("pk", "published"))
    months = history.month_ends(min(published.values(), default=today), today)
    scores = 0
    with transaction.atomic():
        for number, day in enumerate(months, start=1):
            sources = [pk for pk, on in published.items() if on <= day]
            predictions = Prediction.objects.filter(source_id__in=sources)
            summary = _rescore(predictions, today=day, progress=None, is_backfill=True)
            scores += summary.predictions
            if progress is not None:
                progress(number, len(months))
        transaction.on_commit(changes.refresh_scoreboard_soon)
    return HistorySummary(
        months=len(months), scores=scores, seconds=time.perf_counter() - started
    )


@transaction.atomic
def override_resolution(
    *, prediction: Prediction, outcome: bool, reason: str, user=None
) -> Score:
    """Decide a prediction by an editor's verdict, which wins over the data."""
    if not isinstance(outcome, bool):
        raise ValidationError({"override_outcome": "Say whether it came true."})
    if not reason or not reason.strip():
        raise ValidationError(
            {"override_reason": "An override needs a written reason."}
        )
    prediction.override_outcome = outcome
    prediction.override_reason = reason.strip()
    _save_with_history(prediction, user=user, reason=f"Override: {reason.strip()}")
    return _rescore_one(prediction)


@transaction.atomic
def clear_override(*, prediction: Prediction, user=None) -> Score:
    """Hand a prediction back to the data."""
    prediction.override_outcome = None
    prediction.override_reason = ""
    _save_with_history(prediction, user=user, reason="Override cleared")
    return _rescore_one(prediction)


def _save_with_history(prediction: Prediction, *, user, reason: str) -> None:
    prediction._history_user = user
    prediction._change_reason = reason
    prediction.save(update_fields=["override_outcome", "override_reason", "updated_at"])


def _rescore_one(prediction: Prediction) -> Score:
    rescore_predictions(prediction_ids=[prediction.pk])
    prediction.refresh_from_db(fields=["current_score"])
    return prediction.current_score


def _rescore(
    predictions: QuerySet,
    *,
    today: date | None,
    progress: Progress | None,
    is_backfill: bool = False,
) -> RescoreSummary:
    started = time.perf_counter()
    today = today or timezone.now().date()
    with transaction.atomic():
        # Lock in a fixed order, so that two rescores of the same predictions
        # (a nightly run and a new observation) take turns instead of both
        # recording the same status change; then read with a fresh snapshot.
        locked = list(
            predictions.select_for_update().order_by("pk").values_list("pk", flat=True)
        )
        rows = list(
            Prediction.objects.filter(pk__in=locked)
            .order_by("indicator_id", "pk")
            .values(*PREDICTION_FIELDS)
        )
        from_quantiles = derivations.derived_probabilities(rows)
        for row in rows:
            if row["pk"] in from_quantiles:
                row["probability"] = from_quantiles[row["pk"]].probability
        claims = _build_claims(rows)
        # Only what was public on the day scored: a past standing has no hindsight.
        arrays = series.load_series((row["indicator_id"] for row in rows), as_of=today)
        scores = _assess_all(rows, claims, arrays, today=today, progress=progress)
        _set_probability_origins(scores, rows, from_quantiles)
        written = _write_scores(rows, scores, today=today, is_backfill=is_backfill)
        changes.on_scores_written(
            [change.pk for change in written], is_backfill=is_backfill
        )
    return RescoreSummary(
        as_of=today,
        predictions=len(rows),
        indicators=len(arrays),
        status_changes=len(written),
        seconds=time.perf_counter() - started,
    )


def _build_claims(rows: list[dict]) -> list[scoring.Claim]:
    """Every row as a Claim; one ValidationError naming each bad prediction."""
    claims, problems = [], {}
    for row in rows:
        try:
            claims.append(
                scoring.Claim(
                    scale=row["indicator__scale"],
                    quantiles=tuple(tuple(pair) for pair in row["quantiles"] or ()),
                    interval_coverage=row["interval_coverage"],
                    **{field: row[field] for field in CLAIM_FIELDS},
                )
            )
        except (TypeError, ValueError) as error:
            problems[row["slug"]] = f"{row['slug']}: {error}"
    if problems:
        raise ValidationError(
            {"predictions": ["Cannot score " + p for p in problems.values()]}
        )
    return claims


def _assess_all(
    rows: list[dict],
    claims: list[scoring.Claim],
    arrays: dict[int, scoring.Series],
    *,
    today: date,
    progress: Progress | None,
) -> list[Score]:
    now = timezone.now()
    scores = []
    for done, (row, claim) in enumerate(zip(rows, claims, strict=True), start=1):
        assessment = scoring.assess(claim, arrays[row["indicator_id"]], today)
        score = _score_from(assessment, prediction_id=row["pk"], today=today, now=now)
        if row["override_outcome"] is not None:
            _apply_override(score, row, today=today)
        scores.append(score)
        is_last_of_indicator = (
            done == len(rows) or rows[done]["indicator_id"] != row["indicator_id"]
        )
        if progress is not None and is_last_of_indicator:
            progress(done, len(rows))
    return scores


def _score_from(
    assessment: scoring.Assessment, *, prediction_id: int, today: date, now: datetime
) -> Score:
    pace, projection = assessment.pace, assessment.projection
    return Score(
        prediction_id=prediction_id,
        as_of=today,
        computed_at=now,
        rules_version=assessment.rules_version,
        status=assessment.status,
        outcome=assessment.outcome,
        resolved_on=assessment.resolved_on,
        is_override=False,
        observation_id=assessment.observation_id,
        observed_value=assessment.observed_value,
        pace_ratio=pace.ratio if pace else None,
        months_ahead=pace.months_ahead if pace else None,
        progress_actual=pace.actual_share if pace else None,
        progress_expected=pace.expected_share if pace else None,
        probability=assessment.probability,
        probability_is_implied=assessment.probability_is_implied,
        brier=assessment.brier,
        log_score=assessment.log_score,
        error=assessment.error,
        interval_score=assessment.interval_score,
        crps=assessment.crps,
        projection_value=projection.value if projection else None,
        projection_low=projection.low if projection else None,
        projection_high=projection.high if projection else None,
        projection_probability=projection.probability if projection else None,
    )


def _set_probability_origins(
    scores: list[Score],
    rows: list[dict],
    from_quantiles: dict[int, derivations.DerivedProbability],
) -> None:
    """Say where each probability came from: the source's number, its words
    (with the basis the record gives), or its distribution."""
    for score, row in zip(scores, rows, strict=True):
        if score.probability is None:
            continue
        if row["pk"] in from_quantiles:
            score.probability_origin = ProbabilityOrigin.DERIVED
            score.probability_method = from_quantiles[row["pk"]].method
        elif row["probability_is_implied"]:
            score.probability_origin = ProbabilityOrigin.IMPLIED
            score.probability_method = row["probability_basis"]
        else:
            score.probability_origin = ProbabilityOrigin.STATED


def _apply_override(score: Score, row: dict, *, today: date) -> None:
    """The editor's verdict replaces the data's; the readings stay for context."""
    outcome = bool(row["override_outcome"])
    is_same_override = (
        row["current_score__is_override"] and row["current_score__outcome"] == outcome
    )
    score.is_override = True
    score.outcome = outcome
    score.status = Status.RESOLVED_TRUE if outcome else Status.RESOLVED_FALSE
    # The day the override was first scored, kept across later rescores.
    score.resolved_on = row["current_score__resolved_on"] if is_same_override else today
    p = row["probability"]
    score.brier = scoring.brier_score(p, outcome) if p is not None else None
    score.log_score = scoring.log_score(p, outcome) if p is not None else None


def _write_scores(
    rows: list[dict], scores: list[Score], *, today: date, is_backfill: bool
) -> list[StatusChange]:
    Score.objects.bulk_create(
        scores,
        update_conflicts=True,
        unique_fields=["prediction", "as_of"],
        update_fields=SCORE_UPDATE_FIELDS,
    )
    # A prediction already pointing at a score of today (or later) points at
    # the right row: the upsert kept its id.
    repoint = [row["pk"] for row in rows if _is_older_current(row, today)]
    Prediction.objects.filter(pk__in=repoint).update(
        current_score=Subquery(
            Score.objects.filter(prediction=OuterRef("pk"))
            .order_by("-as_of")
            .values("pk")[:1]
        )
    )
    if is_backfill:
        return []
    now = timezone.now()
    status_changes = [
        StatusChange(
            prediction_id=row["pk"],
            score_id=score.pk,
            from_status=row["current_score__status"] or "",
            to_status=score.status,
            occurred_at=now,
        )
        for row, score in zip(rows, scores, strict=True)
        if _is_new_current(row, today) and row["current_score__status"] != score.status
    ]
    return StatusChange.objects.bulk_create(status_changes)


def _is_older_current(row: dict, today: date) -> bool:
    as_of = row["current_score__as_of"]
    return as_of is None or as_of < today


def _is_new_current(row: dict, today: date) -> bool:
    """A score for a past day (a backfill) does not replace a newer one."""
    return row["current_score__as_of"] is None or row["current_score__as_of"] <= today
