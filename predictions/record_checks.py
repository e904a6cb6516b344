"""``check_record``: the evidence rules (EVIDENCE.md) over the record files.

Loading already refuses what cannot be stored: a row without a known tier (so
no value can decide unless it is primary or press), a publication date before
the measured one. These rules need the whole record at once, and fail it:

- ``running-best-decreases``: a "best" series (slug ending in ``-best``) goes
  down from one date to the next among its deciding values;
- ``same-number-twice``: two current rows give the same value for the same
  indicator and date from different URLs: one producer's number through a
  mirror;
- ``aggregator-host-decides``: a deciding row cites a host that the record
  itself lists as an aggregator elsewhere.

One more is a notice, not a failure, since an untraced row may be kept as an
aggregator with its reason (EVIDENCE.md): ``aggregator-would-decide``, a
prediction whose status would differ if the aggregator rows counted, which
says where tracing a number to its producer would change a verdict. It counts
the values the record's derivations (derived.yaml) give from its deciding rows,
as the site's rescore does.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import numpy as np
from django.utils import timezone

from indicators import derived
from indicators.models import DECIDING_TIERS, Derivation, Tier
from indicators.record import RecordRow
from indicators.services import ObservationData
from predictions import scoring
from predictions.models import CLAIM_FIELDS, Prediction


@dataclass(frozen=True)
class Finding:
    file: str
    where: str
    rule: str
    message: str
    is_failure: bool = True

    def __str__(self) -> str:
        return f"{self.file}, {self.where}: [{self.rule}] {self.message}"


def check_record(
    rows: dict, *, file: str, today: datetime.date | None = None
) -> list[Finding]:
    """Every finding of the four rules, for ``rows`` as ``read_record`` gives them."""
    current = [row for row in rows["observations"] if not row.superseded_by]
    today = today or timezone.now().date()
    with_derived = current + _derived_rows(current, rows["derivations"])
    return [
        *_aggregators_that_decide(with_derived, rows["predictions"], file, today),
        *_running_bests_that_decrease(current, file),
        *_same_number_twice(current, file),
        *_aggregator_hosts_that_decide(current, file),
    ]


def _derived_rows(
    current: list[RecordRow], derivations: list[Derivation]
) -> list[RecordRow]:
    """The values each derivation gives from the deciding rows (and from the
    derivations before it), inputs first."""
    points = defaultdict(list)
    for row in current:
        if _is_deciding(row):
            points[row.data.indicator.slug].append(_as_point(row))
    made: list[RecordRow] = []
    for derivation in derived.in_dependency_order(derivations):
        indicator = derivation.indicator
        for point in derived.compute_derivation(
            derivation, [points[slug] for slug in derivation.inputs]
        ):
            row = RecordRow(
                ObservationData(
                    indicator=indicator,
                    date=point.date,
                    value=point.value,
                    source_url=derived.source_url(indicator),
                    source_title=f"Derived: {indicator.name}",
                    tier=point.tier,
                    published_on=point.published_on,
                ),
                where=f"derived {indicator.slug} {point.date}",
            )
            made.append(row)
            points[indicator.slug].append(_as_point(row))
    return made


def _as_point(row: RecordRow) -> derived.Point:
    data = row.data
    return derived.Point(
        data.indicator.slug,
        data.date,
        data.value,
        data.tier,
        data.published_on or data.date,
        data.source_url,
    )


def _is_deciding(row: RecordRow) -> bool:
    return not row.superseded_by and row.data.tier in DECIDING_TIERS


def _series(rows: Iterable[tuple[int, RecordRow]]) -> scoring.Series:
    ordered = sorted(rows, key=lambda pair: (pair[1].data.date, pair[0]))
    return scoring.Series(
        days=np.array([r.data.date.toordinal() for _, r in ordered], dtype=np.int64),
        values=np.array([r.data.value for _, r in ordered], dtype=np.float64),
        ids=np.array([index for index, _ in ordered], dtype=np.int64),
    )


def _claim(prediction: Prediction) -> scoring.Claim:
    return scoring.Claim(
        scale=prediction.indicator.scale,
        quantiles=tuple(tuple(pair) for pair in prediction.quantiles or ()),
        interval_coverage=prediction.interval_coverage,
        **{name: getattr(prediction, name) for name in CLAIM_FIELDS},
    )


def _aggregators_that_decide(
    current: list[RecordRow],
    predictions: list[Prediction],
    file: str,
    today: datetime.date,
) -> list[Finding]:
    by_indicator = defaultdict(list)
    for index, row in enumerate(current):
        by_indicator[row.data.indicator.slug].append((index, row))
    findings = []
    for prediction in predictions:
        rows = by_indicator.get(prediction.indicator.slug, [])
        aggregators = [(i, r) for i, r in rows if r.data.tier == Tier.AGGREGATOR]
        if not aggregators:
            continue
        claim = _claim(prediction)
        counted = scoring.assess(claim, _series(rows), today)
        decided = scoring.assess(
            claim, _series((i, r) for i, r in rows if _is_deciding(r)), today
        )
        if counted.status == decided.status:
            continue
        rests_on = dict(rows).get(counted.observation_id)
        if rests_on is None or rests_on.data.tier != Tier.AGGREGATOR:
            rests_on = aggregators[-1][1]
        findings.append(
            Finding(
                file,
                rests_on.where,
                "aggregator-would-decide",
                f"{prediction.slug} would be {counted.status} with this aggregator "
                f"row and is {decided.status} without it: find the producer's number.",
                is_failure=False,
            )
        )
    return findings


def _running_bests_that_decrease(current: list[RecordRow], file: str) -> list[Finding]:
    by_indicator = defaultdict(list)
    for row in current:
        if row.data.indicator.slug.endswith("-best") and _is_deciding(row):
            by_indicator[row.data.indicator.slug].append(row)
    findings = []
    for slug, rows in by_indicator.items():
        best = None
        for row in sorted(rows, key=lambda r: r.data.date):
            if best is not None and row.data.value < best.data.value:
                findings.append(
                    Finding(
                        file,
                        row.where,
                        "running-best-decreases",
                        f"{slug} falls to {row.data.value:g} on {row.data.date}, "
                        f"below {best.data.value:g} on {best.data.date} "
                        f"({best.where}).",
                    )
                )
            if best is None or row.data.value >= best.data.value:
                best = row
    return findings


def _same_number_twice(current: list[RecordRow], file: str) -> list[Finding]:
    seen: dict[tuple, RecordRow] = {}
    findings = []
    for row in current:
        data = row.data
        key = (data.indicator.slug, data.date, data.value)
        first = seen.setdefault(key, row)
        if first is not row and first.data.source_url != data.source_url:
            findings.append(
                Finding(
                    file,
                    row.where,
                    "same-number-twice",
                    f"{data.indicator.slug} {data.value:g} on {data.date} is also "
                    f"{first.where} ({first.data.source_url}): keep the producer's.",
                )
            )
    return findings


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _aggregator_hosts_that_decide(current: list[RecordRow], file: str) -> list[Finding]:
    hosts = {
        _host(row.data.source_url)
        for row in current
        if row.data.tier == Tier.AGGREGATOR
    }
    return [
        Finding(
            file,
            row.where,
            "aggregator-host-decides",
            f"{_host(row.data.source_url)} is listed as an aggregator elsewhere in "
            f"the record, yet this {row.data.tier} row decides.",
        )
        for row in current
        if _is_deciding(row) and _host(row.data.source_url) in hosts
    ]
