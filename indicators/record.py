"""The indicators' half of the record: ``indicators.yaml`` and ``observations.csv``.

Reading collects every problem instead of stopping at the first, so an editor
fixes a file in one pass; nothing is written unless every row is valid. Writing
is canonical (fixed key order, numbers and dates in one spelling), so loading
and exporting the files gives them back byte for byte.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from indicators import upsert
from indicators.models import (
    OBSERVATION_VALUE_FIELDS,
    Derivation,
    Indicator,
    Observation,
    Origin,
    Period,
    Tier,
)
from indicators.record_format import (
    DATE,
    LIST,
    NUMBER,
    TEXT,
    Counts,
    Item,
    RecordError,
    RecordInvalid,
    check_unique,
    decode,
    dump_yaml,
    errors_from_validation,
    format_number,
    parse_date,
    parse_number,
    read_model_items,
    read_yaml_items,
)
from indicators.services import ObservationData, validate_observation
from tracker.validators import validate_http_url

OBSERVATION_COLUMNS = (
    "indicator",
    "date",
    "value",
    "low",
    "high",
    "is_estimate",
    "tier",
    "published_on",
    "superseded_by",
    "source_url",
    "source_title",
    "note",
)
INDICATORS_HEADER = "# Indicators: measurable quantities the predictions refer to.\n"

# --- Indicators -----------------------------------------------------------------

INDICATOR_SPEC = {
    "slug": (TEXT, True),
    "name": (TEXT, True),
    "description": (TEXT, True),
    "unit": (TEXT, True),
    "scale": (TEXT, True),
    "min_value": (NUMBER, False),
    "max_value": (NUMBER, False),
    "category": (TEXT, True),
    "cadence_days": (NUMBER, False),
    "awaiting": (TEXT, False),
}
# The record file's fields of an indicator, in order.
INDICATOR_FIELDS = tuple(INDICATOR_SPEC)


def read_indicators(
    raw: bytes, *, file: str = "indicators.yaml"
) -> tuple[list[Indicator], list[RecordError]]:
    """Unsaved indicators, checked by the model's own field and constraint rules."""
    return read_model_items(
        raw,
        file=file,
        spec=INDICATOR_SPEC,
        model=Indicator,
        check=lambda item: _check_cadence(item, file),
    )


def _check_cadence(item: Item, file: str) -> list[RecordError]:
    # The model field would truncate 7.5 to 7 without a word.
    days = item.data["cadence_days"]
    if days is None or (days.is_integer() and days >= 1):
        return []
    message = f"{days:g} is not a whole number of days, at least 1."
    return [RecordError(file, item.where, "cadence_days", message)]


def indicator_to_dict(indicator: Indicator) -> dict:
    return {name: getattr(indicator, name) for name in INDICATOR_FIELDS}


def save_indicators(indicators: list[Indicator]) -> Counts:
    """Insert or update on slug; afterwards every given instance has its pk."""
    counts = Counts()
    existing = Indicator.objects.in_bulk(
        [indicator.slug for indicator in indicators], field_name="slug"
    )
    for indicator in indicators:
        current = existing.get(indicator.slug)
        if current is None:
            indicator.save()
            counts.new += 1
            continue
        indicator.pk, indicator.created_at = current.pk, current.created_at
        if indicator_to_dict(indicator) == indicator_to_dict(current):
            counts.unchanged += 1
        else:
            indicator.save()
            counts.changed += 1
    return counts


def export_indicators() -> str:
    # Sorted in Python: the database's collation may ignore the hyphens in slugs.
    indicators = sorted(Indicator.objects.all(), key=lambda i: (i.category, i.slug))
    items = [indicator_to_dict(indicator) for indicator in indicators]
    return dump_yaml(items, header=INDICATORS_HEADER)


# --- Derived indicators ---------------------------------------------------------

DERIVATION_SPEC = {
    "slug": (TEXT, True),
    "formula": (TEXT, True),
    "inputs": (LIST, True),
    "period": (TEXT, False),
    "start": (DATE, False),
}
DERIVATIONS_HEADER = (
    "# Derived indicators: each computed from other indicators by a formula.\n"
)


