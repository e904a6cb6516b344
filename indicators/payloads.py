"""Map a feed's JSON or CSV payload to dated values.

Plain Python on the standard library: no Django, no ORM, no network, so it
can be tested without a database. ``parse()`` reads a payload with a feed's
field mapping; ``fetchers.fetch()`` gets the payload over HTTP. Every failure
is a ``FetchError`` whose ``transient`` flag tells the caller whether a retry
can help.

Dates may be "YYYY-MM-DD", an ISO 8601 datetime (converted to UTC when it
carries an offset), "YYYY-MM" or "YYYY". A month or a year stands for its last
day: a value published as "2024-03" is only known to hold by the end of March,
and dating it earlier would let a "reaches X by D" forecast resolve early.
"""

import calendar
import csv
import io
import json
import math
import operator
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

FORMATS = ("json", "csv")
AGGREGATIONS = ("per_date", "running_max", "running_min")

# One segment of a records path: "key" or "[field=value]", optionally after a dot.
_PATH_SEGMENT = re.compile(
    r"\.?(?:(?P<key>[^.\[\]]+)|\[(?P<field>[^=\]]+)=(?P<value>[^\]]*)\])"
)
_YEAR = re.compile(r"\d{4}")
_YEAR_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_HTML_START = re.compile(rb"\s*<")


@dataclass(frozen=True)
class FeedSpec:
    url: str
    format: str  # "json" | "csv"
    date_field: str
    value_field: str
    # JSON only: a dot path; "[field=value]" selects the first list item whose
    # field equals value. "" means the document itself is the list of records.
    records_path: str = ""
    filter_field: str = ""
    filter_value: str = ""  # keep records whose field, as a string, equals this
    aggregation: str = "per_date"  # one of AGGREGATIONS
    unit_factor: float = 1.0
    label_field: str = ""  # names the record (a model, a filing); kept as its note


@dataclass(frozen=True)
class Record:
    date: date
    value: float
    note: str = ""


class FetchError(Exception):
    """The one exception fetchers raise; its message is a sentence for a person.

    `transient` is True for timeouts, connection failures, 5xx, 408 and 429 (the
    caller retries with backoff), False for everything a retry cannot fix.
    """

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


def parse(
    spec: FeedSpec, body: bytes, content_type: str = ""
) -> tuple[list[Record], int]:
    """Map a payload to records sorted by date; returns them and the rows seen.

    Records missing the date or the value, or excluded by the filter, are
    skipped; any other bad value fails the whole payload. Rows are numbered
    from 1 in payload order, not counting a CSV header.
    """
    check_mapping(spec)
    text = _decode(body, content_type, spec.format)
    if spec.format == "json":
        rows = _json_rows(text, spec.records_path)
    else:
        rows = _csv_rows(text, spec)
    records = [
        record
        for number, row in enumerate(rows, start=1)
        if (record := _map_row(row, number, spec)) is not None
    ]
    if not records:
        wanted = f" with {spec.filter_field} = {spec.filter_value!r}"
        raise FetchError(
            f"none of the {len(rows)} rows has a date in {spec.date_field!r} and a "
            f"value in {spec.value_field!r}{wanted if spec.filter_field else ''}"
        )
    return _aggregate(records, spec.aggregation), len(rows)


def check_mapping(spec: FeedSpec) -> None:
    if spec.format not in FORMATS:
        raise FetchError(f"unknown feed format {spec.format!r}: use one of {FORMATS}")
    if spec.aggregation not in AGGREGATIONS:
        raise FetchError(
            f"unknown aggregation {spec.aggregation!r}: use one of {AGGREGATIONS}"
        )
    if not spec.date_field or not spec.value_field:
        raise FetchError("a feed needs both a date field and a value field")
    if spec.records_path and spec.format != "json":
        raise FetchError("a records path only applies to JSON feeds")
    _split_path(spec.records_path)


def _decode(body: bytes, content_type: str, feed_format: str) -> str:
    if not body or body.isspace():
        raise FetchError("the response is empty")
    media_type = content_type.split(";")[0].strip().lower()
    if media_type in ("text/html", "application/xhtml+xml") or _HTML_START.match(body):
        raise FetchError(
            f"expected {feed_format.upper()} but the response is HTML "
            f"({media_type or 'no content type'})"
        )
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FetchError(
            f"the response is not valid UTF-8: byte 0x{body[error.start]:02x} "
            f"at offset {error.start}"
        ) from None


