"""Writes of observations with their rules: the one path shared by the admin,
the API, CSV imports and the seed loader (feeds use the bulk path in ingest)."""

import dataclasses
import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from indicators.models import (
    OBSERVATION_VALUE_FIELDS,
    Indicator,
    Observation,
    Origin,
    Tier,
)
from indicators.signals import notify_observations_changed
from indicators.validation import ObservationRow, validate_one


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
    """Raise ValidationError naming each field that breaks a rule (the rules
    of ``indicators.validation``, the same for every path)."""
    fields = {f: getattr(data, f) for f in ObservationRow._fields[1:]}
    # The indicator is unsaved when record files are checked without a database.
    row = ObservationRow(indicator_id=data.indicator.pk or 0, **fields)
    validate_one(row, indicator=data.indicator, today=today)


def find_existing(data: ObservationData) -> Observation | None:
    """The current value with the same natural key, if any."""
    return (
        Observation.objects.current()
        .filter(indicator=data.indicator, date=data.date, source_url=data.source_url)
        .first()
    )


@transaction.atomic
def save_observation(
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
            **{field: getattr(data, field) for field in OBSERVATION_VALUE_FIELDS},
        )
        observation._history_user = user
        observation.save()
        notify_observations_changed([data.indicator.pk])
        return observation, "new"
    changed = [
        field
        for field in OBSERVATION_VALUE_FIELDS
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
