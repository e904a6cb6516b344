"""Indicators, their observed values, and the feeds that fetch them."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from simple_history.models import HistoricalRecords

from indicators import payloads
from tracker.validators import validate_http_url

# Observations must be finite numbers. PostgreSQL sorts NaN above every number
# and SQLite stores NaN as NULL, so a pair of finite bounds rejects NaN and both
# infinities on either database.
FINITE_LIMIT = 1e300
# Stated limits (README, schema): no date before 1950, and a length for every
# text. Django does not enforce a TextField's max_length outside forms, so the
# fields carry the validator too.
EARLIEST_DATE = datetime.date(1950, 1, 1)
NOTE_LENGTH = 2000
DESCRIPTION_LENGTH = 5000


def text_limit(length: int) -> dict:
    """The keyword arguments that bound a TextField in forms, models and the API."""
    return {"max_length": length, "validators": [MaxLengthValidator(length)]}


class Category(models.TextChoices):
    BENCHMARKS = "benchmarks", "Benchmarks"
    COMPUTE = "compute", "Compute"
    DATACENTERS = "datacenters", "Datacenters"
    RD_SPEEDUP = "rd_speedup", "AI R&D speed-up"
    TIMELINES = "timelines", "Timelines"
    ECONOMICS = "economics", "Revenue and valuation"
    OPEN_WEIGHTS = "open_weights", "Open weights"
    TRAINING = "training", "Training"
    RESEARCH_ALLOCATION = "research_allocation", "Research vs inference"
    EVALUATIONS = "evaluations", "Evaluations"


class Scale(models.TextChoices):
    LINEAR = "linear", "Linear"
    LOG = "log", "Logarithmic"


class IndicatorQuerySet(models.QuerySet):
    def with_observation_counts(self) -> "IndicatorQuerySet":
        deciding = Q(
            observations__superseded_by__isnull=True,
            observations__tier__in=DECIDING_TIERS,
        )
        return self.annotate(
            observation_count=models.Count("observations"),
            deciding_count=models.Count("observations", filter=deciding),
        )

    def with_evidence(self) -> "IndicatorQuerySet":
        """Annotate the newest deciding value's date, how many current values
        there are, how many of them decide (``ObservationQuerySet.deciding``)
        and, for a derived indicator, its inputs."""
        current = Q(observations__superseded_by__isnull=True)
        deciding = current & Q(observations__tier__in=DECIDING_TIERS)
        derivation = Derivation.objects.filter(indicator=OuterRef("pk"))
        return self.annotate(
            newest_deciding_date=models.Max("observations__date", filter=deciding),
            deciding_count=models.Count("observations", filter=deciding),
            current_count=models.Count("observations", filter=current),
            # The slugs it is computed from, or None for a measured indicator.
            derived_from=Subquery(
                derivation.values("inputs")[:1], output_field=models.JSONField()
            ),
        )


class Indicator(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(
        help_text="What is measured and what counts.", **text_limit(DESCRIPTION_LENGTH)
    )
    unit = models.CharField(max_length=40)
    scale = models.CharField(max_length=10, choices=Scale, default=Scale.LINEAR)
    min_value = models.FloatField(
        null=True, blank=True, help_text="Lowest possible value, if any."
    )
    max_value = models.FloatField(
        null=True, blank=True, help_text="Highest possible value, if any."
    )
    category = models.CharField(max_length=30, choices=Category)
    cadence_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="How often a new deciding value is expected, in days (a weekly "
        "leaderboard 7, a quarterly filing 92); empty if there is no rhythm.",
    )
    awaiting = models.TextField(
        blank=True,
        help_text="While no value decides it: what value would decide its "
        "predictions, and where that value would come from.",
        **text_limit(NOTE_LENGTH),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="indicator_min_not_above_max",
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=F("max_value")),
            ),
            models.CheckConstraint(
                name="indicator_log_scale_positive",
                condition=~Q(scale=Scale.LOG)
                | Q(min_value__isnull=True)
                | Q(min_value__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    def check_value(self, value: float, field: str = "value") -> None:
        """Raise ValidationError naming ``field`` if ``value`` is out of range."""
        if self.min_value is not None and value < self.min_value:
            limit = f"{self.min_value:g}"
            raise ValidationError(
                {field: f"{value:g} is below the minimum of {self}: {limit}."}
            )
        if self.max_value is not None and value > self.max_value:
            limit = f"{self.max_value:g}"
            raise ValidationError(
                {field: f"{value:g} is above the maximum of {self}: {limit}."}
            )
        if self.scale == Scale.LOG and value <= 0:
            raise ValidationError(
                {field: f"{self} is on a log scale, so values must be above 0."}
            )


class Origin(models.TextChoices):
    ADMIN = "admin", "Admin"
    IMPORT = "import", "CSV import"
    API = "api", "API"
    FEED = "feed", "Feed run"
    SEED = "seed", "Seed record"
    DERIVED = "derived", "Derived from other indicators"


class Tier(models.TextChoices):
    """Who stands behind a value (EVIDENCE.md). Only primary and press decide."""

    PRIMARY = "primary", "Primary: the producer of the number"
    PRESS = "press", "Press: established press quoting the producer"
    AGGREGATOR = "aggregator", "Aggregator: anything else (never decides)"


# The tiers whose values may decide a status, a pace or a resolution.
DECIDING_TIERS = (Tier.PRIMARY, Tier.PRESS)
# The one rule for what decides (EVIDENCE.md): current, and primary or press.
DECIDING = Q(superseded_by__isnull=True, tier__in=DECIDING_TIERS)


def is_deciding(tier: str, superseded_by_id: int | None) -> bool:
    """``DECIDING`` for one row's values."""
    return superseded_by_id is None and tier in DECIDING_TIERS


