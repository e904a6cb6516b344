"""The reads behind the report card: one query, reduced by ``report_card``."""

from predictions import report_card
from predictions.models import Prediction


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
