"""The reads behind the report card and the questions, reduced by the pure
modules (``report_card``, ``lean``) in a fixed number of queries."""

from predictions import lean, report_card
from predictions.models import Prediction, Question, Source

# The pair the tracker is about: the first and second side of every question.
HEAD_TO_HEAD = ("ai2027", "lambert")


def card_row(row: dict) -> dict:
    """A ``report_card_rows()`` row in the shape ``report_card.grade`` reads."""
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


def build_report_card() -> list[report_card.Period]:
    """Every source's periods, from one query."""
    rows = Prediction.objects.report_card_rows()
    return report_card.grade(card_row(row) for row in rows)


def period_to_dict(period: report_card.Period) -> dict:
    """A period as the API shows it: the figure, the sentence and every row."""
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
            for row in period.rows
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


def question_leans() -> list[dict]:
    """Every question with its lean, in three queries."""
    sides, names = sides_and_names()
    leans = []
    for question in Question.objects.with_standings():
        verdict = lean_of_question(question, sides=sides, names=names)
        leans.append(
            {
                "slug": question.slug,
                "title": question.title,
                "side": verdict.side,
                "basis": verdict.basis,
                "reason": verdict.reason,
            }
        )
    return leans
