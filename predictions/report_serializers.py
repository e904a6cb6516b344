"""Shapes of the scoreboard and the report card.

Their views return plain dicts (the cached scoreboard, the graded periods) as
they are; these serializers describe those dicts to OpenAPI. Only the pages of
their long lists (head to head, calibration points, the report card's rows)
render through them.
"""

from rest_framework import serializers

from predictions.models import Status
from predictions.scoreboard import API_ROWS

# --- The scoreboard (the view returns the cached dict as is) -------------------


class CalibrationBinSerializer(serializers.Serializer):
    bin_low = serializers.FloatField()
    bin_high = serializers.FloatField()
    mean_forecast = serializers.FloatField(allow_null=True)
    observed_rate = serializers.FloatField(allow_null=True)
    count = serializers.IntegerField()


class CalibrationPointSerializer(serializers.Serializer):
    prediction = serializers.SlugField()
    probability = serializers.FloatField()
    origin = serializers.CharField(help_text="stated, implied or derived")
    outcome = serializers.BooleanField()


class SourcedCalibrationPointSerializer(CalibrationPointSerializer):
    source = serializers.SlugField()


class NearestSerializer(serializers.Serializer):
    prediction = serializers.SlugField()
    share = serializers.FloatField(help_text="The latest value as a share of the mark.")
    months_left = serializers.FloatField()
    orders_of_magnitude = serializers.FloatField(allow_null=True)


class HoldingSerializer(serializers.Serializer):
    total = serializers.IntegerField(
        help_text="Claims that something stays below or above a mark, or never happens."
    )
    holding = serializers.IntegerField()
    broken = serializers.IntegerField()
    nearest = NearestSerializer(allow_null=True)
    sentence = serializers.CharField()


class ScoreboardSourceSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    url = serializers.URLField()
    authors = serializers.CharField()
    published = serializers.DateField()
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="Predictions by status, and total."
    )
    hit_rate = serializers.FloatField(allow_null=True)
    mean_brier = serializers.FloatField(allow_null=True)
    mean_log_score = serializers.FloatField(allow_null=True)
    probability_count = serializers.IntegerField()
    median_pace = serializers.FloatField(allow_null=True)
    pace_count = serializers.IntegerField()
    pace_reading = serializers.CharField()
    holding = HoldingSerializer()
    calibration_points = CalibrationPointSerializer(
        many=True,
        help_text=f"The first {API_ROWS} resolved predictions with a probability; "
        "every one is paged at /api/v1/scoreboard/calibration-points/.",
    )
    calibration_point_count = serializers.IntegerField(
        help_text="How many calibration points the source has in all."
    )
    probability_open = serializers.IntegerField(
        help_text="Open predictions with a probability: calibration points to come."
    )
    calibration = CalibrationBinSerializer(many=True)


class HeadToHeadSideSerializer(serializers.Serializer):
    predictions = serializers.IntegerField()
    mean_standing = serializers.FloatField(allow_null=True)


class HeadToHeadSerializer(serializers.Serializer):
    indicator = serializers.SlugField()
    indicator_name = serializers.CharField()
    unit = serializers.CharField()
    sides = serializers.DictField(child=HeadToHeadSideSerializer())
    difference = serializers.FloatField(allow_null=True)
    interval = serializers.ListField(
        child=serializers.FloatField(), allow_null=True, min_length=2, max_length=2
    )


class RecentChangeSerializer(serializers.Serializer):
    prediction = serializers.SlugField()
    source = serializers.SlugField()
    claim = serializers.CharField()
    from_status = serializers.CharField(allow_blank=True)
    to_status = serializers.ChoiceField(choices=Status.choices)
    occurred_at = serializers.DateTimeField()


class QuestionLeanSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    side = serializers.SlugField(allow_null=True)
    basis = serializers.CharField()
    reason = serializers.CharField()


class QuestionsSummarySerializer(serializers.Serializer):
    headline = serializers.CharField()
    count = serializers.IntegerField()
    leans = serializers.DictField(
        child=serializers.IntegerField(), help_text="Questions per side, and undecided."
    )
    items = QuestionLeanSerializer(many=True)


class HistorySerializer(serializers.Serializer):
    months = serializers.ListField(
        child=serializers.DateField(), help_text="The month-ends scored."
    )
    median_pace = serializers.DictField(
        child=serializers.ListField(child=serializers.FloatField(allow_null=True)),
        help_text="Per source, its median pace at each month-end (null: none).",
    )
    lean_counts = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="Per side (and undecided), questions leaning so at each month-end.",
    )
    question_leans = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(allow_null=True)),
        help_text="Per question, the side it leaned at each month-end.",
    )


class ScoreboardSerializer(serializers.Serializer):
    as_of = serializers.DateField(
        allow_null=True, help_text="The newest score's date; null before scoring."
    )
    rules_version = serializers.CharField()
    sources = ScoreboardSourceSerializer(many=True)
    head_to_head = HeadToHeadSerializer(
        many=True,
        help_text=f"The first {API_ROWS} indicators both sources predict; every "
        "one is paged at /api/v1/scoreboard/head-to-head/.",
    )
    head_to_head_count = serializers.IntegerField(
        help_text="How many indicators both sources predict."
    )
    head_to_head_measure = serializers.CharField(
        allow_null=True,
        help_text="What each head-to-head difference and interval measures.",
    )
    recent_changes = RecentChangeSerializer(many=True)
    questions = QuestionsSummarySerializer()
    history = HistorySerializer()


# --- The report card (schema only: the view builds plain dicts) -----------------


class ReportCardRowSerializer(serializers.Serializer):
    prediction = serializers.SlugField()
    claim = serializers.CharField()
    deadline = serializers.DateField()
    status = serializers.ChoiceField(choices=Status.choices)
    scale = serializers.CharField()
    unit = serializers.CharField()
    baseline_value = serializers.FloatField()
    baseline_date = serializers.DateField()
    target = serializers.FloatField(allow_null=True)
    target_low = serializers.FloatField(allow_null=True)
    target_high = serializers.FloatField(allow_null=True)
    observed_value = serializers.FloatField(allow_null=True)
    share = serializers.FloatField(
        help_text="(observed - baseline) / (target - baseline), on the scale."
    )


class SourcedReportCardRowSerializer(ReportCardRowSerializer):
    source = serializers.SlugField()
    year = serializers.IntegerField(help_text="The year of the deadline.")


class ReportCardRowQuery(serializers.Serializer):
    """The report card rows' filters: a bad year is a 400 that names it."""

    source = serializers.SlugField(required=False)
    year = serializers.IntegerField(required=False, min_value=1, max_value=9999)


class ReportCardPeriodSerializer(serializers.Serializer):
    source = serializers.SlugField()
    year = serializers.IntegerField()
    sentence = serializers.CharField()
    median_share = serializers.FloatField(allow_null=True)
    graded = serializers.IntegerField(
        help_text=f"How many rows were graded; the first {API_ROWS} are listed "
        "here and every one at /api/v1/report-card/rows/."
    )
    due = serializers.IntegerField()
    not_graded = serializers.DictField(child=serializers.IntegerField())
    rows = ReportCardRowSerializer(many=True)


class ReportCardSerializer(serializers.Serializer):
    method = serializers.CharField()
    not_graded_reasons = serializers.DictField(child=serializers.CharField())
    periods = ReportCardPeriodSerializer(many=True)
