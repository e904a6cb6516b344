"""The coverage map: every section of each source, its claims, and where each went.

``sections.yaml`` lists, per source and section, the claims the section makes and,
for each, either the predictions that hold it or why it is not in the record
(``not_checkable``, ``duplicate`` of another claim's prediction, or
``undecidable``: nothing could ever decide it). ``read_sections`` checks the file
against the predictions; ``render_coverage`` writes ``docs/coverage.md`` from it.
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

from indicators.record_format import RecordError, RecordLoader, decode

NOT_IN_RECORD = {
    "not_checkable": "not checkable",
    "duplicate": "duplicate",
    "undecidable": "nothing could decide it",
}
SECTION_KEYS = {"title", "url", "claims"}
CLAIM_KEYS = {"claim", "predictions", "not_in_record", "duplicate_of", "reason"}


@dataclass(frozen=True)
class Claim:
    text: str
    predictions: tuple[str, ...] = ()
    not_in_record: str = ""
    duplicate_of: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Section:
    source: str
    title: str
    url: str
    claims: tuple[Claim, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class PredictionRef:
    """What the map shows of a prediction: read from the record, not the database."""

    slug: str
    source: str
    kind: str
    deadline: str


def read_sections(
    raw: bytes,
    *,
    predictions: Mapping[str, PredictionRef],
    sources: set[str],
    file: str = "sections.yaml",
) -> tuple[list[Section], list[RecordError]]:
    """The sections, checked: known sources and slugs, one disposition per claim,
    and every prediction listed under a section of its own source."""
    text, errors = decode(raw, file=file)
    if errors:
        return [], errors
    try:
        data = yaml.load(text, Loader=RecordLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as error:
        return [], [RecordError(file, "", "", f"is not valid YAML: {error}")]
    if not isinstance(data, list):
        return [], [RecordError(file, "", "", "must be a list of sources.")]
    sections: list[Section] = []
    for number, entry in enumerate(data, start=1):
        where = f"source {number}"
        if not isinstance(entry, dict) or set(entry) != {"source", "sections"}:
            errors.append(RecordError(file, where, "", "needs a source and sections."))
            continue
        source = entry["source"]
        if source not in sources:
            message = f"{source!r} is not a known source."
            errors.append(RecordError(file, where, "source", message))
            continue
        for index, item in enumerate(entry["sections"] or [], start=1):
            section, problems = _read_section(
                item, source, predictions, file, f"{source} section {index}"
            )
            errors += problems
            if section is not None:
                sections.append(section)
    listed = {slug for s in sections for c in s.claims for slug in c.predictions}
    errors += [
        RecordError(file, "", slug, "this prediction is not listed under any section.")
        for slug in sorted(set(predictions) - listed)
    ]
    return sections, errors


def _read_section(
    item: object,
    source: str,
    predictions: Mapping[str, PredictionRef],
    file: str,
    where: str,
) -> tuple[Section | None, list[RecordError]]:
    if not isinstance(item, dict) or set(item) != SECTION_KEYS:
        message = "must have exactly a title, a url and claims."
        return None, [RecordError(file, where, "", message)]
    where = f"{source}: {item['title']}"
    claims, errors = [], []
    for number, raw in enumerate(item["claims"] or [], start=1):
        claim, problems = _read_claim(raw, source, predictions)
        errors += [
            RecordError(file, where, f"claims[{number}].{name}", message)
            for name, message in problems
        ]
        if claim is not None:
            claims.append(claim)
    if not claims and not errors:
        errors.append(RecordError(file, where, "claims", "lists no claim."))
    section = Section(source, str(item["title"]), str(item["url"]), tuple(claims))
    return section, errors


def _read_claim(
    raw: object, source: str, predictions: Mapping[str, PredictionRef]
) -> tuple[Claim | None, list[tuple[str, str]]]:
    if not isinstance(raw, dict) or "claim" not in raw or set(raw) - CLAIM_KEYS:
        keys = ", ".join(sorted(CLAIM_KEYS))
        return None, [("claim", f"must be a mapping with a claim and only {keys}.")]
    slugs = tuple(raw.get("predictions") or ())
    kind = raw.get("not_in_record") or ""
    if bool(slugs) == bool(kind):
        message = "give either predictions or not_in_record, not both or neither."
        return None, [("predictions", message)]
    problems = []
    for slug in slugs:
        if slug not in predictions:
            problems.append(("predictions", f"{slug!r} is not a prediction."))
        elif predictions[slug].source != source:
            problems.append(("predictions", f"{slug!r} belongs to another source."))
    if kind and kind not in NOT_IN_RECORD:
        known = ", ".join(NOT_IN_RECORD)
        problems.append(("not_in_record", f"{kind!r} is not one of {known}."))
    duplicate_of = raw.get("duplicate_of") or ""
    if kind == "duplicate" and duplicate_of not in predictions:
        message = (
            f"a duplicate names the prediction it repeats; {duplicate_of!r} is not one."
        )
        problems.append(("duplicate_of", message))
    reason = str(raw.get("reason") or "").strip()
    if kind and kind != "duplicate" and not reason:
        problems.append(("reason", "says why the claim is not in the record."))
    if problems:
        return None, problems
    return Claim(str(raw["claim"]), slugs, kind, duplicate_of, reason), []


def render_coverage(
    sections: list[Section],
    predictions: Mapping[str, PredictionRef],
    *,
    source_names: Mapping[str, str],
) -> str:
    """The coverage map as Markdown, in the order of the sections file."""
    lines = [
        "# Coverage of the sources",
        "",
        "Generated by `manage.py coverage_map` from `predictions/seed/sections.yaml`"
        " and the record; do not edit by hand.",
        "",
        "| source | sections | claims | in the record | not checkable | duplicate"
        " | nothing could decide it | predictions |",
        "|---|---|---|---|---|---|---|---|",
    ]
    order = list(dict.fromkeys(section.source for section in sections))
    for source in order:
        own = [s for s in sections if s.source == source]
        claims = [c for s in own for c in s.claims]
        tally = Counter(c.not_in_record or "in" for c in claims)
        count = sum(1 for p in predictions.values() if p.source == source)
        lines.append(
            f"| {source_names.get(source, source)} | {len(own)} | {len(claims)}"
            f" | {tally['in']} | {tally['not_checkable']} | {tally['duplicate']}"
            f" | {tally['undecidable']} | {count} |"
        )
    for source in order:
        lines += ["", f"## {source_names.get(source, source)}"]
        for section in (s for s in sections if s.source == source):
            lines += ["", f"### [{section.title}]({section.url})", ""]
            lines += [_claim_line(claim, predictions) for claim in section.claims]
    return "\n".join(lines) + "\n"


def _claim_line(claim: Claim, predictions: Mapping[str, PredictionRef]) -> str:
    if claim.predictions:
        held = ", ".join(
            f"`{slug}` ({predictions[slug].kind}, {predictions[slug].deadline})"
            for slug in claim.predictions
        )
        return f"- {claim.text} — in the record: {held}"
    label = NOT_IN_RECORD[claim.not_in_record]
    if claim.not_in_record == "duplicate":
        why = f"repeats `{claim.duplicate_of}`" + (
            f"; {claim.reason}" if claim.reason else ""
        )
    else:
        why = claim.reason
    return f"- {claim.text} — not in the record ({label}): {why}"