class ObservationQuerySet(models.QuerySet):
    def for_indicator(self, indicator: Indicator | int) -> "ObservationQuerySet":
        return self.filter(indicator=indicator)

    def current(self) -> "ObservationQuerySet":
        """Values no later estimate of the producer has replaced."""
        return self.filter(superseded_by__isnull=True)

    def deciding(self) -> "ObservationQuerySet":
        """The values that may decide: current, and primary or press."""
        return self.filter(DECIDING)

    def with_is_deciding(self) -> "ObservationQuerySet":
        return self.annotate(
            is_deciding_row=models.ExpressionWrapper(
                DECIDING, output_field=models.BooleanField()
            )
        )

    def public_on(self, day) -> "ObservationQuerySet":
        """Values already public on ``day``: scoring a past day uses only these."""
        return self.filter(published_on__lte=day)

    def between(self, start=None, end=None) -> "ObservationQuerySet":
        if start is not None:
            self = self.filter(date__gte=start)
        if end is not None:
            self = self.filter(date__lte=end)
        return self


# An observation's natural key: one value per indicator, date and citation
# (among current rows; superseded ones stay beside their successor).
OBSERVATION_KEY = ("indicator", "date", "source_url")
# What a source reports of an observation, besides its natural key: a change
# to any of these but the publication date makes a row "changed".
OBSERVATION_VALUE_FIELDS = (
    "value",
    "low",
    "high",
    "is_estimate",
    "tier",
    "published_on",
    "source_title",
    "note",
)


