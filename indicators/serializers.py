"""API shapes of indicators, observations, feeds and fetch runs."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import slug_re
from django.db import transaction
from django.utils import timezone
from rest_framework import serializers

from indicators import record
from indicators.models import (
    EARLIEST_DATE,
    FINITE_LIMIT,
    NOTE_LENGTH,
    Feed,
    FetchRun,
    Indicator,
    Observation,
    Origin,
    Tier,
    is_deciding,
)
from indicators.services import (
    ObservationData,
    save_observation,
    validate_observation,
)
from tracker.rows import UTCText, iso_utc
from tracker.validators import validate_http_url


class IndicatorSerializer(serializers.ModelSerializer):
    observation_count = serializers.IntegerField(read_only=True)
    deciding_count = serializers.IntegerField(
        read_only=True,
        help_text="How many of its values may decide (current, primary or press); "
        "while none does, `awaiting` says what would and where it would come from.",
    )

    class Meta:
        model = Indicator
        # The record file's columns, and how many values it has.
        fields = [*record.INDICATOR_FIELDS, "observation_count", "deciding_count"]


class ObservationSerializer(serializers.Serializer):
    """One observation as the API lists it: the record file's columns, whether
    it may decide, and where and when it came in.

    Rendered from a ``.values()`` row (``VALUE_NAMES``), not a model instance:
    a page of 50 costs one query and no model or field objects per row.
    """

    id = serializers.IntegerField()
    indicator = serializers.SlugField()
    date = serializers.DateField()
    value = serializers.FloatField()
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)
    is_estimate = serializers.BooleanField()
    tier = serializers.ChoiceField(choices=Tier.choices)
    published_on = serializers.DateField()
    superseded_by = serializers.IntegerField(
        allow_null=True, help_text="The id of the value that revised this one."
    )
    source_url = serializers.URLField(max_length=500)
    source_title = serializers.CharField(max_length=300)
    note = serializers.CharField(allow_blank=True, max_length=NOTE_LENGTH)
    is_deciding = serializers.BooleanField(
        help_text="Whether the value may decide a status: current, and primary "
        "or press.",
    )
    origin = serializers.ChoiceField(choices=Origin.choices)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    # The record's columns as ``.values()`` names (the indicator by its slug,
    # the revising row by its id), then the row's id and where it came from.
    VALUE_NAMES = (
        "id",
        *(
            {"indicator": "indicator__slug", "superseded_by": "superseded_by_id"}.get(
                column, column
            )
            for column in record.OBSERVATION_COLUMNS
        ),
        "origin",
    )
    # Read as text (tracker.rows), not as datetimes.
    VALUE_EXPRESSIONS = {
        "created_at_text": UTCText("created_at"),
        "updated_at_text": UTCText("updated_at"),
    }

    def to_representation(self, row: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": row["id"],
            "indicator": row["indicator__slug"],
            "date": row["date"].isoformat(),
            "value": row["value"],
            "low": row["low"],
            "high": row["high"],
            "is_estimate": row["is_estimate"],
            "tier": row["tier"],
            "published_on": row["published_on"].isoformat(),
            "superseded_by": row["superseded_by_id"],
            "source_url": row["source_url"],
            "source_title": row["source_title"],
            "note": row["note"],
            "is_deciding": is_deciding(row["tier"], row["superseded_by_id"]),
            "origin": row["origin"],
            "created_at": iso_utc(row["created_at_text"]),
            "updated_at": iso_utc(row["updated_at_text"]),
        }


class IndicatorSlugField(serializers.SlugRelatedField):
    """An indicator by slug; text that cannot be a slug is unknown, not a query.

    (PostgreSQL refuses NUL characters outright, so looking one up would fail.)
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="slug", queryset=Indicator.objects.all(), **kwargs)

    def to_internal_value(self, data: Any) -> Indicator:
        if not isinstance(data, str) or not slug_re.fullmatch(data):
            self.fail("does_not_exist", slug_name="slug", value=str(data)[:80])
        return super().to_internal_value(data)


class FiniteFloatField(serializers.FloatField):
    """A number the database accepts: finite, within ±1e300, and not a boolean."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=-FINITE_LIMIT, max_value=FINITE_LIMIT, **kwargs)

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


@dataclass(frozen=True)
class SavedObservation:
    observation: Observation
    result: str  # "new", "changed" or "unchanged"


class ObservationListSerializer(serializers.ListSerializer):
    """A list is recorded all or nothing, and names no natural key twice."""

    def validate(self, attrs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen: dict[tuple, int] = {}
        for index, item in enumerate(attrs):
            key = (item["indicator"].pk, item["date"], item["source_url"])
            if key in seen:
                raise serializers.ValidationError(
                    f"Item {index} repeats item {seen[key]}: same indicator, "
                    "date and source_url."
                )
            seen[key] = index
        return attrs

    @transaction.atomic
    def create(self, validated_data: list[dict[str, Any]]) -> list[SavedObservation]:
        return [self.child.create(attrs) for attrs in validated_data]


class ObservationInputSerializer(serializers.Serializer):
    """One observation to record; the service's rules make a bad one a 400."""

    indicator = IndicatorSlugField()
    date = serializers.DateField(
        help_text=f"From {EARLIEST_DATE} to today (UTC); not in the future."
    )
    value = FiniteFloatField()
    low = FiniteFloatField(required=False, allow_null=True, default=None)
    high = FiniteFloatField(required=False, allow_null=True, default=None)
    source_url = serializers.URLField(max_length=500, validators=[validate_http_url])
    source_title = serializers.CharField(max_length=300)
    is_estimate = serializers.BooleanField(default=False)
    tier = serializers.ChoiceField(choices=Tier.choices, default=Tier.PRIMARY)
    published_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When the producer made the value public; defaults to the day "
        "it is recorded (or, for an update, the date already on record).",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTE_LENGTH
    )

    class Meta:
        list_serializer_class = ObservationListSerializer

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            validate_observation(ObservationData(**attrs), today=timezone.now().date())
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        return attrs

    def create(self, validated_data: dict[str, Any]) -> SavedObservation:
        origin = validated_data.pop("origin")
        user = validated_data.pop("user")
        try:
            observation, result = save_observation(
                ObservationData(**validated_data), origin=origin, user=user
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        return SavedObservation(observation, result)


class ObservationResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    id = serializers.IntegerField()
    indicator = serializers.CharField()
    date = serializers.DateField()
    source_url = serializers.URLField()
    result = serializers.ChoiceField(choices=["new", "changed", "unchanged"])


class ObservationWriteResponseSerializer(serializers.Serializer):
    new = serializers.IntegerField()
    changed = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    results = ObservationResultSerializer(many=True)


class FeedSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Feed
        fields = [
            "id",
            "name",
            "indicator",
            "url",
            "format",
            "aggregation",
            "interval_minutes",
            "is_active",
            "last_run_at",
            "next_run_at",
        ]


class FetchRunSerializer(serializers.ModelSerializer):
    feed = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = FetchRun
        fields = [
            "id",
            "feed",
            "started_at",
            "finished_at",
            "outcome",
            "rows_seen",
            "rows_new",
            "rows_changed",
            "error",
        ]
