"""The record's file format: errors, the one spelling of numbers and dates,
and canonical YAML. Shared by ``indicators.record`` and ``predictions.record``.

Canonical means: fixed key order, whole numbers without ".0", other floats in
their shortest exact form, dates as YYYY-MM-DD, multi-line text as literal
blocks, one blank line between items. Loading then exporting gives the same bytes.
"""

import datetime
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import NoReturn

import yaml
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model, Q

# Floats up to 2**53 that are whole numbers are written without ".0": the
# spelling editors use, and still exact.
EXACT_INTEGER_LIMIT = 2**53
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
TEXT, NUMBER, DATE, BOOL, LIST = "text", "number", "date", "bool", "list"
DEFAULTS = {TEXT: "", NUMBER: None, DATE: None, BOOL: False}


# --- Errors and counts ---------------------------------------------------------


@dataclass(frozen=True)
class RecordError:
    """One problem in one place: file, row or item, field."""

    file: str
    where: str
    field: str
    message: str

    def __str__(self) -> str:
        place = ", ".join(part for part in (self.file, self.where, self.field) if part)
        return f"{place}: {self.message}"


class RecordInvalid(Exception):
    def __init__(self, errors: list[RecordError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


@dataclass
class Counts:
    new: int = 0
    changed: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.new} new, {self.changed} changed, {self.unchanged} unchanged"


def errors_from_validation(
    error: ValidationError, *, file: str, where: str, model: type[Model]
) -> list[RecordError]:
    """One RecordError per message; a broken database rule names its fields."""
    errors = []
    for name, messages in error.message_dict.items():
        for message in messages:
            field = name if name != NON_FIELD_ERRORS else _rule_fields(model, message)
            errors.append(RecordError(file, where, field, message))
    return errors


def _rule_fields(model: type[Model], message: str) -> str:
    for constraint in model._meta.constraints:
        if constraint.name in message and hasattr(constraint, "condition"):
            names = dict.fromkeys(_condition_fields(constraint.condition))
            return "/".join(names)
    return ""


def _condition_fields(condition: Q) -> list[str]:
    names = []
    for child in condition.children:
        if isinstance(child, Q):
            names += _condition_fields(child)
        else:
            names.append(child[0].split("__")[0])
    return names


# --- Scalars --------------------------------------------------------------------


def format_number(number: float | None) -> str:
    """The one spelling of a number in the record: ``80``, ``0.35``, ``1e+20``."""
    if number is None:
        return ""
    if number.is_integer() and abs(number) < EXACT_INTEGER_LIMIT:
        return str(int(number))
    return repr(number)


def parse_date(raw: str) -> datetime.date:
    if not ISO_DATE.fullmatch(raw):
        raise ValueError(f"{raw!r} is not a date written YYYY-MM-DD.")
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not a date that exists.") from None


def parse_number(raw: object) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise ValueError(f"{raw!r} is not a number.")
    try:
        number = float(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not a number.") from None
    if not math.isfinite(number):
        raise ValueError(f"{raw!r} is not a finite number.")
    return number


def convert(raw: object, kind: str) -> object:
    """A YAML value as the Python value of ``kind``; ValueError says why not."""
    if raw is None:
        if kind == LIST:
            return []
        if kind in (NUMBER, DATE):
            return None
        raise ValueError("must not be empty (null).")
    if kind == NUMBER:
        if isinstance(raw, str):
            # YAML 1.1 reads 1e9 (no dot) as text; say how to write it.
            raise ValueError(f"{raw!r} is text, not a number (write 1.0e+9, not 1e9).")
        return parse_number(raw)
    if kind == DATE:
        return parse_date(str(raw)) if isinstance(raw, str) else _bad(raw, "a date")
    if kind == BOOL:
        return raw if isinstance(raw, bool) else _bad(raw, "true or false")
    if kind == LIST:
        return raw if isinstance(raw, list) else _bad(raw, "a list")
    return raw if isinstance(raw, str) else _bad(raw, "text")


def _bad(raw: object, expected: str) -> NoReturn:
    raise ValueError(f"{raw!r} is not {expected}.")


# --- YAML -----------------------------------------------------------------------


class RecordLoader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so a date that does not exist is
    reported against its item instead of aborting the whole parse."""


RecordLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if not tag.endswith("timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class RecordDumper(yaml.SafeDumper):
    pass


def _represent_float(dumper: RecordDumper, number: float) -> yaml.Node:
    if number.is_integer() and abs(number) < EXACT_INTEGER_LIMIT:
        return dumper.represent_int(int(number))
    return dumper.represent_float(number)


def _represent_list(dumper: RecordDumper, items: list) -> yaml.Node:
    # Lists of numbers (quantiles) on one line; lists of mappings as blocks.
    is_flat = not any(isinstance(item, dict) for item in items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=is_flat)


def _represent_str(dumper: RecordDumper, text: str) -> yaml.Node:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


RecordDumper.add_representer(float, _represent_float)
RecordDumper.add_representer(list, _represent_list)
RecordDumper.add_representer(str, _represent_str)


def dump_yaml(items: list[dict], *, header: str = "") -> str:
    """The canonical YAML of a list of mappings, a blank line between items.

    ``header`` is a comment written first: comments do not survive a load, so
    the exporter writes a fixed one per file.
    """
    body = "\n".join(
        yaml.dump(
            [item],
            Dumper=RecordDumper,
            sort_keys=False,
            allow_unicode=True,
            width=2**31,
            default_flow_style=False,
        )
        for item in items
    )
    return header + (body or "[]\n")


def decode(raw: bytes, *, file: str) -> tuple[str, list[RecordError]]:
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start]
        message = f"not UTF-8 text (byte {byte:#04x}); save the file as UTF-8."
        return "", [RecordError(file, f"line {line}", "", message)]


@dataclass
class Item:
    where: str
    data: dict = field(default_factory=dict)

    def is_complete(self, spec: Mapping) -> bool:
        """Whether every field was read; if not, its errors are already listed."""
        return self.data.keys() == spec.keys()


def read_yaml_items(
    raw: bytes, *, file: str, spec: Mapping[str, tuple[str, bool]]
) -> tuple[list[Item], list[RecordError]]:
    """Parse a YAML list of mappings and convert each field by ``spec``.

    ``spec`` maps a field to (kind, required). Missing optional fields take
    their default; unknown fields are errors (they are usually typos).
    """
    text, errors = decode(raw, file=file)
    if errors:
        return [], errors
    try:
        document = yaml.load(text, Loader=RecordLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as error:
        return [], [RecordError(file, "", "", f"is not valid YAML: {error}")]
    if document is None:
        return [], []
    if not isinstance(document, list):
        return [], [RecordError(file, "", "", "must be a list of items.")]
    items = [
        _read_item(entry, i, file, spec, errors) for i, entry in enumerate(document)
    ]
    return [item for item in items if item is not None], errors


def _read_item(
    entry: object,
    index: int,
    file: str,
    spec: Mapping[str, tuple[str, bool]],
    errors: list[RecordError],
) -> Item | None:
    where = f"item {index + 1}"
    if not isinstance(entry, dict):
        errors.append(RecordError(file, where, "", "must be a mapping of fields."))
        return None
    if isinstance(entry.get("slug"), str):
        where = f"item {index + 1} ({entry['slug']})"
    item = Item(where)
    for name in entry.keys() - spec.keys():
        errors.append(RecordError(file, where, str(name), "is not a known field."))
    for name, (kind, required) in spec.items():
        if name not in entry:
            if required:
                errors.append(RecordError(file, where, name, "is missing."))
                continue
            item.data[name] = [] if kind == LIST else DEFAULTS[kind]
            continue
        try:
            item.data[name] = convert(entry[name], kind)
        except ValueError as error:
            errors.append(RecordError(file, where, name, str(error)))
    return item


def check_unique(keys: Iterable[tuple[str, object]], *, file: str) -> list[RecordError]:
    """An error for every (where, key) whose key appeared earlier in the file."""
    first_seen: dict[object, str] = {}
    errors = []
    for where, key in keys:
        if key in first_seen:
            message = f"{key} is a duplicate of {first_seen[key]}."
            errors.append(RecordError(file, where, "", message))
        else:
            first_seen[key] = where
    return errors


def read_model_items(
    raw: bytes,
    *,
    file: str,
    spec: Mapping[str, tuple[str, bool]],
    model: type[Model],
    check: Callable[[Item], list[RecordError]] | None = None,
) -> tuple[list[Model], list[RecordError]]:
    """Unsaved `model` instances from a YAML list, with unique slugs, each
    checked by the model's own field and constraint rules and by `check`."""
    items, errors = read_yaml_items(raw, file=file, spec=spec)
    errors += check_unique(((i.where, i.data.get("slug")) for i in items), file=file)
    instances = []
    for item in items:
        if not item.is_complete(spec):
            continue
        if check is not None:
            errors += check(item)
        instance = model(**item.data)
        try:
            instance.full_clean(validate_unique=False)
        except ValidationError as error:
            errors += errors_from_validation(
                error, file=file, where=item.where, model=model
            )
        instances.append(instance)
    return instances, errors