def read_derivations(
    raw: bytes, *, indicators: Mapping[str, Indicator], file: str = "derived.yaml"
) -> tuple[list[Derivation], list[RecordError]]:
    """Unsaved derivations; every slug must name an indicator of the record."""
    items, errors = read_yaml_items(raw, file=file, spec=DERIVATION_SPEC)
    errors += check_unique(((i.where, i.data.get("slug")) for i in items), file=file)
    derivations = []
    for item in items:
        if not item.is_complete(DERIVATION_SPEC):
            continue
        data = dict(item.data)
        indicator = indicators.get(data.pop("slug"))
        unknown = [slug for slug in data["inputs"] if slug not in indicators]
        if indicator is None:
            errors.append(RecordError(file, item.where, "slug", "is not an indicator."))
            continue
        if unknown:
            message = f"{', '.join(map(repr, unknown))}: not an indicator."
            errors.append(RecordError(file, item.where, "inputs", message))
            continue
        derivation = Derivation(
            indicator=indicator, **{**data, "period": data["period"] or Period.DATE}
        )
        try:
            derivation.full_clean(exclude=["indicator"], validate_unique=False)
        except ValidationError as error:
            errors += errors_from_validation(
                error, file=file, where=item.where, model=Derivation
            )
            continue
        derivations.append(derivation)
    return derivations, errors


def derivation_to_dict(derivation: Derivation) -> dict:
    return {
        "slug": derivation.indicator.slug,
        "formula": derivation.formula,
        "inputs": list(derivation.inputs),
        "period": derivation.period,
        "start": derivation.start,
    }


def save_derivations(derivations: list[Derivation]) -> Counts:
    """Insert or update on the derived indicator; call after save_indicators."""
    counts = Counts()
    existing = {
        d.indicator.slug: d for d in Derivation.objects.select_related("indicator")
    }
    for derivation in derivations:
        derivation.indicator = Indicator.objects.get(slug=derivation.indicator.slug)
        current = existing.get(derivation.indicator.slug)
        if current is None:
            derivation.save()
            counts.new += 1
        elif derivation_to_dict(current) == derivation_to_dict(derivation):
            counts.unchanged += 1
        else:
            derivation.pk = current.pk
            derivation.save()
            counts.changed += 1
    return counts


def export_derivations() -> str:
    derivations = sorted(
        Derivation.objects.select_related("indicator"), key=lambda d: d.indicator.slug
    )
    items = [derivation_to_dict(d) for d in derivations]
    return dump_yaml(items, header=DERIVATIONS_HEADER)


# --- Observations ---------------------------------------------------------------


def observation_to_row(observation: Observation) -> dict[str, str]:
    """The observation as the cells of an ``observations.csv`` row."""
    return {
        "indicator": observation.indicator.slug,
        "date": observation.date.isoformat(),
        "value": format_number(observation.value),
        "low": format_number(observation.low),
        "high": format_number(observation.high),
        "is_estimate": "true" if observation.is_estimate else "false",
        "tier": observation.tier,
        "published_on": observation.published_on.isoformat(),
        "superseded_by": (
            observation.superseded_by.source_url if observation.superseded_by else ""
        ),
        "source_url": observation.source_url,
        "source_title": observation.source_title,
        "note": observation.note,
    }


