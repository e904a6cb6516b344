"""The feeds' part of the record: ``feeds.yaml``.

A feed in the record is its mapping only: where to fetch, how to read it,
how often. Its state (ETag, claim, last and next run) and whether it is
active stay in the database: an operator who pauses a feed in the admin keeps
it paused across a reload. Loading matches feeds on their name.
"""

from collections.abc import Mapping

from django.core.exceptions import ValidationError

from indicators import ingest, payloads
from indicators.models import Aggregation, Feed, FeedFormat, Indicator
from indicators.record_format import (
    BOOL,
    LIST,
    NUMBER,
    TEXT,
    Counts,
    RecordError,
    check_unique,
    dump_yaml,
    errors_from_validation,
    read_yaml_items,
)

FEEDS_HEADER = (
    "# Feeds: where a job fetches an indicator's values from, and how to read them.\n"
)
FEED_SPEC = {
    "name": (TEXT, True),
    "indicator": (TEXT, True),
    "url": (TEXT, True),
    "format": (TEXT, True),
    "records_path": (TEXT, False),
    "sheet": (TEXT, False),
    "filters": (LIST, False),
    "date_field": (TEXT, True),
    "value_field": (TEXT, True),
    "low_field": (TEXT, False),
    "high_field": (TEXT, False),
    "label_field": (TEXT, False),
    "published_field": (TEXT, False),
    "aggregation": (TEXT, False),
    "unit_factor": (NUMBER, False),
    "revises_values": (BOOL, False),
    "max_bytes": (NUMBER, False),
    "interval_minutes": (NUMBER, False),
    "source_title": (TEXT, True),
}
# The record file's fields of a feed, in order.
FEED_FIELDS = tuple(FEED_SPEC)
# Written only when they differ from these, so that a feed reads short.
FEED_DEFAULTS = {
    "records_path": "",
    "sheet": "",
    "filters": [],
    "low_field": "",
    "high_field": "",
    "label_field": "",
    "published_field": "",
    "aggregation": Aggregation.PER_DATE.value,
    "unit_factor": 1.0,
    "revises_values": False,
    "max_bytes": None,
    "interval_minutes": 24 * 60,
}
WHOLE_NUMBERS = ("max_bytes", "interval_minutes")


def feed_to_dict(feed: Feed) -> dict:
    """Every record field of the feed, the indicator by slug."""
    record = {name: getattr(feed, name) for name in FEED_FIELDS}
    record["indicator"] = feed.indicator.slug
    record["format"] = str(feed.format)
    record["aggregation"] = str(feed.aggregation)
    record["unit_factor"] = float(feed.unit_factor)
    # PostgreSQL's jsonb does not keep key order; the record does.
    record["filters"] = payloads.filters_to_list(payloads.read_filters(feed.filters))
    return record


def read_feeds(
    raw: bytes, *, indicators: Mapping[str, Indicator], file: str = "feeds.yaml"
) -> tuple[list[Feed], list[RecordError]]:
    """Unsaved feeds, checked by the model's rules and the fetcher's own."""
    items, errors = read_yaml_items(raw, file=file, spec=FEED_SPEC)
    for item in items:
        if isinstance(item.data.get("name"), str):
            item.where = f"{item.where} ({item.data['name']})"
    errors += check_unique(((i.where, i.data.get("name")) for i in items), file=file)
    feeds = []
    for item in items:
        if not item.is_complete(FEED_SPEC):
            continue
        data = {**item.data, "indicator": indicators.get(item.data["indicator"])}
        if data["indicator"] is None:
            message = f"{item.data['indicator']!r} is not a known indicator."
            errors.append(RecordError(file, item.where, "indicator", message))
            continue
        problems = _apply_defaults(data)
        errors += [RecordError(file, item.where, n, m) for n, m in problems.items()]
        if problems:
            continue
        feed = Feed(**data)
        try:
            feed.full_clean(exclude=["indicator"], validate_unique=False)
            payloads.check_mapping(ingest.feed_spec(feed))
        except ValidationError as error:
            errors += errors_from_validation(
                error, file=file, where=item.where, model=Feed
            )
            continue
        except payloads.FetchError as error:
            errors.append(RecordError(file, item.where, "", str(error)))
            continue
        feeds.append(feed)
    return feeds, errors


def _apply_defaults(data: dict) -> dict[str, str]:
    problems = {}
    for name, default in FEED_DEFAULTS.items():
        if data[name] in ("", None) and default not in ("", None):
            data[name] = default
    for name in WHOLE_NUMBERS:
        number = data[name]
        if number is not None and (not float(number).is_integer() or number <= 0):
            problems[name] = f"{number!r} is not a whole number above 0."
        elif number is not None:
            data[name] = int(number)
    if data["format"] not in FeedFormat.values:
        problems["format"] = f"{data['format']!r} is not one of {FeedFormat.values}."
    return problems


def save_feeds(feeds: list[Feed]) -> Counts:
    """Insert or update on name, keeping each feed's state and is_active."""
    counts = Counts()
    existing = Feed.objects.select_related("indicator").in_bulk(
        [feed.name for feed in feeds], field_name="name"
    )
    for feed in feeds:
        current = existing.get(feed.name)
        if current is None:
            feed.save()
            counts.new += 1
        elif feed_to_dict(feed) == feed_to_dict(current):
            counts.unchanged += 1
        else:
            for name in FEED_FIELDS:
                setattr(current, name, getattr(feed, name))
            # A new URL or mapping must be fetched in full, not answered 304.
            current.etag = current.last_modified = ""
            current.save()
            counts.changed += 1
    return counts


def export_feeds() -> str:
    feeds = sorted(
        Feed.objects.select_related("indicator"),
        key=lambda f: (f.indicator.slug, f.name),
    )
    items = []
    for feed in feeds:
        record = feed_to_dict(feed)
        items.append(
            {
                name: value
                for name, value in record.items()
                if name not in FEED_DEFAULTS or value != FEED_DEFAULTS[name]
            }
        )
    return dump_yaml(items, header=FEEDS_HEADER)
