"""Reading one field of a fetched record: dotted paths, dates, numbers, blanks.

Plain Python on the standard library, shared by ``payload_formats`` and
``payloads``. Every failure is a ``FetchError``.
"""

import calendar
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

# What producers write for "no value": FRED's ".", "n/a" and "NA", OSWorld's
# "-" and "🚧" (under way), empty cells, JSON null. Such a row is skipped and
# counted.
MISSING_MARKERS = frozenset({"", ".", "-", "n/a", "na", "null", "none", "🚧"})

# The key of a mapping whose values are the records (a records path ending in
# "*"), readable as a field like any other, e.g. as the label.
KEY_FIELD = "@key"

_YEAR = re.compile(r"\d{4}")
_YEAR_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
# "17 November 2025", "17 Nov 2025", "November 17, 2025", each optionally
# followed by a time ("4:28pm", "16:28"), which is dropped.
_TIME_SUFFIX = re.compile(r"\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?$", re.I)
_WORDY_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y")


class FetchError(Exception):
    """The one exception fetchers raise; its message is a sentence for a person.

    `transient` is True for timeouts, connection failures, 5xx, 408 and 429 (the
    caller retries with backoff), False for everything a retry cannot fix.
    """

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


# A field that is not in the record at all, as opposed to one that is blank.
MISSING: Any = _Missing()


def get_field(record: dict[str, Any], path: str) -> Any:
    """The value at ``path``, or MISSING.

    A key that exists whole wins ("No. of chips" is a CSV column); otherwise
    the path's dots walk nested mappings ("metrics.p50_horizon_length.estimate").
    """
    if path in record:
        return record[path]
    node: Any = record
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return MISSING
        node = node[key]
    return node


def is_missing(raw: Any) -> bool:
    """Whether a producer's value says "nothing here"."""
    if raw is None or raw is MISSING:
        return True
    return isinstance(raw, str) and raw.strip().lower() in MISSING_MARKERS


def text(raw: Any) -> str:
    """A field as a string, JSON-style for booleans and null, for filtering."""
    if raw is None or raw is MISSING:
        return ""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))  # a spreadsheet's 100.0 is the 100 an editor types
    return str(raw).strip()


# Day 0 of a spreadsheet's serial dates (Excel's, with its 1900 leap-year bug).
EXCEL_EPOCH = date(1899, 12, 30)
# Serial numbers of 1950-01-01 and 2199-12-31: anything else is not a date.
EXCEL_SERIALS = range(18264, 109574)


def parse_spreadsheet_date(raw: Any) -> date:
    """A spreadsheet cell: a date, a date's text, or a serial number of days."""
    is_number = isinstance(raw, int | float) and not isinstance(raw, bool)
    if is_number and float(raw).is_integer() and int(raw) in EXCEL_SERIALS:
        return EXCEL_EPOCH + timedelta(days=int(raw))
    return parse_date(raw)


def parse_date(raw: Any) -> date:
    """A date from the spellings producers use; ValueError or TypeError if none.

    A month or a year stands for its last day: a value published as "2024-03"
    is only known to hold by the end of March, and dating it earlier would let
    a "reaches X by D" forecast resolve early. Datetimes with an offset are
    converted to UTC first.
    """
    if isinstance(raw, datetime):
        return _utc(raw).date()
    if isinstance(raw, date):  # YAML and XLSX give dates as objects
        return raw
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise TypeError(raw)
    spelled = str(raw).strip()
    if _YEAR.fullmatch(spelled):
        return date(int(spelled), 12, 31)
    if match := _YEAR_MONTH.fullmatch(spelled):
        year, month = int(match[1]), int(match[2])
        return date(year, month, calendar.monthrange(year, month)[1])
    if match := _US_DATE.fullmatch(spelled):
        return date(int(match[3]), int(match[1]), int(match[2]))
    if spelled[:1].isdigit() and "-" in spelled[:5]:
        return _utc(datetime.fromisoformat(spelled)).date()
    day = _TIME_SUFFIX.sub("", spelled)
    for pattern in _WORDY_FORMATS:
        try:
            return datetime.strptime(day, pattern).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
    raise ValueError(raw)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo is not None else moment


def parse_number(raw: Any) -> float:
    """A number; strings may carry thousands separators and a trailing "%"."""
    if isinstance(raw, bool):
        raise TypeError(raw)
    if isinstance(raw, str):
        raw = raw.strip().replace(",", "").removesuffix("%")
    return float(raw)