class Observation(models.Model):
    """One value of an indicator at a date, as reported by one source."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="observations"
    )
    date = models.DateField(validators=[MinValueValidator(EARLIEST_DATE)])
    value = models.FloatField()
    low = models.FloatField(null=True, blank=True, help_text="Lower bound, if given.")
    high = models.FloatField(null=True, blank=True, help_text="Upper bound, if given.")
    is_estimate = models.BooleanField(default=False)
    tier = models.CharField(
        max_length=10,
        choices=Tier,
        default=Tier.PRIMARY,
        help_text="Primary: the producer's own publication. Press: established "
        "press quoting the producer. Aggregator: anything else; shown, never decides.",
    )
    published_on = models.DateField(
        help_text="When the producer made the value public (on or after its date)."
    )
    superseded_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
        help_text="The producer's later estimate that replaces this value.",
    )
    source_url = models.URLField(max_length=500, validators=[validate_http_url])
    source_title = models.CharField(max_length=300)
    note = models.TextField(blank=True, **text_limit(NOTE_LENGTH))
    origin = models.CharField(max_length=10, choices=Origin, default=Origin.ADMIN)
    fetch_run = models.ForeignKey(
        "FetchRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="observations",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ObservationQuerySet.as_manager()
    # History is read one observation at a time (by id); indexes on its other
    # keys would only slow down every bulk write.
    history = HistoricalRecords(no_db_index=["indicator", "fetch_run", "recorded_by"])

    class Meta:
        ordering = ["indicator", "date"]
        indexes = [
            # The API's lists, in their order: a page reads its rows from the
            # index, however many precede them, superseded values included.
            models.Index(
                fields=["indicator", "date", "id"], name="observation_list_order"
            ),
        ]
        constraints = [
            # The natural key: the same source's current value for the same
            # indicator and date is updated, never duplicated. A value the
            # producer revised stays beside it, superseded. The index also
            # serves "observations of an indicator by date".
            models.UniqueConstraint(
                fields=OBSERVATION_KEY,
                condition=Q(superseded_by__isnull=True),
                name="observation_natural_key",
            ),
            models.CheckConstraint(
                name="observation_published_not_before_date",
                condition=Q(published_on__gte=F("date")),
            ),
            models.CheckConstraint(
                name="observation_not_superseded_by_itself",
                condition=~Q(superseded_by=F("pk")),
            ),
            models.CheckConstraint(
                name="observation_date_from_1950",
                condition=Q(date__gte=EARLIEST_DATE),
            ),
            models.CheckConstraint(
                name="observation_value_finite",
                condition=Q(value__gte=-FINITE_LIMIT, value__lte=FINITE_LIMIT),
            ),
            models.CheckConstraint(
                name="observation_low_finite",
                condition=Q(low__isnull=True)
                | Q(low__gte=-FINITE_LIMIT, low__lte=FINITE_LIMIT),
            ),
            models.CheckConstraint(
                name="observation_high_finite",
                condition=Q(high__isnull=True)
                | Q(high__gte=-FINITE_LIMIT, high__lte=FINITE_LIMIT),
            ),
            models.CheckConstraint(
                name="observation_low_not_above_value",
                condition=Q(low__isnull=True) | Q(low__lte=F("value")),
            ),
            models.CheckConstraint(
                name="observation_high_not_below_value",
                condition=Q(high__isnull=True) | Q(high__gte=F("value")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.slug} {self.date}: {self.value:g}"

    @property
    def is_deciding(self) -> bool:
        return is_deciding(self.tier, self.superseded_by_id)


class FeedFormat(models.TextChoices):
    JSON = "json", "JSON"
    CSV = "csv", "CSV"
    YAML = "yaml", "YAML"
    XLSX = "xlsx", "XLSX (Excel)"


class Aggregation(models.TextChoices):
    PER_DATE = "per_date", "Value per date (the highest if several)"
    RUNNING_MAX = "running_max", "Running best to date (highest)"
    RUNNING_MIN = "running_min", "Running best to date (lowest)"


def validate_filters(raw: object) -> None:
    """A feed's filters: a list of {field, op, value}, op one of eq|ne|in|contains."""
    try:
        payloads.read_filters(raw)
    except payloads.FetchError as error:
        raise ValidationError(str(error)) from None


class FeedQuerySet(models.QuerySet):
    def failing(self) -> "FeedQuerySet":
        """Active feeds whose latest run failed, with that run's reason and time
        and the time of the last run that worked (None if none ever did)."""
        latest = FetchRun.objects.filter(feed=OuterRef("pk")).order_by("-started_at")
        worked = Q(runs__outcome__in=[Outcome.OK, Outcome.UNCHANGED])
        return (
            self.filter(is_active=True)
            .annotate(
                last_outcome=Subquery(latest.values("outcome")[:1]),
                last_error=Subquery(latest.values("error")[:1]),
                last_failed_at=Subquery(latest.values("started_at")[:1]),
                last_worked_at=models.Max("runs__started_at", filter=worked),
            )
            .filter(last_outcome=Outcome.FAILED)
        )

    def due(self, now) -> "FeedQuerySet":
        """Active feeds whose interval has passed since their last run."""
        return self.filter(is_active=True).filter(
            Q(next_run_at__isnull=True) | Q(next_run_at__lte=now)
        )


