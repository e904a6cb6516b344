"""Map a feed's payload (JSON, CSV, YAML or XLSX) to dated values.

Plain Python: no Django, no ORM, no network, so it can be tested without a
database. ``parse()`` reads a payload with a feed's field mapping;
``fetchers.fetch()`` gets the payload over HTTP. Every failure is a
``FetchError`` whose ``transient`` flag tells the caller whether a retry can
help. Reading the bytes is ``payload_formats``; reading one field (dotted
paths, dates, numbers, missing-value markers) is ``payload_values``.
"""

import math
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from indicators.payload_formats import (
    DOCUMENT_FORMATS,
    FORMATS,
    columns_of,
    read_records,
    split_path,
)
from indicators.payload_values import (
    KEY_FIELD,
    MISSING,
    FetchError,
    get_field,
    is_missing,
    parse_date,
    parse_number,
    parse_spreadsheet_date,
    text,
)

__all__ = ["FeedSpec", "FetchError", "Filter", "Parsed", "Record", "parse"]

AGGREGATIONS = ("per_date", "running_max", "running_min")
FILTER_OPS = ("eq", "ne", "in", "contains")


@dataclass(frozen=True)
class Filter:
    """Keep a record only if its ``field`` passes: ``eq`` / ``ne`` compare it
    as a string with ``value``; ``in`` tests it against a list of values;
    ``contains`` tests a list field for an item equal to ``value`` (or a
    string field for ``value`` as a substring)."""

    field: str
    op: str
    value: Any

    def __str__(self) -> str:
        return f"{self.field} {self.op} {self.value!r}"

    def holds(self, raw: Any) -> bool:
        if self.op == "eq":
            return text(raw) == text(self.value)
        if self.op == "ne":
            return text(raw) != text(self.value)
        if self.op == "in":
            return text(raw) in {text(choice) for choice in self.value}
        if isinstance(raw, list):
            return text(self.value) in {text(item) for item in raw}
        return isinstance(raw, str) and text(self.value) in raw


@dataclass(frozen=True)
class FeedSpec:
    url: str
    format: str  # one of payload_formats.FORMATS
    date_field: str
    value_field: str
    # JSON and YAML: a dot path; "[field=value]" selects the first list item
    # whose field equals value; "*" walks the values of a mapping, whose keys
    # are then the field "@key". "" means the document itself is the list.
    records_path: str = ""
    filters: tuple[Filter, ...] = ()  # all must hold
    aggregation: str = "per_date"  # one of AGGREGATIONS
    unit_factor: float = 1.0
    label_field: str = ""  # names the record (a model, a filing); kept as its note
    low_field: str = ""  # lower and upper bounds, scaled like the value
    high_field: str = ""
    published_field: str = ""  # when the producer made the value public
    sheet: str = ""  # XLSX: the sheet to read; "" the first


@dataclass(frozen=True)
class Record:
    date: date
    value: float
    note: str = ""
    low: float | None = None
    high: float | None = None
    published_on: date | None = None


class Parsed(NamedTuple):
    records: list[Record]  # sorted by date
    rows_seen: int  # records in the payload, after the path, before the filters
    rows_missing: int  # rows kept by the filters but without a date or a value


@dataclass
class _Reading:
    """One parse's mapping and its count of rows without a date or value."""

    spec: FeedSpec
    rows_missing: int = 0


def parse(spec: FeedSpec, body: bytes, content_type: str = "") -> Parsed:
    """Map a payload to records sorted by date.

    Rows excluded by the filters are dropped; rows whose date or value is
    missing (absent, null, empty, ".", "n/a", "NA") are skipped and counted;
    any other bad value fails the whole payload. A field that no record has
    at all means the format changed, and fails it too, naming the field.
    Rows are numbered from 1 in payload order, not counting a header.
    """
    check_mapping(spec)
    rows = read_records(
        spec.format,
        body,
        content_type=content_type,
        records_path=spec.records_path,
        sheet=spec.sheet,
    )
    _check_fields_present(spec, rows)
    reading = _Reading(spec)
    records = [
        record
        for number, row in enumerate(rows, start=1)
        if (record := _map_row(row, number, reading)) is not None
    ]
    if not records:
        wanted = " with " + " and ".join(map(str, spec.filters))
        raise FetchError(
            f"none of the {len(rows)} rows has a date in {spec.date_field!r} and a "
            f"value in {spec.value_field!r}{wanted if spec.filters else ''}"
        )
    return Parsed(
        _aggregate(records, spec.aggregation), len(rows), reading.rows_missing
    )


def check_mapping(spec: FeedSpec) -> None:
    if spec.format not in FORMATS:
        raise FetchError(f"unknown feed format {spec.format!r}: use one of {FORMATS}")
    if spec.aggregation not in AGGREGATIONS:
        raise FetchError(
            f"unknown aggregation {spec.aggregation!r}: use one of {AGGREGATIONS}"
        )
    if not spec.date_field or not spec.value_field:
        raise FetchError("a feed needs both a date field and a value field")
    if spec.records_path and spec.format not in DOCUMENT_FORMATS:
        raise FetchError("a records path only applies to JSON and YAML feeds")
    if spec.sheet and spec.format != "xlsx":
        raise FetchError("a sheet only applies to XLSX feeds")
    split_path(spec.records_path)
    for rule in spec.filters:
        _check_filter(rule)


