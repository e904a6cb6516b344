"""The reads behind the report card and the questions, reduced by the pure
modules (``report_card``, ``lean``) in a fixed number of queries."""

from collections.abc import Iterable
from datetime import date
from operator import itemgetter

from predictions.models import Prediction, Question, Score, Source
from predictions.scoring import history, lean, report_card

# The pair the tracker is about: the first and second side of every question.
HEAD_TO_HEAD = ("ai2027", "lambert")
# The order of the report card's periods and of the rows in each.
REPORT_CARD_ORDER = ("source__published", "source__slug", "deadline", "slug")


def card_row(row: dict) -> dict:
    """A ``Prediction.objects.standings()`` row in the shape
    ``report_card.grade`` reads."""
    return {
        "source": row["source__slug"],
        "source_name": row["source__name"],
        "prediction": row["slug"],
        "claim": row["claim"],
        "kind": row["kind"],
        "comparison": row["comparison"],
        "deadline": row["deadline"],
        "status": row["current_score__status"],
        "has_baseline": row["baseline_value"] is not None
        and row["baseline_date"] is not None,
        "baseline_value": row["baseline_value"],
        "baseline_date": row["baseline_date"],
        "target": row["target"],
        "target_low": row["target_low"],
        "target_high": row["target_high"],
        "observed_value": row["current_score__observed_value"],
        "unit": row["indicator__unit"],
        "scale": row["indicator__scale"],
        "share": row["current_score__progress_actual"],
    }


def build_report_card(rows: Iterable[dict] | None = None) -> list[report_card.Period]:
    """Every source's periods, from the rows of ``Prediction.objects.standings()``
    (read here, in one query, when not given): by source (oldest first), then
    deadline and slug."""
    if rows is None:
        rows = Prediction.objects.standings()
    ordered = sorted(rows, key=itemgetter(*REPORT_CARD_ORDER))
    return report_card.grade(card_row(row) for row in ordered)


def period_to_dict(period: report_card.Period, rows: int | None = None) -> dict:
    """A period as the API shows it: the figure, the sentence and its rows (the
    first ``rows`` of them, if given; ``graded`` counts them all)."""
    return {
        "source": period.source,
        "year": period.year,
        "sentence": period.sentence,
        "median_share": period.median_share,
        "graded": len(period.rows),
        "due": period.due,
        "not_graded": period.not_graded,
        "rows": [
            {
                "prediction": row["prediction"],
                "claim": row["claim"],
                "deadline": row["deadline"].isoformat(),
                "status": row["status"],
                "scale": row["scale"],
                "unit": row["unit"],
                "baseline_value": row["baseline_value"],
                "baseline_date": row["baseline_date"].isoformat(),
                "target": row["target"],
                "target_low": row["target_low"],
                "target_high": row["target_high"],
                "observed_value": row["observed_value"],
                "share": row["share"],
            }
            for row in period.rows[:rows]
        ],
    }


# --- Questions ----------------------------------------------------------------


def standing_of(prediction: Prediction) -> lean.Standing:
    """A prediction and its current score as the lean reads them."""
    score = prediction.current_score
    return lean.Standing(
        prediction=prediction.slug,
        source=prediction.source.slug,
        comparison=prediction.comparison,
        deadline=prediction.deadline,
        status=score.status if score else None,
        outcome=score.outcome if score else None,
        pace_ratio=score.pace_ratio if score else None,
        projection_probability=score.projection_probability if score else None,
        projection_low=score.projection_low if score else None,
        projection_high=score.projection_high if score else None,
        unit=prediction.indicator.unit,
        has_value=score is not None and score.observed_value is not None,
    )


def sides_and_names() -> tuple[tuple[str, str], dict[str, str]]:
    """The head-to-head pair and every source's name, from one query."""
    names = dict(Source.objects.values_list("slug", "name"))
    return scoreboard_pair(list(names)), names


def scoreboard_pair(slugs: list[str]) -> tuple[str, str]:
    if set(HEAD_TO_HEAD) <= set(slugs) or len(slugs) < 2:
        return HEAD_TO_HEAD
    return slugs[0], slugs[1]


def lean_of_question(
    question: Question, *, sides: tuple[str, str], names: dict[str, str]
) -> lean.Lean:
    """The question's lean, from its prefetched predictions (``with_standings``)."""
    return lean.lean_of(
        (standing_of(p) for p in question.predictions.all()),
        sides=sides,
        names=names,
        decider=question.decider,
    )


