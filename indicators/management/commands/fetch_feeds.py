"""Run feeds now, in the foreground: one line per feed, then a summary."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from indicators import ingest
from indicators.fetchers import FetchError
from indicators.models import Feed, FetchRun, Outcome


class Command(BaseCommand):
    help = (
        "Fetch every active feed now (or the feeds named with --feed) and store "
        "what changed, as the worker would, without retries."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--feed",
            action="append",
            default=[],
            metavar="NAME-OR-INDICATOR",
            help="A feed's name, or an indicator's slug for all of its feeds; "
            "may be repeated. Named feeds run even if inactive.",
        )

    def handle(self, *args, feed: list[str], **options) -> None:
        feeds = self._select(feed)
        outcomes: dict[str, int] = {}
        for number, one in enumerate(feeds, start=1):
            started = time.monotonic()
            run = self._run(one)
            seconds = time.monotonic() - started
            outcome, line = _describe(run)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            style = self.style.ERROR if outcome == Outcome.FAILED else str
            self.stdout.write(
                style(f"[{number}/{len(feeds)}] {one.name}: {line} ({seconds:.1f} s)")
            )
        summary = ", ".join(f"{count} {name}" for name, count in outcomes.items())
        plural = "" if len(feeds) == 1 else "s"
        self.stdout.write(f"{len(feeds)} feed{plural}: {summary or 'none to run'}.")
        if failed := outcomes.get(Outcome.FAILED):
            raise CommandError(f"{failed} of {len(feeds)} feed{plural} failed.")

    def _select(self, wanted: list[str]) -> list[Feed]:
        feeds = Feed.objects.select_related("indicator").order_by("name")
        if not wanted:
            return list(feeds.filter(is_active=True))
        chosen = []
        for name in wanted:
            matches = list(feeds.filter(Q(name=name) | Q(indicator__slug=name)))
            if not matches:
                raise CommandError(
                    f"No feed is named {name!r} or fills that indicator."
                )
            chosen += [match for match in matches if match not in chosen]
        return chosen

    def _run(self, feed: Feed) -> FetchRun | None:
        try:
            return ingest.run_feed(feed)
        except FetchError:  # transient: recorded as a failed run; no retry here
            return feed.runs.order_by("-started_at").first()


def _describe(run: FetchRun | None) -> tuple[str, str]:
    if run is None:
        return "skipped", "skipped, another run holds the feed"
    if run.outcome == Outcome.FAILED:
        return Outcome.FAILED, f"failed: {run.error}"
    missing = f", {run.rows_missing} without a value" if run.rows_missing else ""
    return run.outcome, (
        f"{run.get_outcome_display().lower()}, {run.rows_seen} rows seen{missing}, "
        f"{run.rows_new} new, {run.rows_changed} changed"
    )
