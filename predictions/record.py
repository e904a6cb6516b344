"""The record files: sources, predictions, indicators, observations, feeds,
derived indicators and questions.

``load_record`` reads and checks every record file, and writes only when every row
of every file is valid, in one transaction. ``export_record`` writes the
database back in the same canonical form, so a load followed by an export
gives the files back byte for byte.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

import indicators as indicators_app
from indicators import record as indicator_record
from indicators import record_feeds
from indicators.models import Indicator, Origin
from indicators.record_format import (
    BOOL,
    DATE,
    LIST,
    NUMBER,
    TEXT,
    Counts,
    RecordError,
    RecordInvalid,
    check_unique,
    dump_yaml,
    errors_from_validation,
    parse_number,
    read_model_items,
    read_yaml_items,
)
from predictions import question_record
from predictions.coverage import PredictionRef, Section, read_sections
from predictions.models import CLAIM_FIELDS, Prediction, Source
from predictions.scoring.claims import format_open_quantile, read_quantile_value
from tracker.validators import validate_http_url

PREDICTION_FIELDS = (
    "slug",
    "source",
    "indicator",
    "category",
    *CLAIM_FIELDS,
    "probability_basis",
    "quantiles",
    "interval_coverage",
    "claim",
    "citation_url",
    "citation_section",
    "resolution_rule",
    "is_operationalized",
    "reasoning",
)
SOURCES_HEADER = "# Sources whose forecasts the tracker scores.\n"
PREDICTIONS_HEADER = (
    "# Predictions of AI 2027 and of Nathan Lambert's rebuttal, with citations.\n"
    "# Lambert's claims are qualitative; each is operationalized and carries the "
    "reasoning.\n"
)
SOURCE_SPEC = {
    "slug": (TEXT, True),
    "name": (TEXT, True),
    "authors": (TEXT, True),
    "published": (DATE, True),
    "url": (TEXT, True),
    "description": (TEXT, False),
    "supplements": (LIST, False),
}
# The record file's fields of a source, in order.
SOURCE_FIELDS = tuple(SOURCE_SPEC)
REQUIRED_PREDICTION_FIELDS = {
    "slug",
    "source",
    "indicator",
    "category",
    "kind",
    "comparison",
    "deadline",
    "claim",
    "citation_url",
    "citation_section",
}
PREDICTION_KINDS = {
    "deadline": DATE,
    "baseline_date": DATE,
    "probability_is_implied": BOOL,
    "is_operationalized": BOOL,
    "quantiles": LIST,
    **dict.fromkeys(
        (
            "target",
            "target_low",
            "target_high",
            "baseline_value",
            "probability",
            "interval_coverage",
        ),
        NUMBER,
    ),
}
PREDICTION_SPEC = {
    name: (PREDICTION_KINDS.get(name, TEXT), name in REQUIRED_PREDICTION_FIELDS)
    for name in PREDICTION_FIELDS
}
# Values in the indicator's unit, so they must lie within its range.
VALUES_IN_UNIT = ("target", "target_low", "target_high", "baseline_value")


@dataclass(frozen=True)
class RecordPaths:
    sources: Path
    predictions: Path
    indicators: Path
    observations: Path
    # Optional: each source's sections and where their claims went (the
    # coverage map); checked against the predictions when present.
    sections: Path | None = None
    # Optional: indicators computed from others (indicators.derived).
    derived: Path | None = None
    # Optional: where jobs fetch new values (indicators.record_feeds).
    feeds: Path | None = None
    # Optional in a directory given to load_seed: a record without questions.
    questions: Path | None = None

    @classmethod
    def seed(cls) -> "RecordPaths":
        """The committed record: seed files beside each app's code."""
        mine = Path(__file__).resolve().parent / "seed"
        theirs = Path(indicators_app.__file__).resolve().parent / "seed"
        return cls(
            **{
                field: (theirs if field in INDICATOR_FILES else mine) / name
                for field, name in FILE_NAMES.items()
            }
        )

    @classmethod
    def in_directory(cls, directory: Path) -> "RecordPaths":
        """All the record files side by side in one directory."""
        return cls(**{field: directory / name for field, name in FILE_NAMES.items()})