def write_observations_csv(observations: Iterable[Observation]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=OBSERVATION_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(observation_to_row(observation) for observation in observations)
    return buffer.getvalue()


def _row_order(observation: Observation) -> tuple:
    # Current values first, then the ones they replaced, oldest estimate first.
    return (
        observation.indicator.slug,
        observation.date,
        observation.source_url,
        observation.superseded_by_id is not None,
        observation.created_at,
        observation.pk,
    )


def export_observations() -> str:
    rows = sorted(
        Observation.objects.select_related("indicator", "superseded_by"),
        key=_row_order,
    )
    return write_observations_csv(rows)


class RecordRow(NamedTuple):
    """One row of ``observations.csv``: the value, and the source URL of the
    current row (same indicator and date) that supersedes it, or ""."""

    data: ObservationData
    superseded_by: str = ""
    where: str = ""  # "row N" of the file, for messages


def read_observations(
    raw: bytes,
    *,
    indicators: Mapping[str, Indicator],
    file: str = "observations.csv",
    today: datetime.date | None = None,
) -> tuple[list[RecordRow], list[RecordError]]:
    """Parse and check every row against ``indicators`` (slug → indicator)."""
    text, errors = decode(raw, file=file)
    if errors:
        return [], errors
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        message = "holds a NUL character, which no text field may hold."
        return [], [RecordError(file, f"line {line}", "", message)]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
    except csv.Error as error:
        return [], [_csv_error(file, reader, error)]
    if tuple(header) != OBSERVATION_COLUMNS:
        expected = ",".join(OBSERVATION_COLUMNS)
        message = f"the header must be exactly {expected!r}, not {','.join(header)!r}."
        return [], [RecordError(file, "line 1", "", message)]
    today = today or timezone.now().date()
    rows: list[tuple[str, RecordRow]] = []
    try:
        for cells in reader:
            where = f"row {reader.line_num}"
            row = _read_observation(cells, where, file, indicators, today, errors)
            if row is not None:
                rows.append((where, row))
    except csv.Error as error:
        errors.append(_csv_error(file, reader, error))
    current = [(where, row) for where, row in rows if not row.superseded_by]
    keys = ((where, _natural_key(row.data)) for where, row in current)
    errors += check_unique(keys, file=file)
    errors += _check_revisions(rows, file=file)
    return [row for _, row in rows], errors


def _csv_error(file: str, reader: Any, error: csv.Error) -> RecordError:
    """A row the csv module cannot read: a cell over its size limit, a stray quote."""
    if "field larger than field limit" in str(error):
        limit = csv.field_size_limit()
        message = f"has a cell over {limit:,} characters, far over any field's limit."
    else:
        message = f"is not valid CSV ({error})."
    return RecordError(file, f"row {reader.line_num}", "", message)


def _natural_key(data: ObservationData) -> tuple[str, str, str]:
    return (data.indicator.slug, data.date.isoformat(), data.source_url)


def _check_revisions(
    rows: list[tuple[str, RecordRow]], *, file: str
) -> list[RecordError]:
    """A superseded row names a current row of the same indicator and date."""
    current = {_natural_key(row.data) for _, row in rows if not row.superseded_by}
    errors = []
    for where, row in rows:
        if not row.superseded_by:
            continue
        data = row.data
        key = (data.indicator.slug, data.date.isoformat(), row.superseded_by)
        if key not in current:
            message = (
                f"no current row of {data.indicator.slug} on {data.date} has the "
                f"source URL {row.superseded_by!r}."
            )
            errors.append(RecordError(file, where, "superseded_by", message))
    return errors


def _read_observation(
    cells: list[str],
    where: str,
    file: str,
    indicators: Mapping[str, Indicator],
    today: datetime.date,
    errors: list[RecordError],
) -> RecordRow | None:
    if len(cells) != len(OBSERVATION_COLUMNS):
        message = f"has {len(cells)} cells, expected {len(OBSERVATION_COLUMNS)}."
        errors.append(RecordError(file, where, "", message))
        return None
    row = dict(zip(OBSERVATION_COLUMNS, cells, strict=True))
    values: dict[str, object] = {}
    problems: dict[str, str] = {}
    for name, parse in CELL_PARSERS.items():
        try:
            values[name] = parse(row[name])
        except ValueError as error:
            problems[name] = str(error)
    superseded_by = values.pop("superseded_by", "")
    values["indicator"] = indicators.get(row["indicator"])
    if values["indicator"] is None:
        problems["indicator"] = f"{row['indicator']!r} is not a known indicator."
    if not problems:
        data = ObservationData(**values)
        try:
            validate_observation(data, today=today)
        except ValidationError as error:
            problems.update(
                (name, " ".join(messages))
                for name, messages in error.message_dict.items()
            )
    errors += [RecordError(file, where, name, text) for name, text in problems.items()]
    return None if problems else RecordRow(data, superseded_by, where)


def _optional_number(raw: str) -> float | None:
    return None if raw == "" else parse_number(raw)


def _boolean(raw: str) -> bool:
    if raw not in ("true", "false"):
        raise ValueError(f"{raw!r} is not true or false.")
    return raw == "true"


def _url(raw: str) -> str:
    try:
        validate_http_url(raw)
    except ValidationError:
        raise ValueError(f"{raw!r} is not an http(s) URL.") from None
    if len(raw) > Observation._meta.get_field("source_url").max_length:
        raise ValueError("is longer than 500 characters.")
    return raw


def _optional_url(raw: str) -> str:
    return "" if raw == "" else _url(raw)


def _tier(raw: str) -> str:
    if raw not in Tier.values:
        raise ValueError(f"{raw!r} is not one of {', '.join(Tier.values)}.")
    return raw


def _title(raw: str) -> str:
    if not raw.strip():
        raise ValueError("must not be empty.")
    if len(raw) > Observation._meta.get_field("source_title").max_length:
        raise ValueError("is longer than 300 characters.")
    return raw


CELL_PARSERS = {
    "date": parse_date,
    "value": parse_number,
    "low": _optional_number,
    "high": _optional_number,
    "is_estimate": _boolean,
    "tier": _tier,
    "published_on": parse_date,
    "superseded_by": _optional_url,
    "source_url": _url,
    "source_title": _title,
    "note": str,
}


def save_observations(
    rows: list[RecordRow], *, origin: str, user: AbstractBaseUser | None = None
) -> Counts:
    """Upsert current values on the natural key through the bulk path that
    feeds use, then the superseded values beside the rows that replace them.

    Rows not in ``rows`` are left alone: a load never deletes.
    """
    fields = upsert.ObservationRow._fields[1:]  # all but indicator_id
    counts = upsert.bulk_upsert_observations(
        [
            upsert.ObservationRow(
                row.data.indicator.pk, *(getattr(row.data, name) for name in fields)
            )
            for row in rows
            if not row.superseded_by
        ],
        origin=origin,
        user=user,
    )
    total = Counts(counts.new, counts.changed, counts.unchanged)
    for row in rows:
        if row.superseded_by:
            result = _save_superseded(row, origin=origin, user=user)
            setattr(total, result, getattr(total, result) + 1)
    return total


def _save_superseded(row: RecordRow, *, origin: str, user) -> str:
    """Keep a replaced value, matched on its key, its successor and its value."""
    data = row.data
    successor = Observation.objects.current().get(
        indicator=data.indicator, date=data.date, source_url=row.superseded_by
    )
    values = {name: getattr(data, name) for name in OBSERVATION_VALUE_FIELDS}
    existing = Observation.objects.filter(
        indicator=data.indicator,
        date=data.date,
        source_url=data.source_url,
        superseded_by=successor,
        value=data.value,
    ).first()
    if existing is None:
        Observation.objects.create(
            indicator=data.indicator,
            date=data.date,
            source_url=data.source_url,
            superseded_by=successor,
            origin=origin,
            recorded_by=user,
            **values,
        )
        return "new"
    if all(getattr(existing, name) == value for name, value in values.items()):
        return "unchanged"
    for name, value in values.items():
        setattr(existing, name, value)
    existing.save()
    return "changed"


def import_observations_csv(
    raw: bytes, *, file: str, user: AbstractBaseUser | None
) -> Counts:
    """The admin's CSV import: every row valid, or nothing written."""
    indicators = Indicator.objects.in_bulk(field_name="slug")
    rows, errors = read_observations(raw, indicators=indicators, file=file)
    if errors:
        raise RecordInvalid(errors)
    with transaction.atomic():
        return save_observations(rows, origin=Origin.IMPORT, user=user)
