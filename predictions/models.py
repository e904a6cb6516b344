"""Sources, their predictions, and the scores that say how each is doing."""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from indicators.models import (
    DESCRIPTION_LENGTH,
    EARLIEST_DATE,
    NOTE_LENGTH,
    Category,
    Indicator,
    text_limit,
)
from predictions import scoring
from tracker.validators import (
    validate_http_url,
    validate_quantiles,
    validate_supplements,
)

# The latest deadline a claim may have: beyond it nothing here can be checked.
LATEST_DEADLINE = datetime.date(2100, 12, 31)
FROM_1950 = MinValueValidator(EARLIEST_DATE)


class Source(models.Model):
    """Who predicted: AI 2027, Lambert, later anyone."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    authors = models.CharField(max_length=300)
    published = models.DateField(validators=[FROM_1950])
    url = models.URLField(max_length=500, validators=[validate_http_url])
    description = models.TextField(blank=True, **text_limit(DESCRIPTION_LENGTH))
    supplements = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_supplements],
        help_text='A list of {"title": ..., "url": ...}; http(s) URLs only.',
    )

    class Meta:
        ordering = ["published", "slug"]

    def __str__(self) -> str:
        return self.name


# The vocabularies are the scoring package's (predictions.scoring); these add
# the labels, and tests/predictions/test_vocabularies.py ties the two.
class Kind(models.TextChoices):
    THRESHOLD = scoring.Kind.THRESHOLD, "Reaches a threshold by a deadline"
    VALUE_AT = scoring.Kind.VALUE_AT, "Value at a date"
    INTERVAL = scoring.Kind.INTERVAL, "Within an interval at a date"
    TREND = scoring.Kind.TREND, "Trend direction over a window"
    EVENT = scoring.Kind.EVENT, "Event by a date"


class Comparison(models.TextChoices):
    GTE = scoring.Comparison.GTE, "at least"
    LTE = scoring.Comparison.LTE, "at most"
    NOT_GTE = scoring.Comparison.NOT_GTE, "stays below"
    NOT_LTE = scoring.Comparison.NOT_LTE, "stays above"


class ProbabilityOrigin(models.TextChoices):
    STATED = "stated", "Stated by the source"
    IMPLIED = "implied", "Implied by the source's words"
    DERIVED = "derived", "Derived from the source's distribution"


class Status(models.TextChoices):
    AHEAD = scoring.Status.AHEAD, "Ahead of schedule"
    ON_TRACK = scoring.Status.ON_TRACK, "On track"
    BEHIND = scoring.Status.BEHIND, "Behind schedule"
    RESOLVED_TRUE = scoring.Status.RESOLVED_TRUE, "Came true"
    RESOLVED_FALSE = scoring.Status.RESOLVED_FALSE, "Did not come true"
    UNRESOLVABLE = scoring.Status.UNRESOLVABLE, "Not yet resolvable"


# The fields that state what a prediction claims, in record order: read by
# the record files, the scoring service and the API alike.
CLAIM_FIELDS = (
    "kind",
    "comparison",
    "target",
    "target_low",
    "target_high",
    "deadline",
    "baseline_value",
    "baseline_date",
    "probability",
    "probability_is_implied",
)


class PredictionQuerySet(models.QuerySet):
    def for_indicator(self, indicator: Indicator | int) -> "PredictionQuerySet":
        return self.filter(indicator=indicator)

    def with_current_score(self) -> "PredictionQuerySet":
        return self.select_related("source", "indicator", "current_score")

    def undecided_between(self, start, end) -> "PredictionQuerySet":
        """Due between ``start`` and ``end`` (inclusive) with no value deciding
        them: never scored, or not yet resolvable."""
        return self.filter(deadline__gte=start, deadline__lte=end).filter(
            Q(current_score__isnull=True) | Q(current_score__status=Status.UNRESOLVABLE)
        )

    def tally_by_source(self) -> "PredictionQuerySet":
        """Per source: predictions by current status, mean Brier and log score."""
        counts = {
            status: models.Count("pk", filter=Q(current_score__status=status))
            for status in Status.values
        }
        return (
            self.order_by()
            .values("source_id")
            .annotate(
                **counts,
                total=models.Count("pk"),
                mean_brier=models.Avg("current_score__brier"),
                mean_log_score=models.Avg("current_score__log_score"),
                probability_count=models.Count(
                    "pk", filter=Q(current_score__brier__isnull=False)
                ),
            )
        )

    def standings(self) -> "PredictionQuerySet":
        """One row per prediction, scored or not, with what the scoreboard reads
        of its scored ones (pace, calibration, head to head) and the report card
        of every one: one query builds both (a few thousand rows at most, so
        they are reduced in Python)."""
        return self.order_by("indicator__slug", "source_id", "pk").values(
            "pk",
            "slug",
            "claim",
            "kind",
            "comparison",
            "target",
            "target_low",
            "target_high",
            "deadline",
            "baseline_value",
            "baseline_date",
            "source_id",
            "source__slug",
            "source__name",
            "source__published",
            "indicator__slug",
            "indicator__scale",
            "indicator__name",
            "indicator__unit",
            "current_score__status",
            "current_score__outcome",
            "current_score__pace_ratio",
            "current_score__observed_value",
            "current_score__probability",
            "current_score__probability_origin",
            "current_score__projection_probability",
            "current_score__projection_low",
            "current_score__projection_high",
            "current_score__progress_actual",
            "current_score__as_of",
            "current_score__rules_version",
        )

    def with_probability(self) -> "PredictionQuerySet":
        """Predictions whose current score has a probability, with where it came
        from: the rows the methods page traces to words and distributions."""
        return (
            self.filter(current_score__probability__isnull=False)
            .order_by("source__published", "source__slug", "deadline", "slug")
            .values(
                "slug",
                "claim",
                "source__slug",
                "source__name",
                "probability_basis",
                "current_score__status",
                "current_score__probability",
                "current_score__probability_origin",
                "current_score__probability_method",
            )
        )


class Prediction(models.Model):
    """One concrete, cited claim of a source about an indicator."""

    slug = models.SlugField(max_length=80, unique=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="predictions"
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="predictions"
    )
    category = models.CharField(max_length=30, choices=Category)
    kind = models.CharField(max_length=10, choices=Kind)
    comparison = models.CharField(max_length=10, choices=Comparison)
    target = models.FloatField(null=True, blank=True)
    target_low = models.FloatField(null=True, blank=True)
    target_high = models.FloatField(null=True, blank=True)
    deadline = models.DateField(
        validators=[FROM_1950, MaxValueValidator(LATEST_DEADLINE)]
    )
    baseline_value = models.FloatField(null=True, blank=True)
    baseline_date = models.DateField(null=True, blank=True, validators=[FROM_1950])
    probability = models.FloatField(
        null=True, blank=True, help_text="Stated (or implied) probability, 0 to 1."
    )
    probability_is_implied = models.BooleanField(default=False)
    probability_basis = models.TextField(
        blank=True,
        **text_limit(NOTE_LENGTH),
        help_text="How an implied probability was read from the source.",
    )
    quantiles = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_quantiles],
        help_text="[[level, value], ...] in the indicator's unit, for CRPS.",
    )
    interval_coverage = models.FloatField(
        null=True,
        blank=True,
        help_text="Stated coverage of [target_low, target_high], e.g. 0.8.",
    )
    claim = models.TextField(
        help_text="A short paraphrase, never a long quote.", **text_limit(NOTE_LENGTH)
    )
    citation_url = models.URLField(max_length=500, validators=[validate_http_url])
    citation_section = models.CharField(max_length=300)
    resolution_rule = models.TextField(blank=True, **text_limit(NOTE_LENGTH))
    is_operationalized = models.BooleanField(default=False)
    reasoning = models.TextField(
        blank=True,
        **text_limit(DESCRIPTION_LENGTH),
        help_text="How a qualitative claim became a measurable one.",
    )
    # An editor's verdict overrides the data; a rescore never undoes it.
    override_outcome = models.BooleanField(null=True, blank=True)
    override_reason = models.TextField(blank=True, **text_limit(NOTE_LENGTH))
    current_score = models.ForeignKey(
        "Score",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PredictionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["current_score", "updated_at"])

    class Meta:
        ordering = ["deadline", "slug"]
        # The lists' default order: a page is read from the index, not sorted.
        indexes = [
            models.Index(fields=["deadline", "slug"], name="prediction_list_order")
        ]
        constraints = [
            models.CheckConstraint(
                name="prediction_deadline_range",
                condition=Q(deadline__gte=EARLIEST_DATE, deadline__lte=LATEST_DEADLINE),
            ),
            models.CheckConstraint(
                name="prediction_probability_range",
                condition=Q(probability__isnull=True)
                | Q(probability__gte=0, probability__lte=1),
            ),
            models.CheckConstraint(
                name="prediction_implied_probability_has_basis",
                condition=Q(probability_is_implied=False)
                | (Q(probability__isnull=False) & ~Q(probability_basis="")),
            ),
            models.CheckConstraint(
                name="prediction_target_bounds_ordered",
                condition=Q(target_low__isnull=True)
                | Q(target_high__isnull=True)
                | Q(target_low__lte=F("target_high")),
            ),
            models.CheckConstraint(
                name="prediction_threshold_has_target",
                condition=~Q(kind__in=[Kind.THRESHOLD, Kind.VALUE_AT, Kind.EVENT])
                | Q(target__isnull=False),
            ),
            models.CheckConstraint(
                name="prediction_interval_has_bounds",
                condition=~Q(kind=Kind.INTERVAL)
                | Q(target_low__isnull=False, target_high__isnull=False),
            ),
            models.CheckConstraint(
                name="prediction_baseline_before_deadline",
                condition=Q(baseline_date__isnull=True)
                | Q(baseline_date__lte=F("deadline")),
            ),
            models.CheckConstraint(
                name="prediction_coverage_range",
                condition=Q(interval_coverage__isnull=True)
                | Q(interval_coverage__gt=0, interval_coverage__lt=1),
            ),
            models.CheckConstraint(
                name="prediction_operationalized_has_reasoning",
                condition=Q(is_operationalized=False) | ~Q(reasoning=""),
            ),
            models.CheckConstraint(
                name="prediction_override_has_reason",
                condition=Q(override_outcome__isnull=True) | ~Q(override_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return self.slug


class ScoreQuerySet(models.QuerySet):
    def latest_first(self) -> "ScoreQuerySet":
        return self.order_by("-as_of")


class Score(models.Model):
    """A prediction's standing as of a date; one row per prediction and day."""

    prediction = models.ForeignKey(
        Prediction, on_delete=models.CASCADE, related_name="scores"
    )
    as_of = models.DateField()
    computed_at = models.DateTimeField()
    rules_version = models.CharField(max_length=20)
    status = models.CharField(max_length=20, choices=Status)
    outcome = models.BooleanField(null=True, blank=True)
    resolved_on = models.DateField(null=True, blank=True)
    is_override = models.BooleanField(default=False)
    observation = models.ForeignKey(
        "indicators.Observation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The observation the verdict or pace rests on.",
    )
    observed_value = models.FloatField(null=True, blank=True)
    pace_ratio = models.FloatField(null=True, blank=True)
    months_ahead = models.FloatField(null=True, blank=True)
    progress_actual = models.FloatField(null=True, blank=True)
    progress_expected = models.FloatField(null=True, blank=True)
    probability = models.FloatField(null=True, blank=True)
    probability_is_implied = models.BooleanField(default=False)
    probability_origin = models.CharField(
        max_length=10, choices=ProbabilityOrigin, blank=True
    )
    probability_method = models.TextField(
        blank=True,
        help_text="How a derived or implied probability was obtained.",
        **text_limit(NOTE_LENGTH),
    )
    brier = models.FloatField(null=True, blank=True)
    log_score = models.FloatField(null=True, blank=True)
    error = models.FloatField(null=True, blank=True)
    interval_score = models.FloatField(null=True, blank=True)
    crps = models.FloatField(null=True, blank=True)
    projection_value = models.FloatField(null=True, blank=True)
    projection_low = models.FloatField(null=True, blank=True)
    projection_high = models.FloatField(null=True, blank=True)
    projection_probability = models.FloatField(null=True, blank=True)

    objects = ScoreQuerySet.as_manager()

    class Meta:
        ordering = ["prediction", "-as_of"]
        # The verdict history reads every prediction's scores on a few days
        # (the month-ends); the unique key leads with the prediction.
        indexes = [models.Index(fields=["as_of"], name="score_as_of")]
        constraints = [
            models.UniqueConstraint(
                fields=["prediction", "as_of"], name="score_one_per_day"
            ),
            models.CheckConstraint(
                name="score_resolved_has_outcome",
                condition=~Q(status__in=["resolved_true", "resolved_false"])
                | Q(outcome__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prediction_id} as of {self.as_of}: {self.status}"

    @property
    def is_resolved(self) -> bool:
        return self.status in (Status.RESOLVED_TRUE, Status.RESOLVED_FALSE)


class QuestionQuerySet(models.QuerySet):
    def with_standings(self) -> "QuestionQuerySet":
        """Each question with its predictions, their sources and current scores:
        two queries whatever the number of questions."""
        predictions = Prediction.objects.with_current_score().order_by(
            "source__published", "source__slug", "deadline", "slug"
        )
        return self.prefetch_related(models.Prefetch("predictions", predictions))


class Question(models.Model):
    """Where the sources disagree: their claims about one quantity, side by side."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    quantity = models.TextField(
        help_text="What is measured, in a sentence.", **text_limit(NOTE_LENGTH)
    )
    summary = models.TextField(
        blank=True, help_text="Where the sources part ways.", **text_limit(NOTE_LENGTH)
    )
    decider = models.TextField(
        help_text="What would decide it, in a sentence.", **text_limit(NOTE_LENGTH)
    )
    predictions = models.ManyToManyField(Prediction, related_name="questions")
    derivations = models.JSONField(
        default=list,
        blank=True,
        help_text='[{"prediction": slug, "distributions": [slug, ...]}]: '
        "the quantile forecasts an event's derived probability is read from.",
    )

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class StatusChange(models.Model):
    """An event: a prediction's status changed (resolved, crossed, fell behind)."""

    prediction = models.ForeignKey(
        Prediction, on_delete=models.CASCADE, related_name="status_changes"
    )
    score = models.ForeignKey(
        Score, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Status)
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.prediction_id}: {self.from_status or 'new'} → {self.to_status}"


class Webhook(models.Model):
    """A subscriber that receives every status change as signed JSON."""

    url = models.URLField(max_length=500, validators=[validate_http_url])
    secret = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["url"]
        constraints = [
            models.CheckConstraint(
                name="webhook_url_http",
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"),
            ),
        ]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries"
    )
    status_change = models.ForeignKey(
        StatusChange, on_delete=models.CASCADE, related_name="deliveries"
    )
    attempts = models.PositiveIntegerField(default=0)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True, **text_limit(NOTE_LENGTH))
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "status_change"], name="delivery_once_per_event"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.status_change_id} → {self.webhook}"


class DeferredRescore(models.Model):
    """An indicator whose rescore could not be queued because the broker was down.

    Written only when publishing fails and deleted by the task that rescores
    it, so the table is empty whenever the broker is up (``predictions.changes``).
    """

    indicator = models.OneToOneField(
        Indicator, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    deferred_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"rescore of indicator {self.indicator_id}, deferred {self.deferred_at}"