# Each record file's name; those of INDICATOR_FILES live in the indicators app.
FILE_NAMES = {
    "sources": "sources.yaml",
    "predictions": "predictions.yaml",
    "indicators": "indicators.yaml",
    "observations": "observations.csv",
    "sections": "sections.yaml",
    "derived": "derived.yaml",
    "feeds": "feeds.yaml",
    "questions": "questions.yaml",
}
INDICATOR_FILES = {"indicators", "observations", "derived", "feeds"}


# --- Sources ------------------------------------------------------------------


def source_to_dict(source: Source) -> dict:
    record = {name: getattr(source, name) for name in SOURCE_FIELDS}
    # PostgreSQL's jsonb does not keep key order; the record does.
    record["supplements"] = [
        {"title": item.get("title"), "url": item.get("url")}
        for item in source.supplements
    ]
    return record


def read_sources(
    raw: bytes, *, file: str = "sources.yaml"
) -> tuple[list[Source], list[RecordError]]:
    return read_model_items(
        raw,
        file=file,
        spec=SOURCE_SPEC,
        model=Source,
        check=lambda item: _check_supplements(
            item.data["supplements"], file, item.where
        ),
    )


def _check_supplements(supplements: list, file: str, where: str) -> list[RecordError]:
    errors = []
    for number, item in enumerate(supplements, start=1):
        name = f"supplements[{number}]"
        if not isinstance(item, dict) or set(item) != {"title", "url"}:
            message = "must be a mapping with exactly a title and a url."
            errors.append(RecordError(file, where, name, message))
            continue
        try:
            validate_http_url(item["url"])
        except ValidationError:
            message = f"{item['url']!r} is not an http(s) URL."
            errors.append(RecordError(file, where, f"{name}.url", message))
    return errors


def save_sources(sources: list[Source]) -> Counts:
    """Insert or update on slug; afterwards every given instance has its pk."""
    counts = Counts()
    existing = Source.objects.in_bulk([s.slug for s in sources], field_name="slug")
    for source in sources:
        current = existing.get(source.slug)
        if current is not None:
            source.pk = current.pk
        if current is not None and source_to_dict(source) == source_to_dict(current):
            counts.unchanged += 1
            continue
        source.save()
        if current is None:
            counts.new += 1
        else:
            counts.changed += 1
    return counts


# --- Predictions ----------------------------------------------------------------


def prediction_to_dict(prediction: Prediction) -> dict:
    """The prediction as a record item: related rows by slug, fields in order."""
    record = {name: getattr(prediction, name) for name in PREDICTION_FIELDS}
    record["source"] = prediction.source.slug
    record["indicator"] = prediction.indicator.slug
    record["quantiles"] = [list(pair) for pair in prediction.quantiles]
    return record


def read_predictions(
    raw: bytes,
    *,
    sources: Mapping[str, Source],
    indicators: Mapping[str, Indicator],
    file: str = "predictions.yaml",
) -> tuple[list[Prediction], list[RecordError]]:
    """Unsaved predictions, checked by the model's rules and the indicator's range."""
    items, errors = read_yaml_items(raw, file=file, spec=PREDICTION_SPEC)
    errors += check_unique(((i.where, i.data.get("slug")) for i in items), file=file)
    predictions = []
    for item in items:
        if not item.is_complete(PREDICTION_SPEC):
            continue
        problems = _resolve_references(item.data, sources, indicators)
        if not problems:
            problems = _check_prediction(item.data)
        errors += [
            RecordError(file, item.where, name, message)
            for name, message in problems.items()
        ]
        if not problems:
            prediction = Prediction(**item.data)
            try:
                prediction.full_clean(
                    exclude=["source", "indicator"], validate_unique=False
                )
            except ValidationError as error:
                errors += errors_from_validation(
                    error, file=file, where=item.where, model=Prediction
                )
            predictions.append(prediction)
    return predictions, errors