def question_links() -> list[tuple[str, str, str, int]]:
    """(slug, title, decider, prediction id) for every question's predictions,
    from one query: what the scoreboard's leans and history read."""
    return list(
        Question.predictions.through.objects.order_by(
            "question__slug", "prediction_id"
        ).values_list(
            "question__slug", "question__title", "question__decider", "prediction_id"
        )
    )


def question_leans(
    rows: list[dict],
    links: list[tuple[str, str, str, int]],
    *,
    sides: tuple[str, str],
    names: dict[str, str],
) -> list[dict]:
    """Every question with its lean, from the scoreboard's ``standings()`` rows
    (one per scored prediction) and ``question_links()``: no query of its own."""
    by_pk = {row["pk"]: row for row in rows}
    questions: dict[str, dict] = {}
    for slug, title, decider, prediction in links:
        item = questions.setdefault(
            slug, {"title": title, "decider": decider, "standings": []}
        )
        if prediction in by_pk:
            item["standings"].append(_standing_of_current(by_pk[prediction]))
    leans = []
    for slug, item in questions.items():
        verdict = lean.lean_of(
            item["standings"], sides=sides, names=names, decider=item["decider"]
        )
        leans.append(
            {
                "slug": slug,
                "title": item["title"],
                "side": verdict.side,
                "basis": verdict.basis,
                "reason": verdict.reason,
            }
        )
    return leans


def _standing_of_current(row: dict) -> lean.Standing:
    return lean.Standing(
        prediction=row["slug"],
        source=row["source__slug"],
        comparison=row["comparison"],
        deadline=row["deadline"],
        status=row["current_score__status"],
        outcome=row["current_score__outcome"],
        pace_ratio=row["current_score__pace_ratio"],
        projection_probability=row["current_score__projection_probability"],
        projection_low=row["current_score__projection_low"],
        projection_high=row["current_score__projection_high"],
        unit=row["indicator__unit"],
        has_value=row["current_score__observed_value"] is not None,
    )


# --- History --------------------------------------------------------------------


def verdict_history(
    links: list[tuple[str, str, str, int]],
    *,
    sides: tuple[str, str],
    first: date | None,
    today: date,
) -> dict:
    """Each month-end from ``first`` (the first source's publication) to
    ``today``: the median pace per source and the lean per question, from the
    scores ``rescore --history`` wrote (one query) and ``question_links()``."""
    if first is None:
        return {
            "months": [],
            "median_pace": {},
            "lean_counts": {},
            "question_leans": {},
        }
    rows = list(
        Score.objects.filter(as_of__in=history.month_ends(first, today))
        .order_by("as_of", "prediction_id")
        .values(
            "as_of",
            "status",
            "outcome",
            "pace_ratio",
            "projection_probability",
            "observed_value",
            "prediction_id",
            "prediction__slug",
            "prediction__source__slug",
            "prediction__comparison",
            "prediction__deadline",
        )
    )
    months = sorted({row["as_of"] for row in rows})
    paces = history.median_paces(
        (
            {
                "source": row["prediction__source__slug"],
                "as_of": row["as_of"],
                "status": row["status"],
                "comparison": row["prediction__comparison"],
                "pace_ratio": row["pace_ratio"],
            }
            for row in rows
        ),
        months,
        sides,
    )
    by_prediction: dict[int, list[str]] = {}
    for question, _, _, prediction in links:
        by_prediction.setdefault(prediction, []).append(question)
    triples = (
        (question, row["as_of"], _standing_of_row(row))
        for row in rows
        for question in by_prediction.get(row["prediction_id"], ())
    )
    questions = {question: decider for question, _, decider, _ in links}
    leans = history.leans_by_month(triples, months, sides=sides, questions=questions)
    return {
        "months": [day.isoformat() for day in months],
        "median_pace": paces,
        "lean_counts": history.lean_counts(leans, months, sides),
        "question_leans": leans,
    }


def _standing_of_row(row: dict) -> lean.Standing:
    return lean.Standing(
        prediction=row["prediction__slug"],
        source=row["prediction__source__slug"],
        comparison=row["prediction__comparison"],
        deadline=row["prediction__deadline"],
        status=row["status"],
        outcome=row["outcome"],
        pace_ratio=row["pace_ratio"],
        projection_probability=row["projection_probability"],
        has_value=row["observed_value"] is not None,
    )
