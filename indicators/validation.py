"""The rules every observation meets, wherever it comes from.

One set of rules for the admin, the API, CSV imports, the seed record, feed
runs and derived values. Each rule is checked over a whole batch at once,
column by column (a feed may bring a million rows):

- ``validate_rows``, for the bulk path, names the first row that breaks a
  rule: ``row 3 (indicator 7, 2026-01-31): ...``;
- ``validate_observation``, for one value entered by a person, names every
  field of it that breaks one.

Numbers are finite, the bounds sit on either side of the value, the value is
within its indicator's range, the measured date is neither in the future nor
before ``EARLIEST_DATE``, the publication date is neither before the measured
date nor in the future, the tier is known, texts hold no NUL and fit their
field, and a batch names no natural key twice.
"""

import datetime
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import NamedTuple

import numpy as np
from django.core.exceptions import ValidationError
from django.utils import timezone

from indicators.models import EARLIEST_DATE, Indicator, Observation, Tier

TEXT_FIELDS = ("source_url", "source_title", "note")


class ObservationRow(NamedTuple):
    """One observation as the bulk path carries it (its natural key is
    ``indicator_id``, ``date`` and ``source_url``)."""

    indicator_id: int
    date: datetime.date
    value: float
    low: float | None
    high: float | None
    is_estimate: bool
    tier: str
    source_url: str
    source_title: str
    note: str
    # None only for a value entered by a person: then public from the day it
    # is recorded (``services.ObservationData.with_defaults``).
    published_on: datetime.date | None


class Problem(NamedTuple):
    index: int  # of the row in the batch
    field: str
    message: str


def validate_rows(
    rows: Sequence[ObservationRow], *, today: datetime.date | None = None
) -> None:
    """Raise ValidationError naming the field and the first bad row (from 1)."""
    if not rows:
        return
    for index, field, message in problems(rows, today=today, is_bulk=True):
        row = rows[index]
        where = f"row {index + 1} (indicator {row.indicator_id}, {row.date})"
        raise ValidationError({field: f"{where}: {message}"})


def validate_one(
    row: ObservationRow, *, indicator: Indicator, today: datetime.date
) -> None:
    """Raise ValidationError naming each field of one row that breaks a rule."""
    errors: dict[str, str] = {}
    for _, field, message in problems(
        [row], today=today, known={row.indicator_id: indicator}
    ):
        errors.setdefault(field, message)
    if errors:
        raise ValidationError(errors)


def problems(
    rows: Sequence[ObservationRow],
    *,
    today: datetime.date | None = None,
    known: Mapping[int, Indicator] | None = None,
    is_bulk: bool = False,
) -> Iterator[Problem]:
    """The first row that breaks each rule, rule by rule; ``known`` spares
    reading indicators already in hand. A bulk row must carry its publication
    date; a value entered by a person may leave it to the default."""
    today = today or timezone.now().date()
    # Column by column: zip(*rows) over a million rows is several times slower.
    columns = {
        name: [row[i] for row in rows] for i, name in enumerate(ObservationRow._fields)
    }
    values = np.array(columns["value"], dtype=float)
    bounds = {field: _optional(columns[field]) for field in ("low", "high")}
    finite = yield from _check_finite(rows, values, bounds)
    if not finite:
        return  # the comparisons below would mislead
    yield from _check_bounds(values, bounds)
    yield from _check_ranges(rows, columns["indicator_id"], values, known or {})
    yield from _check_dates(columns["date"], columns["published_on"], today, is_bulk)
    if not set(columns["tier"]) <= set(Tier.values):
        bad, tier = next(
            (i, t) for i, t in enumerate(columns["tier"]) if t not in Tier.values
        )
        yield Problem(bad, "tier", f"{tier!r} is not one of {', '.join(Tier.values)}.")
    yield from _check_texts(columns)
    yield from _check_keys(columns)


def _optional(raw: list) -> tuple[np.ndarray, np.ndarray]:
    """(given, numbers): which cells hold a number, and the numbers (0 elsewhere)."""
    cells = np.array(raw, dtype=object)
    given = cells != None  # noqa: E711 - elementwise over an object array
    return given, np.where(given, cells, 0.0).astype(float)


def _first(mask: np.ndarray) -> int | None:
    hits = np.flatnonzero(mask)
    return int(hits[0]) if hits.size else None