def _resolve_references(
    data: dict, sources: Mapping[str, Source], indicators: Mapping[str, Indicator]
) -> dict[str, str]:
    problems = {}
    for name, known in (("source", sources), ("indicator", indicators)):
        slug = data.get(name)
        if slug not in known:
            problems[name] = f"{slug!r} is not a known {name}."
        else:
            data[name] = known[slug]
    return problems


def _check_prediction(data: dict) -> dict[str, str]:
    """Values in the indicator's unit must be possible values of the indicator."""
    problems = {}
    indicator = data["indicator"]
    for name in VALUES_IN_UNIT:
        if data.get(name) is not None:
            try:
                indicator.check_value(data[name], field=name)
            except ValidationError as error:
                problems[name] = " ".join(error.message_dict[name])
    try:
        data["quantiles"] = _read_quantiles(data.get("quantiles", []), indicator)
    except ValueError as error:
        problems["quantiles"] = str(error)
    return problems


def _read_quantiles(pairs: list, indicator: Indicator) -> list[list[float | str]]:
    """``[level, value]`` pairs; a value may be an open bound such as ``">2050"``,
    kept as that text so that it is never taken for a closed quantile."""
    quantiles = []
    for pair in pairs:
        if not isinstance(pair, list) or len(pair) != 2:
            raise ValueError(f"{pair!r} is not a [level, value] pair.")
        level = parse_number(pair[0])
        value, is_open = read_quantile_value(pair[1])
        if not 0 < level < 1:
            raise ValueError(f"the level {level:g} is not between 0 and 1.")
        try:
            indicator.check_value(value, field="quantiles")
        except ValidationError as error:
            raise ValueError(" ".join(error.message_dict["quantiles"])) from None
        quantiles.append([level, format_open_quantile(value) if is_open else value])
    return quantiles


def save_predictions(predictions: list[Prediction]) -> Counts:
    """Insert or update on slug, keeping each row's override and current score."""
    counts = Counts()
    existing = Prediction.objects.select_related("source", "indicator").in_bulk(
        [p.slug for p in predictions], field_name="slug"
    )
    for prediction in predictions:
        current = existing.get(prediction.slug)
        if current is None:
            prediction.save()
            counts.new += 1
        elif prediction_to_dict(prediction) == prediction_to_dict(current):
            counts.unchanged += 1
        else:
            for name in PREDICTION_FIELDS:
                setattr(current, name, getattr(prediction, name))
            current.save()
            counts.changed += 1
    return counts


# --- The whole record --------------------------------------------------------------


def read_record(paths: RecordPaths) -> tuple[dict, list[RecordError]]:
    """Every row of the record files, checked against each other and the database."""
    raw, errors = _read_bytes(paths)
    if errors:
        return {}, errors
    indicator_rows, errors = indicator_record.read_indicators(
        raw["indicators"], file=paths.indicators.name
    )
    known_indicators = Indicator.objects.in_bulk(field_name="slug")
    known_indicators.update((i.slug, i) for i in indicator_rows)
    observations, problems = indicator_record.read_observations(
        raw["observations"], indicators=known_indicators, file=paths.observations.name
    )
    errors += problems
    feeds, problems = _read_feeds(paths, known_indicators)
    errors += problems
    sources, problems = read_sources(raw["sources"], file=paths.sources.name)
    errors += problems
    known_sources = Source.objects.in_bulk(field_name="slug")
    known_sources.update((s.slug, s) for s in sources)
    predictions, problems = read_predictions(
        raw["predictions"],
        sources=known_sources,
        indicators=known_indicators,
        file=paths.predictions.name,
    )
    errors += problems
    sections, problems = _read_sections(paths, predictions, set(known_sources))
    errors += problems
    derivations, problems = _read_derivations(paths, known_indicators)
    errors += problems
    known_predictions = Prediction.objects.select_related("source").in_bulk(
        field_name="slug"
    )
    known_predictions.update((p.slug, p) for p in predictions)
    questions, problems = [], []
    if "questions" in raw:
        questions, problems = question_record.read_questions(
            raw["questions"],
            predictions=known_predictions,
            file=paths.questions.name,
        )
    errors += problems
    rows = {
        "derivations": derivations,
        "indicators": indicator_rows,
        "observations": observations,
        "feeds": feeds,
        "sources": sources,
        "predictions": predictions,
        "sections": sections,
        "questions": questions,
    }
    return rows, errors


