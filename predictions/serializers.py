"""API shapes of sources, predictions, scores, events and the scoreboard."""

import datetime
from typing import Any

from rest_framework import serializers

from indicators.models import Category
from predictions import standings
from predictions.models import (
    CLAIM_FIELDS,
    Comparison,
    Kind,
    Prediction,
    Question,
    Score,
    Source,
    Status,
    StatusChange,
)


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["slug", "name", "authors", "published", "url", "description"]


class CitationSerializer(serializers.Serializer):
    url = serializers.URLField()
    section = serializers.CharField()


class CurrentScoreSerializer(serializers.Serializer):
    """The latest score of a prediction, as embedded in it."""

    as_of = serializers.DateField()
    status = serializers.ChoiceField(choices=Status.choices)
    outcome = serializers.BooleanField(allow_null=True)
    resolved_on = serializers.DateField(allow_null=True)
    observed_value = serializers.FloatField(allow_null=True)
    pace_ratio = serializers.FloatField(allow_null=True)
    months_ahead = serializers.FloatField(allow_null=True)
    brier = serializers.FloatField(allow_null=True)
    log_score = serializers.FloatField(allow_null=True)
    projection_value = serializers.FloatField(allow_null=True)
    projection_probability = serializers.FloatField(allow_null=True)
    probability = serializers.FloatField(allow_null=True)
    probability_origin = serializers.CharField(
        allow_blank=True, help_text="stated, implied (by words) or derived (quantiles)"
    )


# Columns read straight from the predictions table.
PREDICTION_COLUMNS = (
    "slug",
    "category",
    *CLAIM_FIELDS,
    "claim",
    "is_operationalized",
    "reasoning",
)
# Output name → the related column it comes from.
RELATED_COLUMNS = {
    "source": "source__slug",
    "indicator": "indicator__slug",
    "indicator_name": "indicator__name",
    "unit": "indicator__unit",
}
SCORE_COLUMNS = tuple(CurrentScoreSerializer._declared_fields)


class PredictionSerializer(serializers.Serializer):
    """A prediction with its citation and latest score.

    Rendered from a ``.values()`` row (``VALUE_NAMES``), not a model instance:
    a page of 50 costs one query and no model or field objects per row.
    """

    slug = serializers.SlugField()
    source = serializers.SlugField()
    indicator = serializers.SlugField()
    indicator_name = serializers.CharField()
    unit = serializers.CharField()
    category = serializers.ChoiceField(choices=Category.choices)
    kind = serializers.ChoiceField(choices=Kind.choices)
    comparison = serializers.ChoiceField(choices=Comparison.choices)
    target = serializers.FloatField(allow_null=True)
    target_low = serializers.FloatField(allow_null=True)
    target_high = serializers.FloatField(allow_null=True)
    deadline = serializers.DateField()
    baseline_value = serializers.FloatField(allow_null=True)
    baseline_date = serializers.DateField(allow_null=True)
    probability = serializers.FloatField(allow_null=True)
    probability_is_implied = serializers.BooleanField()
    claim = serializers.CharField()
    is_operationalized = serializers.BooleanField()
    reasoning = serializers.CharField(allow_blank=True)
    citation = CitationSerializer()
    score = CurrentScoreSerializer(allow_null=True)

    VALUE_NAMES = (
        *PREDICTION_COLUMNS,
        *RELATED_COLUMNS.values(),
        "citation_url",
        "citation_section",
        "current_score_id",
        *(f"current_score__{name}" for name in SCORE_COLUMNS),
    )

    def to_representation(self, row: dict[str, Any]) -> dict[str, Any]:
        data = {name: row[name] for name in PREDICTION_COLUMNS}
        for name, column in RELATED_COLUMNS.items():
            data[name] = row[column]
        # Dates as text here: cheaper than the JSON encoder's fallback per value.
        data["deadline"] = row["deadline"].isoformat()
        data["baseline_date"] = isoformat(row["baseline_date"])
        data["citation"] = {
            "url": row["citation_url"],
            "section": row["citation_section"],
        }
        data["score"] = None if row["current_score_id"] is None else score_of(row)
        return data


def isoformat(day: datetime.date | None) -> str | None:
    return None if day is None else day.isoformat()


def score_of(row: dict[str, Any]) -> dict[str, Any]:
    score = {name: row[f"current_score__{name}"] for name in SCORE_COLUMNS}
    score["as_of"] = score["as_of"].isoformat()
    score["resolved_on"] = isoformat(score["resolved_on"])
    return score


class ScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Score
        fields = [
            "as_of",
            "computed_at",
            "rules_version",
            "status",
            "outcome",
            "resolved_on",
            "is_override",
            "observation",
            "observed_value",
            "pace_ratio",
            "months_ahead",
            "progress_actual",
            "progress_expected",
            "probability",
            "probability_is_implied",
            "probability_origin",
            "probability_method",
            "brier",
            "log_score",
            "error",
            "interval_score",
            "crps",
            "projection_value",
            "projection_low",
            "projection_high",
            "projection_probability",
        ]


class StatusChangeSerializer(serializers.ModelSerializer):
    prediction = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    source = serializers.SlugField(source="prediction.source.slug", read_only=True)

    class Meta:
        model = StatusChange
        fields = [
            "id",
            "prediction",
            "source",
            "from_status",
            "to_status",
            "occurred_at",
        ]


# --- Questions ------------------------------------------------------------------


class QuestionPredictionSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    source = serializers.SlugField(source="source.slug")
    indicator = serializers.SlugField(source="indicator.slug")
    claim = serializers.CharField()
    deadline = serializers.DateField()
    comparison = serializers.ChoiceField(choices=Comparison.choices)
    citation_url = serializers.URLField()
    status = serializers.SerializerMethodField()

    def get_status(self, prediction: Prediction) -> str | None:
        score = prediction.current_score
        return score.status if score else None


class LeanSerializer(serializers.Serializer):
    side = serializers.SlugField(
        allow_null=True, help_text="The source the data favours; null if undecided."
    )
    basis = serializers.ChoiceField(
        choices=["resolved", "pace", "projection", "split", "pending", "no_data"]
    )
    reason = serializers.CharField()


class QuestionSerializer(serializers.ModelSerializer):
    """A question with its predictions and its lean. The view puts the pair of
    sides and their names in the context (``sides``, ``names``)."""

    predictions = QuestionPredictionSerializer(many=True, read_only=True)
    lean = serializers.SerializerMethodField()

    class Meta:
        model = Question
        fields = [
            "slug",
            "title",
            "quantity",
            "summary",
            "decider",
            "predictions",
            "derivations",
            "lean",
        ]

    def get_lean(self, question: Question) -> dict:
        verdict = standings.lean_of_question(
            question, sides=self.context["sides"], names=self.context["names"]
        )
        return {"side": verdict.side, "basis": verdict.basis, "reason": verdict.reason}
