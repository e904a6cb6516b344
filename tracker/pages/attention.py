"""What needs attention: the lists on the admin's home page.

Each list is one query whatever the size of the record (four in all), and
each line links to the page where it is fixed: most often the observation
form with the indicator already chosen.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from indicators.models import Feed, Indicator
from predictions.models import DeferredRescore, Prediction

# Predictions due within this many days of today (before or after) that
# nothing decides yet are listed.
DEADLINE_WINDOW_DAYS = 60
# Lines shown per list until the editor asks for all of them.
SHOWN_LINES = 10


@dataclass(frozen=True)
class Line:
    subject: str
    problem: str
    fix_url: str
    fix_label: str
    more_url: str = ""
    more_label: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    lines: list[Line] = field(default_factory=list)

    @property
    def first_lines(self) -> list[Line]:
        return self.lines[:SHOWN_LINES]

    @property
    def more_count(self) -> int:
        return max(0, len(self.lines) - SHOWN_LINES)


def add_value_url(indicator_id: int) -> str:
    """The observation form with the indicator chosen."""
    query = urlencode({"indicator": indicator_id})
    return f"{reverse('admin:indicators_observation_add')}?{query}"


def collect(*, today: datetime.date) -> list[Section]:
    indicators = list(Indicator.objects.with_evidence().order_by("name"))
    # A derived indicator is recomputed from its inputs, which are listed in
    # their own right: it is never overdue or aggregated itself.
    measured = [i for i in indicators if i.derived_from is None]
    return [
        Section("stale", "Indicators overdue for a value", overdue(measured, today)),
        Section("feeds", "Feeds whose last run failed", failing_feeds()),
        Section(
            "undecided",
            f"Predictions due within {DEADLINE_WINDOW_DAYS} days of today that no "
            "value decides yet",
            undecided_predictions(today, indicators),
        ),
        Section(
            "aggregators",
            "Indicators that rest only on aggregator rows",
            aggregator_only(measured),
        ),
        Section("deferred", "Rescores waiting for the broker", deferred_rescores()),
    ]


def overdue(indicators: list[Indicator], today: datetime.date) -> list[Line]:
    """Indicators with a cadence whose newest deciding value is older than it,
    most overdue first; those with no deciding value at all come last, since
    some wait for an event that has not happened."""
    found = []
    for indicator in indicators:
        if indicator.cadence_days is None:
            continue
        newest = indicator.newest_deciding_date
        if newest is None:
            found.append((None, indicator, "no deciding value yet"))
            continue
        late = (today - newest).days - indicator.cadence_days
        if late > 0:
            problem = (
                f"newest deciding value {newest:%Y-%m-%d}, "
                f"{(today - newest).days} days ago; "
                f"expected every {indicator.cadence_days} days"
            )
            found.append((late, indicator, problem))
    found.sort(key=lambda item: (item[0] is None, -(item[0] or 0)))
    return [
        Line(
            subject=indicator.name,
            problem=problem,
            fix_url=add_value_url(indicator.pk),
            fix_label="add a value",
            more_url=reverse("indicator-detail", args=[indicator.slug]),
            more_label="public page",
        )
        for _, indicator, problem in found
    ]


def failing_feeds() -> list[Line]:
    lines = []
    for feed in Feed.objects.failing().select_related("indicator").order_by("name"):
        since = (
            f"last worked {feed.last_worked_at:%Y-%m-%d %H:%M}"
            if feed.last_worked_at
            else "never worked"
        )
        lines.append(
            Line(
                subject=feed.name,
                problem=(
                    f"failed {feed.last_failed_at:%Y-%m-%d %H:%M} UTC: "
                    f"{feed.last_error or 'no reason recorded'} ({since})"
                ),
                fix_url=reverse("admin:indicators_feed_change", args=[feed.pk]),
                fix_label="open the feed",
                more_url=add_value_url(feed.indicator_id),
                more_label="add a value by hand",
            )
        )
    return lines


def fix_for(indicator: Indicator, by_slug: dict[str, Indicator]) -> tuple[str, str]:
    """Where a missing value of ``indicator`` is added: its own form, or for a
    derived indicator the form of its first input."""
    inputs = [by_slug[slug] for slug in indicator.derived_from or [] if slug in by_slug]
    if not inputs:
        return add_value_url(indicator.pk), "add a value"
    return add_value_url(inputs[0].pk), f"add a value of {inputs[0].name} (an input)"


def undecided_predictions(
    today: datetime.date, indicators: list[Indicator]
) -> list[Line]:
    window = datetime.timedelta(days=DEADLINE_WINDOW_DAYS)
    predictions = (
        Prediction.objects.undecided_between(today - window, today + window)
        .select_related("indicator", "current_score")
        .order_by("deadline", "slug")
    )
    by_pk = {indicator.pk: indicator for indicator in indicators}
    by_slug = {indicator.slug: indicator for indicator in indicators}
    lines = []
    for prediction in predictions:
        fix_url, fix_label = fix_for(by_pk[prediction.indicator_id], by_slug)
        days = (prediction.deadline - today).days
        when = f"due in {days} days" if days >= 0 else f"due {-days} days ago"
        never = " (never scored)" if prediction.current_score is None else ""
        lines.append(
            Line(
                subject=prediction.slug,
                problem=(
                    f"{when} ({prediction.deadline:%Y-%m-%d}); no value of "
                    f"{prediction.indicator.name} decides it yet{never}"
                ),
                fix_url=fix_url,
                fix_label=fix_label,
                more_url=reverse("prediction-detail", args=[prediction.slug]),
                more_label="public page",
            )
        )
    return lines


def aggregator_only(indicators: list[Indicator]) -> list[Line]:
    changelist = reverse("admin:indicators_observation_changelist")
    return [
        Line(
            subject=indicator.name,
            problem=(
                f"{indicator.current_count} value"
                f"{'s' if indicator.current_count != 1 else ''}, "
                "none from the producer or the press"
            ),
            fix_url=add_value_url(indicator.pk),
            fix_label="add the producer's value",
            more_url=f"{changelist}?indicator__id__exact={indicator.pk}",
            more_label="its values",
        )
        for indicator in indicators
        if indicator.current_count and not indicator.deciding_count
    ]


def deferred_rescores() -> list[Line]:
    changelist = reverse("admin:predictions_deferredrescore_changelist")
    rows = DeferredRescore.objects.select_related("indicator").order_by("deferred_at")
    return [
        Line(
            subject=row.indicator.name,
            problem=f"rescore deferred {row.deferred_at:%Y-%m-%d %H:%M} UTC",
            fix_url=changelist,
            fix_label="rescore now",
        )
        for row in rows
    ]