def read_filters(raw: Any) -> tuple[Filter, ...]:
    """Filters from their stored form, a list of {field, op, value}."""
    if raw in (None, ""):
        return ()
    if not isinstance(raw, list):
        raise FetchError("filters must be a list of {field, op, value}")
    filters = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, Mapping) or set(item) != {"field", "op", "value"}:
            raise FetchError(
                f"filter {number} must have exactly a field, an op and a value"
            )
        rule = Filter(item["field"], item["op"], item["value"])
        _check_filter(rule, number)
        filters.append(rule)
    return tuple(filters)


def filters_to_list(filters: Iterable[Filter]) -> list[dict[str, Any]]:
    return [{"field": f.field, "op": f.op, "value": f.value} for f in filters]


def _check_filter(rule: Filter, number: int | None = None) -> None:
    name = f"filter {number}" if number else f"filter {rule.field!r}"
    if not isinstance(rule.field, str) or not rule.field:
        raise FetchError(f"{name} needs a field")
    if rule.op not in FILTER_OPS:
        raise FetchError(f"{name}: unknown op {rule.op!r}: use one of {FILTER_OPS}")
    is_list = isinstance(rule.value, list | tuple)
    if rule.op == "in" and not (is_list and rule.value):
        raise FetchError(f"{name}: 'in' needs a non-empty list of values")
    if rule.op != "in" and (is_list or isinstance(rule.value, dict)):
        raise FetchError(f"{name}: {rule.op!r} needs a single value, not a list")
    if rule.value is None or (rule.op != "in" and text(rule.value) == ""):
        raise FetchError(f"{name}: the value is empty")


def _named_fields(spec: FeedSpec) -> list[str]:
    named = [spec.date_field, spec.value_field, spec.label_field]
    named += [spec.low_field, spec.high_field, spec.published_field]
    named += [rule.field for rule in spec.filters]
    return [name for name in dict.fromkeys(named) if name and name != KEY_FIELD]


def _check_fields_present(spec: FeedSpec, rows: list[dict[str, Any]]) -> None:
    """A field named by the feed that no record has: the format has changed."""
    for name in _named_fields(spec):
        if any(get_field(row, name) is not MISSING for row in rows):
            continue
        if spec.format in ("csv", "xlsx"):
            columns = ", ".join(columns_of(rows)[:12]) or "none"
            kind = spec.format.upper()
            raise FetchError(
                f"the {kind} has no column {name!r} (its columns: {columns})"
            )
        raise FetchError(
            f"none of the {len(rows)} records has the field {name!r}: the format "
            "may have changed"
        )


def _map_row(row: dict[str, Any], number: int, reading: _Reading) -> Record | None:
    spec = reading.spec
    if not all(rule.holds(get_field(row, rule.field)) for rule in spec.filters):
        return None
    raw_date, raw_value = (
        get_field(row, spec.date_field),
        get_field(row, spec.value_field),
    )
    if is_missing(raw_date) or is_missing(raw_value):
        reading.rows_missing += 1
        return None
    when = _date(raw_date, number, spec.date_field, spec.format)
    value = _number(raw_value, number, spec.value_field, spec.unit_factor)
    low, high = (
        _bound(get_field(row, name), number, name, spec.unit_factor)
        for name in (spec.low_field, spec.high_field)
    )
    if spec.unit_factor < 0:  # a negative factor turns the interval around
        low, high = high, low
    published = get_field(row, spec.published_field) if spec.published_field else None
    return Record(
        date=when,
        value=value,
        note=text(get_field(row, spec.label_field)) if spec.label_field else "",
        low=low,
        high=high,
        published_on=(
            None
            if is_missing(published)
            else _date(published, number, spec.published_field, spec.format)
        ),
    )


def _date(raw: Any, number: int, name: str, feed_format: str) -> date:
    # A spreadsheet cell without a date format holds the date's serial number.
    read = parse_spreadsheet_date if feed_format == "xlsx" else parse_date
    try:
        return read(raw)
    except (TypeError, ValueError):
        raise FetchError(f"row {number}: {name!r} is not a date: {raw!r}") from None


def _number(raw: Any, number: int, name: str, factor: float) -> float:
    try:
        value = _scale(parse_number(raw), factor)
    except (TypeError, ValueError, OverflowError):
        raise FetchError(f"row {number}: {name!r} is not a number: {raw!r}") from None
    if not math.isfinite(value):
        raise FetchError(f"row {number}: {name!r} is not a finite number: {raw!r}")
    return value


def _scale(number: float, factor: float) -> float:
    # Dividing by 1e9 gives 61.5 for 61.5e9, multiplying by 1e-9 gives
    # 61.50000000000001: divide when the factor is the inverse of a whole number.
    if abs(factor) < 1:
        inverse = round(1 / factor)
        if math.isclose(1 / inverse, factor, rel_tol=1e-12):
            return number / inverse
    return number * factor


def _bound(raw: Any, number: int, name: str, factor: float) -> float | None:
    if not name or is_missing(raw):
        return None
    return _number(raw, number, name, factor)


def _aggregate(records: list[Record], aggregation: str) -> list[Record]:
    """One record per date (the best of the day), then the running best if asked.

    The best is the highest value, or the lowest for "running_min"; on ties the
    record that comes first in the payload wins.
    """
    is_better = operator.lt if aggregation == "running_min" else operator.gt
    best_of_day: dict[date, Record] = {}
    for record in sorted(records, key=operator.attrgetter("date")):
        current = best_of_day.get(record.date)
        if current is None or is_better(record.value, current.value):
            best_of_day[record.date] = record
    daily = list(best_of_day.values())
    if aggregation == "per_date":
        return daily
    running: list[Record] = []
    for record in daily:
        if not running or is_better(record.value, running[-1].value):
            running.append(record)
    return running