def _json_rows(text: str, records_path: str) -> list[dict[str, Any]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        # An unterminated string is reported where it starts, not at the end.
        if error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated"):
            problem = "it ends early (truncated?)"
        else:
            problem = error.msg
        raise FetchError(
            f"the response is not valid JSON: {problem} "
            f"(line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise FetchError("the response is not usable JSON: nested too deeply") from None
    rows = _follow_path(document, records_path)
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise FetchError(
                f"row {number} at path {records_path!r} is not an object: {row!r:.60}"
            )
    return rows


def _split_path(records_path: str) -> list[tuple[str, ...]]:
    """'a.b[name=X].c' → [("a",), ("b",), ("name", "X"), ("c",)]."""
    steps: list[tuple[str, ...]] = []
    position = 0
    while position < len(records_path):
        match = _PATH_SEGMENT.match(records_path, position)
        if match is None:
            raise FetchError(
                f"records path {records_path!r} is not valid at "
                f"{records_path[position:]!r}"
            )
        if match["key"] is not None:
            steps.append((match["key"],))
        else:
            steps.append((match["field"], match["value"]))
        position = match.end()
    return steps


def _follow_path(document: Any, records_path: str) -> list[Any]:
    where = f"no records at path {records_path!r}"
    node = document
    for step in _split_path(records_path):
        if len(step) == 1:
            if not isinstance(node, dict) or step[0] not in node:
                raise FetchError(f"{where}: there is no key {step[0]!r}")
            node = node[step[0]]
        else:
            field, value = step
            items = node if isinstance(node, list) else []
            found = [
                i for i in items if isinstance(i, dict) and _text(i.get(field)) == value
            ]
            if not found:
                raise FetchError(f"{where}: no list item has {field} = {value!r}")
            node = found[0]
    if not isinstance(node, list):
        raise FetchError(f"{where}: found a {type(node).__name__}, not a list")
    if not node:
        raise FetchError(f"{where}: the list is empty")
    return node


def _csv_rows(text: str, spec: FeedSpec) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        columns = [name.strip() for name in reader.fieldnames or []]
        reader.fieldnames = columns
        needed = (
            spec.date_field,
            spec.value_field,
            spec.filter_field,
            spec.label_field,
        )
        for name in filter(None, needed):
            if name not in columns:
                raise FetchError(
                    f"the CSV has no column {name!r} (its columns: "
                    f"{', '.join(columns[:12]) or 'none'})"
                )
        rows = list(reader)
    except csv.Error as error:
        raise FetchError(
            f"the CSV is malformed at line {reader.line_num}: {error}"
        ) from None
    if not rows:
        raise FetchError("the CSV has a header but no rows")
    return rows


def _map_row(row: dict[str, Any], number: int, spec: FeedSpec) -> Record | None:
    if spec.filter_field and _text(row.get(spec.filter_field)) != spec.filter_value:
        return None
    raw_date, raw_value = row.get(spec.date_field), row.get(spec.value_field)
    if _is_blank(raw_date) or _is_blank(raw_value):
        return None
    try:
        when = _parse_date(raw_date)
    except (TypeError, ValueError):
        raise FetchError(
            f"row {number}: {spec.date_field!r} is not a date: {raw_date!r}"
        ) from None
    try:
        value = _parse_number(raw_value) * spec.unit_factor
    except (TypeError, ValueError, OverflowError):
        raise FetchError(
            f"row {number}: {spec.value_field!r} is not a number: {raw_value!r}"
        ) from None
    if not math.isfinite(value):
        raise FetchError(
            f"row {number}: {spec.value_field!r} is not a finite number: {raw_value!r}"
        )
    note = _text(row.get(spec.label_field)) if spec.label_field else ""
    return Record(date=when, value=value, note=note)


def _text(raw: Any) -> str:
    """A field as a string, JSON-style for booleans and null, for filtering."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return str(raw).strip()


def _is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _parse_date(raw: Any) -> date:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise TypeError(raw)
    text = str(raw).strip()
    if _YEAR.fullmatch(text):
        return date(int(text), 12, 31)
    if match := _YEAR_MONTH.fullmatch(text):
        year, month = int(match[1]), int(match[2])
        return date(year, month, calendar.monthrange(year, month)[1])
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.date()


def _parse_number(raw: Any) -> float:
    if isinstance(raw, bool):
        raise TypeError(raw)
    if isinstance(raw, str):
        raw = raw.strip().replace(",", "").removesuffix("%")
    return float(raw)


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