class Feed(models.Model):
    """Where a job fetches an indicator's values from, and how to read them."""

    name = models.CharField(max_length=200, unique=True)
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="feeds"
    )
    url = models.URLField(max_length=500, validators=[validate_http_url])
    format = models.CharField(max_length=4, choices=FeedFormat, default=FeedFormat.JSON)
    records_path = models.CharField(
        max_length=300,
        blank=True,
        help_text="JSON and YAML: dot path to the list of records, e.g. "
        '"leaderboards[name=Verified].results"; "results.*" for the values of a '
        'mapping, whose keys are then the field "@key".',
    )
    sheet = models.CharField(
        max_length=100, blank=True, help_text="XLSX: the sheet to read (the first)."
    )
    date_field = models.CharField(
        max_length=100, help_text='A field or a dotted path, e.g. "release_date".'
    )
    value_field = models.CharField(
        max_length=100,
        help_text="A field or a dotted path, e.g. "
        '"metrics.p50_horizon_length.estimate".',
    )
    label_field = models.CharField(
        max_length=100, blank=True, help_text="Names each record; kept as its note."
    )
    low_field = models.CharField(
        max_length=100, blank=True, help_text="Lower bound, scaled like the value."
    )
    high_field = models.CharField(
        max_length=100, blank=True, help_text="Upper bound, scaled like the value."
    )
    published_field = models.CharField(
        max_length=100,
        blank=True,
        help_text="When the producer published each value (else the fetch date).",
    )
    filters = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_filters],
        help_text='Rules that must all hold, e.g. [{"field": "form", "op": "eq", '
        '"value": "10-K"}]; op is eq, ne, in (a list of values) or contains '
        "(an item of a list field).",
    )
    aggregation = models.CharField(
        max_length=20, choices=Aggregation, default=Aggregation.PER_DATE
    )
    unit_factor = models.FloatField(
        default=1.0, help_text="Multiplies every value, e.g. 1e-9 for dollars to $B."
    )
    source_title = models.CharField(
        max_length=300, help_text="Title recorded on every observation of this feed."
    )
    max_bytes = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Largest response accepted, in bytes (default: FEED_MAX_BYTES).",
    )
    revises_values = models.BooleanField(
        default=False,
        help_text="The producer revises past values: a changed value keeps the "
        "old one as superseded.",
    )
    interval_minutes = models.PositiveIntegerField(default=24 * 60)
    is_active = models.BooleanField(default=True)
    # Conditional request state: an unchanged source costs one request.
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    # A claim with an expiry, so that one feed never runs twice at once and a
    # dead worker cannot hold the claim forever.
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FeedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="feed_url_http",
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"),
            ),
            models.CheckConstraint(
                name="feed_max_bytes_positive",
                condition=Q(max_bytes__isnull=True) | Q(max_bytes__gt=0),
            ),
            models.CheckConstraint(
                name="feed_unit_factor_nonzero",
                condition=~Q(unit_factor=0)
                & Q(unit_factor__gte=-FINITE_LIMIT, unit_factor__lte=FINITE_LIMIT),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Outcome(models.TextChoices):
    RUNNING = "running", "Running"
    OK = "ok", "OK"
    UNCHANGED = "unchanged", "Unchanged"
    FAILED = "failed", "Failed"


class FetchRun(models.Model):
    """One attempt of a feed."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome, default=Outcome.RUNNING)
    rows_seen = models.PositiveIntegerField(default=0)
    rows_new = models.PositiveIntegerField(default=0)
    rows_changed = models.PositiveIntegerField(default=0)
    rows_missing = models.PositiveIntegerField(
        default=0, help_text="Rows skipped for a missing date or value."
    )
    error = models.TextField(blank=True, **text_limit(NOTE_LENGTH))
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["feed", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.feed} at {self.started_at:%Y-%m-%d %H:%M}: {self.outcome}"


class Formula(models.TextChoices):
    SUM = "sum", "Sum of the inputs per period"
    GROWTH = "growth", "Year-on-year growth of one input (%)"
    FACTOR = "factor", "Year-on-year growth of one input, as a factor (x)"
    RETURN = "return", "Change of one input since a start date (%)"
    SHARE = "share", "First input over the second (%)"
    CALENDAR = "calendar", "A fiscal year's total moved to the calendar year"


class Period(models.TextChoices):
    DATE = "date", "The same date"
    YEAR = "year", "The same calendar year"


# How many inputs each formula takes (None: one or more).
FORMULA_INPUTS = {
    Formula.SUM: None,
    Formula.GROWTH: 1,
    Formula.FACTOR: 1,
    Formula.RETURN: 1,
    Formula.SHARE: 2,
    Formula.CALENDAR: 2,
}


class Derivation(models.Model):
    """An indicator computed from others (``indicators.derived``)."""

    indicator = models.OneToOneField(
        Indicator, on_delete=models.CASCADE, related_name="derivation"
    )
    formula = models.CharField(max_length=10, choices=Formula)
    inputs = models.JSONField(help_text="The input indicators' slugs, in order.")
    period = models.CharField(
        max_length=10,
        choices=Period,
        default=Period.DATE,
        help_text="How a sum or a share lines its inputs up.",
    )
    start = models.DateField(
        null=True, blank=True, help_text="A return's starting date."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="derivation_return_has_start",
                condition=~Q(formula=Formula.RETURN) | Q(start__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.slug} = {self.formula}({', '.join(self.inputs)})"

    def clean(self) -> None:
        inputs = self.inputs
        if not isinstance(inputs, list) or not inputs:
            raise ValidationError({"inputs": "Give a list of indicator slugs."})
        if not all(isinstance(slug, str) for slug in inputs):
            raise ValidationError({"inputs": "Every input is an indicator's slug."})
        wanted = FORMULA_INPUTS[self.formula]
        if wanted is not None and len(inputs) != wanted:
            message = f"{self.formula} takes {wanted} input(s), not {len(inputs)}."
            raise ValidationError({"inputs": message})
        if self.indicator_id is not None and self.indicator.slug in inputs:
            raise ValidationError({"inputs": "An indicator cannot derive from itself."})