def prediction_refs(predictions: list[Prediction]) -> dict[str, PredictionRef]:
    return {
        p.slug: PredictionRef(p.slug, p.source.slug, p.kind, str(p.deadline))
        for p in predictions
    }


def _read_sections(
    paths: RecordPaths, predictions: list[Prediction], sources: set[str]
) -> tuple[list[Section], list[RecordError]]:
    if paths.sections is None or not paths.sections.exists():
        return [], []
    return read_sections(
        paths.sections.read_bytes(),
        predictions=prediction_refs(predictions),
        sources=sources,
        file=paths.sections.name,
    )


def _read_derivations(
    paths: RecordPaths, indicators: dict[str, Indicator]
) -> tuple[list, list[RecordError]]:
    if paths.derived is None or not paths.derived.exists():
        return [], []
    return indicator_record.read_derivations(
        paths.derived.read_bytes(), indicators=indicators, file=paths.derived.name
    )


def _read_feeds(
    paths: RecordPaths, indicators: dict[str, Indicator]
) -> tuple[list, list[RecordError]]:
    if paths.feeds is None or not paths.feeds.exists():
        return [], []
    return record_feeds.read_feeds(
        paths.feeds.read_bytes(), indicators=indicators, file=paths.feeds.name
    )


def _read_bytes(paths: RecordPaths) -> tuple[dict[str, bytes], list[RecordError]]:
    raw, errors = {}, []
    for kind in ("indicators", "observations", "sources", "predictions"):
        path = getattr(paths, kind)
        try:
            raw[kind] = path.read_bytes()
        except OSError as error:
            errors.append(
                RecordError(str(path), "", "", error.strerror or "unreadable")
            )
    if paths.questions is not None and paths.questions.exists():
        raw["questions"] = paths.questions.read_bytes()
    return raw, errors


def load_record(paths: RecordPaths) -> dict[str, Counts]:
    """Check every file, then write them in one transaction, or raise
    ``RecordInvalid`` listing every problem and write nothing.

    Rows that are in the database but not in the files are kept: editors add
    observations in the admin, and a reload must not lose them.
    """
    rows, errors = read_record(paths)
    if errors:
        raise RecordInvalid(errors)
    with transaction.atomic():
        return {
            "indicators": indicator_record.save_indicators(rows["indicators"]),
            "observations": indicator_record.save_observations(
                rows["observations"], origin=Origin.SEED
            ),
            "feeds": record_feeds.save_feeds(rows["feeds"]),
            "sources": save_sources(rows["sources"]),
            "predictions": save_predictions(rows["predictions"]),
            "derived indicators": indicator_record.save_derivations(
                rows["derivations"]
            ),
            "questions": question_record.save_questions(rows["questions"]),
        }


def export_sources() -> str:
    # Sorted in Python: the database's collation may ignore the hyphens in slugs.
    sources = sorted(Source.objects.all(), key=lambda s: s.slug)
    items = [source_to_dict(source) for source in sources]
    return dump_yaml(items, header=SOURCES_HEADER)


def export_predictions() -> str:
    predictions = sorted(
        Prediction.objects.select_related("source", "indicator"),
        key=lambda p: (p.source.slug, p.deadline, p.slug),
    )
    items = [prediction_to_dict(p) for p in predictions]
    return dump_yaml(items, header=PREDICTIONS_HEADER)


def export_record(paths: RecordPaths) -> None:
    """Write the database as the record files (UTF-8, Unix line ends)."""
    texts = {
        paths.sources: export_sources(),
        paths.predictions: export_predictions(),
        paths.indicators: indicator_record.export_indicators(),
        paths.observations: indicator_record.export_observations(),
    }
    if paths.feeds is not None:
        texts[paths.feeds] = record_feeds.export_feeds()
    if paths.derived is not None:
        texts[paths.derived] = indicator_record.export_derivations()
    if paths.questions is not None:
        texts[paths.questions] = question_record.export_questions()
    for path, text in texts.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