def _check_finite(rows, values, bounds) -> Iterator[Problem]:
    """Yield the first non-finite cell of each number column; returns whether
    every number was finite."""
    finite = True
    if (bad := _first(~np.isfinite(values))) is not None:
        finite = False
        yield Problem(
            bad, "value", f"value must be a finite number, not {rows[bad].value}."
        )
    for field, (given, numbers) in bounds.items():
        if (bad := _first(given & ~np.isfinite(numbers))) is not None:
            finite = False
            number = getattr(rows[bad], field)
            yield Problem(bad, field, f"{field} must be a finite number, not {number}.")
    return finite


def _check_bounds(values, bounds) -> Iterator[Problem]:
    given, lows = bounds["low"]
    if (bad := _first(given & (lows > values))) is not None:
        yield Problem(bad, "low", "The lower bound is above the value.")
    given, highs = bounds["high"]
    if (bad := _first(given & (highs < values))) is not None:
        yield Problem(bad, "high", "The upper bound is below the value.")


def _check_ranges(rows, indicator_ids, values, known) -> Iterator[Problem]:
    """Check every value against its indicator's range, reading each one once."""
    ids, position = np.unique(
        np.array(indicator_ids, dtype=np.int64), return_inverse=True
    )
    wanted = [int(i) for i in ids if int(i) not in known]
    found = {**known, **(Indicator.objects.in_bulk(wanted) if wanted else {})}
    if missing := [int(i) for i in ids if int(i) not in found]:
        bad = indicator_ids.index(missing[0])
        yield Problem(bad, "indicator_id", "there is no such indicator.")
        return
    indicators = [found[int(i)] for i in ids]
    lows = np.array(
        [-math.inf if i.min_value is None else i.min_value for i in indicators]
    )
    highs = np.array(
        [math.inf if i.max_value is None else i.max_value for i in indicators]
    )
    is_log = np.array([i.scale == "log" for i in indicators])
    out = (values < lows[position]) | (values > highs[position])
    out |= is_log[position] & (values <= 0)
    if (bad := _first(out)) is not None:
        try:
            indicators[position[bad]].check_value(float(values[bad]))
        except ValidationError as error:
            yield Problem(bad, "value", " ".join(error.messages))


def _check_dates(dates, published, today, is_bulk) -> Iterator[Problem]:
    # min() and max() run at C speed; a row is looked for only when one fails.
    if max(dates) > today:
        bad = next(i for i, day in enumerate(dates) if day > today)
        why = f"{dates[bad]} is in the future; observations record the past."
        yield Problem(bad, "date", why)
    elif min(dates) < EARLIEST_DATE:
        bad = next(i for i, day in enumerate(dates) if day < EARLIEST_DATE)
        why = f"{dates[bad]} is before {EARLIEST_DATE}, the earliest date kept."
        yield Problem(bad, "date", why)
    for index, (day, public) in enumerate(zip(dates, published, strict=True)):
        if public is None:
            if is_bulk:
                yield Problem(index, "published_on", "the publication date is missing.")
                break
            continue
        if public < day:
            yield Problem(
                index,
                "published_on",
                f"{public} is before the date the value measures ({day}); "
                "a value cannot be public before it exists.",
            )
            break
        if public > today:
            yield Problem(index, "published_on", f"{public} is in the future.")
            break


def _check_texts(columns) -> Iterator[Problem]:
    """No NUL (PostgreSQL refuses it outright) and no text over its field's limit."""
    for field in TEXT_FIELDS:
        texts = columns[field]
        if None in texts:  # a form's field that failed its own check
            texts = [text or "" for text in texts]
        if "\x00" in "".join(texts):  # one scan of the column, not one per row
            bad = next(i for i, text in enumerate(texts) if "\x00" in text)
            yield Problem(bad, field, "holds a NUL character.")
            continue
        limit = Observation._meta.get_field(field).max_length
        if limit is not None and max(map(len, texts)) > limit:
            bad = next(i for i, text in enumerate(texts) if len(text) > limit)
            yield Problem(bad, field, f"is over {limit:,} characters.")


def _check_keys(columns) -> Iterator[Problem]:
    urls = columns["source_url"]
    if "" in urls:
        yield Problem(urls.index(""), "source_url", "the source URL is empty.")
        return
    keys = list(zip(columns["indicator_id"], columns["date"], urls, strict=True))
    if len(set(keys)) == len(keys):
        return
    seen: dict[tuple, int] = {}
    for index, key in enumerate(keys):
        if key in seen:
            why = f"the same key as row {seen[key] + 1} ({key[2]})."
            yield Problem(index, "date", why)
            return
        seen[key] = index
