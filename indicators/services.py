"""Writes of observations with their rules: the one path shared by the admin,
the API, CSV imports and the seed loader (feeds use the bulk path in ingest)."""

import dataclasses
import datetime
import math
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from indicators.models import EARLIEST_DATE, Indicator, Observation, Origin, Tier
from indicators.signals import notify_observations_changed

# Fields a caller may set on an observation, besides its natural key.
VALUE_FIELDS = (
    "value",
    "low",
    "high",
    "is_estimate",
    "tier",
    "published_on",
    "source_title",
    "note",
)


@dataclass(frozen=True)
class ObservationData:
    indicator: Indicator
    date: datetime.date
    value: float
    source_url: str
    source_title: str
    low: float | None = None
    high: float | None = None
    is_estimate: bool = False
    tier: str = Tier.PRIMARY
    # None: public from the day it is recorded, which never lends a past
    # standing hindsight.
    published_on: datetime.date | None = None
    note: str = ""

    def with_defaults(self, *, published_on: datetime.date) -> "ObservationData":
        if self.published_on is not None:
            return self
        return dataclasses.replace(self, published_on=published_on)


def validate_observation(data: ObservationData, *, today: datetime.date) -> None:
    """Raise ValidationError naming each field that breaks a rule."""
    errors: dict[str, str] = {}
    for field in ("value", "low", "high"):
        number = getattr(data, field)
        if number is not None and not math.isfinite(number):
            errors[field] = f"{field} must be a finite number, not {number}."
    if errors:
        raise ValidationError(errors)
    if data.low is not None and data.low > data.value:
        errors["low"] = "The lower bound is above the value."
    if data.high is not None and data.high < data.value:
        errors["high"] = "The upper bound is below the value."
    if data.date > today:
        errors["date"] = f"{data.date} is in the future; observations record the past."
    elif data.date < EARLIEST_DATE:
        errors["date"] = (
            f"{data.date} is before {EARLIEST_DATE}, the earliest date kept."
        )
    if data.published_on is not None:
        if data.published_on < data.date:
            errors["published_on"] = (
                f"{data.published_on} is before the date the value measures "
                f"({data.date}); a value cannot be public before it exists."
            )
        elif data.published_on > today:
            errors["published_on"] = f"{data.published_on} is in the future."
    if data.tier not in Tier.values:
        errors["tier"] = f"{data.tier!r} is not one of {', '.join(Tier.values)}."
    try:
        data.indicator.check_value(data.value)
    except ValidationError as error:
        errors.update({k: " ".join(v) for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)


def find_existing(data: ObservationData) -> Observation | None:
    """The current value with the same natural key, if any."""
    return (
        Observation.objects.current()
        .filter(indicator=data.indicator, date=data.date, source_url=data.source_url)
        .first()
    )


@transaction.atomic
def record_observation(
    data: ObservationData, *, origin: str = Origin.ADMIN, user=None
) -> tuple[Observation, str]:
    """Insert or update the observation on its natural key.

    Returns the row and what happened: "new", "changed" or "unchanged".
    """
    today = timezone.now().date()
    validate_observation(data, today=today)
    existing = (
        Observation.objects.current()
        .select_for_update()
        .filter(indicator=data.indicator, date=data.date, source_url=data.source_url)
        .first()
    )
    # An update that names no publication date keeps the one on record.
    default = existing.published_on if existing else today
    data = data.with_defaults(published_on=default)
    if existing is None:
        observation = Observation(
            indicator=data.indicator,
            date=data.date,
            source_url=data.source_url,
            origin=origin,
            recorded_by=user,
            **{field: getattr(data, field) for field in VALUE_FIELDS},
        )
        observation._history_user = user
        observation.save()
        notify_observations_changed([data.indicator.pk])
        return observation, "new"
    changed = [
        field
        for field in VALUE_FIELDS
        if getattr(existing, field) != getattr(data, field)
    ]
    if not changed:
        return existing, "unchanged"
    for field in changed:
        setattr(existing, field, getattr(data, field))
    existing.origin = origin
    existing.recorded_by = user
    existing._history_user = user
    existing.save()
    notify_observations_changed([data.indicator.pk])
    return existing, "changed"
